"""Gradient descent on an MLP, step by step or running: the lecture's net (lesson 14) and the demo (lesson 16).

What to train is a :class:`TrainSettings` (model, data, loss, knobs, goal). The
lab is its own :class:`~micrograd_tui.lessons.lab.Job`: the app's runner calls
``step`` in a worker thread and hands ``snapshot`` copies (immutable) back to
``apply`` on the UI thread, so the screen never reads state the worker is changing.
"""

from __future__ import annotations

import copy
import math
import random
import time
from dataclasses import dataclass, replace

from micrograd_tui.engine import MLP, Trainer, Value
from micrograd_tui.engine.data import DATASETS, default_noise, lecture_dataset, make_dataset
from micrograd_tui.engine.train import demo_learning_rate

from ..lab import FactsPanel, Field, GraphPanel, Job, Lab, Panel, PlotPanel, Series
from ..numtext import NumberError, fmt, parse_number

GRID_W, GRID_H = 36, 18  # decision-boundary grid (points scored per redraw) until the view gives a size
GRID_MAX = (64, 28)
PLOT_POINTS = 400  # at most this many points of a curve are plotted
BOUNDARY_SECONDS = 0.3  # while training, the decision boundary is scored at most this often


@dataclass
class Knob:
    name: str
    value: float
    lo: float
    hi: float
    integer: bool = False
    factor: float = 2.0  # less and more divide or multiply by this
    start: float = 0.0  # what more gives from 0 (0: the least it may be, or 1 for a whole number)

    def show(self) -> str:
        if self.name == "speed" and self.value == 0:
            return "full"
        return str(int(self.value)) if self.integer else f"{self.value:g}"


@dataclass(frozen=True)
class TrainSettings:
    """What a training lab trains, on what, toward what."""

    nin: int
    layers: tuple[int, ...]
    flavour: str  # "lecture" (tanh everywhere) or "micrograd" (ReLU, linear output)
    loss: str  # "mse" or "svm"
    data: str | None  # a name in DATASETS, or None for the lecture's four samples
    knobs: tuple[Knob, ...]  # "lr" sets a fixed learning rate; without it the demo's decay is used
    goal_loss: float | None = None  # finished when the loss is under this (with zero_grad on) ...
    goal_accuracy: float | None = None  # ... or the accuracy at least this
    points: int = 100
    noise: float | None = None  # the dataset's spread; None: its own default

    @property
    def boundary(self) -> bool:
        """A two-input dataset has a decision boundary to draw."""
        return self.nin == 2


LECTURE = TrainSettings(3, (4, 4, 1), "lecture", "mse", None, (
    Knob("lr", 0.05, 1e-4, 100.0), Knob("steps", 100, 1, 100_000, True), Knob("speed", 30, 0, 10_000, True),
), goal_loss=0.2)

DEMO = TrainSettings(2, (16, 16, 1), "micrograd", "svm", "moons", (
    Knob("steps", 100, 1, 10_000, True), Knob("batch", 0, 0, 1000, True), Knob("speed", 0, 0, 10_000, True),
    Knob("points", 100, 25, 1000, True), Knob("width", 16, 2, 64, True), Knob("noise", 0.1, 0.0, 1.0, start=0.02),
), goal_accuracy=0.95)
SHAPE_KNOBS = ("points", "width", "noise")  # these change the data or the net: the run starts over
BIG_RUN = 200  # more points than this train in mini-batches unless the learner asks for the full batch
LIVE_BATCH = 100


@dataclass(frozen=True)
class TrainSnapshot:
    k: int  # steps taken
    losses: tuple[float, ...]
    accuracies: tuple[float, ...]
    predictions: tuple[float, ...]
    boundary: tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]] | None
    point_graph: Value | None
    zero_grad: bool
    diverged: bool


