"""The lab kinds: what a lesson lets the learner do, computed with the engine.

A lab is plain Python (no textual). It holds its state, answers the app's
actions (``do("step")``, ``submit("x", "2.5")``) and describes what to show:
graphs, a plot, a table of facts, a list, source code, input fields and a
message. ``tui/`` knows how to show those pieces, so a new lesson is a new
entry in the registry, not new UI code.

Every number a lab shows comes from the engine when the lab is built or an
action runs; nothing here is a stored result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import backward_overwrite, backward_steps, local_rule, node_count, op_text
from micrograd_tui.engine.value import topological_order

from .numbers import NumberError, fmt, parse_number

__all__ = [
    "ACTIONS", "GraphPanel", "Series", "PlotPanel", "Field", "Lab", "GraphLab", "BuildLab", "FunctionLab",
    "ExerciseLab", "StepLab", "NudgeLab", "ReuseLab", "CompareLab", "SourceLab", "Exercise",
]

# Every action a lab can answer, with the words the app shows for it. The app
# binds each to one key (tui/keys.py) and shows only those the open lab has.
ACTIONS = {
    "run": "run or pause",
    "step": "one step",
    "reset": "reset the lab",
    "build": "build the graph node by node",
    "backward": "run backward()",
    "overwrite": "switch = and +=",
    "zero_grad": "zero_grad on/off",
    "hint": "a hint",
    "answer": "show the answer",
    "check": "finite-difference check",
    "less": "decrease",
    "more": "increase",
    "h_less": "h ÷ 10",
    "h_more": "h × 10",
    "next_var": "next input",
    "reseed": "new random weights",
    "dataset": "next dataset",
    "point": "one point's graph",
    "example": "load an example",
    "next_file": "next file",
}


@dataclass
class GraphPanel:
    """One expression graph to show as a tree, rooted at its output."""

    root: Value
    title: str = ""
    highlight: Value | None = None


@dataclass
class Series:
    x: Sequence[float]
    y: Sequence[float]
    label: str = ""
    kind: str = "line"  # "line" or "scatter"
    color: str | None = None
    marker: str | None = None


@dataclass
class PlotPanel:
    title: str
    series: list[Series]
    xlabel: str = ""
    ylabel: str = ""
    xlim: tuple[float, float] | None = None
    ylim: tuple[float, float] | None = None


@dataclass
class Field:
    """A text input the learner can type into; ``submit(name, text)`` receives it."""

    name: str
    label: str
    placeholder: str = ""


class Lab:
    """The base of every lab kind."""

    kind = "lab"
    actions: frozenset[str] = frozenset({"reset"})
    task = ""  # what finishing the lab means, in a few words

    def __init__(self) -> None:
        self.message = ""
        self.done = False
        self.reset()

    # --- what to show ------------------------------------------------------
    def graphs(self) -> list[GraphPanel]:
        return []

    def plots(self) -> list[PlotPanel]:
        return []

    def facts(self) -> list[tuple[str, str]]:
        return []

    def listing(self) -> tuple[str, list[str]] | None:
        return None

    def code(self) -> tuple[str, str] | None:
        return None

    def fields(self) -> list[Field]:
        return []

    # --- what the learner does -------------------------------------------
    def reset(self) -> None:
        self.message = ""

    def do(self, action: str) -> None:
        if action not in self.actions:
            self.message = f"nothing to {ACTIONS.get(action, action)} here"
            return
        getattr(self, "on_" + action)()

    def on_reset(self) -> None:
        self.reset()
        self.message = "reset"

    def submit(self, name: str, text: str) -> bool:
        """Take typed text for field ``name``; False (with a message) when it was not usable."""
        self.message = "nothing to type here"
        return False

    # --- saved with progress ---------------------------------------------
    def save_state(self) -> dict:
        return {}

    def restore_state(self, state: dict) -> None:
        pass


def named(v: Value, label: str) -> Value:
    v.label = label
    return v


# ---------------------------------------------------------------------------
# Expression graphs
# ---------------------------------------------------------------------------


class GraphLab(Lab):
    """An expression graph (or two side by side) with its data and grads.

    ``build()`` returns ``(graphs, facts)``: a list of (title, root) and a
    function that reads the facts off the built graphs. With ``backward_on_open``
    the grads are filled at once; otherwise ``backward`` fills them on a key.
    """

    kind = "graph"
    task = "run backward"

    def __init__(self, build: Callable[[], list[tuple[str, Value]]],
                 facts: Callable[[list[Value]], list[tuple[str, str]]] = lambda roots: [],
                 *, backward_on_open: bool = True, show_order: bool = False, note: str = ""):
        self._build = build
        self._facts = facts
        self.backward_on_open = backward_on_open
        self.show_order = show_order
        self.note = note
        self.actions = frozenset({"reset", "backward"})
        if backward_on_open:
            self.task = "read"  # nothing to do but look: moving on finishes it
        super().__init__()

    def reset(self) -> None:
        super().reset()
        self.built = self._build()
        self.roots = [root for _, root in self.built]
        if self.backward_on_open:
            for r in self.roots:
                r.backward()
        self.message = self.note

    def on_backward(self) -> None:
        for r in self.roots:
            for v in topological_order(r):
                v.grad = 0.0
            r.backward()
        self.message = "backward() ran: every grad is d(output)/d(node)"
        self.done = True

    def graphs(self) -> list[GraphPanel]:
        return [GraphPanel(root, title) for title, root in self.built]

    def facts(self) -> list[tuple[str, str]]:
        rows = self._facts(self.roots)
        return rows + [("nodes in graph", str(node_count(self.roots[0])))]

    def listing(self):
        if not self.show_order:
            return None
        order = topological_order(self.roots[0])
        return ("topological order", [f"{i + 1:>2}. {describe(v)}" for i, v in enumerate(order)])


def describe(v: Value) -> str:
    """A node in a few characters: its label (or op) and data."""
    name = v.label or f"({op_text(v)})"
    return f"{name} = {fmt(v.data)}"


class BuildLab(GraphLab):
    """A graph that can be rebuilt one node at a time, showing each node's ``_prev`` and ``_op``."""

    kind = "build"
    task = "build the graph node by node"

    def __init__(self, stages: Callable[[], list[Value]], **kw):
        self._stages = stages
        super().__init__(lambda: [("", stages()[-1])], **kw)
        self.actions = frozenset({"reset", "build", "backward"})

    def reset(self) -> None:
        Lab.reset(self)
        self.stages = self._stages()
        self.shown = len(self.stages)  # opens fully built
        self.building = False
        self._sync()
        self.message = self.note

    def _sync(self) -> None:
        root = self.stages[self.shown - 1]
        self.built = [("", root)]
        self.roots = [root]

    def on_build(self) -> None:
        if not self.building or self.shown == len(self.stages):
            self.stages = self._stages()
            self.building = True
            self.shown = 1
        else:
            self.shown += 1
        self._sync()
        v = self.stages[self.shown - 1]
        prev = ", ".join(c.label or fmt(c.data) for c in v._prev) or "nothing: a leaf"
        self.message = f"{v.label} = {fmt(v.data)}   _op '{v._op}'   _prev ({prev})"
        if self.shown == len(self.stages):
            self.done = True
            self.message += "   (complete)"

    def facts(self) -> list[tuple[str, str]]:
        rows = []
        for v in self.stages[: self.shown]:
            prev = ", ".join(c.label for c in v._prev)
            rows.append((v.label, f"{fmt(v.data)}   " + (f"{v._op} of ({prev})" if v._op else "leaf")))
        return rows


