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
import random
import re
from dataclasses import dataclass, field
from typing import Callable

from micrograd_tui.engine import MLP, Trainer, Value
from micrograd_tui.engine.data import lecture_dataset

from ..expressions import LECTURE_SEED, NEURON_BIAS
from ..numtext import fmt
from . import harness
from .child import OUTPUT_LIMIT


@dataclass
class Verdict:
    ok: bool
    message: str = ""
    graph: dict | None = None  # the learner's graph as the child dumped it
    expected: dict[str, tuple[float, float]] = field(default_factory=dict)  # name -> (data, grad) by our engine
    goto: str | None = None  # an earlier exercise that fails first: the slug to open
    origin: str = ""  # the check the graph comes from, when it is not this one (an earlier exercise's)


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
    live: bool = False  # streams losses while it runs (the training exercise)

    @property
    def solution(self) -> str:
        """The worked solution (``solutions/<slug>.py``), shown only after the learner confirms."""
        from .worked import solution_text

        return solution_text(self.slug)


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


def error_text(error: dict) -> str:
    """A learner's exception as a few lines: what, where in their files, and for syntax errors a caret."""
    kind, message = error.get("type", "Error"), error.get("message", "")
    syntax = error.get("syntax")
    if syntax:
        caret = " " * max((syntax.get("offset") or 1) - 1, 0) + "^"
        return f"{syntax['file']}:{syntax['line']}: SyntaxError: {message}\n    {syntax['text']}\n    {caret}"
    if kind == "NotImplementedError":
        return f"not written yet: {message}"
    if kind == "SystemExit":
        return message
    if kind == "OSError" and "File too large" in message:  # the output limit: Python turns SIGXFSZ into this
        return f"your code printed more than {OUTPUT_LIMIT >> 20} MB and was stopped there: print less"
    text = f"{kind}: {message}"
    frames = error.get("frames") or []
    if frames:
        f = frames[-1]
        text += f"\n    at {f['file']}:{f['line']} in {f['name']}: {f['text']}"
    reflected = re.search(r"unsupported operand type\(s\) for ([^:]+): '(int|float)' and '(\w+)'", message)
    if kind == "TypeError" and reflected:
        op = reflected.group(1).strip()
        method = {"+": "__radd__", "*": "__rmul__", "-": "__rsub__", "/": "__rtruediv__"}.get(op, "a reflected op")
        code = f" (`return self {op} other`)" if op in ("+", "*") else ""
        text += (f"\n    a plain number on the left of a {reflected.group(3)} ({reflected.group(2)} {op} Value"
                 + (", as in sum(), which starts from 0" if op == "+" else "") + f"): Python asks the Value's "
                 f"`{method}`; write it{code} (exercise build-more-ops)")
    if kind == "RecursionError":
        if any("topo" in f["name"] or f["name"] == "backward" for f in frames):
            text += ("\n    Python stops about 1,000 calls deep: sort the graph with a loop and a stack of your own, "
                     "not recursion")
        else:
            text += "\n    a function that calls itself without end? (an op that calls itself through another op?)"
    return text



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
        for op in ops:
            if op[0] != "leaf" and names[op[1]]["type"] == "NoneType":
                return Verdict(False, f"returned None in `{METHOD.get(op[0], op[0])}`: `{_text(op)}` gave None: "
                                      "end the method with `return out`")
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
            message = _grad_blame(ops, output, names, expected, env, backward)
            if message:
                verdict.message = message
                return verdict
        verdict.ok = True
        return verdict

    return Check(name, lambda: spec, judge, stretch)


# --- one op on its own: the checks that out.grad = 1 cannot fool ------------------------------------

LOCAL_SEED = 18  # the random cases' seed, shown in every message they give
PRIOR = 0.25  # what each input's grad holds before the op's _backward runs: another use's share


