"""The chain rule line: for every node of the lessons' graphs it sums to the node's grad, and it
writes what the lecture writes."""

from __future__ import annotations

import re

import pytest

from micrograd_tui.engine.value import topological_order
from micrograd_tui.lessons import expressions as ex
from micrograd_tui.lessons.chainrule import chain_rule, users
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
def test_every_nodes_line_equals_its_grad(name):
    root = GRAPHS[name]()
    root.backward()
    uses = users(root)
    for v in topological_order(root):
        line = chain_rule(root, v, uses)
        if v is root:
            assert "= 1" in line
            continue
        assert line.endswith(f"= {fmt(v.grad)}"), (name, line, v.grad)  # and no "but ... holds"


def test_the_lectures_lines():
    L = ex.labelled(ex.lesson3)[0]
    nodes = {v.label: v for v in topological_order(L)}
    assert chain_rule(L, nodes["a"]) == "dL/da = dL/de · de/da = ? · -3.0000 = ?"  # before backward()
    L.backward()
    assert chain_rule(L, nodes["a"]) == "dL/da = dL/de · de/da = -2.0000 · -3.0000 = 6.0000"
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
    from micrograd_tui.lessons.chainrule import LIMIT

    x = Value(1.0)
    v = x
    for _ in range(LIMIT):
        v = v * 1.0 + x
    assert users(v, LIMIT) is None and users(ex.labelled(ex.lesson3)[0], LIMIT) is not None
