"""The build exercises, in course order: what the learner writes in which file, and the checks run on it.

Each :class:`~.checks.Exercise` names its lesson, its file, its checks (graph
checks, one-op checks, the nn, training and the stretch ones) and its hints. The
numbers a check expects come from this app's engine when the check is judged.
"""

from __future__ import annotations

import functools
import math

from micrograd_tui.engine import MLP, Trainer, Value
from micrograd_tui.engine.data import lecture_dataset

from ..expressions import LECTURE_SEED
from ..numtext import fmt
from .checks import (LESSON3, NEURON, NEURON_EXP, Check, Exercise, Verdict, close_to, shown_number, error_text,
                     graph_check)
from .local import local_check

# an inner node used twice: with every wrong order (no sort, no visited set, the walk's own order, not
# reversed), some node passes its grad on before it is complete, whichever way a set of children iterates
REUSED_INNER = [["leaf", "a", 2.0], ["leaf", "b", -3.0], ["leaf", "c", 10.0], ["mul", "e", "a", "b"],
                ["add", "p", "e", "c"], ["mul", "q", "e", "c"], ["mul", "L", "p", "q"]]
# e's users are two levels apart (p one step from L, q1 three), so a breadth-first walk reaches e before q1 too
DEEP_DIAMOND = [["leaf", "a", 2.0], ["leaf", "b", -1.5], ["leaf", "c", 0.5], ["mul", "e", "a", "b"],
                ["mul", "p", "e", "c"], ["add", "q1", "e", "c"], ["mul", "q2", "q1", "b"], ["add", "q3", "q2", "a"],
                ["mul", "L", "p", "q3"]]


def earlier_check(slugs: tuple[str, ...]) -> Check:
    """The required checks of the exercises this one builds on, run first: when one of them fails,
    the message names that exercise and its check, not the code that only uses it."""

    def subs() -> list[tuple[Exercise, Check]]:
        return [(ex, c) for ex in map(find_exercise, slugs) for c in ex.checks if not c.stretch]

    def spec(seed: int) -> dict:
        return {"kind": "group", "modules": [], "checks": [dict(c.spec(seed), name=c.name) for _, c in subs()]}

    def judge(result: dict, sent: dict) -> Verdict:
        # one result per check asked for, each judged against the spec that was sent for it
        for (ex, c), asked, got in zip(subs(), sent["checks"], result["results"], strict=True):
            if "error" in got:
                verdict = Verdict(False, error_text(got["error"]))
            else:
                verdict = c.judge(got["result"], asked)
                if verdict.ok:
                    continue
            verdict.message = f"exercise {ex.slug} fails first, its check `{c.name}`: {verdict.message}"
            verdict.goto = ex.slug
            verdict.origin = f"{ex.slug}: {c.name}"
            return verdict
        return Verdict(True)

    return Check(f"what it builds on ({', '.join(slugs)})", spec, judge)


def _lecture_weights() -> tuple[list[float], MLP]:
    model = MLP(3, [4, 4, 1], seed=LECTURE_SEED)
    return [p.data for p in model.parameters()], model


def _weights(seed: int) -> list[float]:
    """An MLP(3, [4, 4, 1])'s 41 parameters drawn for a run's seed (a table of answers cannot know them)."""
    return [p.data for p in MLP(3, [4, 4, 1], seed=seed).parameters()]


def _model(weights: list[float]) -> MLP:
    model = MLP(3, [4, 4, 1], seed=LECTURE_SEED)
    for p, w in zip(model.parameters(), weights, strict=True):
        p.data = w
    return model


