"""One op on its own: the checks that out.grad = 1 cannot fool.

Each case gives the op's inputs a grad already (another use's share) and the
output an upstream grad that is not 1, so a _backward that assigns instead of
adding, or forgets the chain rule's factor, gives a number that is wrong, and the
message names which of those slips it is, with the numbers.
"""

from __future__ import annotations

import random

from micrograd_tui.engine import Value

from ..numtext import fmt
from . import harness
from .checks import METHOD, TEXT, Check, Verdict, close_to, shown_number, name_slip

LOCAL_SEED = 18  # the random cases' seed when none is given (each run of the checks picks its own)
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
                      "upstream": upstream, "random": k > 0, "seed": seed})
    if number is not None:  # an op with a plain number: a ** 3, 1 + a, 2 * a
        for case in cases:
            case["args"] = [{"number": number}, 0] if op in ("radd", "rmul") else [0, {"number": number}]
    elif arity == 2 and reuse:
        cases.append({"leaves": [1.5], "names": ["a"], "args": [0, 0], "prior": PRIOR, "upstream": 2.0,
                      "random": False, "seed": seed})
    return cases


def _case_text(op: str, case: dict) -> str:
    names = case["names"]
    args = [names[a] if isinstance(a, int) else f"{a['number']:g}" for a in case["args"]]
    inputs = ", ".join(f"{n} = {x:g}" for n, x in zip(names, case["leaves"]))
    where = f" (random case, seed {case['seed']}: `micrograd-tui check --seed {case['seed']}` replays it)" \
        if case["random"] else ""
    return f"`out = {TEXT[op].format(*args)}` with {inputs}, out.grad = {case['upstream']:g}{where}"


def local_check(name: str, op: str, arity: int, number: float | None = None, reuse: bool = True) -> Check:
    """``op`` alone, on cases that out.grad = 1 cannot hide a slip in (see ``local_cases``), judged
    against this app's engine, with a central finite difference beside the expected grad."""
    def spec(seed: int) -> dict:  # the fixed case, then random ones drawn for this run
        return {"kind": "local", "modules": ["engine"], "op": op, "cases": local_cases(op, arity, number, reuse, seed)}

    method = METHOD[op]

    def judge(result: dict, sent: dict) -> Verdict:
        cases = sent["cases"]  # the app's own copy of what it asked for
        for case, got in zip(cases, result["cases"], strict=True):  # every case asked for, no other
            text = _case_text(op, case)
            if got["out_type"] == "NoneType":
                return Verdict(False, f"{text}: `{method}` returned None: end it with `return out`")
            leaves = [Value(x) for x in case["leaves"]]
            out = _apply(op, case, leaves)
            if got["out_type"] != "Value" or not close_to(got.get("data"), out.data):
                what = got["out_type"] if got["out_type"] != "Value" else shown_number(got.get("data"))
                return Verdict(False, f"{text}: your out is {what}, expected data {fmt(out.data)}; "
                                      f"look at `{method}`")
            out.backward()
            expected = {n: (leaf.data, case["prior"] + case["upstream"] * leaf.grad)
                        for n, leaf in zip(case["names"], leaves)}
            expected["out"] = (out.data, case["upstream"])
            for i, (leaf, mine) in enumerate(zip(leaves, got["grads"], strict=True)):
                want = case["prior"] + case["upstream"] * leaf.grad
                if close_to(mine, want):
                    continue
                label = case["names"][i]
                numeric = _finite_difference(op, case, i)
                if mine is None:
                    slip, advice = "not a number", f"{label}.grad must stay a plain float"
                else:
                    slip, advice = name_slip(label, mine, case["prior"], case["upstream"], leaf.grad,
                                         case["args"].count(i) > 1)
                    own = case["leaves"][i]
                    if op == "mul" and len(case["leaves"]) == 2 and close_to(mine, case["prior"] + own * case["upstream"]):
                        other = case["names"][1 - i]
                        slip, advice = ("* not swapped", f"{label}'s share used {label}.data; * swaps the operands: "
                                                         f"{label}.grad += {other}.data * out.grad")
                return Verdict(False, "\n".join([
                    f"{slip} in `{method}`'s _backward: {text}: your {label}.grad is {shown_number(mine)}, "
                    f"expected {fmt(want)}",
                    f"  {fmt(want)} = {case['prior']:g} (held before) + {fmt(leaf.grad)} (d(out)/d{label}; "
                    f"finite difference {fmt(numeric)}) × {case['upstream']:g} (out.grad)",
                    f"  {advice}"]), graph=got.get("graph"), expected=expected, slip=slip)
        return Verdict(True)

    return Check(name, spec, judge)


def _apply(op: str, case: dict, leaves: list[Value]) -> Value:
    """A local case's op on this app's Values: its args are leaf indices or plain numbers."""
    return harness.OPS[op](*[leaves[a] if isinstance(a, int) else a["number"] for a in case["args"]])


def _finite_difference(op: str, case: dict, i: int, h: float = 1e-6) -> float:
    def f(shift: float) -> float:
        xs = [x + (shift if j == i else 0.0) for j, x in enumerate(case["leaves"])]
        leaves = [Value(x) for x in xs]
        return _apply(op, case, leaves).data

    return (f(h) - f(-h)) / (2 * h)
