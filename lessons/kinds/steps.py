"""Backward one node at a time: each step runs one node's ``_backward`` and says which rule it used."""

from __future__ import annotations

from typing import Callable, Iterator

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import backward_steps, leaves, local_rule, op_text, topological_order

from ..lab import FactsPanel, GraphPanel, Lab, ListPanel, Panel
from ..names import name_of, value_names
from ..numtext import fmt


class StepLab(Lab):
    def __init__(self, build: Callable[[], Value]):
        super().__init__()
        self._build = build
        self.actions = frozenset({"reset", "step", "backward"})
        self.shows = frozenset({FactsPanel, ListPanel, GraphPanel})
        self.reset()

    def reset(self) -> None:
        self.root = self._build()
        self.names = value_names(self.root)  # as the boxes, the tree and the chain rule name them
        self.order = [v for v in reversed(topological_order(self.root)) if v._op]
        self.steps: Iterator[Value] = backward_steps(self.root)
        self.last: Value | None = None
        self.count = 0
        self.message = "press [[step]] to run the first _backward (the output's grad is seeded with 1)"

    def on_step(self) -> None:
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
                GraphPanel(self.root, highlight=self.last)]
