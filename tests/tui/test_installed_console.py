"""The installed console script, as a learner starts it: in a real pseudo-terminal, read back through a
terminal emulator (pyte). Every entry of ``--list`` opens by its slug, shows its title and no traceback, and
quits cleanly; lessons 14 and 16 train; ``--setup`` opens the demo from a saved run.

This is what caught nothing while the suite ran against the source tree: an installed wheel that lacked
``lessons/kinds/train`` ended the app at lesson 14."""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from micrograd_tui.lessons.registry import LESSONS

pyte = pytest.importorskip("pyte")

COLS, ROWS = 120, 40
SCRIPT = Path(sys.executable).with_name("micrograd-tui")


class Terminal:
    """``micrograd-tui ARGS`` in a pseudo-terminal of COLS x ROWS, its output fed to an emulator."""

    def __init__(self, args: list[str], home: Path):
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "PYTEST"))}
        env.update(TERM="xterm-256color", MICROGRAD_TUI_HOME=str(home), COLUMNS=str(COLS), LINES=str(ROWS))
        self.proc = subprocess.Popen([str(SCRIPT), *args], stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.fd = master

    def read(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], max(0.0, min(0.1, end - time.monotonic())))
            if ready:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:  # the app ended and closed its side
                    return
                if not data:
                    return
                self.raw += data
                self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, pattern: str, seconds: float = 30.0) -> re.Match | None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.read(0.2)
            found = re.search(pattern, self.text())
            if found:
                return found
            if self.proc.poll() is not None:
                self.read(0.5)
                return re.search(pattern, self.text())
        return None

    def press(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def quit(self) -> int:
        self.press(b"\x11")  # ctrl+q
        end = time.monotonic() + 20
        while self.proc.poll() is None and time.monotonic() < end:
            self.read(0.2)
        if self.proc.poll() is None:
            self.proc.kill()
        code = self.proc.wait(10)
        os.close(self.fd)
        return code

    def ending(self) -> str:
        """What the app wrote last, as it was written (a traceback printed as it exits is after the screen)."""
        return self.raw[-4000:].decode("utf-8", "replace")

    def traceback(self) -> bool:
        return b"Traceback" in self.raw or "Traceback" in self.text()


@pytest.fixture
def terminal(tmp_path):
    opened: list[Terminal] = []

    def start(*args: str) -> Terminal:
        t = Terminal(list(args), tmp_path / "home")
        opened.append(t)
        return t

    yield start
    for t in opened:
        if t.proc.poll() is None:
            t.proc.kill()
            t.proc.wait(10)


def test_the_console_script_is_installed():
    assert SCRIPT.exists(), f"no {SCRIPT}: the suite runs against an installed micrograd-tui"


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.slug for lesson in LESSONS])
def test_every_entry_opens_by_its_slug(terminal, lesson, record_property):
    t = terminal("--lesson", lesson.slug)
    shown = t.wait_for(re.escape(f"lesson {lesson.label}") + r"\s+" + re.escape(lesson.title[:40]))
    assert shown, f"{lesson.slug}: the title never showed\n{t.text()}"
    assert not t.traceback(), t.text()
    t.read(0.5)
    assert t.quit() == 0 and not t.traceback(), t.text()
    record_property("smoke", f"{lesson.label} {lesson.slug}")


def _steps(t: Terminal) -> int:
    found = re.search(r"step\s+(\d+) of \d+", t.text())
    return int(found.group(1)) if found else -1


@pytest.mark.parametrize("slug", ["gradient-descent", "demo"])
def test_the_training_lessons_train(terminal, slug, record_property):
    t = terminal("--lesson", slug)
    assert t.wait_for(r"step\s+0 of \d+"), t.text()
    t.press(b" ")
    assert t.wait_for(r"the loss will", 10), t.text()  # predict mode, on at first: where will the loss go?
    t.press(b"d")
    t.read(2.0)
    assert t.wait_for(r"step\s+[1-9]\d* of \d+", 20), f"{slug} did not train\n{t.text()}"
    assert not t.traceback(), t.text()
    record_property("smoke", f"{slug} trained to step {_steps(t)}")
    assert t.quit() == 0, t.ending()


def test_setup_opens_the_demo_from_a_saved_run(terminal, tmp_path, record_property):
    from micrograd_tui.lessons.kinds.train.setup import SETUP_VERSION
    from micrograd_tui.lessons.registry import find

    lab = find("demo").make_lab()
    lab.knob("points").value = 40
    saved = tmp_path / "run.json"
    saved.write_text(json.dumps({"lesson": "demo", "version": SETUP_VERSION, "setup": lab.setup().to_json()}))
    t = terminal("--setup", str(saved))
    assert t.wait_for(r"lesson 16"), t.text()
    assert t.wait_for(r"points\s+40\b"), t.text()
    assert not t.traceback(), t.text()
    record_property("smoke", "--setup opened the demo with 40 points")
    assert t.quit() == 0, t.ending()


def test_a_progress_file_nested_too_deep_is_moved_aside_and_the_app_starts(terminal, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "progress.json").write_text("[" * 200_000 + "]" * 200_000)
    t = terminal()
    assert t.wait_for(r"lesson 0"), t.text()
    assert t.wait_for(r"kept\s+as"), t.text()  # the notice says where it went
    assert not t.traceback() and not (home / "progress.json").read_text().startswith("[")
    assert [p.name for p in home.glob("progress.json.bad-*")]
    assert t.quit() == 0, t.ending()
