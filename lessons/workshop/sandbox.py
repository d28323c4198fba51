"""The box the learner's code runs in: a child Python process with limits, answering in JSON lines.

The app's process never imports the learner's files. The child runs ``harness.py``
with ``python -I -S`` (no site-packages: neither micrograd-tui nor anything installed
beside it can be imported, only the standard library), a scrubbed environment, a
session of its own, and limits on time, memory and output.

Where bubblewrap works (found out once, :func:`box_works`), it runs in a box
(:func:`box_prefix`): no network, a file system of just the standard library, the
harness file and the learner's own workspace (no site-packages, no worked solutions,
no other session), a private /tmp and /dev/shm of a few MiB, its own process tree
(nothing it starts outlives it), no capabilities, as the unprivileged user
``nobody``. ``serve`` insists on it (``MICROGRAD_TUI_BOX=1``: no box, no run);
``MICROGRAD_TUI_BOX=0`` turns it off.

Without a box, the harness runs under ``warden.py``, which is its parent instead of
the app (signalling the parent ends the warden, not the app) and, on Linux, a child
subreaper that kills whatever the learner's code left running when the run ends.
After every run the workspace is held to its quota (``workspace.enforce_quota``).
"""

from __future__ import annotations

import functools
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
WARDEN = Path(__file__).with_name("warden.py")
BOX_HARNESS = "/opt/micrograd-tui/harness.py"  # where the box shows the harness (the one file of ours it sees)
ENV_BOX = "MICROGRAD_TUI_BOX"  # 1: always box (serve; no box, no run), 0: never, unset: box where bubblewrap works
TMP_LIMIT = 32 << 20  # bytes of /tmp (and as much /dev/shm) inside the box: memory the learner's code can fill
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


def _hidden_site_dirs() -> list[str]:
    """Every folder of installed packages a mounted tree may hold: masked in the box."""
    import site
    import sysconfig

    found = set(site.getsitepackages()) | set(site.getsitepackages([sys.base_prefix]))
    found.add(site.getusersitepackages())
    found.add(sysconfig.get_path("purelib"))
    found.add(sysconfig.get_path("platlib"))
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    found |= {"/usr/lib/python3/dist-packages", f"/usr/local/lib/{version}/dist-packages",
              f"/usr/lib/{version}/dist-packages", f"/usr/local/lib/{version}/site-packages"}
    return sorted(os.path.realpath(d) for d in found if d and os.path.isdir(d))


def interpreter() -> str:
    """The Python binary itself (a venv's python is a link to it, and the venv is not in the box)."""
    return os.path.realpath(sys.executable)


def box_prefix(workspace: Path, request_dir: Path) -> list[str] | None:
    """The bubblewrap command that boxes the harness, or None where there is no bwrap."""
    import shutil

    bwrap = shutil.which("bwrap")
    if bwrap is None or not sys.platform.startswith("linux"):
        return None
    command = [bwrap, "--unshare-all", "--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY),
               "--die-with-parent", "--new-session", "--cap-drop", "ALL",
               "--dev", "/dev", "--size", str(TMP_LIMIT), "--tmpfs", "/dev/shm", "--proc", "/proc",
               "--size", str(TMP_LIMIT), "--tmpfs", "/tmp"]
    mounted = ["/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", os.path.realpath(sys.base_prefix),
               os.path.dirname(interpreter())]
    for path in dict.fromkeys(mounted):
        command += ["--ro-bind-try", path, path]
    for folder in _hidden_site_dirs():  # installed packages (micrograd-tui among them) are not there
        if any(folder == m or folder.startswith(m.rstrip("/") + "/") for m in mounted):
            command += ["--tmpfs", folder]
    command += ["--ro-bind", str(HARNESS), BOX_HARNESS,
                "--ro-bind", str(request_dir), str(request_dir), "--bind", str(workspace), str(workspace),
                "--chdir", str(workspace), "--setenv", "TMPDIR", "/tmp", "--setenv", "HOME", str(workspace), "--"]
    return command


@functools.cache
def box_works() -> bool:
    """Whether the box can be made here (bubblewrap installed and allowed to make namespaces); found out
    once per process."""
    with tempfile.TemporaryDirectory(prefix="micrograd-tui-box-") as tmp:
        prefix = box_prefix(Path(tmp), Path(tmp))
        if prefix is None:
            return False
        try:
            done = subprocess.run(prefix + [interpreter(), "-I", "-S", "-c", "import os"], capture_output=True,
                                  timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            return False
        return done.returncode == 0


def box_wanted() -> bool | None:
    """True: the learner's code must run boxed (serve); False: never boxed; None: boxed where it works."""
    value = os.environ.get(ENV_BOX, "").strip()
    if value in ("", "auto"):
        return None
    return value not in ("0", "off", "no")


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
    notice: str = ""  # what the app did after the run (the workspace's quota), for the learner
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
        wanted = box_wanted()
        boxed = None
        if wanted is not False and (wanted or box_works()):
            boxed = box_prefix(self.workspace.resolve(), Path(self._tmp.name))
        if wanted and boxed is None:  # never run unboxed where a box was promised
            self.ending = Ending("your code was not run: the box it runs in here (bubblewrap) is not available")
            self._out.close()
            return
        self._boxed = boxed is not None
        harness = [str(request), str(write)]
        if boxed is not None:
            command = boxed + [interpreter(), "-I", "-S", BOX_HARNESS, *harness]
        elif os.name == "posix":  # the warden stands between the learner's code and the app
            command = [sys.executable, "-I", "-S", str(WARDEN), str(write), "--",
                       sys.executable, "-I", "-S", str(HARNESS), *harness]
        else:
            command = [sys.executable, "-I", "-S", str(HARNESS), *harness]
        self._proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=self._out, stderr=subprocess.STDOUT, pass_fds=(write,),
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
        if code > 128:  # bubblewrap and the warden pass on a child killed by signal N as 128 + N
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
        from .workspace import enforce_quota

        self.notice = enforce_quota(self.workspace)
        if self.notice:
            self.output = f"[micrograd-tui] {self.notice}\n" + self.output

    def kill(self) -> None:
        """Stop the child and everything it started at once (safe from any thread, any number of times):
        the warden is asked first, so it kills what left the group; then the whole group goes, also when
        the child had already ended (what it forked may still run)."""
        proc = self._proc
        if proc is None:
            return
        if os.name == "posix":
            if proc.poll() is None and not getattr(self, "_boxed", True):
                try:
                    os.kill(proc.pid, 15)
                    proc.wait(timeout=3)
                except (ProcessLookupError, PermissionError, subprocess.TimeoutExpired):
                    pass
            try:
                os.killpg(proc.pid, 9)
            except (ProcessLookupError, PermissionError):
                pass
        elif proc.poll() is None:
            proc.kill()
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
