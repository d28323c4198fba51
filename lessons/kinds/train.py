"""Gradient descent on an MLP, step by step or running: the lecture's net (lesson 14) and the demo (lesson 16).

What to train is a :class:`TrainSettings` (the defaults: model, data, loss, knobs, goal);
the lab's current choices make a *setup* (a small dict of plain data, ``setup()``), and
``train_child.make_run(setup)`` builds the trainer from it, in this process and in the
child process that trains while the lab runs, so both train the very same thing. A setup
is also what "share" writes and ``--setup FILE`` reads.

The demo is a playground (``TrainSettings.playground``): data, net, loss, learning rate,
decay, regularisation and batch are all controls, and changing any of them starts the run
over from step 0 (running on if it was running), so a setup and a seed always say what a
run was.
"""

from __future__ import annotations

import copy
import json
import math
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from micrograd_tui.engine import Value
from micrograd_tui.engine.data import DATASETS, default_noise

from ..lab import PICKED, FactsPanel, Field, GraphPanel, Job, Lab, Panel, PlotPanel, SaveScreen, Series, SurfacePanel, SurfacePoint
from ..numtext import NumberError, fmt, parse_number
from .train_child import data_box, make_run, restore, surface, test_result

PLOT_POINTS = 400  # at most this many points of a curve are plotted
SURFACE_COST = 2_500_000  # samples x parameters scored per surface at most (~80 ms; a coarser grid past that)
MAX_LAYERS, MAX_WIDTH = 6, 64
LAYER_CHARS = r"[0-9, \[\]]*"  # what the layers field lets through: 8, 8 or [8, 8]
LOSS_NAMES = {"svm": "max-margin (svm)", "squared": "squared error", "mse": "sum of squares"}
SETUP_VERSION = 1


@dataclass
class Knob:
    name: str
    value: float
    lo: float
    hi: float
    integer: bool = False
    factor: float = 2.0  # less and more divide or multiply by this ...
    start: float = 0.0  # ... and more gives this from 0 (0: the least it may be, or 1 for a whole number)
    step: float = 0.0  # ... or, when set, less and more subtract or add this
    unit: str = ""
    zero: str = ""  # a word shown for 0 and taken when typed ("all" points in a batch, "full" speed)

    def show(self) -> str:
        if self.zero and self.value == 0:
            return self.zero
        return (str(int(self.value)) if self.integer else f"{self.value:g}") + self.unit

    def problem(self, value: float) -> str | None:
        """What is wrong with ``value`` for this knob, or None."""
        if not self.lo <= value <= self.hi:
            return f"{self.name} must be a number from {self.lo:g} to {self.hi:g}"
        if self.integer and value != int(value):
            return f"{self.name} must be a whole number"
        return None

    def less(self) -> float:
        if self.step:
            return max(self.lo, round(self.value - self.step, 10))
        value = self.value / self.factor if self.value else 0
        if self.name == "speed" and value < 1:
            value = 0
        return max(self.lo, value)

    def more(self) -> float:
        if self.step:
            return min(self.hi, round(self.value + self.step, 10))
        value = self.value * self.factor if self.value else (self.start or (1 if self.integer else self.lo))
        return min(self.hi, value)


@dataclass(frozen=True)
class TrainSettings:
    """What a training lab trains by default, on what, toward what."""

    layers: tuple[int, ...]
    flavour: str  # "lecture" (tanh everywhere) or "micrograd" (hidden activation, linear output)
    loss: str  # one of engine.train.LOSSES
    data: str | None  # a name in DATASETS, or None for the lecture's four samples
    knobs: tuple[Knob, ...]  # "lr" alone is a fixed learning rate; with "decay" it falls over the run
    goal_loss: float | None = None  # finished when the loss is under this (with zero_grad on) ...
    goal_accuracy: float | None = None  # ... or the accuracy at least this
    points: int = 100
    activation: str = "relu"
    playground: bool = False  # every control is on the screen, and a change starts the run over
    losses: tuple[str, ...] = ()  # the losses a learner may choose between