def nn_check() -> Check:
    x = [2.0, 3.0, -1.0]

    def spec(seed: int) -> dict:
        return {"kind": "nn", "modules": ["engine", "nn"], "weights": _weights(seed), "x": x, "seed": seed}

    def judge(result: dict, sent: dict) -> Verdict:
        want = _model(sent["weights"])(x)
        assert isinstance(want, Value)
        for what, n in {"Neuron(3)": 4, "Layer(3, 4)": 16, "MLP(3, [4, 4, 1])": 41}.items():
            got = result["counts"][what]
            if got != n:
                return Verdict(False, f"{what}.parameters() gave {got} Values; expected {n} "
                                      "(each neuron has a weight per input and a bias)")
        for what, key, back in (("Layer(3, 1)(x)", "single_type", "return outs[0] if len(outs) == 1 else outs"),
                                ("MLP(3, [4, 4, 1])(x)", "out_type", "return x, the last layer's output")):
            if result[key] == "NoneType":
                return Verdict(False, f"returned None: {what} gave None; `__call__` must end with `{back}`")
        if not result["single_is_value"]:
            return Verdict(False, f"Layer(3, 1)(x) gave a {result['single_type']}; expected one Value "
                                  "(a layer of one neuron returns outs[0], so an MLP ending in 1 gives a Value)")
        if result["out_type"] != "Value" or not close_to(result["out"], want.data):
            return Verdict(False, f"MLP(3, [4, 4, 1]) with this run's weights (seed {sent['seed']}), on [2, 3, -1]: yours is "
                                  f"{shown_number(result['out'])}, expected {fmt(want.data)} (tanh(w·x + b) in each "
                                  "neuron, parameters listed weights then bias, layer by layer)")
        return Verdict(True)

    return Check("MLP(3, [4, 4, 1])", spec, judge)


TRAIN_STEPS = 100


@functools.lru_cache(maxsize=8)  # a run's own weights each time: keep the last few
def lecture_losses(weights: tuple[float, ...] | None = None) -> tuple[float, ...]:
    """This app's own losses for the training exercise: the lecture's loop, from the lecture's weights or the
    ones given (each run of the checks draws its own)."""
    model = _model(list(weights)) if weights is not None else _lecture_weights()[1]
    xs, ys = lecture_dataset()
    trainer = Trainer(model, xs, ys, loss="mse", learning_rate=0.05)
    return tuple(trainer.step().loss for _ in range(TRAIN_STEPS))


def train_check() -> Check:
    def spec(seed: int) -> dict:
        xs, ys = lecture_dataset()
        return {"kind": "train", "modules": ["engine", "nn", "train"], "weights": _weights(seed),
                "xs": xs, "ys": ys, "lr": 0.05, "steps": TRAIN_STEPS}

    def judge(result: dict, sent: dict) -> Verdict:
        want = lecture_losses(tuple(sent["weights"]))
        losses = result.get("losses", [])
        if len(losses) > len(want):
            return Verdict(False, f"{len(losses)} losses came back for {len(want)} steps")
        for k, (got, exp) in enumerate(zip(losses, want)):
            if close_to(got, exp, 1e-6):
                continue
            if k == 0:
                why = "the loss is the sum over the four samples of (ypred - y)**2, measured before the update"
            elif k == 1 and got is not None and got > losses[0] > exp:
                why = "the loss went up: move each parameter downhill, p.data += -lr * p.grad"
            elif k == 2:
                why = "the first step was right and the second was not: zero every grad before loss.backward()"
            else:
                why = "compare your loop with forward, loss, zero grads, backward, update"
            return Verdict(False, f"step {k}: your loss is {shown_number(got)}, expected {fmt(exp)}: {why}")
        if len(losses) < len(want):
            return Verdict(False, f"only {len(losses)} steps ran")
        return Verdict(True, f"loss {fmt(want[0])} → {fmt(want[-1])} in {TRAIN_STEPS} steps, on your engine")

    return Check(f"{TRAIN_STEPS} steps of training", spec, judge)


GRADF_POINTS = [(2.0, 3.0, 4.0), (1.5, 0.7, -2.0)]


def _f(a: float, b: float, c: float) -> float:
    return -a**3 + math.sin(3 * b) - 1.0 / c + b**2.5 - a**0.5


