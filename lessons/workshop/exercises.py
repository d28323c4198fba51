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


def _drawn(seed: int, what: str, n: int) -> list[float]:
    import random

    rng = random.Random(f"nn-{what}-{seed}")
    return [round(rng.uniform(-1.0, 1.0), 4) for _ in range(n)]


def _neuron_slips(p: list[float], x: list[float]) -> dict[str, float]:
    """What a Neuron(3) with parameters ``p`` (weights then bias) gives on ``x`` for each slip learners make
    in it: the number each slip would give, to name the one that matches (plain arithmetic: never shown)."""
    w, b = p[:3], p[3]
    z = sum(wi * xi for wi, xi in zip(w, x)) + b
    return {
        "the bias is missing: tanh(w·x), without + b; start the sum at self.b (or add it)":
            math.tanh(z - b),
        "relu where the lecture's neuron uses tanh: return act.tanh()": max(0.0, z),
        "no activation: w·x + b is returned as it is; the neuron returns act.tanh()": z,
        "a sigmoid where the lecture's neuron uses tanh: return act.tanh()": 1 / (1 + math.exp(-z)),
        "a double loop: every weight times every input; pair each weight with its input, zip(self.w, x)":
            math.tanh(sum(w) * sum(x) + b),
        "parameters() lists the bias first: list the weights, then the bias, `self.w + [self.b]`":
            math.tanh(sum(wi * xi for wi, xi in zip(p[1:], x)) + p[0]),
    }


def _neuron(p: list[float], x: list[float]) -> Value:
    """A Neuron(3)'s output on this app's engine, with parameters ``p`` (weights then bias)."""
    act = sum((Value(wi) * xi for wi, xi in zip(p[:3], x)), Value(p[3]))
    return act.tanh()


def _unchained(weights: list[float], x: list[float]) -> float:
    """MLP(3, [4, 4, 1]) whose layers are each given x instead of the last layer's output (zip stops at
    x's 3 numbers): the slip's number, to name it."""
    out: list[float] = []
    k = 0
    for nin, nout in ((3, 4), (4, 4), (4, 1)):
        out = []
        for _ in range(nout):
            w, b = weights[k:k + nin], weights[k + nin]
            k += nin + 1
            out.append(math.tanh(sum(wi * xi for wi, xi in zip(w, x)) + b))
    return out[0]


def nn_check() -> Check:
    x = [2.0, 3.0, -1.0]

    def spec(seed: int) -> dict:
        return {"kind": "nn", "modules": ["engine", "nn"], "weights": _weights(seed), "x": x, "seed": seed,
                "neuron": _drawn(seed, "neuron", 4), "layer": _drawn(seed, "layer", 16)}

    def judge(result: dict, sent: dict) -> Verdict:
        counts = result["counts"]
        if counts["Neuron(3)"] != 4:
            return Verdict(False, f"Neuron(3).parameters() gave {counts['Neuron(3)']} Values; expected 4 "
                                  "(a weight per input, then the bias)")
        verdict = _judge_neuron(result["neuron"], sent["neuron"])
        if verdict:
            return verdict
        verdict = _judge_layer(counts["Layer(3, 4)"], result["layer"], sent["layer"])
        if verdict:
            return verdict
        if result["single_type"] == "NoneType":
            return Verdict(False, "returned None: Layer(3, 1)(x) gave None; `__call__` must end with "
                                  "`return outs[0] if len(outs) == 1 else outs`")
        if not result["single_is_value"]:
            return Verdict(False, f"Layer(3, 1)(x) gave a {result['single_type']}; expected one Value "
                                  "(a layer of one neuron returns outs[0], so an MLP ending in 1 gives a Value)")
        got = counts["MLP(3, [4, 4, 1])"]
        if got != 41:
            layers = {16: "1 layer (3→4)", 36: "2 layers (3→4, 4→4)", 5: "1 layer (4→1)", 25: "2 layers (4→4, 4→1)"}
            if got in layers:
                return Verdict(False, f"MLP(3, [4, 4, 1]).parameters() gave {got} Values, the parameters of "
                                      f"{layers[got]}; expected 3 layers (3→4, 4→4, 4→1), 41 parameters: one "
                                      "Layer(sizes[i], sizes[i+1]) per entry of nouts, with sizes = [nin] + nouts")
            return Verdict(False, f"MLP(3, [4, 4, 1]).parameters() gave {got} Values; expected 41 "
                                  "(16 + 20 + 5: each layer's neurons, each a weight per input and a bias)")
        if result["out_type"] == "NoneType":
            return Verdict(False, "returned None: MLP(3, [4, 4, 1])(x) gave None; `__call__` must end with "
                                  "`return x`, the last layer's output")
        want = _model(sent["weights"])(x)
        assert isinstance(want, Value)
        if result["out_type"] != "Value" or not close_to(result["out"], want.data):
            head = (f"MLP(3, [4, 4, 1]) with this run's weights (seed {sent['seed']}), on [2, 3, -1]: yours is "
                    f"{shown_number(result['out'])}, expected {fmt(want.data)}")
            if close_to(result["out"], _unchained(sent["weights"], x)):
                return Verdict(False, f"{head}: each layer was given x, not the output of the layer before it; "
                                      "in `MLP.__call__`, `x = layer(x)` feeds each layer the last one's output")
            return Verdict(False, f"{head}: Neuron and Layer pass on their own, so look at how `MLP.__call__` "
                                  "chains the layers and how `MLP.parameters()` lists them (layer by layer)")
        return Verdict(True)

    return Check("MLP(3, [4, 4, 1])", spec, judge)


