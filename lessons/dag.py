"""An expression graph laid out as the lecture draws it: left to right, each Value a box, each op a node before its output.

The layout is a small Sugiyama one, written once: every Value gets a column
(as late as its users allow: the output at the right, each leaf just before the
op that uses it), an edge that skips columns passes through them as a line,
each column is ordered by where its users are (so a tree draws with no
crossings), and each node sits level with its users where it can. Then the
picture is drawn in box-drawing characters: a box (its label on top, its data,
then its grad), an
op node ``(+)`` touching the box it makes, and the edges from the inputs' right
sides. A value used twice by one op leaves its box twice, one line per use.

Plain Python on the engine's Values; ``tui/panels/dag.py`` shows a
:class:`Picture` with colour and a cursor, ``micrograd-tui graph --layout dag``
prints its text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import op_text
from micrograd_tui.engine.value import topological_order

from .names import count_values, value_names
from .numtext import fmt

__all__ = ["BOX_H", "LIMIT", "Box", "Picture", "count_values", "fits", "layout"]

LIMIT = 60  # values drawn as boxes at most; a bigger graph reads better as the tree
BOX_H = 4  # rows of a box: top border with the label, data, grad, bottom border
GAP = 1  # rows between two nodes of a column

# box-drawing characters by the directions their lines go: (up, down, left, right)
_LINES = {
    (0, 0, 1, 1): "─", (1, 1, 0, 0): "│", (0, 1, 0, 1): "┌", (0, 1, 1, 0): "┐", (1, 0, 0, 1): "└",
    (1, 0, 1, 0): "┘", (1, 1, 0, 1): "├", (1, 1, 1, 0): "┤", (0, 1, 1, 1): "┬", (1, 0, 1, 1): "┴",
    (1, 1, 1, 1): "┼", (0, 0, 1, 0): "─", (0, 0, 0, 1): "─", (1, 0, 0, 0): "│", (0, 1, 0, 0): "│",
}
_UP, _DOWN, _LEFT, _RIGHT = 0, 1, 2, 3


@dataclass
class Box:
    value: Value
    col: int
    x: int = 0
    y: int = 0
    w: int = 0

    @property
    def anchor(self) -> int:
        """The row edges leave from and arrive at: the data row."""
        return self.y + 1


@dataclass
class _Node:
    """A box, or a dummy: a point an edge passes through in a column it skips."""

    box: Box | None
    col: int
    y: int = 0
    users: list[tuple[_Node, int]] = field(default_factory=list)  # (node it feeds, which input it is)
    origin: Value | None = None  # a dummy: the value whose line passes through it

    @property
    def value(self) -> Value | None:
        """Whose line leaves this node: its box's value, or the value a dummy carries."""
        return self.box.value if self.box is not None else self.origin

    @property
    def h(self) -> int:
        return BOX_H if self.box is not None else 1

    @property
    def anchor(self) -> int:
        return self.y + 1 if self.box is not None else self.y


@dataclass
class Picture:
    """A laid-out graph: its characters row by row, each Value's box, each op node's cells, each edge's cells."""

    rows: list[list[str]]
    boxes: dict[Value, Box]
    ops: dict[Value, tuple[int, int, int]]  # value -> (x, y, width) of the op node before its box
    edges: dict[tuple[Value, Value], set[tuple[int, int]]]  # (input, user) -> the cells of its line(s)
    columns: list[list[Value]]  # the boxes of each column, top to bottom
    names: dict[Value, str] = field(default_factory=dict)  # each value's name on screen (its box's title)

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    @property
    def height(self) -> int:
        return len(self.rows)

    def text(self) -> str:
        return "\n".join("".join(row).rstrip() for row in self.rows)

    # --- moving along the edges --------------------------------------------------
    def inputs(self, v: Value) -> list[Value]:
        return [c for c in dict.fromkeys(v._prev) if c in self.boxes]

    def users(self, v: Value) -> list[Value]:
        return [u for (c, u) in self.edges if c is v]

    def beside(self, v: Value, by: int) -> Value | None:
        """The box above (by = -1) or below (by = 1) in the same column."""
        column = self.columns[self.boxes[v].col]
        i = column.index(v) + by
        return column[i] if 0 <= i < len(column) else None