def gradf_check() -> Check:
    def spec(seed: int) -> dict:  # the first point fixed, the second drawn for the run (where f is defined)
        import random

        rng = random.Random(f"gradf-{seed}")
        drawn = (round(rng.uniform(0.5, 3.0), 3), round(rng.uniform(0.2, 2.0), 3),
                 round(rng.choice((-1, 1)) * rng.uniform(0.5, 4.0), 3))
        return {"kind": "gradf", "modules": ["exercises"], "points": [GRADF_POINTS[0], drawn]}

    def judge(result: dict, sent: dict) -> Verdict:
        h = 1e-6
        for point, got in zip([tuple(p) for p in sent["points"]], result["grads"], strict=True):
            if len(got) != 3:
                return Verdict(False, f"gradf{point} gave {len(got)} numbers; expected 3: [df/da, df/db, df/dc]")
            for i, name in enumerate("abc"):
                up = list(point)
                up[i] += h
                down = list(point)
                down[i] -= h
                forward = (_f(*up) - _f(*point)) / h
                symmetric = (_f(*up) - _f(*down)) / (2 * h)
                if not close_to(got[i], symmetric, 1e-5):
                    return Verdict(False, f"df/d{name} at (a, b, c) = {point}: yours is {shown_number(got[i])}; numerically "
                                          f"{fmt(forward, 6)} (forward difference) and {fmt(symmetric, 6)} "
                                          f"(symmetric difference, h = {h:g})")
        return Verdict(True)

    return Check("gradf at two points", spec, judge)


SOFTMAX_LOGITS = [0.0, 3.0, -2.0, 1.0]
SOFTMAX_LABEL = 3


