"""The learner's workspace: a folder of real files (engine.py, nn.py, train.py, exercises.py).

Created from the starters the first time a build exercise opens; a file that
exists is never overwritten. Resetting an exercise's file keeps the learner's
version beside it (``engine.py.1`` ...).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from ..userdata import data_dir, write_atomic

ENV_WORKSPACE = "MICROGRAD_TUI_WORKSPACE"
ENV_NO_CODE = "MICROGRAD_TUI_NO_CODE"  # set by `serve --no-code`: learners' code is not run
ENV_SERVED = "MICROGRAD_TUI_SERVED"  # set by `serve`: the learner is in a browser (no $EDITOR, files come as downloads)
FILES = ("engine.py", "nn.py", "train.py", "exercises.py")


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
