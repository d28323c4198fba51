"""An expression graph drawn as the lecture draws it: boxes left to right, with a cursor that moves along the edges.

The picture is ``lessons/dag.py``'s; this widget adds colour (from the theme),
the selected node (a heavy border, and its edges in the accent colour, so it
reads without colour too), the learner's wrong nodes (✗) and the arrow keys:
left to an input, right to the node that uses it, up and down within a column.
At the graph's left or right end they stay in the lesson (leaving would lose what
the learner did there): a short note says n goes on and p goes back. The view follows
the cursor with the cursor's inputs beside it, and a box the view's edge cuts shows
… where it is cut, so no number is read without its sign.
"""

from __future__ import annotations

import math
from typing import Mapping

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.geometry import Region
from textual.message import Message
from textual.widgets import Static

from micrograd_tui.engine import Value
from micrograd_tui.lessons.dag import BOX_H, Picture, layout

_HEAVY = str.maketrans("╭╮╰╯─│├┤", "┏┓┗┛━┃┣┫")


def _same(got: float, want: float) -> bool:
    return got == want or math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12) or (got != got and want != want)


def wrong(v: Value, want: tuple[float, float] | None) -> bool:
    """The learner's node differs from this app's numbers (data or grad)."""
    return want is not None and not (_same(v.data, want[0]) and _same(v.grad, want[1]))