# ---------------------------------------------------------------------------
# Functions, slopes and plots
# ---------------------------------------------------------------------------


@dataclass
class Var:
    name: str
    value: float
    step: float = 0.5


class FunctionLab(Lab):
    """A function of named inputs, with numerical and exact slopes.

    ``fn(values)`` builds the output from a dict of input Values (so the exact
    slopes come from ``backward``); ``plot_var`` names the input to plot along.
    """

    kind = "function"
    task = "compare the slopes"

    def __init__(self, fn: Callable[[dict[str, Value]], Value], variables: list[Var], *, h: float = 0.001,
                 plot_var: str | None = None, plot_range: tuple[float, float] = (-5.0, 5.0), show_graph: bool = False,
                 formula: str = "f"):
        self.fn = fn
        self.initial = [Var(v.name, v.value, v.step) for v in variables]
        self.h0 = h
        self.plot_var = plot_var
        self.plot_range = plot_range
        self.show_graph = show_graph
        self.formula = formula
        self.actions = frozenset({"reset", "less", "more", "h_less", "h_more"} | ({"next_var"} if len(variables) > 1 else set()))
        super().__init__()

    def reset(self) -> None:
        super().reset()
        self.vars = [Var(v.name, v.value, v.step) for v in self.initial]
        self.selected = 0
        self.h = self.h0
        self._compute()

    def _eval(self, nudge: str | None = None, by: float = 0.0) -> float:
        values = {v.name: Value(v.value + (by if v.name == nudge else 0.0), v.name) for v in self.vars}
        return self.fn(values).data

    def _compute(self) -> None:
        self.inputs = {v.name: Value(v.value, v.name) for v in self.vars}
        self.out = self.fn(self.inputs)
        self.out.backward()
        base = self.out.data
        self.numeric = {}
        for v in self.vars:
            try:
                self.numeric[v.name] = (self._eval(v.name, self.h) - base) / self.h
            except (OverflowError, ZeroDivisionError, ValueError):
                self.numeric[v.name] = math.nan
        exact = self.inputs[self.vars[self.selected].name].grad
        approx = self.numeric[self.vars[self.selected].name]
        err = abs(approx - exact)
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
        self.selected = (self.selected + 1) % len(self.vars)
        self.message = f"now moving {self.var.name}"

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

    def facts(self) -> list[tuple[str, str]]:
        rows = [(v.name + (" ◀" if i == self.selected else ""), fmt(v.value)) for i, v in enumerate(self.vars)]
        rows.append((self.formula, fmt(self.out.data)))
        rows.append(("h", f"{self.h:g}"))
        f = self.formula
        for v in self.vars:
            rows.append((f"({f}({v.name}+h) - {f})/h", fmt(self.numeric[v.name], 6)))
            rows.append((f"d{f}/d{v.name} by backward", fmt(self.inputs[v.name].grad, 6)))
        return rows

    def graphs(self) -> list[GraphPanel]:
        return [GraphPanel(self.out)] if self.show_graph else []

    def plots(self) -> list[PlotPanel]:
        if self.plot_var is None:
            return []
        lo, hi = self.plot_range
        xs = [lo + (hi - lo) * i / 200 for i in range(201)]
        ys = []
        for x in xs:
            values = {v.name: Value(x if v.name == self.plot_var else v.value) for v in self.vars}
            ys.append(self.fn(values).data)
        x0 = self.inputs[self.plot_var].data
        y0 = self.out.data
        slope = self.inputs[self.plot_var].grad
        span = (hi - lo) / 8
        tx = [x0 - span, x0 + span]
        ty = [y0 + slope * (t - x0) for t in tx]
        ymin, ymax = min(ys), max(ys)
        pad = (ymax - ymin) * 0.1 or 1.0
        return [PlotPanel(
            f"{self.formula}({self.plot_var}) and its tangent at {self.plot_var} = {fmt(x0, 3)}",
            [Series(xs, ys, self.formula), Series(tx, ty, f"slope {fmt(slope, 3)}", color="red"),
             Series([x0], [y0], "", kind="scatter", marker="●", color="yellow")],
            xlabel=self.plot_var, ylim=(ymin - pad, ymax + pad),
        )]