def fits(root: Value, limit: int = LIMIT) -> bool:
    return count_values(root, limit) <= limit


def layout(root: Value) -> Picture:
    """Lay out and draw root's graph (keep it to :data:`LIMIT` values: see :func:`fits`)."""
    order = topological_order(root)  # inputs before the nodes built from them
    users: dict[Value, list[tuple[Value, int]]] = {v: [] for v in order}
    for v in order:
        for i, child in enumerate(_inputs(v)):
            users[child].append((v, i))
    # columns: as late as every user allows (the output last, each node left of all its users)
    depth: dict[Value, int] = {root: 0}
    for v in reversed(order):
        if v is not root:
            depth[v] = max(depth[u] for u, _ in users[v]) + 1
    last = max(depth.values())
    boxes = {v: Box(v, last - depth[v]) for v in order}
    nodes = {v: _Node(boxes[v], boxes[v].col) for v in order}
    columns_n: list[list[_Node]] = [[] for _ in range(last + 1)]
    for v in order:
        columns_n[boxes[v].col].append(nodes[v])
    # edges, with a dummy in every column an edge skips
    for v in order:
        for i, child in enumerate(_inputs(v)):
            src = nodes[child]
            for col in range(boxes[child].col + 1, boxes[v].col):
                dummy = _Node(None, col, origin=child)
                columns_n[col].append(dummy)
                src.users.append((dummy, i))
                src = dummy
            src.users.append((nodes[v], i))
    _order(columns_n)
    _place(columns_n)
    return _draw(order, boxes, nodes, columns_n, value_names(root))


def _inputs(v: Value) -> list[Value]:
    """v's inputs, one entry per use (a + a gives a twice)."""
    return [c for c in (v._a, v._b) if c is not None]


def _order(columns: list[list[_Node]]) -> None:
    """Order each column by its nodes' users in the next one (first input above the second)."""
    for col in range(len(columns) - 2, -1, -1):
        place = {id(n): i for i, n in enumerate(columns[col + 1])}

        def key(n: _Node, place=place) -> float:
            spots = [place[id(u)] + 0.5 * slot for u, slot in n.users if id(u) in place]
            return sum(spots) / len(spots) if spots else 0.0

        columns[col].sort(key=key)


def _place(columns: list[list[_Node]]) -> None:
    """Rows: the output column from the top; every other node where its users want it (a first input
    level with its op, so a chain of first inputs is one straight line, a second input a box lower),
    pushed down when the node above is in the way."""
    y = 0
    for n in columns[-1]:
        n.y, y = y, y + n.h + GAP
    for col in range(len(columns) - 2, -1, -1):
        wanted = []
        for n in columns[col]:
            first: dict[int, tuple[_Node, int]] = {}
            for u, slot in n.users:  # a + a: where its first use wants it
                if id(u) not in first or slot < first[id(u)][1]:
                    first[id(u)] = (u, slot)
            spots = [u.anchor + slot * (BOX_H + GAP) for u, slot in first.values()]
            anchor = sum(spots) / len(spots) if spots else 0
            wanted.append(round(anchor) - (n.anchor - n.y))
        bottom = None
        for n, want in zip(columns[col], wanted):
            n.y = want if bottom is None else max(want, bottom)
            bottom = n.y + n.h + GAP
    top = min(n.y for column in columns for n in column)
    for column in columns:
        for n in column:
            n.y -= top


def _box_width(v: Value, names: dict[Value, str]) -> int:
    label = names.get(v, v.label)
    return 2 + max(len(fmt(v.data)), len(fmt(v.grad)), len(label) + 2 if label else 0, 5)


def _box_lines(v: Value, w: int, names: dict[Value, str]) -> list[str]:
    inner = w - 2
    label = names.get(v, v.label)[: max(0, inner - 2)]
    top = "╭" + (f" {label} " if label else "") + "─" * (inner - len(label) - (2 if label else 0)) + "╮"
    return [top, ("┤" if v._prev else "│") + fmt(v.data).rjust(inner) + "│",
            "│" + fmt(v.grad).rjust(inner) + "│", "╰" + "─" * inner + "╯"]


def _glyph(v: Value) -> str:
    return f"({op_text(v)})" if v._prev else ""


