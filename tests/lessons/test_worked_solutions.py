"""Every worked solution, spliced into the starters with the solutions before it, passes its exercise's
real check run; every exercise fails on the starters alone (rustlings' ``dev check``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from micrograd_tui.lessons.workshop import workspace as ws
from micrograd_tui.lessons.workshop.exercises import EXERCISES
from micrograd_tui.lessons.workshop.checking import CheckRun
from micrograd_tui.lessons.workshop.worked import SOLUTIONS, solution_text, splice


def spliced(folder: Path, upto: int) -> None:
    """The starters, with the solutions of the first ``upto`` exercises in place, in course order."""
    ws.ensure(folder)
    for ex in EXERCISES[:upto]:
        path = folder / ex.file
        path.write_text(splice(path.read_text(), ex.slug))


@pytest.mark.parametrize("k", range(len(EXERCISES)), ids=[e.slug for e in EXERCISES])
def test_each_solution_passes_and_each_starter_fails(tmp_path, k):
    exercise = EXERCISES[k]
    spliced(tmp_path / "solved", k + 1)
    outcomes = CheckRun(exercise, tmp_path / "solved", 10.0).run_all()
    assert len(outcomes) == len(exercise.checks)
    assert all(o.ok for o in outcomes), [(o.check.name, o.message) for o in outcomes if not o.ok]

    spliced(tmp_path / "starters", 0)
    outcomes = CheckRun(exercise, tmp_path / "starters", 10.0).run_all()
    assert any(not o.ok for o in outcomes if not o.check.stretch), f"{exercise.slug} passes on the starters"


def test_a_solution_file_for_every_exercise_and_no_other():
    assert sorted(p.stem for p in SOLUTIONS.glob("*.py")) == sorted(e.slug for e in EXERCISES)


def test_what_the_lab_shows_is_the_file():
    text = solution_text("build-value")
    assert "def __add__(self, other):" in text and "def __mul__(self, other):" in text and '"""Exercise' not in text
