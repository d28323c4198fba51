"""Shows any lab: its message, its input fields and its panels, through the lab contract alone.

The view knows the panel types (``panels.WIDGETS``), not the labs: it asks the
lab what to show after every action and updates the widgets in place. A lab's
background job runs on the one :class:`~.runner.JobRunner`.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path

from rich.text import Text
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Static
from textual.widgets.input import Selection

from micrograd_tui.lessons.lab import PICKED, Deliver, Field, Focus, Lab, OpenLesson, Panel, SaveScreen

from .keys import with_keys
from .lab_input import NUMBER_CHARS, LabInput, NumberText
from .panels import WIDGETS, PanelWidget
from .panels.code import CodeView
from .panels.facts import SideText
from .panels.graph import GraphPanelView
from .runner import JobRunner, JobUpdate


WATCH_SECONDS = 0.25  # how often the files a lab watches are looked at
NUMBER_START = "0123456789-./"  # typed anywhere in a lab with number fields, these start a number
MAIN_MIN = 50  # columns the main figure (a graph with its data and grad columns, a plot) keeps beside the side
SIDE_MIN = 24  # ... and the side column keeps, whatever it wanted


class LabChanged(Message):
    """Posted to the app after every update, so it can save progress and tick finished lessons."""

    def __init__(self, lab: Lab) -> None:
        super().__init__()
        self.lab = lab


class LabView(Vertical):
    """The lab of the open lesson."""

    DEFAULT_CSS = """
    LabView { height: 1fr; }
    """

    def __init__(self, lab: Lab, **kwargs):
        super().__init__(**kwargs)
        self.lab = lab
        self.runner = JobRunner(self)
        self.raise_errors = False  # tests turn this on so a broken lab fails loudly
        self._focus_pending = True  # focus the lab's first widget once it exists
        self._message: str | None = None
        self._was_done = lab.done  # the lab's message as it becomes done gets the app's word on going on
        self._fields: object = None
        self._ready = False  # composed and mounted, not yet being removed
        self._pruned = False  # the app has left this view: it must never become ready
        self._stamps: dict[Path, tuple[int, int] | None] = {}

    def _keys(self, text: str) -> str:
        """``text`` with each [[action]] written as this lab's key for it (a typing lab's are control keys)."""
        return with_keys(text, typing=self.lab.types_text)

    # --- layout ---------------------------------------------------------------
    def compose(self):
        # A box for each panel type this lab shows, and no more: every widget costs styling
        # and layout at first paint. The side boxes start with a widget for each panel the lab
        # has now, so the first sync() fills them in place and the numbers are in the first
        # frame; the figures (trees, plots, code) are mounted by sync(), a frame later.
        lab = self.lab
        yield Static("", id="lab-message")
        fields = lab.fields()
        self._names = [f.name for f in fields]
        yield Horizontal(*self._field_widgets(fields), id="lab-fields", classes="" if fields else "-none")
        initial = lab.panels()
        boxes: dict[str, list[Vertical]] = {"side": [], "main": []}
        for kind, (box_id, where, make) in WIDGETS.items():
            if kind in lab.shows:
                widgets = [make() for p in initial if type(p) is kind] if where == "side" else []
                boxes[where].append(Vertical(*widgets, id=box_id, classes="panel-box"))
        with Horizontal(id="lab-body"):
            with Vertical(id="lab-side"):
                yield from boxes["side"]
            with Vertical(id="lab-main"):
                yield from boxes["main"]

    def on_mount(self) -> None:
        if self._pruned:
            return  # left (a key went on to the next lesson) before its Mount arrived: never start
        self._ready = True
        if self.lab.watched():
            self._stamps = self._stat()
            self.set_interval(WATCH_SECONDS, self._poll_files)
        self.sync()

    # --- actions --------------------------------------------------------------
    def _guarded(self, act) -> bool:
        """Run a change to the lab; a lab bug becomes a message, not the end of the learner's session."""
        try:
            return bool(act())
        except Exception as e:
            if self.raise_errors:
                raise
            self.app.log.error(traceback.format_exc())
            self.lab.message = f"that did not work ({type(e).__name__}: {e})"
            return False

    def perform(self, action: str) -> None:
        if not self._ready:
            return  # the lab is not on screen yet (or any more): a key now would act unseen
        question = self.lab.confirm(action) if action in self.lab.actions else None
        if question:
            from .dialogs import Confirm  # dialogs (and the code editor) load when first used

            def answered(yes: bool | None) -> None:
                if yes:
                    self._perform(action)

            self.app.push_screen(Confirm(self._keys(question)), answered)
            return
        ask = self.lab.before(action) if action in self.lab.actions else None
        if ask is not None:
            from .dialogs import Predict

            def predicted(key: str | None) -> None:
                if self._ready:
                    self._change(lambda: self.lab.predicted(action, key))
                    self._perform(action)

            self.app.push_screen(Predict(self._keys(ask.text), ask.choices), predicted)
            return
        self._perform(action)

    def _perform(self, action: str) -> None:
        if not self._ready:
            return
        lab, runner = self.lab, self.runner
        if runner.active and action in lab.stops_job:
            runner.stop()
        self._change(lambda: lab.do(action))
        if lab.watched():
            self._stamps = self._stat()  # the lab's own changes to its files are not news to it
        self.sync()
        self._take_requests()

    def _change(self, act) -> bool:
        """A change to the lab from the UI thread. While a job runs, knobs, switches and picks are
        single attribute writes the job reads between steps: no need to wait for the lock (a demo
        step holds it for ~80 ms); otherwise the lock keeps a step from seeing half a change."""
        if self.runner.active:
            return self._guarded(act)
        with self.runner.lock:
            return self._guarded(act)

    def submit(self, name: str, text: str) -> bool:
        ok = self._change(lambda: self.lab.submit(name, text))
        self.sync()
        return ok

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """The lab contract's one rule for the keyboard after enter (``lessons.lab``): the field keeps it
        only while the lab awaits more input there; a number not taken is selected, so typing replaces it."""
        event.stop()
        field = event.input
        ok = self.submit(field.name or "", event.value)
        if ok and not (self.lab.keep_input and field.restrict is None):  # a number is never kept: the next is new
            field.value = ""
        if not ok and field.restrict is not None and field.value:
            field.selection = Selection(0, len(field.value))
        if ok and not self.lab.awaits_input():
            self.leave_field()

    def leave_field(self) -> None:
        """The keyboard back to the lab, at once (a key typed right after acts): its figure, or nothing."""
        self.screen.set_focus(self.figure())

    # --- files: watching them, editing them ------------------------------------------------
    def _stat(self) -> dict[Path, tuple[int, int] | None]:
        stamps: dict[Path, tuple[int, int] | None] = {}
        for path in self.lab.watched():
            try:
                st = os.lstat(path)  # a link is not followed out of the workspace
                stamps[path] = (st.st_mtime_ns, st.st_size)
            except OSError:
                stamps[path] = None
        return stamps

    def _poll_files(self) -> None:
        """Any editor's save re-runs the checks: a cheap stat of a few files, four times a second
        (no watcher library: this works the same on every platform and for every way of saving)."""
        if not self._ready:
            return
        stamps = self._stat()
        if stamps != self._stamps:
            self._stamps = stamps
            self._guarded(self.lab.files_changed)
            self.sync()

    def _take_requests(self) -> None:
        requests, self.lab.requests = self.lab.requests, []
        for request in requests:
            if isinstance(request, OpenLesson):
                self.app.call_later(self.app.open_lesson, request.slug)  # type: ignore[attr-defined]
            elif isinstance(request, SaveScreen):
                self._save_screen(request.path)
            elif isinstance(request, Deliver):
                if self.app.is_web:  # a download in the learner's browser; a terminal has the file already
                    self.app.deliver_binary(request.path, save_filename=request.name or request.path.name)
            elif request.external:
                self._edit_outside(request.path)
            else:
                from .dialogs import Editor

                self.app.push_screen(Editor(request.path, on_save=self._poll_files, status=self._result_line,
                                            line=request.line))

    def _result_line(self) -> str:
        """The lab's latest word on the file (its message's last lines: checking…, ✓, ✗ and why), for the editor."""
        lines = self._keys(self.lab.message).splitlines()
        return "\n".join(lines[1:] if len(lines) > 1 else lines)

    def _save_screen(self, path: Path) -> None:
        """The screen as it is now, as an SVG (Textual's screenshot), once the lab's message is on it."""

        def save() -> None:
            try:
                self.app.save_screenshot(filename=path.name, path=str(path.parent))
            except OSError as e:
                self.lab.message = f"could not save the screen to {path}: {e.strerror or e}"
                self.sync()

        self.call_after_refresh(save)

    def _edit_outside(self, path: Path) -> None:
        from .dialogs import edit_outside

        problem = edit_outside(self.app, path)
        if problem:
            self.lab.message = problem
            self.sync()
        else:
            self._poll_files()

    def on_network_view_picked(self, message) -> None:
        """The network panel's cursor moved: the lab works out that neuron's numbers."""
        self._change(lambda: self.lab.pick_neuron(message.column, message.index))
        self.sync()

    def on_network_view_edge_picked(self, message) -> None:
        self._change(lambda: self.lab.pick_edge(message.step))
        self.sync()

    def on_graph_panel_view_pointed(self, message) -> None:
        self.lab.cursor_on(message.value)  # nothing to redraw: a key that acts on the node reads it

    def on_job_update(self, message: JobUpdate) -> None:
        if self._ready and self.runner.take(message):
            self.sync()

    def on_surface_view_pointed(self, message) -> None:
        """A click on the surface, or its cursor moved: the lab adds, removes or moves (points by hand)."""
        self._change(lambda: self.lab.surface_pointed(message.x, message.y, message.button))
        self.sync()

    def on_canvas_size(self, message) -> None:
        self._change(lambda: self.lab.canvas(message.cols, message.rows))
        self.sync()

    # --- showing -------------------------------------------------------------------
    def prune(self) -> None:
        """Called by the app before removing the view: no more updates from now on."""
        self._ready = False
        self._pruned = True
        self.runner.cancel()

    def on_unmount(self) -> None:
        self._ready = False

    def sync(self) -> None:
        if not (self._ready and self.is_attached) or self.app._exit:
            # a key or an update that came before the view was built, after it was left, or while Textual
            # takes the app apart (a palette's Quit: its children may already be gone)
            return
        if not self.query("#lab-message"):
            return  # its children are being taken away (a lesson left in the palette as this one mounted)
        lab = self.lab
        self.runner.follow(lab.job())
        just_done = lab.done and not self._was_done
        self._was_done = lab.done
        if lab.message != self._message or just_done:
            # A lab names only its own actions; going on is the app's, so the app says it.
            text = self._keys((lab.message or " ") + ("  → [[next]] goes on" if just_done and not lab.types_text else ""))
            relayout = text.count("\n") != (self._message or " ").count("\n") or len(text) > 60
            self._message = lab.message
            self.query_one("#lab-message", Static).update(Text(text), layout=relayout)
        if lab.pending_input is not None:  # the lab filled its field (an example was loaded)
            for field in self.query(LabInput).results(LabInput):
                field.value = lab.pending_input
                break
            lab.pending_input = None
        self._sync_fields()
        self._sync_panels()
        self.app.post_message(LabChanged(lab))

    def _field_widgets(self, fields: list[Field]) -> list[Widget]:
        out: list[Widget] = []
        for f in fields:
            out.append(Label(f.label, id=f"label-{f.name}", classes="field-label"))
            if f.choices:
                out.append(Label(Text(self._keys(f.placeholder)), id=f"field-{f.name}", classes="field-choice"))
                continue
            common = {"placeholder": self._keys(f.placeholder), "name": f.name, "id": f"field-{f.name}",
                      "select_on_focus": False}
            if f.number:
                out.append(LabInput(**common, max_length=200, restrict=NUMBER_CHARS, validators=[NumberText()],
                                    valid_empty=True))
            elif f.chars:
                out.append(LabInput(**common, max_length=200, restrict=f.chars))
            else:
                out.append(LabInput(**common, max_length=10_000, history=self.lab.history))
        return out

    def _sync_fields(self) -> None:
        fields = self.lab.fields()
        names = [f.name for f in fields]
        if names != self._names:  # fields came or went (a prediction began or ended): the row anew
            self._names = names
            self._fields = None
            row = self.query_one("#lab-fields", Horizontal)
            had_focus = self.app.focused is not None and row in self.app.focused.ancestors
            row.remove_children()
            row.set_class(not fields, "-none")
            if fields:
                row.mount(*self._field_widgets(fields))
                self.call_after_refresh(self._focus_new_field)
            elif had_focus:
                self.leave_field()
        current = self.lab.current_field() if len(fields) > 1 else None
        if (fields, current) == self._fields:
            return
        self._fields = (fields, current)
        one = self.lab.one_field
        for f in fields:
            if one:
                shown = f.name == current
                for widget in self.query(f"#label-{f.name}, #field-{f.name}"):
                    widget.display = shown
            for label in self.query(f"#label-{f.name}").results(Label):
                label.update((PICKED if f.name == current else "") + self._keys(f.label))
                label.set_class(f.name == current, "-current")
            for field in self.query(f"#field-{f.name}").results(LabInput):
                field.placeholder = self._keys(f.placeholder)
            for choice in self.query(f"#field-{f.name}").results(Label):
                choice.update(Text(self._keys(f.placeholder) + "   (" + self._keys("[[less]] / [[more]] change it)")))

    def _focus_new_field(self) -> None:
        """A field that came with an action (a prediction's) takes the keyboard: typing is what comes next."""
        if self.is_attached:
            for field in self.query(f"#field-{self.lab.current_field()}").results(LabInput):
                field.focus()
                return

    def type_into_field(self, ch: str) -> bool:
        """A number typed anywhere in the lab goes into the current number field, replacing its text; in a
        typing lab any printable key goes on with the text in its field."""
        name = self.lab.current_field()
        for field in self.query(f"#field-{name}").results(LabInput):
            if field.restrict is None and not self.lab.types_text:
                return False
            field.start_typing(ch)
            return True
        return False

    def _sync_panels(self) -> None:
        if not (self._ready and self.is_attached):
            return  # a scheduled call that arrived after the lesson was left
        panels = self.lab.panels()
        remounted = False
        for kind, (box_id, _, make) in WIDGETS.items():
            if kind not in self.lab.shows:
                continue
            boxes = self.query(f"#{box_id}").results(Vertical)
            box = next(iter(boxes), None)
            if box is None:
                return  # its boxes are gone: the view is being taken apart (the app closing, a quick lesson change)
            mine: list[Panel] = [p for p in panels if type(p) is kind]
            widgets: list[Widget] = list(box.children)
            if len(widgets) != len(mine):
                box.remove_children()
                if mine:
                    box.mount(*[make() for _ in mine])
                    remounted = True  # filled on the next refresh, once they are mounted
            else:
                for widget, panel in zip(widgets, mine):
                    assert isinstance(widget, PanelWidget), widget
                    widget.update_panel(panel)
            _set_display(box, bool(mine))
        if remounted:
            self.call_after_refresh(self._sync_panels)
            return
        self._size_side()
        if self._focus_pending:
            self._focus_pending = False
            target = self.first_focus()
            if target is not None:
                target.focus()
            else:
                self.app.set_focus(None)

    def on_resize(self) -> None:
        if self._ready:
            self._size_side()  # the room left for the main figure changed

    def _size_side(self) -> None:
        side = self.query_one("#lab-side")
        wanted = [w.want_width for box in side.children if box.display
                  for w in box.children if isinstance(w, SideText) and w.want_width]
        _set_display(side, bool(wanted))
        if not wanted:
            return
        # With nothing in the main column (a build exercise's list of checks) the side may take the width.
        alone = not any(box.display for box in self.query_one("#lab-main").children)
        side.set_class(alone, "-alone")
        # As wide as its longest row (the CSS max-width caps it) and a gap, so the graph gets the rest;
        # never so wide that the main figure has less than MAIN_MIN columns (facts stack their values instead).
        width = max(wanted) + 3
        body = self.query_one("#lab-body").size.width
        if body and not alone:
            width = min(width, max(SIDE_MIN, body - MAIN_MIN))
        if side.styles.width is None or side.styles.width.value != width:
            side.styles.width = width  # only on change: a new width re-lays out the whole screen

    def first_focus(self) -> Widget | None:
        """The widget a learner most likely wants to use first."""
        if self.lab.focus is Focus.INPUT:
            for field in self.query(LabInput).results(LabInput):
                return field
        return self.figure()

    def figure(self) -> Widget | None:
        """The lab's first figure that takes keys (a tree, then code), or None: the lab's keys act."""
        for graph in self.query(GraphPanelView).results(GraphPanelView):
            return graph.figure()
        for code in self.query(CodeView).results(CodeView):
            return code
        return None


def _set_display(widget: Widget, shown: bool) -> None:
    """Show or hide, touching the style only on a change (each change re-lays out the screen)."""
    if widget.display != shown:
        widget.display = shown
