"""The lesson registry, and the layering rules: engine is pure, lessons never import textual."""

import subprocess
import sys

import pytest

from micrograd_tui.lessons.labs import ACTIONS, Lab
from micrograd_tui.lessons.registry import LESSONS, find


def test_eighteen_lessons_numbered_in_order_with_unique_slugs():
    assert len(LESSONS) == 18
    assert [lesson.number for lesson in LESSONS] == list(range(18))
    slugs = [lesson.slug for lesson in LESSONS]
    assert len(set(slugs)) == 18
    assert all(lesson.title and lesson.summary for lesson in LESSONS)


def test_find_by_number_and_slug():
    assert find(3).slug == "value" and find("3").number == 3 and find("playground").number == 17
    with pytest.raises(KeyError):
        find(18)
    with pytest.raises(KeyError):
        find("nope")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.slug)
def test_every_lab_builds_and_describes_itself(lesson):
    lab = lesson.make_lab()
    assert isinstance(lab, Lab)
    assert lab.actions <= set(ACTIONS)
    lab.facts(), lab.graphs(), lab.plots(), lab.fields(), lab.listing(), lab.code()
    for action in sorted(lab.actions - {"run"}):
        lab.do(action)  # every action runs without raising
        lab.facts(), lab.graphs(), lab.plots()


def _imports_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_engine_imports_only_the_standard_library():
    mods = _imports_after("import micrograd_tui.engine, micrograd_tui.engine.expr")
    assert not {m for m in mods if m.split(".")[0] in ("textual", "rich", "plotext", "textual_plotext", "numpy")}


def test_lessons_do_not_import_textual():
    code = "from micrograd_tui.lessons.registry import LESSONS\nfor l in LESSONS: l.make_lab()"
    mods = _imports_after(code)
    assert not {m for m in mods if m.split(".")[0] in ("textual", "textual_plotext", "plotext")}
