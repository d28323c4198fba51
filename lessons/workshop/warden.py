"""Stands between the app and the learner's code where there is no box: ``python -I -S warden.py FD -- CMD...``.

The app starts this script in a session of its own; it starts CMD (the harness, which imports the learner's
files) as its child, passing on descriptor FD, and waits. So the learner's code has the warden, not the app,
for a parent: ``os.kill(os.getppid(), 9)`` ends the warden, and the app reads that as a run that died. On
Linux the warden is also a child subreaper: whatever the learner's code starts and leaves (a fork, a daemon
in a session of its own) is re-parented to the warden instead of to init, and when CMD ends, or the app asks
with SIGTERM, the warden kills every process under it before it exits. Its exit status is CMD's (128 + N for
a signal N, as bubblewrap reports it).

Standard library only, and nothing of micrograd-tui's: it runs with ``-S`` beside the harness.
"""

import os
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def children_of(pid: int) -> list[int]:
    found: list[int] = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and brackets, so split after the last ')'
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.append(int(name))
    return found


def reap_all(seconds: float = 3.0) -> None:
    """Kill every process under this one, again and again until none is left (a fork may land meanwhile)."""
    me = os.getpid()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        left = children_of(me)
        if not left:
            break
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01)
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break


def main() -> int:
    fd = int(sys.argv[1])
    command = sys.argv[sys.argv.index("--") + 1:]
    become_subreaper()
    child = subprocess.Popen(command, pass_fds=(fd,))
    os.close(fd)  # the app sees the channel end when the harness's copy closes

    def stop(signum, frame):
        reap_all()
        os._exit(128 + signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    code = child.wait()
    reap_all()
    return 128 - code if code < 0 else code


if __name__ == "__main__":
    sys.exit(main())
