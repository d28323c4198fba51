"""A hostile learner's file in the box serve runs learners' code in (issue 21): another session's folder
unread, no connection made, no process left. The same file outside the box does all three, which is what
makes the test worth something."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import HOSTILE, Listener, processes_with

from micrograd_tui.lessons.workshop import sandbox
from micrograd_tui.lessons.workshop.checking import CheckRun
from micrograd_tui.lessons.workshop.exercises import find_exercise

SOLUTION = Path(__file__).parent / "solution"


def run_hostile(tmp_path: Path, boxed: bool, monkeypatch) -> tuple[str, list[bytes], list[int]]:
    sessions = tmp_path / ("boxed" if boxed else "open") / "sessions"
    mine, theirs = sessions / "a" / "workspace", sessions / "b" / "workspace"
    for folder in (mine, theirs):
        shutil.copytree(SOLUTION, folder)
    (theirs / "secret.txt").write_text("their answers")
    listener = Listener()
    marker = f"left-behind-{os.getpid()}-{boxed}"
    engine = mine / "engine.py"
    engine.write_text(HOSTILE.format(other=str(theirs / "secret.txt"), port=listener.port,
                                     marker=marker) + engine.read_text())
    monkeypatch.setenv(sandbox.ENV_BOX, "1" if boxed else "0")
    outcomes = CheckRun(find_exercise("build-value"), mine, time_limit=10).run_all()
    assert outcomes and outcomes[0].ok, outcomes[0].message  # the learner's own engine still works in the box
    time.sleep(1.0)
    left = processes_with(marker)
    listener.close()
    return (mine / "said.txt").read_text(), listener.got, left


@pytest.mark.skipif(not sandbox.box_works(), reason="bubblewrap is not installed or cannot make namespaces here "
                                                    "(Debian: apt-get install bubblewrap); .ci/run installs it")
def test_in_the_box_the_learners_code_reads_no_other_session_connects_nowhere_and_leaves_nothing(tmp_path, monkeypatch):
    said, got, left = run_hostile(tmp_path, boxed=True, monkeypatch=monkeypatch)
    assert "no read: FileNotFoundError" in said and "their answers" not in said
    assert "no connection" in said and got == []
    assert left == []
    # the control: outside the box the same file reads and connects; the warden still ends what it started
    said, got, left = run_hostile(tmp_path, boxed=False, monkeypatch=monkeypatch)
    try:
        assert "read their answers" in said and "connected" in said and got == [b"hello"] and left == []
    finally:
        for pid in left:
            os.kill(pid, 9)
