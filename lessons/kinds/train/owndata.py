"""The learner's own points: added and removed by hand on the demo's surface, or read from a CSV file.

Once the points are the learner's, a run's setup carries them (``Setup.given``: the training points and
the held-out ones, each ``(x, y, label)``), so a shared run trains on the very same points again. A CSV
has one point a line, ``x, y, label``, with an optional header line. Labels -1 and +1 (or 0 and 1) make
two classes; 0, 1 and 2 make three (softmax's loss). Every problem is said with its line number.
"""

from __future__ import annotations

import csv
import io
import math
import random
from pathlib import Path

OWN = "own"  # the dataset's name when the points are the learner's
MAX_POINTS = 1000  # as many as the points knob allows
MAX_CLASSES = 3  # the surface has colours for three
MAX_BYTES = 1_000_000

Point = tuple[float, float, float]  # x, y, label


def classes_of(labels) -> int:
    """How many classes these labels name: 2 for -1/+1 (or fewer kinds), else their count (0, 1, 2 ...)."""
    kinds = set(labels)
    return 2 if kinds <= {-1.0, 1.0} else len(kinds)


def parse_csv(text: str) -> list[Point]:
    """The points of a CSV text, labels made -1/+1 for two classes (0 and 1 become -1 and +1), or 0, 1, 2
    for three; a ValueError says what is wrong and where."""
    rows = list(csv.reader(io.StringIO(text)))
    points: list[Point] = []
    for n, row in enumerate(rows, 1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if len(cells) != 3:
            raise ValueError(f"line {n}: a point is x, y, label (3 values), not {len(cells)}: {','.join(row)[:40]!r}")
        try:
            x, y, label = (float(c) for c in cells)
        except ValueError:
            if not points and n == 1:
                continue  # a header line (x, y, label)
            raise ValueError(f"line {n}: x, y and label must be numbers, not {','.join(row)[:40]!r}") from None
        if not all(math.isfinite(v) for v in (x, y)):
            raise ValueError(f"line {n}: x and y must be finite numbers")
        if label != int(label):
            raise ValueError(f"line {n}: a label is a whole number (-1 and 1, or 0, 1, 2), not {cells[2]}")
        points.append((x, y, label))
        if len(points) > MAX_POINTS:
            raise ValueError(f"more than {MAX_POINTS} points: the demo trains on at most {MAX_POINTS}")
    if len(points) < 4:
        raise ValueError(f"at least 4 points, one a line as x, y, label (found {len(points)})")
    kinds = sorted({p[2] for p in points})
    if set(kinds) <= {0.0, 1.0} and len(kinds) == 2:
        points = [(x, y, 1.0 if label else -1.0) for x, y, label in points]
    elif not set(kinds) <= {-1.0, 1.0}:
        if kinds != [float(c) for c in range(len(kinds))]:
            raise ValueError(f"labels must be -1 and 1, or 0, 1, 2 ... from 0 up (found {', '.join(f'{k:g}' for k in kinds)})")
        if len(kinds) > MAX_CLASSES:
            raise ValueError(f"at most {MAX_CLASSES} classes (found {len(kinds)})")
    return points


def split(points: list[Point], test_share: float, seed: int) -> tuple[tuple[Point, ...], tuple[Point, ...]]:
    """The points as (training, held out): the held-out share picked by the seed, in the file's order."""
    n_test = min(len(points) - 2, round(len(points) * test_share))
    held = set(random.Random(seed).sample(range(len(points)), n_test)) if n_test > 0 else set()
    return (tuple(p for i, p in enumerate(points) if i not in held),
            tuple(p for i, p in enumerate(points) if i in held))


def read_csv(path: Path) -> list[Point]:
    """A CSV file's points (a ValueError names the file and what is wrong; a link is not followed)."""
    if path.is_symlink():
        raise ValueError(f"{path.name} is a link: copy the file itself into the folder")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ValueError(f"{path.name} is over {MAX_BYTES // 1_000_000} MB")
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        raise ValueError(f"cannot read {path.name}: {e.strerror or e}") from None
    try:
        return parse_csv(text)
    except ValueError as e:
        raise ValueError(f"{path.name}: {e}") from None


def workspace_csvs(folder: Path) -> list[Path]:
    """The CSV files in the workspace's data folder (no links, nothing outside it)."""
    try:
        if folder.is_symlink() or not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv" and p.is_file() and not p.is_symlink())
    except OSError:
        return []


def csv_setup(points: list[Point], name: str, test_share: float = 0.3, seed: int = 1337,
              hidden: tuple[int, ...] = (16, 16)) -> dict:
    """A shared-setup dict (``Setup.to_json``'s keys) that trains the demo on these points."""
    train, held = split(points, test_share, seed)
    n = classes_of([p[2] for p in points])
    return {"data": OWN, "given": {"train": [list(p) for p in train], "test": [list(p) for p in held]},
            "layers": [*hidden, n if n > 2 else 1], "loss": "nll" if n > 2 else "svm", "test": test_share,
            "seed": seed, "source": name}
