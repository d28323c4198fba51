"""First paint in a real terminal: micrograd-tui's lesson 0 against a bare Textual app.

Each app runs in a pseudo-terminal of 120x40, as a learner would start it. The
clock runs from spawning the process until the terminal has received the text
that proves the screen is painted: for the bare app (a header, one line, a
footer) its line; for micrograd-tui lesson 0's g = 24.7041, which needs the
engine, the lab and the graph tree to be on screen. The two alternate, and the
median of each is compared.

Run:  python tests/benchmarks/bench_first_paint.py [--runs 7]
Goal: micrograd-tui / bare <= 1.5
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    BINDINGS = [("q", "quit", "Quit")]
    def compose(self):
        yield Header()
        yield Static("bare textual first paint")
        yield Footer()

Bare().run()
"""


def time_to_text(argv: list[str], marker: bytes, env: dict[str, str], timeout: float = 30.0) -> float:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                            start_new_session=True)
    os.close(slave)
    seen = b""
    try:
        while True:
            left = timeout - (time.perf_counter() - t0)
            if left <= 0:
                raise TimeoutError(f"{argv} did not show {marker!r} in {timeout}s")
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                raise RuntimeError(f"{argv} exited before painting: {seen[-400:]!r}") from None
            seen += chunk
            if marker in seen:
                return time.perf_counter() - t0
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)
        os.close(master)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
    # As on a learner's machine, compiled bytecode is cached (pip writes it at install time; an
    # editable checkout writes it on the first run). Some sandboxes turn that off for everything.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as home:
        env["MICROGRAD_TUI_HOME"] = home
        bare_file = os.path.join(home, "bare.py")
        with open(bare_file, "w") as fh:
            fh.write(BARE_APP)
        ours_cmd = [sys.executable, "-m", "micrograd_tui.tui.cli", "--lesson", "micrograd"]
        bare_cmd = [sys.executable, bare_file]
        # one untimed run each so both start from warm disk caches and compiled bytecode
        time_to_text(bare_cmd, b"bare textual first paint", env)
        time_to_text(ours_cmd, b"24.7041", env)
        bare, ours = [], []
        for i in range(args.runs):
            pair = [("bare", bare_cmd, b"bare textual first paint"), ("ours", ours_cmd, b"24.7041")]
            for name, cmd, marker in (pair if i % 2 == 0 else pair[::-1]):
                (bare if name == "bare" else ours).append(time_to_text(cmd, marker, env))
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"bare Textual app     median first paint {b * 1000:7.1f} ms  (runs: {', '.join(f'{x*1000:.0f}' for x in bare)})")
    print(f"micrograd-tui lesson 0 median first paint {o * 1000:7.1f} ms  (runs: {', '.join(f'{x*1000:.0f}' for x in ours)})")
    print(f"ratio micrograd-tui / bare: {o / b:.2f}  (goal <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
