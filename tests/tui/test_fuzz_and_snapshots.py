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


@pytest.mark.parametrize("slug", ["value", "manual-backprop", "reuse-bug"])
def test_snapshot(snap_compare, slug):
    assert snap_compare(MicrogradApp(start=slug), terminal_size=SNAP_SIZE, run_before=_settled)


# The graph as the lecture draws it (issue 19): lesson 3 after backward, the neuron of lesson 6 (wider
# than a narrow screen: it scrolls, the output in view) and lesson 9's b = a + a with the right grads.
GRAPHS = [("value", ["g"]), ("neuron", []), ("reuse-bug", ["o"])]


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
