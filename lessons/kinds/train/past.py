"""Time travel: every step of a run can be shown again, exactly as it was.

A run is deterministic: from a trainer's state (its step, parameters, grads and the
random state that picks mini-batches) the same setup takes the same steps, to the
bit. So the past is kept as the states the app saw (each step taken here, the end of
each line a training child sent, ten or twenty a second), and a step between two
kept states is rebuilt by a twin trainer, made from the same setup, that replays
from the kept state before it. Each state is kept in arrays of machine numbers; a
long run thins the old ones out (every other one goes) so the past stays under
``KEEP_FLOATS`` numbers, and a replay is never longer than a few lines' worth of steps.
"""

from __future__ import annotations

import bisect
from array import array
from dataclasses import dataclass

from .setup import Setup, make_run

KEEP_FLOATS = 8_000_000  # about 64 MB of parameters and grads over a run at most
LEAST_KEPT = 64


@dataclass
class Kept:
    k: int
    params: array
    grads: array
    rng: tuple  # (version, array of the generator's words, gauss): shared with the state before when equal

    def state(self) -> dict:
        return {"k": self.k, "params": self.params, "grads": self.grads, "rng": self.rng}


class Past:
    """The states a run has passed through, and any earlier step's parameters rebuilt from them."""

    def __init__(self, setup: Setup, n_params: int):
        self.setup = setup
        self.limit = max(LEAST_KEPT, KEEP_FLOATS // (2 * max(1, n_params)))
        self.kept: list[Kept] = []
        self._twin = None  # the trainer that replays, made on first use
        self._segment: tuple[int, list[tuple[list[float], list[float]]]] = (-1, [])  # (k0, replayed steps)

    def keep(self, state: dict) -> None:
        """Keep a state (``Trainer.state()``, or as it came from a child's line)."""
        k = state["k"]
        while self.kept and self.kept[-1].k >= k:  # a step taken again (a new line from the same place)
            self.kept.pop()
        version, words, gauss = state["rng"]
        rng_words = array("I", words)
        last = self.kept[-1] if self.kept else None
        rng = last.rng if last is not None and last.rng[1] == rng_words and last.rng[2] == gauss else (
            version, rng_words, gauss)
        self.kept.append(Kept(k, array("d", state["params"]), array("d", state["grads"]), rng))
        if len(self.kept) > self.limit:  # thin the old ones out: every other one goes, the first and last stay
            self.kept = self.kept[:1] + self.kept[1:-1][1::2] + self.kept[-1:]

    @property
    def first(self) -> int:
        return self.kept[0].k if self.kept else 0

    @property
    def last(self) -> int:
        return self.kept[-1].k if self.kept else 0

    def twin(self):
        """The trainer that replays (the same setup as the run); its model shows a rebuilt step."""
        if self._twin is None:
            self._twin, _, _ = make_run(self.setup)
        return self._twin

    def at(self, k: int):
        """The twin trainer with the parameters and grads of step ``k`` (first <= k <= last)."""
        if not self.kept or not self.first <= k <= self.last:
            raise ValueError(f"step {k} is not in this run's past ({self.first} to {self.last})")
        twin = self.twin()
        k0, steps = self._segment
        if not k0 <= k < k0 + len(steps):
            at = bisect.bisect_right([s.k for s in self.kept], k) - 1
            base = self.kept[at]
            end = self.kept[at + 1].k if at + 1 < len(self.kept) else base.k + 1  # the next kept state's step
            twin.load_state(base.state())
            params = twin.model.parameters()
            steps = [(list(base.params), list(base.grads))]
            for _ in range(base.k + 1, end):  # the whole stretch to the next kept state, at once
                twin.step()
                steps.append(([p.data for p in params], [p.grad for p in params]))
            twin.history.clear()
            k0 = base.k
            self._segment = (k0, steps)
        data, grads = steps[k - k0]
        for p, x, g in zip(twin.model.parameters(), data, grads):
            p.data, p.grad = x, g
        return twin
