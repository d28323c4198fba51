"""Random keys at three sizes never crash the app; a few screens are kept as snapshots."""

import random

import pytest

from micrograd_tui.lessons.kinds.train import TrainLab
from micrograd_tui.lessons.registry import LESSONS
from micrograd_tui.tui.app import MicrogradApp
from micrograd_tui.tui.keys import ALL_KEYS

KEYS = sorted({k for b in ALL_KEYS for k in b.key.split(",") if k not in ("q", "ctrl+q")}
              | {"up", "down", "enter", "tab", "shift+tab", "escape", "1", "x", "space", "backspace", "home", "end"})


@pytest.mark.parametrize("size", [(140, 45), (80, 24), (40, 12)])
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
            for _ in range(8):
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