LECTURE = TrainSettings((4, 4, 1), "lecture", "mse", None, (
    Knob("lr", 0.05, 1e-4, 100.0), Knob("steps", 100, 1, 100_000, True), Knob("speed", 30, 0, 10_000, True, zero="full"),
), goal_loss=0.2)

DEMO = TrainSettings((16, 16, 1), "micrograd", "svm", "moons", (
    Knob("points", 100, 25, 1000, True), Knob("noise", 0.1, 0.0, 1.0, start=0.02),
    Knob("test", 30, 0, 90, True, step=10, unit="%"),
    Knob("lr", 1.0, 1e-3, 10.0), Knob("decay", 0.9, 0.0, 1.0, step=0.1),
    Knob("l2", 1e-4, 0.0, 1.0, factor=10, start=1e-5), Knob("l1", 0.0, 0.0, 1.0, factor=10, start=1e-5),
    Knob("batch", 0, 0, 1000, True, zero="all"), Knob("steps", 100, 1, 10_000, True),
    Knob("speed", 0, 0, 10_000, True, zero="full"),
), goal_accuracy=0.95, playground=True, losses=("svm", "squared"))
BIG_RUN = 200  # more points than this train in mini-batches unless the learner asks for the full batch
LIVE_BATCH = 100
DATA_CHOICES: tuple[str | None, ...] = (*DATASETS, None)  # None: the lecture's four points
CHOICES = {"activation": ("relu", "tanh")}  # and "loss": the settings' losses


@dataclass(frozen=True)
class TrainSnapshot:
    k: int  # steps taken
    losses: tuple[float, ...]
    accuracies: tuple[float, ...]
    predictions: tuple[float, ...]
    surface: tuple[int, int, tuple[float, ...]] | None  # (cols, rows, scores) of the decision surface
    point_graph: Value | None
    zero_grad: bool
    diverged: bool
    test: tuple[tuple[int, float, float], ...] = ()  # (step, loss, accuracy) on the held-out points


