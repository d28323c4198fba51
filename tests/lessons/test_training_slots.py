"""Under serve a class trains at most N demos at once (issue 33): the rest wait in turn and are told so."""

from __future__ import annotations

import os
import subprocess
import sys

from micrograd_tui.lessons.kinds.train.slots import ENV_SLOTS, Slot
from micrograd_tui.lessons.registry import find


def test_a_slot_is_held_until_released_and_the_queue_is_first_come_first_served(tmp_path):
    first, second, third = (Slot(tmp_path, 1) for _ in range(3))
    assert first.wait() == 0
    assert second.wait() == 1 and third.wait() == 2  # in the order they asked
    assert third.wait() == 2  # asking again keeps its place
    first.release()
    assert third.wait() == 2 and second.wait() == 0  # the first in line gets it, not the last to ask
    assert third.wait() == 1
    second.release()
    assert third.wait() == 0


def test_a_waiter_whose_process_is_gone_leaves_the_queue(tmp_path):
    holder = Slot(tmp_path, 1)
    assert holder.wait() == 0
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp_path / f"wait-{0:020d}-{int(gone.stdout)}").touch()  # the oldest ticket, its app ended
    waiting = Slot(tmp_path, 1)
    assert waiting.wait() == 1  # next: the dead one ahead was dropped
    assert len(list(tmp_path.glob("wait-*"))) == 1


def test_a_second_run_waits_for_the_class_slot_and_trains_when_it_frees(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_SLOTS, f"{tmp_path}:1")
    a, b = find("demo").make_lab(), find("demo").make_lab()
    a.knob("steps").value = b.knob("steps").value = 100_000
    a.do("run")
    job_a = a.job()
    job_a.step()  # holds the slot, its child starts
    assert job_a.snapshot() is not None
    b.do("run")
    job_b = b.job()
    job_b.step()
    job_b.apply(job_b.snapshot(), False)
    assert "waiting to train" in b.message and "you are next" in b.message and b.trainer.k == 0
    job_a.close()
    for _ in range(200):
        job_b.step()
        job_b.apply(job_b.snapshot(), False)
        if b.trainer.k > 0:
            break
    job_b.close()
    assert b.trainer.k > 0
    assert not list(tmp_path.glob("wait-*"))


def test_the_training_child_runs_at_a_lower_priority_than_the_app():
    """Keys first: on two cores a training child at full speed must not slow the app's answers."""
    lab = find("demo").make_lab()
    lab.knob("steps").value = 100_000
    lab.do("run")
    job = lab.job()
    job.step()
    try:
        for _ in range(50):
            job.step()
            stat = open(f"/proc/{lab.child.proc.pid}/stat").read().rsplit(")", 1)[1].split()
            if int(stat[16]) > os.nice(0):
                break
        assert int(stat[16]) >= os.nice(0) + 10  # the nice value: 19th field of /proc/PID/stat
    finally:
        job.close()
