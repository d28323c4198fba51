"""Every picture reads back as its graph: from each op node, the lines followed leftwards (straight
through a crossing, every way at a junction) reach exactly the boxes of that op's inputs. A line that
shares a cell with another value's line, or a junction where two lines only cross, reads as a value
feeding an op it does not feed, and fails here."""

from __future__ import annotations

import random

import pytest

from micrograd_tui.engine import Value
from micrograd_tui.lessons.dag import BOX_H, Picture, fits, layout

# the directions each line character goes: up, down, left, right
GOES = {"─": (0, 0, 1, 1), "│": (1, 1, 0, 0), "┌": (0, 1, 0, 1), "┐": (0, 1, 1, 0), "└": (1, 0, 0, 1),
        "┘": (1, 0, 1, 0), "├": (1, 1, 0, 1), "┤": (1, 1, 1, 0), "┬": (0, 1, 1, 1), "┴": (1, 0, 1, 1),
        "┼": (1, 1, 1, 1), "╋": (1, 1, 1, 1)}
STEP = {0: (0, -1, 1), 1: (0, 1, 0), 2: (-1, 0, 3), 3: (1, 0, 2)}  # direction -> dx, dy, the way back


def read_back(p: Picture) -> dict[Value, set[Value]]:
    """Each op's inputs as a reader finds them: from the op node, follow its line back, as every line
    is drawn: left along the row, up or down a track, left along a source's row to its box, and
    through a column only straight across (a value passing a column on its way). A line is never
    followed rightwards (that is away from its source), nor turned off of at a crossing (┼); the first
    junction on an op's own line is where its inputs meet, and past it the line is one input's."""
    exits = {}
    for v, b in p.boxes.items():
        for y in range(b.y + 1, b.y + BOX_H - 1):
            exits[(b.x + b.w - 1, y)] = v
    inside = {(b.x + i, b.y + j) for b in p.boxes.values() for i in range(b.w) for j in range(BOX_H)}
    glyphs = {(x + i, y) for x, y, w in p.ops.values() for i in range(w)}
    spans = [(min(p.boxes[v].x for v in col), max(p.boxes[v].x + p.boxes[v].w for v in col)) for col in p.columns if col]
    in_column = {x for lo, hi in spans for x in range(lo, hi)}
    shown: dict[Value, set[Value]] = {}
    for v, (x, y, _) in p.ops.items():
        found: set[Value] = set()
        seen = set()
        # (x, y, how we move: "left" or "up"/"down", may we still turn onto a track in this gap?)
        todo = [(x - 1, y, "left", True)]
        while todo:
            cx, cy, moving, may_turn = todo.pop()
            if (cx, cy, moving, may_turn) in seen or not (0 <= cy < p.height and 0 <= cx < p.width):
                continue
            seen.add((cx, cy, moving, may_turn))
            if (cx, cy) in exits:
                found.add(exits[(cx, cy)])
                continue
            if (cx, cy) in inside or (cx, cy) in glyphs:
                continue
            ch = p.rows[cy][cx]
            goes = GOES.get(ch)
            came = {"left": 3, "up": 1, "down": 0}[moving]  # the side of this cell we entered by
            if goes is None or not goes[came]:
                continue  # a gap, or a line that does not reach the side we came from
            if cx in in_column:  # crossing a column: straight on, and a new gap (with its own tracks) follows
                if moving == "left" and goes[2]:
                    todo.append((cx - 1, cy, "left", True))
                continue
            if ch == "┼":  # a crossing: straight on
                dx, dy = {"left": (-1, 0), "up": (0, -1), "down": (0, 1)}[moving]
                todo.append((cx + dx, cy + dy, moving, may_turn))
                continue
            junction = sum(goes) > 2
            if goes[2]:  # on along the row, leftwards (past the op's first junction: one input's line)
                todo.append((cx - 1, cy, "left", may_turn and moving == "left" and not junction))
            if moving == "left" and may_turn:  # onto a track, once in a gap
                if goes[0]:
                    todo.append((cx, cy - 1, "up", False))
                if goes[1]:
                    todo.append((cx, cy + 1, "down", False))
            elif moving in ("up", "down") and goes[0 if moving == "up" else 1]:
                todo.append((cx, cy + (-1 if moving == "up" else 1), moving, False))
        shown[v] = found
    return shown


def assert_reads_back(root: Value, what: str) -> None:
    p = layout(root)
    shown = read_back(p)
    for v in p.boxes:
        if v._prev:
            assert shown[v] == set(v._prev), (f"{what}: the op making {p.names[v]} reads as fed by "
                                              f"{sorted(p.names[u] for u in shown[v])}, not "
                                              f"{sorted(p.names[u] for u in v._prev)}\n{p.text()}")


def _lesson_graphs():
    from micrograd_tui.lessons.lab import GraphPanel
    from micrograd_tui.lessons.registry import LESSONS

    for lesson in LESSONS:
        lab = lesson.make_lab()
        for panel in lab.panels():
            if isinstance(panel, GraphPanel) and fits(panel.root):
                yield lesson.label, panel.root


@pytest.mark.parametrize("lesson, root", list(_lesson_graphs()), ids=lambda x: x if isinstance(x, str) else "")
def test_every_lessons_picture_reads_back_as_its_graph(lesson, root):
    assert_reads_back(root, f"lesson {lesson}")


def _random_graph(rng: random.Random) -> Value:
    """A random expression over a few leaves, reusing values, as the playground can make."""
    values = [Value(rng.uniform(-2, 2), label=f"x{i}") for i in range(rng.randint(2, 4))]
    for _ in range(rng.randint(3, 14)):
        a, b = rng.choice(values), rng.choice(values)
        op = rng.choice(["+", "*", "tanh", "+k", "**"])
        v = a + b if op == "+" else a * b if op == "*" else a.tanh() if op == "tanh" else a + 1.5 if op == "+k" else a**2
        values.append(v)
    root = values[-1]
    for v in values[:-1]:  # everything made so far ends up in the output
        root = root + v
    return root


def test_random_graphs_mostly_read_back():
    """Dense random graphs (values reused across many ops) as the playground makes them: nearly all read
    back. What remains is a value whose line splits where it also runs straight into an op, in a crowded
    gap (13 of these 300 when this was written): the bound keeps the layout from getting worse."""
    misread = []
    drawn = 0
    for seed in range(300):
        root = _random_graph(random.Random(seed))
        if not fits(root):
            continue
        drawn += 1
        try:
            assert_reads_back(root, f"seed {seed}")
        except AssertionError:
            misread.append(seed)
    assert drawn > 250 and len(misread) <= 15, f"{len(misread)} of {drawn} misread: seeds {misread}"
