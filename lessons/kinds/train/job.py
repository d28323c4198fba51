"""The app's side of a training child: start it, read its lines, and hand them to the lab as a Job.

One :class:`TrainingChild` is one run of ``child.py`` from the lab's current state;
:func:`training_job` wraps it in the app's one :class:`~micrograd_tui.lessons.jobs.Job`
shape. A child's lines are kept only while the lab still has the trainer the child
started from: after a knob starts the run over, a stopped child's last lines mean nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Callable

from ...jobs import UPDATE_SECONDS, Job, JsonLines
from .protocol import Line, Start
from .slots import Slot, configured

SILENT_SECONDS = 10.0  # a child that says nothing for this long is stuck: it is ended and reported
CHILD = "micrograd_tui.lessons.kinds.train.child"


class TrainingChild:
    """One child process training from ``start``; ``read`` (in the runner's worker) takes what it said."""

    def __init__(self, start: Start):
        self.start = start
        self.proc: subprocess.Popen | None = None
        self.lines: list[Line] = []  # read and not yet taken
        self.ended = False
        self.problem = ""
        self._reader: JsonLines | None = None
        self._heard = 0.0
        self._closed = False  # ended by the app (a pause, a new setting): not a problem to report
        slots = configured()  # under serve: a class trains so many at once, the rest wait their turn
        self.slot = Slot(*slots) if slots else None
        self.queued = 0  # while waiting for a slot: this training's place in the queue (1: next)

    def _spawn(self) -> None:
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        self.proc = subprocess.Popen([sys.executable, "-I", "-m", CHILD], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._reader = JsonLines(os.dup(self.proc.stdout.fileno()))
        self.proc.stdout.close()
        self.proc.stdin.write((self.start.dumps() + "\n").encode())
        self.proc.stdin.flush()
        self._heard = time.monotonic()

    def read(self) -> None:
        """Take what the child has said (waiting a little for it); start it the first time (once a training
        slot is free, under serve)."""
        if self.proc is None:
            if self.slot is not None and not self._closed:
                self.queued = self.slot.wait()
                if self.queued:
                    time.sleep(UPDATE_SECONDS)
                    return
            self._spawn()
        assert self._reader is not None
        got = self._reader.get(UPDATE_SECONDS)
        if got:
            self._heard = time.monotonic()
            for raw in got:
                line = Line.from_json(raw)
                self.lines.append(line)
                self.ended = self.ended or line.done
                if line.problem:
                    self.problem = line.problem
        if self._reader.ended:
            self._ended_without_done()
        elif not got and time.monotonic() - self._heard > SILENT_SECONDS:
            self.close()
            self._closed = False
            self.problem = f"the training process said nothing for {SILENT_SECONDS:g} s and was ended"
            self.ended = True
        if self.ended and self.slot is not None:
            self.slot.release()  # the next in the queue may train

    def _ended_without_done(self) -> None:
        code = self.proc.wait() if self.proc is not None else None
        if not self.ended and not self._closed:
            self.problem = (f"the training process stopped unexpectedly (exit status {code}); "
                            "[[run]] starts it again from the last step shown")
        self.ended = True

    def take(self) -> tuple[list[Line], str, int]:
        lines, self.lines = self.lines, []
        return lines, self.problem, self.queued

    def close(self) -> None:
        self._closed = True
        if self.slot is not None:
            self.slot.release()
        proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()


def training_job(start: Start, still_ours: Callable[[], bool],
                 take: Callable[[list[Line], str, bool, int], None]) -> tuple[Job, TrainingChild]:
    """A Job running one child from ``start``; its lines go to ``take(lines, problem, final, queued)`` while
    ``still_ours()`` (the lab has not started a new run since)."""
    child = TrainingChild(start)

    def apply(snap: tuple[list[Line], str, int], final: bool) -> None:
        if still_ours():
            lines, problem, queued = snap
            take(lines, problem, final, queued)

    return Job(step=child.read, snapshot=child.take, apply=apply, finished=lambda: child.ended,
               close=child.close), child
