"""The expressions the lessons compute, built with the engine.

Each builder makes fresh Values every call, so a lab can rebuild its graph on
reset. Builders that take ``nudge`` add that amount to the named node's data as
it is built: the lecture's finite-difference check of any node.
"""

from __future__ import annotations

from micrograd_tui.engine import MLP, Value
from micrograd_tui.engine.data import lecture_dataset
from micrograd_tui.engine.train import mse_loss

from .labs import PlotPanel, Series


def _n(v: Value, label: str, nudge: dict[str, float] | None = None) -> Value:
    v.label = label
    if nudge and label in nudge:
        v.data += nudge[label]
    return v


def readme_example() -> tuple[Value, Value, Value]:
    """The original micrograd README's expression: returns (g, a, b)."""
    a = Value(-4.0, "a")
    b = Value(2.0, "b")
    c = _n(a + b, "c")
    d = _n(a * b + b**3, "d")
    c = _n(c + (c + 1), "c")
    c = _n(c + (1 + c + (-a)), "c")
    d = _n(d + (d * 2 + (b + a).relu()), "d")
    d = _n(d + (3 * d + (b - a).relu()), "d")
    e = _n(c - d, "e")
    f = _n(e**2, "f")
    g = _n(f / 2, "g")
    g = _n(g + 10 / f, "g")
    return g, a, b


def d_of_abc(values: dict[str, Value]) -> Value:
    """Lesson 2: d = a*b + c."""
    return _n(values["a"] * values["b"] + values["c"], "d")


def quadratic(values: dict[str, Value]) -> Value:
    """Lesson 1: f(x) = 3x² - 4x + 5."""
    x = values["x"]
    return _n(3 * x**2 - 4 * x + 5, "f")


LESSON3_LEAVES = {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}


def lesson3_stages(nudge: dict[str, float] | None = None, leaves: dict[str, float] | None = None) -> list[Value]:
    """e = a*b; d = e + c; L = d*f, as the list of nodes in the order they are made."""
    v = dict(LESSON3_LEAVES, **(leaves or {}))
    a = _n(Value(v["a"]), "a", nudge)
    b = _n(Value(v["b"]), "b", nudge)
    c = _n(Value(v["c"]), "c", nudge)
    f = _n(Value(v["f"]), "f", nudge)
    e = _n(a * b, "e", nudge)
    d = _n(e + c, "d", nudge)
    L = _n(d * f, "L", nudge)
    return [a, b, c, f, e, d, L]


def lesson3_graph(leaves: dict[str, float] | None = None) -> Value:
    return lesson3_stages(leaves=leaves)[-1]


def lesson3_nodes(nudge: dict[str, float]) -> dict[str, Value]:
    return {v.label: v for v in lesson3_stages(nudge)}


NEURON_LEAVES = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}


def neuron_nodes(nudge: dict[str, float] | None = None) -> dict[str, Value]:
    """o = tanh(x1*w1 + x2*w2 + b), every node labelled as in the lecture."""
    x1, x2, w1, w2, b = (_n(Value(NEURON_LEAVES[k]), k, nudge) for k in ("x1", "x2", "w1", "w2", "b"))
    x1w1 = _n(x1 * w1, "x1w1", nudge)
    x2w2 = _n(x2 * w2, "x2w2", nudge)
    s = _n(x1w1 + x2w2, "x1w1+x2w2", nudge)
    n = _n(s + b, "n", nudge)
    o = _n(n.tanh(), "o", nudge)
    return {v.label: v for v in (o, n, b, s, x1w1, x2w2, x1, w1, x2, w2)}


def neuron() -> Value:
    return neuron_nodes()["o"]


def neuron_exp_form() -> Value:
    """The same neuron with tanh written as (e - 1)/(e + 1), e = exp(2n)."""
    nodes = neuron_nodes()
    n = nodes["n"]
    # the tanh node is dropped: rebuild o from n with exp, - and / (a * b**-1)
    e = _n((2 * n).exp(), "e")
    o = _n((e - 1) / (e + 1), "o")
    return o


def neuron_leaves(root: Value) -> dict[str, Value]:
    from micrograd_tui.engine.value import topological_order

    return {v.label: v for v in topological_order(root) if not v._op}


def tanh_plot(nodes: dict[str, Value]) -> PlotPanel:
    xs = [-5 + i * 0.05 for i in range(201)]
    ys = [Value(x).tanh().data for x in xs]
    n, o = nodes["n"], nodes["o"]
    return PlotPanel("tanh squashes n into (-1, 1)", [
        Series(xs, ys, "tanh(x)"),
        Series([n.data], [o.data], "o at n", kind="scatter", marker="●", color="yellow"),
    ], xlabel="x", ylim=(-1.2, 1.2))


def reuse_simple() -> tuple[Value, list[Value]]:
    a = Value(3.0, "a")
    b = _n(a + a, "b")
    return b, [a]


def reuse_mixed() -> tuple[Value, list[Value]]:
    a = Value(-2.0, "a")
    b = Value(3.0, "b")
    d = _n(a * b, "d")
    e = _n(a + b, "e")
    f = _n(d * e, "f")
    return f, [a, b]


LECTURE_SEED = 1337


def lecture_mlp() -> MLP:
    return MLP(3, [4, 4, 1], seed=LECTURE_SEED)


def mlp_forward() -> Value:
    out = lecture_mlp()([2.0, 3.0, -1.0])
    out.label = "out"
    return out


def lecture_loss() -> tuple[Value, MLP, list[Value]]:
    model = lecture_mlp()
    xs, ys = lecture_dataset()
    preds = [model(x) for x in xs]
    for i, p in enumerate(preds):
        p.label = f"ypred{i}"
    loss = mse_loss(preds, ys)
    loss.label = "loss"
    return loss, model, preds


def engine_source(module: str) -> str:
    """The installed source of one of the engine's files (what the learner's copy really is)."""
    from importlib import resources

    return resources.files("micrograd_tui.engine").joinpath(module).read_text()
