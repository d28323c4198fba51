"""Shows any lab: its message, input fields, facts, list, graphs, plots and code.

The view knows the pieces a lab can describe, not the lessons: it asks the lab
what to show after every action and updates the widgets in place.
"""

from __future__ import annotations

import time
import traceback

from rich.text import Text
from textual import events, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Static
from textual.worker import get_current_worker

from micrograd_tui.lessons.labs import Lab

from .graph_tree import GraphPanelView, GraphTree

SNAPSHOT_SECONDS = 0.1
NAME_MAX = 34  # widest name column in the facts  # training posts what it has at most ten times a second


class LabInput(Input):
    """A lab's text field; the lab gets what is typed when enter is pressed.

    up/down walk the lab's history when it keeps one (the playground does).
    A pasted block of several lines is kept whole, its line breaks turned into
    ``;`` (the playground's statement separator; a number field rejects it with a message).
    """

    BINDINGS = [
        Binding("up", "history(-1)", "Earlier input", show=False),
        Binding("down", "history(1)", "Later input", show=False),
    ]

    DEFAULT_CSS = """
    LabInput { width: 1fr; min-width: 8; height: 1; border: none; padding: 0 1; }
    """

    def __init__(self, *args, history: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.history = history
        self._at = None  # position while walking the history

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        text = "; ".join(line for line in event.text.splitlines() if line.strip())
        if text:
            self.insert_text_at_cursor(text)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        n = len(self.history)
        at = (n if self._at is None else self._at) + step
        if at >= n:
            self._at = None
            self.value = ""
            return
        self._at = max(0, at)
        self.value = self.history[self._at]
        self.cursor_position = len(self.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._at = None


class TrainUpdate(Message):
    def __init__(self, snap, generation: int, final: bool = False) -> None:
        super().__init__()
        self.snap = snap
        self.generation = generation
        self.final = final


class LabView(Vertical):
    """The lab of the open lesson."""

    DEFAULT_CSS = """
    LabView { height: 1fr; }
    """

    def __init__(self, lab: Lab, **kwargs):
        super().__init__(**kwargs)
        self.lab = lab
        self.running = False
        self.generation = 0
        self.raise_errors = False  # tests turn this on so a broken lab fails loudly
        self._code_key = None
        self._focus_pending = True  # focus the lab's first widget once it exists
        self._shown: dict[str, object] = {}
        self._ready = False  # composed and mounted, not yet being removed  # what the widgets show now: an update only on a change

    # --- layout ---------------------------------------------------------------
    def compose(self):
        # Only the pieces this lab shows: every widget costs styling and layout at first paint.
        lab = self.lab
        yield Static("", id="lab-message")
        fields = lab.fields()
        if fields:
            with Horizontal(id="lab-fields"):
                for f in fields:
                    yield Label(f.label, id=f"label-{f.name}", classes="field-label")
                    yield LabInput(placeholder=f.placeholder, name=f.name, id=f"field-{f.name}", max_length=10_000,
                                   history=getattr(lab, "history", None))
        with Horizontal(id="lab-body"):
            with Vertical(id="lab-side"):
                yield Static("", id="lab-facts")
                if lab.listing() is not None:
                    yield Static("", id="lab-listing")
            with Vertical(id="lab-main"):
                yield Vertical(id="lab-graphs")
                if lab.kind in ("train", "function", "exercise") or lab.plots():
                    yield Vertical(id="lab-plots")
                if lab.code() is not None:
                    with VerticalScroll(id="lab-code"):
                        yield Static("", id="lab-code-text")

    def on_mount(self) -> None:
        self._ready = True
        if hasattr(self.lab, "slow_load"):
            self._slow_load()
        self.sync()

    @work(thread=True, exclusive=True, exit_on_error=False, group="slow-load")
    def _slow_load(self) -> None:
        self.lab.slow_load()
        self.app.call_from_thread(self.sync)

    # --- actions --------------------------------------------------------------
    def perform(self, action: str) -> None:
        if not self._ready:
            return  # the lab is not on screen yet (or any more): a key now would act unseen
        lab = self.lab
        try:
            if lab.kind == "train":
                self._perform_train(action)
            else:
                lab.do(action)
        except Exception as e:  # a lab bug must not end the learner's session
            if self.raise_errors:
                raise
            self.app.log.error(traceback.format_exc())
            lab.message = f"that did not work ({type(e).__name__}: {e})"
        self.sync()

    def submit(self, name: str, text: str) -> bool:
        try:
            ok = self.lab.submit(name, text)
        except Exception as e:
            if self.raise_errors:
                raise
            self.app.log.error(traceback.format_exc())
            self.lab.message = f"that did not work ({type(e).__name__}: {e})"
            ok = False
        self.sync()
        return ok

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = event.input.name or ""
        if self.lab.kind == "train" and self.running:
            if name == "batch":  # a new batch size starts the run over: stop this one first
                self.stop_training()
            with self.lab.lock:
                ok = self.submit(name, event.value)
        else:
            ok = self.submit(name, event.value)
        if ok and getattr(self.lab, "clear_input_on_success", True):
            event.input.value = ""
            self._sync_fields()

    # --- training ---------------------------------------------------------------
    def _perform_train(self, action: str) -> None:
        lab = self.lab
        if action == "run":
            if self.running:
                self.stop_training()
                lab.message = f"paused at step {lab.trainer.k}"
            elif lab.finished:
                lab.message = lab.stopped_reason or f"the budget of {lab.budget} steps is spent: r starts again"
            else:
                self.start_training()
            return
        if action in ("step", "reset", "reseed", "dataset") and self.running:
            self.stop_training()
        if self.running:
            # Knobs, switches and picks are single attribute writes the worker reads between
            # steps: no need to wait for the lock (a demo step holds it for ~80 ms).
            lab.do(action)
            return
        with lab.lock:
            lab.do(action)
            if action in ("reset", "reseed", "dataset"):
                self.generation += 1

    def start_training(self) -> None:
        self.running = True
        self.lab.running = True
        self.lab.message = "training… space pauses"
        self._train(self.generation)

    def stop_training(self) -> None:
        self.running = False
        self.lab.running = False
        self.generation += 1  # updates still in flight from the stopped run are dropped
        self.workers.cancel_group(self, "train")

    @work(thread=True, exclusive=True, exit_on_error=False, group="train")
    def _train(self, generation: int) -> None:
        """Train in a thread; never touches a widget, only posts snapshots."""
        worker = get_current_worker()
        lab = self.lab
        last_post = 0.0
        started = time.perf_counter()
        steps = 0
        while not worker.is_cancelled:
            with lab.lock:
                if lab.finished:
                    break
                lab.train_step()
            time.sleep(0)  # let the UI thread take the interpreter between steps
            steps += 1
            speed = lab.knob("speed").value
            if speed:
                delay = started + steps / speed - time.perf_counter()
                while delay > 0 and not worker.is_cancelled:
                    time.sleep(min(delay, 0.05))
                    delay = started + steps / speed - time.perf_counter()
            now = time.monotonic()
            if now - last_post >= SNAPSHOT_SECONDS:
                with lab.lock:
                    snap = lab.snapshot()
                self.post_message(TrainUpdate(snap, generation))
                last_post = now
        with lab.lock:
            snap = lab.snapshot()
        self.post_message(TrainUpdate(snap, generation, final=not worker.is_cancelled))

    def on_train_update(self, message: TrainUpdate) -> None:
        if message.generation != self.generation:
            return  # from a run that was stopped or reset since
        lab = self.lab
        lab.snap = message.snap
        lab.check_done()
        if message.final:
            self.running = False
            lab.running = False
            snap = message.snap
            if snap.diverged:
                lab.message = lab.stopped_reason
            elif snap.losses:
                acc = f", accuracy {snap.accuracies[-1] * 100:.0f}%" if lab.setup == "demo" else ""
                lab.message = f"done: loss {snap.losses[-1]:.4f}{acc} after {snap.k} steps. r starts again"
        self.sync()  # step and loss show in the facts; the message line stays the learner's

    # --- showing -------------------------------------------------------------------
    def on_unmount(self) -> None:
        self._ready = False

    def prune(self) -> None:
        """Called by the app before removing the view: no more updates from now on."""
        self._ready = False

    def sync(self) -> None:
        if not (self._ready and self.is_attached):
            return  # a key or an update that came before the view was built, or after it was left
        lab = self.lab
        if lab.message != self._shown.get("message"):
            lines = (lab.message or " ").count("\n")
            relayout = lines != self._shown.get("message-lines") or len(lab.message or "") > 60
            self._shown["message"], self._shown["message-lines"] = lab.message, lines
            self.query_one("#lab-message", Static).update(Text(lab.message or " "), layout=relayout)
        pending = getattr(lab, "pending_input", None)
        if pending is not None:  # the lab filled its field (an example was loaded)
            lab.pending_input = None
            fields = list(self.query(LabInput))
            if fields:
                fields[0].value = pending
        self._sync_facts()
        self._sync_fields()
        self._sync_graphs()
        self._sync_plots()
        self._sync_code()
        self.app.post_message(LabChanged(lab))

    def _sync_facts(self) -> None:
        facts = self.lab.facts()
        listing = self.lab.listing()
        if (facts, listing) == self._shown.get("facts"):
            return  # nothing changed: no update, no re-render
        self._shown["facts"] = (facts, listing)
        name_w = min(max((len(n) for n, _ in facts), default=0), NAME_MAX)
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, (name, value) in enumerate(facts):
            if i:
                text.append("\n")
            shown = name if len(name) <= name_w else name[: name_w - 1] + "…"
            text.append(shown.ljust(name_w), style="bold")
            text.append(" " + value)
        # Same number of rows as before: the widget keeps its size, so no layout pass (a layout
        # pass re-renders the whole screen, ten times a second while training).
        shape = (len(facts), bool(listing), len(listing[1]) if listing else 0)
        relayout = shape != self._shown.get("facts-shape")
        self._shown["facts-shape"] = shape
        self.query_one("#lab-facts", Static).update(text, layout=relayout)
        for lst in self.query("#lab-listing").results(Static):
            if listing:
                title, items = listing
                lst.update(Text(title + "\n", style="bold") + Text("\n".join(items)), layout=relayout)
                _set_display(lst, True)
            else:
                _set_display(lst, False)
        side_box = self.query_one("#lab-side")
        _set_display(side_box, bool(facts or listing))
        # As wide as its longest row (the CSS max-width caps it), so the graph gets the rest.
        values = max((len(v) for _, v in facts), default=0)
        widths = [name_w + values + 1] + [len(i) for i in (listing[1] if listing else [])]
        widths += [len(listing[0])] if listing else []
        width = max(widths) + 2
        if side_box.styles.width is None or side_box.styles.width.value != width:
            side_box.styles.width = width  # only on change: a new width re-lays out the whole screen

    def _sync_fields(self) -> None:
        fields = self.lab.fields()
        if fields == self._shown.get("fields"):
            return
        self._shown["fields"] = fields
        for f in fields:
            try:
                self.query_one(f"#label-{f.name}", Label).update(f.label)
                self.query_one(f"#field-{f.name}", LabInput).placeholder = f.placeholder
            except Exception:
                pass  # a field the lab did not have when it opened

    def _sync_graphs(self) -> None:
        if not (self._ready and self.is_attached):
            return  # a scheduled call that arrived after the lesson was left
        panels = self.lab.graphs()
        box = self.query_one("#lab-graphs", Vertical)
        views = list(box.query(GraphPanelView))
        if len(views) != len(panels):
            for v in views:
                v.remove()
            views = [GraphPanelView(p.title) for p in panels]
            if views:
                box.mount(*views)
            self.call_after_refresh(self._sync_graphs)
            _set_display(box, bool(panels))
            return
        for view, panel in zip(views, panels):
            view.show(panel.root, panel.highlight, panel.title)
        _set_display(box, bool(panels))
        if self._focus_pending:
            self._focus_pending = False
            target = self.first_focus()
            if target is not None:
                target.focus()
            else:
                self.app.set_focus(None)

    def _part(self, selector: str):
        """A panel container this lab composed, or None for one it has no use for."""
        found = list(self.query(selector))
        return found[0] if found else None

    def _sync_plots(self) -> None:
        panels = self.lab.plots()
        box = self._part("#lab-plots")
        if box is None:
            return
        _set_display(box, bool(panels))
        if not panels:
            return
        from .plot import LabPlot  # plotext only when a lesson plots something

        plots = list(box.query(LabPlot))
        if len(plots) != len(panels):
            for p in plots:
                p.remove()
            plots = [LabPlot(classes="-boundary" if i else "") for i in range(len(panels))]
            box.mount(*plots)
        for plot, panel in zip(plots, panels):
            plot.set_panel(panel)
        if len(plots) > 1 and hasattr(self.lab, "set_grid") and plots[1].size.width:
            # the boundary plot's canvas: its size less the y labels, the frame, the title and x labels
            self.lab.set_grid(plots[1].size.width - 7, plots[1].size.height - 4)

    def _sync_code(self) -> None:
        code = self.lab.code()
        box = self._part("#lab-code")
        if box is None:
            return
        _set_display(box, code is not None)
        if code is None or code == self._code_key:
            return
        self._code_key = code
        name, text = code
        from rich.syntax import Syntax  # pygments only when a lesson shows code

        self.query_one("#lab-code-text", Static).update(
            Syntax(text, "python", line_numbers=True, word_wrap=False, theme="ansi_dark")
        )
        box.scroll_home(animate=False)

    def first_focus(self):
        """The widget a learner most likely wants to use first."""
        if getattr(self.lab, "focus_input_on_open", False):
            inputs = list(self.query(LabInput))
            if inputs:
                return inputs[0]
        trees = list(self.query(GraphTree))
        if trees:
            return trees[0]
        if self.lab.code() is not None:
            return self.query_one("#lab-code", VerticalScroll)
        return None


def _set_display(widget, shown: bool) -> None:
    """Show or hide, touching the style only on a change (each change re-lays out the screen)."""
    if widget.display != shown:
        widget.display = shown


class LabChanged(Message):
    """Posted to the app after every update, so it can save progress and tick finished lessons."""

    def __init__(self, lab: Lab) -> None:
        super().__init__()
        self.lab = lab