def _domain(op: str, rng: random.Random) -> float:
    """A random input the op is defined and smooth at (log of a positive, no division by ~0)."""
    x = rng.uniform(0.3, 2.5) * rng.choice((-1, 1))
    return abs(x) if op in ("log", "pow_half") else x


def local_cases(op: str, arity: int, number: float | None = None, reuse: bool = True,
                seed: int = LOCAL_SEED) -> list[dict]:
    """Cases for one op: the fixed one (upstream grad 2, not 1), two random ones (seeded), and for a
    binary op one that uses the same Value twice (``a * a``)."""
    rng = random.Random(f"{op}-{seed}")
    names = ["a", "b"][:arity]
    cases = []
    fixed = [1.5, -0.5][:arity] if op != "log" else [1.5]
    for k, leaves in enumerate([fixed] + [[_domain(op, rng) for _ in names] for _ in range(2)]):
        upstream = 2.0 if k == 0 else round(rng.uniform(0.5, 3.0) * rng.choice((-1, 1)), 3)
        cases.append({"leaves": leaves, "names": names, "args": list(range(arity)), "prior": PRIOR,
                      "upstream": upstream, "random": k > 0})
    if number is not None:  # an op with a plain number: a ** 3, 1 + a, 2 * a
        for case in cases:
            case["args"] = [{"number": number}, 0] if op in ("radd", "rmul") else [0, {"number": number}]
    elif arity == 2 and reuse:
        cases.append({"leaves": [1.5], "names": ["a"], "args": [0, 0], "prior": PRIOR, "upstream": 2.0,
                      "random": False})
    return cases


def _case_text(op: str, case: dict) -> str:
    names = case["names"]
    args = [names[a] if isinstance(a, int) else f"{a['number']:g}" for a in case["args"]]
    inputs = ", ".join(f"{n} = {x:g}" for n, x in zip(names, case["leaves"]))
    where = f" (random case, seed {LOCAL_SEED})" if case["random"] else ""
    return f"`out = {TEXT[op].format(*args)}` with {inputs}, out.grad = {case['upstream']:g}{where}"


def _slip(name: str, got: float, prior: float, upstream: float, local: float, reused: bool) -> tuple[str, str]:
    """The slip a wrong grad shows in the _backward that made it (prior + local·upstream is right):
    its short name, and what to do about it."""
    if _close(got, prior):
        return ("no grad passed on", f"{name}.grad did not change: does the op set `out._backward = _backward`, "
                                     "and does its _backward add to every input?")
    if not _close(upstream, 1.0) and _close(got, prior + local):
        return ("chain-rule factor missing", f"{name}.grad grew by the local derivative alone ({fmt(local)}): "
                                             f"multiply it by out.grad (here {upstream:g})")
    if _close(got, local * upstream) or (reused and _close(got, local * upstream / 2)):
        twice = f"; {name} is used twice here, so its two shares must add up" if reused else ""
        return ("`=` instead of `+=`", f"{name}.grad held {prior:g} from another use and your _backward replaced "
                                       f"it{twice}: add to it, `{name}.grad += ...`")
    if _close(got, local) or (reused and _close(got, local / 2)):
        return ("`=` instead of `+=`, and the chain-rule factor missing",
                f"write `{name}.grad += (local derivative) * out.grad`")
    if _close(got, prior - local * upstream):
        return ("wrong sign", f"{name}.grad moved by {fmt(got - prior)}; it should move by {fmt(local * upstream)}")
    return ("wrong local derivative", f"your _backward passes {fmt((got - prior) / upstream)} · out.grad to {name}; "
                                      f"d(out)/d{name} is {fmt(local)}")


