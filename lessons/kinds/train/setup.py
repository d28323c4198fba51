"""A run's setup: everything a training run is made from, as one typed value, and the trainer it makes.

The lab's current choices make a :class:`Setup`; :func:`make_run` builds the
trainer from it, in the app and in the child process that trains while the lab
runs, so both train the very same thing. A setup is also what "share" writes and
``--setup FILE`` reads (:meth:`Setup.updated_from` says what is wrong with a file).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Mapping

from micrograd_tui.engine.data import classes
from micrograd_tui.engine.train import CLASS_LOSSES

from .owndata import OWN, Point, classes_of, parse_csv
from .settings import ACTIVATIONS, DATA_CHOICES, ENGINES, Knob, TrainSettings, layers_problem

SURFACE_MARGIN = 0.25  # the surface shows the data's box and this much round it
SETUP_VERSION = 1


@dataclass(frozen=True)
class Setup:
    data: str | None  # a dataset's name, or None for the lecture's four points
    points: int
    noise: float | None
    test: float  # the share of points held out, 0 to 0.9
    layers: tuple[int, ...]  # every layer's size, the output's 1 last
    flavour: str
    activation: str
    loss: str
    lr: float
    decay: float | None  # None: a fixed learning rate
    l2: float | None  # None: the loss's own (the svm's alpha)
    l1: float
    batch: int  # 0: the full batch
    steps: int
    zero_grad: bool
    seed: int
    engine: str = "scalars"  # ENGINES: "tensors" is the batched path (numpy); a file without it is "scalars"
    # the learner's own points (by hand or from a CSV; ``data`` is then "own"): (training, held out), each
    # point (x, y, label); None: the points are made from ``data``, ``points``, ``noise`` and the seed
    given: tuple[tuple[Point, ...], tuple[Point, ...]] | None = None
    source: str | None = None  # where own points came from ("data/mine.csv, by hand"), for the screen


    def to_json(self) -> dict[str, Any]:
        raw = dict(asdict(self), layers=list(self.layers))
        if self.given is None:
            del raw["given"], raw["source"]  # a file from before there were own points reads the same
        else:
            raw["given"] = {"train": [list(p) for p in self.given[0]], "test": [list(p) for p in self.given[1]]}
        return raw

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Setup:
        """``to_json``'s dict back (as the child reads its start line)."""
        given = raw.get("given")
        return cls(**dict(raw, layers=tuple(raw["layers"]), given=_given(given) if given is not None else None))

    @property
    def classes(self) -> int:
        if self.given is not None:
            return classes_of([p[2] for part in self.given for p in part])
        return classes(self.data)

    def updated_from(self, raw: Mapping[str, Any], settings: TrainSettings, knobs: dict[str, Knob]) -> Setup:
        """This setup with what a shared file says (its keys are ``to_json``'s, all optional); a
        ValueError says what is wrong. ``knobs`` give the ranges of the numbers."""
        unknown = set(raw) - {f.name for f in fields(self)}
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        data = raw.get("data", self.data)
        given = None
        if data == OWN:
            try:
                given = _given(raw.get("given"))
            except (TypeError, ValueError, KeyError) as e:
                raise ValueError(f"given must be the own points, as {{\"train\": [[x, y, label], ...], \"test\": "
                                 f"[...]}} ({e})") from None
        elif data not in DATA_CHOICES:
            raise ValueError(f"data must be one of {', '.join(str(d) for d in DATA_CHOICES)} or {OWN}, not {data!r}")
        layers = raw.get("layers", list(self.layers))
        n = classes_of([p[2] for part in given for p in part]) if given is not None else classes(data)
        outputs = n if n > 2 else 1
        if not (isinstance(layers, list) and layers and layers[-1] == outputs):
            raise ValueError(f"layers must be a list of sizes ending with the output's {outputs}, such as "
                             f"[8, 8, {outputs}]" + (f" ({data} has {n} classes: an output each)" if n > 2 else ""))
        problem = layers_problem(tuple(layers[:-1]))
        if problem:
            raise ValueError(problem)
        activation, loss = raw.get("activation", self.activation), raw.get("loss", self.loss)
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be relu or tanh, not {activation!r}")
        losses = CLASS_LOSSES if n > 2 else settings.losses
        if loss not in losses:
            raise ValueError(f"loss must be {' or '.join(losses)} for {data or 'the lecture'}'s {n} classes, "
                             f"not {loss!r}")
        engine = raw.get("engine", self.engine)
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
        seed = raw.get("seed", self.seed)

        if not isinstance(seed, int) or isinstance(seed, bool):
            raise ValueError(f"seed must be a whole number, not {seed!r}")
        numbers: dict[str, Any] = {}
        for name, knob in knobs.items():
            value = raw.get(name)
            if value is None or name == "speed":
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{name} must be a number, not {value!r}")
            shown = round(value * 100, 6) if name == "test" else value  # a share in the file, a percent on screen
            problem = knob.problem(shown)
            if problem:
                raise ValueError(f"{problem}, not {value!r}")
            numbers[name] = value if name == "test" or not knob.integer else int(value)
        return replace(self, data=data, layers=tuple(layers), activation=activation, loss=loss, seed=seed, engine=engine,
                       zero_grad=bool(raw.get("zero_grad", True)), given=given,
                       source=str(raw.get("source") or "your points")[:60] if given is not None else None, **numbers)


