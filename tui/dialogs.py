"""Screens and helpers a lab can ask for: a yes/no question, a code editor for a workspace file, the learner's own editor."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from textual import events
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Footer, Static, TextArea

from micrograd_tui.lessons.userdata import write_atomic
from micrograd_tui.lessons.workshop.workspace import read_inside, real_inside

from .keyorder import ran_own_binding


class Confirm(ModalScreen[bool]):
    """Asks before something that cannot be taken back (revealing a solution, wiping a file)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes", tooltip="Yes, do it"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no", tooltip="No, leave it as it is"),
    ]
    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical { width: 64; max-width: 90%; height: auto; border: round $warning; background: $surface;
                         padding: 1 2; }
    """

    def __init__(self, question: str):
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question)
            yield Static("\ny  yes      n or escape  no", classes="dim")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class Predict(ModalScreen[str | None]):
    """A one-key prediction before an action runs (predict mode): each choice's key answers, escape skips."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Skip", id="predict-skip", tooltip="Run it without predicting")]
    DEFAULT_CSS = """
    Predict { align: center middle; }
    Predict > Vertical { width: 64; max-width: 90%; height: auto; border: round $accent; background: $surface;
                         padding: 1 2; }
    """

    def __init__(self, question: str, choices: tuple[tuple[str, str], ...]):
        super().__init__()
        self.question = question
        self.choices = dict(choices)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question)
            yield Static("\n" + "\n".join(f"{key}  {words}" for key, words in self.choices.items()))
            yield Static("\nescape  run it without predicting", classes="dim")

    def on_key(self, event: events.Key) -> None:
        if event.character in self.choices:
            event.stop()
            self.dismiss(event.character)


class CourseComplete(ModalScreen[str | None]):
    """The end of the course: what the learner did, and where to go next."""

    BINDINGS = [
        Binding("escape,enter", "dismiss(None)", "Close", id="complete-close", tooltip="Back to the last lesson"),
        Binding("g", "dismiss('playground')", "Playground", id="complete-playground", tooltip="Open the playground"),
        Binding("d", "dismiss('demo')", "Demo", id="complete-demo", tooltip="Open the two-moons demo"),
    ]
    DEFAULT_CSS = """
    CourseComplete { align: center middle; }
    CourseComplete > Vertical { width: 72; max-width: 95%; height: auto; max-height: 90%; border: round $success;
                                background: $surface; padding: 1 2; }
    """

    def __init__(self, done: int, total: int, missing: list[str]):
        super().__init__()
        self.done, self.total, self.missing = done, total, missing

    def compose(self) -> ComposeResult:
        lines = [f"You have reached the end: {self.done} of {self.total} lessons and exercises done."]
        if self.missing:
            shown = ", ".join(self.missing[:8]) + (", ..." if len(self.missing) > 8 else "")
            lines.append(f"Still open: {shown} (t shows the contents).")
        else:
            lines.append("Every one of them. You have built backpropagation, and trained a net with it.")
        lines += ["", "Where next:",
                  "  g  the playground: any expression, its graph and grads",
                  "  d  the demo: two moons, a decision boundary forming live",
                  "  the original micrograd: github.com/karpathy/micrograd",
                  "  micrograd-tui check: your own engine's checks, from a terminal",
                  "", "escape closes this"]
        with Vertical():
            yield Static("\n".join(lines))


class CodeEditor(TextArea):
    """Textual's code editor (Python highlighted by tree-sitter, Textual's syntax extra) with Python's
    indentation: enter keeps the line's indentation, and adds a level after a line ending in a colon.

    Its own keys (arrows, home, end, backspace, ...) act here, in the order they came (keyorder.py)."""

    async def _on_key(self, event: events.Key) -> None:
        if await ran_own_binding(self, event):
            return
        if event.key == "enter" and not self.read_only:
            event.stop()
            event.prevent_default()
            row, column = self.cursor_location
            before = self.document[row][:column]
            indent = before[:len(before) - len(before.lstrip(" \t"))]
            if before.rstrip().endswith(":"):
                indent += " " * self.indent_width
            start, end = self.selection
            self._replace_via_keyboard("\n" + indent, start, end)
            return
        await super()._on_key(event)


