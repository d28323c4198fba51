"""The playground's expression language: what it accepts, what it refuses and why."""

import math
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_tui.lessons.language import LIMITS, ExprError, evaluate

ACCEPTED = [
    ("1", 1.0),
    ("2.5", 2.5),
    (".5", 0.5),
    ("1e3", 1000.0),
    ("1E-3", 0.001),
    ("-3", -3.0),
    ("+3", 3.0),
    ("--3", 3.0),
    ("1 + 2", 3.0),
    ("7 - 10", -3.0),
    ("3 * 4", 12.0),
    ("1 / 4", 0.25),
    ("2 ** 10", 1024.0),
    ("2 ** 3 ** 2", 512.0),
    ("-2 ** 2", -4.0),
    ("2 ** -1", 0.5),
    ("(1 + 2) * 3", 9.0),
    ("1 + 2 * 3", 7.0),
    ("a = 2; a", 2.0),
    ("a = 2\nb = a * 3", 6.0),
    ("a = 2;; b = a * 3;", 6.0),
    ("a = 2; b = -3; L = (a*b + 10) * -2", -8.0),
    ("a=2; b=-3; c=10; f=-2; L=(a*b+c)*f", -8.0),
    ("x = 0; tanh(x)", 0.0),
    ("x = 0; x.tanh()", 0.0),
    ("x = 0; exp(x)", 1.0),
    ("x = 0; x.exp()", 1.0),
    ("x = -1; relu(x)", 0.0),
    ("x = 3; x.relu()", 3.0),
    ("x = 1; log(x)", 0.0),
    ("x = 0; sigmoid(x)", 0.5),
    ("x = 2; x.exp().log()", 2.0),
    ("tanh(0)", 0.0),
    ("a = 3; b = a + a", 6.0),
    ("a = 3; b = a; b * 2", 6.0),
    ("a = 2; a = a + 1; a", 3.0),
    ("a = 4; a ** 0.5", 2.0),
    ("a = 8; a / 2 / 2", 2.0),
    ("a = 1; ((((a))))", 1.0),
    ("value_1 = 5; value_1 * 2", 10.0),
    ("a = 2   ;   b = a*a", 4.0),
    ("a = -4; b = 2; c = a + b; d = a*b + b**3; c = c + (c + 1); c = c + (1 + c + (-a)); "
     "d = d + (d*2 + (b + a).relu()); d = d + (3*d + (b - a).relu()); e = c - d; f = e**2; g = f/2; g = g + 10/f",
     24.70408163265306),
]

REJECTED = [
    ("__import__('os').system('touch pwned')", "start with _"),
    ("().__class__", "start with _"),
    ("()", "empty parentheses"),
    ("open('x')", "strings"),
    ("a = 1; a.__dict__", "start with _"),
    ("9**9**9", "too large"),
    ("1/0", "divides by zero"),
    ("a = 1; a / 0", "divides by zero"),
    ("a = 0; 1 / a", "0"),
    ("a = 1000; exp(a)", "exp"),
    ("a = 1e308; a * 10", "too large"),
    ("1e999", "too large"),
    ("a = -8; a ** 0.5", "no real value"),
    ("a = -1; log(a)", "log"),
    ("lambda: 1", "lambda"),
    ("import os", "keyword"),
    ("[1, 2]", "subscripts"),
    ("a = 1; a[0]", "subscripts"),
    ("{1: 2}", "dicts"),
    ("[x for x in y]", "subscripts"),
    ("'hello'", "strings"),
    ('"hello"', "strings"),
    ("a = 1; a.real", ".real"),
    ("a = 1; a.tanh", "'('"),
    ("a = 1; a.tanh(2)", "no arguments"),
    ("tanh(1, 2)", "one argument"),
    ("print(1)", "unknown function"),
    ("x", "no value yet"),
    ("a = ", "ends too early"),
    ("1 +", "ends too early"),
    ("(1 + 2", "')'"),
    ("1 + 2)", "unexpected"),
    ("a = 2 b = 3", "put ;"),
    ("2 ** a", "no value yet"),
    ("a = 2; 2 ** a", "must be a number"),
    ("a = 1; a % 2", "%"),
    ("a = 1; a @ a", "@"),
    ("a = 1; a < 2", "comparisons"),
    ("a = 1 # note", "comments"),
    ("tanh = 1", "function"),
    ("None = 1", "keyword"),
    ("a = 1; a.exp().__class__", "start with _"),
    ("é = 1", "not part of the language"),
    ("", "type an expression"),
    (";;;", "type an expression"),
    ("1" * (LIMITS["length"] + 1), "limit"),
    ("(" * 100 + "1" + ")" * 100, "nested too deeply"),
    ("-" * 200 + "1", "nested too deeply"),
    ("a=1;" * (LIMITS["statements"] + 1), "statements"),
]


