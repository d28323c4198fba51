"""The one runner for a lab's background job (training, a slow load, the learner's code).

The job's ``step`` and ``snapshot`` run in a thread worker that never touches a
widget; snapshots reach the UI thread as messages, at most ten a second, and
the view hands them to the job's ``apply``. A generation number drops updates
from a run that was stopped since.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, get_current_worker

from micrograd_tui.lessons.jobs import UPDATE_SECONDS, Job



class JobUpdate(Message):
    def __init__(self, job: Job, snap: Any, generation: int, final: bool) -> None:
        super().__init__()
        self.job = job
        self.snap = snap
        self.generation = generation
        self.final = final


class JobRunner:
    """Runs at most one job for ``owner`` (a widget that handles :class:`JobUpdate`)."""

    def __init__(self, owner: Widget):
        self.owner = owner
        self.job: Job | None = None
        self.generation = 0
        # Held around each step and snapshot, and by the view around any change it makes
        # while the job runs, so neither sees the other half-done.
        self.lock = threading.RLock()
        self._worker: Worker | None = None

    @property
    def active(self) -> bool:
        return self.job is not None

    def start(self, job: Job) -> None:
        self.stop()
        self.job = job
        self.generation += 1
        generation = self.generation
        self._worker = self.owner.run_worker(lambda: self._run(job, generation), thread=True, exclusive=True,
                                             exit_on_error=False, group="job")

    def cancel(self) -> Job | None:
        """Stop the running job, if any, without a last look (the lab is being left); returns it."""
        job = self.job
        self.job = None
        self.generation += 1  # updates still in flight from the stopped run are dropped
        if self._worker is not None:
            self._worker.cancel()
            self._worker = None
        if job is not None:
            job.close()  # first, without the lock: a step waiting on a child process returns now
        return job

    def stop(self) -> None:
        """Stop the running job (if any) and show where it got to."""
        job = self.cancel()
        if job is None:
            return
        with self.lock:
            snap = job.snapshot()
        job.apply(snap, False)

    def follow(self, wanted: Job | None) -> None:
        """Make the running job the one the lab wants now."""
        if wanted is self.job:
            return
        if wanted is None:
            self.stop()
        else:
            self.start(wanted)

    def take(self, message: JobUpdate) -> bool:
        """Apply an update on the UI thread; False when it came from a stopped run."""
        job = self.job
        if message.generation != self.generation or job is None or message.job is not job:
            return False
        job.apply(message.snap, message.final)
        if message.final:
            self.job = None
            self._worker = None
            job.close()
        return True

    def _run(self, job: Job, generation: int) -> None:
        worker = get_current_worker()
        next_post = 0.0
        while not worker.is_cancelled:
            with self.lock:
                if job.finished:
                    break
                job.step()
            time.sleep(0)  # let the UI thread take the interpreter between steps
            now = time.monotonic()
            if now >= next_post:
                with self.lock:
                    snap = job.snapshot()
                self.owner.post_message(JobUpdate(job, snap, generation, False))
                # ten a second on average: a post that came late does not push every later one back
                next_post = max(next_post + UPDATE_SECONDS, now - UPDATE_SECONDS / 2)
        if worker.is_cancelled:
            return
        with self.lock:
            snap = job.snapshot()
        self.owner.post_message(JobUpdate(job, snap, generation, True))
