"""A class's training slots: under ``serve`` at most N demos train at once, the rest wait their turn in order.

Each learner's app is a process of its own, so the slots are files in the class's folder
(``ENV_SLOTS`` = ``<folder>:<n>``): a training holds an exclusive lock on one slot file for as long as its
child runs (the lock goes with the process, so a crashed app frees its slot), and a training that finds
none free waits in a queue of files named by when it asked, first come first served; a waiter whose
process is gone is dropped. Without ``ENV_SLOTS`` (one learner at a terminal) every training starts at once.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

ENV_SLOTS = "MICROGRAD_TUI_TRAINING_SLOTS"

try:
    import fcntl
except ImportError:  # not POSIX: no slots, every training starts at once
    fcntl = None  # type: ignore[assignment]


def configured() -> tuple[Path, int] | None:
    """The slots folder and how many, from the environment, or None."""
    raw = os.environ.get(ENV_SLOTS, "")
    folder, _, n = raw.rpartition(":")
    if not folder or not n.isdigit() or int(n) < 1 or fcntl is None:
        return None
    return Path(folder), int(n)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Slot:
    """One training's place: ``wait()`` until it holds a slot (or says its place in the queue); ``release()``."""

    def __init__(self, folder: Path, n: int):
        self.folder, self.n = folder, n
        self.fd: int | None = None
        self._ticket: Path | None = None

    def wait(self) -> int:
        """0 once a slot is held; else this training's place in the queue (1: next)."""
        if self.fd is not None:
            return 0
        assert fcntl is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._ticket is None:
            self._ticket = self.folder / f"wait-{time.time_ns():020d}-{os.getpid()}"
            self._ticket.touch()
        place = self._place()
        if place == 1:
            for i in range(self.n):
                fd = os.open(self.folder / f"slot-{i}", os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    os.close(fd)
                    continue
                self.fd = fd
                self._ticket.unlink(missing_ok=True)
                self._ticket = None
                return 0
        return place

    def _place(self) -> int:
        """1 + the waiters ahead of this one (gone ones dropped)."""
        assert self._ticket is not None
        ahead = 0
        for ticket in sorted(self.folder.glob("wait-*")):
            if ticket == self._ticket:
                break
            pid = ticket.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not _alive(int(pid)):
                ticket.unlink(missing_ok=True)
                continue
            ahead += 1
        return ahead + 1

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # the lock goes with it
            self.fd = None
        if self._ticket is not None:
            self._ticket.unlink(missing_ok=True)
            self._ticket = None
