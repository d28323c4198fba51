"""The same graphs backpropagated with = (the bug) and with += (right)."""

from __future__ import annotations

from typing import Callable

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import backward_overwrite

from ..lab import FactsPanel, GraphPanel, Lab, Panel
from ..numtext import fmt


class ReuseLab(Lab):
    """``builders``: (title, make) pairs; ``make()`` returns (root, the leaves whose grads to show)."""

    def __init__(self, builders: list[tuple[str, Callable[[], tuple[Value, list[Value]]]]]):
        super().__init__()
        self.builders = builders
        self.actions = frozenset({"reset", "overwrite"})
        self.shows = frozenset({FactsPanel, GraphPanel})
        self.reset()

    def reset(self) -> None:
        self.accumulate = False
        self._compute()
        self.seen = {False}

    def _compute(self) -> None:
        self.built = []
        for title, make in self.builders:
            root, shown = make()
            if self.accumulate:
                root.backward()
            else:
                backward_overwrite(root)
            self.built.append((title, root, shown))
        mode = "+= (accumulate): right" if self.accumulate else "= (overwrite): the bug"
        self.message = f"backward with {mode}.  [[overwrite]] switches"

    def on_overwrite(self) -> None:
        self.accumulate = not self.accumulate
        self.seen.add(self.accumulate)
        self._compute()
        if len(self.seen) == 2:
            self.done = True

    def panels(self) -> list[Panel]:
        rows = [("mode", "accumulate +=" if self.accumulate else "overwrite =")]
        for title, root, leaves in self.built:
            rows.append((title, ""))
            for leaf in leaves:
                rows.append((f"  d{root.label}/d{leaf.label}", fmt(leaf.grad)))
        shown: list[Panel] = [FactsPanel(tuple(rows))]
        return shown + [GraphPanel(root, title) for title, root, _ in self.built]