class TrainLab(Lab):
    def __init__(self, settings: TrainSettings, seed: int = 1337):
        super().__init__()
        self.settings = settings
        self.seed = seed
        self.dataset = settings.data
        self.point: int | None = None  # index of the data point whose graph is shown
        self.knobs = [copy.copy(k) for k in settings.knobs]
        actions = {"run", "step", "reset", "reseed", "less", "more", "next_var"}
        if settings.loss == "mse":
            actions.add("zero_grad")
        if settings.boundary:
            actions |= {"dataset", "point"}
        self.actions = frozenset(actions)
        self.shows = frozenset({FactsPanel, PlotPanel} | ({GraphPanel} if settings.boundary else set()))
        self.stops_job = frozenset({"step", "reset", "reseed", "dataset"})
        self.selected = 0
        self.grid = (GRID_W, GRID_H)  # boundary points across and down; the view matches its plot's cells
        self.want_run = False  # the learner asked it to run; the runner makes it so
        self._job: Job | None = None  # the child process training while it runs
        self._child_predictions: tuple[float, ...] | None = None
        self.stopped_reason = ""
        self._zero_grad = True
        self.reset()

    def knob(self, name: str) -> Knob | None:
        return next((k for k in self.knobs if k.name == name), None)

    def _knob_value(self, name: str, default: float) -> float:
        k = self.knob(name)
        return k.value if k is not None else default

    # --- building and stepping -------------------------------------------

    def _reshape(self) -> None:
        """A new number of points or a new hidden width: new data, a new net, from step 0."""
        points, width = int(self._knob_value("points", self.settings.points)), int(self._knob_value("width", 0))
        noise = self._knob_value("noise", -1.0)
        layers = tuple(width for _ in self.settings.layers[:-1]) + self.settings.layers[-1:] if width else \
            self.settings.layers
        self.settings = replace(self.settings, points=points, layers=layers, noise=noise if noise >= 0 else None)
        self.point = None
        batch = self.knob("batch")
        live = ""
        if batch is not None and batch.value == 0 and points > BIG_RUN:
            batch.value = LIVE_BATCH  # a full batch of this size is a step a second: a mini-batch stays live
            live = f"; batch {LIVE_BATCH} keeps it live (batch 0 for the full batch, about a step a second)"
        self.reset()
        self.message = f"{points} points, MLP({self.settings.nin}, {list(layers)}): starting over{live}"

    def reset(self) -> None:
        s = self.settings
        self.want_run = False
        self._job = None
        self._child_predictions = None
        if self.dataset is None:
            xs, ys = lecture_dataset()
        else:
            xs, ys = make_dataset(self.dataset, s.points, s.noise, self.seed)
        model = MLP(s.nin, list(s.layers), flavour=s.flavour, seed=self.seed)
        lr = self._knob_value("lr", 0.0) if self.knob("lr") else self._decay
        batch = int(self._knob_value("batch", 0)) or None
        self.trainer = Trainer(model, xs, ys, loss=s.loss, learning_rate=lr, zero_grad=self._zero_grad,
                               batch_size=batch, seed=self.seed)
        self.stopped_reason = ""
        self._boundary_cache: tuple[int, tuple] | None = None  # (step, grid) of the last boundary scored
        self._boundary_at = 0.0
        self.snap = self.snapshot()
        self.message = f"seed {self.seed}: [[run]] runs, [[step]] takes one step"

    def canvas(self, cols: int, rows: int) -> None:
        """Score the boundary at one point per plot cell (capped), so the drawing has no gaps."""
        grid = (max(8, min(cols, GRID_MAX[0])), max(4, min(rows, GRID_MAX[1])))
        if grid != self.grid:
            self.grid = grid  # a running child keeps the grid it started with; the next one takes this
            if not self.want_run:
                self._boundary_cache = None

    def _decay(self, k: int) -> float:
        return max(demo_learning_rate(k, self.budget), 0.0)

    @property
    def budget(self) -> int:
        return int(self._knob_value("steps", 100))

    # --- stepping here, and running in a child process ----------------------------

    @property
    def finished(self) -> bool:
        return self.trainer.k >= self.budget or self.trainer.diverged

    def pace(self) -> float:
        return self._knob_value("speed", 0)

    def step(self) -> None:
        """One step of training (touches no screen)."""
        self.trainer.step()
        if self.trainer.diverged:
            self.stopped_reason = (f"the loss became {fmt(self.trainer.history[-1].loss)} at step {self.trainer.k}: "
                                   "the learning rate is too large. Lower it and press [[reset]]")

    def snapshot(self, score: bool = True) -> TrainSnapshot:
        """What the screen shows, copied. ``score=False`` keeps the boundary the child last scored."""
        t = self.trainer
        hist = list(t.history)
        boundary = None
        if self.settings.boundary and not score:
            boundary = self._boundary_cache[1] if self._boundary_cache else None
            preds: tuple[float, ...] = ()
        elif self.settings.boundary:
            # Scoring the grid costs about half a demo step; a few fresh boundaries a second are
            # plenty to watch it form, and the rest of the time goes to training.
            now = time.monotonic()
            if self._boundary_cache is None or self._boundary_cache[0] != t.k and (
                    now - self._boundary_at >= BOUNDARY_SECONDS or self.finished):
                self._boundary_cache = (t.k, self._boundary())
                self._boundary_at = now
            boundary = self._boundary_cache[1]
            preds = ()
        elif not score and self._child_predictions is not None:
            preds = self._child_predictions
        else:
            preds = tuple(_finite(_score(t.model, x)) for x in t.xs)
        return TrainSnapshot(
            k=t.k,
            losses=tuple(s.loss for s in hist),
            accuracies=tuple(s.accuracy for s in hist),
            predictions=preds,
            boundary=boundary,
            point_graph=self._point_graph() if self.point is not None else None,
            zero_grad=t.zero_grad,
            diverged=t.diverged,
        )

    def job(self) -> Job | None:
        """While it runs, training happens in a child process (train_child.py), started from here."""
        if not self.want_run:
            self._job = None
        elif self._job is None:
            from .train_child import ChildTraining

            self._job = ChildTraining(self)
        return self._job

    def _restart(self) -> None:
        """A setting the running child uses has changed: the next job() is a new child with it."""
        if self.want_run:
            self._job = None

    def child_state(self) -> dict:
        """Everything a child needs to go on from here, as JSON data."""
        s, t = self.settings, self.trainer
        return {
            "settings": {"nin": s.nin, "layers": list(s.layers), "flavour": s.flavour, "loss": s.loss,
                         "data": self.dataset, "points": s.points, "noise": s.noise},
            "seed": self.seed, "k": t.k, "budget": self.budget,
            "params": [p.data for p in t._params], "grads": [p.grad for p in t._params],
            "lr": None if callable(t.learning_rate) else t.learning_rate, "batch": t.batch_size,
            "zero_grad": t.zero_grad,
            "pace": self.pace(), "grid": list(self.grid), "rng": list(t._rng.getstate()),
        }

    def take_child_lines(self, lines: list[dict], problem: str, final: bool) -> None:
        """What the child said, taken into this lab's trainer: steps, parameters, boundary, predictions."""
        from micrograd_tui.engine.train import Step

        t = self.trainer
        for line in lines:
            k0 = line["k"] - len(line["steps"])
            for i, (loss, acc, lr) in enumerate(line["steps"]):
                t.history.append(Step(k0 + i, loss if loss is not None else math.nan, acc, lr))
            t.k = line["k"]
            for p, x, g in zip(t._params, line["params"], line["grads"]):
                p.data, p.grad = x, g
            version, internal, gauss = line["rng"]
            t._rng.setstate((version, tuple(internal), gauss))
            if "boundary" in line:
                gx, gy = self._grid_points(tuple(line["grid"]))
                self._boundary_cache = (t.k, (gx, gy, tuple(line["boundary"])))
            if "predictions" in line:
                self._child_predictions = tuple(_finite(x) if x is not None else math.nan
                                                for x in line["predictions"])
        if t.diverged and not self.stopped_reason:
            self.stopped_reason = (f"the loss became {fmt(t.history[-1].loss)} at step {t.k}: "
                                   "the learning rate is too large. Lower it and press [[reset]]")
        self.snap = self.snapshot(score=False)
        self.check_done()
        if problem:
            self.want_run, self._job = False, None
            self.message = problem
        elif final:
            self.want_run, self._job = False, None
            snap = self.snap
            if snap.diverged:
                self.message = self.stopped_reason
            elif snap.losses:
                acc = f", accuracy {snap.accuracies[-1] * 100:.0f}%" if self.settings.boundary else ""
                self.message = f"done: loss {snap.losses[-1]:.4f}{acc} after {snap.k} steps. [[reset]] starts again"

    def _grid_points(self, grid: tuple[int, int] | None = None) -> tuple[tuple[float, ...], tuple[float, ...]]:
        xs = [p[0] for p in self.trainer.xs]
        ys = [p[1] for p in self.trainer.xs]
        x0, x1 = min(xs) - 0.25, max(xs) + 0.25
        y0, y1 = min(ys) - 0.25, max(ys) + 0.25
        cols, rows = grid or self.grid
        gx = tuple(x0 + (x1 - x0) * i / (cols - 1) for j in range(rows) for i in range(cols))
        gy = tuple(y0 + (y1 - y0) * j / (rows - 1) for j in range(rows) for i in range(cols))
        return gx, gy

    def _boundary(self):
        from .train_child import boundary

        gx, gy = self._grid_points()
        return gx, gy, tuple(boundary(self.trainer.model, self.trainer.xs, self.grid))

    def _point_graph(self) -> Value:
        """The chosen point's loss term, built by the model's own forward pass on a copy of its
        parameters (so training's grads are untouched), each neuron's output labelled."""
        assert self.point is not None
        model = copy.deepcopy(self.trainer.model)
        x = self.trainer.xs[self.point]
        y = self.trainer.ys[self.point]
        acts: list[Value] = [Value(x[0], "x0"), Value(x[1], "x1")]
        for li, layer in enumerate(model.layers):
            acts = [n(acts) for n in layer.neurons]
            for ni, a in enumerate(acts):
                a.label = f"L{li}.n{ni}"
        score = acts[0]
        score.label = "score"
        loss = (1 + -y * score).relu()
        loss.label = f"loss of point {self.point}"
        loss.backward()
        return loss

    # --- actions ------------------------------------------------------------

    def on_run(self) -> None:
        if self.want_run:
            self.want_run = False
            self.message = f"paused at step {self.trainer.k}"
        elif self.finished:
            self.message = self.stopped_reason or f"the budget of {self.budget} steps is spent: [[reset]] starts again"
        else:
            self.want_run = True
            self.message = "training… [[run]] pauses"

    def on_step(self) -> None:
        self.want_run = False
        if self.finished:
            self.message = self.stopped_reason or f"the budget of {self.budget} steps is spent: [[reset]] starts again"
            return
        self.step()
        self.snap = self.snapshot()
        self.message = self.stopped_reason or f"step {self.trainer.k}: loss {fmt(self.snap.losses[-1])}"
        self.check_done()

    def check_done(self) -> None:
        s, goal = self.snap, self.settings
        if not s.losses or s.diverged:
            return
        if goal.goal_loss is not None and s.losses[-1] < goal.goal_loss and s.zero_grad:
            self.done = True
        if goal.goal_accuracy is not None and s.accuracies[-1] >= goal.goal_accuracy:
            self.done = True

    def on_reseed(self) -> None:
        self.seed = random.randrange(1, 100_000)
        self.reset()

    def on_zero_grad(self) -> None:
        self._zero_grad = self.trainer.zero_grad = not self.trainer.zero_grad
        self._restart()
        if not self.want_run:
            self.snap = self.snapshot()
        self.message = ("zero_grad is ON: each step starts from fresh gradients" if self.trainer.zero_grad else
                        "zero_grad is OFF (the lecture's bug): gradients pile up from step to step")

    def on_next_var(self) -> None:
        self.selected = (self.selected + 1) % len(self.knobs)
        self.message = f"[[less]] and [[more]] now change {self.knobs[self.selected].name}"

    def _set_knob(self, knob: Knob, value: float) -> None:
        knob.value = int(round(value)) if knob.integer else value
        self._restart()
        if knob.name in SHAPE_KNOBS:
            self._reshape()
            return
        if knob.name == "lr":
            self.trainer.learning_rate = knob.value
        if knob.name == "batch":
            self.trainer.batch_size = int(knob.value) or None
        self.message = f"{knob.name} = {knob.show()}"

    def on_less(self) -> None:
        k = self.knobs[self.selected]
        value = k.value / k.factor if k.value else 0
        if k.name == "speed" and value < 1:
            value = 0
        self._set_knob(k, max(k.lo, value))

    def on_more(self) -> None:
        k = self.knobs[self.selected]
        value = k.value * k.factor if k.value else (k.start or (1 if k.integer else k.lo))
        if k.name == "speed" and k.value == 0:
            value = 1
        self._set_knob(k, min(k.hi, value))

    def on_dataset(self) -> None:
        names = list(DATASETS)
        self.dataset = names[(names.index(self.dataset) + 1) % len(names)] if self.dataset in names else names[0]
        self.point = None
        noise = self.knob("noise")
        if noise is not None:  # each set has its own natural spread
            noise.value = default_noise(self.dataset)
            self.settings = replace(self.settings, noise=noise.value)
        self.reset()
        self.message = f"dataset: {self.dataset}"

    def on_point(self) -> None:
        n = len(self.trainer.xs)
        self.point = 0 if self.point is None else (self.point + 1 if self.point + 1 < n else None)
        if not self.want_run:
            self.snap = self.snapshot()
        if self.point is None:
            self.message = "point graph hidden"
        else:
            x = self.trainer.xs[self.point]
            self.message = (f"point {self.point} at ({fmt(x[0], 2)}, {fmt(x[1], 2)}), "
                            f"label {self.trainer.ys[self.point]:+.0f}")

    def current_field(self) -> str | None:
        return self.knobs[self.selected].name

    def key_words(self) -> dict[str, str]:
        k = self.knobs[self.selected]
        words = {"less": f"{k.name} ÷ {k.factor:g}", "more": f"{k.name} × {k.factor:g}",
                 "next_var": f"pick {self.knobs[(self.selected + 1) % len(self.knobs)].name}",
                 "reseed": "new random weights"}
        if self.settings.boundary:
            words["dataset"] = "next dataset"
            words["point"] = "next point's graph"
        return words

    def fields(self) -> list[Field]:
        return [Field(k.name, f"{k.name} =", k.show()) for k in self.knobs]

    def submit(self, name: str, text: str) -> bool:
        knob = self.knob(name)
        if knob is None:
            self.message = "nothing to type here"
            return False
        try:
            value = parse_number(text, lo=knob.lo, hi=knob.hi)
        except NumberError as e:
            self.message = f"{name}: {e}"
            return False
        if knob.integer and value != int(value):
            self.message = f"{name}: type a whole number"
            return False
        self._set_knob(knob, value)
        if name == "batch":  # a new batch size starts the run over
            self.reset()
        return True

    # --- what to show --------------------------------------------------------

    def panels(self) -> list[Panel]:
        s = self.snap
        rows = [("step", f"{s.k} of {self.budget}"), ("loss", fmt(s.losses[-1]) if s.losses else "—")]
        if self.settings.boundary:
            rows.append(("accuracy", f"{s.accuracies[-1] * 100:.0f}%" if s.accuracies else "—"))
            rows.append(("dataset", f"{self.dataset}, {len(self.trainer.xs)} points"))  # noise: a knob row below
            rows.append(("learning rate", fmt(self.trainer.lr_at(s.k))))
        else:
            rows.append(("zero_grad", "on" if s.zero_grad else "OFF (bug)"))
            for i, (p, t) in enumerate(zip(s.predictions, self.trainer.ys)):
                rows.append((f"ypred{i} (want {t:+.0f})", f"{p:+.4f}"))
        for i, k in enumerate(self.knobs):
            rows.append((k.name + (" ◀" if i == self.selected else ""), k.show()))
        rows.append(("parameters", str(len(self.trainer.model.parameters()))))
        rows.append(("seed", str(self.seed)))
        shown: list[Panel] = [FactsPanel(tuple(rows))]
        if s.point_graph is not None:
            shown.append(GraphPanel(s.point_graph, "one point's graph"))
        shown += self._plots()
        return shown

    def _plots(self) -> list[PlotPanel]:
        s = self.snap
        first = max(1, s.k - len(s.losses) + 1)
        # A long run keeps up to 10,000 losses; a terminal plot shows a few hundred columns.
        stride = max(1, len(s.losses) // PLOT_POINTS)
        steps = list(range(first, first + len(s.losses), stride))
        shown = [x if math.isfinite(x) else math.nan for x in s.losses[::stride]]
        series = [Series(steps, shown, "loss")]
        with_acc = self.settings.boundary and bool(s.accuracies)
        if with_acc:
            series.append(Series(steps, list(s.accuracies[::stride]), "accuracy", role="good"))
        curve = PlotPanel("loss" + (" and accuracy" if self.settings.boundary else "") + " by step", tuple(series))
        if not self.settings.boundary:
            return [curve]
        # The boundary's panel is always there (empty until it is first scored), so the screen keeps its plots.
        gx, gy, gl = s.boundary if s.boundary is not None else ((), (), ())
        xs, ys = self.trainer.xs, self.trainer.ys
        pos = [p for p, y in zip(xs, ys) if y > 0]
        neg = [p for p, y in zip(xs, ys) if y <= 0]
        bg_pos = [(x, y) for x, y, lab in zip(gx, gy, gl) if lab > 0]
        bg_neg = [(x, y) for x, y, lab in zip(gx, gy, gl) if lab <= 0]
        boundary = PlotPanel(
            "decision boundary",
            (
                Series([p[0] for p in bg_neg], [p[1] for p in bg_neg], "", scatter=True, marker="·", role="negative"),
                Series([p[0] for p in bg_pos], [p[1] for p in bg_pos], "", scatter=True, marker="+", role="positive"),
                Series([p[0] for p in neg], [p[1] for p in neg], "-1", scatter=True, marker="●",
                       role="negative-strong"),
                Series([p[0] for p in pos], [p[1] for p in pos], "+1", scatter=True, marker="◆",
                       role="positive-strong"),
            ),
            xlim=(min(gx), max(gx)) if gx else None, ylim=(min(gy), max(gy)) if gy else None, canvas=True,
        )
        return [curve, boundary]


def _score(model: MLP, x) -> float:
    out = model.predict(x)
    return out if isinstance(out, float) else out[0]


def _finite(x: float) -> float:
    return x if math.isfinite(x) else math.nan
