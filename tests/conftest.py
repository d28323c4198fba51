"""Shared fixtures and helpers: user state in a temporary directory, making and settling the app, reading
the screen, running a lab's job the way the app's runner does."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def user_home(tmp_path, monkeypatch):
    """Every test gets its own progress directory: runs are repeatable and touch nothing real."""
    home = tmp_path / "home"
    monkeypatch.setenv("MICROGRAD_TUI_HOME", str(home))
    monkeypatch.delenv("MICROGRAD_TUI_WORKSPACE", raising=False)
    for editor in ("VISUAL", "EDITOR"):  # a real editor must never start inside a test
        monkeypatch.delenv(editor, raising=False)
    # the build checks' random cases, fixed so a slip's message is the same every run (tests that vary it say so)
    monkeypatch.setenv("MICROGRAD_TUI_SEED", "18")
    # predict mode off, as the labs were before it (issue 30's acceptance: the existing tests pass with P);
    # the tests of predicting turn it on. And a fresh skill book, not the last test's answers.
    from micrograd_tui.lessons import predict, skills

    monkeypatch.setattr(predict.Settings, "on", False)
    monkeypatch.setattr(skills, "BOOK", skills.SkillBook())
    return home


async def wait_for(pilot, predicate, timeout: float = 20.0) -> bool:
    """Let the app run until ``predicate()`` holds (True) or ``timeout`` seconds pass (False)."""
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        await pilot.pause(0.05)
        if predicate():
            return True
    return False


def screen_text(app) -> str:
    """The screen as plain text, as a learner would read it."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def make_app(start=None, home=None):
    """The app at a lesson, with lab errors raised (a broken lab fails the test, not becomes a message)."""
    from micrograd_tui.tui.app import MicrogradApp
    from micrograd_tui.tui.progress import Progress

    app = MicrogradApp(start=start, progress=Progress(home).load() if home else None)
    app.raise_lab_errors = True
    return app


async def settle(pilot, times=3):
    for _ in range(times):
        await pilot.pause()


def step_until(job, done, seconds: float = 60.0) -> None:
    """Step ``job`` until ``done()`` or the child has finished: a loaded machine may take seconds to start it,
    so tests wait for what the child says, never for a count of reads."""
    import time

    end = time.monotonic() + seconds
    while not done() and not job.finished and time.monotonic() < end:
        job.step()


def heard(lab) -> None:
    """Step a training lab's job until its child has sent lines (read, not applied yet)."""
    job, child = lab.job(), lab.child
    step_until(job, lambda: bool(child.lines))
    assert child.lines, child.problem or "the child sent nothing"


def run_job(lab, limit=10_000):
    """What the app's runner does, in this thread: step until finished, then apply the final snapshot."""
    job = lab.job()
    assert job is not None
    n = 0
    while not job.finished and n < limit:
        job.step()
        n += 1
    job.apply(job.snapshot(), True)
    return n


# --- a hostile learner's file (the box serve runs learners' code in) ------------------------------------

HOSTILE = '''
import os, socket, subprocess, sys
_said = []
try:
    _said.append("read " + open({other!r}).read())
except Exception as e:
    _said.append("no read: " + type(e).__name__)
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"hello")
    _said.append("connected")
except Exception as e:
    _said.append("no connection: " + type(e).__name__)
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)  # {marker}"], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
open("said.txt", "w").write("\\n".join(_said))
'''


def processes_with(marker: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if marker.encode() in (proc / "cmdline").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                pass
    return found


class Listener:
    """A port on 127.0.0.1 that keeps what connects to it, for 15 s."""

    def __init__(self):
        import socket
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.got: list[bytes] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import time

        end = time.monotonic() + 15
        while time.monotonic() < end:
            try:
                conn, _ = self.sock.accept()
                self.got.append(conn.recv(100))
                conn.close()
            except OSError:
                if self.sock.fileno() < 0:
                    return

    def close(self) -> None:
        self.sock.close()


# --- what the installed app did, in the log (CI shows it) ------------------------------------------------------

def pytest_terminal_summary(terminalreporter):
    """The smoke test of the installed console script records each entry it opened; the log lists them."""
    said = [value for report in terminalreporter.stats.get("passed", [])
            for name, value in getattr(report, "user_properties", []) if name == "smoke"]
    if said:
        terminalreporter.write_sep("-", f"installed micrograd-tui: {len(said)} smoke checks passed")
        terminalreporter.write_line("; ".join(sorted(said)))
    for report in terminalreporter.stats.get("passed", []):
        for name, value in getattr(report, "user_properties", []):
            if name == "imported_from":
                terminalreporter.write_line(f"micrograd_tui imported from {value}")
