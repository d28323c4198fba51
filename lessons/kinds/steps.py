"""Backward one node at a time: each step runs one node's ``_backward`` and says which rule it used."""

from __future__ import annotations

from typing import Callable, Iterator, NamedTuple

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import backward_steps, leaves, local_rule, op_text, topological_order

from .. import skills
from .predicting import judge
from ..chainrule import local_factor
from ..lab import FactsPanel, Field, GraphPanel, Lab, ListPanel, Panel
from ..names import bracketed, name_of, value_names
from ..numtext import fmt
from ..predict import Settings


class Ask(NamedTuple):
    """One input's grad after the next _backward: before + user.grad · local factor."""

    node: Value
    want: float
    before: float
    user: Value
    local: str  # the local factor, by name (chainrule.local_factor)
    factor: float | None  # its number


class StepLab(Lab):
    """In predict mode each step first asks what the node's _backward will put in each input's grad."""

    def __init__(self, build: Callable[[], Value]):
        super().__init__()
        self._build = build
        self.actions = frozenset({"reset", "step", "backward", "predict"})
        self.shows = frozenset({FactsPanel, ListPanel, GraphPanel})
        self.reset()

    def reset(self) -> None:
        self.root = self._build()
        self.names = value_names(self.root)  # as the boxes, the tree and the chain rule name them
        self.order = [v for v in reversed(topological_order(self.root)) if v._op]
        self.steps: Iterator[Value] = backward_steps(self.root)
        self.last: Value | None = None
        self.count = 0
        self.asking: list[Ask] = []  # the inputs of the next node to run, each asked in turn
        self.message = "press [[step]] to run the first _backward (the output's grad is seeded with 1)"

    def on_step(self) -> None:
        if Settings.on and not self.asking and self.count < len(self.order):
            self.asking = self._expected(self.order[self.count])
            if self.asking:
                self._ask("")
                return
        self.asking = []
        self._step()

    def _expected(self, v: Value) -> list[Ask]:
        """What v._backward will leave in each input's grad, found by running it and putting the grads back."""
        if self.count == 0 and not self.root.grad:
            self.root.grad = 1.0  # backward's seed, as the first step sets it
        ins = list(dict.fromkeys(c for c in (v._a, v._b) if c is not None))
        before = {c: c.grad for c in ins}
        v._backward()
        after = {c: c.grad for c in ins}
        for c in ins:
            c.grad = before[c]
        return [Ask(c, after[c], before[c], v, local_factor(v, c, v._a is c, self.names),
                    (after[c] - before[c]) / v.grad if v.grad else None) for c in ins]

    def _line(self, ask: Ask, given: float | None = None) -> str:
        """``after o._backward(): n.grad = 0 + o.grad · (1 - o²) = 0 + 1 · 0.5 = ?``: the local factor's
        number hidden once the chain rule is known, every number shown beside a wrong answer."""
        me = bracketed(name_of(ask.user, self.names))
        hide = given is None and skills.BOOK.fade_stage() > 0
        factor = "?" if hide or ask.factor is None else fmt(ask.factor)
        end = "?" if given is None else f"{fmt(ask.want)}   (yours: {fmt(given)})"
        return (f"after {me}._backward(): {bracketed(name_of(ask.node, self.names))}.grad = {fmt(ask.before)} + {me}.grad · "
                f"{bracketed(ask.local)} = {fmt(ask.before)} + {fmt(ask.user.grad)} · {factor} = {end}")

    def _ask(self, lead: str) -> None:
        ask = self.asking[0]
        self.message = (f"{self._line(ask)}\n{lead}predict first: type {bracketed(name_of(ask.node, self.names))}.grad "
                        "after the step: enter alone shows it; [[predict]]: predicting off")

    def fields(self) -> list[Field]:
        if not self.asking:
            return []
        return [Field("predict", f"{bracketed(name_of(self.asking[0].node, self.names))}.grad =", "after this step (enter alone shows it)")]

    def awaits_input(self) -> bool:
        return bool(self.asking)

    def submit(self, name: str, text: str) -> bool:
        if name != "predict" or not self.asking:
            return super().submit(name, text)
        ask = self.asking[0]
        c, want, v = ask.node, ask.want, ask.user
        said = f"{name_of(c, self.names)}.grad = {fmt(want)}"
        if text.strip():
            judged = judge(text, want, {s for s in (skills.op_skill(v._op),) if s}, f"{name_of(c, self.names)}.grad")
            if isinstance(judged, str):
                self.message = judged
                return False
            right, given = judged
            if not right:
                self.message = f"✗ not {fmt(given)} (type it again, or enter alone to see it)\n{self._line(ask, given)}"
                return False
            said = "✓ " + said
        else:
            said = "shown: " + said
        self.asking.pop(0)
        if self.asking:
            self._ask(said + "   ")
            return True
        self._step()
        self.message = said + "   " + self.message
        return True

    def on_predict(self) -> None:
        Settings.on = not Settings.on
        self.asking = []
        self.message = ("predicting is on: each step first asks for the grads it will give" if Settings.on else
                        "predicting is off: each step runs at once ([[predict]] turns it on)")

    def _step(self) -> None:
        try:
            v = next(self.steps)
        except StopIteration:
            self.message = "every node has run its _backward: the leaves hold their grads. [[reset]] starts again"
            self.done = True
            return
        self.last = v
        self.count += 1
        ins = ", ".join(f"{name_of(c, self.names)} grad → {fmt(c.grad)}" for c in v._prev)
        self.message = f"{name_of(v, self.names)}._backward(): {local_rule(v)}.   {ins}"
        if self.count == len(self.order):
            self.done = True

    def on_backward(self) -> None:
        for _ in self.steps:
            self.count += 1
        self.last = None
        self.done = True
        self.message = "ran every remaining step"

    def panels(self) -> list[Panel]:
        items = []
        for i, v in enumerate(self.order):
            mark = "✓" if i < self.count else ("▶" if i == self.count else " ")
            items.append(f"{mark} {name_of(v, self.names)}  ({op_text(v)})")
        return [FactsPanel(tuple((f"{name_of(v, self.names)}.grad", fmt(v.grad)) for v in leaves(self.root))),
                ListPanel("backward order", tuple(items)),
                GraphPanel(self.root, highlight=self.asking[0].node if self.asking else self.last,
                           chain_rule=not self.asking)]
