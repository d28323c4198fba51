"""The course as a structure: entries in order, lessons numbered by their place, each with its prose file.

A :class:`Course` turns ordered :class:`Entry` values (a slug and a lab factory)
into numbered :class:`Lesson` values, reading each one's title and prose from
``prose/NN-slug.md``; it knows nothing about any single lesson. The entries
themselves are ``registry.py``'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .lab import Lab

PROSE_DIR = Path(__file__).parent / "prose"


@dataclass(frozen=True)
class Entry:
    """One place in the course: the lesson's slug (its public name) and the lab it opens.

    An ``exercise`` belongs to the lesson before it and is numbered after it (3.1, 3.2, ...),
    so exercises never renumber the lessons."""

    slug: str
    make_lab: Callable[[], Lab]
    exercise: bool = False
    counted: bool = True  # in the course's "done" count (the review, never finished for good, is not)


@dataclass(frozen=True)
class Lesson:
    number: int  # the lesson's public number; an exercise has its lesson's
    slug: str
    title: str
    prose: str  # Markdown; its first paragraph is the summary
    make_lab: Callable[[], Lab]
    sub: int = 0  # 0 for a lesson; 1, 2, ... for the exercises after it
    index: int = 0  # the place in the course, from 0: what next and previous walk
    counted: bool = True  # in the course's "done" count

    @property
    def label(self) -> str:
        """``3`` for lesson 3, ``3.1`` for the first exercise after it."""
        return f"{self.number}.{self.sub}" if self.sub else str(self.number)

    @property
    def column_label(self) -> str:
        """The label for a column of them, aligned on the point: `` 3  ``, `` 3.1``, ``10.1``."""
        return f"{self.number:>2}" + (f".{self.sub}" if self.sub else "  ")

    @property
    def summary(self) -> str:
        return self.prose.strip().split("\n\n")[0]


def prose_name(lesson: Lesson) -> str:
    """The prose file's name: ``03-value.md``, ``03.1-build-value.md``."""
    return f"{lesson.number:02d}" + (f".{lesson.sub}" if lesson.sub else "") + f"-{lesson.slug}.md"


def prose_file(slug: str, dirs: Sequence[Path]) -> Path:
    """The Markdown file of a lesson: ``NN-slug.md`` (``NN.K-slug.md`` for an exercise) in the first
    folder that has one."""
    for d in dirs:
        found = sorted(p for p in d.glob(f"*-{slug}.md") if re.fullmatch(r"\d\d(\.\d+)?-" + re.escape(slug) + r"\.md", p.name))
        if found:
            return found[0]
    raise LookupError(f"lesson {slug!r} has no prose file NN-{slug}.md in {', '.join(map(str, dirs))}")


def read_prose(path: Path) -> tuple[str, str]:
    """(title, prose) from a prose file: its first line is ``# Title``, the rest is the lesson's text."""
    text = path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    if not first.startswith("# "):
        raise ValueError(f"{path}: the first line must be '# Title'")
    return first[2:].strip(), rest.strip()


class Course:
    """The ordered lessons: numbered by position, found by number or slug."""

    def __init__(self, entries: Iterable[Entry], prose_dirs: Sequence[Path] = (PROSE_DIR,)):
        lessons = []
        number, sub = -1, 0
        for index, entry in enumerate(entries):
            if entry.exercise and number >= 0:
                sub += 1
            else:
                number, sub = number + 1, 0
            title, prose = read_prose(prose_file(entry.slug, prose_dirs))
            lessons.append(Lesson(number, entry.slug, title, prose, entry.make_lab, sub, index, entry.counted))
        self.lessons: tuple[Lesson, ...] = tuple(lessons)
        slugs = [lesson.slug for lesson in self.lessons]
        if len(set(slugs)) != len(slugs):
            raise ValueError("two lessons share a slug")

    def __len__(self) -> int:
        return len(self.lessons)

    @property
    def last_number(self) -> int:
        return self.lessons[-1].number

    def find(self, key: str | int) -> Lesson:
        """A lesson by number (``3``, ``"3"``), an exercise by label (``"3.1"``), either by slug;
        KeyError if there is none."""
        label = str(key).strip()
        if re.fullmatch(r"\d+(\.\d+)?", label):
            for lesson in self.lessons:
                if lesson.label == label:
                    return lesson
            raise KeyError(f"no lesson {label}: lessons are numbered 0 to {self.last_number} (see micrograd-tui --list)")
        for lesson in self.lessons:
            if lesson.slug == label:
                return lesson
        raise KeyError(f"no lesson called {label!r}: see micrograd-tui --list")
