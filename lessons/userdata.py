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
import time
from pathlib import Path

ENV_HOME = "MICROGRAD_TUI_HOME"


def data_dir() -> Path:
    """``MICROGRAD_TUI_HOME``, else the platform's user data folder for micrograd-tui."""
    home = os.environ.get(ENV_HOME)
    if home:
        return Path(home)
    from platformdirs import user_data_dir

    return Path(user_data_dir("micrograd-tui", appauthor=False))


def remove_stale_temps(folder: Path, min_age: float = 30.0) -> int:
    """Remove the temporary files of writes that were killed before their rename (``.NAME-*.tmp`` in
    ``folder``, older than ``min_age`` seconds, so a write under way in another process is left alone).
    Returns how many went; a folder that cannot be listed or a file that cannot go is left as it is."""
    removed = 0
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not (entry.name.startswith(".") and entry.name.endswith(".tmp") and "-" in entry.name):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and now - entry.stat(follow_symlinks=False).st_mtime >= min_age:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            pass
    return removed


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
