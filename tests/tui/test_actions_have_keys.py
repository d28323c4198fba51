"""Every lab action has a key, and a lab's messages name only actions that lab has (issue 22).

A message names an action as [[action]] and the app writes that action's key; a
message naming an action its lab does not answer would show a key that does
nothing. Going on to the next lesson is the app's, so the app says it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import run_job

from micrograd_tui.lessons.lab import ACTIONS, action_marks
from micrograd_tui.lessons.registry import LESSONS, find
from micrograd_tui.tui import keys

SOLUTION = Path(__file__).parents[1] / "lessons" / "solution"


def test_every_action_has_one_key_and_every_lab_key_an_action():
    assert set(keys._LAB_KEYS) == set(ACTIONS)
    bound = [keys.lab_action(b) for b in keys.LAB_KEYS]
    assert sorted(bound) == sorted(ACTIONS)  # type: ignore[type-var]
    lab_keys = [b.key for b in keys.LAB_KEYS]
    app_keys = [k for b in keys.APP_KEYS for k in b.key.split(",")]
    assert len(set(lab_keys)) == len(lab_keys) and not set(lab_keys) & set(app_keys)


def test_an_action_without_a_key_stops_the_app_at_import(monkeypatch):
    monkeypatch.setitem(keys.ACTIONS, "teleport", "go anywhere")
    with pytest.raises(LookupError, match="teleport"):
        [keys._lab_binding(action, words) for action, words in keys.ACTIONS.items()]


def names_only_its_own(lab) -> None:
    named = set(action_marks(lab.message)) | {m for f in lab.fields() for m in action_marks(f.placeholder + f.label)}
    assert named <= lab.actions, (lab.message, named - lab.actions)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_each_message_after_each_action_names_only_the_labs_actions(lesson, user_home):
    lab = lesson.make_lab()
    names_only_its_own(lab)
    for action in sorted(lab.actions - {"run", "edit", "edit_external"}):
        lab.do(action)
        names_only_its_own(lab)
        lab.do(action)  # twice: a toggle's other side, a second hint
        names_only_its_own(lab)


@pytest.mark.parametrize("slug", ["manual-backprop", "neuron"])
def test_a_by_hand_lab_done_names_no_app_key(slug):
    lab = find(slug).make_lab()
    while lab.current is not None:
        lab.submit("answer", repr(lab.truth[lab.current]))
    assert lab.done
    names_only_its_own(lab)


def test_a_training_lab_done_names_only_its_actions():
    lab = find("gradient-descent").make_lab()
    lab.knob("steps").value, lab.knob("speed").value = 5, 0
    lab.do("run")
    run_job(lab)
    assert "done" in lab.message
    names_only_its_own(lab)


def test_a_build_exercise_that_passes_names_no_app_key(user_home, tmp_path, monkeypatch):
    from micrograd_tui.lessons.workshop import workspace as ws

    folder = user_home / "workspace"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ws.FILES:
        shutil.copy(SOLUTION / name, folder / name)
    lab = find("build-value").make_lab()
    run_job(lab)
    assert lab.passed and lab.done
    names_only_its_own(lab)
