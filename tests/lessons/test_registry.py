"""The lesson registry (a rustlings-style dev check) and the lab contract every lab keeps."""

from __future__ import annotations

import re

import pytest

from micrograd_tui.lessons.lab import ACTIONS, FactsPanel, Lab, action_marks
from micrograd_tui.lessons.course import PROSE_DIR, Course, prose_name
from micrograd_tui.lessons.registry import ENTRIES, LESSONS, find

# Lessons 0-17 are public: saved progress, scripts and the README use their numbers and slugs.
PUBLIC = ["micrograd", "derivative", "several-inputs", "value", "manual-backprop", "one-step", "neuron",
          "backward-per-op", "topological-order", "reuse-bug", "breaking-up-tanh", "pytorch", "mlp", "loss",
          "gradient-descent", "what-we-built", "demo", "playground"]
APP_MARKS = {"next", "previous", "toc", "help", "quit", "layout"}
WIDGET_KEYS = {"enter", "escape", "tab", "up", "down", "left", "right"}  # keys of the text field and the graph themselves


def test_public_lessons_keep_their_numbers_and_slugs():
    lessons = [lesson for lesson in LESSONS if not lesson.sub]
    assert [lesson.slug for lesson in lessons[: len(PUBLIC)]] == PUBLIC
    assert [lesson.number for lesson in lessons] == list(range(len(lessons)))
    assert [lesson.index for lesson in LESSONS] == list(range(len(LESSONS)))


def test_exercises_are_numbered_after_their_lesson():
    from micrograd_tui.lessons.workshop.exercises import EXERCISES

    for ex in EXERCISES:
        lesson = find(ex.slug)
        teacher = find(ex.after)
        assert lesson.sub >= 1 and lesson.number == teacher.number and lesson.index > teacher.index
        assert find(lesson.label) is lesson


def test_slugs_unique_and_every_lesson_titled():
    slugs = [lesson.slug for lesson in LESSONS]
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in slugs)
    assert all(lesson.title and lesson.summary for lesson in LESSONS)


def test_every_prose_file_has_an_entry_and_every_entry_its_file():
    files = {p.name for p in PROSE_DIR.glob("*.md")}
    wanted = {prose_name(lesson) for lesson in LESSONS}
    assert files == wanted


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_every_key_the_prose_names_is_an_action_of_its_lab(lesson):
    lab = lesson.make_lab()
    named = set(action_marks(lesson.prose))
    assert named <= set(lab.actions) | APP_MARKS, named - set(lab.actions)
    # keys the app binds are named by action, never by letter, which would lie after a remap
    pressed = re.findall(r"(?i)press\s+`([^`]+)`", lesson.prose)
    assert set(pressed) <= WIDGET_KEYS, f"name keys as [[action]], not {pressed}"


def test_find_by_number_and_slug():
    assert find(3).slug == "value" and find("3").number == 3 and find("playground").slug == "playground"
    assert find("3.1").slug == "build-value" and find("build-value").label == "3.1"
    with pytest.raises(KeyError):
        find(LESSONS[-1].number + 1)
    with pytest.raises(KeyError):
        find("3.9")
    with pytest.raises(KeyError):
        find("nope")


def test_a_course_refuses_a_lesson_without_prose(tmp_path):
    from micrograd_tui.lessons.course import Entry

    with pytest.raises(LookupError):
        Course([*ENTRIES, Entry("no-such-lesson", ENTRIES[0].make_lab)])


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_every_lab_keeps_the_contract(lesson):
    lab = lesson.make_lab()
    assert isinstance(lab, Lab)
    assert lab.actions <= set(ACTIONS)

    def check():
        panels = lab.panels()
        assert all(type(p) in lab.shows for p in panels), [type(p).__name__ for p in panels]
        assert set(action_marks(lab.message)) <= set(ACTIONS), lab.message
        lab.fields()

    check()
    for action in sorted(lab.actions - {"run"}):
        lab.do(action)  # every action runs without raising and leaves a describable lab
        check()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_prose_code_fits_the_prose_column(lesson):
    # the prose column is 40 wide at 120 columns; a code block has about 34 of them
    inside = False
    for line in lesson.prose.splitlines():
        if line.startswith("```"):
            inside = not inside
        elif inside:
            assert len(line) <= 34, line


def test_breaking_up_tanh_shows_both_forms_side_by_side_and_they_agree():
    rows = dict(next(p for p in find("breaking-up-tanh").make_lab().panels() if isinstance(p, FactsPanel)).rows)
    assert rows[""].split() == ["tanh", "|", "exp"]
    pairs = {name: [float(x) for x in value.split("|")] for name, value in rows.items() if name and "|" in value}
    nodes = pairs.pop("nodes")
    assert nodes[0] == 10 and nodes[1] > nodes[0]  # the exp form is the bigger graph
    assert set(pairs) == {"o", "x1.grad", "w1.grad", "x2.grad", "w2.grad"}
    assert all(abs(t - e) < 1e-9 for t, e in pairs.values())  # the same o and leaf grads, however o is built
    assert [round(pairs[k][0], 4) for k in ("o", "x1.grad", "w1.grad", "x2.grad", "w2.grad")] == [0.7071, -1.5, 1.0, 0.5, 0.0]
    assert max(len(n) + len(v) + 1 for n, v in rows.items() if "|" in v) <= 27  # fits the narrow side column (30, less a gap)
