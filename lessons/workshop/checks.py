"""A check on the learner's code: what it builds (data for the child) and how what came back is judged.

A check is data for the child process (``spec``: what to build with the learner's
code) and a judge that compares what came back with this app's own engine. A
failed check says what was built, what was expected and what came back, and for
gradients names the first node, output to leaves, whose grad is wrong and the op
that produced it (``graph_check``). One op on its own is ``local.py``; the
exercises that use these checks are ``exercises.py``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Callable

from micrograd_tui.engine import Value

from ..expressions import NEURON_BIAS
from ..numtext import fmt
from . import harness
from .sandbox import OUTPUT_LIMIT


@dataclass
class Verdict:
    ok: bool
    message: str = ""
    graph: dict | None = None  # the learner's graph as the child dumped it
    expected: dict[str, tuple[float, float]] = field(default_factory=dict)  # name -> (data, grad) by our engine
    goto: str | None = None  # an earlier exercise that fails first: the slug to open
    origin: str = ""  # the check the graph comes from, when it is not this one (an earlier exercise's)
    slip: str = ""  # the slip the failure shows, named ("wrong sign"): a teacher's summary counts by it


@dataclass(frozen=True)
class Check:
    name: str
    spec: Callable[[int], dict]  # what the child builds, made when a run starts, for the run's seed (random cases)
    judge: Callable[[dict, dict], Verdict]  # what came back, judged against the spec this run sent
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


def close_to(got: float | None, want: float, rel: float = 1e-9) -> bool:
    if got is None:
        return False
    if math.isnan(want):
        return math.isnan(got)
    return math.isclose(got, want, rel_tol=rel, abs_tol=1e-12)


def shown_number(x: float | None) -> str:
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
    missing = re.match(r"No module named '([\w.]+)'", message) if kind == "ModuleNotFoundError" else None
    if missing and missing.group(1).partition(".")[0] not in ("engine", "nn", "train", "exercises"):
        frames = error.get("frames") or []
        where = f"{frames[-1]['file']}:{frames[-1]['line']}: " if frames else ""
        return (f"{where}your code imports {missing.group(1)}, which is not available to it: the checks run "
                "your files with Python's standard library alone. Write it with plain floats, lists and the "
                "math module (as micrograd does)")
    if kind == "SystemExit":
        return message
    if kind == "OSError" and "File too large" in message:  # the output limit: Python turns SIGXFSZ into this
        return f"your code printed more than {OUTPUT_LIMIT >> 20} MB and was stopped there: print less"
    text = f"{kind}: {message}"
    frames = error.get("frames") or []
    if frames:
        f = frames[-1]
        text += f"\n    at {f['file']}:{f['line']} in {f['name']}: {f['text']}"
    reading = _reading(kind, message)
    if reading:
        text += "\n    " + reading
    if kind == "RecursionError":
        text += "\n    " + _recursion_reading(frames, error.get("deep"))
    return text



# a TypeError's message, and its reading in plain words (from what the message names)
_TYPE_ERRORS: list[tuple[str, Callable[..., str]]] = [
    (r"'NoneType' object is not iterable",
     lambda: "a None was looped over (or unpacked) where a list was expected: a method that should give back its "
             "outputs returned nothing (a missing `return`?)"),
    (r"'(\w+)' object is not callable",
     lambda what: f"a {what} was called like a function: a method name reused for data (self.data and a data() "
                  "method?), or parentheses after something that is not a function"),
    (r"([\w.]+)\(\) takes (\d+) positional arguments? but (\d+) (?:was|were) given",
     lambda name, takes, given: f"{name} was called with {given} arguments and takes {takes} (self counts as one): "
                                "the check calls it as the lecture does, e.g. Neuron(nin), Layer(nin, nout), "
                                "MLP(nin, nouts), train_step(model, xs, ys, lr)"),
    (r"must be real number, not (\w+)",
     lambda what: f"the math module got a {what}: math.tanh, math.exp and math.log work on plain floats, so pass "
                  "self.data, then wrap the result in a new Value"),
]


def _reading(kind: str, message: str) -> str:
    """A TypeError or AttributeError in plain words: what met what, and what the lecture's code does there."""
    if kind == "TypeError":
        reflected = re.search(r"unsupported operand type\(s\) for ([^:]+): '(int|float)' and '(\w+)'", message)
        if reflected:
            op = reflected.group(1).strip()
            method = {"+": "__radd__", "*": "__rmul__", "-": "__rsub__", "/": "__rtruediv__"}.get(op, "a reflected op")
            code = f" (`return self {op} other`)" if op in ("+", "*") else ""
            return (f"a plain number on the left of a {reflected.group(3)} ({reflected.group(2)} {op} Value"
                    + (", as in sum(), which starts from 0" if op == "+" else "") + f"): Python asks the Value's "
                    f"`{method}`; write it{code} (exercise build-more-ops)")
        operands = re.search(r"unsupported operand type\(s\) for ([^:]+): '(\w+)' and '(\w+)'", message)
        if operands:
            op, left, right = operands.groups()
            return (f"Python found no way to do {left} {op.strip()} {right}: the class on the left needs the "
                    f"method for {op.strip()} (or the right one its reflected twin), or one side is not what "
                    "you meant (a list or None where a Value should be?)")
        if "'NoneType' object is not callable" in message or "is not callable: the _backward" in message:
            return ("something called is None: a _backward set to what _backward() returns? "
                    "Store the function itself, `out._backward = _backward`, without the parentheses")
        for pattern, reading in _TYPE_ERRORS:
            found = re.search(pattern, message)
            if found:
                return reading(*found.groups())
        iterable = re.search(r"'(\w+)' object is not iterable", message)
        if iterable:
            return (f"a {iterable.group(1)} was looped over (or unpacked) where a list was expected: "
                    "a layer of one neuron returns one Value, not a list")
        return ""
    if kind == "AttributeError":
        if re.search(r"'(int|float)' object has no attribute 'data'", message):
            return ("a plain number reached an op that reads .data: wrap it first, "
                    "`other = other if isinstance(other, Value) else Value(other)` (as in a + 2)")
        missing = re.search(r"'(\w+)' object has no attribute '(\w+)'", message)
        if not missing:
            return ""
        owner, name = missing.groups()
        if owner == "NoneType":
            return (f"a None reached `.{name}`: a method that should give back a Value returned nothing "
                    "(a missing `return out`?)")
        if owner in ("list", "tuple"):
            return (f"a {owner} reached `.{name}`: a layer's list of outputs where one Value was meant? "
                    "A layer of one neuron returns outs[0]")
        if owner in ("int", "float"):
            return f"a plain number reached `.{name}`, which only a Value has: wrap it in Value(...) first"
        return (f"your {owner} has no `{name}`, which is asked for here: define it on {owner} (the names the "
                "checks use: Value's data, grad, _prev, _op, _backward and backward(); Neuron, Layer and MLP are "
                "called and have parameters())")
    return ""