class DagView(ScrollableContainer, can_focus=True):
    """The boxes-and-ops picture of one graph; :meth:`show` sets it, the arrows move the cursor."""

    BINDINGS = [
        Binding("left", "move('input')", "Move", key_display="←→↑↓",
                tooltip="Left: to an input (from a leaf: the previous lesson)"),
        Binding("right", "move('user')", "Move", show=False,
                tooltip="Right: to the node that uses it (from the output: the next lesson)"),
        Binding("up", "move('up')", "Move", show=False, tooltip="Up the column"),
        Binding("down", "move('down')", "Move", show=False, tooltip="Down the column"),
        Binding("space", "app.lab('run')", "Run/pause", show=False),
    ]
    COMPONENT_CLASSES = {"dag--edge", "dag--selected", "dag--op", "dag--wrong", "dag--grad"}
    DEFAULT_CSS = """
    DagView { height: 1fr; padding: 0; scrollbar-size-vertical: 1; scrollbar-size-horizontal: 1; }
    DagView > Static { width: auto; height: auto; }
    DagView > .dag--edge { color: $accent; text-style: bold; }
    DagView > .dag--selected { color: $accent; text-style: bold; }
    DagView > .dag--op { color: $secondary; text-style: bold; }
    DagView > .dag--wrong { color: $error; text-style: bold; }
    DagView > .dag--grad { color: $text-muted; text-style: italic; }
    """

    class Moved(Message):
        """The cursor is on another node."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.root: Value | None = None
        self.picture: Picture | None = None
        self.selected: Value | None = None
        self.compare: Mapping[Value, tuple[float, float]] | None = None
        self._pointed: Value | None = None  # the node the lab last pointed at (a step, the grad asked for)
        self._end_said = -10.0  # when the note about the graph's end was last shown
        self._cut: tuple = ()  # the boxes the view's edges cut, as last drawn (marked, so no number loses its sign)

    def compose(self):
        yield Static("")

    def show(self, root: Value, highlight: Value | None = None,
             compare: Mapping[Value, tuple[float, float]] | None = None) -> None:
        """Draw ``root``'s graph (again: its numbers may have changed); the cursor stays where it was on
        the same graph, else goes to ``highlight`` or the output."""
        new = root is not self.root
        let_go = highlight is None and self._pointed is not None  # the lab stopped pointing: back to the output
        self.root, self.compare, self._pointed = root, compare, highlight
        before = (self.picture.rows if self.picture is not None else None, self.selected)
        self.picture = layout(root)
        if new or let_go or self.selected not in self.picture.boxes:
            self.selected = highlight if highlight in self.picture.boxes else self._first_wrong() or root
        elif highlight is not None and highlight in self.picture.boxes:
            self.selected = highlight
        if not new and before == (self.picture.rows, self.selected):
            return  # nothing to draw again (most updates of a lab leave its graph as it was)
        self._draw()
        if new or before[1] is not self.selected:
            self.post_message(self.Moved())  # the cursor is on another node (the lab moved it, or a new graph)

    def _first_wrong(self) -> Value | None:
        """The learner's wrong node nearest the output (where the slip is), or None."""
        if self.picture is None or self.compare is None:
            return None
        for column in reversed(self.picture.columns):
            for v in column:
                if wrong(v, self.compare.get(v)):
                    return v
        return None

    async def action_move(self, where: str) -> None:
        p, v = self.picture, self.selected
        if p is None or v is None:
            return
        if where == "input":
            goes = p.inputs(v)
        elif where == "user":
            goes = p.users(v)
        else:
            beside = p.beside(v, -1 if where == "up" else 1)
            goes = [beside] if beside is not None else []
        if goes:
            self.selected = goes[0]
            self._draw()
            self.post_message(self.Moved())
        elif where in ("input", "user"):  # the graph's left or right end: the lesson stays
            import time

            if time.monotonic() - self._end_said > 3:  # one note at a time, however often the key repeats
                self._end_said = time.monotonic()
                self.notify("end of the graph: n next lesson, p previous", timeout=3)

    def _draw(self) -> None:
        p, sel = self.picture, self.selected
        if p is None:
            return
        styles: dict[tuple[int, int], Style] = {}
        edge = self.get_component_rich_style("dag--edge", partial=True)
        op = self.get_component_rich_style("dag--op", partial=True)
        grad = self.get_component_rich_style("dag--grad", partial=True)
        bad = self.get_component_rich_style("dag--wrong", partial=True)
        rows = [row[:] for row in p.rows]
        self._cut = self._cut_boxes()
        for x, edge_x in self._cut:  # a box the view's edge cuts: its numbers' rows say so
            for box in p.boxes.values():
                if box.x <= x < box.x + box.w:
                    for j in (1, 2):
                        rows[box.y + j][edge_x] = "…"
        for x, y, w in p.ops.values():
            for i in range(w):
                styles[(x + i, y)] = op
        for v, box in p.boxes.items():
            for i in range(box.w - 2):
                styles[(box.x + 1 + i, box.y + 2)] = grad
            if self.compare is not None and wrong(v, self.compare.get(v)):
                rows[box.y][box.x + 1] = "✗"
                for i in range(box.w):
                    for j in (0, BOX_H - 1):
                        styles[(box.x + i, box.y + j)] = bad
        if sel is not None and sel in p.boxes:
            for (child, user), cells in p.edges.items():
                if sel is child or sel is user:
                    for c in cells:
                        styles[c] = edge
            if sel in p.ops:
                x, y, w = p.ops[sel]
                for i in range(w):
                    styles[(x + i, y)] = edge
            box = p.boxes[sel]
            selected = self.get_component_rich_style("dag--selected", partial=True)
            for j in range(BOX_H):
                for i in range(box.w):
                    cell = rows[box.y + j][box.x + i]
                    if cell in "╭╮╰╯─│├┤":
                        rows[box.y + j][box.x + i] = cell.translate(_HEAVY)
                        styles[(box.x + i, box.y + j)] = selected
        text = Text(no_wrap=True, end="")
        for y, row in enumerate(rows):
            if y:
                text.append("\n")
            run, run_style = "", None
            for x, ch in enumerate(row):
                style = styles.get((x, y))
                if style != run_style and run:
                    text.append(run, run_style)
                    run = ""
                run, run_style = run + ch, style
            text.append(run, run_style)
        for shown in self.query(Static).results(Static):  # none while the view is taken apart (a key
            shown.update(text)                              # scrolled it as its lesson was left)
            self.call_after_refresh(self._reveal, 5)
            break

    def _cut_boxes(self) -> tuple:
        """(a column of a box the view's left or right edge cuts through, the cell to mark), for each such
        box's column: a cut number would read as another number (-6.0000 as 6.0000)."""
        p = self.picture
        if p is None:
            return ()
        left, width = round(self.scroll_x), self.scrollable_content_region.width
        if width <= 0:
            return ()
        right = left + width - 1
        cut = set()
        for box in p.boxes.values():
            if box.x < left < box.x + box.w - 1:
                cut.add((box.x, left))
            if box.x < right < box.x + box.w - 1:
                cut.add((box.x, right))
        return tuple(sorted(cut))

    def watch_scroll_x(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_x(old_value, new_value)
        if self.picture is not None and self._cut_boxes() != self._cut:
            self._draw()

    def on_resize(self) -> None:
        if self.picture is not None and self._cut_boxes() != self._cut:
            self._draw()  # which brings the cursor's box into view after it
        else:  # laid out anew (its view or its size changed): the cursor's box comes back into view, however
            self.call_after_refresh(self._reveal, 5)  # many frames the layout took (a draw's reveal gives up)

    def _reveal(self, tries: int) -> None:
        """Scroll the cursor's box, the op that makes it and its inputs into view, once the new picture
        is laid out (its size known): while the backward pass is stepped, the node running and the
        inputs its grad goes to are seen together. The view's left edge stops at a column's start, so
        it cuts no box when it need not."""
        p, sel = self.picture, self.selected
        if p is None or sel is None or sel not in p.boxes:
            return
        if self.virtual_size.width < p.width or self.virtual_size.height < p.height:
            if tries:
                self.call_after_refresh(self._reveal, tries - 1)
            return
        box = p.boxes[sel]
        view = self.scrollable_content_region.size
        region = Region(box.x, box.y, box.w, BOX_H)
        for v in p.inputs(sel):
            wider = region.union(Region(p.boxes[v].x, p.boxes[v].y, p.boxes[v].w, BOX_H))
            if wider.width <= view.width and wider.height <= view.height:
                region = wider
        starts = sorted({0} | {b.x for b in p.boxes.values()})
        fits = [x for x in starts if x <= region.x and x + view.width >= region.right]
        left = max(fits) if fits else region.x
        if self.scroll_x <= region.x and self.scroll_x + view.width >= region.right:
            left = round(self.scroll_x) if round(self.scroll_x) in starts else left  # in view already
        self.scroll_to(x=left, animate=False, immediate=True)
        self.scroll_to_region(Region(left, region.y, min(region.width, view.width), region.height),
                              animate=False, immediate=True)
