"""A function of named inputs, with numerical and exact slopes, and a plot along one input."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from micrograd_tui.engine import Value

from ..lab import PICKED, FactsPanel, Field, GraphPanel, Lab, Panel, PlotPanel, Series
from ..numtext import NumberError, fmt, parse_number


@dataclass
class Var:
    """A named input the learner moves with less/more."""

    name: str
    value: float
    step: float = 0.5


class FunctionLab(Lab):
    """``fn(values)`` builds the output from a dict of input Values (so the exact slopes come from
    ``backward``); ``plot_var`` names the input to plot along."""

    def __init__(self, fn: Callable[[dict[str, Value]], Value], variables: list[Var], *, h: float = 0.001,
                 plot_var: str | None = None, plot_range: tuple[float, float] = (-5.0, 5.0),
                 show_graph: bool = False, formula: str = "f"):
        super().__init__()
        self.fn = fn
        self.initial = [Var(v.name, v.value, v.step) for v in variables]
        self.h0 = h
        self.plot_var = plot_var
        self.plot_range = plot_range
        self.show_graph = show_graph
        self.formula = formula
        self.actions = frozenset({"reset", "less", "more", "h_less", "h_more", "next_var"})  # v: the next field, h too
        self.shows = frozenset({FactsPanel} | ({GraphPanel} if show_graph else set())
                               | ({PlotPanel} if plot_var else set()))
        self.reset()

    def reset(self) -> None:
        self.vars = [Var(v.name, v.value, v.step) for v in self.initial]
        self.selected = 0
        self.at_h = False  # the marked field (▶) is h's: what is typed goes there
        self.h = self.h0
        self._compute()

    def _output(self, values: dict[str, float]) -> Value:
        out = self.fn({k: Value(x, k) for k, x in values.items()})
        out.label = self.formula
        return out

    def _eval(self, nudge: str | None = None, by: float = 0.0) -> float:
        return self._output({v.name: v.value + (by if v.name == nudge else 0.0) for v in self.vars}).data

    def _compute(self) -> None:
        self.inputs = {v.name: Value(v.value, v.name) for v in self.vars}
        self.out = self.fn(self.inputs)
        self.out.label = self.formula
        self.out.backward()
        base = self.out.data
        self.numeric = {}
        for v in self.vars:
            try:
                self.numeric[v.name] = (self._eval(v.name, self.h) - base) / self.h
            except (OverflowError, ZeroDivisionError, ValueError):
                self.numeric[v.name] = math.nan
        exact = self.inputs[self.var.name].grad
        err = abs(self.numeric[self.var.name] - exact)
        if self.h < 1e-9 and err > 1e-3 * max(1.0, abs(exact)):
            self.message = (f"h = {self.h:g} is so small that f(x+h) and f(x) agree in almost every digit: "
                            "float rounding now swamps the slope")
        elif self.h > 0.1:
            self.message = f"h = {self.h:g} is large: the secant's slope is not yet the tangent's"
        else:
            self.message = f"numerical slope is off by {err:.2e}"

    @property
    def var(self) -> Var:
        return self.vars[self.selected]

    def _explored(self) -> None:
        """Recompute after the learner moved something: that is the lab's task."""
        self._compute()
        self.done = True

    def on_less(self) -> None:
        self.var.value -= self.var.step
        self._explored()

    def on_more(self) -> None:
        self.var.value += self.var.step
        self._explored()

    def on_h_less(self) -> None:
        self.h = max(self.h / 10, 1e-20)
        self._explored()

    def on_h_more(self) -> None:
        self.h = min(self.h * 10, 10.0)
        self._explored()

    def on_next_var(self) -> None:
        """The next field, in the order they are shown: each variable, then h (then the first again)."""
        if self.at_h:
            self.at_h, self.selected = False, 0
        elif self.selected + 1 < len(self.vars):
            self.selected += 1
        else:
            self.at_h = True
        self.message = ("type a new h and press enter ([[h_less]] and [[h_more]] step it)" if self.at_h
                        else f"now moving {self.var.name}")

    def current_field(self) -> str | None:
        return "h" if self.at_h else self.var.name

    def key_words(self) -> dict[str, str]:
        words = {"less": f"{self.var.name} − {self.var.step:g}", "more": f"{self.var.name} + {self.var.step:g}",
                 "h_less": "h ÷ 10", "h_more": "h × 10"}
        if self.at_h:
            words["next_var"] = f"type {self.vars[0].name} instead"
        elif self.selected + 1 < len(self.vars):
            words["next_var"] = f"move {self.vars[self.selected + 1].name} instead"
        else:
            words["next_var"] = "type h instead"
        return words

    def fields(self) -> list[Field]:
        return [Field(v.name, f"{v.name} =", fmt(v.value)) for v in self.vars] + [Field("h", "h =", f"{self.h:g}")]

    def submit(self, name: str, text: str) -> bool:
        try:
            if name == "h":
                value = parse_number(text, lo=1e-300, hi=100.0)
            else:
                value = parse_number(text, lo=-1e6, hi=1e6)
        except NumberError as e:
            self.message = f"{name}: {e}"
            return False
        if name == "h":
            self.h = value
        else:
            for i, v in enumerate(self.vars):
                if v.name == name:
                    v.value = value
                    self.selected = i
        try:
            self._explored()
        except (OverflowError, ZeroDivisionError, ValueError) as e:
            self.message = f"cannot compute there: {e}"
            return False
        return True

    def panels(self) -> list[Panel]:
        rows = [((PICKED if i == self.selected else "  ") + v.name, fmt(v.value)) for i, v in enumerate(self.vars)]
        rows.append((self.formula, fmt(self.out.data)))
        rows.append(("h", f"{self.h:g}"))
        f = self.formula
        for v in self.vars:
            rows.append((f"({f}({v.name}+h) - {f})/h", fmt(self.numeric[v.name], 6)))
            rows.append((f"d{f}/d{v.name} by backward", fmt(self.inputs[v.name].grad, 6)))
        out: list[Panel] = [FactsPanel(tuple(rows))]
        if self.show_graph:
            out.append(GraphPanel(self.out))
        if self.plot_var is not None:
            out.append(self._plot(self.plot_var))
        return out

    def _plot(self, var: str) -> PlotPanel:
        lo, hi = self.plot_range
        x_now = self.inputs[var].data
        span = hi - lo
        if not lo + 0.1 * span <= x_now <= hi - 0.1 * span:  # the window follows x, so x and its tangent stay in view
            lo, hi = x_now - span / 2, x_now + span / 2
        xs = [lo + (hi - lo) * i / 200 for i in range(201)]
        others = {v.name: v.value for v in self.vars}
        ys = [self._output(dict(others, **{var: x})).data for x in xs]
        x0 = self.inputs[var].data
        y0 = self.out.data
        slope = self.inputs[var].grad
        span = (hi - lo) / 8
        tx = [x0 - span, x0 + span]
        ty = [y0 + slope * (t - x0) for t in tx]
        ymin, ymax = min(ys), max(ys)
        pad = (ymax - ymin) * 0.1 or 1.0
        return PlotPanel(
            f"{self.formula}({var}) and its tangent at {var} = {fmt(x0, 3)}",
            (Series(xs, ys, self.formula), Series(tx, ty, f"slope {fmt(slope, 3)}", role="slope"),
             Series([x0], [y0], "", scatter=True, marker="●", role="mark")),
            xlabel=var, ylim=(ymin - pad, ymax + pad),
        )
