"""The build exercises: what the learner writes, the checks run on it, and how a result is judged.

A check is data for the child process (``spec``: what to build with the learner's
code) and a judge that compares what came back with this app's own engine. A
failed check says what was built, what was expected and what came back, and for
gradients names the first node, output to leaves, whose grad is wrong and the op
that produced it.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Callable

from micrograd_tui.engine import MLP, Trainer, Value
from micrograd_tui.engine.data import lecture_dataset

from ..expressions import LECTURE_SEED, NEURON_BIAS
from ..numtext import fmt
from . import harness


@dataclass
class Verdict:
    ok: bool
    message: str = ""
    graph: dict | None = None  # the learner's graph as the child dumped it
    expected: dict[str, tuple[float, float]] = field(default_factory=dict)  # name -> (data, grad) by our engine


@dataclass(frozen=True)
class Check:
    name: str
    spec: Callable[[], dict]  # what the child builds (made when a run starts: some specs cost a little)
    judge: Callable[[dict], Verdict]
    stretch: bool = False  # shown and explained, but not needed to finish the exercise


@dataclass(frozen=True)
class Exercise:
    slug: str
    title: str
    after: str  # the slug of the lesson that teaches it
    file: str  # the workspace file the learner edits
    what: str  # one line: what to write
    checks: tuple[Check, ...]
    hints: tuple[str, ...]
    solution: str  # the worked solution, shown only after the learner confirms
    live: bool = False  # streams losses while it runs (the training exercise)


# --- expressions as data, for both engines ------------------------------------------------

LESSON3 = [["leaf", "a", 2.0], ["leaf", "b", -3.0], ["leaf", "c", 10.0], ["leaf", "f", -2.0],
           ["mul", "e", "a", "b"], ["add", "d", "e", "c"], ["mul", "L", "d", "f"]]
NEURON = [["leaf", "x1", 2.0], ["leaf", "x2", 0.0], ["leaf", "w1", -3.0], ["leaf", "w2", 1.0],
          ["leaf", "b", NEURON_BIAS], ["mul", "x1w1", "x1", "w1"], ["mul", "x2w2", "x2", "w2"],
          ["add", "x1w1+x2w2", "x1w1", "x2w2"], ["add", "n", "x1w1+x2w2", "b"], ["tanh", "o", "n"]]
NEURON_EXP = NEURON[:-1] + [["rmul", "2n", 2.0, "n"], ["exp", "e", "2n"], ["sub", "e-1", "e", 1.0],
                            ["add", "e+1", "e", 1.0], ["div", "o", "e-1", "e+1"]]

SYMBOL = {"add": "+", "mul": "*"}
TEXT = {"add": "{0} + {1}", "mul": "{0}*{1}", "tanh": "{0}.tanh()", "exp": "{0}.exp()", "log": "{0}.log()",
        "pow": "{0}**{1}", "div": "{0}/{1}", "neg": "-{0}", "sub": "{0} - {1}", "radd": "{0} + {1}",
        "rmul": "{0}*{1}"}
METHOD = {"add": "__add__", "mul": "__mul__", "tanh": "tanh", "exp": "exp", "log": "log", "pow": "__pow__",
          "div": "__truediv__ (self * other**-1)", "neg": "__neg__", "sub": "__sub__", "radd": "__radd__",
          "rmul": "__rmul__", "chain": "__add__"}


def _text(op: list) -> str:
    kind, name, args = op[0], op[1], op[2:]
    if kind == "leaf":
        return f"{name} = Value({args[0]!r})"
    return f"{name} = " + TEXT.get(kind, kind + "(...)").format(*[a if isinstance(a, str) else f"{a:g}" for a in args])


def _close(got: float | None, want: float, rel: float = 1e-9) -> bool:
    if got is None:
        return False
    if math.isnan(want):
        return math.isnan(got)
    return math.isclose(got, want, rel_tol=rel, abs_tol=1e-12)


def _shown(x: float | None) -> str:
    return "not a number" if x is None else fmt(x)


def graph_check(name: str, ops: list, output: str, backward: str = "none", structure: bool = False,
                stretch: bool = False) -> Check:
    """A check that builds ``ops`` with the learner's Value, maybe backpropagates
    (``"nodes"``: the harness calls each ``_backward``; ``"backward"``: the learner's ``backward()``),
    and compares every named node with this app's engine."""
    dump = not any(op[0] == "chain" for op in ops)
    spec = {"kind": "graph", "modules": ["engine"], "ops": ops, "output": output, "backward": backward,
            "dump": dump}

    def judge(result: dict) -> Verdict:
        env = harness.build(ops, Value)
        if backward != "none":
            env[output].backward()
        expected = {k: (v.data, v.grad) for k, v in env.items()}
        names = result.get("names", {})
        verdict = Verdict(False, graph=result if dump else None, expected=expected)
        made = {op[1]: op for op in ops}
        if structure:
            for op in ops:
                kind, node, args = op[0], op[1], op[2:]
                if kind == "leaf":
                    continue
                got = names[node]
                want = [a for a in args if isinstance(a, str)]
                prev = [p for p in got["prev"] if p is not None]
                if not set(want) <= set(prev) or not got["prev"]:
                    shown = ", ".join(p or "?" for p in got["prev"]) or "empty"
                    verdict.message = (f"`{_text(op)}`: {node}._prev is ({shown}); expected ({', '.join(want)}): "
                                       f"pass (self, other) as the children in `{METHOD[kind]}`")
                    return verdict
                if kind in SYMBOL and got["op"] != SYMBOL[kind]:
                    verdict.message = (f"`{_text(op)}`: {node}._op is {got['op']!r}; expected {SYMBOL[kind]!r} "
                                       f"(set it in `{METHOD[kind]}`)")
                    return verdict
        for op in ops:  # data: inputs first, so the first wrong one is where it went wrong
            node = op[1]
            got, want = names[node]["data"], expected[node][0]
            if not _close(got, want):
                if got is None:
                    why = (f"your {node}.data is a {names[node]['type']}, not a number "
                           "(data holds a plain float: use other.data, not other)")
                else:
                    why = f"your {node}.data is {_shown(got)}, expected {fmt(want)}"
                where = "Value.__init__" if op[0] == "leaf" else METHOD.get(op[0], op[0])
                verdict.message = f"`{_text(op)}`: {why}; look at `{where}`"
                return verdict
        if backward != "none":
            for op in reversed(ops):  # grads: output first, so the first wrong one is where it went wrong
                node = op[1]
                got, want = names[node]["grad"], expected[node][1]
                if _close(got, want):
                    continue
                if node == output:
                    verdict.message = (f"your {node}.grad is {_shown(got)}, expected 1.0: backward() starts "
                                       "with self.grad = 1.0")
                    return verdict
                users = [u for u in ops if node in u[2:]]
                uses = sum(u[2:].count(node) for u in users)
                user = users[-1] if users else made[node]
                message = (f"`{_text(user)}`: your {node}.grad is {_shown(got)}, expected {fmt(want)}; "
                           f"look at `{METHOD.get(user[0], user[0])}`'s `_backward`")
                if uses > 1:
                    message += f" ({node} is used {uses} times: each use adds to its grad, +=)"
                elif backward == "backward" and got == 0:
                    message += " or at backward(): did every node's _backward run, in reverse topological order?"
                verdict.message = message
                return verdict
        verdict.ok = True
        return verdict

    return Check(name, lambda: spec, judge, stretch)


def _lecture_weights() -> tuple[list[float], MLP]:
    model = MLP(3, [4, 4, 1], seed=LECTURE_SEED)
    return [p.data for p in model.parameters()], model


def nn_check() -> Check:
    x = [2.0, 3.0, -1.0]

    def spec() -> dict:
        return {"kind": "nn", "modules": ["engine", "nn"], "weights": _lecture_weights()[0], "x": x}

    def judge(result: dict) -> Verdict:
        want = _lecture_weights()[1](x)
        assert isinstance(want, Value)
        for what, n in {"Neuron(3)": 4, "Layer(3, 4)": 16, "MLP(3, [4, 4, 1])": 41}.items():
            got = result["counts"][what]
            if got != n:
                return Verdict(False, f"{what}.parameters() gave {got} Values; expected {n} "
                                      "(each neuron has a weight per input and a bias)")
        if not result["single_is_value"]:
            return Verdict(False, f"Layer(3, 1)(x) gave a {result['single_type']}; expected one Value "
                                  "(a layer of one neuron returns outs[0], so an MLP ending in 1 gives a Value)")
        if result["out_type"] != "Value" or not _close(result["out"], want.data):
            return Verdict(False, f"MLP(3, [4, 4, 1]) with the lecture's weights, on [2, 3, -1]: yours is "
                                  f"{_shown(result['out'])}, expected {fmt(want.data)} (tanh(w·x + b) in each "
                                  "neuron, parameters listed weights then bias, layer by layer)")
        return Verdict(True)

    return Check("MLP(3, [4, 4, 1])", spec, judge)


TRAIN_STEPS = 100


@functools.cache
def lecture_losses() -> tuple[float, ...]:
    """This app's own losses for the training exercise: the lecture's loop from the lecture's weights."""
    _, model = _lecture_weights()
    xs, ys = lecture_dataset()
    trainer = Trainer(model, xs, ys, loss="mse", learning_rate=0.05)
    return tuple(trainer.step().loss for _ in range(TRAIN_STEPS))


def train_check() -> Check:
    def spec() -> dict:
        xs, ys = lecture_dataset()
        return {"kind": "train", "modules": ["engine", "nn", "train"], "weights": _lecture_weights()[0],
                "xs": xs, "ys": ys, "lr": 0.05, "steps": TRAIN_STEPS}

    def judge(result: dict) -> Verdict:
        want = lecture_losses()
        losses = result.get("losses", [])
        for k, (got, exp) in enumerate(zip(losses, want)):
            if _close(got, exp, 1e-6):
                continue
            if k == 0:
                why = "the loss is the sum over the four samples of (ypred - y)**2, measured before the update"
            elif k == 1 and got is not None and got > losses[0] > exp:
                why = "the loss went up: move each parameter downhill, p.data += -lr * p.grad"
            elif k == 2:
                why = "the first step was right and the second was not: zero every grad before loss.backward()"
            else:
                why = "compare your loop with forward, loss, zero grads, backward, update"
            return Verdict(False, f"step {k}: your loss is {_shown(got)}, expected {fmt(exp)}: {why}")
        if len(losses) < len(want):
            return Verdict(False, f"only {len(losses)} steps ran")
        return Verdict(True, f"loss {fmt(want[0])} → {fmt(want[-1])} in {TRAIN_STEPS} steps, on your engine")

    return Check(f"{TRAIN_STEPS} steps of training", spec, judge)


GRADF_POINTS = [(2.0, 3.0, 4.0), (1.5, 0.7, -2.0)]


def _f(a: float, b: float, c: float) -> float:
    return -a**3 + math.sin(3 * b) - 1.0 / c + b**2.5 - a**0.5


def gradf_check() -> Check:
    spec = {"kind": "gradf", "modules": ["exercises"], "points": GRADF_POINTS}.copy

    def judge(result: dict) -> Verdict:
        h = 1e-6
        for point, got in zip(GRADF_POINTS, result["grads"]):
            if len(got) != 3:
                return Verdict(False, f"gradf{point} gave {len(got)} numbers; expected 3: [df/da, df/db, df/dc]")
            for i, name in enumerate("abc"):
                up = list(point)
                up[i] += h
                down = list(point)
                down[i] -= h
                forward = (_f(*up) - _f(*point)) / h
                symmetric = (_f(*up) - _f(*down)) / (2 * h)
                if not _close(got[i], symmetric, 1e-5):
                    return Verdict(False, f"df/d{name} at (a, b, c) = {point}: yours is {_shown(got[i])}; numerically "
                                          f"{fmt(forward, 6)} (forward difference) and {fmt(symmetric, 6)} "
                                          f"(symmetric difference, h = {h:g})")
        return Verdict(True)

    return Check("gradf at two points", spec, judge)


SOFTMAX_LOGITS = [0.0, 3.0, -2.0, 1.0]
SOFTMAX_LABEL = 3


def softmax_check() -> Check:
    spec = {"kind": "softmax", "modules": ["engine", "exercises"], "logits": SOFTMAX_LOGITS,
            "label": SOFTMAX_LABEL}.copy

    def judge(result: dict) -> Verdict:
        logits = [Value(x) for x in SOFTMAX_LOGITS]
        counts = [v.exp() for v in logits]
        denominator = sum(counts)
        loss = -(counts[SOFTMAX_LABEL] / denominator).log()
        loss.backward()
        if not _close(result["loss"], loss.data):
            return Verdict(False, f"the loss -log(probs[{SOFTMAX_LABEL}]) is {_shown(result['loss'])}, "
                                  f"expected {fmt(loss.data)}: check exp, log, sum over Values (__radd__) and /")
        for i, (got, v) in enumerate(zip(result["grads"], logits)):
            if not _close(got, v.grad):
                return Verdict(False, f"logit{i}.grad is {_shown(got)}, expected {fmt(v.grad)}: one of exp, log, "
                                      "__truediv__ or __radd__ passes a wrong gradient (their own checks, in "
                                      "exercise build-more-ops, say which)")
        return Verdict(True)

    return Check("softmax, then its loss", spec, judge)


# --- the exercises, in course order -------------------------------------------------------------

EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "build-value", "Build it: Value's + and *", "value", "engine.py",
        "write Value.__add__ and Value.__mul__: the result's data, its _prev (children) and its _op",
        (
            graph_check("c = a + b", [["leaf", "a", 2.0], ["leaf", "b", -3.0],
                                                           ["add", "c", "a", "b"]], "c", structure=True),
            graph_check("c = a * b", [["leaf", "a", 2.0], ["leaf", "b", -3.0],
                                                           ["mul", "c", "a", "b"]], "c", structure=True),
            graph_check("c = a + 2 (a number)", [["leaf", "a", 2.0], ["add", "c", "a", 2.0]],
                        "c", structure=True),
            graph_check("L = (a*b + c)*f", LESSON3, "L", structure=True),
        ),
        ("other = other if isinstance(other, Value) else Value(other) lets a + 2 work.",
         "out = Value(self.data + other.data, (self, other), '+') makes the node; return out."),
        """    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), '+')
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), '*')
        return out
""",
    ),
    Exercise(
        "build-backward-ops", "Build it: _backward for +, * and tanh", "backward-per-op", "engine.py",
        "give __add__ and __mul__ a _backward, and write tanh (forward and _backward)",
        (
            graph_check("lesson 3, _backward by _backward", LESSON3, "L", backward="nodes"),
            graph_check("the neuron o = tanh(n)", NEURON, "o", backward="nodes"),
            graph_check("c = a * 2",
                        [["leaf", "a", 3.0], ["mul", "c", "a", 2.0]], "c", backward="nodes"),
        ),
        ("Inside __add__: def _backward(): self.grad += out.grad; other.grad += out.grad, "
         "then out._backward = _backward.",
         "* swaps: self.grad += other.data * out.grad; other.grad += self.data * out.grad.",
         "tanh: t = math.tanh(self.data); out = Value(t, (self,), 'tanh'); its _backward: "
         "self.grad += (1 - t**2) * out.grad."),
        """    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), '+')

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), '*')

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), 'tanh')

        def _backward():
            self.grad += (1 - t**2) * out.grad
        out._backward = _backward
        return out
""",
    ),
    Exercise(
        "build-backward", "Build it: backward() for the whole graph", "reuse-bug", "engine.py",
        "write Value.backward: a topological order, self.grad = 1.0, then every _backward, last node first",
        (
            graph_check("o.backward() on the neuron", NEURON, "o", backward="backward"),
            graph_check("b = a + a (a used twice)",
                        [["leaf", "a", 3.0], ["add", "b", "a", "a"]], "b", backward="backward"),
            graph_check("f = (a*b)*(a+b)",
                        [["leaf", "a", -2.0], ["leaf", "b", 3.0], ["mul", "d", "a", "b"], ["add", "e", "a", "b"],
                         ["mul", "f", "d", "e"]], "f", backward="backward"),
            graph_check("a chain 5,000 deep (stretch)",
                        [["leaf", "x", 0.0], ["chain", "y", "x", 5000]], "y", backward="backward", stretch=True),
        ),
        ("topo = []; visited = set(); a node goes into topo after all its children (depth first).",
         "Then self.grad = 1.0 and for node in reversed(topo): node._backward().",
         "Deep graphs: keep your own stack of (node, children done?) pairs instead of recursing."),
        """    def backward(self):
        topo, visited, stack = [], set(), [(self, False)]
        while stack:
            v, children_done = stack.pop()
            if children_done:
                topo.append(v)
            elif v not in visited:
                visited.add(v)
                stack.append((v, True))
                stack.extend((child, False) for child in v._prev)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
""",
    ),
    Exercise(
        "build-more-ops", "Build it: exp, log, **, /, - and the reflected ops", "breaking-up-tanh", "engine.py",
        "write exp, log, __pow__, __truediv__, __neg__, __sub__, __radd__ and __rmul__",
        (
            graph_check("e = a.exp()", [["leaf", "a", 0.5], ["exp", "e", "a"]], "e", backward="backward"),
            graph_check("l = a.log()", [["leaf", "a", 0.5], ["log", "l", "a"]], "l", backward="backward"),
            graph_check("p = a**3", [["leaf", "a", -1.5], ["pow", "p", "a", 3]], "p", backward="backward"),
            graph_check("q = a/b", [["leaf", "a", 2.0], ["leaf", "b", -4.0], ["div", "q", "a", "b"]], "q",
                        backward="backward"),
            graph_check("n = -a", [["leaf", "a", 2.0], ["neg", "n", "a"]], "n", backward="backward"),
            graph_check("s = a - b", [["leaf", "a", 2.0], ["leaf", "b", 5.0], ["sub", "s", "a", "b"]], "s",
                        backward="backward"),
            graph_check("r = 1 + a (__radd__)", [["leaf", "a", 2.0], ["radd", "r", 1.0, "a"]], "r", backward="backward"),
            graph_check("m = 2 * a (__rmul__)", [["leaf", "a", 2.0], ["rmul", "m", 2.0, "a"]], "m", backward="backward"),
            graph_check("tanh as (e - 1)/(e + 1)", NEURON_EXP, "o",
                        backward="backward"),
        ),
        ("exp: out = Value(math.exp(self.data), (self,), 'exp'); its _backward: self.grad += out.data * out.grad.",
         "log: the local derivative is 1/x. **: self.grad += other * self.data**(other - 1) * out.grad.",
         "The rest are one line each: a / b is a * b**-1, -a is a * -1, a - b is a + (-b), "
         "and __radd__/__rmul__ return self + other / self * other."),
        """    def exp(self):
        out = Value(math.exp(self.data), (self,), 'exp')

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        out = Value(math.log(self.data), (self,), 'log')

        def _backward():
            self.grad += (1 / self.data) * out.grad
        out._backward = _backward
        return out

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only numbers as exponents"
        out = Value(self.data**other, (self,), f'**{other}')

        def _backward():
            self.grad += other * self.data**(other - 1) * out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other):
        return self * other**-1

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other
""",
    ),
    Exercise(
        "build-nn", "Build it: Neuron, Layer, MLP", "mlp", "nn.py",
        "write Neuron, Layer and MLP, each callable and each with parameters()",
        (nn_check(),),
        ("Neuron: self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]; self.b likewise; "
         "calling it: act = sum((wi*xi for wi, xi in zip(self.w, x)), self.b); return act.tanh().",
         "Layer: self.neurons = [Neuron(nin) for _ in range(nout)]; calling it returns outs[0] if one output.",
         "MLP: sizes = [nin] + nouts; a Layer(sizes[i], sizes[i+1]) for each i; calling it feeds each layer "
         "the last one's output."),
        """class Neuron:
    def __init__(self, nin):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.tanh()

    def parameters(self):
        return self.w + [self.b]


class Layer:
    def __init__(self, nin, nout):
        self.neurons = [Neuron(nin) for _ in range(nout)]

    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class MLP:
    def __init__(self, nin, nouts):
        sizes = [nin] + nouts
        self.layers = [Layer(sizes[i], sizes[i + 1]) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]
""",
    ),
    Exercise(
        "build-train", "Build it: the training loop, live", "gradient-descent", "train.py",
        "write train_step: forward, loss, zero the grads, backward, update; return the loss",
        (train_check(),),
        ("ypred = [model(x) for x in xs]; loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred)).",
         "for p in model.parameters(): p.grad = 0.0, then loss.backward().",
         "for p in model.parameters(): p.data += -lr * p.grad; return loss."),
        """def train_step(model, xs, ys, lr):
    ypred = [model(x) for x in xs]
    loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))
    for p in model.parameters():
        p.grad = 0.0
    loss.backward()
    for p in model.parameters():
        p.data += -lr * p.grad
    return loss
""",
        live=True,
    ),
    Exercise(
        "gradf", "Exercise: a gradient by hand", "what-we-built", "exercises.py",
        "write gradf(a, b, c): the gradient of f, worked out by hand",
        (gradf_check(),),
        ("Differentiate term by term: d/da of -a**3 is -3a², of -a**0.5 is -0.5·a^-0.5.",
         "d/db of sin(3b) is 3·cos(3b); of b**2.5 is 2.5·b**1.5. d/dc of -1/c is 1/c²."),
        """def gradf(a, b, c):
    return [-3 * a**2 - 0.5 * a**-0.5, 3 * math.cos(3 * b) + 2.5 * b**1.5, 1 / c**2]
""",
    ),
    Exercise(
        "softmax-nll", "Exercise: softmax and its loss on your Value", "what-we-built", "exercises.py",
        "nothing new to write: the given softmax runs on your Value (exp, log, sum, /)",
        (softmax_check(),),
        ("sum() starts from 0, so 0 + Value needs __radd__.",
         "If a grad is off, the build-more-ops checks name the op."),
        "# softmax and nll are given in exercises.py; they need exp, log, __radd__ and __truediv__ from build-more-ops\n",
    ),
)


def find_exercise(slug: str) -> Exercise:
    for ex in EXERCISES:
        if ex.slug == slug:
            return ex
    raise KeyError(f"no exercise called {slug!r}: the exercises are {', '.join(e.slug for e in EXERCISES)}")