def _judge_neuron(got: dict, p: list[float]) -> Verdict | None:
    """A Neuron(3) alone, its parameters set to ``p``: its output, and the slip it shows, named."""
    want = _neuron(p, [2.0, 3.0, -1.0])
    if got["type"] == "NoneType":
        return Verdict(False, "returned None: Neuron(3)(x) gave None; `__call__` must end with `return out`")
    value = got["outs"][0] if got["type"] not in ("list", "tuple") else None
    if close_to(value, want.data):
        return None
    shown = ", ".join(f"{v:g}" for v in p)
    head = (f"a Neuron(3) with parameters [{shown}] (w1, w2, w3, b), on x = [2, 3, -1]: yours gives "
            f"{shown_number(value)}, expected tanh(w·x + b) = {fmt(want.data)}")
    for slip, number in _neuron_slips(p, [2.0, 3.0, -1.0]).items():
        if close_to(value, number):
            return Verdict(False, f"{head}: {slip}", slip=slip.split(":", 1)[0])
    return Verdict(False, f"{head}: act = w1·x1 + w2·x2 + w3·x3 + b, then act.tanh()")


def _judge_layer(count: int, got: dict, p: list[float]) -> Verdict | None:
    """A Layer(3, 4) alone: 4 neurons of 3 inputs, its parameters set to ``p``, neuron by neuron."""
    outs = got["outs"]
    if count == 15:
        return Verdict(False, f"Layer(3, 4).parameters() gave 15 Values and Layer(3, 4)(x) gave {len(outs)} "
                              "outputs: 3 neurons of 4 inputs, nin and nout swapped. A Layer(nin, nout) has nout "
                              "neurons, each a Neuron(nin): [Neuron(nin) for _ in range(nout)]")
    if count != 16:
        return Verdict(False, f"Layer(3, 4).parameters() gave {count} Values; expected 16 "
                              "(4 neurons, each 3 weights and a bias)")
    if got["type"] not in ("list", "tuple") or len(outs) != 4:
        return Verdict(False, f"Layer(3, 4)(x) gave {len(outs)} output{'s' if len(outs) != 1 else ''} "
                              f"({got['type']}); expected a list of 4, one per neuron")
    want = [_neuron(p[4 * k:4 * k + 4], [2.0, 3.0, -1.0]).data for k in range(4)]
    for k, (g, w) in enumerate(zip(outs, want)):
        if not close_to(g, w):
            return Verdict(False, f"Layer(3, 4)(x): output {k} is {shown_number(g)}, expected {fmt(w)}, neuron {k} "
                                  "with the parameters listed for it (Neuron alone passes: does each neuron get x, "
                                  "and parameters() list them neuron by neuron?)")
    return None


TRAIN_STEPS = 100


@functools.lru_cache(maxsize=8)  # a run's own weights each time: keep the last few
def lecture_losses(weights: tuple[float, ...] | None = None) -> tuple[float, ...]:
    """This app's own losses for the training exercise: the lecture's loop, from the lecture's weights or the
    ones given (each run of the checks draws its own)."""
    model = _model(list(weights)) if weights is not None else _lecture_weights()[1]
    xs, ys = lecture_dataset()
    trainer = Trainer(model, xs, ys, loss="mse", learning_rate=0.05)
    return tuple(trainer.step().loss for _ in range(TRAIN_STEPS))


@functools.lru_cache(maxsize=8)
def _first_grads(weights: tuple[float, ...]) -> tuple[float, ...]:
    """Every parameter's grad at the first step, from these weights: the lecture's loss, by this app's engine."""
    model = _model(list(weights))
    xs, ys = lecture_dataset()
    loss = sum(((model(x) - y) ** 2 for x, y in zip(xs, ys)), Value(0.0))
    loss.backward()
    return tuple(p.grad for p in model.parameters())


def _step_taken(before: list[float], after: list, grads: tuple[float, ...]) -> float | None:
    """The one number r with after = before + r·grad for every parameter (the update's -lr), or None when the
    parameters moved by something else."""
    ratios = [(a - b) / g for a, b, g in zip(after, before, grads) if a is not None and abs(g) > 1e-6]
    if not ratios or any(not close_to(r, ratios[0], 1e-5) for r in ratios):
        return None
    return ratios[0]


