"""One run of an exercise's checks on the learner's workspace: start the child, take its events,
judge each result against this app's engine. Used by the lab (a step at a time, in a worker
thread) and by ``micrograd-tui check`` (all at once)."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .checks import Check, Exercise, Verdict, error_text
from . import sandbox
from .sandbox import SandboxRun


ENV_SEED = "MICROGRAD_TUI_SEED"  # a run's random cases' seed (check --seed N); else a fresh one each run


def run_seed() -> int:
    """The seed of a run's random cases: ``MICROGRAD_TUI_SEED`` when set, else a new one (printed in every
    message a random case gives, so ``micrograd-tui check --seed N`` replays it)."""
    chosen = os.environ.get(ENV_SEED, "").strip()
    if chosen.isdigit():
        return int(chosen)
    return random.SystemRandom().randrange(1, 1_000_000)


@dataclass
class Outcome:
    check: Check
    ok: bool
    message: str
    verdict: Verdict | None = None


class CheckRun:
    """The checks of one exercise in one child process."""

    def __init__(self, exercise: Exercise, workspace: Path, time_limit: float | None = None,
                 seed: int | None = None):
        self.exercise = exercise
        self.seed = seed if seed is not None else run_seed()
        self.sent = {c.name: dict(c.spec(self.seed), name=c.name, workspace=str(workspace)) for c in exercise.checks}
        self.child = SandboxRun(Path(workspace), list(self.sent.values()), time_limit or sandbox.TIME_LIMIT)
        self.outcomes: list[Outcome] = []
        self.losses: list[float] = []  # streamed by the training check as it runs
        self.finished = False
        self._events: Iterator[dict] | None = None
        self._answered: set[str] = set()  # checks that have had their one result (or error)
        self._tampered = ""  # what came that this run did not ask for: every check fails

    def step(self) -> None:
        """Take the child's next event (starting the child first); blocks until there is one.

        The child runs the learner's code, so what it sends is hostile: an event this run did not ask for
        (an unknown check, a second result for one, a line that is not an event) taints the whole run, and
        every check of it fails. Only one result per check, for the checks asked, can pass."""
        if self.finished:
            return
        if self._events is None:
            self.child.start()
            self._events = self.child.events()
        try:
            event = next(self._events)
        except StopIteration:
            self._end()
            return
        kind = event.get("event")  # JsonLines passes on JSON objects only
        check = next((c for c in self.exercise.checks if c.name == event.get("check")), None)
        if kind == "loss" and check is not None:
            loss = event.get("loss")
            self.losses.append(loss if isinstance(loss, (int, float)) else float("nan"))
        elif kind in ("result", "error") and check is not None and check.name not in self._answered:
            self._answered.add(check.name)
            if kind == "result":
                try:
                    verdict = check.judge(event.get("result") or {}, self.sent[check.name])
                except (KeyError, TypeError, ValueError, IndexError, AttributeError) as e:  # the wrong shape
                    verdict = Verdict(False, f"the check could not read what your code gave back "
                                             f"({type(e).__name__}: {e})")
                self.outcomes.append(Outcome(check, verdict.ok, verdict.message, verdict))
            else:
                self.outcomes.append(Outcome(check, False, error_text(event.get("error") or {})))
        else:
            what = "a second result for" if check is not None else "a line this run did not ask for:"
            self._tampered = f"{what} {str(event.get('check', event))[:60]!r}"

    def _end(self) -> None:
        self.finished = True
        ran = {o.check.name for o in self.outcomes}
        ending = self.child.ending
        for c in self.exercise.checks:
            if c.name not in ran:
                self.outcomes.append(Outcome(c, False, ending.message if ending else "did not run"))
        if self._tampered:
            message = (f"the checks' channel carried {self._tampered}: something in your code wrote to it, "
                       "so no result of this run counts")
            self.outcomes = [Outcome(o.check, False, message) for o in self.outcomes]

    def run_all(self) -> list[Outcome]:
        while not self.finished:
            self.step()
        return self.outcomes

    def close(self) -> None:
        self.child.close()

    @property
    def output(self) -> str:
        return self.child.output
