"""A lab's SurfacePanel: a model's score over the plane as a filled heatmap, with the data on top.

Each cell is a half block ``▀``: its foreground is the sample above, its background
the sample below, so a cell shows two samples. A colour is graded by the score
(orange above 0, blue below, pale near 0, as in TensorFlow Playground), and a
sample whose sign differs from its neighbour's below or to the right is drawn
dark: the 0 contour. The panel's grid may be coarser or finer than the cells (a
big net is scored on fewer samples): each cell takes its nearest samples, so the
map is always filled, never striped.

Points: ▲ is a +1, ● a −1; filled ones are trained on, hollow ones (△ ○) are
held out; ◉ is the picked point. Shapes tell them apart without colour; with
NO_COLOR the map itself is drawn with characters (░ above 0, blank below, · on the contour).
"""

from __future__ import annotations

import math
import textwrap

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from micrograd_tui.lessons.lab import SurfacePanel

from ..keys import with_keys

LEVELS = 8  # colour steps on each side of 0
PALE = (232, 234, 235)
POSITIVE = (245, 147, 34)  # TensorFlow Playground's orange and blue
NEGATIVE = (8, 119, 189)
CONTOUR_COLOUR = "#282828"  # the 0 contour: darker than any surface colour
STRENGTH = 0.75  # the surface's strongest colour is this far from pale to the class colour: points stay visible
POINT_COLOURS = {True: "#8a3c00", False: "#05355e"}  # +1, -1: darker than any surface cell
MARKS = {(True, False): "▲", (False, False): "●", (True, True): "△", (False, True): "○"}  # (positive, test)
POINT_MARK = "◉"
NO_STYLE = Style.null()


def _blend(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> str:
    return "#%02x%02x%02x" % tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def _shade(score: float) -> int:
    """-LEVELS..LEVELS: the sign and strength of a score (tanh keeps big scores in range)."""
    level = math.ceil(abs(math.tanh(score)) * LEVELS)
    return level if score > 0 else -level


def _colour(level: int) -> str:
    return _blend(PALE, POSITIVE if level > 0 else NEGATIVE, STRENGTH * abs(level) / LEVELS)


COLOURS = {level: _colour(level) for level in range(-LEVELS, LEVELS + 1)}


Cell = tuple[str, str | None, str | None]  # a character, its foreground, its background


class CanvasSize(Message):
    """The size in cells of the surface's drawing area, for the lab to score that many samples."""

    def __init__(self, cols: int, rows: int) -> None:
        super().__init__()
        self.cols = cols
        self.rows = rows


class SurfaceView(Widget):
    DEFAULT_CSS = """
    SurfaceView { height: 1fr; min-height: 6; border: round $foreground 30%; border-title-align: left;
                  border-subtitle-align: right; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.panel: SurfacePanel | None = None
        self._strips: list[Strip] = []
        self._styles: dict[tuple[str, str | None, bool], Style] = {}
        self._told: tuple[int, int] | None = None

    def update_panel(self, panel: SurfacePanel) -> None:
        old, self.panel = self.panel, panel
        if (old is not None and panel.scores is old.scores and panel.points is old.points
                and (panel.picked, panel.note, panel.title) == (old.picked, old.note, old.title)):
            return  # the view syncs ten times a second while training; a new surface comes a few times
        (x0, x1), (y0, y1) = panel.xlim, panel.ylim
        self.border_title = (f"{panel.title}: x {x0:.1f}…{x1:.1f}, y {y0:.1f}…{y1:.1f}" if panel.points
                             else panel.title)
        if panel.points:
            pos, neg = POINT_COLOURS[True], POINT_COLOURS[False]
            self.border_subtitle = f"[{pos}]▲[/] +1 [{neg}]●[/] −1 △○ test ◉ picked"
        else:
            self.border_subtitle = ""
        self._tell_size()
        self._build()
        self.refresh()

    def on_resize(self) -> None:
        self._tell_size()
        self._build()

    def _tell_size(self) -> None:
        size = self.content_size
        if size.width and size.height and (size.width, size.height) != self._told:
            self._told = (size.width, size.height)
            self.post_message(CanvasSize(size.width, size.height))

    def _style(self, fg: str, bg: str | None, bold: bool = False) -> Style:
        key = (fg, bg, bold)
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = Style(color=fg, bgcolor=bg, bold=bold)
        return style

    def cells(self) -> list[list[Cell]]:
        """What each cell shows: (character, foreground, background), row by row from the top."""
        panel, size = self.panel, self.content_size
        w, h = size.width, size.height
        if panel is None or not w or not h:
            return []
        plain = self.app.no_color
        blank: Cell = (" ", None, None)
        grid: list[list[Cell]] = [[blank] * w for _ in range(h)]
        if panel.scores and panel.cols and panel.rows:
            cols, rows, scores = panel.cols, panel.rows, panel.scores
            # each cell's two samples, the nearest of the panel's grid: level of (row 2y, 2y+1) at column x
            col_of = [min(cols - 1, x * cols // w) for x in range(w)]
            levels = []
            for sy in range(2 * h):
                r = min(rows - 1, sy * rows // (2 * h))
                levels.append([_shade(scores[r * cols + c]) for c in col_of])
            for y in range(h):
                top, bottom = levels[2 * y], levels[2 * y + 1]
                below = levels[2 * y + 2] if 2 * y + 2 < 2 * h else bottom
                row = grid[y]
                for x in range(w):
                    right = x + 1 if x + 1 < w else x
                    t, b = top[x], bottom[x]
                    t_edge = (t > 0) != (b > 0) or (t > 0) != (top[right] > 0)
                    b_edge = (b > 0) != (below[x] > 0) or (b > 0) != (bottom[right] > 0)
                    if plain:
                        row[x] = ("·" if t_edge or b_edge else "░" if t > 0 and b > 0 else " ", None, None)
                    else:
                        fg = CONTOUR_COLOUR if t_edge else COLOURS[t]
                        bg = CONTOUR_COLOUR if b_edge else COLOURS[b]
                        row[x] = ("▀", fg, bg)
        (x0, x1), (y0, y1) = panel.xlim, panel.ylim
        order = sorted(range(len(panel.points)), key=lambda i: (i == panel.picked, not panel.points[i].test))
        for i in order:  # held-out points first, then training points, the picked one last
            p = panel.points[i]
            x = min(w - 1, max(0, int((p.x - x0) / (x1 - x0) * w)))
            y = min(h - 1, max(0, int((y1 - p.y) / (y1 - y0) * h)))
            _, under, below_colour = grid[y][x]
            mark = POINT_MARK if i == panel.picked else MARKS[(p.label > 0, p.test)]
            if plain:
                grid[y][x] = (mark, None, None)
            elif i == panel.picked:
                grid[y][x] = (mark, "#000000", "#ffff00")
            else:
                grid[y][x] = (mark, POINT_COLOURS[p.label > 0], below_colour or under)
        if panel.note:  # why there is nothing to draw, in the middle
            lines = textwrap.wrap(with_keys(panel.note), max(8, w - 2))[:h]
            for k, line in enumerate(lines):
                row = grid[max(0, (h - len(lines)) // 2) + k]
                for x, ch in enumerate(line[: w - 1], start=1):
                    row[x] = (ch, None, None)
        return grid

    def _build(self) -> None:
        strips = []
        for row in self.cells():
            strips.append(Strip([Segment(ch, self._style(fg, bg, ch not in "▀░· ") if fg else NO_STYLE)
                                 for ch, fg, bg in row]))
        self._strips = strips

    def render_line(self, y: int) -> Strip:
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.content_size.width, NO_STYLE)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return container.height
