"""The graph as the lecture draws it (issue 19): boxes left to right, op nodes, every Value drawn once."""

from __future__ import annotations

import itertools
import random

import pytest

from micrograd_tui.engine import Value
from micrograd_tui.lessons import expressions as ex
from micrograd_tui.lessons.dag import BOX_H, LIMIT, fits, layout
from micrograd_tui.lessons.numtext import fmt


def lesson3():
    nodes = ex.lesson3_nodes({})
    nodes["L"].backward()
    return nodes


def neuron():
    nodes = ex.neuron_nodes({})
    nodes["o"].backward()
    return nodes


def tanh_broken_up():
    x = Value(0.5, "x")
    e = (2 * x).exp()
    e.label = "e"
    o = (e - 1) / (e + 1)
    o.label = "o"
    o.backward()
    return {"x": x, "e": e, "o": o}


def shared():
    """An input used by an op and again by that op's user (the playground's c = a*b + a)."""
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b + a
    c.label = "c"
    o = c.tanh()
    o.backward()
    return {"o": o}


GRAPHS = {"lesson 3": (lesson3, "L"), "neuron": (neuron, "o"), "tanh broken up": (tanh_broken_up, "o"),
          "shared input": (shared, "o")}


def random_graph(seed: int) -> Value:
    """Ops on earlier results picked at random: reuse, long edges and fan-out of every kind."""
    rng = random.Random(seed)
    made = [Value(rng.uniform(-2, 2), f"x{i}") for i in range(rng.randint(1, 4))]
    for _ in range(rng.randint(1, 14)):
        kind = rng.choice("+*t")
        a, b = rng.choice(made), rng.choice(made)
        made.append(a.tanh() if kind == "t" else (a + b if kind == "+" else a * b))
    root = made[-1]
    root.backward()
    return root


def test_lesson_3_reads_left_to_right_with_the_lectures_numbers():
    nodes = lesson3()
    p = layout(nodes["L"])
    cols = {v.label: p.boxes[v].col for v in p.boxes}
    assert cols == {"a": 0, "b": 0, "e": 1, "c": 1, "d": 2, "f": 2, "L": 3}
    assert [[v.label for v in column] for column in p.columns] == [["a", "b"], ["e", "c"], ["d", "f"], ["L"]]
    text = p.text()
    for label, node in nodes.items():
        assert text.count(f"╭ {label} ") == 1  # each Value drawn once, as a box with its label on top
        box = p.boxes[node]
        assert fmt(node.data) in "".join(p.rows[box.y + 1][box.x:box.x + box.w])
        assert fmt(node.grad) in "".join(p.rows[box.y + 2][box.x:box.x + box.w])
    for label, op in (("e", "(*)"), ("d", "(+)"), ("L", "(*)")):  # each op node right before the box it makes
        x, y, w = p.ops[nodes[label]]
        assert "".join(p.rows[y][x:x + w]) == op and x + w == p.boxes[nodes[label]].x
    assert p.width <= 52 and p.height <= 9  # it fits the lab of an 80x24 screen


def test_a_value_used_twice_is_drawn_once_with_a_line_for_each_use():
    a = Value(3.0, "a")
    b = a + a
    b.label = "b"
    b.backward()
    p = layout(b)
    assert p.text().count("╭ a ") == 1 and p.inputs(b) == [a] and p.users(a) == [b]
    box = p.boxes[a]
    right = [p.rows[box.y + i][box.x + box.w - 1] for i in range(BOX_H)]
    assert right.count("├") == 2  # two lines leave a: its data row and the row below


@pytest.mark.parametrize("name", GRAPHS)
def test_every_edge_is_drawn_and_runs_left_to_right(name):
    make, out = GRAPHS[name]
    root = make()[out]
    p = layout(root)
    for v in p.boxes:
        for child in v._prev:
            assert (child, v) in p.edges, (child.label, v.label)
            cells = p.edges[(child, v)]
            assert cells and min(x for x, _ in cells) >= p.boxes[child].x + p.boxes[child].w - 1
            assert max(x for x, _ in cells) <= p.ops[v][0]  # the line ends at v's op node
        if v._prev:
            assert all(p.boxes[c].x + p.boxes[c].w <= p.ops[v][0] for c in v._prev)


@pytest.mark.parametrize("name", GRAPHS)
def test_boxes_never_overlap_and_stay_in_the_picture(name):
    make, out = GRAPHS[name]
    p = layout(make()[out])
    for one, two in itertools.combinations(p.boxes.values(), 2):
        apart = one.x + one.w <= two.x or two.x + two.w <= one.x or one.y + BOX_H <= two.y or two.y + BOX_H <= one.y
        assert apart, (one.value.label, two.value.label)
    for box in p.boxes.values():
        assert box.x + box.w <= p.width and box.y + BOX_H <= p.height


def test_moving_along_the_edges():
    nodes = lesson3()
    p = layout(nodes["L"])
    assert p.inputs(nodes["L"]) == [nodes["d"], nodes["f"]] and p.users(nodes["e"]) == [nodes["d"]]
    assert p.beside(nodes["e"], 1) is nodes["c"] and p.beside(nodes["e"], -1) is None


def test_a_graph_too_big_to_read_as_boxes_is_left_to_the_tree():
    x = Value(1.0, "x")
    for i in range(LIMIT):
        x = x + i
    assert not fits(x) and fits(neuron()["o"])


@pytest.mark.parametrize("seed", range(60))
def test_any_graph_lays_out_with_its_inputs_left_of_it(seed):
    root = random_graph(seed)
    if not fits(root):
        return
    p = layout(root)
    for v in p.boxes:
        for child in v._prev:
            assert p.boxes[child].col < p.boxes[v].col and (child, v) in p.edges
    for one, two in itertools.combinations(p.boxes.values(), 2):
        assert one.x + one.w <= two.x or two.x + two.w <= one.x or one.y + BOX_H <= two.y or two.y + BOX_H <= one.y
