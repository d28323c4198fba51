"""The learner's workspace: a folder of real files (engine.py, nn.py, train.py, exercises.py).

Created from the starters the first time a build exercise opens; a file that
exists is never overwritten. Resetting an exercise's file keeps the learner's
version beside it (``engine.py.1`` ...).
"""

from __future__ import annotations

import os
import stat
from importlib import resources
from pathlib import Path

from ..userdata import data_dir, write_atomic

ENV_WORKSPACE = "MICROGRAD_TUI_WORKSPACE"
ENV_NO_CODE = "MICROGRAD_TUI_NO_CODE"  # set by `serve --no-code`: learners' code is not run
ENV_SERVED = "MICROGRAD_TUI_SERVED"  # set by `serve`: the learner is in a browser (no $EDITOR, files come as downloads)
FILES = ("engine.py", "nn.py", "train.py", "exercises.py")
QUOTA = 50 << 20  # bytes a workspace may hold in all; checked after each run of the learner's code


def default_workspace() -> Path:
    """``MICROGRAD_TUI_WORKSPACE``, else ``workspace`` in the user data folder (``MICROGRAD_TUI_HOME``)."""
    chosen = os.environ.get(ENV_WORKSPACE)
    if chosen:
        return Path(chosen).expanduser().resolve()
    return (data_dir() / "workspace").resolve()


def served() -> bool:
    """The app runs for a browser (``micrograd-tui serve``)."""
    return bool(os.environ.get(ENV_SERVED))


def starter(name: str) -> str:
    return resources.files(__package__).joinpath("starters", name).read_text(encoding="utf-8")


def ensure(workspace: Path) -> list[str]:
    """Make the folder and any starter file that is missing; returns the names of the files made."""
    workspace.mkdir(parents=True, exist_ok=True)
    made = []
    for name in FILES:
        path = workspace / name
        if not path.exists():
            write_atomic(path, starter(name))
            made.append(name)
    return made


def reset(workspace: Path, name: str) -> Path | None:
    """Put the starter back in place of ``name``; the learner's file is kept as ``name.N``."""
    path = workspace / name
    kept = None
    if path.exists():
        n = 1
        while (workspace / f"{name}.{n}").exists():
            n += 1
        kept = workspace / f"{name}.{n}"
        path.rename(kept)
    write_atomic(path, starter(name))
    return kept


# --- reading a workspace the learner's code could write to -------------------------------------------------
# The learner's code runs with the workspace as its folder, so anything in it may be a link to /etc/passwd,
# /proc/self/environ or another learner's folder. The app takes only regular files whose real path is inside
# the workspace, and says which it skipped.

def real_inside(workspace: Path, path: Path) -> Path | None:
    """``path``'s real path when it is a regular file inside ``workspace``; None otherwise."""
    try:
        root = workspace.resolve(strict=True)
        real = path.resolve(strict=True)
        st = os.stat(real, follow_symlinks=False)
    except (OSError, RuntimeError):
        return None
    if root not in real.parents or not stat.S_ISREG(st.st_mode):
        return None
    return real


def read_inside(workspace: Path, path: Path, limit: int = 4 << 20) -> str:
    """The text of a workspace file, read only when it is a regular file inside the workspace (a link out is
    refused, a fifo is not waited on); OSError saying why otherwise."""
    real = real_inside(workspace, path)
    if real is None:
        raise OSError(f"{path.name} is not a plain file inside your workspace (a link out of it?): not opened")
    fd = os.open(real, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise OSError(f"{path.name} is not a plain file: not opened")
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise OSError(f"{path.name} is over {limit >> 20} MiB: not opened")
    return data.decode("utf-8")


def files_inside(workspace: Path) -> tuple[list[Path], list[str]]:
    """Every regular file under ``workspace`` (links not followed), and the names of what was skipped."""
    taken: list[Path] = []
    skipped: list[str] = []
    for folder, dirs, names in os.walk(workspace, followlinks=False):
        for name in sorted(dirs):
            if os.path.islink(os.path.join(folder, name)):
                skipped.append(os.path.relpath(os.path.join(folder, name), workspace))
        for name in sorted(names):
            path = Path(folder, name)
            if not path.is_symlink() and real_inside(workspace, path) is not None:
                taken.append(path)
            else:
                skipped.append(os.path.relpath(path, workspace))
    return taken, skipped


def enforce_quota(workspace: Path, quota: int = QUOTA) -> str:
    """After a run of the learner's code: past ``quota`` bytes in all, remove files (largest first, never
    the exercise files) until it fits. Returns what was done, to tell the learner, or ''."""
    files, _ = files_inside(workspace)
    sizes = []
    for f in files:
        try:
            sizes.append((os.stat(f, follow_symlinks=False).st_size, f))
        except OSError:
            pass
    total = sum(size for size, _ in sizes)
    if total <= quota:
        return ""
    removed = []
    keep = {workspace / name for name in FILES}
    for size, f in sorted(sizes, key=lambda s: -s[0]):
        if total <= quota:
            break
        if f in keep:
            continue
        try:
            os.unlink(f)
        except OSError:
            continue
        total -= size
        removed.append(os.path.relpath(f, workspace))
    shown = ", ".join(removed[:5]) + (f" and {len(removed) - 5} more" if len(removed) > 5 else "")
    return (f"your workspace held more than {quota >> 20} MiB, its limit: {shown} removed "
            "(your code wrote them; the exercise files are kept)")