def local_check(name: str, op: str, arity: int, number: float | None = None, reuse: bool = True) -> Check:
    """``op`` alone, on cases that out.grad = 1 cannot hide a slip in (see ``local_cases``), judged
    against this app's engine, with a central finite difference beside the expected grad."""
    cases = local_cases(op, arity, number, reuse)
    spec = {"kind": "local", "modules": ["engine"], "op": op, "cases": cases}
    method = METHOD[op]

    def judge(result: dict) -> Verdict:
        for case, got in zip(cases, result["cases"]):
            text = _case_text(op, case)
            if got["out_type"] == "NoneType":
                return Verdict(False, f"{text}: `{method}` returned None: end it with `return out`")
            leaves = [Value(x) for x in case["leaves"]]
            out = _apply(op, case, leaves)
            if got["out_type"] != "Value" or not _close(got.get("data"), out.data):
                what = got["out_type"] if got["out_type"] != "Value" else _shown(got.get("data"))
                return Verdict(False, f"{text}: your out is {what}, expected data {fmt(out.data)}; "
                                      f"look at `{method}`")
            out.backward()
            expected = {n: (leaf.data, case["prior"] + case["upstream"] * leaf.grad)
                        for n, leaf in zip(case["names"], leaves)}
            expected["out"] = (out.data, case["upstream"])
            for i, (leaf, mine) in enumerate(zip(leaves, got["grads"])):
                want = case["prior"] + case["upstream"] * leaf.grad
                if _close(mine, want):
                    continue
                label = case["names"][i]
                numeric = _finite_difference(op, case, i)
                if mine is None:
                    slip, advice = "not a number", f"{label}.grad must stay a plain float"
                else:
                    slip, advice = _slip(label, mine, case["prior"], case["upstream"], leaf.grad,
                                         case["args"].count(i) > 1)
                    own = case["leaves"][i]
                    if op == "mul" and len(case["leaves"]) == 2 and _close(mine, case["prior"] + own * case["upstream"]):
                        other = case["names"][1 - i]
                        slip, advice = ("* not swapped", f"{label}'s share used {label}.data; * swaps the operands: "
                                                         f"{label}.grad += {other}.data * out.grad")
                return Verdict(False, "\n".join([
                    f"{slip} in `{method}`'s _backward: {text}: your {label}.grad is {_shown(mine)}, "
                    f"expected {fmt(want)}",
                    f"  {fmt(want)} = {case['prior']:g} (held before) + {fmt(leaf.grad)} (d(out)/d{label}; "
                    f"finite difference {fmt(numeric)}) × {case['upstream']:g} (out.grad)",
                    f"  {advice}"]), graph=got.get("graph"), expected=expected)
        return Verdict(True)

    return Check(name, lambda: spec, judge)


def _apply(op: str, case: dict, leaves: list[Value]) -> Value:
    """A local case's op on this app's Values: its args are leaf indices or plain numbers."""
    return harness.OPS[op](*[leaves[a] if isinstance(a, int) else a["number"] for a in case["args"]])


def _finite_difference(op: str, case: dict, i: int, h: float = 1e-6) -> float:
    def f(shift: float) -> float:
        xs = [x + (shift if j == i else 0.0) for j, x in enumerate(case["leaves"])]
        leaves = [Value(x) for x in xs]
        return _apply(op, case, leaves).data

    return (f(h) - f(-h)) / (2 * h)


def _local_share(op: list, name: str, env: dict[str, Value]) -> float:
    """d(op's output)/d(name), by this app's engine on that op alone (summed when name is used twice)."""
    if op[0] == "chain":
        return 1.0
    leaves = {a: Value(env[a].data) for a in op[2:] if isinstance(a, str)}
    out = harness.OPS[op[0]](*[leaves[a] if isinstance(a, str) else a for a in op[2:]])
    out.backward()
    return leaves[name].grad


