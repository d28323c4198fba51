"""The demo as a playground (lesson 16): the original repository's two moons, with every choice a control.

Data, net, loss, learning rate, decay, regularisation and batch are all
controls, and changing any of them starts the run over from step 0 (running on
if it was running), so a setup and a seed always say what a run was. The screen
adds the decision surface, a held-out test set, and one point's loss graph.
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
import math
import random
import time
from pathlib import Path
from typing import Any, Mapping

from micrograd_tui.engine import Value
from micrograd_tui.engine.batched import WHY_NOT, available
from micrograd_tui.engine.data import classes, default_noise
from micrograd_tui.engine.train import CLASS_LOSSES, point_term

from ...lab import (PICKED, Deliver, FactsPanel, Field, GraphPanel, NetworkPanel, Panel, PlotPanel, SaveScreen, Series,
                   SurfacePanel, SurfacePoint)
from ...numtext import fmt
from .lab import TrainLab
from .network import layer_outputs, network_panel
from .owndata import MAX_POINTS, OWN, Point, classes_of, read_csv, split, workspace_csvs
from .past import Past
from .protocol import Line, Start
from .settings import (ACTIVATIONS, ENGINES, BIG_RUN, DATA_CHOICES, LAYER_CHARS, LIVE_BATCH, LOSS_NAMES, MAX_WIDTH, Knob,
                       TrainSettings, parse_layers, show_layers)
from .setup import SETUP_VERSION, Setup, data_box, surface
from .snapshot import TrainSnapshot

SURFACE_COST = 2_500_000  # samples x parameters scored per surface at most (~80 ms; a coarser grid past that)


class DemoLab(TrainLab):
    def __init__(self, settings: TrainSettings, seed: int = 1337):
        self.point: int | None = None  # index (train points, then test points) of the point whose graph is shown
        # the surface's size on screen, in cells, and the grid scored for it: none until the screen says
        self.cells: tuple[int, int] | None = None
        self.grid: tuple[int, int] | None = None
        self.shared: Path | None = None  # where the last share went
        # the learner's own points (by hand, or a CSV): (training, held out), each (x, y, label); None: made
        # from the dataset. ``source`` says where they came from; ``_data_at`` is the place in the dataset cycle
        self.given: tuple[tuple[Point, ...], tuple[Point, ...]] | None = None
        self.source = settings.data or "lecture"
        self._data_at = DATA_CHOICES.index(settings.data)
        self.pen = 1.0  # the class the next point by hand gets
        self.cursor: tuple[float, float] | None = None  # where a point by hand goes (data coordinates)
        super().__init__(settings, seed)
        self.controls[3:3] = ["layers", "activation"] + (["loss"] if len(settings.losses) > 1 else [])
        self.controls.append("engine")  # scalars or tensors (the batched path), beside steps/s
        self.actions = (self.actions - {"zero_grad"}) | {"dataset", "point", "prev_var", "share", "network", "back",
                                                         "forward", "add_point", "remove_point", "pen"}
        self.shows = frozenset({FactsPanel, PlotPanel, GraphPanel, SurfacePanel, NetworkPanel})
        self.show_network = False  # the network panel in the loss curves' place ([[network]] switches)
        self.beat = 0  # with the network shown, a paused step goes in four beats: 1 forward ... 4 update
        self._beat_loss: Value | None = None
        self._beat_grads: list[float] = []  # each parameter's grad before the backward beat (zero_grad off keeps them)
        self.neuron = (1, 0)  # (column, neuron) the network panel's cursor is on: the inputs are column 0
        self.viewing: int | None = None  # an earlier step shown instead of the present (time travel)
        self.edge: int | None = None  # the picked weight into the picked neuron (its input's index)
        self.one_field = True

    @property
    def has_plane(self) -> bool:
        """Two inputs: a decision surface to draw."""
        return self.dataset is not None

    def load_setup(self, setup: Mapping[str, Any]) -> None:
        """Take a shared setup (``Setup.to_json()``'s keys, or a whole shared file with one under "setup")."""
        if isinstance(setup.get("setup"), Mapping):
            setup = setup["setup"]
        new = self.setup().updated_from(setup, self.settings, self.knobs)
        self.dataset, self.layers, self.activation, self.loss, self.seed = (new.data, new.layers, new.activation,
                                                                            new.loss, new.seed)
        self.given = new.given
        self.source = new.source or "your points" if new.given is not None else (new.data or "lecture")
        if new.data in DATA_CHOICES:
            self._data_at = DATA_CHOICES.index(new.data)
        if self.pen not in self._pens():
            self.pen = self._pens()[0]
        self.engine = new.engine if new.engine != "tensors" or available() else "scalars"
        for name, knob in self.knobs.items():
            if name != "speed":
                value = getattr(new, name)
                knob.value = round(value * 100) if name == "test" else value
        self._zero_grad = new.zero_grad
        self.point = None
        self.reset()
        self.message = f"the setup is loaded (seed {new.seed}): [[run]] runs it"

    # --- the run and its surface ------------------------------------------------------

    def on_run(self) -> None:
        self._leave_beats()
        self._to_present()
        super().on_run()

    # --- time travel ---------------------------------------------------------------------

    def _to_present(self) -> None:
        if self.viewing is not None:
            self.viewing = None
            self.snap = self.snapshot(score=False)

    def on_back(self) -> None:
        self._travel(-1)

    def on_forward(self) -> None:
        self._travel(1)

    def _travel(self, by: int) -> None:
        """Show the step before or after the one shown: the surface, the network, the point's graph and the
        curves' marker as they were then. Training (running or not) stays in the present."""
        if not self.has_plane:
            self.message = "the lecture's four points have no plane to draw: time travel shows the demo's datasets"
            return
        self._leave_beats()
        now = self.trainer.k
        at = (now if self.viewing is None else self.viewing) + by
        if at >= now:
            self._to_present()
            self.message = f"the present: step {now}" + ("" if by < 0 or self.want_run else "; [[run]] goes on from here")
            return
        first = self.past.first
        if at < first:
            self.message = f"step {first} is as far back as this run goes"
            at = first
        else:
            self.message = (f"step {at} of the past ({at - now:+d}): the surface, the network and the point's graph as "
                            f"they were; [[back]] / [[forward]] move, [[run]] goes on from step {now}")
        self.viewing = at
        self.snap = self.snapshot(score=False)

    def _leave_beats(self) -> None:
        """A step left half way (a run, a reset): the grads as they were before its backward beat."""
        if self.beat == 3:
            for q, g in zip(self.trainer.model.parameters(), self._beat_grads):
                q.grad = g
        self.beat, self._beat_loss = 0, None

    def snap_reset(self) -> None:
        self.beat, self._beat_loss = 0, None  # a new run: no step under way
        self.viewing = None
        self.past = Past(self.setup(), len(self.trainer.model.parameters()))
        self.past.keep(self.trainer.state())
        self._view_cache: tuple[int, tuple[int, int, tuple[float, ...]]] | None = None
        # what the surface shows of the data: fixed for a run, so worked out once here
        self.box = data_box(self.trainer.xs + self.test_xs) if self.has_plane else None
        self.surface_points = tuple(SurfacePoint(x[0], x[1], y, test) for x, y, test in self._all_points())
        self.grid = self._grid_for(self.cells)
        self._surface_cache: tuple[int, tuple[int, int, tuple[float, ...]]] | None = None
        super().snap_reset()

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

    def snapshot(self, score: bool = True) -> TrainSnapshot:
        """What the screen shows, copied. ``score=False`` keeps the surface the child last scored. While an
        earlier step is viewed, the surface is that step's."""
        if not self.has_plane:
            return super().snapshot(score)
        if self.viewing is not None and self.grid:
            if self._view_cache is None or self._view_cache[0] != self.viewing or self._view_cache[1][:2] != self.grid:
                model = self.past.at(self.viewing).model
                self._view_cache = (self.viewing, (*self.grid, tuple(surface(model, self.box, *self.grid))))
            return self._snapshot(surface=self._view_cache[1])
        t = self.trainer
        if score and self.grid and (self._surface_cache is None or self._surface_cache[0] != t.k
                                    or self._surface_cache[1][:2] != self.grid):
            self._surface_cache = (t.k, (*self.grid, tuple(surface(t.model, self.box, *self.grid))))
        return self._snapshot(surface=self._surface_cache[1] if self._surface_cache else None)

    def _snapshot(self, **scored) -> TrainSnapshot:
        if "point_graph" not in scored and self.point is not None:
            try:
                scored["point_graph"] = self._point_graph()
            except OverflowError:  # an output past e^709 (a diverged three-class run): no graph to draw
                scored["point_graph"] = None
        return super()._snapshot(**scored)

    def child_start(self) -> Start:
        grid = self.grid if self.has_plane and self.grid else None
        return Start(self.setup(), self.trainer.state(), self._value("speed", 0), grid, predictions=False)

    def step(self) -> None:
        super().step()
        self.past.keep(self.trainer.state())

    def take_lines(self, lines: list[Line], problem: str, final: bool, queued: int = 0) -> None:
        for line in lines:
            self.past.keep(line.state)
        super().take_lines(lines, problem, final, queued)

    def model(self):
        """The net as the screen shows it: now, or at the step being viewed."""
        return self.past.at(self.viewing).model if self.viewing is not None else self.trainer.model

    def take_scores(self, line: Line) -> None:
        super().take_scores(line)
        if line.surface is not None and line.grid is not None:
            cols, rows = line.grid
            self._surface_cache = (line.k, (cols, rows, tuple(line.surface)))

    def result_words(self) -> str:
        return f"{super().result_words()}, accuracy {self.snap.accuracies[-1] * 100:.0f}%"

    def _all_points(self) -> list[tuple[list[float], float, bool]]:
        t = self.trainer
        return [(x, y, False) for x, y in zip(t.xs, t.ys)] + [(x, y, True) for x, y in zip(self.test_xs, self.test_ys)]

    @property
    def outputs(self) -> int:
        """The net's outputs: one score for two classes, one a class for more (softmax)."""
        n = self.classes
        return n if n > 2 else 1

    @property
    def classes(self) -> int:
        if self.given is not None:
            return classes_of([p[2] for part in self.given for p in part])
        return classes(self.dataset)

    def setup(self) -> Setup:
        return replace(super().setup(), given=self.given, source=self.source if self.given is not None else None)

    # --- the learner's own points ----------------------------------------------------------

    def _own(self, given: tuple[tuple[Point, ...], tuple[Point, ...]], source: str, what: str) -> None:
        """Train on these points from now on (the run starts over)."""
        self.given, self.dataset, self.source = given, OWN, source
        self._fit_outputs()
        if self.pen not in self._pens():
            self.pen = self._pens()[0]
        self._start_over(what)

    def _pens(self) -> tuple[float, ...]:
        return (1.0, -1.0) if self.outputs == 1 else tuple(float(c) for c in range(self.outputs))

    def _pen_words(self, label: float | None = None) -> str:
        label = self.pen if label is None else label
        return f"class {label:.0f}" if self.outputs > 1 else f"{label:+.0f}"

    def _points_now(self) -> tuple[list[Point], list[Point]]:
        t = self.trainer
        return ([(x[0], x[1], y) for x, y in zip(t.xs, t.ys)],
                [(x[0], x[1], y) for x, y in zip(self.test_xs, self.test_ys)])

    def _cursor(self) -> tuple[float, float]:
        if self.cursor is None:
            assert self.box is not None
            (x0, x1), (y0, y1) = self.box
            self.cursor = ((x0 + x1) / 2, (y0 + y1) / 2)
        return self.cursor

    def on_add_point(self) -> None:
        if not self.has_plane:
            self.message = "the lecture's points have 3 inputs: points by hand go on a plane ([[dataset]])"
            return
        train, test = self._points_now()
        if len(train) + len(test) >= MAX_POINTS:
            self.message = f"at most {MAX_POINTS} points: [[remove_point]] removes the one nearest the cursor"
            return
        x, y = self._cursor()
        train.append((x, y, self.pen))
        self._own((tuple(train), tuple(test)), self._by_hand(),
                  f"a {self._pen_words()} point at ({fmt(x, 2)}, {fmt(y, 2)}); {len(train)} to train on")

    def _by_hand(self) -> str:
        return self.source if self.source.endswith("by hand") else f"{self.source}, by hand"

    def on_remove_point(self) -> None:
        if not self.has_plane:
            self.message = "the lecture's points have 3 inputs: points by hand go on a plane ([[dataset]])"
            return
        train, test = self._points_now()
        x, y = self._cursor()
        nearest = min(range(len(train) + len(test)),
                      key=lambda i: (lambda p: (p[0] - x) ** 2 + (p[1] - y) ** 2)((train + test)[i]))
        if nearest < len(train) and len(train) <= 4:
            self.message = "at least 4 points to train on: [[add_point]] adds one at the cursor"
            return
        gone = train.pop(nearest) if nearest < len(train) else test.pop(nearest - len(train))
        self._own((tuple(train), tuple(test)), self._by_hand(),
                  f"removed the {self._pen_words(gone[2])} point at ({fmt(gone[0], 2)}, {fmt(gone[1], 2)}); "
                  f"{len(train)} to train on")

    def on_pen(self) -> None:
        pens = self._pens()
        self.pen = pens[(pens.index(self.pen) + 1) % len(pens)] if self.pen in pens else pens[0]
        self.message = f"the next point by hand is {self._pen_words()}: [[add_point]] adds it at the cursor"

    def surface_pointed(self, x: float, y: float, button: str | None) -> None:
        """A click on the surface (``button`` "left" adds a point there, "right" removes the nearest) or the
        arrows on it (``None``: the cursor moves)."""
        self.cursor = (x, y)
        if button == "left":
            self.on_add_point()
        elif button == "right":
            self.on_remove_point()
        else:
            if not self.want_run:
                self.snap = self.snapshot(score=False)
            self.message = (f"cursor at ({fmt(x, 2)}, {fmt(y, 2)}): [[add_point]] adds a {self._pen_words()} point, "
                            "[[remove_point]] removes the nearest, [[pen]] changes the class")

    def _label(self, y: float) -> str:
        return f"class {y:.0f}" if self.outputs > 1 else f"label {y:+.0f}"

    def _point_graph(self) -> Value:
        """The chosen point's loss term, built by the model's own forward pass on a copy of its
        parameters (so training's grads are untouched), each neuron's output labelled."""
        assert self.point is not None
        model = copy.deepcopy(self.model())
        x, y, test = self._all_points()[self.point]
        acts: list[Value] = [Value(xi, f"x{i}") for i, xi in enumerate(x)]
        for li, layer in enumerate(model.layers):
            acts = [n(acts) for n in layer.neurons]
            for ni, a in enumerate(acts):
                a.label = f"L{li}.n{ni}"
        if len(acts) > 1:
            for c, a in enumerate(acts):
                a.label = f"score of class {c}"
            loss = point_term(self.loss, acts, y)
        else:
            acts[0].label = "score"
            loss = point_term(self.loss, acts[0], y)
        loss.label = f"loss of {'test ' if test else ''}point {self.point}"
        loss.backward()
        return loss

    # --- every control starts the run over ---------------------------------------------

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
        self._start_over(f"seed {self.seed}: new weights (your own points stay)" if self.given is not None
                         else f"seed {self.seed}: new data and weights")

    def on_prev_var(self) -> None:
        self._pick(-1)

    def set_knob(self, knob: Knob, value: float) -> None:
        if knob.name == "speed":
            super().set_knob(knob, value)
            return
        if self.given is not None and knob.name in ("points", "noise"):
            self.message = (f"{knob.name} shapes a generated set; these are your own points ({self.source}). "
                            "[[dataset]] picks a generated set")
            return
        if self.given is not None and knob.name == "test":
            knob.value = int(round(value))
            train, test = self._points_now()
            self._own(split(train + test, knob.value / 100, self.seed), self.source,
                      f"test = {knob.show()}: your points split again")
            return
        knob.value = int(round(value)) if knob.integer else value
        live = ""
        batch = self.knobs["batch"]
        if knob.name == "points" and batch.value == 0 and value > BIG_RUN:
            batch.value = LIVE_BATCH
            live = f" (batch {LIVE_BATCH} keeps it live; type all for the full batch, about a step a second)"
        self._start_over(f"{knob.name} = {knob.show()}{live}")

    def change(self, name: str, by: int) -> None:
        if name == "engine":
            if self.engine == "scalars" and not available():
                self.message = f"engine: {WHY_NOT}"
                return
            self.engine = "tensors" if self.engine == "scalars" else "scalars"
            self._start_over("engine = " + ("tensors: each layer one array operation over every point (numpy)"
                                            if self.engine == "tensors" else "scalars: one Value per number"))
            return
        if name in ("activation", "loss"):
            options = self._options(name)
            now = getattr(self, name)
            setattr(self, name, options[(options.index(now) + by) % len(options)])
            shown = getattr(self, name)
            self._start_over(f"{name} = {LOSS_NAMES.get(shown, shown)}")
        elif name == "layers":
            hidden = self.layers[:-1] or (1,)
            self._set_layers(tuple(min(MAX_WIDTH, max(1, w * 2 if by > 0 else w // 2)) for w in hidden))
        else:
            super().change(name, by)

    def _options(self, name: str) -> tuple[str, ...]:
        if name == "engine":
            return ENGINES
        if name == "activation":
            return ACTIVATIONS
        return CLASS_LOSSES if self.outputs > 1 else self.settings.losses

    def _set_layers(self, hidden: tuple[int, ...]) -> None:
        self.layers = (*hidden, self.outputs)
        self._start_over(f"hidden layers = {show_layers(hidden)}")

    def on_dataset(self) -> None:
        """The next dataset: the generated ones, the lecture's points, then each CSV in the workspace's data
        folder (a CSV with a problem is named with it, and skipped)."""
        from ...workshop.workspace import default_workspace

        choices: list = [*DATA_CHOICES, *workspace_csvs(default_workspace() / "data")]
        self._data_at = (self._data_at + 1) % len(choices)
        chosen = choices[self._data_at]
        if isinstance(chosen, Path):
            try:
                points = read_csv(chosen)
            except ValueError as e:
                self.message = f"data/{e}; [[dataset]] goes on to the next"
                return
            self._own(split(points, self.knobs["test"].value / 100, self.seed), f"data/{chosen.name}",
                      f"dataset: your data/{chosen.name}, {len(points)} points, {classes_of([p[2] for p in points])} "
                      "classes")
            return
        self.given, self.source = None, chosen or "lecture"
        self.dataset = chosen
        noise = self.knobs["noise"]
        if self.dataset is not None:  # each set has its own natural spread
            noise.value = default_noise(self.dataset)
        self._fit_outputs()
        name = self.dataset or "the lecture's 4 points (3 inputs: no plane to draw)"
        if self.outputs > 1:
            name += f": {self.outputs} classes, so {self.outputs} outputs and softmax's loss"
        self._start_over(f"dataset: {name}")

    def _fit_outputs(self) -> None:
        """The net's outputs and the loss follow the dataset's classes: a score and a two-class loss for
        two, an output a class and softmax's negative log-likelihood for more."""
        self.layers = (*self.layers[:-1], self.outputs)
        if self.outputs > 1:
            if self.loss not in CLASS_LOSSES:
                self._two_class_loss = self.loss
            self.loss = CLASS_LOSSES[0]
        elif self.loss in CLASS_LOSSES:
            self.loss = getattr(self, "_two_class_loss", self.settings.loss)

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
            self.message = (f"{'test ' if test else ''}point {self.point} at ({where}), {self._label(y)}, "
                            "marked ◉ on the surface: [[point]] picks the next")

    def on_share(self) -> None:
        """Write this run's setup and result, and a picture of the screen, into the workspace."""
        from ...userdata import write_atomic
        from ...workshop.workspace import default_workspace, served

        folder = default_workspace() / "runs"
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
        shared = {"lesson": "demo", "version": SETUP_VERSION, "setup": self.setup().to_json(), "result": result}
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(shared, indent=2) + "\n")
        except OSError as e:
            self.message = f"could not write {path}: {e.strerror or e}"
            return
        self.requests.append(SaveScreen(path.with_suffix(".svg")))
        self.shared = path
        if served():  # in a browser the folder is the server's: the file comes home as a download
            self.requests.append(Deliver(path))
            self.message = f"your browser downloads {path.name} (the setup; micrograd-tui --setup FILE runs it again)"
            return
        home = str(Path.home())
        where = str(folder).replace(home, "~", 1) if str(folder).startswith(home) else str(folder)
        self.message = f"saved {path.stem}.json (the setup) and .svg (the screen) in {where}"

    # --- the controls as fields ---------------------------------------------------------

    def key_words(self) -> dict[str, str]:
        words = super().key_words()
        if self.controls[self.selected] == "layers":
            words |= {"less": "layers ÷ 2", "more": "layers × 2"}
        return words | {"reseed": "new data and weights", "dataset": "next dataset", "point": "pick a point",
                        "prev_var": "pick the one before", "share": "share this run"}

    def fields(self) -> list[Field]:
        out = []
        for name in self.controls:
            knob = self.knobs.get(name)
            if knob is not None:
                out.append(Field(name, f"{name} =", knob.show()))
            elif name == "layers":
                out.append(Field("layers", "hidden layers =", show_layers(self.layers[:-1]), number=False,
                                 chars=LAYER_CHARS))
            else:
                now = getattr(self, name)
                out.append(Field(name, f"{name} =", LOSS_NAMES.get(now, now), number=False,
                                 choices=self._options(name)))
        return out

    def submit(self, name: str, text: str) -> bool:
        if name != "layers":
            return super().submit(name, text)
        hidden = parse_layers(text)
        if isinstance(hidden, str):
            self.message = f"layers: {hidden}"
            return False
        self._set_layers(hidden)
        return True

    # --- what to show --------------------------------------------------------------------

    def panels(self) -> list[Panel]:
        s = self.snap
        shown: list[Panel] = [FactsPanel(tuple(self._rows()))]
        if s.point_graph is not None:
            shown.append(GraphPanel(s.point_graph, "the picked point's loss"))
        if self.show_network and self.has_plane:
            point = self._all_points()[self.point][0] if self.point is not None else None
            if self.beat and point is None:
                point = self._all_points()[0][0]
            title = f"step {self.trainer.k + (self.beat < 4)}, beat {self.beat} of 4: {self.BEATS[self.beat - 1]}" if self.beat else ""
            if self.viewing is not None:
                title = f"as it was at step {self.viewing}"
            shown.append(network_panel(self.model(), self.box, self.neuron, point, grads=self.beat == 3,
                                       title=title, edge=self.edge, lights_up=self.beat == 1))
        else:
            shown.append(self._plot())
        shown.append(self._surface())
        return shown

    BEATS = ("forward", "loss", "backward", "update")

    def on_step(self) -> None:
        """With the network shown and the run paused, a step goes in four beats, one a press: the picked
        point forward through the net, its loss, backward (the edges show the grads), the update."""
        self._to_present()
        if not (self.show_network and self.has_plane) or self.finished:
            self.beat = 0
            super().on_step()
            return
        self.want_run = False
        self.beat = self.beat % 4 + 1
        t = self.trainer
        p = self.point if self.point is not None else 0
        x, y, _ = self._all_points()[p]
        head = f"beat {self.beat} of 4, {self.BEATS[self.beat - 1]}: "
        outs = layer_outputs(t.model, x)[-1]
        shown = (f"scores {', '.join(fmt(o) for o in outs)}" if len(outs) > 1 else f"score {fmt(outs[0])}")
        if self.beat == 1:
            self.message = (head + f"point {p} ({fmt(x[0])}, {fmt(x[1])}) goes through the net, layer by layer, "
                            f"to {'the ' if len(outs) > 1 else 'a '}{shown}; [[step]] for its loss")
        elif self.beat == 2:
            self._beat_loss, scores = t.forward()
            values = [Value(o) for o in outs]
            term = point_term(self.loss, values if len(outs) > 1 else values[0], y).data
            self.message = (head + f"the point's term is {fmt(term)} ({self._label(y)}, {shown}); over the "
                            f"batch the loss is {fmt(self._beat_loss.data)}; [[step]] runs backward")
        elif self.beat == 3:
            assert self._beat_loss is not None
            params = t.model.parameters()
            self._beat_grads = [q.grad for q in params]
            if t.zero_grad:
                for q in params:
                    q.grad = 0.0
            self._beat_loss.backward()
            self._beat_loss = None
            self.message = (head + "every weight has its grad; the edges now show them (orange: more of this "
                            "weight, more loss); [[step]] moves each weight by -lr·grad")
        else:
            params = t.model.parameters()
            for q, g in zip(params, self._beat_grads):
                q.grad = g  # as before the backward beat: the step below runs it again, to the same numbers
            column, index = self.neuron
            watched = t.model.layers[column - 1].neurons[index].b if column else None
            before = watched.data if watched is not None else 0.0
            lr = t.lr_at(t.k)
            self.step()
            self.snap = self.snapshot()
            self.check_done()
            moved = f"; the picked neuron's b {fmt(before)} → {fmt(watched.data)}" if watched is not None else ""
            self.message = self.stopped_reason or (head + f"each weight moved by -lr·grad with lr {fmt(lr, 3)}{moved}. "
                                                   f"Step {t.k}: [[step]] starts the next")
            self.beat = 0 if self.finished else 4

    def on_network(self) -> None:
        if not self.has_plane:
            self.message = "the lecture's four points have three inputs: no plane for the neurons' maps"
            return
        self.show_network = not self.show_network
        self.message = ("the network: each neuron's output over the plane, orange above 0, blue below; "
                        "the arrows on it pick a neuron" if self.show_network else "the loss curves again")

    def pick_neuron(self, column: int, index: int) -> None:
        """The network panel's cursor moved (the view clamps it to the net)."""
        self.neuron = (column, index)
        self.edge = None

    def pick_edge(self, step: int) -> None:
        column, index = self.neuron
        layers = self.trainer.model.layers
        if not 1 <= column <= len(layers):
            self.message = "an input has no weights into it: pick a neuron ([[network]]'s arrows)"
            return
        n = len(layers[column - 1].neurons[0].w)
        self.edge = (0 if step > 0 else n - 1) if self.edge is None else (self.edge + step) % n

    def _rows(self) -> list[tuple[str, str]]:
        s, t = self.snap, self.trainer
        test = s.test[-1] if s.test else None
        loss = fmt(s.losses[-1]) if s.losses else "—"
        acc = f"{s.accuracies[-1] * 100:.0f}%" if s.accuracies else "—"
        # short values: the side column is 30 wide on a narrow screen
        rows = [("step", f"{s.k} of {self.budget}"),
                ("train", f"{loss} {acc}" if s.losses else "no step yet"),
                ("held out", f"{fmt(test[1])} {test[2] * 100:.0f}%" if test else
                 ("none (test 0%)" if self.has_plane else "no test set")),
                ("data", f"{self.source} {len(t.xs)}+{len(self.test_xs)}"),
                ("params", f"{len(t.model.parameters())} seed {self.seed}")]
        if self.viewing is not None:
            rows.insert(1, ("viewing", f"step {self.viewing} ({self.viewing - s.k:+d})"))
        if self.cursor is not None and self.has_plane:  # points by hand under way: the class the next one gets
            rows.insert(5, ("pen", self._pen_words()))
        current = self.controls[self.selected]
        for name in self.controls:
            knob = self.knobs.get(name)
            if knob is not None:
                value = knob.show()
                if name == "lr" and knob.value != t.lr_at(s.k):
                    value += f", now {fmt(t.lr_at(s.k), 3)}"
                if name in ("points", "noise", "test") and not self.has_plane:
                    value += " (unused)"
            elif name == "layers":
                value = show_layers(self.layers[:-1])
            elif name == "engine":
                value = self.engine + (f" {self.rate:.0f}/s" if self.rate else "")
            else:
                value = getattr(self, name)
            rows.append(((PICKED if name == current else "  ") + name, value))
        return rows

    def _plot(self) -> PlotPanel:
        s = self.snap
        steps, losses = self.loss_curve()
        series = [Series(steps, losses, "train loss", marker="braille")]
        if s.test:
            tstride = self.stride(len(s.test))
            tk = [k for k, _, _ in s.test[::tstride]]
            series.append(Series(tk, [v for _, v, _ in s.test[::tstride]], "test loss", role="mark", marker="•"))
        if s.accuracies:
            stride = self.stride(len(s.losses))
            series.append(Series(steps, [a * 100 for a in s.accuracies[::stride]], "accuracy %",
                                 role="good", marker="·", axis="right"))
        viewed = (self.viewing,) if self.viewing is not None else ()  # time travel's step, marked with a line
        return PlotPanel("loss and accuracy by step", tuple(series), xlabel="step" + (
            f" (│ marks step {self.viewing})" if viewed else ""), vlines=viewed)

    def _surface(self) -> SurfacePanel:
        s = self.snap
        if not self.has_plane:
            return SurfacePanel("decision surface", 0, 0, (), (0.0, 1.0), (0.0, 1.0),
                                note="the lecture's points have 3 inputs: there is no plane to draw. "
                                     "[[dataset]] picks another dataset")
        assert self.box is not None
        cols, rows, scores = s.surface if s.surface is not None else (0, 0, ())
        title = self.source + (f" at step {self.viewing}" if self.viewing is not None else "")
        return SurfacePanel(title, cols, rows, scores, *self.box, self.surface_points, self.point,
                            classes=max(2, self.outputs), cursor=self.cursor)


def _json_number(x: float) -> float | None:
    return x if math.isfinite(x) else None