def _feeds(source: _Node, target: _Node, column: list[_Node]) -> list[int]:
    """The rows (below the source's anchor) of each use of source by target: a value used twice by one
    op (a + a) leaves its box twice, the second line one row lower, so both are seen."""
    uses = [slot for u, slot in source.users if u is target]
    if source.box is None or len(uses) != 1:
        return list(range(len(uses))) if source.box is not None else [0] * len(uses)
    targets = [u for u, _ in source.users]
    if len(targets) != len({id(u) for u in targets}):
        return [0]  # a + a already leaves by both rows
    straight = next((u for u in targets if u.anchor == source.anchor), None)
    below = source.anchor + 1
    free = not any(n.anchor == below for n in column)  # no op's line arrives on that row
    return [1] if straight is not None and straight is not target and free else [0]


class _Canvas:
    """Characters, and the lines drawn so far as the directions each cell's lines go."""

    def __init__(self, width: int, height: int):
        self.rows = [[" "] * width for _ in range(height)]
        self.bits: dict[tuple[int, int], dict[int, list[int]]] = {}  # cell -> which line -> its directions
        self._lines = 0

    def line(self, points: list[tuple[int, int]], cells: set[tuple[int, int]]) -> None:
        """A line through these points (each step straight across or straight down), its cells kept in ``cells``."""
        self._lines += 1
        owner = self._lines
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            if y0 == y1:
                for x in range(min(x0, x1), max(x0, x1) + 1):
                    b = self.bits.setdefault((x, y0), {}).setdefault(owner, [0, 0, 0, 0])
                    b[_LEFT] |= x > min(x0, x1)
                    b[_RIGHT] |= x < max(x0, x1)
                    cells.add((x, y0))
            else:
                for y in range(min(y0, y1), max(y0, y1) + 1):
                    b = self.bits.setdefault((x0, y), {}).setdefault(owner, [0, 0, 0, 0])
                    b[_UP] |= y > min(y0, y1)
                    b[_DOWN] |= y < max(y0, y1)
                    cells.add((x0, y))

    def put(self, x: int, y: int, text: str) -> None:
        self.rows[y][x:x + len(text)] = list(text)

    def finish(self) -> list[list[str]]:
        """Each cell's character: the lines' directions joined (a junction), except where lines only
        pass each other, each straight on, which is a crossing (┼). Four ways that do meet (a line
        turning where another passes) are drawn ╋, so a crossing is never read as a junction."""
        for (x, y), owners in self.bits.items():
            if self.rows[y][x] != " ":
                continue
            b = [max(o[i] for o in owners.values()) for i in range(4)]
            if b == [1, 1, 1, 1]:
                straight = all(o in ([1, 1, 0, 0], [0, 0, 1, 1]) for o in owners.values())
                self.rows[y][x] = "┼" if straight and len(owners) > 1 else "╋"
            else:
                self.rows[y][x] = _LINES.get((b[0], b[1], b[2], b[3]), "─")
        return self.rows


def _tracks(columns: list[list[_Node]], col: int) -> dict[int, int]:
    """The gap before ``col``: a track (a column of its own) for each target whose line turns up or down.

    Two rules keep every line readable: targets whose lines overlap (or touch) in rows get different
    tracks; and where a source's line leaves on the row a target's line arrives on (the source not
    feeding it), the source's lines turn off before that target's track begins, so the two never share
    a cell (which would read as the source feeding it)."""
    spans: dict[int, tuple[int, int]] = {}
    fed_from: dict[int, list[int]] = {}  # row of a source's line -> the targets it runs to
    for target in columns[col]:
        rows = [target.anchor]
        for s in columns[col - 1]:
            for d in _feeds(s, target, columns[col]):
                rows.append(s.anchor + d)
                fed_from.setdefault(s.anchor + d, []).append(id(target))
        if len(rows) > 1 and min(rows) != max(rows):
            spans[id(target)] = (min(rows), max(rows))
    before: dict[int, set[int]] = {t: set() for t in spans}
    for target in columns[col]:
        if id(target) not in spans:
            continue
        going = fed_from.get(target.anchor, [])
        if id(target) in going:
            continue  # that row's source feeds this target: one value's lines
        before[id(target)] |= {t for t in going if t in spans}
    found: dict[int, int] = {}
    left = sorted(spans, key=lambda t: spans[t])
    while left:
        ready = [t for t in left if before[t] <= found.keys()] or left[:1]  # a cycle: draw it as it comes
        t = ready[0]
        left.remove(t)
        lo, hi = spans[t]
        track = max((found[b] + 1 for b in before[t] if b in found), default=0)
        while any(found[o] == track and not (spans[o][1] < lo - 1 or hi < spans[o][0] - 1) for o in found):
            track += 1
        found[t] = track
    return found


