"""Where the learner's files live, and the one way this app writes a file: atomically.

Progress, the workspace and shared runs sit in the platform's user data folder
(``platformdirs``), or under ``MICROGRAD_TUI_HOME`` when it is set (tests and
``serve`` give each session its own). A file is written to a temporary file in
the same folder, flushed to disk, then renamed over the old one, so a crash
leaves the old file or the new, never half of one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ENV_HOME = "MICROGRAD_TUI_HOME"


def data_dir() -> Path:
    """``MICROGRAD_TUI_HOME``, else the platform's user data folder for micrograd-tui."""
    home = os.environ.get(ENV_HOME)
    if home:
        return Path(home)
    from platformdirs import user_data_dir

    return Path(user_data_dir("micrograd-tui", appauthor=False))


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; OSError when it cannot be written (nothing is left behind)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
