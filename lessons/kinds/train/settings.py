"""What a training lab trains by default and what the learner may change: knobs, the lecture's and the demo's settings.

A :class:`Knob` is one number the learner turns (less, more, or typed); a
:class:`TrainSettings` is a lab's defaults: the net, the data, the loss, the knobs
and the goal. The lab's current choices make a :class:`~.setup.Setup`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from micrograd_tui.engine.data import DATASETS

MAX_LAYERS, MAX_WIDTH = 6, 64
LAYER_CHARS = r"[0-9, \[\]]*"  # what the layers field lets through: 8, 8 or [8, 8]
LOSS_NAMES = {"svm": "max-margin (svm)", "squared": "squared error", "mse": "sum of squares",
              "bce": "cross-entropy (bce)", "nll": "softmax cross-entropy (nll)"}
ACTIVATIONS = ("relu", "tanh")
# how a demo run computes: the scalar engine (a Value per number), or the batched path (engine/batched.py, numpy)
ENGINES = ("scalars", "tensors")
DATA_CHOICES: tuple[str | None, ...] = (*DATASETS, None)  # None: the lecture's four points
BIG_RUN = 200  # more points than this train in mini-batches unless the learner asks for the full batch
LIVE_BATCH = 100


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
        if self.zero and self.integer and value < 1:
            value = 0  # below 1 step a second is no speed at all: "full"
        return max(self.lo, value)

    def more(self) -> float:
        if self.step:
            return min(self.hi, round(self.value + self.step, 10))
        value = self.value * self.factor if self.value else (self.start or (1 if self.integer else self.lo))
        return min(self.hi, value)

    def words(self) -> tuple[str, str]:
        """What less and more do to it, in a few words."""
        if self.step:
            return f"{self.name} − {self.step:g}", f"{self.name} + {self.step:g}"
        return f"{self.name} ÷ {self.factor:g}", f"{self.name} × {self.factor:g}"


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
), goal_accuracy=0.95, losses=("svm", "squared", "bce"))


def parse_layers(text: str) -> tuple[int, ...] | str:
    """Hidden layer sizes from ``8, 8`` or ``[8, 8]``, or what is wrong."""
    inner = text.strip().removeprefix("[").removesuffix("]").strip()
    if not inner:
        return "type the hidden layers' sizes, such as 8, 8 (the output's 1 is added)"
    parts = [p for p in re.split(r"[,\s]+", inner) if p]
    if not all(p.isdigit() for p in parts):
        return f"type whole numbers separated by commas, such as 8, 8 (not {text.strip()!r})"
    sizes = tuple(int(p) for p in parts)
    return layers_problem(sizes) or sizes


def layers_problem(sizes: tuple) -> str | None:
    """What is wrong with these hidden layer sizes, or None."""
    if not sizes:
        return "at least one hidden layer"
    if len(sizes) > MAX_LAYERS:
        return f"at most {MAX_LAYERS} hidden layers"
    if not all(isinstance(w, int) and not isinstance(w, bool) and 1 <= w <= MAX_WIDTH for w in sizes):
        return f"each layer has 1 to {MAX_WIDTH} neurons"
    return None


def show_layers(hidden: tuple[int, ...]) -> str:
    return ", ".join(str(w) for w in hidden) if hidden else "none"
