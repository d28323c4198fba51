"""The code editor applies keys in the order they come (issue 33): a bound key (arrows, home, backspace) is not
overtaken by characters typed after it, at machine speed (as serve delivers a burst of keys).

Textual runs a TextArea's printable characters in the widget, while its bound keys went up to the app first
(Textual issue #6605), so under load an arrow could land after the text typed behind it."""

from __future__ import annotations

import random

import pytest
from textual import events
from textual.app import App

from micrograd_tui.tui.dialogs import CodeEditor

START = "def f(x):\n    return x\n\nclass Value:\n    pass\n"
MOVES = ["left", "right", "up", "down", "home", "end", "backspace", "delete"]
CHARACTERS = "abc xyz"


def sequences(n: int, seed: int = 5) -> list[list[str]]:
    rng = random.Random(seed)
    return [[rng.choice(MOVES) if rng.random() < 0.5 else rng.choice(CHARACTERS) for _ in range(10)]
            for _ in range(n)]


def key(k: str) -> events.Key:
    return events.Key("space" if k == " " else k, k if len(k) == 1 else None)


class EditorApp(App):
    def compose(self):
        yield CodeEditor.code_editor(START, language="python")


async def typed(pilot, area, keys: list[str], burst: bool, at: tuple[int, int] | None = (1, 4)) -> str:
    """The text after ``keys``, from START with the cursor ``at`` (None: the text and cursor as they are)."""
    if at is not None:
        area.text = START
        area.cursor_location = at
    await pilot.pause()
    for k in keys:
        area.app.post_message(key(k))  # as the terminal driver posts a key
        if not burst:
            await pilot.pause()  # one at a time, each done before the next
    await pilot.pause(0.05 if burst else 0)  # a burst: all at once, as from a browser under load
    return area.text


@pytest.mark.parametrize("n", [8, pytest.param(50, marks=pytest.mark.slow)])  # 50: the count, ~30 s
async def test_mixed_sequences_at_machine_speed_edit_as_they_do_one_key_at_a_time(n):
    app = EditorApp()
    wrong = []
    async with app.run_test(size=(80, 20)) as pilot:
        area = app.query_one(CodeEditor)
        area.focus()
        for keys in sequences(n):
            slow = await typed(pilot, area, keys, False)
            fast = await typed(pilot, area, keys, True)
            if slow != fast:
                wrong.append((keys, slow, fast))
    assert not wrong, f"{len(wrong)} of {n} misplaced, e.g. {wrong[0]}"


async def test_a_labs_text_field_keeps_the_order_too(user_home):
    """The playground's expression field: "ab", left, "c", home, "x" in one burst is "xacb"."""
    from conftest import make_app, settle

    from micrograd_tui.tui.lab_input import LabInput

    app = make_app("playground")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        field = next(f for f in app.query(LabInput) if f.display)
        field.focus()
        await pilot.pause()
        for k in ["a", "b", "left", "c", "home", "x"]:
            app.post_message(key(k))
        await pilot.pause(0.1)
        assert field.value == "xacb"
