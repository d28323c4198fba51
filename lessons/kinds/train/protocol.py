"""What the app and its training child say to each other: one :class:`Start` line down, :class:`Line` after line up.

Both sides import these dataclasses, so a field is named in one place. Each
message is one JSON object on one line; NaN and infinity are written as JSON's
extensions (``NaN``, ``Infinity``), which Python reads back as floats.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from .setup import Setup


@dataclass(frozen=True)
class Start:
    """Everything a child needs to go on from where the app is."""

    setup: Setup
    state: dict  # engine Trainer.state(): step, parameters, grads, random state
    pace: float  # steps a second (0: as fast as it goes)
    grid: tuple[int, int] | None  # (cols, rows) of the decision surface to score, or None
    predictions: bool  # send each training sample's prediction (the lecture's facts)

    def dumps(self) -> str:
        return json.dumps({"setup": self.setup.to_json(), "state": self.state, "pace": self.pace,
                           "grid": list(self.grid) if self.grid else None, "predictions": self.predictions})

    @classmethod
    def loads(cls, text: str) -> Start:
        raw = json.loads(text)
        setup = raw["setup"]
        return cls(Setup.from_json(setup), raw["state"], raw["pace"],
                   tuple(raw["grid"]) if raw["grid"] else None, raw["predictions"])


@dataclass(frozen=True)
class Line:
    """What the child did since its last line, and where its run is now."""

    state: dict  # Trainer.state() after these steps
    steps: list  # [loss or None, accuracy, learning rate] of each step taken since the last line
    done: bool  # the budget is spent or the loss diverged: the child has stopped
    surface: list[float] | None = None  # the scores of the grid's cells, now and then
    grid: list[int] | None = None  # (cols, rows) those scores are of
    test: list | None = None  # [loss or None, accuracy] on the held-out points, with the surface
    predictions: list[float] | None = None  # each training sample's prediction, when asked for
    problem: str | None = None  # why the child stopped (the batched path's first step disagreed), said to the learner

    @property
    def k(self) -> int:
        return self.state["k"]

    def dumps(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, allow_nan=True)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Line:
        return cls(**raw)