# ---------------------------------------------------------------------------
# Manual backpropagation
# ---------------------------------------------------------------------------


@dataclass
class Exercise:
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


TOLERANCE = 5e-4  # an answer within this of the engine's grad (or relatively) is right


class ExerciseLab(Lab):
    kind = "exercise"
    task = "fill in every gradient"

    def __init__(self, exercise: Exercise, h: float = 0.001):
        self.ex = exercise
        self.h = h
        self.actions = frozenset({"reset", "hint", "answer", "check"})
        super().__init__()

    def reset(self) -> None:
        super().reset()
        self.nodes = self.ex.build({})  # the graph on screen; grads appear as they are answered
        truth_nodes = self.ex.build({})
        truth_nodes[self.ex.output].backward()
        self.truth = {k: v.grad for k, v in truth_nodes.items()}
        self.answered: dict[str, str] = {}  # label -> "right" | "shown"
        self.tries = 0
        self.done = False
        self.message = f"type d{self.ex.output}/d{self.current} and press enter"

    @property
    def current(self) -> str | None:
        for label in self.ex.order:
            if label not in self.answered:
                return label
        return None

    def graphs(self) -> list[GraphPanel]:
        cur = self.current
        return [GraphPanel(self.nodes[self.ex.output], highlight=self.nodes[cur] if cur else None)]

    def plots(self) -> list[PlotPanel]:
        return [self.ex.plot(self.nodes)] if self.ex.plot else []

    def fields(self) -> list[Field]:
        cur = self.current
        label = f"d{self.ex.output}/d{cur} =" if cur else "all done"
        return [Field("answer", label, "a number, e.g. -2 or 0.5")]

    def facts(self) -> list[tuple[str, str]]:
        rows = []
        for label in self.ex.order:
            state = self.answered.get(label)
            if state:
                mark = "✓" if state == "right" else "(shown)"
                rows.append((f"d{self.ex.output}/d{label}", f"{fmt(self.truth[label])} {mark}"))
            else:
                rows.append((f"d{self.ex.output}/d{label}", "?" + ("   ◀ now" if label == self.current else "")))
        return rows

    def _fill(self, label: str, how: str) -> None:
        self.answered[label] = how
        self.nodes[label].grad = self.truth[label]
        if self.current is None:
            self.done = True
            self.message = "every gradient filled in: that is backpropagation, by hand"

    def submit(self, name: str, text: str) -> bool:
        cur = self.current
        if cur is None:
            self.message = "all gradients are filled in; r starts again"
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
        self.tries += 1
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
                    return (f"* swaps the operands (chain rule): d{out}/d{label} = "
                            f"{other.label} · d{out}/d{pname} = {fmt(other.data)} · d{out}/d{pname}")
                if parent._op == "tanh":
                    return f"tanh is 1 - o²: d{out}/d{label} = (1 - {pname}²) · d{out}/d{pname}"
                return f"chain rule: {local_rule(parent)}"
        return "use the chain rule from the node that uses it"

    def on_hint(self) -> None:
        cur = self.current
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
        cur = self.current or self.ex.order[-1]
        self.message = self.finite_difference(cur)

    def finite_difference(self, label: str) -> str:
        out = self.ex.output
        base = self.ex.build({})[out].data
        nudged = self.ex.build({label: self.h})[out].data
        slope = (nudged - base) / self.h
        return (f"finite difference for {label}: ({fmt(nudged, 6)} - {fmt(base, 6)}) / {self.h:g} "
                f"= {fmt(slope, 4)}  ≈ d{out}/d{label}")

    def save_state(self) -> dict:
        return {"answered": dict(self.answered)}

    def restore_state(self, state: dict) -> None:
        answered = state.get("answered") if isinstance(state, dict) else None
        if not isinstance(answered, dict):
            return
        for label in self.ex.order:  # replay in order, ignoring anything unknown
            how = answered.get(label)
            if how not in ("right", "shown"):
                break
            self._fill(label, how)
        if self.current:
            self.message = f"welcome back: type d{self.ex.output}/d{self.current}"