class TrainLab(Lab):
    def __init__(self, settings: TrainSettings, seed: int = 1337):
        super().__init__()
        self.settings = settings
        self.seed = seed
        self.dataset = settings.data
        self.layers = settings.layers
        self.activation = settings.activation
        self.loss = settings.loss
        self.point: int | None = None  # index (train points, then test points) of the point whose graph is shown
        self.knobs = [copy.copy(k) for k in settings.knobs]
        self.controls = [k.name for k in self.knobs]  # what next_var walks through
        actions = {"run", "step", "reset", "reseed", "less", "more", "next_var"}
        if settings.flavour == "lecture":
            actions.add("zero_grad")
        if settings.playground:
            self.controls[3:3] = ["layers", "activation"] + (["loss"] if len(settings.losses) > 1 else [])
            actions |= {"dataset", "point", "prev_var", "share"}
            self.one_field = True
        self.actions = frozenset(actions)
        self.shows = frozenset({FactsPanel, PlotPanel} | ({GraphPanel, SurfacePanel} if settings.playground else set()))
        self.stops_job = frozenset({"step", "reset"})
        self.selected = 0
        # the surface's size on screen, in cells, and the grid scored for it: none until the screen says
        self.cells: tuple[int, int] | None = None
        self.grid: tuple[int, int] | None = None
        self.want_run = False  # the learner asked it to run; the runner makes it so
        self._job: Job | None = None  # the child process training while it runs
        self._child_predictions: tuple[float, ...] | None = None
        self.stopped_reason = ""
        self._zero_grad = True
        self.shared: Path | None = None  # where the last share went
        self.reset()

    def knob(self, name: str) -> Knob | None:
        return next((k for k in self.knobs if k.name == name), None)

    def _knob_value(self, name: str, default: float) -> float:
        k = self.knob(name)
        return k.value if k is not None else default

    @property
    def budget(self) -> int:
        return int(self._knob_value("steps", 100))

    @property
    def has_plane(self) -> bool:
        """Two inputs: a decision surface to draw."""
        return self.dataset is not None

    # --- the setup: everything a run is made from ------------------------------------

    def setup(self) -> dict[str, Any]:
        """The current setup as plain data: what make_run builds from, what share writes."""
        has_decay = self.knob("decay") is not None
        noise, l2 = self.knob("noise"), self.knob("l2")
        return {
            "data": self.dataset, "points": int(self._knob_value("points", self.settings.points)),
            "noise": noise.value if noise is not None else None, "test": self._knob_value("test", 0) / 100,
            "layers": list(self.layers), "flavour": self.settings.flavour, "activation": self.activation,
            "loss": self.loss, "lr": self._knob_value("lr", 1.0), "decay": self._knob_value("decay", 0) if has_decay
            else None, "l2": l2.value if l2 is not None else None,
            "l1": self._knob_value("l1", 0.0), "batch": int(self._knob_value("batch", 0)), "steps": self.budget,
            "zero_grad": self._zero_grad, "seed": self.seed,
        }

    def load_setup(self, setup: Mapping[str, Any]) -> None:
        """Take a shared setup (``setup()``'s keys, or a whole shared file with one under "setup")."""
        if not self.settings.playground:
            raise ValueError("only the demo takes a setup file")
        if isinstance(setup.get("setup"), Mapping):
            setup = setup["setup"]
        unknown = set(setup) - set(self.setup())
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        data = setup.get("data", self.dataset)
        if data not in DATA_CHOICES:
            raise ValueError(f"data must be one of {', '.join(str(d) for d in DATA_CHOICES)}, not {data!r}")
        layers = setup.get("layers", list(self.layers))
        if not (isinstance(layers, list) and layers and layers[-1] == 1):
            raise ValueError("layers must be a list of sizes ending with the output's 1, such as [8, 8, 1]")
        hidden = tuple(layers[:-1])
        problem = _layers_problem(hidden)
        if problem:
            raise ValueError(problem)
        activation, loss = setup.get("activation", self.activation), setup.get("loss", self.loss)
        if activation not in CHOICES["activation"]:
            raise ValueError(f"activation must be relu or tanh, not {activation!r}")
        if loss not in self.settings.losses:
            raise ValueError(f"loss must be one of {', '.join(self.settings.losses)}, not {loss!r}")
        seed = setup.get("seed", self.seed)
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise ValueError(f"seed must be a whole number, not {seed!r}")
        values: dict[str, float] = {}
        for k in self.knobs:
            raw = setup.get(k.name)
            if raw is None or k.name == "speed":
                continue
            if isinstance(raw, bool) or not isinstance(raw, (int, float)):
                raise ValueError(f"{k.name} must be a number, not {raw!r}")
            value = round(raw * 100, 6) if k.name == "test" else raw  # a share in the file, a percent here
            problem = k.problem(value)
            if problem:
                raise ValueError(f"{problem}, not {raw!r}")
            values[k.name] = value
        self.dataset, self.layers, self.activation, self.loss, self.seed = data, (*hidden, 1), activation, loss, seed
        for name, value in values.items():
            self.knob(name).value = int(value) if self.knob(name).integer else value  # type: ignore[union-attr]
        self._zero_grad = bool(setup.get("zero_grad", True))
        self.point = None
        self.reset()
        self.message = f"the setup is loaded (seed {seed}): [[run]] runs it"

    # --- building and stepping -------------------------------------------

    def reset(self) -> None:
        self.want_run = False
        self._job = None
        self._child_predictions = None
        self.trainer, self.test_xs, self.test_ys = make_run(self.setup())
        # what the surface shows of the data: fixed for a run, so worked out once here
        self.box = data_box(self.trainer.xs + self.test_xs) if self.has_plane else None
        self.surface_points = tuple(SurfacePoint(x[0], x[1], y, test) for x, y, test in self._all_points())
        self.grid = self._grid_for(self.cells)
        self.test_history: list[tuple[int, float, float]] = []
        self._test_now()
        self.stopped_reason = ""
        self._surface_cache: tuple[int, tuple[int, int, tuple[float, ...]]] | None = None
        self.snap = self.snapshot()
        self.message = f"seed {self.seed}: [[run]] runs, [[step]] takes one step"

    def _test_now(self) -> None:
        tested = test_result(self.trainer, self.test_xs, self.test_ys)
        if tested is not None:
            self.test_history.append((self.trainer.k, *tested))

    def _grid_for(self, cells: tuple[int, int] | None) -> tuple[int, int] | None:
        """Samples across and down for a surface of this many cells: two per cell, one above the
        other, fewer (and drawn bigger) when the net is so large that scoring them would be slow."""
        if cells is None:
            return None
        cols, rows = max(4, cells[0]), max(4, 2 * cells[1])
        params = len(self.trainer.model.parameters())
        if cols * rows * params > SURFACE_COST:
            shrink = math.sqrt(SURFACE_COST / (cols * rows * params))
            cols, rows = max(4, int(cols * shrink)), max(4, int(rows * shrink))
        return cols, rows

    def canvas(self, cols: int, rows: int) -> None:
        """The surface's size in cells on screen: its grid follows (a running child keeps its own)."""
        self.cells = (cols, rows)
        grid = self._grid_for(self.cells)
        if grid != self.grid:
            self.grid = grid
            if not self.want_run:
                self._surface_cache = None
                self.snap = self.snapshot()

    @property
    def finished(self) -> bool:
        return self.trainer.k >= self.budget or self.trainer.diverged

    def pace(self) -> float:
        return self._knob_value("speed", 0)

    def step(self) -> None:
        """One step of training (touches no screen)."""
        self.trainer.step()
        self._test_now()
        if self.trainer.diverged:
            self.stopped_reason = self._diverged_reason()

    def _diverged_reason(self) -> str:
        return (f"the loss became {fmt(self.trainer.history[-1].loss)} at step {self.trainer.k}: "
                "the learning rate is too large. Lower it and press [[reset]]")

    def snapshot(self, score: bool = True) -> TrainSnapshot:
        """What the screen shows, copied. ``score=False`` keeps the surface the child last scored."""
        t = self.trainer
        hist = list(t.history)
        surf = None
        preds: tuple[float, ...] = ()
        if self.has_plane:
            if score and self.grid and (self._surface_cache is None or self._surface_cache[0] != t.k
                          or self._surface_cache[1][:2] != self.grid):
                self._surface_cache = (t.k, (*self.grid, tuple(surface(t.model, self.box, *self.grid))))
            surf = self._surface_cache[1] if self._surface_cache else None
        elif not score and self._child_predictions is not None:
            preds = self._child_predictions
        else:
            preds = tuple(_finite(_score(t.model, x)) for x in t.xs)
        return TrainSnapshot(
            k=t.k,
            losses=tuple(s.loss for s in hist),
            accuracies=tuple(s.accuracy for s in hist),
            predictions=preds,
            surface=surf,
            point_graph=self._point_graph() if self.point is not None else None,
            zero_grad=t.zero_grad,
            diverged=t.diverged,
            test=tuple(self.test_history),
        )

    # --- running in a child process ------------------------------------------------

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
        t = self.trainer
        return {
            "setup": self.setup(), "k": t.k,
            "params": [p.data for p in t._params], "grads": [p.grad for p in t._params],
            "pace": self.pace(), "grid": list(self.grid) if self.has_plane and self.grid else None,
            "predictions": not self.settings.playground, "rng": list(t._rng.getstate()),
        }

    def take_child_lines(self, lines: list[dict], problem: str, final: bool) -> None:
        """What the child said, taken into this lab's trainer: steps, parameters, surface, predictions."""
        from micrograd_tui.engine.train import Step

        t = self.trainer
        for line in lines:
            k0 = line["k"] - len(line["steps"])
            for i, (loss, acc, lr) in enumerate(line["steps"]):
                t.history.append(Step(k0 + i, loss if loss is not None else math.nan, acc, lr))
            restore(t, line)
            if "surface" in line:
                cols, rows = line["grid"]
                self._surface_cache = (t.k, (cols, rows, tuple(line["surface"])))
            if "test" in line:
                loss, acc = line["test"]
                self.test_history.append((t.k, loss if loss is not None else math.nan, acc))
            if "predictions" in line:
                self._child_predictions = tuple(_finite(x) if x is not None else math.nan
                                                for x in line["predictions"])
        if t.diverged and not self.stopped_reason:
            self.stopped_reason = self._diverged_reason()
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
                acc = f", accuracy {snap.accuracies[-1] * 100:.0f}%" if self.settings.playground else ""
                self.message = f"done: loss {snap.losses[-1]:.4f}{acc} after {snap.k} steps. [[reset]] starts again"

    def _all_points(self) -> list[tuple[list[float], float, bool]]:
        t = self.trainer
        return [(x, y, False) for x, y in zip(t.xs, t.ys)] + [(x, y, True) for x, y in zip(self.test_xs, self.test_ys)]

    def _point_graph(self) -> Value:
        """The chosen point's loss term, built by the model's own forward pass on a copy of its
        parameters (so training's grads are untouched), each neuron's output labelled."""
        assert self.point is not None
        model = copy.deepcopy(self.trainer.model)
        x, y, test = self._all_points()[self.point]
        acts: list[Value] = [Value(xi, f"x{i}") for i, xi in enumerate(x)]
        for li, layer in enumerate(model.layers):
            acts = [n(acts) for n in layer.neurons]
            for ni, a in enumerate(acts):
                a.label = f"L{li}.n{ni}"
        score = acts[0]
        score.label = "score"
        loss = (1 + -y * score).relu() if self.loss == "svm" else (score - y) ** 2
        loss.label = f"loss of {'test ' if test else ''}point {self.point}"
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

    def _start_over(self, what: str) -> None:
        """A control changed: the run starts over from step 0 with it, and runs on if it was running."""
        running = self.want_run
        self.point = None
        self.reset()
        if running:
            self.want_run = True
            self.message = f"{what}: the run started over from step 0 with it"
        else:
            self.message = f"{what}: back to step 0 with it; [[run]] runs"

    def on_reseed(self) -> None:
        self.seed = random.randrange(1, 100_000)
        if self.settings.playground:
            self._start_over(f"seed {self.seed}: new data and weights")
        else:
            self.reset()

    def on_zero_grad(self) -> None:
        self._zero_grad = self.trainer.zero_grad = not self.trainer.zero_grad
        self._restart()
        if not self.want_run:
            self.snap = self.snapshot()
        self.message = ("zero_grad is ON: each step starts from fresh gradients" if self.trainer.zero_grad else
                        "zero_grad OFF (the lecture's bug): grads pile up step after step; an easy problem "
                        "can still seem to train, which is how it hides")

    def on_next_var(self) -> None:
        self._pick(1)

    def on_prev_var(self) -> None:
        self._pick(-1)

    def _pick(self, by: int) -> None:
        self.selected = (self.selected + by) % len(self.controls)
        name = self.controls[self.selected]
        typed = " (or type a value)" if self.knob(name) or name == "layers" else ""
        self.message = f"[[less]] and [[more]] now change {name}{typed}"

    def _set_knob(self, knob: Knob, value: float) -> None:
        knob.value = int(round(value)) if knob.integer else value
        what = f"{knob.name} = {knob.show()}"
        if self.settings.playground and knob.name != "speed":
            live = ""
            if knob.name == "points" and self.knob("batch") and self._knob_value("batch", 0) == 0 and value > BIG_RUN:
                self.knob("batch").value = LIVE_BATCH  # type: ignore[union-attr]
                live = f" (batch {LIVE_BATCH} keeps it live; type all for the full batch, about a step a second)"
            self._start_over(what + live)
            return
        self._restart()
        if knob.name == "lr":
            self.trainer.learning_rate = knob.value
        self.message = what

    def _set_choice(self, name: str, by: int) -> None:
        options: tuple[str, ...] = CHOICES["activation"] if name == "activation" else self.settings.losses
        now = getattr(self, name)
        setattr(self, name, options[(options.index(now) + by) % len(options)])
        shown = getattr(self, name)
        self._start_over(f"{name} = {LOSS_NAMES.get(shown, shown)}")

    def _set_layers(self, hidden: tuple[int, ...]) -> None:
        self.layers = (*hidden, 1)
        self._start_over(f"hidden layers = {_show_layers(hidden)}")

    def _change(self, by: int) -> None:
        name = self.controls[self.selected]
        if name in ("activation", "loss"):
            self._set_choice(name, by)
        elif name == "layers":
            hidden = self.layers[:-1] or (1,)
            scaled = tuple(min(MAX_WIDTH, max(1, w * 2 if by > 0 else w // 2)) for w in hidden)
            self._set_layers(scaled)
        else:
            knob = self.knob(name)
            assert knob is not None
            self._set_knob(knob, knob.more() if by > 0 else knob.less())

    def on_less(self) -> None:
        self._change(-1)

    def on_more(self) -> None:
        self._change(1)

    def on_dataset(self) -> None:
        self.dataset = DATA_CHOICES[(DATA_CHOICES.index(self.dataset) + 1) % len(DATA_CHOICES)]
        noise = self.knob("noise")
        if noise is not None and self.dataset is not None:  # each set has its own natural spread
            noise.value = default_noise(self.dataset)
        name = self.dataset or "the lecture's 4 points (3 inputs: no plane to draw)"
        self._start_over(f"dataset: {name}")

    def on_point(self) -> None:
        n = len(self._all_points())
        self.point = 0 if self.point is None else (self.point + 1 if self.point + 1 < n else None)
        if not self.want_run:
            self.snap = self.snapshot()
        if self.point is None:
            self.message = "no point picked"
        else:
            x, y, test = self._all_points()[self.point]
            where = ", ".join(fmt(v, 2) for v in x)
            self.message = (f"{'test ' if test else ''}point {self.point} at ({where}), label {y:+.0f}, "
                            "marked ◉ on the surface: [[point]] picks the next")

    def on_share(self) -> None:
        """Write this run's setup and result, and a picture of the screen, into the workspace."""
        from ..workshop.workspace import default_workspace

        folder = default_workspace() / "runs"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            self.message = f"could not make {folder}: {e.strerror or e}"
            return
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = folder / f"demo-{stamp}.json"
        n = 1
        while path.exists():
            n += 1
            path = folder / f"demo-{stamp}-{n}.json"
        s = self.snap
        last_test = s.test[-1] if s.test else None
        result = {"steps": s.k, "loss": _json_number(s.losses[-1]) if s.losses else None,
                  "accuracy": s.accuracies[-1] if s.accuracies else None,
                  "test_loss": _json_number(last_test[1]) if last_test else None,
                  "test_accuracy": last_test[2] if last_test else None}
        shared = {"lesson": "demo", "version": SETUP_VERSION, "setup": self.setup(), "result": result}
        try:
            path.write_text(json.dumps(shared, indent=2) + "\n", encoding="utf-8")
        except OSError as e:
            self.message = f"could not write {path}: {e.strerror or e}"
            return
        self.requests.append(SaveScreen(path.with_suffix(".svg")))
        self.shared = path
        home = str(Path.home())
        where = str(folder).replace(home, "~", 1) if str(folder).startswith(home) else str(folder)
        self.message = f"saved {path.stem}.json (the setup) and .svg (the screen) in {where}"

    def current_field(self) -> str | None:
        return self.controls[self.selected]

    def key_words(self) -> dict[str, str]:
        name = self.controls[self.selected]
        nxt = self.controls[(self.selected + 1) % len(self.controls)]
        knob = self.knob(name)
        if knob is not None and knob.step:
            less, more = f"{name} − {knob.step:g}", f"{name} + {knob.step:g}"
        elif knob is not None:
            less, more = f"{name} ÷ {knob.factor:g}", f"{name} × {knob.factor:g}"
        elif name == "layers":
            less, more = "layers ÷ 2", "layers × 2"
        else:
            less = more = f"change {name}"
        words = {"less": less, "more": more, "next_var": f"pick {nxt}", "reseed": "new random weights"}
        if self.settings.playground:
            words |= {"reseed": "new data and weights", "dataset": "next dataset", "point": "pick a point",
                      "prev_var": "pick the one before", "share": "share this run"}
        return words

    def fields(self) -> list[Field]:
        out = []
        for name in self.controls:
            knob = self.knob(name)
            if knob is not None:
                out.append(Field(name, f"{name} =", knob.show()))
            elif name == "layers":
                out.append(Field("layers", "hidden layers =", _show_layers(self.layers[:-1]), number=False,
                                 chars=LAYER_CHARS))
            else:
                options = CHOICES["activation"] if name == "activation" else self.settings.losses
                out.append(Field(name, f"{name} =", LOSS_NAMES.get(getattr(self, name), getattr(self, name)),
                                 number=False, choices=options))
        return out

    def submit(self, name: str, text: str) -> bool:
        if name == "layers":
            hidden = _parse_layers(text)
            if isinstance(hidden, str):
                self.message = f"layers: {hidden}"
                return False
            self._set_layers(hidden)
            return True
        knob = self.knob(name)
        if knob is None:
            self.message = "nothing to type here"
            return False
        try:
            value = 0.0 if knob.zero and text.strip().lower() == knob.zero else parse_number(text, lo=knob.lo, hi=knob.hi)
        except NumberError as e:
            self.message = f"{name}: {e}" + (f" (or {knob.zero})" if knob.zero else "")
            return False
        problem = knob.problem(value)
        if problem:
            self.message = problem
            return False
        self._set_knob(knob, value)
        return True

    # --- what to show --------------------------------------------------------

    def panels(self) -> list[Panel]:
        s = self.snap
        if not self.settings.playground:
            return [FactsPanel(tuple(self._lecture_rows())), *self._plots()]
        shown: list[Panel] = [FactsPanel(tuple(self._playground_rows()))]
        if s.point_graph is not None:
            shown.append(GraphPanel(s.point_graph, "the picked point's loss"))
        shown += self._plots()
        shown.append(self._surface())
        return shown

    def _lecture_rows(self) -> list[tuple[str, str]]:
        s = self.snap
        rows = [("step", f"{s.k} of {self.budget}"), ("loss", fmt(s.losses[-1]) if s.losses else "—"),
                ("zero_grad", "on" if s.zero_grad else "OFF (bug)")]
        for i, (p, t) in enumerate(zip(s.predictions, self.trainer.ys)):
            rows.append((f"ypred{i} (want {t:+.0f})", f"{p:+.4f}"))
        for i, k in enumerate(self.knobs):
            rows.append((k.name + (" ◀" if i == self.selected else ""), k.show()))
        rows.append(("parameters", str(len(self.trainer.model.parameters()))))
        rows.append(("seed", str(self.seed)))
        return rows

    def _playground_rows(self) -> list[tuple[str, str]]:
        s, t = self.snap, self.trainer
        test = s.test[-1] if s.test else None
        loss = fmt(s.losses[-1]) if s.losses else "—"
        acc = f"{s.accuracies[-1] * 100:.0f}%" if s.accuracies else "—"
        # short values: the side column is 30 wide on a narrow screen
        rows = [("step", f"{s.k} of {self.budget}"),
                ("train", f"{loss} {acc}" if s.losses else "no step yet"),
                ("held out", f"{fmt(test[1])} {test[2] * 100:.0f}%" if test else
                 ("none (test 0%)" if self.has_plane else "no test set"))]
        rows.append(("data", f"{self.dataset or 'lecture'} {len(t.xs)}+{len(self.test_xs)}"))
        rows.append(("params", f"{len(t.model.parameters())} seed {self.seed}"))
        current = self.controls[self.selected]
        for name in self.controls:
            knob = self.knob(name)
            if knob is not None:
                value = knob.show()
                if name == "lr" and knob.value != t.lr_at(s.k):
                    value += f", now {fmt(t.lr_at(s.k), 3)}"
                if name in ("points", "noise", "test") and not self.has_plane:
                    value += " (unused)"
            elif name == "layers":
                value = _show_layers(self.layers[:-1])
            else:
                value = getattr(self, name)
            rows.append(((PICKED if name == current else "  ") + name, value))
        return rows

    def _plots(self) -> list[PlotPanel]:
        s = self.snap
        # A long run keeps up to 10,000 losses; a terminal plot shows a few hundred columns.
        stride = max(1, len(s.losses) // PLOT_POINTS)
        first = s.k - len(s.losses)
        steps = list(range(first, s.k, stride))
        shown = [x if math.isfinite(x) else math.nan for x in s.losses[::stride]]
        if not self.settings.playground:
            return [PlotPanel("loss by step", (Series(steps, shown, "loss"),))]
        series = [Series(steps, shown, "train loss", marker="braille")]
        if s.test:
            tstride = max(1, len(s.test) // PLOT_POINTS)
            tk = [k for k, _, _ in s.test[::tstride]]
            series.append(Series(tk, [v for _, v, _ in s.test[::tstride]], "test loss", role="mark", marker="•"))
        if s.accuracies:
            series.append(Series(steps, [a * 100 for a in s.accuracies[::stride]], "accuracy %",
                                 role="good", marker="·", axis="right"))
        return [PlotPanel("loss and accuracy by step", tuple(series), xlabel="step")]

    def _surface(self) -> SurfacePanel:
        s = self.snap
        if not self.has_plane:
            return SurfacePanel("decision surface", 0, 0, (), (0.0, 1.0), (0.0, 1.0),
                                note="the lecture's points have 3 inputs: there is no plane to draw. "
                                     "[[dataset]] picks another dataset")
        assert self.box is not None
        cols, rows, scores = s.surface if s.surface is not None else (0, 0, ())
        return SurfacePanel(self.dataset or "", cols, rows, scores, *self.box, self.surface_points, self.point)


def _parse_layers(text: str) -> tuple[int, ...] | str:
    """Hidden layer sizes from ``8, 8`` or ``[8, 8]``, or what is wrong."""
    inner = text.strip().removeprefix("[").removesuffix("]").strip()
    if not inner:
        return "type the hidden layers' sizes, such as 8, 8 (the output's 1 is added)"
    parts = [p for p in re.split(r"[,\s]+", inner) if p]
    if not all(p.isdigit() for p in parts):
        return f"type whole numbers separated by commas, such as 8, 8 (not {text.strip()!r})"
    sizes = tuple(int(p) for p in parts)
    return _layers_problem(sizes) or sizes


def _layers_problem(sizes: tuple) -> str | None:
    """What is wrong with these hidden layer sizes, or None."""
    if not sizes:
        return "at least one hidden layer"
    if len(sizes) > MAX_LAYERS:
        return f"at most {MAX_LAYERS} hidden layers"
    if not all(isinstance(w, int) and not isinstance(w, bool) and 1 <= w <= MAX_WIDTH for w in sizes):
        return f"each layer has 1 to {MAX_WIDTH} neurons"
    return None


def _show_layers(hidden: tuple[int, ...]) -> str:
    return ", ".join(str(w) for w in hidden) if hidden else "none"


def _score(model, x) -> float:
    out = model.predict(x)
    return out if isinstance(out, float) else out[0]


def _finite(x: float) -> float:
    return x if math.isfinite(x) else math.nan


def _json_number(x: float) -> float | None:
    return x if math.isfinite(x) else None


__all__ = ["Knob", "TrainSettings", "LECTURE", "DEMO", "TrainLab", "TrainSnapshot"]
