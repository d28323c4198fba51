"""One run of an exercise's checks on the learner's workspace: start the child, take its events,
judge each result against this app's engine. Used by the lab (a step at a time, in a worker
thread) and by ``micrograd-tui check`` (all at once)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .checks import Check, Exercise, Verdict, error_text
from . import sandbox
from .sandbox import SandboxRun


@dataclass
class Outcome:
    check: Check
    ok: bool
    message: str
    verdict: Verdict | None = None


class CheckRun:
    """The checks of one exercise in one child process."""

    def __init__(self, exercise: Exercise, workspace: Path, time_limit: float | None = None):
        self.exercise = exercise
        specs = [dict(c.spec(), name=c.name, workspace=str(workspace)) for c in exercise.checks]
        self.child = SandboxRun(Path(workspace), specs, time_limit or sandbox.TIME_LIMIT)
        self.outcomes: list[Outcome] = []
        self.losses: list[float] = []  # streamed by the training check as it runs
        self.finished = False
        self._events: Iterator[dict] | None = None

    def step(self) -> None:
        """Take the child's next event (starting the child first); blocks until there is one."""
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
        check = next((c for c in self.exercise.checks if c.name == event.get("check")), None)
        if event.get("event") == "loss":
            loss = event.get("loss")
            self.losses.append(loss if isinstance(loss, (int, float)) else float("nan"))
        elif check is not None and event.get("event") == "result":
            try:
                verdict = check.judge(event.get("result") or {})
            except (KeyError, TypeError, ValueError, IndexError) as e:  # the child's answer had the wrong shape
                verdict = Verdict(False, f"the check could not read what your code gave back ({type(e).__name__}: {e})")
            self.outcomes.append(Outcome(check, verdict.ok, verdict.message, verdict))
        elif check is not None and event.get("event") == "error":
            self.outcomes.append(Outcome(check, False, error_text(event.get("error") or {})))

    def _end(self) -> None:
        self.finished = True
        ran = {o.check.name for o in self.outcomes}
        ending = self.child.ending
        for c in self.exercise.checks:
            if c.name not in ran:
                self.outcomes.append(Outcome(c, False, ending.message if ending else "did not run"))

    def run_all(self) -> list[Outcome]:
        while not self.finished:
            self.step()
        return self.outcomes

    def close(self) -> None:
        self.child.close()

    @property
    def output(self) -> str:
        return self.child.output