def _given(raw: Any) -> tuple[tuple[Point, ...], tuple[Point, ...]]:
    """Own points from JSON ({"train": [[x, y, label], ...], "test": [...]}), checked as a CSV's are."""
    parts = []
    for name in ("train", "test"):
        rows = raw[name]
        if not isinstance(rows, list) or not all(isinstance(r, list) and len(r) == 3 for r in rows):
            raise ValueError(f"{name} must be a list of [x, y, label]")
        parts.append(rows)
    text = "\n".join(",".join(repr(float(v)) for v in row) for row in parts[0] + parts[1])
    points = parse_csv(text)  # the same checks, and -1/+1 or 0, 1, 2 labels
    n = len(parts[0])
    return tuple(points[:n]), tuple(points[n:])


def make_run(setup: Setup):
    """The trainer a setup describes, and its held-out points: (trainer, test_xs, test_ys).

    The parent and the child both build through here, so they train the same net on the same data.
    Test points are a second sample of the same set (seed + 1), so the training points stay those
    of a run without a test set (the original demo's 100 moons points, with its defaults)."""
    from micrograd_tui.engine import MLP, Trainer
    from micrograd_tui.engine.batched import available
    from micrograd_tui.engine.data import lecture_dataset, make_dataset
    from micrograd_tui.engine.train import decayed_learning_rate

    seed = setup.seed
    txs: list
    tys: list
    if setup.given is not None:
        train, held = setup.given
        xs, ys = [[x, y] for x, y, _ in train], [label for _, _, label in train]
        txs, tys = [[x, y] for x, y, _ in held], [label for _, _, label in held]
    elif setup.data is None:
        xs, ys = lecture_dataset()
        txs, tys = [], []
    else:
        xs, ys = make_dataset(setup.data, setup.points, setup.noise, seed)
        n_test = test_count(setup.points, setup.test)
        txs, tys = make_dataset(setup.data, n_test, setup.noise, seed + 1) if n_test else ([], [])
    model = MLP(len(xs[0]), list(setup.layers), flavour=setup.flavour, activation=setup.activation, seed=seed)
    steps, lr0, decay = setup.steps, setup.lr, setup.decay
    lr = lr0 if decay is None else (lambda k: decayed_learning_rate(k, steps, lr0, decay))
    trainer = Trainer(model, xs, ys, loss=setup.loss, learning_rate=lr, zero_grad=setup.zero_grad,
                      batch_size=setup.batch or None, seed=seed, l2=setup.l2, l1=setup.l1,
                      batched=setup.engine == "tensors" and available())
    return trainer, txs, tys


def test_count(points: int, ratio: float) -> int:
    """How many test points go with ``points`` training points when ``ratio`` of all are held out."""
    return round(points * ratio / (1 - ratio)) if ratio > 0 else 0


def test_result(trainer, txs, tys) -> tuple[float, float] | None:
    """(loss, accuracy) on the held-out points (NaN for a loss that is not finite), or None with no test set."""
    if not txs:
        return None
    loss, acc = trainer.measure(txs, tys)
    return (loss if math.isfinite(loss) else math.nan), acc


def data_box(points) -> tuple[tuple[float, float], tuple[float, float]]:
    """The x and y range a surface shows: the points' box and a margin."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return ((min(xs) - SURFACE_MARGIN, max(xs) + SURFACE_MARGIN),
            (min(ys) - SURFACE_MARGIN, max(ys) + SURFACE_MARGIN))


def surface(model, box, cols: int, rows: int, arrays=None) -> list[float]:
    """The model's score at the centre of each cell of a cols x rows grid over ``box``, row by row
    from the top (as ``lab.surface_centre`` places them); with ``arrays`` (a trainer's batched path,
    engine/batched.py) as one array forward pass."""
    from ...lab import grid_centres

    centres = grid_centres(box[0], box[1], cols, rows)
    every = len(model.layers[-1].neurons) > 1  # an output a class: each cell's outputs, one after another
    if arrays is not None:
        scores = arrays.scores(centres, every_output=every).ravel().tolist()
    else:
        got = model.predict_many(centres, every_output=every)
        scores = [o for outs in got for o in outs] if every else got
    return [s if math.isfinite(s) else 0.0 for s in scores]


CROSS_CHECK = 1e-9  # the batched path's first step against the scalar engine's: relative, per number


def cross_check(trainer, setup: Setup) -> str:
    """The batched path is trusted only after its first step matched the scalar engine's from the same
    state: "" when it did, else what differed (the run is stopped with it). Steps ``trainer`` once."""
    from dataclasses import replace as _replace

    twin, _, _ = make_run(_replace(setup, engine="scalars"))
    twin.load_state(trainer.state())
    ours, theirs = trainer.step(), twin.step()
    pairs = [("the loss", ours.loss, theirs.loss)] + [
        (f"parameter {i}", a.data, b.data) for i, (a, b) in enumerate(zip(trainer.model.parameters(),
                                                                            twin.model.parameters()))]
    for what, a, b in pairs:
        if not math.isclose(a, b, rel_tol=CROSS_CHECK, abs_tol=CROSS_CHECK):
            return (f"the tensor engine's first step disagrees with the scalar engine's ({what}: {a!r} against "
                    f"{b!r}): the run is stopped; engine = scalars trains it")
    return ""
