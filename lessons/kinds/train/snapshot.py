"""What a training lab's screen shows at one moment, copied so the runner's thread and the screen never share it."""

from __future__ import annotations

from dataclasses import dataclass

from micrograd_tui.engine import Value


@dataclass(frozen=True)
class TrainSnapshot:
    k: int  # steps taken
    losses: tuple[float, ...]
    accuracies: tuple[float, ...]
    zero_grad: bool
    diverged: bool
    test: tuple[tuple[int, float, float], ...] = ()  # (step, loss, accuracy) on the held-out points
    predictions: tuple[float, ...] = ()  # each training sample's (the lecture's facts)
    surface: tuple[int, int, tuple[float, ...]] | None = None  # (cols, rows, scores) of the decision surface
    point_graph: Value | None = None  # the picked point's loss, with its graph
