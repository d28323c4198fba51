"""Predict, then see: a graph's grads asked for one node at a time before backward shows them.

The order asked is backward's own: a node only once every node that uses it has its grad (the output's
is seeded with 1, as ``backward()`` does), depth first along its first input, so lesson 3 asks
dL/dd, dL/de, dL/da, dL/db, dL/dc, dL/df. Each node's expected grad is what the engine's backward
gives; an answer fills the node's grad only when it is right (or when the learner asks to see it).

The chain-rule line for the node asked fades as the learner gets answers right (Renkl's faded worked
examples): at first both factors are given and only the product is asked, then the local factor is
left blank, then both. A wrong answer names the factor it got wrong, from the numbers alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import zero_grads
from micrograd_tui.engine.value import topological_order

from .chainrule import local_factor, users
from .names import bracketed, name_of, value_names
from .numtext import NumberError, fmt, parse_number

TOLERANCE = 5e-4  # right within this, absolute or relative (answers are typed to 4 places)
MAX_ASKED = 30  # a graph with more nodes to ask is shown, not asked (lesson 13 has 344)
FADE_AFTER = 2  # right answers at one fading stage before the next hides one more factor


class Settings:
    """Whether graph labs ask before they show (the app loads and saves it with the progress)."""

    on = True


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def ask_order(root: Value) -> list[Value]:
    """Every node below the output, each after all the nodes that use it, depth first by first input."""
    uses = users(root) or {}
    waiting = {v: len(u) for v, u in uses.items()}
    order: list[Value] = []
    stack = [root]
    while stack:
        v = stack.pop()
        if v is not root:
            order.append(v)
        for child in reversed([c for c in (v._a, v._b) if c is not None]):
            waiting[child] -= 1
            if waiting[child] == 0:
                stack.append(child)
    return order


@dataclass(frozen=True)
class Term:
    """One use of the node asked: the user's grad (upstream) times d(user)/d(node) (local)."""

    user: Value
    upstream: float
    local: float
    local_name: str