# ---------------------------------------------------------------------------
# Stepping backward, nudging, the reuse bug
# ---------------------------------------------------------------------------


class StepLab(Lab):
    """Backward one node at a time: each step runs one node's ``_backward`` and says which rule it used."""

    kind = "steps"
    task = "step backward to the leaves"

    def __init__(self, build: Callable[[], Value]):
        self._build = build
        self.actions = frozenset({"reset", "step", "backward"})
        super().__init__()

    def reset(self) -> None:
        super().reset()
        self.root = self._build()
        self.order = [v for v in reversed(topological_order(self.root)) if v._op]
        self.steps: Iterator[Value] = backward_steps(self.root)
        self.last: Value | None = None
        self.count = 0
        self.message = "press s to run the first _backward (the output's grad is seeded with 1)"

    def on_step(self) -> None:
        try:
            v = next(self.steps)
        except StopIteration:
            self.message = "every node has run its _backward: the leaves hold their grads. r starts again"
            self.done = True
            return
        self.last = v
        self.count += 1
        ins = ", ".join(f"{c.label or op_text(c)} grad → {fmt(c.grad)}" for c in v._prev)
        self.message = f"{v.label or op_text(v)}._backward(): {local_rule(v)}.   {ins}"
        if self.count == len(self.order):
            self.done = True

    def on_backward(self) -> None:
        for _ in self.steps:
            self.count += 1
        self.last = None
        self.done = True
        self.message = "ran every remaining step"

    def graphs(self) -> list[GraphPanel]:
        return [GraphPanel(self.root, highlight=self.last)]

    def listing(self):
        items = []
        for i, v in enumerate(self.order):
            mark = "✓" if i < self.count else ("▶" if i == self.count else " ")
            items.append(f"{mark} {v.label or op_text(v)}  ({op_text(v)})")
        return ("backward order", items)

    def facts(self):
        leaves = [v for v in topological_order(self.root) if not v._op]
        return [(f"{v.label}.grad", fmt(v.grad)) for v in leaves]