@pytest.mark.parametrize("source,expected", ACCEPTED)
def test_accepted(source, expected):
    program = evaluate(source)
    assert math.isclose(program.output.data, expected, rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize("source,message", REJECTED)
def test_rejected_with_a_message(source, message):
    with pytest.raises(ExprError) as info:
        evaluate(source)
    assert message in info.value.message or message in str(info.value)


def test_counts():
    assert len(ACCEPTED) >= 40 and len(REJECTED) >= 40


def test_the_pwned_attempt_touches_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ExprError):
        evaluate("__import__('os').system('touch pwned')")
    assert not os.path.exists(tmp_path / "pwned")


def test_error_points_at_the_offending_part():
    with pytest.raises(ExprError) as info:
        evaluate("a = 1; a.real")
    assert info.value.position == 9
    assert info.value.pointer().splitlines() == ["a = 1; a.real", "         ^"]


def test_names_are_labelled_values_with_grads():
    program = evaluate("a = 2; b = -3; c = 10; f = -2; L = (a*b + c)*f")
    program.output.backward()
    grads = {k: v.grad for k, v in program.names.items()}
    assert grads == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0, "L": 1.0}
    assert program.output.label == "L"


def test_node_limit(monkeypatch):
    # The length limit keeps real input far below the node limit; lower it to see it work.
    monkeypatch.setitem(LIMITS, "nodes", 50)
    evaluate("a = 1; " + "; ".join("a = a + 1" for _ in range(40)))
    with pytest.raises(ExprError, match="nodes"):
        evaluate("a = 1; " + "; ".join("a = a + 1" for _ in range(60)))


# --- random valid expressions agree with Python's float arithmetic ---------------------

def expressions(depth=3):
    number = st.floats(min_value=-100, max_value=100, allow_nan=False).map(lambda x: (f"({x!r})", x))
    name = st.sampled_from([("a", 1.5), ("b", -2.25), ("c", 3.0)])
    leaf = st.one_of(number, name)

    def combine(children):
        def binop(pair, op):
            (ls, lv), (rs, rv) = pair
            if op == "/" and abs(rv) < 1e-3:
                return (f"({ls} + {rs})", lv + rv)
            value = {"+": lv + rv, "-": lv - rv, "*": lv * rv, "/": lv / rv if rv else 0.0}[op]
            return (f"({ls} {op} {rs})", value)

        return st.tuples(st.tuples(children, children), st.sampled_from("+-*/")).map(lambda t: binop(*t))

    return st.recursive(leaf, combine, max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(expressions())
def test_random_expressions_agree_with_float_arithmetic(expr):
    source, expected = expr
    if not math.isfinite(expected) or abs(expected) > 1e12:
        return
    program = evaluate(f"a = 1.5; b = -2.25; c = 3.0; {source}")
    assert math.isclose(program.output.data, expected, rel_tol=1e-9, abs_tol=1e-9)


def test_augmented_assignment_runs_lesson_0s_own_code():
    """The playground lacked += (issue 29): lesson 0's program failed there. c += e is c = c + (e)."""
    from micrograd_tui.engine import Value
    from micrograd_tui.lessons.expressions import readme_example
    from micrograd_tui.lessons.language import ExprError, evaluate

    program = evaluate("a = -4.0; b = 2.0; c = a + b; d = a * b + b**3; c += c + 1; c += 1 + c + (-a); "
                       "d += d * 2 + (b + a).relu(); d += 3 * d + (b - a).relu(); e = c - d; f = e**2; "
                       "g = f / 2; g += 10 / f")
    g, leaves = readme_example(Value)
    assert program.output.data == g.data and abs(g.data - 24.7041) < 1e-4
    assert program.output.label == "g"
    program.output.backward()
    g.backward()
    assert (program.names["a"].grad, program.names["b"].grad) == (leaves["a"].grad, leaves["b"].grad)
    x = evaluate("x = 6; x -= 1; x *= 3; x /= 5").output
    assert x.data == 3.0 and x.label == "x"
    try:
        evaluate("y += 1")
    except ExprError as err:
        assert "no value yet" in str(err)
    else:
        raise AssertionError("y += 1 with no y was taken")
