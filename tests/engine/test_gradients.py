"""Every op's gradient against finite differences, and algebra checked by hypothesis."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_tui.engine import Value

H = 1e-6

UNARY = {
    "tanh": (lambda v: v.tanh(), math.tanh),
    "exp": (lambda v: v.exp(), math.exp),
    "relu": (lambda v: v.relu(), lambda x: max(0.0, x)),
    "log": (lambda v: v.log(), math.log),
    "sigmoid": (lambda v: v.sigmoid(), lambda x: 1 / (1 + math.exp(-x))),
    "neg": (lambda v: -v, lambda x: -x),
    "pow2": (lambda v: v**2, lambda x: x**2),
    "pow3": (lambda v: v**3, lambda x: x**3),
    "pow-1": (lambda v: v**-1, lambda x: x**-1),
    "pow0.5": (lambda v: v**0.5, lambda x: x**0.5),
    "radd": (lambda v: 2 + v, lambda x: 2 + x),
    "rsub": (lambda v: 2 - v, lambda x: 2 - x),
    "rmul": (lambda v: 2 * v, lambda x: 2 * x),
    "rdiv": (lambda v: 2 / v, lambda x: 2 / x),
    "add_k": (lambda v: v + 2, lambda x: x + 2),
    "sub_k": (lambda v: v - 2, lambda x: x - 2),
    "mul_k": (lambda v: v * 2, lambda x: x * 2),
    "div_k": (lambda v: v / 2, lambda x: x / 2),
}

BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / b, lambda a, b: a / b),
}


def central_difference(f, x):
    return (f(x + H) - f(x - H)) / (2 * H)


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("x", [0.3, 1.7, -0.8])
def test_unary_gradient_matches_finite_difference(name, x):
    op, ref = UNARY[name]
    if name in ("log", "pow0.5") and x < 0:
        x = -x
    v = Value(x)
    out = op(v)
    out.backward()
    assert math.isclose(out.data, ref(x), rel_tol=1e-12)
    assert math.isclose(v.grad, central_difference(ref, x), rel_tol=1e-6, abs_tol=1e-8)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_gradient_matches_finite_difference(name):
    op, ref = BINARY[name]
    a, b = Value(1.3), Value(-0.7)
    out = op(a, b)
    out.backward()
    assert math.isclose(a.grad, central_difference(lambda x: ref(x, -0.7), 1.3), rel_tol=1e-6)
    assert math.isclose(b.grad, central_difference(lambda y: ref(1.3, y), -0.7), rel_tol=1e-6)


finite = st.floats(min_value=-50, max_value=50, allow_nan=False).filter(lambda x: abs(x) > 1e-3)


@settings(max_examples=200, deadline=None)
@given(finite, finite)
def test_forward_agrees_with_float_arithmetic(x, y):
    a, b = Value(x), Value(y)
    assert (a + b).data == x + y
    assert (a * b).data == x * y
    assert (a - b).data == x + (-y)  # subtraction is a + (-b), as in the lecture
    assert (a / b).data == x * y**-1  # division is a * b**-1


@settings(max_examples=200, deadline=None)
@given(finite, finite)
def test_product_rule_and_sum_rule(x, y):
    a, b = Value(x), Value(y)
    (a * b + a).backward()
    assert a.grad == y + 1.0 and b.grad == x


@settings(max_examples=200, deadline=None)
@given(finite, st.integers(min_value=1, max_value=20))
def test_reusing_a_node_n_times_sums_n_gradients(x, n):
    a = Value(x)
    total = a
    for _ in range(n - 1):
        total = total + a
    total.backward()
    assert a.grad == float(n)


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=-5, max_value=5, allow_nan=False), st.floats(min_value=-5, max_value=5, allow_nan=False))
def test_chain_rule_through_tanh_of_product(x, y):
    a, b = Value(x), Value(y)
    out = (a * b).tanh()
    out.backward()
    local = 1 - math.tanh(x * y) ** 2
    assert math.isclose(a.grad, local * y, rel_tol=1e-12, abs_tol=1e-300)
    assert math.isclose(b.grad, local * x, rel_tol=1e-12, abs_tol=1e-300)