class NudgeLab(GraphLab):
    """One optimisation step: every leaf moves by ``rate · grad``, and the output rises."""

    kind = "nudge"
    task = "take a step"

    def __init__(self, build: Callable[[], Value], rate: float = 0.01):
        self.rate = rate
        self._root_builder = build
        super().__init__(lambda: [("", build())])
        self.actions = frozenset({"reset", "step"})
        self.task = "take a step"  # not just reading: the step finishes it

    def reset(self) -> None:
        super().reset()
        self.steps = 0
        self.history = [self.roots[0].data]
        self.message = f"s moves every leaf by {self.rate} × its grad"

    def leaves(self) -> list[Value]:
        return [v for v in topological_order(self.roots[0]) if not v._op]

    def on_step(self) -> None:
        leaves = {v.label: v.data + self.rate * v.grad for v in self.leaves()}
        root = self._root_builder(leaves)
        root.backward()
        self.built = [("", root)]
        self.roots = [root]
        self.steps += 1
        self.history.append(root.data)
        self.done = True
        self.message = f"step {self.steps}: {root.label} went from {fmt(self.history[-2], 6)} to {fmt(root.data, 6)}"

    def facts(self):
        rows = [(v.label, fmt(v.data, 6)) for v in self.leaves()]
        root = self.roots[0]
        rows.append((root.label, fmt(root.data, 6)))
        rows.append(("steps taken", str(self.steps)))
        return rows