def _recursion_reading(frames: list[dict], deep: bool | None) -> str:
    """Why Python stopped: a graph deeper than recursion goes (the stretch check), or a function that calls
    itself without end (on a small graph nothing legitimately recurses 1,000 deep)."""
    sorting = any("topo" in f["name"] or f["name"] == "backward" for f in frames)
    if deep or (deep is None and sorting):
        return "Python stops about 1,000 calls deep: sort the graph with a loop and a stack of your own, not recursion"
    names = [f["name"] for f in frames]
    if not names:
        return "a function that calls itself without end? (an op that calls itself through another op?)"
    again = [f for f in frames if f["name"] == "backward" and ".backward()" in f["text"]]
    if again:
        f = again[-1]
        return (f"`backward` calls itself without end ({f['file']}:{f['line']} `{f['text']}`): node.backward() "
                "starts a whole new pass from each node, which starts another; call the node's own step, "
                "node._backward()")
    loop = max(names, key=names.count)
    f = next(f for f in reversed(frames) if f["name"] == loop)
    return (f"`{loop}` calls itself without end ({f['file']}:{f['line']} `{f['text']}`): on a graph this "
            "small nothing needs 1,000 calls")


def graph_check(name: str, ops: list, output: str, backward: str = "none", structure: bool = False,
                stretch: bool = False) -> Check:
    """A check that builds ``ops`` with the learner's Value, maybe backpropagates
    (``"nodes"``: the harness calls each ``_backward``; ``"backward"``: the learner's ``backward()``),
    and compares every named node with this app's engine."""
    dump = not any(op[0] == "chain" for op in ops)
    base = {"kind": "graph", "modules": ["engine"], "ops": ops, "output": output, "backward": backward,
            "dump": dump, "deep": not dump}

    def spec(seed: int) -> dict:
        """The lecture's values, and the same graph on values drawn for this run (so no table of answers
        can pass it)."""
        return dict(base, twin=twin_ops(ops, seed), twin_seed=seed) if dump else base

    def judge(result: dict, sent: dict) -> Verdict:
        verdict = judge_ops(ops, result)
        if not verdict.ok or "twin" not in sent:
            return verdict
        twin = judge_ops(sent["twin"], result["twin"])
        if not twin.ok:
            seed = sent["twin_seed"]
            twin.message = (f"right on the lecture's values, wrong on this run's random ones (seed {seed}: "
                            f"`micrograd-tui check --seed {seed}` replays it): {twin.message}")
        return twin

    def judge_ops(ops: list, result: dict) -> Verdict:
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
            if not close_to(got, want):
                if got is None:
                    why = (f"your {node}.data is a {names[node]['type']}, not a number "
                           "(data holds a plain float: use other.data, not other)")
                else:
                    why = f"your {node}.data is {shown_number(got)}, expected {fmt(want)}"
                where = "Value.__init__" if op[0] == "leaf" else METHOD.get(op[0], op[0])
                verdict.message = f"`{_text(op)}`: {why}; look at `{where}`"
                return verdict
        if backward != "none":
            message, slip = _grad_blame(ops, output, names, expected, env, backward, result.get("calls"))
            if message:
                verdict.message, verdict.slip = message, slip
                return verdict
        verdict.ok = True
        return verdict

    return Check(name, spec, judge, stretch)


