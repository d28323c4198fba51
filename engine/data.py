"""Small datasets, made here from a seed (no NumPy, no scikit-learn).

Labels are -1 and +1, as the SVM loss of the original demo wants them; a set of more than two
classes (``CLASSES``) labels them 0, 1, 2 ..., as softmax's negative log-likelihood wants them.
"""

from __future__ import annotations

import inspect
import math
import random

__all__ = ["LECTURE_XS", "LECTURE_YS", "lecture_dataset", "make_moons", "make_circles", "make_xor", "make_blobs",
           "make_spiral", "make_blobs3", "make_spiral3", "make_dataset", "default_noise", "classes", "DATASETS",
           "CLASSES"]

# The lecture's four samples of three inputs, and the targets it wants.
LECTURE_XS = ((2.0, 3.0, -1.0), (3.0, -1.0, 0.5), (0.5, 1.0, 1.0), (1.0, 1.0, -1.0))
LECTURE_YS = (1.0, -1.0, -1.0, 1.0)


def lecture_dataset() -> tuple[list[list[float]], list[float]]:
    """Fresh lists of the lecture's inputs and targets."""
    return [list(x) for x in LECTURE_XS], list(LECTURE_YS)


def _shuffled(points: list[list[float]], labels: list[float], rng: random.Random):
    order = list(range(len(points)))
    rng.shuffle(order)
    return [points[i] for i in order], [labels[i] for i in order]


def _linspace(start: float, stop: float, n: int) -> list[float]:
    if n == 1:
        return [start]
    return [start + (stop - start) * i / (n - 1) for i in range(n)]


def make_moons(n: int = 100, noise: float = 0.1, seed: int | None = 1337):
    """Two interleaving half circles (as scikit-learn's make_moons), labels -1 and +1."""
    rng = random.Random(seed)
    n_out = n // 2
    n_in = n - n_out
    points: list[list[float]] = []
    labels: list[float] = []
    for t in _linspace(0.0, math.pi, n_out):
        points.append([math.cos(t), math.sin(t)])
        labels.append(-1.0)
    for t in _linspace(0.0, math.pi, n_in):
        points.append([1.0 - math.cos(t), 1.0 - math.sin(t) - 0.5])
        labels.append(1.0)
    for p in points:
        p[0] += rng.gauss(0.0, noise)
        p[1] += rng.gauss(0.0, noise)
    return _shuffled(points, labels, rng)


def make_circles(n: int = 100, noise: float = 0.08, factor: float = 0.5, seed: int | None = 1337):
    """A small circle inside a large one (as scikit-learn's make_circles), labels -1 (outer) and +1 (inner)."""
    rng = random.Random(seed)
    n_out = n // 2
    n_in = n - n_out
    points: list[list[float]] = []
    labels: list[float] = []
    for count, radius, label in ((n_out, 1.0, -1.0), (n_in, factor, 1.0)):
        for i in range(count):
            t = 2 * math.pi * i / count
            points.append([radius * math.cos(t) + rng.gauss(0.0, noise), radius * math.sin(t) + rng.gauss(0.0, noise)])
            labels.append(label)
    return _shuffled(points, labels, rng)


def make_xor(n: int = 100, noise: float = 0.0, seed: int | None = 1337):
    """Points in [-1, 1]²: +1 where x and y have the same sign, -1 where they differ (as in TensorFlow Playground)."""
    rng = random.Random(seed)
    points: list[list[float]] = []
    labels: list[float] = []
    while len(points) < n:
        x, y = rng.uniform(-1, 1), rng.uniform(-1, 1)
        if abs(x) < 0.05 or abs(y) < 0.05:  # keep a small margin round the axes
            continue
        label = 1.0 if x * y > 0 else -1.0
        points.append([x + rng.gauss(0.0, noise) if noise else x, y + rng.gauss(0.0, noise) if noise else y])
        labels.append(label)
    return points, labels


def make_blobs(n: int = 100, noise: float = 0.3, seed: int | None = 1337):
    """Two Gaussian clouds, round (1, 1) labelled +1 and round (-1, -1) labelled -1 (noise is their spread)."""
    rng = random.Random(seed)
    points: list[list[float]] = []
    labels: list[float] = []
    for i in range(n):
        label = 1.0 if i % 2 else -1.0
        points.append([label + rng.gauss(0.0, noise), label + rng.gauss(0.0, noise)])
        labels.append(label)
    return _shuffled(points, labels, rng)


def make_spiral(n: int = 100, noise: float = 0.05, seed: int | None = 1337):
    """Two spirals wound round each other (TensorFlow Playground's hardest set), labels -1 and +1."""
    rng = random.Random(seed)
    n_a = n // 2
    points: list[list[float]] = []
    labels: list[float] = []
    for count, turn, label in ((n_a, 0.0, -1.0), (n - n_a, math.pi, 1.0)):
        for i in range(count):
            r = i / count
            t = 1.75 * 2 * math.pi * r + turn
            points.append([r * math.sin(t) + rng.gauss(0.0, noise), r * math.cos(t) + rng.gauss(0.0, noise)])
            labels.append(label)
    return _shuffled(points, labels, rng)


def make_blobs3(n: int = 150, noise: float = 0.35, seed: int | None = 1337):
    """Three Gaussian clouds a third of a turn apart round (0, 0), labelled 0, 1 and 2."""
    rng = random.Random(seed)
    points: list[list[float]] = []
    labels: list[float] = []
    for i in range(n):
        c = i % 3
        t = 2 * math.pi * c / 3 + math.pi / 2
        points.append([math.cos(t) + rng.gauss(0.0, noise), math.sin(t) + rng.gauss(0.0, noise)])
        labels.append(float(c))
    return _shuffled(points, labels, rng)


def make_spiral3(n: int = 150, noise: float = 0.1, seed: int | None = 1337):
    """Three spiral arms wound round (0, 0), labelled 0, 1 and 2 (the classic softmax exercise)."""
    rng = random.Random(seed)
    points: list[list[float]] = []
    labels: list[float] = []
    for c in range(3):
        count = n // 3 + (1 if c < n % 3 else 0)
        for i in range(count):
            r = (i + 1) / count
            t = c * 2 * math.pi / 3 + 1.5 * math.pi * r + rng.gauss(0.0, noise)
            points.append([r * math.sin(t), r * math.cos(t)])
            labels.append(float(c))
    return _shuffled(points, labels, rng)


def default_noise(name: str) -> float:
    """The spread a dataset is made with when none is asked for (0 for an unknown name)."""
    make = DATASETS.get(name)
    return inspect.signature(make).parameters["noise"].default if make else 0.0


def make_dataset(name: str, n: int, noise: float | None = None, seed: int | None = 1337):
    """A dataset by name, with its own noise unless one is given."""
    make = DATASETS[name]
    return make(n, seed=seed) if noise is None else make(n, noise=noise, seed=seed)


DATASETS = {"moons": make_moons, "circles": make_circles, "xor": make_xor, "blobs": make_blobs,
            "spiral": make_spiral, "blobs3": make_blobs3, "spiral3": make_spiral3}
CLASSES = {"blobs3": 3, "spiral3": 3}  # the sets of more than two classes; the rest have two (-1 and +1)


def classes(name: str | None) -> int:
    """How many classes a dataset's labels name (2 for the two-class sets and the lecture's points)."""
    return CLASSES.get(name or "", 2)