class Editor(ModalScreen[bool]):
    """A workspace file in Textual's code editor. ctrl+s saves (atomically); escape closes, asking
    first when there are unsaved changes. Dismissed with True when it saved at least once."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save and check", id="editor-save", tooltip="Save the file; the checks run"),
        # priority: in a code editor escape would otherwise only move the focus out of the text
        Binding("escape", "close", "Close", id="editor-close", tooltip="Close the editor", priority=True),
        Binding("f1", "app.help", "Keys", id="editor-help", tooltip="Every key of the editor"),
    ]
    DEFAULT_CSS = """
    Editor > Vertical { height: 1fr; }
    Editor #editor-path { height: 1; background: $panel; padding: 0 1; }
    Editor TextArea { height: 1fr; }
    Editor #editor-status { height: auto; max-height: 3; background: $boost; color: $accent; padding: 0 1; }
    """
    STATUS_SECONDS = 0.2  # how often the line under the text asks for the latest check result

    def __init__(self, path: Path, on_save, status=None, line: int | None = None):
        super().__init__()
        self.path = path
        self.line = line  # the line to start on (a failure's), else the first thing to write
        self.on_save = on_save
        self.status = status  # () -> the latest result in a line, shown under the text as you save
        self.saved_once = False
        self._discarded = False  # the learner chose to lose the changes: none kept
        self._latest: str | None = None  # the text as last changed
        self._restored = False  # it opened on text kept when the app last stopped, not on the file
        self._keep_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            # the keys first: a long path (a served session's folder) must not push them off the line
            yield Static(f"ctrl+s saves and checks, escape closes   {self.path}", id="editor-path")
            try:
                text = read_inside(self.path.parent, self.path)  # never a link out of the workspace
            except (OSError, UnicodeDecodeError) as e:
                text = ""
                self.notify(f"could not read {self.path.name}: {e}", severity="error")
            self._saved_text = text
            kept = self._kept_text()
            if kept is not None and kept != text:  # what was typed and not saved when the app last stopped
                self._latest = text = kept
                self._restored = True
            yield CodeEditor.code_editor(text, language="python", id="editor-text")
            yield Static("", id="editor-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        row = start_row(area.text, self.line)
        if row is not None:
            column = len(area.document.get_line(row)) - len(area.document.get_line(row).lstrip())
            area.cursor_location = (row, column)
            self.call_after_refresh(area.scroll_cursor_visible, center=True, animate=False)
        if self.status is not None:
            self._show_status()
            self.set_interval(self.STATUS_SECONDS, self._show_status)
        if self._restored:
            self.notify(f"the text you had not saved when the app last stopped is back (kept in "
                        f"{self.recovery.name}): ctrl+s saves it, escape asks before dropping it", timeout=10)

    def _kept_text(self) -> str | None:
        try:
            return read_inside(self.path.parent, self.recovery) if self.recovery.is_file() else None
        except (OSError, UnicodeDecodeError):
            return None

    def _forget_kept(self) -> None:
        try:
            self.recovery.unlink(missing_ok=True)
        except OSError:
            pass

    def _show_status(self) -> None:
        from rich.text import Text

        assert self.status is not None
        self.query_one("#editor-status", Static).update(Text(self.status()))

    @property
    def dirty(self) -> bool:
        return self.query_one(TextArea).text != self._saved_text

    @property
    def recovery(self) -> Path:
        """Where unsaved text goes when the app stops with the editor open (a quit, the server stopping)."""
        return self.path.with_name(self.path.name + ".unsaved")

    KEEP_SECONDS = 0.5  # unsaved text is kept beside the file this soon after the last change

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._latest = event.text_area.text  # kept here: at the app's end the text area goes before the screen
        # kept beside the file as it is typed, so even an app ended without warning (a server under load
        # ending its apps) loses half a second at most
        if self._keep_timer is not None:
            self._keep_timer.stop()
        self._keep_timer = self.set_timer(self.KEEP_SECONDS, self._keep)

    def _keep(self) -> None:
        self._keep_timer = None
        if self._discarded or self._latest is None:
            return
        if self._latest == self._saved_text:
            self._forget_kept()
            return
        try:
            write_atomic(self.recovery, self._latest)
        except OSError:
            pass

    def on_unmount(self) -> None:
        """Taken down with changes the learner neither saved nor chose to lose (the app is ending): they
        are kept beside the file, never over it, and the editor says so the next time it opens."""
        if self._discarded or self._latest is None or self._latest == self._saved_text:
            return
        self._keep()

    def action_save(self) -> None:
        text = self.query_one(TextArea).text
        try:
            write_atomic(self.path, text)
        except OSError as e:
            self.notify(f"not saved: {e}", severity="error", timeout=8)
            return
        self._saved_text = text
        self.saved_once = True
        self._forget_kept()  # saved: the kept text has done its job
        self.notify(f"saved {self.path.name}: checking", timeout=2)
        self.on_save()

    def action_close(self) -> None:
        if not self.dirty:
            self.dismiss(self.saved_once)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._discarded = True
                self._forget_kept()
                self.dismiss(self.saved_once)

        self.app.push_screen(Confirm(f"{self.path.name} has changes that are not saved. Close and lose them?"),
                             answered)


def start_row(text: str, line: int | None) -> int | None:
    """Where the editor's cursor starts (a row from 0): the line a failure points at, else the first
    ``raise NotImplementedError`` (the starter's "write this here"), else None (the top)."""
    lines = text.splitlines()
    if line is not None and 1 <= line <= len(lines):
        return line - 1
    for row, text_line in enumerate(lines):
        if text_line.strip().startswith("raise NotImplementedError"):
            return row
    return None


def edit_outside(app, path: Path) -> str | None:
    """Open ``path`` in the learner's own editor ($VISUAL, $EDITOR), in the terminal the app gives up
    while it runs; what went wrong, in words for the lab's message, or None."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if path.exists() and real_inside(path.parent, path) is None:
        return f"{path.name} is not a plain file inside your workspace (a link out of it?): not opened"
    if not editor:
        return "set $VISUAL or $EDITOR to your editor's command, or press [[edit]] to edit here"
    command = shlex.split(editor) + [str(path)]
    try:
        try:
            with app.suspend():
                subprocess.call(command)
        except SuspendNotSupported:
            if not app.is_headless:
                return "this terminal cannot be handed to another program (in a browser?): [[edit]] edits here"
            subprocess.call(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError as e:
        app.refresh()
        return f"could not start {command[0]}: {e.strerror or e}"
    app.refresh()
    return None