def twin_ops(ops: list, seed: int) -> list:
    """``ops`` with each leaf's value drawn afresh for ``seed``: the same sign (so logs, powers and divisions
    stay where they are defined), a magnitude between 0.5 and 2.5; a zero stays zero."""
    import random

    rng = random.Random(f"twin-{seed}-{len(ops)}")
    out = []
    for op in ops:
        if op[0] == "leaf" and op[2] != 0:
            value = round(math.copysign(rng.uniform(0.5, 2.5), op[2]), 4)
            out.append([op[0], op[1], value])
        else:
            out.append(list(op))
    return out



def name_slip(name: str, got: float, prior: float, upstream: float, local: float, reused: bool) -> tuple[str, str]:
    """The slip a wrong grad shows in the _backward that made it (prior + local·upstream is right):
    its short name, and what to do about it."""
    if close_to(got, prior):
        return ("no grad passed on", f"{name}.grad did not change: does the op set `out._backward = _backward`, "
                                     "and does its _backward add to every input?")
    if not close_to(upstream, 1.0) and close_to(got, prior + local):
        return ("chain-rule factor missing", f"{name}.grad grew by the local derivative alone ({fmt(local)}): "
                                             f"multiply it by out.grad (here {upstream:g})")
    if close_to(got, local * upstream) or (reused and close_to(got, local * upstream / 2)):
        twice = f"; {name} is used twice here, so its two shares must add up" if reused else ""
        return ("`=` instead of `+=`", f"{name}.grad held {prior:g} from another use and your _backward replaced "
                                       f"it{twice}: add to it, `{name}.grad += ...`")
    if close_to(got, local) or (reused and close_to(got, local / 2)):
        return ("`=` instead of `+=`, and the chain-rule factor missing",
                f"write `{name}.grad += (local derivative) * out.grad`")
    if close_to(got, prior - local * upstream):
        return ("wrong sign", f"{name}.grad moved by {fmt(got - prior)}; it should move by {fmt(local * upstream)}")
    return ("wrong local derivative", f"your _backward passes {fmt((got - prior) / upstream)} · out.grad to {name}; "
                                      f"d(out)/d{name} is {fmt(local)}")


def _local_share(op: list, name: str, env: dict[str, Value]) -> float:
    """d(op's output)/d(name), by this app's engine on that op alone (summed when name is used twice)."""
    if op[0] == "chain":
        return 1.0
    leaves = {a: Value(env[a].data) for a in op[2:] if isinstance(a, str)}
    out = harness.OPS[op[0]](*[leaves[a] if isinstance(a, str) else a for a in op[2:]])
    out.backward()
    return leaves[name].grad