def _draw(order: list[Value], boxes: dict[Value, Box], nodes: dict[Value, _Node],
          columns: list[list[_Node]], names: dict[Value, str]) -> Picture:
    ncols = len(columns)
    widths = [max([_box_width(n.box.value, names) for n in column if n.box is not None] or [1]) for column in columns]
    tracks: list[dict[int, int]] = [{}] + [_tracks(columns, c) for c in range(1, ncols)]
    gaps = [0] + [max(1, max(tracks[c].values(), default=-1) + 1) +
                  max([len(_glyph(n.box.value)) for n in columns[c] if n.box is not None] + [0]) for c in range(1, ncols)]
    xs, x = [], 0
    for col in range(ncols):
        x += gaps[col]
        xs.append(x)
        x += widths[col]
    canvas = _Canvas(x, max(n.y + n.h for column in columns for n in column))
    segments: dict[tuple[int, int], set[tuple[int, int]]] = {}  # (id(source), id(target)) -> cells
    ops: dict[Value, tuple[int, int, int]] = {}
    for col in range(ncols):
        for n in columns[col]:
            if n.box is not None:
                n.box.x, n.box.y, n.box.w = xs[col], n.y, widths[col]
            else:  # a dummy: its line crosses the column
                canvas.line([(xs[col], n.anchor), (xs[col] + widths[col] - 1, n.anchor)],
                            segments.setdefault((id(n), id(n)), set()))
        if col == 0:
            continue
        left_end = xs[col - 1] + widths[col - 1]
        for target in columns[col]:
            glyph = _glyph(target.box.value) if target.box is not None else ""
            track_x = left_end + tracks[col].get(id(target), 0)
            end_x = xs[col] - len(glyph)  # the op node's first cell, or the dummy's
            for s in columns[col - 1]:
                for d in _feeds(s, target, columns[col]):
                    row = s.anchor + d
                    canvas.line([(left_end - 1, row), (track_x, row), (track_x, target.anchor), (end_x, target.anchor)],
                                segments.setdefault((id(s), id(target)), set()))
            if glyph:
                assert target.box is not None
                ops[target.box.value] = (end_x, target.anchor, len(glyph))
                canvas.put(end_x, target.anchor, glyph)
    rows = canvas.finish()
    for v in order:
        box = boxes[v]
        for i, text in enumerate(_box_lines(v, box.w, names)):
            rows[box.y + i][box.x:box.x + box.w] = list(text)
    edges = _edges(nodes, segments)
    for (child, _), cells in edges.items():  # each line leaves its input's box through its right side
        b = boxes[child]
        for cx, cy in cells:
            if cx == b.x + b.w - 1 and b.y < cy < b.y + BOX_H - 1:
                rows[cy][cx] = "├"
    columns_v = [[n.box.value for n in sorted(column, key=lambda n: n.y) if n.box is not None] for column in columns]
    return Picture(rows, boxes, ops, edges, columns_v, names)


def _edges(nodes: dict[Value, _Node], segments: dict) -> dict[tuple[Value, Value], set[tuple[int, int]]]:
    """The cells of each edge, from its input's box to its user's op node, through the columns it skips."""
    edges: dict[tuple[Value, Value], set[tuple[int, int]]] = {}
    for v, n in nodes.items():
        for first, _ in n.users:
            cells = set(segments.get((id(n), id(first)), ()))
            u = first
            while u.box is None:
                nxt = u.users[0][0]
                cells |= segments.get((id(u), id(u)), set()) | segments.get((id(u), id(nxt)), set())
                u = nxt
            edges.setdefault((v, u.box.value), set()).update(cells)
    return edges
