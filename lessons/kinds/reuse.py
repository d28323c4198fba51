"""The same graphs backpropagated with = (the bug) and with += (right)."""

from __future__ import annotations

from typing import Callable

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import backward_overwrite

from ..lab import FactsPanel, Field, GraphPanel, Lab, Panel
from ..numtext import fmt
from ..predict import Settings
from .predicting import BeforeSwitch


Make = Callable[[], tuple[Value, list[Value]]]


class ReuseLab(BeforeSwitch, Lab):
    """``builders``: (title, make) pairs; ``make()`` returns (root, the leaves whose grads to show).

    With ``again`` (a title and a make), the backward_again action calls ``backward()`` on that graph
    once more without zeroing, and the facts show how far each leaf's grad has piled up. In predict
    mode each switch first asks what its first leaf's grad will be (``BeforeSwitch``)."""

    def __init__(self, builders: list[tuple[str, Make]], again: tuple[str, Make] | None = None):
        super().__init__()
        self.builders = builders
        self.again = again
        self.actions = frozenset({"reset", "overwrite", "predict"} | ({"backward_again"} if again else set()))
        self.shows = frozenset({FactsPanel, GraphPanel})
        self.reset()

    def reset(self) -> None:
        self.pending = None
        self.accumulate = False
        self._compute()
        self.seen = {False}
        self.piled: tuple[Value, list[Value], dict[Value, float]] | None = None  # root, leaves, grads after one
        self.calls = 0

    def on_backward_again(self) -> None:
        assert self.again is not None
        if self.pending is None:
            root, leaves = self.again[1]()
            times = self.calls + 1 if self.piled is not None else 2
            for _ in range(times):
                root.backward()
            asked = f"d{root.label}/d{leaves[0].label}"
            if self.ask_before("backward_again", asked, leaves[0].grad, "zero_grad",
                               f"after {root.label}.backward() {times} times without zeroing, what will {asked} be?"):
                return
        self.pending = None
        self._backward_again()

    def _backward_again(self) -> None:
        assert self.again is not None
        if self.piled is None:
            root, leaves = self.again[1]()
            root.backward()
            self.piled, self.calls = (root, leaves, {leaf: leaf.grad for leaf in leaves}), 1
        root, leaves, once = self.piled
        root.backward()  # the engine's own backward: no zeroing, as the lecture warns
        self.calls += 1
        times = ", ".join(f"{leaf.label} {_times(leaf.grad, once[leaf])}" for leaf in leaves)
        self.message = (f"{root.label}.backward() {self.calls} times without zeroing: the grads pile up, "
                        f"and not simply ×{self.calls}: {times}. [[reset]] starts again")

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
        if self.pending is None:
            title, make = self.builders[0]
            root, leaves = make()
            if self.accumulate:
                backward_overwrite(root)
            else:
                root.backward()
            asked = f"d{root.label}/d{leaves[0].label}"
            mode = "= (overwrite)" if self.accumulate else "+= (accumulate)"
            if self.ask_before("overwrite", asked, leaves[0].grad, "accumulate",
                               f"with {mode}, what will {asked} be in {title}?"):
                return
        self.pending = None
        self._overwrite()

    def run_switch(self, action: str) -> None:
        self._overwrite() if action == "overwrite" else self._backward_again()

    def on_predict(self) -> None:
        Settings.on = not Settings.on
        self.pending = None
        self.message = ("predicting is on: each switch first asks what it will do" if Settings.on else
                        "predicting is off: each switch happens at once ([[predict]] turns it on)")

    def fields(self) -> list[Field]:
        return self.switch_fields()

    def submit(self, name: str, text: str) -> bool:
        return self.submit_switch(text) if name == "predict" and self.pending else super().submit(name, text)

    def _overwrite(self) -> None:
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
        graphs = [GraphPanel(root, title) for title, root, _ in self.built]
        if self.piled is not None and self.again is not None:
            root, leaves, once = self.piled
            rows.append((f"{root.label}, backward ×{self.calls}", ""))
            for leaf in leaves:
                rows.append((f"  d{root.label}/d{leaf.label}", f"{fmt(leaf.grad)} {_times(leaf.grad, once[leaf])}"))
            graphs.append(GraphPanel(root, f"{self.again[0]}, backward() ×{self.calls}"))
        shown: list[Panel] = [FactsPanel(tuple(rows))]
        return shown + graphs


def _times(now: float, once: float) -> str:
    """How many times its grad after one backward() a grad is now: ``4×``."""
    return f"{now / once:g}×" if once else "(0 after one)"
