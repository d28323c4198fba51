"""The engine: the lecture's and the original repository's numbers, errors, depth."""

import math

import pytest

from micrograd_tui.engine import Value
from micrograd_tui.lessons.crosscheck import CASES


def readme(leaf=Value):
    return CASES["readme_example"](leaf)


def test_original_readme_example():
    g, leaves = readme()
    g.backward()
    assert f"{g.data:.4f}" == "24.7041"
    assert f"{leaves['a'].grad:.4f}" == "138.8338"
    assert f"{leaves['b'].grad:.4f}" == "645.5773"


def test_readme_example_in_place_form_matches():
    # Written with += as in the original README (Value has no __iadd__, so += rebinds).
    a, b = Value(-4.0), Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2
    g += 10 / f
    g.backward()
    assert (g.data, a.grad, b.grad) == (24.70408163265306, 138.83381924198252, 645.5772594752186)


# The original package has no tanh, exp, log or sigmoid, so only these cases run on it.
@pytest.mark.parametrize("case", ["readme_example", "lesson3", "reuse"])
def test_same_numbers_as_original_micrograd(case):
    mg = pytest.importorskip("micrograd.engine")
    ours, ours_leaves = CASES[case](Value)
    theirs, their_leaves = CASES[case](mg.Value)
    ours.backward()
    theirs.backward()
    assert ours.data == theirs.data  # the forward pass is bit-for-bit the same
    for name in ours_leaves:
        # A node used more than once sums its contributions in the order of the
        # topological sort; the original keeps _prev in a set ordered by memory
        # address, so its summation order (and last bit) varies from run to run.
        assert math.isclose(ours_leaves[name].grad, their_leaves[name].grad, rel_tol=1e-15)


def test_bit_for_bit_with_original_when_no_node_is_reused():
    mg = pytest.importorskip("micrograd.engine")

    def build(V):
        a, b, c, f = V(2.0), V(-3.0), V(10.0), V(-2.0)
        return ((a * b + c) * f) ** 2 / (7 - b).relu(), (a, b, c, f)

    ours, ol = build(Value)
    theirs, tl = build(mg.Value)
    ours.backward()
    theirs.backward()
    assert ours.data == theirs.data
    assert [v.grad for v in ol] == [v.grad for v in tl]


def test_lesson2_three_inputs():
    a, b, c = Value(2.0), Value(-3.0), Value(10.0)
    d = a * b + c
    d.backward()
    assert d.data == 4.0
    assert (a.grad, b.grad, c.grad) == (-3.0, 2.0, 1.0)


def test_lesson3_and_4_manual_backprop_numbers():
    a, b, c, f = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c"), Value(-2.0, "f")
    e = a * b
    d = e + c
    L = d * f
    assert (e.data, d.data, L.data) == (-6.0, 4.0, -8.0)
    assert all(v.grad == 0.0 for v in (a, b, c, f, e, d, L))
    L.backward()
    assert (L.grad, d.grad, f.grad, c.grad, e.grad, a.grad, b.grad) == (1, -2, 4, -2, -2, 6, -4)


def test_lesson5_one_step_of_nudging_leaves():
    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    L = (a * b + c) * f
    L.backward()
    for leaf in (a, b, c, f):
        leaf.data += 0.01 * leaf.grad
    assert [round(v.data, 10) for v in (a, b, c, f)] == [2.06, -3.04, 9.98, -1.96]
    L2 = (a * b + c) * f
    assert f"{L2.data:.6f}" == "-7.286496"


