"""Backpropagation by hand: the learner types each grad, output to leaves, and it is checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import local_rule

from ..lab import FactsPanel, Field, GraphPanel, Lab, Panel, PlotPanel
from ..numtext import NumberError, fmt, parse_number

TOLERANCE = 5e-4  # an answer within this of the engine's grad (or relatively) is right


@dataclass
class ByHand:
    """An expression whose grads the learner fills in, output to leaves.

    ``build(nudge)`` builds it and returns ``{label: node}``; ``nudge`` maps a
    label to an amount added to that node's data as it is built (the lecture's
    finite-difference check). ``order`` lists the labels in the order asked;
    ``output`` is the label of the output.
    """

    build: Callable[[dict[str, float]], dict[str, Value]]
    order: list[str]
    output: str
    plot: Callable[[dict[str, Value]], PlotPanel] | None = None


class ByHandLab(Lab):
    def __init__(self, exercise: ByHand, h: float = 0.001):
        super().__init__()
        self.ex = exercise
        self.h = h
        self.actions = frozenset({"reset", "hint", "answer", "check"})
        self.shows = frozenset({FactsPanel, GraphPanel} | ({PlotPanel} if exercise.plot else set()))
        self.reset()

    def reset(self) -> None:
        self.nodes = self.ex.build({})  # the graph on screen; grads appear as they are answered
        truth_nodes = self.ex.build({})
        truth_nodes[self.ex.output].backward()
        self.truth = {k: v.grad for k, v in truth_nodes.items()}
        self.answered: dict[str, str] = {}  # label -> "right" | "shown"
        self.helped: set[str] = set()  # labels answered after a hint or a wrong try
        self.done = False
        self.message = f"type d{self.ex.output}/d{self.current} and press enter"

    @property
    def current(self) -> str | None:
        for label in self.ex.order:
            if label not in self.answered:
                return label
        return None

    def panels(self) -> list[Panel]:
        out = self.ex.output
        rows = []
        for label in self.ex.order:
            state = self.answered.get(label)
            if state:
                mark = "✓" if state == "right" else "(shown)"
                rows.append((f"d{out}/d{label}", f"{fmt(self.truth[label])} {mark}"))
            else:
                rows.append((f"d{out}/d{label}", "?" + ("   ◀ now" if label == self.current else "")))
        cur = self.current
        shown: list[Panel] = [FactsPanel(tuple(rows)),
                              GraphPanel(self.nodes[out], highlight=self.nodes[cur] if cur else None,
                                         chain_rule=False)]  # it would write the answer out
        if self.ex.plot:
            shown.append(self.ex.plot(self.nodes))
        return shown

    def fields(self) -> list[Field]:
        cur = self.current
        if cur is None:
            return [Field("answer", "done", "every gradient is in")]
        return [Field("answer", f"d{self.ex.output}/d{cur} =", "a number, e.g. -2 or 0.5")]

    def awaits_input(self) -> bool:
        return self.current is not None  # the next grad is typed next; once all are in, the keys act again

    def summary(self) -> str:
        """How it went: right first time, right after help, shown."""
        shown = sum(1 for how in self.answered.values() if how == "shown")
        helped = sum(1 for k, how in self.answered.items() if how == "right" and k in self.helped)
        first = len(self.answered) - shown - helped
        return f"{first} right first time, {helped} after a hint or a try, {shown} shown"

    def _fill(self, label: str, how: str) -> None:
        self.answered[label] = how
        self.nodes[label].grad = self.truth[label]
        if self.current is None:
            self.done = True
            self.message = (f"every gradient filled in, by hand: that is backpropagation. {self.summary()}. "
                            "[[reset]] starts again")

    def confirm(self, action: str) -> str | None:
        if action == "answer" and self.current is not None:
            return f"Show d{self.ex.output}/d{self.current}? It will count as shown, not answered."
        if action == "reset" and self.answered:
            return "Start this exercise again? Every answer so far is cleared."
        return None

    def submit(self, name: str, text: str) -> bool:
        cur = self.current
        if cur is None:
            self.message = "all gradients are filled in; [[reset]] starts again"
            return False
        try:
            x = parse_number(text)
        except NumberError as e:
            self.message = str(e)
            return False
        truth = self.truth[cur]
        if abs(x - truth) <= TOLERANCE * max(1.0, abs(truth)):
            self._fill(cur, "right")
            if not self.done:
                self.message = f"right: d{self.ex.output}/d{cur} = {fmt(truth)}. next: d{self.ex.output}/d{self.current}"
            return True
        self.helped.add(cur)
        self.message = f"not quite ({fmt(x)}). {self.rule_hint(cur)}"
        return False

    def rule_hint(self, label: str) -> str:
        """The rule that gives this node's grad, named from the node that uses it."""
        node = self.nodes[label]
        out = self.ex.output
        if label == out:
            return f"d{out}/d{out}: how much does {out} change when {out} changes?"
        for parent in self.nodes.values():
            if node in parent._prev:
                pname = parent.label
                if parent._op == "+":
                    return f"+ passes the gradient through: d{out}/d{label} = d{out}/d{pname}"
                if parent._op == "*":
                    other = parent._b if parent._a is node else parent._a
                    assert other is not None
                    return (f"* swaps the operands (chain rule): d{out}/d{label} = "
                            f"{other.label} · d{out}/d{pname} = {fmt(other.data)} · d{out}/d{pname}")
                if parent._op == "tanh":
                    return f"tanh's derivative is 1 - o²: d{out}/d{label} = (1 - {pname}²) · d{out}/d{pname}"
                return f"chain rule: {local_rule(parent)}"
        return "use the chain rule from the node that uses it"

    def on_hint(self) -> None:
        cur = self.current
        if cur:
            self.helped.add(cur)
        self.message = self.rule_hint(cur) if cur else "nothing left to answer"

    def on_answer(self) -> None:
        cur = self.current
        if cur is None:
            self.message = "nothing left to answer"
            return
        self._fill(cur, "shown")
        if not self.done:
            self.message = f"d{self.ex.output}/d{cur} = {fmt(self.truth[cur])}. next: d{self.ex.output}/d{self.current}"

    def on_check(self) -> None:
        """A finite difference for the node under the cursor (an input it can nudge), else the one asked for."""
        under = next((label for label, v in self.nodes.items() if v is self.under_cursor and label in self.ex.order), None)
        cur = under or self.current or self.ex.order[-1]
        self.message = self.finite_difference(cur)

    def finite_difference(self, label: str) -> str:
        out = self.ex.output
        base = self.ex.build({})[out].data
        nudged = self.ex.build({label: self.h})[out].data
        slope = (nudged - base) / self.h
        return (f"finite difference for {label}: ({fmt(nudged, 6)} - {fmt(base, 6)}) / {self.h:g} "
                f"= {fmt(slope, 4)}  ≈ d{out}/d{label}")

    def save_state(self) -> dict:
        return {"answered": dict(self.answered), "helped": sorted(self.helped)}

    def restore_state(self, state: dict) -> None:
        answered = state.get("answered") if isinstance(state, dict) else None
        if not isinstance(answered, dict):
            return
        helped = state.get("helped")
        if isinstance(helped, list):
            self.helped = {h for h in helped if h in self.ex.order}
        for label in self.ex.order:  # replay in order, ignoring anything unknown
            how = answered.get(label)
            if how not in ("right", "shown"):
                break
            self._fill(label, how)
        if self.current:
            self.message = f"welcome back: type d{self.ex.output}/d{self.current}"