def _grad_blame(ops: list, output: str, names: dict, expected: dict, env: dict[str, Value], backward: str) -> str:
    """The first op, output first, whose _backward did not pass on what it got: each node's grad is
    checked against the learner's own grads of the nodes that use it (so an error above does not
    blame the ops below it). Empty when every grad is right."""
    wrong = [op for op in ops if not _close(names[op[1]]["grad"], expected[op[1]][1])]
    if not wrong:
        return ""
    got_out = names[output]["grad"]
    if not _close(got_out, 1.0):
        return (f"your {output}.grad is {_shown(got_out)}, expected 1.0: backward() starts "
                "with self.grad = 1.0")
    for op in reversed(ops):
        node = op[1]
        users = [u for u in ops if node in u[2:]]
        if not users:
            continue
        shares = [(u, _local_share(u, node, env), names[u[1]]["grad"]) for u in users]
        if any(g is None for _, _, g in shares):
            continue  # a user's grad is not a number: that node is reported first
        implied = sum(local * g for _, local, g in shares)
        got = names[node]["grad"]
        if _close(got, implied):
            continue  # this node got exactly what its users passed on: the slip is elsewhere
        head = f"your {node}.grad is {_shown(got)}; from your grads above it, expected {fmt(implied)}"
        if backward == "backward" and got == 0 and implied != 0:  # the ops pass their own checks, run first
            users_text = ", ".join(f"`{_text(u)}`" for u in users)
            return (f"_backward ran too early in backward(): {head}\n  {users_text} passed {node} its grad "
                    f"before {' and '.join(u[1] for u in users)}.grad was complete: call each _backward in reverse "
                    "topological order, the output first")
        if len(users) == 1:
            user, local, g = shares[0]
            uses = user[2:].count(node)
            if got is None:
                slip, advice = "not a number", f"{node}.grad must stay a plain float"
            elif uses > 1 and _close(got, implied / uses):
                slip, advice = ("`=` instead of `+=`", f"{node} is used {uses} times in `{_text(user)}`: "
                                                       "each use adds its share, +=")
            else:
                slip, advice = _slip(node, got, 0.0, g, local / uses if uses > 1 else local, False)
            method = METHOD.get(user[0], user[0])
            return (f"{slip} in `{method}`'s _backward: `{_text(user)}`: {head} = {fmt(local)} "
                    f"(d{user[1]}/d{node}) × {fmt(g)} ({user[1]}.grad)\n  {advice}")
        alone = [u for u, local, g in shares if _close(got, local * g)]
        parts = " + ".join(f"{fmt(local * g)} from `{_text(u)}`" for u, local, g in shares)
        if alone:
            return (f"`=` instead of `+=` in `{METHOD.get(alone[0][0], alone[0][0])}`'s _backward: {head} = {parts}\n"
                    f"  {node} is used {len(users)} times and its grad holds only the share from "
                    f"`{_text(alone[0])}`: each use adds to it, +=")
        return f"{head} = {parts}\n  each of these ops adds its share to {node}.grad"
    if backward == "backward":
        return ("every op passed on what it got, but some grads are wrong: an op's _backward ran before every "
                "node using it had passed its grad on. backward() must run each _backward once, in reverse "
                "topological order (the output first)")
    return "the grads are wrong, but each op passed on what it got: was any _backward run twice?"


def earlier_check(slugs: tuple[str, ...]) -> Check:
    """The required checks of the exercises this one builds on, run first: when one of them fails,
    the message names that exercise and its check, not the code that only uses it."""

    def subs() -> list[tuple[Exercise, Check]]:
        return [(ex, c) for ex in map(find_exercise, slugs) for c in ex.checks if not c.stretch]

    def spec() -> dict:
        return {"kind": "group", "modules": [], "checks": [dict(c.spec(), name=c.name) for _, c in subs()]}

    def judge(result: dict) -> Verdict:
        for (ex, c), got in zip(subs(), result["results"]):
            if "error" in got:
                verdict = Verdict(False, error_text(got["error"]))
            else:
                verdict = c.judge(got["result"])
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
        for what, key, back in (("Layer(3, 1)(x)", "single_type", "return outs[0] if len(outs) == 1 else outs"),
                                ("MLP(3, [4, 4, 1])(x)", "out_type", "return x, the last layer's output")):
            if result[key] == "NoneType":
                return Verdict(False, f"returned None: {what} gave None; `__call__` must end with `{back}`")
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
