"""Random keys at two sizes never crash the app; a few screens are kept as snapshots."""

import os
import random

import pytest

from micrograd_tui.lessons.kinds.train import TrainLab
from micrograd_tui.lessons.registry import LESSONS
from micrograd_tui.tui.app import MicrogradApp
from micrograd_tui.tui.keys import ALL_KEYS

# keys pressed in each lesson at each size, and bursts of actions: CI keeps the suite under 10 minutes,
# MICROGRAD_FUZZ_KEYS=40 MICROGRAD_BURSTS=400 dig deeper
PER_LESSON = int(os.environ.get("MICROGRAD_FUZZ_KEYS", "5"))
BURSTS = int(os.environ.get("MICROGRAD_BURSTS", "40"))
KEYS = sorted({k for b in ALL_KEYS for k in b.key.split(",") if k not in ("q", "ctrl+q")}
              | {"up", "down", "enter", "tab", "shift+tab", "escape", "1", "x", "space", "backspace", "home", "end"})


# the widest and the smallest screen (80x24 has its own snapshot, focus and layout tests)
@pytest.mark.parametrize("size", [(140, 45), (40, 12)])
async def test_random_keys_on_every_lesson_do_not_crash(size):
    rng = random.Random(f"fuzz-{size}")
    app = MicrogradApp(start="micrograd")
    app.raise_lab_errors = True  # a lab error fails the test instead of becoming a message
    async with app.run_test(size=size) as pilot:
        for lesson in LESSONS:
            app.open_lesson(lesson.slug)
            await pilot.pause()
            lab = app.lab_view.lab
            if isinstance(lab, TrainLab):
                lab.knob("steps").value = 3  # keep training short
            for _ in range(PER_LESSON):
                await pilot.press(rng.choice(KEYS))
            await pilot.pause()
            if app.screen is not app.screen_stack[0]:
                await pilot.press("escape")
        await pilot.press("ctrl+q")
    assert app.return_code in (0, None)


SNAP_SIZE = (100, 32)


async def _settled(pilot):
    for _ in range(4):  # the lab, then the prose a frame later, then the tree's rows
        await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    app = pilot.app
    for _ in range(40):  # the lesson's main widget takes the keyboard (its cursor is drawn then)
        want = app.lab_view.first_focus() if app.lab_view is not None else None
        if want is None or app.focused is want:
            break
        await pilot.pause(0.05)
    last, same = None, 0
    for _ in range(80):  # a big tree opens its rows over several frames: until the screen stops changing
        now = app.export_screenshot()
        same = same + 1 if now == last else 0
        if same == 3:  # for three looks in a row: one unchanged look may be a busy worker's pause
            break
        last = now
        await pilot.pause(0.1)


@pytest.mark.parametrize("slug", ["value", "manual-backprop", "reuse-bug"])
def test_snapshot(snap_compare, slug):
    assert snap_compare(MicrogradApp(start=slug), terminal_size=SNAP_SIZE, run_before=_settled)


# The graph as the lecture draws it (issue 19): lesson 0's tangle (c₁, c₂, then c), lesson 3 after
# backward, the neuron of lesson 6 (wider than a narrow screen: it scrolls, a cut box marked …), lesson 7
# mid-step (the running node beside its inputs) and lesson 9's b = a + a with the right grads (issue 29).
# Lesson 13's 344-node tree after backward: its first rows open for the width the tree ends up with.
GRAPHS = [("micrograd", []), ("value", ["g"]), ("neuron", []), ("backward-per-op", ["s", "s", "s", "s"]),
          ("reuse-bug", ["o"]), ("loss", ["g"])]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("slug, keys", GRAPHS, ids=[g[0] for g in GRAPHS])
def test_graph_snapshot(snap_compare, slug, keys, size):
    assert snap_compare(MicrogradApp(start=slug), terminal_size=size, press=keys, run_before=_settled)


async def test_bursts_of_actions_faster_than_the_screen_mounts_do_not_crash(user_home):
    """Pilot's keys wait for the app to go idle; a held key does not. Here lessons and lab actions come
    in bursts with no time between them to mount what the last one asked for (each crash this found
    has its own test too)."""
    rng = random.Random("bursts")
    app = MicrogradApp(start="micrograd")
    app.raise_lab_errors = True
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(BURSTS):
            for _ in range(rng.randint(1, 6)):
                roll = rng.random()
                if roll < 0.12:
                    app.action_next_lesson()
                elif roll < 0.2:
                    app.action_previous_lesson()
                elif app.lab_view is not None:
                    lab = app.lab_view.lab
                    if isinstance(lab, TrainLab):
                        lab.knob("steps").value = 3  # keep training short
                    actions = sorted(lab.actions - {"edit_external", "share"})  # no $EDITOR, no files written
                    if actions:
                        app.action_lab(rng.choice(actions))
            if rng.random() < 0.15:
                await pilot.resize_terminal(*rng.choice([(80, 24), (120, 40), (60, 20), (160, 50)]))
            await pilot.pause()
            while app.screen is not app.screen_stack[0]:
                await pilot.press("escape")  # a dialog the actions opened (the answer's question)
        assert app.is_running and app.lab_view is not None


# --- a fast typist: every key the app binds, the palette's and the editor's, with no wait for idle -------------
PALETTE_KEYS = ["ctrl+p", "enter", "escape", "tab", "shift+tab", "up", "down", "left", "right", "home", "end",
                "pageup", "pagedown", "backspace"]
