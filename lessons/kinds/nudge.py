"""One optimisation step: every leaf moves by ``rate · grad``, the graph is built again, the output rises."""

from __future__ import annotations

from typing import Callable

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import leaves

from ..lab import FactsPanel, GraphPanel, Lab, Panel
from ..numtext import fmt


class NudgeLab(Lab):
    """``build(leaves)`` builds the graph with the leaves' values given by label (all of them when empty)."""

    def __init__(self, build: Callable[[dict[str, float]], Value], rate: float = 0.01):
        super().__init__()
        self._build = build
        self.rate = rate
        self.actions = frozenset({"reset", "step"})
        self.shows = frozenset({FactsPanel, GraphPanel})
        self.reset()

    def reset(self) -> None:
        self.root = self._build({})
        self.root.backward()
        self.steps = 0
        self.trail = [self.root.data]
        self.message = f"[[step]] moves every leaf by {self.rate} × its grad"

    def on_step(self) -> None:
        moved = {v.label: v.data + self.rate * v.grad for v in leaves(self.root)}
        self.root = self._build(moved)
        self.root.backward()
        self.steps += 1
        self.trail.append(self.root.data)
        self.done = True
        self.message = (f"step {self.steps}: {self.root.label} went from {fmt(self.trail[-2], 6)} "
                        f"to {fmt(self.root.data, 6)}")

    def panels(self) -> list[Panel]:
        rows = [(v.label, fmt(v.data, 6)) for v in leaves(self.root)]
        rows += [(self.root.label, fmt(self.root.data, 6)), ("steps taken", str(self.steps))]
        return [FactsPanel(tuple(rows)), GraphPanel(self.root)]
