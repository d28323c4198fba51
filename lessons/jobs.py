"""Slow work off the UI thread: the one Job shape every lab uses, and the one reader of a child's JSON lines.

A lab that trains, loads a slow library or runs the learner's code hands the app a
:class:`Job` built from four functions of that work; the app's one runner
(``tui/runner.py``) calls ``step`` and ``snapshot`` in a worker thread and hands
each snapshot to ``apply`` on the UI thread. Work done by a child process
(training, the learner's checks) comes back as JSON lines read by
:class:`JsonLines`, which waits with a timeout on every platform.
"""

from __future__ import annotations

import json
import os
import queue
import threading
from typing import Any, Callable, Generic, TypeVar

S = TypeVar("S")

UPDATE_SECONDS = 0.1  # slow work reports at most this often (ten times a second: what the eye can follow)

__all__ = ["Job", "JsonLines", "UPDATE_SECONDS"]


def _nothing() -> None:
    return None


class Job(Generic[S]):
    """Work done one step at a time by the app's runner.

    ``step`` and ``snapshot`` run in a worker thread (never both at once); ``snapshot`` returns an
    immutable copy of where the work is. ``apply(snap, final)`` runs on the UI thread, ``final`` when
    the work ended by itself (``finished`` became true). ``close`` lets go of what the work holds
    (a child process): it is called from the UI thread, maybe while ``step`` runs, when the job is
    stopped or has finished.
    """

    def __init__(self, *, step: Callable[[], Any], snapshot: Callable[[], S], apply: Callable[[S, bool], None],
                 finished: Callable[[], bool], close: Callable[[], None] = _nothing):
        self.step = step
        self.snapshot = snapshot
        self.apply = apply
        self._finished = finished
        self.close = close

    @property
    def finished(self) -> bool:
        return self._finished()


_END = object()


class JsonLines:
    """The JSON objects a child process writes to a pipe, one a line.

    A thread of its own reads the pipe, so waiting for the next line has a timeout on any
    platform (``select`` works on pipes only on POSIX). Lines that are not JSON objects are
    skipped: the learner's code may write anything to any descriptor it finds. The thread ends,
    and closes the pipe, when the writer's end is closed (the child exited or was killed).
    """

    def __init__(self, fd: int):
        self._queue: queue.Queue[Any] = queue.Queue()
        self.ended = False  # the pipe has closed and every line before that was taken
        threading.Thread(target=self._pump, args=(fd,), daemon=True, name="json-lines").start()

    def _pump(self, fd: int) -> None:
        buffer = b""
        try:
            while True:
                try:
                    chunk = os.read(fd, 1 << 20)
                except OSError:
                    break
                if not chunk:
                    break
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for raw in lines:
                    try:
                        obj = json.loads(raw)
                    except ValueError:
                        continue
                    if isinstance(obj, dict):
                        self._queue.put(obj)
        finally:
            try:
                os.close(fd)
            except OSError:
                pass
            self._queue.put(_END)

    def get(self, timeout: float) -> list[dict]:
        """The lines that have come, waiting up to ``timeout`` seconds for the first; [] when none came
        in time or the pipe has ended (then ``ended`` is true)."""
        if self.ended:
            return []
        try:
            first = self._queue.get(timeout=timeout)
        except queue.Empty:
            return []
        got: list[dict] = []
        item = first
        while True:
            if item is _END:
                self.ended = True
                return got
            got.append(item)
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return got