EDITOR_KEYS = ["ctrl+s", "ctrl+z", "ctrl+a", "ctrl+x", "ctrl+v", "delete", "space", "x", "(", ":"]
TYPED = list("abcdefghijklmnoprstuvwxyz0123456789-./ ") + ["greater_than_sign", "less_than_sign"]
CHARACTERS = {"enter": "\r", "tab": "\t", "shift+tab": None, "escape": "\x1b", "space": " ", "backspace": "\x7f",
              "greater_than_sign": ">", "less_than_sign": "<", "question_mark": "?", "left_square_bracket": "[",
              "right_square_bracket": "]", "left_curly_bracket": "{", "right_curly_bracket": "}"}
FAST_KEYS = int(os.environ.get("MICROGRAD_FAST_KEYS", "10"))  # keys per lesson; more dig deeper


def bound_keys() -> set[str]:
    """Every key a binding of this app names: the app's table and each screen's and widget's own."""
    import importlib
    import pkgutil

    from textual.dom import DOMNode

    import micrograd_tui.tui as tui

    for module in pkgutil.walk_packages(tui.__path__, "micrograd_tui.tui."):  # every screen and widget
        importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    keys = set()
    for cls in subclasses(DOMNode):
        if not cls.__module__.startswith("micrograd_tui."):
            continue
        for binding in cls.__dict__.get("BINDINGS", []):
            key = binding.key if hasattr(binding, "key") else binding[0]
            keys.update(k.strip() for k in key.split(","))
    return keys


def test_bound_keys_are_found():
    keys = bound_keys()
    assert {"g", "n", "ctrl+s", "y", "up", "f1"} <= keys  # the app's, the editor's, a dialog's, a panel's


def _key_event(key: str):
    from textual import events

    if key in CHARACTERS:
        return events.Key(key, CHARACTERS[key])
    return events.Key(key, key if len(key) == 1 else None)


@pytest.mark.slow  # about a minute: .ci/run runs it after the README's command
async def test_a_fast_typist_pressing_every_bound_key_does_not_crash(user_home, tmp_path, monkeypatch):
    """Keys arrive as a terminal sends them, 30 ms apart, not waiting for the app to settle between them:
    the palette (ctrl+p, enter, escape, tab, arrows, text), the editor's keys, every binding. The app may quit
    (the palette offers Quit); it must never end with an error."""
    import asyncio

    monkeypatch.chdir(tmp_path)  # the palette's Screenshot writes into the working folder
    keys = sorted((bound_keys() - {"q", "ctrl+q", "ctrl+c"}) | set(PALETTE_KEYS) | set(EDITOR_KEYS) | set(TYPED))
    rng = random.Random("fast-typist" + os.environ.get("MICROGRAD_FUZZ_SEED", ""))
    lessons = [lesson.slug for lesson in LESSONS]
    crashes = []
    while lessons:
        app = MicrogradApp(start=lessons[0])
        app.raise_lab_errors = True
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            while lessons and app.is_running:
                app.open_lesson(lessons.pop(0))
                await pilot.pause()
                lab = app.lab_view.lab if app.lab_view else None
                if isinstance(lab, TrainLab):
                    lab.knob("steps").value = 3
                for _ in range(FAST_KEYS):
                    if not app.is_running:
                        break
                    roll = rng.random()
                    # palette sequences as a hand types them: open it, move, pick, pick again
                    seq = (["ctrl+p", *rng.choices(PALETTE_KEYS + TYPED, k=rng.randint(0, 3)), "enter", "enter"]
                           if roll < 0.15 else [rng.choice(keys)])
                    for key in seq:
                        app.post_message(_key_event(key))
                        await asyncio.sleep(0.03)
                await pilot.pause(0.2)
                for _ in range(6):  # escape closes what the keys opened (the editor may ask first: escape is No)
                    if not app.is_running or len(app.screen_stack) == 1:
                        break
                    await pilot.press("escape")
                    await pilot.pause(0.05)
                if app.is_running and len(app.screen_stack) > 1:
                    app.pop_screen()  # the editor, kept open by its question: close it as a learner would
        if app._exception is not None:
            crashes.append(repr(app._exception))
    assert not crashes


@pytest.mark.parametrize("keys", [["ctrl+p", "enter", "ctrl+p", "enter"], ["ctrl+p", "down", "enter", "enter", "enter"],
                                  ["ctrl+p", "pageup", "pagedown", "enter", "enter"]])
async def test_palette_keys_faster_than_it_closes(keys, user_home):
    """Textual 8.2 dismissed its palette twice on a second quick enter and ended the app (ScreenStackError)."""
    import asyncio

    app = MicrogradApp(start="value")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(3):
            for key in keys:
                app.post_message(_key_event(key))
                await asyncio.sleep(0.01)
        await pilot.pause(0.5)
        assert app.is_running and app._exception is None
        assert app.screen_stack[0] is app.screen_stack[0] and app.lab_view is not None


async def test_the_palette_over_the_editor_offers_nothing_that_acts_beneath_it(user_home):
    """Opened over the code editor, the palette listed Next and Prev: the lesson changed under the open editor."""
    app = MicrogradApp(start="build-value")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        for _ in range(20):
            await pilot.pause(0.05)
            if len(app.screen_stack) > 1:
                break
        editor = app.screen
        assert editor is not app.screen_stack[0]
        titles = [c.title for c in app.get_system_commands(editor)]
        assert not [t for t in titles if t.startswith(("Next", "Prev", "Contents", "Reset"))], titles
        assert not app.check_action("next_lesson", ()) and app.check_action("quit", ())
        lesson = app.lesson
        await app.run_action("next_lesson")
        await pilot.pause(0.2)
        assert app.lesson is lesson  # nothing moved beneath the editor
