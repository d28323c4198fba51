"""A lab's NetworkPanel: the net as TensorFlow Playground draws it, in a terminal.

A column per layer, the inputs first; each neuron a small map of its output over the plane (half
blocks, orange above 0 and blue below, as the surface is coloured). The arrows move a cursor over the
neurons; the picked one's weights are drawn as edges in the gutters beside it (into it on its left,
out of it on its right), orange for a positive weight and blue for a negative one, heavier when the
weight is large, and its numbers are listed above the columns.
"""

from __future__ import annotations

from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from micrograd_tui.lessons.lab import NetworkPanel

from .surface import COLOURS, POSITIVE, NEGATIVE, _shade

LIGHT_SECONDS = 0.3  # a forward pass lights up a layer this often
CELL = 3  # text rows a neuron takes: two rows of half blocks (its name beside the first), a gap
GUTTER = 2  # columns between two layers, where the picked neuron's edges go
LABEL = 4  # columns for a neuron's name (n15, out) and a space before its map


def _rgb(c: tuple[int, int, int]) -> str:
    return "#%02x%02x%02x" % c


class NetworkView(Vertical, can_focus=True):
    """The network panel; arrows pick a neuron (the lab hears of it through :class:`Picked`)."""

    BINDINGS = [
        Binding("up", "move(0, -1)", "Pick", key_display="←→↑↓", tooltip="Pick the neuron above"),
        Binding("down", "move(0, 1)", "Pick", show=False, tooltip="Pick the neuron below"),
        Binding("left", "move(-1, 0)", "Pick", show=False, tooltip="Pick a neuron in the layer before"),
        Binding("right", "move(1, 0)", "Pick", show=False, tooltip="Pick a neuron in the layer after"),
        Binding("j", "edge(1)", "Edge", key_display="j/k", tooltip="Pick the next weight into the neuron"),
        Binding("k", "edge(-1)", "Edge", show=False, tooltip="Pick the weight before, into the neuron"),
    ]
    DEFAULT_CSS = """
    NetworkView { height: 1fr; }
    NetworkView > #network-detail { height: auto; max-height: 6; }
    NetworkView > VerticalScroll { height: 1fr; }
    NetworkView #network-body { width: auto; }
    """

    FILLS_SCREEN = True  # M gives it the whole screen while it has the focus

    class Picked(Message):
        def __init__(self, column: int, index: int):
            super().__init__()
            self.column, self.index = column, index

    class EdgePicked(Message):
        """The weight cursor moved ``step`` weights on, among those into the picked neuron (the lab keeps it,
        so keys faster than the screen still count)."""

        def __init__(self, step: int):
            super().__init__()
            self.step = step

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.panel: NetworkPanel | None = None
        self._lit: int | None = None  # a forward pass lighting up: the columns whose values show so far
        self._lighting = None

    def compose(self):
        yield Static("", id="network-detail")  # the picked neuron's numbers stay in view
        with VerticalScroll(can_focus=False):
            yield NetworkBody(id="network-body")

    def on_mount(self) -> None:
        self.focus()  # it came with [[network]]: the arrows are for it now

    def update_panel(self, panel: NetworkPanel) -> None:
        before = self.panel
        moved = before is None or before.selected != panel.selected
        # The same net with new numbers keeps every size: the screen is repainted, not laid out again
        # (a layout per frame cost more than the maps themselves while training).
        same_shape = before is not None and _shape(before) == _shape(panel)
        self.panel = panel
        if panel.lights_up and not (before is not None and before.lights_up):
            self._lit = 1  # the inputs first, then a layer every LIGHT_SECONDS
            if self._lighting is not None:
                self._lighting.stop()
            self._lighting = self.set_interval(LIGHT_SECONDS, self._light_next)
        elif not panel.lights_up:
            self._lit = None
        self.query_one("#network-detail", Static).update(detail_text(panel), layout=not same_shape)
        self.query_one(NetworkBody).show(draw(panel, self._lit), layout=not same_shape)
        if moved:
            column, index = panel.selected
            top = _offset(panel, column) + index * CELL
            scroll = self.query_one(VerticalScroll)
            self.call_after_refresh(scroll.scroll_to_region, Region(0, max(0, top - 1), 1, CELL + 1), animate=False)

    def _light_next(self) -> None:
        p = self.panel
        if p is None or self._lit is None or self._lit >= len(p.names):
            if self._lighting is not None:
                self._lighting.stop()
                self._lighting = None
            return
        self._lit += 1
        self.query_one(NetworkBody).show(draw(p, self._lit), layout=False)

    def action_move(self, dc: int, dn: int) -> None:
        p = self.panel
        if p is None:
            return
        column, index = p.selected
        new_column = max(0, min(len(p.names) - 1, column + dc))
        if new_column != column:  # the neuron at about the same height in the other layer
            index = round(index * (len(p.names[new_column]) - 1) / max(1, len(p.names[column]) - 1))
        new_index = max(0, min(len(p.names[new_column]) - 1, index + dn))
        if (new_column, new_index) != p.selected:
            self.post_message(self.Picked(new_column, new_index))

    def action_edge(self, step: int) -> None:
        self.post_message(self.EdgePicked(step))


