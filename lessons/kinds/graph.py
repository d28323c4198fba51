"""An expression graph (or two) with its data and grads; backward runs on open or on a key."""

from __future__ import annotations

from typing import Callable

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import node_count, op_text, topological_order, zero_grads

from ..lab import FactsPanel, Finish, GraphPanel, ListPanel, Panel
from ..numtext import fmt
from ..predict import Predictor
from .predicting import Predicting

Facts = Callable[[list[Value]], list[tuple[str, str]]]


def describe(v: Value) -> str:
    """A node in a few characters: its label (or op) and data."""
    name = v.label or f"({op_text(v)})"
    return f"{name} = {fmt(v.data)}"


class GraphLab(Predicting):
    """``build()`` returns a list of (title, root); ``facts(roots)`` reads rows off the built graphs.

    With ``backward_on_open`` the grads are filled at once and visiting finishes the
    lab; otherwise the backward action fills them, and that is the task: in predict mode, for one
    small graph, by asking for each grad first (see ``predicting``).
    """

    def __init__(self, build: Callable[[], list[tuple[str, Value]]], facts: Facts = lambda roots: [], *,
                 backward_on_open: bool = True, show_order: bool = False, note: str = ""):
        super().__init__()
        self._build = build
        self._facts = facts
        self.backward_on_open = backward_on_open
        self.show_order = show_order
        self.note = note
        self.actions = frozenset({"reset", "backward"})
        self.shows = frozenset({FactsPanel, GraphPanel} | ({ListPanel} if show_order else set()))
        self.finish = Finish.VISIT if backward_on_open else Finish.TASK
        self.reset()
        if not backward_on_open and len(self.roots) == 1 and Predictor.fits(self.roots[0]):
            self.actions |= {"predict"}

    def reset(self) -> None:
        self.predictor = None
        self.built = self._build()
        self.roots = [root for _, root in self.built]
        if self.backward_on_open:
            for r in self.roots:
                r.backward()
        self.message = self.note

    def on_reset(self) -> None:
        self.reset()
        if self.backward_on_open:  # back to before backward(), so that running it shows something happen
            for r in self.roots:
                zero_grads(r)
            self.message = "reset: the graph as built, every grad 0. [[backward]] runs backward()"
        else:
            self.message = "reset"

    def on_backward(self) -> None:
        if "predict" in self.actions and self.start_predicting(self.roots[0]):
            return
        for r in self.roots:
            zero_grads(r)
            r.backward()
        self.message = "backward() ran: every grad is d(output)/d(node)"
        self.done = True


    def panels(self) -> list[Panel]:
        rows = self._facts(self.roots)
        if len(self.roots) == 1:  # with several graphs the facts say which count is whose
            rows.append(("nodes in graph", str(node_count(self.roots[0]))))
        out: list[Panel] = [FactsPanel(tuple(rows))]
        if self.show_order:
            order = topological_order(self.roots[0])
            out.append(ListPanel("topological order", tuple(f"{i + 1:>2}. {describe(v)}" for i, v in enumerate(order))))
        asked = self.predictor.current if self.predicting() and self.predictor else None
        out += [GraphPanel(root, title, highlight=asked, chain_rule=asked is None) for title, root in self.built]
        return out