def softmax_check() -> Check:
    def spec(seed: int) -> dict:  # logits and label drawn for the run
        import random

        rng = random.Random(f"softmax-{seed}")
        return {"kind": "softmax", "modules": ["engine", "exercises"],
                "logits": [round(rng.uniform(-3.0, 3.0), 3) for _ in SOFTMAX_LOGITS],
                "label": rng.randrange(len(SOFTMAX_LOGITS))}

    def judge(result: dict, sent: dict) -> Verdict:
        label = sent["label"]
        logits = [Value(x) for x in sent["logits"]]
        counts = [v.exp() for v in logits]
        denominator = sum(counts)
        loss = -(counts[label] / denominator).log()
        loss.backward()
        if not close_to(result["loss"], loss.data):
            return Verdict(False, f"the loss -log(probs[{label}]) is {shown_number(result['loss'])}, "
                                  f"expected {fmt(loss.data)}: check exp, log, sum over Values (__radd__) and /")
        for i, (got, v) in enumerate(zip(result["grads"], logits, strict=True)):
            if not close_to(got, v.grad):
                return Verdict(False, f"logit{i}.grad is {shown_number(got)}, expected {fmt(v.grad)}: one of exp, log, "
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
    ),
    Exercise(
        "build-backward-ops", "Build it: _backward for +, * and tanh", "backward-per-op", "engine.py",
        "give __add__ and __mul__ a _backward, and write tanh (forward and _backward)",
        (
            local_check("+ on its own", "add", 2),
            local_check("* on its own", "mul", 2),
            local_check("tanh on its own", "tanh", 1),
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
    ),
    Exercise(
        "build-backward", "Build it: backward() for the whole graph", "reuse-bug", "engine.py",
        "write Value.backward: a topological order, self.grad = 1.0, then every _backward, last node first",
        (
            earlier_check(('build-backward-ops',)),
            graph_check("o.backward() on the neuron", NEURON, "o", backward="backward"),
            graph_check("b = a + a (a used twice)",
                        [["leaf", "a", 3.0], ["add", "b", "a", "a"]], "b", backward="backward"),
            graph_check("f = (a*b)*(a+b)",
                        [["leaf", "a", -2.0], ["leaf", "b", 3.0], ["mul", "d", "a", "b"], ["add", "e", "a", "b"],
                         ["mul", "f", "d", "e"]], "f", backward="backward"),
            graph_check("e = a*b used twice: L = (e + c)*(e*c)", REUSED_INNER, "L", backward="backward"),
            graph_check("a deeper diamond: L = (e*c)*((e + c)*b + a)", DEEP_DIAMOND, "L", backward="backward"),
            graph_check("a chain 5,000 deep (stretch)",
                        [["leaf", "x", 0.0], ["chain", "y", "x", 5000]], "y", backward="backward", stretch=True),
        ),
        ("topo = []; visited = set(); a node goes into topo after all its children (depth first).",
         "Then self.grad = 1.0 and for node in reversed(topo): node._backward().",
         "Deep graphs: keep your own stack of (node, children done?) pairs instead of recursing."),
    ),
    Exercise(
        "build-more-ops", "Build it: exp, log, **, /, - and the reflected ops", "breaking-up-tanh", "engine.py",
        "write exp, log, __pow__, __truediv__, __neg__, __sub__, __radd__ and __rmul__",
        (
            earlier_check(('build-backward-ops', 'build-backward')),
            local_check("exp on its own", "exp", 1),
            local_check("log on its own", "log", 1),
            local_check("a**3 on its own", "pow", 1, number=3),
            local_check("-a on its own", "neg", 1),
            local_check("1 + a (__radd__)", "radd", 1, number=1.0),
            local_check("2 * a (__rmul__)", "rmul", 1, number=2.0),
            local_check("a - b on its own", "sub", 2, reuse=False),
            local_check("a / b on its own", "div", 2, reuse=False),
            graph_check("tanh as (e - 1)/(e + 1)", NEURON_EXP, "o",
                        backward="backward"),
        ),
        ("exp: out = Value(math.exp(self.data), (self,), 'exp'); its _backward: self.grad += out.data * out.grad.",
         "log: the local derivative is 1/x. **: self.grad += other * self.data**(other - 1) * out.grad.",
         "The rest are one line each: a / b is a * b**-1, -a is a * -1, a - b is a + (-b), "
         "and __radd__/__rmul__ return self + other / self * other."),
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
    ),
    Exercise(
        "build-train", "Build it: the training loop, live", "gradient-descent", "train.py",
        "write train_step: forward, loss, zero the grads, backward, update; return the loss",
        (earlier_check(("build-backward-ops", "build-backward", "build-more-ops", "build-nn")), train_check()),
        ("ypred = [model(x) for x in xs]; loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred)).",
         "for p in model.parameters(): p.grad = 0.0, then loss.backward().",
         "for p in model.parameters(): p.data += -lr * p.grad; return loss."),
        live=True,
    ),
    Exercise(
        "gradf", "Exercise: a gradient by hand", "what-we-built", "exercises.py",
        "write gradf(a, b, c): the gradient of f, worked out by hand",
        (gradf_check(),),
        ("Differentiate term by term: d/da of -a**3 is -3a², of -a**0.5 is -0.5·a^-0.5.",
         "d/db of sin(3b) is 3·cos(3b); of b**2.5 is 2.5·b**1.5. d/dc of -1/c is 1/c²."),
    ),
    Exercise(
        "softmax-nll", "Exercise: softmax and its loss on your Value", "what-we-built", "exercises.py",
        "nothing new to write: the given softmax runs on your Value (exp, log, sum, /)",
        (earlier_check(("build-backward-ops", "build-backward", "build-more-ops")), softmax_check()),
        ("sum() starts from 0, so 0 + Value needs __radd__.",
         "If a grad is off, the build-more-ops checks name the op."),
    ),
)


def find_exercise(slug: str) -> Exercise:
    for ex in EXERCISES:
        if ex.slug == slug:
            return ex
    raise KeyError(f"no exercise called {slug!r}: the exercises are {', '.join(e.slug for e in EXERCISES)}")