class NetworkBody(Widget):
    """The columns and their gutters, drawn as strips of segments: a Static would turn each of its many
    styles into Textual's own on every frame, which cost more than computing the maps."""

    DEFAULT_CSS = "NetworkBody { width: auto; height: auto; }"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._strips: list[Strip] = []
        self._width = 0

    def show(self, lines: list[list[Segment]], layout: bool) -> None:
        self._strips = [Strip(line) for line in lines]
        self._width = max((s.cell_length for s in self._strips), default=0)
        self.refresh(layout=layout)

    def render_line(self, y: int) -> Strip:
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self._width)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self._width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._strips)


def _shape(p: NetworkPanel) -> tuple:
    """What the panel's size on screen depends on."""
    return (tuple(len(names) for names in p.names), p.cols, p.rows, bool(p.title), len(p.detail),
            tuple(len(value) > 40 for _, value in p.detail))


def _offset(p: NetworkPanel, column: int) -> int:
    """The text row where a column's first neuron starts: under the column's title."""
    return 1


def _map_rows(values: tuple[float, ...], cols: int, rows: int, scale: float) -> list[list[Segment]]:
    """A neuron's map as rows of half blocks: each cell two samples, the upper the foreground."""
    out = []
    for j in range(0, rows, 2):
        line = []
        for i in range(cols):
            top = values[j * cols + i] / scale
            bottom = values[(j + 1) * cols + i] / scale if j + 1 < rows else top
            line.append(Segment("▀", _half(_shade(top), _shade(bottom))))
        out.append(line)
    return out


@lru_cache(maxsize=None)
def _half(top: int, bottom: int) -> Style:
    """A half-block cell's style for two shades (a few hundred at most, made once)."""
    return Style(color=COLOURS[top], bgcolor=COLOURS[bottom])


_HEAVY = {sign: Style(color=_rgb(POSITIVE if sign else NEGATIVE)) for sign in (True, False)}
_DIM, _PLAIN = Style(dim=True), Style()
_NAME = {picked: Style(bold=picked, reverse=picked) for picked in (True, False)}
_PICKED_EDGE = {sign: Style(color=_rgb(POSITIVE if sign else NEGATIVE), reverse=True) for sign in (True, False)}
_VALUE = Style(bold=True)


def _edge(w: float, strongest: float, picked: bool = False) -> list[Segment]:
    heavy = strongest and abs(w) >= strongest / 2
    return [Segment("━━" if heavy else "──", (_PICKED_EDGE if picked else _HEAVY)[w > 0])]


def _short(v: float) -> str:
    return f"{v:.2f}" if abs(v) < 100 else f"{v:.1e}"


def detail_text(p: NetworkPanel) -> Text:
    out = Text()
    if p.title:
        out.append(p.title + "\n", Style(bold=True, reverse=True))
    for name, value in p.detail:
        out.append(f"{name}: ", Style(bold=True))
        out.append(value + "\n")
    out.rstrip()
    return out


def draw(p: NetworkPanel, lit: int | None = None) -> list[list[Segment]]:
    """The columns and their gutters, line by line, as segments (the picked neuron's numbers are apart);
    ``lit``: only the first ``lit`` columns show their values at the point (a forward pass lighting up)."""
    width = LABEL + p.cols
    tallest = 1 + max(len(names) for names in p.names) * CELL
    blank = [Segment(" " * width)]
    grid = [[blank] * tallest for _ in p.names]
    last = len(p.names) - 1
    for c, names in enumerate(p.names):
        title = "inputs" if c == 0 else "output" if c == last else f"layer {c - 1}"
        grid[c][0] = [Segment(title.center(width)[:width], _DIM)]
        for n, name in enumerate(names):
            values = p.maps[c][n]
            scale = max(1e-9, max(abs(v) for v in values))  # each map on its own scale: its pattern shows
            rows = _map_rows(values, p.cols, p.rows, scale)
            top = _offset(p, c) + n * CELL
            grid[c][top] = [Segment(name.rjust(LABEL - 1) + " ", _NAME[(c, n) == p.selected])] + rows[0]
            for r, row in enumerate(rows[1:], 1):
                grid[c][top + r] = [Segment(" " * LABEL)] + row
            if p.values is not None and top + len(rows) < tallest and (lit is None or c < lit):
                # its output at the picked point, below it
                grid[c][top + len(rows)] = [Segment(("=" + _short(p.values[c][n])).rjust(width)[:width], _VALUE)]
    gap = [Segment(" " * GUTTER)]
    gutters = [[gap] * tallest for _ in p.names[1:]]
    column, index = p.selected
    edges = p.grads if p.grads is not None else p.weights  # a step's backward beat draws the grads
    if column >= 1:  # into the picked neuron, from each of the layer before
        weights = edges[column - 1][index]
        strongest = max(abs(w) for w in weights)
        for i, w in enumerate(weights):
            gutters[column - 1][_offset(p, column - 1) + i * CELL] = _edge(w, strongest, i == p.edge)
    if column + 1 < len(p.names):  # out of it, to each of the layer after
        weights = tuple(row[index] for row in edges[column])
        strongest = max(abs(w) for w in weights)
        for n, w in enumerate(weights):
            gutters[column][_offset(p, column + 1) + n * CELL] = _edge(w, strongest)
    out = []
    for r in range(tallest):
        line: list[Segment] = []
        for c in range(len(p.names)):
            line += grid[c][r]
            if c < len(gutters):
                line += gutters[c][r]
        out.append(line)
    return out
