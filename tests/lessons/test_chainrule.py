"""The chain rule line: for every node of the lessons' graphs it sums to the node's grad, and it
writes what the lecture writes."""

from __future__ import annotations

import re

import pytest

from micrograd_tui.engine.value import topological_order
from micrograd_tui.lessons import expressions as ex
from micrograd_tui.lessons.chainrule import chain_rule, users
from micrograd_tui.lessons.names import value_names
from micrograd_tui.lessons.numtext import fmt

GRAPHS = {
    "lesson 0": lambda: ex.labelled(ex.readme_example)[0],
    "lesson 3": lambda: ex.labelled(ex.lesson3)[0],
    "the neuron": lambda: ex.labelled(ex.neuron)[0],
    "tanh from exp": lambda: ex.labelled(ex.neuron_exp_form)[0],
    "b = a + a": lambda: ex.labelled(ex.reuse_simple)[0],
    "f = (a*b)*(a+b)": lambda: ex.labelled(ex.reuse)[0],
}


@pytest.mark.parametrize("name", GRAPHS)
def test_every_nodes_line_equals_its_grad_and_names_distinct_quantities(name):
    root = GRAPHS[name]()
    root.backward()
    uses = users(root)
    names = value_names(root)
    assert len(set(names.values())) == len(names), "two values share a name on screen"
    for v in topological_order(root):
        line = chain_rule(root, v, uses, names)
        if v is root:
            assert "= 1" in line
            continue
        assert line.endswith(f"= {fmt(v.grad)}"), (name, line, v.grad)  # and no "but ... holds"
        total, _, rest = line.partition(" = ")
        symbols = rest.split(" = ")[0]
        for term in symbols.split(" + "):
            upstream, _, local = term.partition(" · ")  # the upstream grad, then the local factor by what it is
            assert upstream != total and local != total and not re.match(r"d\S*/d", local), (name, line)


def test_the_lectures_lines():
    L = ex.labelled(ex.lesson3)[0]
    nodes = {v.label: v for v in topological_order(L)}
    assert chain_rule(L, nodes["a"]) == "dL/da = dL/de · b = ? · -3.0000 = ?"  # before backward()
    L.backward()
    assert chain_rule(L, nodes["a"]) == "dL/da = dL/de · b = -2.0000 · -3.0000 = 6.0000"
    assert chain_rule(L, nodes["d"]) == "dL/dd = dL/dL · f = 1.0000 · -2.0000 = -2.0000"
    o = ex.labelled(ex.neuron)[0]
    o.backward()
    n = next(v for v in topological_order(o) if v.label == "n")
    assert chain_rule(o, n) == "do/dn = do/do · (1 - o²) = 1.0000 · 0.5000 = 0.5000"
    sum_node = next(v for v in topological_order(o) if v.label == "x1w1+x2w2")
    assert chain_rule(o, sum_node).startswith("do/d(x1w1+x2w2) = do/dn · 1")
    f = ex.labelled(ex.reuse)[0]
    f.backward()
    a = next(v for v in topological_order(f) if v.label == "a")
    assert chain_rule(f, a).endswith("= 3.0000 + -6.0000 = -3.0000")  # summed over both paths


def test_a_grad_the_chain_rule_does_not_give_is_pointed_out():
    from micrograd_tui.engine.graph import backward_overwrite

    b = ex.labelled(ex.reuse_simple)[0]
    backward_overwrite(b)  # the reuse bug: = for +=
    a = b._a
    assert re.search(r"= 2\.0000, but a\.grad holds 1\.0000$", chain_rule(b, a))


def test_a_graph_too_big_to_walk_on_screen_gets_no_uses():
    from micrograd_tui.engine import Value
    from micrograd_tui.lessons.names import LIMIT

    x = Value(1.0)
    v = x
    for _ in range(LIMIT):
        v = v * 1.0 + x
    assert users(v, LIMIT) is None and users(ex.labelled(ex.lesson3)[0], LIMIT) is not None


def _lesson_graphs():
    """Every graph lessons 0-10 and the playground show, after their backward has run (or been stepped)."""
    from micrograd_tui.lessons.lab import GraphPanel
    from micrograd_tui.lessons.registry import LESSONS

    for lesson in LESSONS:
        if lesson.number > 10 and lesson.slug != "playground" or lesson.sub:
            continue
        lab = lesson.make_lab()
        for action in ("backward", "run", "step"):
            if action in lab.actions:
                for _ in range(30):
                    lab.do(action)
        for panel in lab.panels():
            if isinstance(panel, GraphPanel):
                yield lesson.label, panel.root


@pytest.mark.parametrize("lesson, root", list(_lesson_graphs()), ids=lambda x: x if isinstance(x, str) else "")
def test_every_lessons_line_names_distinct_quantities_and_equals_its_grad(lesson, root):
    uses = users(root)
    names = value_names(root)
    assert len(set(names.values())) == len(names), f"lesson {lesson}: two values share a name on screen"
    for v in topological_order(root):
        line = chain_rule(root, v, uses, names)
        if v is root:
            continue
        total, _, rest = line.partition(" = ")
        symbols = rest.split(" = ")[0]
        for term in symbols.split(" + "):
            upstream, _, local = term.partition(" · ")
            assert upstream != total and local != total and not re.match(r"d\S*/d", local), (lesson, line)
        if root.grad:  # the reuse lesson shows the bug's grads: the line says what the grad holds instead
            shown = line if ", but" not in line else line.split(", but")[0]
            assert line.endswith(f"= {fmt(v.grad)}") or line.endswith(f".grad holds {fmt(v.grad)}"), (lesson, line)
            assert shown.split(" = ")[-1] == fmt(sum(u.grad * local for u, local in uses[v])), (lesson, line)