class ReuseLab(Lab):
    """The same graphs backpropagated with = (the bug) and with += (right)."""

    kind = "reuse"
    task = "see the bug and the fix"

    def __init__(self, builders: list[tuple[str, Callable[[], tuple[Value, list[Value]]]]]):
        self.builders = builders
        self.actions = frozenset({"reset", "overwrite"})
        super().__init__()

    def reset(self) -> None:
        super().reset()
        self.accumulate = False
        self._compute()
        self.seen = {False}

    def _compute(self) -> None:
        self.built = []
        for title, make in self.builders:
            root, leaves = make()
            if self.accumulate:
                root.backward()
            else:
                backward_overwrite(root)
            self.built.append((title, root, leaves))
        mode = "+= (accumulate): right" if self.accumulate else "= (overwrite): the bug"
        self.message = f"backward with {mode}.  o switches"

    def on_overwrite(self) -> None:
        self.accumulate = not self.accumulate
        self.seen.add(self.accumulate)
        self._compute()
        if len(self.seen) == 2:
            self.done = True

    def graphs(self):
        return [GraphPanel(root, title) for title, root, _ in self.built]

    def facts(self):
        rows = [("mode", "accumulate +=" if self.accumulate else "overwrite =")]
        for title, root, leaves in self.built:
            rows.append((title, ""))
            for leaf in leaves:
                rows.append((f"  d{root.label}/d{leaf.label}", fmt(leaf.grad)))
        return rows


class CompareLab(Lab):
    """A table of ours against another source (PyTorch), with the graph of ours.

    ``ours()`` returns (root, {name: number}); ``theirs()`` returns
    (source, {name: number}) and may be slow (``slow_load`` runs it off the UI thread).
    """

    kind = "compare"
    task = "compare"

    def __init__(self, ours: Callable[[], tuple[Value, dict[str, float]]],
                 theirs: Callable[[], tuple[str, dict[str, float]]], fallback: Callable[[], tuple[str, dict[str, float]]]):
        self._ours = ours
        self._theirs = theirs
        self._fallback = fallback
        super().__init__()

    def reset(self) -> None:
        super().reset()
        self.root, self.mine = self._ours()
        self.source, self.other = self._fallback()

    def slow_load(self) -> None:
        """Try the live source; keep the fallback when it cannot be had."""
        try:
            self.source, self.other = self._theirs()
            self.message = f"computed live by {self.source}"
        except ImportError:
            self.message = f"PyTorch is not installed: showing {self.source}. pip install 'micrograd-tui[torch]' for live"
        except Exception as e:  # a broken torch install must not take the lesson down
            self.message = f"PyTorch failed ({type(e).__name__}); showing {self.source}"

    def graphs(self):
        return [GraphPanel(self.root, "ours")]

    def facts(self):
        rows = [("source", self.source), ("✓", "equal to 12 digits")]
        for k, v in self.mine.items():
            o = self.other.get(k, math.nan)
            same = "✓" if abs(v - o) <= 1e-12 * max(1.0, abs(o)) else "✗"
            rows.append((k, ""))
            rows.append(("  ours", f"{v!r}"))
            rows.append(("  PyTorch", f"{o!r} {same}"))
        return rows


class SourceLab(Lab):
    """Source files shown with what each part is, mapped to the lessons that built it."""

    kind = "source"
    task = "read"

    def __init__(self, files: list[tuple[str, Callable[[], str], list[tuple[str, str]]]]):
        self.files = files
        self._texts: dict[int, str] = {}
        self.actions = frozenset({"next_file"}) if len(files) > 1 else frozenset()
        super().__init__()

    def reset(self) -> None:
        super().reset()
        self.index = 0

    def on_next_file(self) -> None:
        self.index = (self.index + 1) % len(self.files)

    def _text(self) -> str:
        """The file's text, read once: the view asks for it on every update."""
        if self.index not in self._texts:
            self._texts[self.index] = self.files[self.index][1]()
        return self._texts[self.index]

    def code(self):
        return (self.files[self.index][0], self._text())

    def facts(self):
        name, _, mapping = self.files[self.index]
        return [(name, f"{self._text().count(chr(10))} lines")] + mapping
