"""Training labs: the lecture's gradient descent (lesson 14) and the original demo (lesson 16).

The lab is driven from outside: the app calls :meth:`TrainLab.train_step` in a
worker thread and shows :meth:`TrainLab.snapshot` results, which are immutable
copies, so the screen never reads state the worker is changing.
"""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import dataclass

from micrograd_tui.engine import MLP, Trainer, Value
from micrograd_tui.engine.data import DATASETS, lecture_dataset
from micrograd_tui.engine.train import demo_learning_rate

from .labs import Field, GraphPanel, Lab, PlotPanel, Series
from .numbers import NumberError, fmt, parse_number

__all__ = ["TrainLab", "TrainSnapshot", "Knob"]

GRID_W, GRID_H = 36, 18  # decision-boundary grid (points scored per redraw) until the app sets one
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
    factor: float = 2.0  # [ and ] divide or multiply by this

    def show(self) -> str:
        if self.name == "speed" and self.value == 0:
            return "full"
        return str(int(self.value)) if self.integer else f"{self.value:g}"


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
    """Gradient descent on an MLP, step by step or running.

    ``setup`` is ``"lecture"`` (MLP(3,[4,4,1]) on the four samples, squared error)
    or ``"demo"`` (the original repository's two-moons run: MLP(2,[16,16,1]) ReLU,
    SVM loss + L2, learning rate 1.0 - 0.9·k/steps).
    """

    kind = "train"

    def __init__(self, setup: str, seed: int = 1337):
        if setup not in ("lecture", "demo"):
            raise ValueError(setup)
        self.setup = setup
        self.seed = seed
        self.dataset = "moons"
        self.point = None  # index of the data point whose graph is shown (demo)
        if setup == "lecture":
            self.knobs = [Knob("lr", 0.05, 1e-4, 100.0), Knob("steps", 100, 1, 100_000, True),
                          Knob("speed", 30, 0, 10_000, True)]
            self.actions = frozenset({"run", "step", "reset", "reseed", "zero_grad", "less", "more", "next_var"})
            self.task = "bring the loss under 0.2"
        else:
            self.knobs = [Knob("steps", 100, 1, 10_000, True), Knob("batch", 0, 0, 1000, True),
                          Knob("speed", 0, 0, 10_000, True)]
            self.actions = frozenset({"run", "step", "reset", "reseed", "less", "more", "next_var",
                                      "dataset", "point"})
            self.task = "reach 95% accuracy"
        self.selected = 0
        self.grid = (GRID_W, GRID_H)  # boundary points across and down; the app matches its plot's cells
        self.running = False  # set by the app while a worker thread trains; then only it snapshots
        # The app trains in a worker thread; it holds this lock around each step and
        # snapshot, and around any change it makes, so neither sees the other half-done.
        self.lock = threading.RLock()
        super().__init__()

    def knob(self, name: str) -> Knob:
        return next(k for k in self.knobs if k.name == name)

    # --- building and stepping -------------------------------------------

    def reset(self) -> None:
        super().reset()
        zero_grad = self.trainer.zero_grad if hasattr(self, "trainer") else True  # r keeps the mode
        if self.setup == "lecture":
            xs, ys = lecture_dataset()
            model = MLP(3, [4, 4, 1], seed=self.seed)
            self.trainer = Trainer(model, xs, ys, loss="mse", learning_rate=self.knob("lr").value,
                                   zero_grad=zero_grad)
        else:
            xs, ys = DATASETS[self.dataset](100, seed=self.seed)
            model = MLP(2, [16, 16, 1], flavour="micrograd", seed=self.seed)
            batch = int(self.knob("batch").value) or None
            self.trainer = Trainer(model, xs, ys, loss="svm", learning_rate=self._demo_lr, batch_size=batch,
                                   seed=self.seed)
        self.stopped_reason = ""
        self._boundary_cache = None  # (step, grid) of the last decision boundary scored
        self._boundary_at = 0.0
        self.snap = self.snapshot()
        self.message = f"seed {self.seed}: space runs, s takes one step"

    def set_grid(self, cols: int, rows: int) -> None:
        """Score the boundary at one point per plot cell (capped), so the drawing has no gaps."""
        grid = (max(8, min(cols, GRID_MAX[0])), max(4, min(rows, GRID_MAX[1])))
        if grid != self.grid:
            self.grid = grid
            self._boundary_cache = None

    def _demo_lr(self, k: int) -> float:
        return max(demo_learning_rate(k, int(self.knob("steps").value)), 0.0)

    @property
    def budget(self) -> int:
        return int(self.knob("steps").value)

    @property
    def finished(self) -> bool:
        return self.trainer.k >= self.budget or self.trainer.diverged

    def train_step(self) -> None:
        """One step of training (safe to call from a worker thread; touches no screen)."""
        self.trainer.step()
        if self.trainer.diverged:
            self.stopped_reason = (f"the loss became {fmt(self.trainer.history[-1].loss)} at step {self.trainer.k}: "
                                   "the learning rate is too large. Lower it and press r")

    def snapshot(self) -> TrainSnapshot:
        t = self.trainer
        hist = list(t.history)
        boundary = None
        if self.setup == "demo":
            # Scoring the grid costs about half a demo step; a few fresh boundaries a second are
            # plenty to watch it form, and the rest of the time goes to training.
            now = time.monotonic()
            if self._boundary_cache is None or self._boundary_cache[0] != t.k and (
                    now - self._boundary_at >= BOUNDARY_SECONDS or self.finished):
                self._boundary_cache = (t.k, self._boundary())
                self._boundary_at = now
            boundary = self._boundary_cache[1]
        if self.setup == "lecture":
            preds = tuple(_finite(t.model.predict(x)) for x in t.xs)
        else:
            preds = ()
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

    def _boundary(self):
        xs = [p[0] for p in self.trainer.xs]
        ys = [p[1] for p in self.trainer.xs]
        x0, x1 = min(xs) - 0.25, max(xs) + 0.25
        y0, y1 = min(ys) - 0.25, max(ys) + 0.25
        gx, gy, label = [], [], []
        model = self.trainer.model
        cols, rows = self.grid
        for j in range(rows):
            y = y0 + (y1 - y0) * j / (rows - 1)
            for i in range(cols):
                x = x0 + (x1 - x0) * i / (cols - 1)
                gx.append(x)
                gy.append(y)
                label.append(1.0 if _finite(model.predict([x, y])) > 0 else -1.0)
        return tuple(gx), tuple(gy), tuple(label)

    def _point_graph(self) -> Value:
        """The chosen point's loss term, built on copies of the parameters (so training's grads are untouched)."""
        model = self.trainer.model
        x = self.trainer.xs[self.point]
        y = self.trainer.ys[self.point]
        act_in = [Value(x[0], "x0"), Value(x[1], "x1")]
        for li, layer in enumerate(model.layers):
            outs = []
            for ni, n in enumerate(layer.neurons):
                act = Value(n.b.data, f"L{li}n{ni}.b")
                for wi, (w, xi) in enumerate(zip(n.w, act_in)):
                    act = act + Value(w.data, f"L{li}n{ni}.w{wi}") * xi
                if n.activation == "relu":
                    act = act.relu()
                act.label = f"L{li}n{ni}"
                outs.append(act)
            act_in = outs
        score = act_in[0]
        score.label = "score"
        loss = (1 + -y * score).relu()
        loss.label = f"loss of point {self.point}"
        loss.backward()
        return loss

    # --- actions ------------------------------------------------------------

    def on_step(self) -> None:
        if self.finished:
            self.message = self.stopped_reason or f"the budget of {self.budget} steps is spent: r starts again"
            return
        self.train_step()
        self.snap = self.snapshot()
        self.message = self.stopped_reason or f"step {self.trainer.k}: loss {fmt(self.snap.losses[-1])}"
        self.check_done()

    def check_done(self) -> None:
        s = self.snap
        if not s.losses or s.diverged:
            return
        if self.setup == "lecture" and s.losses[-1] < 0.2 and s.zero_grad:
            self.done = True
        if self.setup == "demo" and s.accuracies[-1] >= 0.95:
            self.done = True

    def on_reseed(self) -> None:
        self.seed = random.randrange(1, 100_000)
        self.reset()

    def on_zero_grad(self) -> None:
        self.trainer.zero_grad = not self.trainer.zero_grad
        if not self.running:
            self.snap = self.snapshot()
        self.message = ("zero_grad is ON: each step starts from fresh gradients" if self.trainer.zero_grad else
                        "zero_grad is OFF (the lecture's bug): gradients pile up from step to step")

    def on_next_var(self) -> None:
        self.selected = (self.selected + 1) % len(self.knobs)
        self.message = f"[ and ] now change {self.knobs[self.selected].name}"

    def _set_knob(self, knob: Knob, value: float) -> None:
        knob.value = int(round(value)) if knob.integer else value
        if knob.name == "lr" and self.setup == "lecture":
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
        value = k.value * k.factor if k.value else (1 if k.integer else k.lo)
        if k.name == "speed" and k.value == 0:
            value = 1
        self._set_knob(k, min(k.hi, value))

    def on_dataset(self) -> None:
        names = list(DATASETS)
        self.dataset = names[(names.index(self.dataset) + 1) % len(names)]
        self.point = None
        self.reset()
        self.message = f"dataset: {self.dataset}"

    def on_point(self) -> None:
        n = len(self.trainer.xs)
        self.point = 0 if self.point is None else (self.point + 1 if self.point + 1 < n else None)
        if not self.running:
            self.snap = self.snapshot()
        if self.point is None:
            self.message = "point graph hidden"
        else:
            x = self.trainer.xs[self.point]
            self.message = f"point {self.point} at ({fmt(x[0], 2)}, {fmt(x[1], 2)}), label {self.trainer.ys[self.point]:+.0f}"

    def fields(self) -> list[Field]:
        return [Field(k.name, f"{k.name} =", k.show()) for k in self.knobs]

    def submit(self, name: str, text: str) -> bool:
        knob = next((k for k in self.knobs if k.name == name), None)
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
        if name == "batch":
            self.reset()
        return True

    # --- what to show --------------------------------------------------------

    def facts(self) -> list[tuple[str, str]]:
        s = self.snap
        rows = [("step", f"{s.k} of {self.budget}")]
        rows.append(("loss", fmt(s.losses[-1]) if s.losses else "—"))
        if self.setup == "lecture":
            rows.append(("zero_grad", "on" if s.zero_grad else "OFF (bug)"))
            for i, (p, t) in enumerate(zip(s.predictions, self.trainer.ys)):
                rows.append((f"ypred{i} (want {t:+.0f})", f"{p:+.4f}"))
        else:
            rows.append(("accuracy", f"{s.accuracies[-1] * 100:.0f}%" if s.accuracies else "—"))
            rows.append(("dataset", f"{self.dataset}, {len(self.trainer.xs)} points"))
            rows.append(("learning rate", fmt(self._demo_lr(s.k))))
        for i, k in enumerate(self.knobs):
            rows.append((k.name + (" ◀" if i == self.selected else ""), k.show()))
        rows.append(("parameters", str(len(self.trainer.model.parameters()))))
        rows.append(("seed", str(self.seed)))
        return rows

    def graphs(self) -> list[GraphPanel]:
        if self.snap.point_graph is not None:
            return [GraphPanel(self.snap.point_graph, "one point's graph")]
        return []

    def plots(self) -> list[PlotPanel]:
        s = self.snap
        first = max(1, s.k - len(s.losses) + 1)
        # A long run keeps up to 10,000 losses; a terminal plot shows a few hundred columns.
        stride = max(1, len(s.losses) // PLOT_POINTS)
        steps = list(range(first, first + len(s.losses), stride))
        shown = [x if math.isfinite(x) else math.nan for x in s.losses[::stride]]
        series = [Series(steps, shown, "loss")]
        if self.setup == "demo" and s.accuracies:
            series.append(Series(steps, list(s.accuracies[::stride]), "accuracy", color="green"))
        curve = PlotPanel("loss" + (" and accuracy" if self.setup == "demo" else "") + " by step", series)
        if s.boundary is None:
            return [curve]
        gx, gy, gl = s.boundary
        xs, ys = self.trainer.xs, self.trainer.ys
        pos = [p for p, y in zip(xs, ys) if y > 0]
        neg = [p for p, y in zip(xs, ys) if y <= 0]
        bg_pos = [(x, y) for x, y, l in zip(gx, gy, gl) if l > 0]
        bg_neg = [(x, y) for x, y, l in zip(gx, gy, gl) if l <= 0]
        boundary = PlotPanel(
            "decision boundary",
            [
                Series([p[0] for p in bg_neg], [p[1] for p in bg_neg], "", kind="scatter", marker="·", color="blue"),
                Series([p[0] for p in bg_pos], [p[1] for p in bg_pos], "", kind="scatter", marker="+", color="red"),
                Series([p[0] for p in neg], [p[1] for p in neg], "-1", kind="scatter", marker="●", color="blue+"),
                Series([p[0] for p in pos], [p[1] for p in pos], "+1", kind="scatter", marker="◆", color="red+"),
            ],
            xlim=(min(gx), max(gx)), ylim=(min(gy), max(gy)),
        )
        return [curve, boundary]


def _finite(x: float) -> float:
    return x if math.isfinite(x) else math.nan
