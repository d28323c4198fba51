"""Graph helpers: order, nodes and edges, step-by-step backward, DOT."""

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import (
    backward_overwrite, backward_steps, local_rule, node_count, nodes_and_edges, op_text,
    to_dot, topological_order,
)


def lesson3():
    a, b, c, f = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c"), Value(-2.0, "f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L, (a, b, c, f, e, d)


def test_topological_order_puts_inputs_first_and_output_last():
    L, _ = lesson3()
    order = topological_order(L)
    pos = {v: i for i, v in enumerate(order)}
    assert order[-1] is L and len(order) == 7
    for v in order:
        for child in v._prev:
            assert pos[child] < pos[v]
    assert [v.label for v in order] == ["a", "b", "e", "c", "d", "f", "L"]


def test_nodes_edges_and_count():
    L, _ = lesson3()
    nodes, edges = nodes_and_edges(L)
    assert len(nodes) == node_count(L) == 7
    assert len(edges) == 6
    a = Value(3.0)
    b = a + a
    assert node_count(b) == 2 and len(nodes_and_edges(b)[1]) == 2


def test_backward_steps_one_node_at_a_time_equals_backward():
    L, (a, b, c, f, e, d) = lesson3()
    steps = backward_steps(L)
    first = next(steps)
    assert first is L and d.grad == -2.0 and f.grad == 4.0 and a.grad == 0.0
    rest = list(steps)
    assert [v.label for v in rest] == ["d", "e"]
    assert (a.grad, b.grad, c.grad) == (6.0, -4.0, -2.0)


def test_overwrite_bug_loses_a_reused_contribution():
    a = Value(3.0)
    b = a + a
    backward_overwrite(b)
    assert a.grad == 1.0
    a.grad = 0.0
    b.backward()
    assert a.grad == 2.0


def test_op_text_shows_folded_numbers_and_rules():
    a = Value(2.0)
    assert op_text(a * 2) == "* 2" and op_text(a + 1) == "+ 1" and op_text(a**3) == "**3"
    assert op_text(-a) == "* -1" and op_text(a.tanh()) == "tanh"
    assert "swaps" in local_rule(a * a) and "through" in local_rule(a + a)
    assert "1 - t²" in local_rule(a.tanh()) and "leaf" in local_rule(a)


def test_dot_export():
    L, _ = lesson3()
    L.backward()
    dot = to_dot(L)
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    assert dot.count("shape=record") == 7
    assert "data -8.0000" in dot and "grad 6.0000" in dot
    assert dot.count("->") == 6 + 3  # an edge per input, plus op -> node for three ops
