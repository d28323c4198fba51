"""The playground: any expression of named numbers, parsed safely (never eval), with its graph."""

from __future__ import annotations

from typing import Iterator

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import backward_steps, local_rule, node_count, zero_grads

from ..expressions import NEURON_BIAS
from ..lab import FactsPanel, Field, Focus, GraphPanel, Panel
from ..language import ExprError, Program, evaluate
from ..names import bracketed, name_of, value_names
from ..numtext import fmt
from .predicting import Predicting

EXAMPLES = [
    "a = 2; b = -3; c = 10; f = -2; L = (a*b + c)*f",
    f"x1 = 2; x2 = 0; w1 = -3; w2 = 1; b = {NEURON_BIAS!r}; n = x1*w1 + x2*w2 + b; o = n.tanh()",
    "a = 3; b = a + a",
    "a = -2; b = 3; d = a*b; e = a + b; f = d*e",
    "x = 0.5; y = exp(2*x); t = (y - 1)/(y + 1)",
    "a = -4; b = 2; c = a + b; d = a*b + b**3; e = c - d; f = e**2; g = f/2 + 10/f",
]
HISTORY_LIMIT = 100


class PlaygroundLab(Predicting):
    """In predict mode an expression's grads are asked node by node (``Predicting``) before they show; its
    number field takes the place of the expression's until every grad is in."""

    focus = Focus.INPUT
    keep_input = True
    types_text = True
    one_field = True  # the expression, or while predicting the grad asked

    def __init__(self) -> None:
        super().__init__()
        self.actions = frozenset({"reset", "step", "backward", "example", "predict"})
        self.shows = frozenset({FactsPanel, GraphPanel})
        self.history = []
        self.example_index = -1
        self.reset()

    def reset(self) -> None:
        self.predictor = None
        self.program: Program | None = None
        self.names: dict[Value, str] = {}  # each value's name on screen, for the program shown
        self.text = ""
        self.steps: Iterator[Value] | None = None
        self.last: Value | None = None
        self.message = "type an expression and press enter ([[example]] for an example)"

    def fields(self) -> list[Field]:
        asked = self.predict_fields() or [Field("predict", "grad =", "")]  # the same two fields, one shown
        return [Field("expr", "expr", "a = 2; b = -3; L = (a*b + 10) * -2", number=False), *asked]

    def current_field(self) -> str | None:
        return "predict" if self.predicting() else "expr"

    def awaits_input(self) -> bool:
        return True  # the expression's field, or the grad asked: the keyboard stays in the field either way

    def submit(self, name: str, text: str) -> bool:
        if name == "predict":
            if not self.predicting():
                self.message = "nothing is asked now: type an expression"
                return False
            return self.submit_prediction(text)
        self.predictor = None
        try:
            program = evaluate(text)
        except ExprError as e:
            pointer = e.pointer()
            self.message = f"✗ {e}" + (f"\n{pointer}" if pointer else "")
            self._remember(text)
            return False  # the previous graph stays on screen: nothing is lost
        self.program = program
        self.names = value_names(program.output)  # worked out once per expression: panels() runs on every update
        self.text = text
        self._remember(text)
        program.output.backward()
        self.steps = None
        self.last = None
        out = program.output
        self.done = True
        if self.start_predicting(out):  # predict mode: its grads are asked before they show
            return True
        self.message = (f"{out.label or 'output'} = {fmt(out.data)}; backward ran "
                        f"({node_count(out)} nodes). [[step]] steps it instead, from the output")
        return True

    def _remember(self, text: str) -> None:
        assert self.history is not None
        if text.strip() and (not self.history or self.history[-1] != text):
            self.history.append(text)
            del self.history[:-HISTORY_LIMIT]

    def on_example(self) -> None:
        self.example_index = (self.example_index + 1) % len(EXAMPLES)
        self.submit("expr", EXAMPLES[self.example_index])
        self.pending_input = EXAMPLES[self.example_index]

    def on_step(self) -> None:
        self.predictor = None
        if self.program is None:
            self.message = "evaluate an expression first"
            return
        root = self.program.output
        if self.steps is None:
            zero_grads(root)
            self.steps = backward_steps(root)
        try:
            v = next(self.steps)
        except StopIteration:
            self.steps = None
            self.last = None
            self.message = "backward is complete; [[step]] starts stepping again"
            return
        self.last = v
        self.message = f"{name_of(v, self.names)}._backward(): {local_rule(v)}"

    def on_backward(self) -> None:
        self.predictor = None
        if self.program is None:
            self.message = "evaluate an expression first"
            return
        root = self.program.output
        zero_grads(root)
        root.backward()
        self.steps, self.last = None, None
        self.message = "backward ran: every grad is d(output)/d(node)"

    def panels(self) -> list[Panel]:
        if self.program is None:
            return [FactsPanel((("functions", "tanh exp relu log sigmoid"), ("operators", "+ - * / **  ( )  += -= *= /=")))]
        out = self.program.output
        called = bracketed(name_of(out, self.names))
        rows = [(called, fmt(out.data))]
        for name, v in self.program.names.items():
            if v is not out:
                rows.append((f"d{called}/d{name}", fmt(v.grad)))
        rows.append(("nodes", str(node_count(out))))
        asked = self.predictor.current if self.predicting() and self.predictor else None
        return [FactsPanel(tuple(rows)), GraphPanel(out, self.text[:60], highlight=asked or self.last,
                                                    chain_rule=asked is None)]

    def save_state(self) -> dict:
        return {"history": self.history[-20:]} if self.history else {}

    def restore_state(self, state: dict) -> None:
        hist = state.get("history") if isinstance(state, dict) else None
        if isinstance(hist, list):
            self.history = [h for h in hist if isinstance(h, str) and len(h) <= 2000][-HISTORY_LIMIT:]