def _judge_update(result: dict, sent: dict) -> str:
    """What the learner's update did at the first steps, named: no move (and why), ascent, a learning rate of
    its own. Empty when step 1 moved every parameter by -lr·grad."""
    before, lr = sent["weights"], sent["lr"]
    after = result.get("after") or []
    if not after:
        return ""
    still = [all(a is not None and abs(a - b) < 1e-15 for a, b in zip(s["data"], before)) for s in after]
    if still[0]:
        head = "the loss did not change at step 1: no parameter moved in the first step"
        if len(still) > 1 and not still[1]:
            return (f"{head}, and they moved in the second: your update runs before loss.backward(), so each step "
                    "uses the grads of the step before (none, at the first). Update after backward()")
        if all(g is not None and g == 0 for g in after[0]["grad"]):
            return (f"{head}, and every grad is 0 after your step: the grads are zeroed between loss.backward() "
                    "and the update, so the update sees 0. Zero them before backward()")
        return (f"{head}, though loss.backward() gave them grads: the update, p.data += -lr * p.grad for every "
                "parameter, must come after backward() (yours runs before it with zeroed grads, or not at all)")
    grads = _first_grads(tuple(before))
    step = _step_taken(before, after[0]["data"], grads)
    if step is None or close_to(step, -lr, 1e-6):
        return ""
    if close_to(step, lr, 1e-6):
        return (f"your first step moved each parameter uphill, by +{lr:g}·grad: gradient descent goes against "
                "the gradient, p.data += -lr * p.grad")
    probe = _step_taken(before, result["probe"]["data"], grads) if result.get("probe") else None
    if probe is not None and close_to(probe, step, 1e-6):
        return (f"your train_step ignores its lr: it stepped by {step:g}·grad both when passed lr = {lr:g} "
                f"and lr = {sent['probe_lr']:g}; use the lr argument, p.data += -lr * p.grad")
    return (f"your first step moved each parameter by {step:g}·grad; with lr = {lr:g} it is "
            f"-{lr:g}·grad: p.data += -lr * p.grad")


def train_check() -> Check:
    def spec(seed: int) -> dict:
        xs, ys = lecture_dataset()
        return {"kind": "train", "modules": ["engine", "nn", "train"], "weights": _weights(seed),
                "xs": xs, "ys": ys, "lr": 0.05, "probe_lr": 0.01, "steps": TRAIN_STEPS}

    def judge(result: dict, sent: dict) -> Verdict:
        want = lecture_losses(tuple(sent["weights"]))
        losses = result.get("losses", [])
        if len(losses) > len(want):
            return Verdict(False, f"{len(losses)} losses came back for {len(want)} steps")
        update = _judge_update(result, sent) if losses and close_to(losses[0], want[0], 1e-6) else ""
        if update:
            return Verdict(False, update)
        for k, (got, exp) in enumerate(zip(losses, want)):
            if close_to(got, exp, 1e-6):
                continue
            if k == 0 and close_to(got, exp / len(sent["xs"]), 1e-6):
                why = (f"yours is the mean over the {len(sent['xs'])} samples; the lecture's loss is their sum, "
                       "sum((yout - ygt)**2 for ...)")
            elif k == 0:
                why = "the loss is the sum over the four samples of (ypred - y)**2, measured before the update"
            elif k == 1 and got is not None and got > losses[0] > exp:
                why = "the loss went up: move each parameter downhill, p.data += -lr * p.grad"
            elif k == 2:
                why = "the first step was right and the second was not: zero every grad before loss.backward()"
            else:
                why = "compare your loop with forward, loss, zero grads, backward, update"
            return Verdict(False, f"step {k}: your loss is {shown_number(got)}, expected {fmt(exp)}: {why}")
        if "error" in result:
            return Verdict(False, f"step {len(losses)}: " + error_text(result["error"]))
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
        if close_to(result["loss"], -loss.data):
            return Verdict(False, f"the loss is {shown_number(result['loss'])}, expected {fmt(loss.data)}: the sign is "
                                  f"flipped. The loss is minus the log of the label's probability, "
                                  f"-probs[{label}].log(), so a likelier label gives a smaller loss")
        if not close_to(result["loss"], loss.data):
            return Verdict(False, f"the loss -log(probs[{label}]) is {shown_number(result['loss'])}, "
                                  f"expected {fmt(loss.data)}: check exp, log, sum over Values (__radd__) and /")
        cut = [i for i, (got, v) in enumerate(zip(result["grads"], logits, strict=True))
               if got == 0 and not close_to(0.0, v.grad)]
        if cut:
            i = cut[0]
            return Verdict(False, f"logit{i}.grad is 0, expected {fmt(logits[i].grad)}, though the loss is right: "
                                  "a number taken out of the graph (a .data, as in a denominator summed from "
                                  "c.data) is a constant to backward(), so no grad flows back through it. Keep "
                                  "every step a Value")
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
            graph_check("c = a * 2 (a number)", [["leaf", "a", 2.0], ["mul", "c", "a", 2.0]],
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
