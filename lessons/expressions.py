"""The lecture's expressions, each written once.

Every builder takes ``leaf(x)``, which makes an input (our ``Value``, the
original micrograd's, or a float64 tensor that requires grad), and an optional
``name(node, label)`` hook that the lessons use to label nodes and to nudge one
of them (the lecture's finite-difference check). Each returns
``(output, {input name: input})``. The lessons, the PyTorch cross-check and the
engine tests all build from here, so a number fixed here is fixed everywhere.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from micrograd_tui.engine import MLP, Value
from micrograd_tui.engine.data import lecture_dataset
from micrograd_tui.engine.train import mse_loss

Leaf = Callable[[float], Any]
Name = Callable[[Any, str], Any]

NEURON_BIAS = 6.8813735870195432  # makes n = 0.8814, so o = tanh(n) = 0.7071 = 1/√2
LESSON3_LEAVES = {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}
LECTURE_SEED = 1337


def keep(node: Any, label: str) -> Any:
    """The ``name`` hook that leaves nodes as they are (for tensors and plain checks)."""
    return node


class Labels:
    """The ``name`` hook for lessons: labels each node, adds ``nudge[label]`` to its data as it is
    made, and remembers the nodes in the order they were made (how lesson 3 rebuilds a graph)."""

    def __init__(self, nudge: dict[str, float] | None = None):
        self.nudge = nudge or {}
        self.made: list[Value] = []

    def __call__(self, v: Value, label: str) -> Value:
        v.label = label
        if label in self.nudge:
            v.data += self.nudge[label]
        self.made.append(v)
        return v

    def by_label(self) -> dict[str, Value]:
        """The labelled nodes by label (a label used twice keeps its last node)."""
        return {v.label: v for v in self.made}


def readme_example(leaf: Leaf, name: Name = keep):
    """The original micrograd README's expression (g = 24.7041, dg/da = 138.8338, dg/db = 645.5773)."""
    a, b = name(leaf(-4.0), "a"), name(leaf(2.0), "b")
    c = name(a + b, "c")
    d = name(a * b + b**3, "d")
    c = name(c + (c + 1), "c")
    c = name(c + (1 + c + (-a)), "c")
    d = name(d + (d * 2 + (b + a).relu()), "d")
    d = name(d + (3 * d + (b - a).relu()), "d")
    e = name(c - d, "e")
    f = name(e**2, "f")
    g = name(f / 2, "g")
    g = name(g + 10 / f, "g")
    return g, {"a": a, "b": b}


def quadratic(x):
    """Lesson 1: f(x) = 3x² - 4x + 5 (for a Value, a float or a tensor)."""
    return 3 * x**2 - 4 * x + 5


def lesson3(leaf: Leaf, name: Name = keep, **leaves: float):
    """e = a*b; d = e + c; L = d*f (L = -8 at the lecture's inputs, which ``leaves`` may replace)."""
    v = dict(LESSON3_LEAVES, **leaves)
    a, b, c, f = (name(leaf(v[k]), k) for k in ("a", "b", "c", "f"))
    e = name(a * b, "e")
    d = name(e + c, "d")
    L = name(d * f, "L")
    return L, {"a": a, "b": b, "c": c, "f": f}


def _neuron_sum(leaf: Leaf, name: Name, bias: float):
    x1, x2, w1, w2, b = (name(leaf(x), k) for k, x in
                         (("x1", 2.0), ("x2", 0.0), ("w1", -3.0), ("w2", 1.0), ("b", bias)))
    x1w1 = name(x1 * w1, "x1w1")
    x2w2 = name(x2 * w2, "x2w2")
    s = name(x1w1 + x2w2, "x1w1+x2w2")
    n = name(s + b, "n")
    return n, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}


def neuron(leaf: Leaf, name: Name = keep, bias: float = NEURON_BIAS):
    """o = tanh(x1*w1 + x2*w2 + b), the lecture's neuron, every node labelled as in the lecture."""
    n, leaves = _neuron_sum(leaf, name, bias)
    return name(n.tanh(), "o"), leaves


def neuron_exp_form(leaf: Leaf, name: Name = keep):
    """The same neuron with tanh written as (e - 1)/(e + 1), e = exp(2n)."""
    n, leaves = _neuron_sum(leaf, name, NEURON_BIAS)
    e = name((2 * n).exp(), "e")
    return name((e - 1) / (e + 1), "o"), leaves


def reuse_simple(leaf: Leaf, name: Name = keep):
    """b = a + a: a is used twice, so a.grad must be 2."""
    a = name(leaf(3.0), "a")
    return name(a + a, "b"), {"a": a}


def reuse(leaf: Leaf, name: Name = keep):
    """f = (a*b)*(a+b) with a = -2, b = 3: a and b each feed two nodes."""
    a, b = name(leaf(-2.0), "a"), name(leaf(3.0), "b")
    d = name(a * b, "d")
    e = name(a + b, "e")
    return name(d * e, "f"), {"a": a, "b": b}


def unary_mix(leaf: Leaf, name: Name = keep):
    """Every unary op both libraries share, mixed (a cross-check, not a lesson)."""
    x, y = name(leaf(0.7), "x"), name(leaf(-1.3), "y")
    out = (x.sigmoid() * y.exp() + (x * x + 1).log() - (y / x).tanh() + (x - y).relu() ** 1.5) / (1 + y**2)
    return out, {"x": x, "y": y}


# --- built with labels, for the lessons ---------------------------------------------


def labelled(builder, nudge: dict[str, float] | None = None, leaves: Mapping[str, float] | None = None,
             ) -> tuple[Value, Labels]:
    """``builder`` run on our Values with every node labelled: (output, the labels hook).
    ``leaves`` gives other values for the builder's inputs (those that take them)."""
    labels = Labels(nudge)
    out, _ = builder(Value, labels, **(leaves or {}))
    return out, labels


def lesson3_nodes(nudge: dict[str, float]) -> dict[str, Value]:
    return labelled(lesson3, nudge)[1].by_label()


def neuron_nodes(nudge: dict[str, float] | None = None) -> dict[str, Value]:
    return labelled(neuron, nudge)[1].by_label()


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


def build_topo(root: Value) -> list[Value]:
    """The lecture's topological sort, recursive as it writes it (children first, the node last).
    Each level of the graph is one Python call: a graph deeper than the recursion limit stops it."""
    topo: list[Value] = []
    visited: set[Value] = set()

    def visit(v: Value) -> None:
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                visit(child)
            topo.append(v)

    visit(root)
    return topo


def chain(depth: int) -> Value:
    """x + 1 + 1 + ... (``depth`` additions): a graph as deep as it is long."""
    out = Value(0.0, label="x")
    for _ in range(depth):
        out = out + 1
    return out
