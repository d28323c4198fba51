"""A graph rebuilt one node at a time, showing each new node's ``_prev`` and ``_op``."""

from __future__ import annotations

from typing import Callable

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import zero_grads

from ..lab import FactsPanel, GraphPanel, Panel
from ..numtext import fmt
from .predicting import Predicting


class BuildLab(Predicting):
    """``stages()`` makes the graph anew and returns its nodes in the order they were made."""

    def __init__(self, stages: Callable[[], list[Value]], note: str = ""):
        super().__init__()
        self._stages = stages
        self.note = note
        self.actions = frozenset({"reset", "build", "backward", "predict"})
        self.shows = frozenset({FactsPanel, GraphPanel})
        self.reset()

    def reset(self) -> None:
        self.predictor = None
        self.stages = self._stages()
        self.shown = len(self.stages)  # opens fully built
        self.building = False
        self.message = self.note

    @property
    def root(self) -> Value:
        return self.stages[self.shown - 1]

    def on_build(self) -> None:
        self.predictor = None
        if not self.building or self.shown == len(self.stages):
            self.stages = self._stages()
            self.building = True
            self.shown = 1
        else:
            self.shown += 1
        v = self.root
        prev = ", ".join(c.label or fmt(c.data) for c in v._prev) or "nothing: a leaf"
        self.message = f"{v.label} = {fmt(v.data)}   _op '{v._op}'   _prev ({prev})"
        if self.shown == len(self.stages):
            self.done = True
            self.message += "   (complete)"

    def on_backward(self) -> None:
        if self.start_predicting(self.root):
            return
        zero_grads(self.root)
        self.root.backward()
        self.message = "backward() ran: every grad is d(output)/d(node)"
        self.done = True

    def panels(self) -> list[Panel]:
        rows = []
        for v in self.stages[: self.shown]:
            prev = ", ".join(c.label for c in v._prev)
            rows.append((v.label, f"{fmt(v.data)}   " + (f"{v._op} of ({prev})" if v._op else "leaf")))
        asked = self.predictor.current if self.predicting() and self.predictor else None
        return [FactsPanel(tuple(rows)), GraphPanel(self.root, highlight=asked, chain_rule=asked is None)]

