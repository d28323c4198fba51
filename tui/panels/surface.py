"""A lab's SurfacePanel: a model's score over the plane as a filled heatmap, with the data on top.

Each cell is a half block ``▀``: its foreground is the sample above, its background
the sample below, so a cell shows two samples. A colour is graded by the score
(orange above 0, blue below, pale near 0, as in TensorFlow Playground), and a
sample whose sign differs from its neighbour's below or to the right is drawn
dark: the 0 contour. The panel's grid may be coarser or finer than the cells (a
big net is scored on fewer samples): each cell takes its nearest samples, so the
map is always filled, never striped.

Points: ▲ is a +1, ● a −1; filled ones are trained on, hollow ones (△ ○) are
held out; ◉ is the picked point. With more than two classes (a net with an output
a class) each sample is coloured by its winning class, stronger the surer softmax
is of it; the contour runs where the winner changes; class 2's points are ■ □. Shapes tell them apart without colour; with
NO_COLOR the map itself is drawn with characters (░ above 0, blank below, · on the contour).
"""

from __future__ import annotations

import math
import textwrap

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
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
CLASS_MARKS = (("●", "○"), ("▲", "△"), ("■", "□"))  # with more classes: class 0, 1, 2 (trained, held out)
THIRD = (123, 71, 173)  # class 2's colour beside the orange and the blue: violet
CLASS_COLOURS = (NEGATIVE, POSITIVE, THIRD)
CLASS_POINT_COLOURS = ("#05355e", "#8a3c00", "#3c1a5c")
POINT_MARK = "◉"
CURSOR_MARK = "✛"
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
CLASS_SHADES = tuple(tuple(_blend(PALE, c, STRENGTH * level / LEVELS) for level in range(LEVELS + 1))
                     for c in CLASS_COLOURS)


def _winner(outs) -> tuple[int, str]:
    """A sample with an output a class: its winning class and colour, stronger the surer softmax is."""
    k = len(outs)
    best = max(range(k), key=outs.__getitem__)
    top = outs[best]
    p = 1.0 / sum(math.exp(o - top) for o in outs)  # softmax's share of the winner, from 1/k to 1
    level = min(LEVELS, math.ceil((p - 1 / k) / (1 - 1 / k) * LEVELS))
    return best, CLASS_SHADES[best % len(CLASS_SHADES)][level]


Cell = tuple[str, str | None, str | None]  # a character, its foreground, its background


class CanvasSize(Message):
    """The size in cells of the surface's drawing area, for the lab to score that many samples."""

    def __init__(self, cols: int, rows: int) -> None:
        super().__init__()
        self.cols = cols
        self.rows = rows