def order_slip(ops: list, output: str, calls: list | None) -> tuple[str, str]:
    """The order slip in the learner's backward(), read from the order its _backward calls ran in (the
    harness notes each call and the node's grad then): (message, the slip's name); empty when the order
    was right or is unknown."""
    if not calls:
        return "", ""
    ran = [name for name, _ in calls if name]
    inner = [op for op in ops if op[0] != "leaf"]
    seeded = [grad for name, grad in calls if name == output]
    if seeded and seeded[0] is not None and close_to(seeded[0], 0.0):
        return (f"{output}._backward ran while {output}.grad was still 0: `self.grad = 1.0` came after the loop. "
                "Seed the output first, then call each _backward, so the 1.0 flows down"), "output seeded last"
    for op in inner:
        if ran.count(op[1]) > 1:
            return (f"{op[1]}._backward ran {ran.count(op[1])} times, passing its grad on each time: "
                    f"{op[1]} is reached through more than one path, and your backward() runs it once per path. "
                    "List each node once (a visited set of the nodes already listed), in topological order"
                    ), "a node run once per path"
    first = {name: ran.index(name) for name in set(ran)}
    for op in inner:
        node = op[1]
        late = [u[1] for u in inner if node in u[2:] and first.get(u[1], -1) > first.get(node, len(ran))]
        if not late:
            continue
        if all(first.get(o[1], 0) < first.get(u[1], 0) for o in inner for u in inner if o[1] in u[2:]):
            return (f"{node}._backward ran before {late[0]}'s, its user: your loop runs the topological order "
                    "children first; backward() runs _backward in reverse topological order, "
                    "`for node in reversed(topo)`, the output first"), "children first"
        return (f"{node}._backward ran before {late[0]}._backward, which uses {node}: {node} passed on a grad that "
                f"was missing {late[0]}'s share. Your backward() runs each node as it reaches it; {node} is "
                "reached by more than one path, so first list every node in topological order (a node after "
                "all its children), then run _backward over that list reversed"), "not in topological order"
    return "", ""


def _grad_blame(ops: list, output: str, names: dict, expected: dict, env: dict[str, Value], backward: str,
                calls: list | None = None) -> tuple[str, str]:
    """The first op, output first, whose _backward did not pass on what it got: each node's grad is
    checked against the learner's own grads of the nodes that use it (so an error above does not
    blame the ops below it). (message, the slip's name, "" when it has none); empty when every grad is right."""
    wrong = [op for op in ops if not close_to(names[op[1]]["grad"], expected[op[1]][1])]
    if not wrong:
        return "", ""
    got_out = names[output]["grad"]
    if not close_to(got_out, 1.0):
        return (f"your {output}.grad is {shown_number(got_out)}, expected 1.0: backward() starts "
                "with self.grad = 1.0"), "output not seeded with 1.0"
    order = order_slip(ops, output, calls) if backward == "backward" else ("", "")
    if order[0]:
        return order
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
        if close_to(got, implied):
            continue  # this node got exactly what its users passed on: the slip is elsewhere
        head = f"your {node}.grad is {shown_number(got)}; from your grads above it, expected {fmt(implied)}"
        if backward == "backward" and got == 0 and implied != 0:  # the ops pass their own checks, run first
            users_text = ", ".join(f"`{_text(u)}`" for u in users)
            return (f"_backward ran too early in backward(): {head}\n  {users_text} passed {node} its grad "
                    f"before {' and '.join(u[1] for u in users)}.grad was complete: call each _backward in reverse "
                    "topological order, the output first"), "_backward ran too early"
        if len(users) == 1:
            user, local, g = shares[0]
            uses = user[2:].count(node)
            if got is None:
                slip, advice = "not a number", f"{node}.grad must stay a plain float"
            elif uses > 1 and close_to(got, implied / uses):
                slip, advice = ("`=` instead of `+=`", f"{node} is used {uses} times in `{_text(user)}`: "
                                                       "each use adds its share, +=")
            else:
                slip, advice = name_slip(node, got, 0.0, g, local / uses if uses > 1 else local, False)
            method = METHOD.get(user[0], user[0])
            return (f"{slip} in `{method}`'s _backward: `{_text(user)}`: {head} = {fmt(local)} "
                    f"(d{user[1]}/d{node}) × {fmt(g)} ({user[1]}.grad)\n  {advice}"), slip
        alone = [u for u, local, g in shares if close_to(got, local * g)]
        parts = " + ".join(f"{fmt(local * g)} from `{_text(u)}`" for u, local, g in shares)
        if alone:
            return (f"`=` instead of `+=` in `{METHOD.get(alone[0][0], alone[0][0])}`'s _backward: {head} = {parts}\n"
                    f"  {node} is used {len(users)} times and its grad holds only the share from "
                    f"`{_text(alone[0])}`: each use adds to it, +="), "`=` instead of `+=`"
        return f"{head} = {parts}\n  each of these ops adds its share to {node}.grad", ""
    if backward == "backward":
        return ("every op passed on what it got, but some grads are wrong: an op's _backward ran before every "
                "node using it had passed its grad on. backward() must run each _backward once, in reverse "
                "topological order (the output first)"), "not in topological order"
    return "the grads are wrong, but each op passed on what it got: was any _backward run twice?", ""