class Predictor:
    """Asks ``root``'s grads node by node on the graph itself: every grad is 0 until it is answered.

    ``stage`` is how many factors the line hides (0, 1, 2); it starts at ``stage`` and rises by one
    after ``FADE_AFTER`` right answers in a row at a stage."""

    def __init__(self, root: Value, stage: int = 0):
        self.root = root
        self.names = value_names(root)
        self.uses = users(root) or {}
        zero_grads(root)
        root.backward()
        self.truth = {v: v.grad for v in topological_order(root)}
        zero_grads(root)
        root.grad = 1.0  # backward's seed: the output's own grad is given
        self.order = ask_order(root)
        self.at = 0
        self.stage = max(0, min(2, stage))
        self._streak = 0
        self.log: list[tuple[Value, str, float | None]] = []  # (node, "right" | "wrong" | "shown", answer)

    @classmethod
    def fits(cls, root: Value) -> bool:
        """Whether root's graph is small enough to be asked node by node."""
        found = users(root, limit=MAX_ASKED + 1)
        return found is not None

    # --- what is asked -------------------------------------------------------------
    @property
    def current(self) -> Value | None:
        return self.order[self.at] if self.at < len(self.order) else None

    @property
    def done(self) -> bool:
        return self.current is None

    def name(self, v: Value) -> str:
        return bracketed(name_of(v, self.names))

    def symbol(self, v: Value) -> str:
        """``dL/da``: the grad asked for, in the graph's names."""
        return f"d{self.name(self.root)}/d{self.name(v)}"

    def terms(self, v: Value) -> list[Term]:
        out: list[Term] = []
        firsts: dict[Value, int] = {}
        for user, local in self.uses.get(v, []):
            first = user._a is v and firsts.get(user, 0) == 0
            firsts[user] = firsts.get(user, 0) + 1
            out.append(Term(user, self.truth[user], local, local_factor(user, v, first, self.names)))
        return out

    def line(self, v: Value | None = None, answer: float | None = None) -> str:
        """The chain rule for the node asked, with as many numbers as the stage gives; with ``answer``
        (a wrong one) every number, the learner's beside the right one."""
        v = v if v is not None else self.current
        if v is None:
            return ""
        terms = self.terms(v)
        symbols = " + ".join(f"d{self.name(self.root)}/d{self.name(t.user)} · {bracketed(t.local_name)}"
                             for t in terms)
        hide = 0 if answer is not None else self.stage

        def number(t: Term) -> str:
            up = "?" if hide >= 2 else fmt(t.upstream)
            local = "?" if hide >= 1 else fmt(t.local)
            return f"{up} · {local}"

        numbers = " + ".join(number(t) for t in terms)
        end = f"{fmt(self.truth[v])}   (yours: {fmt(answer)})" if answer is not None else "?"
        return f"{self.symbol(v)} = {symbols} = {numbers} = {end}"

    # --- answers -------------------------------------------------------------------------
    def answer(self, text: str) -> tuple[bool, str]:
        """Check the learner's number for the node asked: (right, what to say). An empty answer shows it."""
        v = self.current
        if v is None:
            return True, "every grad is in"
        if not text.strip():
            self._fill(v, "shown", None)
            self._streak = 0
            return False, f"shown: {self.line(v, self.truth[v]).split('   (yours')[0]}"
        try:
            given = parse_number(text)
        except NumberError as e:
            return False, f"✗ {e}"
        if close(given, self.truth[v]):
            self._fill(v, "right", given)
            self._streak += 1
            if self._streak >= FADE_AFTER and self.stage < 2:
                self.stage += 1
                self._streak = 0
            return True, f"✓ {self.symbol(v)} = {fmt(self.truth[v])}"
        self.log.append((v, "wrong", given))
        self._streak = 0
        return False, f"✗ {self.diagnose(v, given)}\n{self.line(v, given)}"

    def right_first_time(self) -> int:
        """How many nodes were answered right at the first try."""
        tried: set[Value] = set()
        right = 0
        for v, how, _ in self.log:
            right += v not in tried and how == "right"
            tried.add(v)
        return right

    def _fill(self, v: Value, how: str, given: float | None) -> None:
        v.grad = self.truth[v]
        self.log.append((v, how, given))
        self.at += 1

    def diagnose(self, v: Value, given: float) -> str:
        """Which factor a wrong number got wrong, read from the numbers alone."""
        terms = self.terms(v)
        want = self.truth[v]
        sym = self.symbol(v)
        if len(terms) > 1:
            for t in terms:
                if close(given, t.upstream * t.local):
                    return (f"{self.name(v)} is used {len(terms)} times: its grad is the sum of one term per use "
                            f"(+=), not the last one")
        if close(given, -want):
            return f"the sign: {sym} is {fmt(want)}"
        if len(terms) > 1:
            return (f"{self.name(v)} is used {len(terms)} times: {sym} is the sum of one term per use, each the grad "
                    "from above times its local factor")
        t = terms[0]
        up = f"d{self.name(self.root)}/d{self.name(t.user)}"
        if close(given, t.local) and not close(t.upstream, 1.0):
            return f"that is the local factor {t.local_name} alone: times {up} = {fmt(t.upstream)}, the grad from above"
        if close(given, t.upstream) and not close(t.local, 1.0):
            return f"that is {up}, the grad from above, passed on as it is: times the local factor {t.local_name}"
        if close(t.upstream, 1.0):
            return f"the local factor: {sym} = {up} · {t.local_name}, and {up} = 1, so it is {t.local_name} = {fmt(t.local)}"
        if t.upstream and not close(t.local, 1.0):
            return (f"the local factor: your {fmt(given)} is {up} · {fmt(given / t.upstream)}, but "
                    f"d{self.name(t.user)}/d{self.name(v)} = {t.local_name} = {fmt(t.local)}")
        return f"not {fmt(given)}: {sym} = {up} · {t.local_name}"
