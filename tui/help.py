"""The help screen: every key, listed from the same bindings the footer and the command palette use."""

from __future__ import annotations

import os

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from .serve.classroom import ENV_RESUME
from .keys import APP_KEYS, LAB_KEYS, TYPING_KEYS, key_label, lab_action


class HelpScreen(ModalScreen[None]):
    """Every key, from the same bindings the footer and the palette use."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close", id="close-help", tooltip="Close help")]

    def __init__(self, lab_actions: frozenset[str], words: dict[str, str] | None = None,
                 here: tuple[str, list[tuple[str, str]]] | None = None, alone: bool = False,
                 typing: bool = False):
        super().__init__()
        self.typing = typing  # the lab's field takes any text: letters type, its keys are control keys
        self.lab_actions = lab_actions
        self.words = words or {}
        self.here = here  # what has the keyboard (the editor, the tree) and its own keys
        self.alone = alone  # over a dialog (the editor): only its keys work, so only they are listed

    def compose(self) -> ComposeResult:
        from rich.table import Table

        table = Table(title="Keys", expand=True, show_edge=False, pad_edge=False)
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("what it does")
        if self.alone:  # over a dialog: only its keys work
            self._here(table)
            yield from self._box(table)
            return
        if self.typing:
            self._typing(table)
            yield from self._box(table)
            return
        for b in APP_KEYS:
            table.add_row(key_label(b), b.tooltip)
        table.add_row("ctrl+p", "Command palette: go to any lesson, run any command")
        table.add_row("tab", "Move between the tree, the prose and the text fields")
        table.add_row("", "")
        table.add_row("", Text("in this lesson's lab", style="italic"))
        for b in LAB_KEYS:
            action = lab_action(b)
            if action in self.lab_actions:
                table.add_row(key_label(b), self.words.get(action or "", str(b.tooltip)))
        if self.here and self.here[1]:
            table.add_row("", "")
            self._here(table)
        others = [b for b in LAB_KEYS if lab_action(b) not in self.lab_actions]
        if others:
            table.add_row("", "")
            table.add_row("", Text("in other lessons", style="italic"))
            for b in others:
                table.add_row(key_label(b), Text(b.tooltip, style="dim"))
        yield from self._box(table)

    def on_mount(self) -> None:
        self.query_one("#help-box").focus()  # so the arrows and page keys scroll a list longer than the screen

    def _typing(self, table) -> None:
        """A typing lab's keys: every printable key types into its field, so only keys that type nothing act."""
        table.add_row("a-z 0-9 …", "Type into the expression: every printable key does, wherever the cursor is")
        for b in TYPING_KEYS:
            if (action := lab_action(b)) is None or action in self.lab_actions:
                table.add_row(b.key, self.words.get(action or "", str(b.tooltip)))
        table.add_row("ctrl+p", "Command palette: go to any lesson (Prev, Next), run any command")
        table.add_row("tab", "Move between the text field and the graph")
        table.add_row("escape", "Leave the text field for the graph")
        table.add_row("ctrl+q", "Quit (your progress is saved)")
        if self.here and self.here[1]:
            table.add_row("", "")
            self._here(table)

    def _here(self, table) -> None:
        """The keys of what has the keyboard now (the editor, the tree, a field), in Textual's own words."""
        if self.here and self.here[1]:
            table.add_row("", Text(f"in {self.here[0]}, which has the keyboard now", style="italic"))
            for key, words in self.here[1]:
                table.add_row(key, words)

    def _box(self, table) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            resume = os.environ.get(ENV_RESUME)
            if resume:  # under serve: the way back to this session from another browser
                yield Static(Text(f"Your resume code: {resume}. On another browser, join with it to carry on.",
                                  style="bold"))
            yield Static(table)
            yield Static(Text("escape closes this", style="dim"))