def test_lesson6_neuron():
    o, leaves = CASES["neuron"](Value)
    o.backward()
    n = o._a
    assert f"{n.data:.4f}" == "0.8814" and f"{o.data:.4f}" == "0.7071"
    assert math.isclose(o._da, 0.5, rel_tol=1e-12)  # do/dn = 1 - o²
    expected = {"b": 0.5, "x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0}
    for name, grad in expected.items():
        assert math.isclose(leaves[name].grad, grad, rel_tol=1e-12, abs_tol=1e-15), name


def test_lesson9_reuse_accumulates():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0
    f, leaves = CASES["reuse"](Value)
    f.backward()
    assert f.data == -6.0 and (leaves["a"].grad, leaves["b"].grad) == (-3.0, -8.0)


def test_lesson10_tanh_from_exp_gives_same_results():
    o1, l1 = CASES["neuron"](Value)
    o2, l2 = CASES["neuron_exp_form"](Value)
    o1.backward()
    o2.backward()
    assert math.isclose(o1.data, o2.data, rel_tol=1e-12)
    for k in l1:
        assert math.isclose(l1[k].grad, l2[k].grad, rel_tol=1e-9, abs_tol=1e-12)


def test_backward_twice_doubles_grads():
    a = Value(2.0)
    y = a * a
    y.backward()
    y.backward()
    assert a.grad == 8.0  # 4 + 4: grads accumulate, as the lecture warns


def test_reflected_ops_and_sum():
    a = Value(3.0)
    assert (2 + a).data == 5 and (2 - a).data == -1 and (2 * a).data == 6 and (6 / a).data == 2
    total = sum([a, a, a])  # sum starts from the int 0: needs __radd__
    total.backward()
    assert total.data == 9.0 and a.grad == 3.0


def test_grad_is_a_float_from_the_start():
    v = Value(1)
    assert v.grad == 0.0 and isinstance(v.grad, float) and isinstance(v.data, float)


def test_value_exponent_is_a_clear_type_error():
    a, b = Value(2.0), Value(3.0)
    with pytest.raises(TypeError, match="exponent"):
        a**b
    with pytest.raises(TypeError, match="exponent"):
        2**b


@pytest.mark.parametrize("bad", ["3", None, [1.0], 1j])
def test_non_number_operands_are_type_errors(bad):
    a = Value(1.0)
    for op in (lambda: a + bad, lambda: a * bad, lambda: a - bad, lambda: a / bad, lambda: bad + a):
        with pytest.raises(TypeError):
            op()
    with pytest.raises(TypeError, match="real number"):
        Value(bad)


def test_numeric_errors_name_their_op():
    with pytest.raises(OverflowError, match="exp"):
        Value(1000.0).exp()
    with pytest.raises(OverflowError, match=r"\*\*"):
        Value(10.0) ** 400
    with pytest.raises(ZeroDivisionError, match="/"):
        Value(1.0) / Value(0.0)
    with pytest.raises(ZeroDivisionError, match="/"):
        Value(1.0) / 0
    with pytest.raises(ZeroDivisionError, match="/"):
        1 / Value(0.0)
    with pytest.raises(ValueError, match=r"\*\*"):
        Value(-8.0) ** (1 / 3)
    with pytest.raises(ValueError, match="log"):
        Value(-1.0).log()


def test_sigmoid_does_not_overflow_far_out():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0


def test_million_deep_chain():
    x = Value(0.5, "x")
    y = x
    for _ in range(1_000_000):
        y = y * 1.0 + 0.0
    y.backward()
    assert y.data == 0.5 and x.grad == 1.0
    del y  # freeing a deep chain must not overflow the C stack either


def test_no_reference_cycles():
    import gc

    gc.collect()
    gc.disable()
    try:
        a, b = Value(2.0), Value(-3.0)
        L = ((a * b + 10) * -2).tanh()
        L.backward()
        del a, b, L
        assert gc.collect() == 0  # refcounting freed everything: nothing cyclic was left
    finally:
        gc.enable()


def test_backward_restores_the_collectors_state():
    import gc

    a = Value(1.0)
    (a * 2).backward()
    assert gc.isenabled()
    gc.disable()
    try:
        (a * 2).backward()
        assert not gc.isenabled()
    finally:
        gc.enable()