class SurfaceView(Widget, can_focus=True):
    """The surface; in a lab with points by hand a click adds a point (a right-click removes the nearest),
    and with it focused the arrows move the cursor where the keys add and remove."""

    BINDINGS = [
        Binding("up", "nudge(0, 1)", "Cursor", key_display="←→↑↓", tooltip="Move the cursor up"),
        Binding("down", "nudge(0, -1)", "Cursor", show=False, tooltip="Move the cursor down"),
        Binding("left", "nudge(-1, 0)", "Cursor", show=False, tooltip="Move the cursor left"),
        Binding("right", "nudge(1, 0)", "Cursor", show=False, tooltip="Move the cursor right"),
    ]
    DEFAULT_CSS = """
    SurfaceView { height: 1fr; min-height: 6; border: round $foreground 30%; border-title-align: left;
                  border-subtitle-align: right; }
    SurfaceView:focus { border: round $accent; }
    """

    FILLS_SCREEN = True  # M gives it the whole screen while it has the focus

    class Pointed(Message):
        """The learner pointed at (x, y) in the data's coordinates: a click ("left", "right"), or the
        cursor moved by the arrows (None)."""

        def __init__(self, x: float, y: float, button: str | None):
            super().__init__()
            self.x, self.y, self.button = x, y, button

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.panel: SurfacePanel | None = None
        self._strips: list[Strip] = []
        self._styles: dict[tuple[str, str | None, bool], Style] = {}
        self._told: tuple[int, int] | None = None

    def update_panel(self, panel: SurfacePanel) -> None:
        old, self.panel = self.panel, panel
        if (old is not None and panel.scores is old.scores and panel.points is old.points
                and (panel.picked, panel.note, panel.title, panel.cursor) == (old.picked, old.note, old.title,
                                                                              old.cursor)):
            return  # the view syncs ten times a second while training; a new surface comes a few times
        (x0, x1), (y0, y1) = panel.xlim, panel.ylim
        self.border_title = (f"{panel.title}: x {x0:.1f}…{x1:.1f}, y {y0:.1f}…{y1:.1f}" if panel.points
                             else panel.title)
        if panel.points and panel.classes > 2:
            self.border_subtitle = " ".join(f"[{CLASS_POINT_COLOURS[c % 3]}]{CLASS_MARKS[c % 3][0]}[/] {c}"
                                            for c in range(panel.classes)) + " hollow: test ◉ picked"
        elif panel.points:
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

    def _at(self, cx: int, cy: int) -> tuple[float, float] | None:
        """The data coordinates at the centre of content cell (cx, cy)."""
        panel, size = self.panel, self.content_size
        if panel is None or not panel.points or not size.width or not size.height:
            return None
        (x0, x1), (y0, y1) = panel.xlim, panel.ylim
        return (x0 + (cx + 0.5) / size.width * (x1 - x0), y1 - (cy + 0.5) / size.height * (y1 - y0))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        at = self._at(offset.x, offset.y) if offset is not None else None
        if at is not None:
            self.post_message(self.Pointed(*at, "right" if event.button == 3 else "left"))

    def action_nudge(self, dx: int, dy: int) -> None:
        panel, size = self.panel, self.content_size
        if panel is None or not panel.points or not size.width or not size.height:
            return
        (x0, x1), (y0, y1) = panel.xlim, panel.ylim
        x, y = panel.cursor if panel.cursor is not None else ((x0 + x1) / 2, (y0 + y1) / 2)
        x = min(x1, max(x0, x + dx * (x1 - x0) / size.width))
        y = min(y1, max(y0, y + dy * (y1 - y0) / size.height))
        self.post_message(self.Pointed(x, y, None))

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
        k = panel.classes if panel.classes > 2 else 1
        if panel.scores and panel.cols and panel.rows and len(panel.scores) == panel.cols * panel.rows * k:
            cols, rows, scores = panel.cols, panel.rows, panel.scores
            # each sample's class (the side of 0, or the winner) and colour
            looks: list[tuple[int, str]]
            if k == 1:
                looks = [(int(level > 0), COLOURS[level]) for level in map(_shade, scores)]
            else:
                looks = [_winner(scores[i:i + k]) for i in range(0, len(scores), k)]
            # each cell's two samples, the nearest of the panel's grid: (row 2y, 2y+1) at column x
            col_of = [min(cols - 1, x * cols // w) for x in range(w)]
            levels = []
            for sy in range(2 * h):
                r = min(rows - 1, sy * rows // (2 * h))
                levels.append([looks[r * cols + c] for c in col_of])
            for y in range(h):
                top, bottom = levels[2 * y], levels[2 * y + 1]
                below = levels[2 * y + 2] if 2 * y + 2 < 2 * h else bottom
                row = grid[y]
                for x in range(w):
                    right = x + 1 if x + 1 < w else x
                    (t, t_colour), (b, b_colour) = top[x], bottom[x]
                    t_edge = t != b or t != top[right][0]
                    b_edge = b != below[x][0] or b != bottom[right][0]
                    if plain:
                        shaded = t and b if k == 1 else t == b == 1
                        row[x] = ("·" if t_edge or b_edge else "░" if shaded else " ", None, None)
                    else:
                        row[x] = ("▀", CONTOUR_COLOUR if t_edge else t_colour, CONTOUR_COLOUR if b_edge else b_colour)
        (x0, x1), (y0, y1) = panel.xlim, panel.ylim
        order = sorted(range(len(panel.points)), key=lambda i: (i == panel.picked, not panel.points[i].test))
        for i in order:  # held-out points first, then training points, the picked one last
            p = panel.points[i]
            x = min(w - 1, max(0, int((p.x - x0) / (x1 - x0) * w)))
            y = min(h - 1, max(0, int((y1 - p.y) / (y1 - y0) * h)))
            _, under, below_colour = grid[y][x]
            cls = int(p.label) if k > 1 else int(p.label > 0)
            mark = POINT_MARK if i == panel.picked else (
                CLASS_MARKS[cls % 3][p.test] if k > 1 else MARKS[(p.label > 0, p.test)])
            if plain:
                grid[y][x] = (mark, None, None)
            elif i == panel.picked:
                grid[y][x] = (mark, "#000000", "#ffff00")
            else:
                colour = CLASS_POINT_COLOURS[cls % 3] if k > 1 else POINT_COLOURS[p.label > 0]
                grid[y][x] = (mark, colour, below_colour or under)
        if panel.cursor is not None:  # where a point by hand goes
            cx, cy = panel.cursor
            x = min(w - 1, max(0, int((cx - x0) / (x1 - x0) * w)))
            y = min(h - 1, max(0, int((y1 - cy) / (y1 - y0) * h)))
            grid[y][x] = (CURSOR_MARK, None, None) if plain else (CURSOR_MARK, "#ffffff", "#000000")
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
