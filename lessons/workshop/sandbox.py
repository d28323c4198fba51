"""The box the learner's code runs in: a child Python process with limits, answering in JSON lines.

The app's process never imports the learner's files. The child runs ``harness.py``
with ``python -I`` (no user site, no environment paths), a scrubbed environment, a
session of its own (so a kill takes its children too), and limits on time, memory
and output. Under ``serve`` on Linux, where bubblewrap works, it also runs in a
box (:func:`box_prefix`): no network, a file system of just the Python it needs,
this harness and the learner's own workspace, its own process tree (nothing it
starts outlives it), no capabilities, as the unprivileged user ``nobody``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..jobs import JsonLines

HARNESS = Path(__file__).with_name("harness.py")
ENV_BOX = "MICROGRAD_TUI_BOX"  # set by serve when bubblewrap works here: the learner's code runs in a box
NOBODY = 65534
TIME_LIMIT = 10.0  # seconds for one run of checks
MEMORY_LIMIT = 1 << 30  # bytes of address space, where the platform lets us set it
OUTPUT_LIMIT = 16 << 20  # bytes the learner's prints may write before the child is stopped
SHOWN_OUTPUT = 2000  # characters of the learner's output kept for the screen


def _limits() -> None:  # runs in the child, before Python starts
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, OUTPUT_LIMIT))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass  # no resource limits here (Windows): the time limit still holds


def box_prefix(workspace: Path, request_dir: Path) -> list[str] | None:
    """The bubblewrap command that boxes the harness, or None where there is no bwrap."""
    import shutil

    bwrap = shutil.which("bwrap")
    if bwrap is None or not sys.platform.startswith("linux"):
        return None
    command = [bwrap, "--unshare-all", "--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY),
               "--die-with-parent", "--new-session", "--cap-drop", "ALL",
               "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    system = ["/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin"]
    python = {os.path.realpath(sys.base_prefix), sys.prefix, os.path.realpath(sys.prefix), str(HARNESS.parent)}
    for path in system + sorted(python):
        command += ["--ro-bind-try", path, path]
    command += ["--ro-bind", str(request_dir), str(request_dir), "--bind", str(workspace), str(workspace),
                "--chdir", str(workspace), "--setenv", "TMPDIR", "/tmp", "--setenv", "HOME", str(workspace), "--"]
    return command


def box_works() -> bool:
    """Whether the box can be made here (bubblewrap installed and allowed to make namespaces)."""
    with tempfile.TemporaryDirectory(prefix="micrograd-tui-box-") as tmp:
        prefix = box_prefix(Path(tmp), Path(tmp))
        if prefix is None:
            return False
        try:
            done = subprocess.run(prefix + [sys.executable, "-I", "-c", "pass"], capture_output=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            return False
        return done.returncode == 0


@dataclass
class Ending:
    """How a run ended when it did not end normally: what to tell the learner."""

    message: str


@dataclass
class SandboxRun:
    """One child process running checks; read its events with :meth:`events`, stop it with :meth:`kill`."""

    workspace: Path
    checks: list[dict]
    time_limit: float = TIME_LIMIT
    ending: Ending | None = None
    output: str = ""
    _proc: subprocess.Popen | None = field(default=None, repr=False)
    # start() runs in the job's thread, close() may come from the app's (a learner leaving the lesson):
    # the lock makes close wait for a start under way, and a run closed before it started never starts.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _closed: bool = field(default=False, repr=False)

    def start(self) -> None:
        with self._lock:
            if self._closed:
                self.ending = Ending("the checks were stopped before they started")
                return
            self._start()

    def _start(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="micrograd-tui-run-", ignore_cleanup_errors=True)
        request = Path(self._tmp.name) / "request.json"
        request.write_text(json.dumps({"workspace": str(self.workspace), "checks": self.checks}), encoding="utf-8")
        self._out = open(Path(self._tmp.name) / "output.txt", "w+b")
        read, write = os.pipe()
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "SYSTEMROOT", "LANG", "LC_ALL", "HOME", "TMPDIR")}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        kwargs: dict = {}
        if os.name == "posix":
            kwargs["preexec_fn"] = _limits
            kwargs["start_new_session"] = True
        boxed = box_prefix(self.workspace.resolve(), Path(self._tmp.name)) if os.environ.get(ENV_BOX) else None
        if os.environ.get(ENV_BOX) and boxed is None:  # never run unboxed where a box was promised
            self.ending = Ending("your code was not run: the box it runs in here (bubblewrap) is not available")
            self._out.close()
            return
        self._boxed = boxed is not None
        self._proc = subprocess.Popen(
            (boxed or []) + [sys.executable, "-I", str(HARNESS), str(request), str(write)],
            stdin=subprocess.DEVNULL, stdout=self._out, stderr=subprocess.STDOUT, pass_fds=(write,),
            cwd=str(self.workspace), env=env, **kwargs,
        )
        os.close(write)
        self._lines = JsonLines(read)
        self._deadline = time.monotonic() + self.time_limit

    def events(self):
        """Each event the child sends, as it comes; ends when the child is done, dies or runs out of time."""
        if self._proc is None:
            return  # closed before it started
        while True:
            left = self._deadline - time.monotonic()
            if left <= 0:
                self.kill()
                self._finish(Ending(f"your code ran for more than {self.time_limit:g} s and was stopped "
                                    "(an endless loop? a graph walked again and again?)"))
                return
            for event in self._lines.get(min(left, 0.5)):
                if event.get("event") == "done":
                    self._finish()
                    return
                yield event
            if self._lines.ended:  # the child closed our channel: it exited or died
                self._finish(self._died())
                return

    def _died(self) -> Ending:
        assert self._proc is not None
        try:
            code = self._proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self._proc.wait()
        if self._boxed and code > 128:  # bubblewrap passes on a child killed by signal N as 128 + N
            code = 128 - code
        if code < 0:
            import signal

            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            why = {"SIGSEGV": "it crashed (a segmentation fault)", "SIGKILL": "it was killed (out of memory?)",
                   "SIGXFSZ": f"it printed more than {OUTPUT_LIMIT >> 20} MB",
                   "SIGABRT": "it aborted"}.get(name, f"it was stopped by {name}")
            return Ending(f"the Python process running your code ended before the checks finished: {why}")
        return Ending(f"your code ended the Python process (exit status {code}) before the checks finished: "
                      "os._exit()? sys.exit() outside a function?")

    def _finish(self, ending: Ending | None = None) -> None:
        self.ending = ending
        if self._proc is not None:
            try:
                self._proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.kill()
        self._out.seek(0)
        raw = self._out.read(SHOWN_OUTPUT * 4)
        self.output = raw.decode("utf-8", "replace")[:SHOWN_OUTPUT]
        self.close()

    def kill(self) -> None:
        """Stop the child at once (safe from any thread, any number of times)."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            try:
                if os.name == "posix":
                    os.killpg(proc.pid, 9)
                else:
                    proc.kill()
            except (ProcessLookupError, PermissionError):
                pass
            proc.wait()

    def close(self) -> None:
        """Stop the child and remove its files (safe from any thread, any number of times)."""
        with self._lock:
            self._closed = True
            self.kill()
            out = getattr(self, "_out", None)  # the channel's reader closes its own end
            if out is not None and not out.closed:
                out.close()
            tmp = self.__dict__.pop("_tmp", None)
        if tmp is not None:
            tmp.cleanup()
