"""The keyboard never traps the learner: the lab contract's one rule for the focus after enter
(``lessons.lab``), tried with the key sequences learners reported and across every lab with a field;
and quitting in the middle of other keys never ends in a traceback."""

from __future__ import annotations

import random

import pytest
from textual import events

from conftest import make_app, screen_text, settle, wait_for
from micrograd_tui.lessons.kinds.train import TrainLab
from micrograd_tui.lessons.registry import LESSONS
from micrograd_tui.tui.app import MicrogradApp
from micrograd_tui.tui.lab_input import LabInput

SIZES = [(120, 40), (80, 24)]
LESSON_4_ANSWERS = ["1", "-2", "4", "-2", "-2", "6", "-4"]  # dL/dL, dd, df, dc, de, da, db


def keys(text: str) -> list[str]:
    names = {"-": "minus", ".": "full_stop", "/": "slash", ",": "comma", " ": "space"}
    return [names.get(ch, ch) for ch in text]


async def type_answers(pilot, answers):
    for answer in answers:
        await pilot.press(*keys(answer), "enter")
        await settle(pilot, 2)


@pytest.mark.parametrize("size, go_on", [((120, 40), "n"), ((80, 24), "n")])
async def test_after_the_last_answer_next_moves_on(size, go_on):
    app = make_app("manual-backprop")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await type_answers(pilot, LESSON_4_ANSWERS)
        lab = app.lab_view.lab
        assert lab.done, lab.message
        assert not isinstance(app.focused, LabInput), "a finished lab left its field holding the keyboard"
        await pilot.press("right", "right")  # arrows never leave a lesson (issue 29): n does
        await settle(pilot)
        assert app.lesson.slug == "manual-backprop"
        await pilot.press(go_on)
        assert await wait_for(pilot, lambda: app.lesson.slug == "one-step"), app.lesson.slug


async def test_between_answers_the_field_keeps_the_keyboard():
    """The next grad is the obvious next input: no escape needed between answers."""
    app = make_app("manual-backprop")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_answers(pilot, LESSON_4_ANSWERS[:3])
        assert isinstance(app.focused, LabInput)
        assert app.lab_view.lab.answered == {"L": "right", "d": "right", "f": "right"}


async def test_the_neuron_by_hand_lets_go_of_the_keyboard_when_done():
    app = make_app("neuron")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lab = app.lab_view.lab
        answers = [f"{lab.truth[label]:.4f}" for label in lab.ex.order]  # the engine's grads, as the tree shows them
        await type_answers(pilot, answers)
        assert lab.done, lab.message
        await pilot.press("n")
        assert await wait_for(pilot, lambda: app.lesson.slug == "backward-per-op"), app.lesson.slug


@pytest.mark.parametrize("size", SIZES)
async def test_a_wrong_answer_is_replaced_by_what_is_typed_next(size):
    app = make_app("manual-backprop")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("5", "enter")
        await settle(pilot)
        assert "not quite (5.0000)" in app.lab_view.lab.message
        await pilot.press("6", "enter")
        await settle(pilot)
        assert "not quite (6.0000)" in app.lab_view.lab.message  # not 56
        await pilot.press("1", "enter")
        await settle(pilot)
        assert app.lab_view.lab.answered == {"L": "right"}


async def test_the_demo_keys_act_after_a_value_is_entered():
    app = make_app("demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lab = app.lab_view.lab
        await pilot.press("v", "v", "v")
        picked = lab.current_field()
        assert picked == "layers", picked
        await pilot.press(*keys("4, 4"), "enter")
        await settle(pilot)
        assert list(lab.layers[:-1]) == [4, 4], lab.message
        before = lab.dataset
        await pilot.press("d")
        await settle(pilot)
        assert lab.dataset != before, "d was swallowed by the field"


@pytest.mark.parametrize("slug", [lesson.slug for lesson in LESSONS if lesson.make_lab().fields()])
async def test_every_field_follows_the_one_rule(slug):
    """Whatever the lab: a value taken leaves the focus in the field only while the lab awaits more
    input there; a number not taken stays, selected, in the focused field."""
    app = make_app(slug)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lab = app.lab_view.lab
        if isinstance(lab, TrainLab):
            lab.knob("steps").value = 3
        for text in ("1", "zz", "0.5"):
            if lab.current_field() is None:
                break
            await pilot.press(*keys(text))
            await settle(pilot, 2)
            field = app.focused
            if not isinstance(field, LabInput):
                continue  # a field that is not typed from anywhere (a choice): nothing went in
            await pilot.press("enter")
            await settle(pilot, 2)
            taken = field.value == "" or (lab.keep_input and not lab.message.startswith("✗"))
            if taken:
                assert (app.focused is field) == lab.awaits_input(), (text, lab.message, app.focused)
            else:
                assert app.focused is field, (text, lab.message)
                if field.restrict is not None:
                    assert (field.selection.start, field.selection.end) in ((0, len(field.value)),
                                                                            (len(field.value), 0)), field.selection
            if app.focused is field:
                await pilot.press("escape")
                await settle(pilot)
            assert app.focused is not field
        assert "Traceback" not in screen_text(app)


# --- quitting, and the lifecycle in bursts -------------------------------------------------------

async def test_a_next_right_after_quit_is_ignored():
    app = make_app("manual-backprop")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        quit_and_keys(app, ["n", "p", "right"])
        await pilot.pause()
    assert app.return_code == 0


LIFECYCLE_RUNS = 8  # in CI; `python -m pytest tests/tui/test_focus_rule.py -k lifecycle` with MICROGRAD_RUNS=200


@pytest.mark.parametrize("run", range(int(__import__("os").environ.get("MICROGRAD_RUNS", LIFECYCLE_RUNS))))
async def test_lifecycle_bursts_end_without_a_traceback(run):
    """Next, previous, resize and quit in one burst, with no time between them to mount or to close."""
    rng = random.Random(f"lifecycle-{run}")
    app = MicrogradApp(start=rng.choice(LESSONS).slug)
    app.raise_lab_errors = True
    async with app.run_test(size=rng.choice([(80, 24), (120, 40)])) as pilot:
        await pilot.pause()
        for _ in range(rng.randint(0, 3)):
            await pilot.resize_terminal(*rng.choice([(60, 20), (80, 24), (120, 40), (160, 50)]))
            for _ in range(rng.randint(0, 4)):
                (app.action_next_lesson if rng.random() < 0.6 else app.action_previous_lesson)()
        while app.screen is not app.screen_stack[0]:  # the course-complete dialog
            app.pop_screen()
        await settle(pilot)
        app.screen.set_focus(None)
        quit_and_keys(app, rng.choices(["n", "p", "right", "left", "t", "M"], k=rng.randint(1, 4)),
                      quit="ctrl+q" if app.lab_view and app.lab_view.lab.types_text else "q")  # q types there
        await pilot.pause()
    assert app.return_code == 0


def quit_and_keys(app, after: list[str], quit: str = "q") -> None:
    """q, then keys that arrive while the app closes (as a learner's quick q n in a terminal does:
    pilot's own presses wait for the app to go idle, and nothing arrives after the exit)."""
    for key in [quit, *after]:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


@pytest.mark.slow  # about a minute a size: 20 lessons opened, each waited on
@pytest.mark.parametrize("size", SIZES)
async def test_every_next_leaves_the_main_widget_holding_the_keyboard(tmp_path, size):
    """20 presses of n from lesson 0, each as soon as the lesson before is on screen: every lesson opens
    with its main widget (the graph, a field, the code) holding the keyboard, so its keys work at once."""
    import os

    os.environ["MICROGRAD_TUI_HOME"] = str(tmp_path)  # build exercises make their workspace here
    app = make_app("micrograd")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for _ in range(20):
            before = app.lesson.index
            await pilot.press("n")
            assert await wait_for(pilot, lambda b=before: app.lesson.index == b + 1), app.lesson.slug
            want = None

            def holds():
                nonlocal want
                want = app.lab_view.first_focus() if app.lab_view is not None else None
                return want is not None and app.focused is want

            settled = await wait_for(pilot, holds, timeout=5)
            # a build exercise's keys act with nothing focused (its panels come and go as checks finish)
            lab_keys = app.lesson.sub and app.focused is None
            assert settled or want is None or lab_keys, (f"lesson {app.lesson.label}: the keyboard is with "
                                                         f"{type(app.focused).__name__}, not {type(want).__name__}")


async def test_in_the_playground_every_printable_key_types_and_control_keys_act():
    """The playground's field takes any text, so no printable key acts there, with the graph picked or
    not: q, r, p, t, ? and the graph's L are text (they quit, reset, left and covered the lesson before)."""
    from micrograd_tui.tui.footer import LabFooter

    app = make_app("playground")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*keys("a = 2; b = a*a"), "enter")
        await settle(pilot)
        field = app.query_one("#field-expr", LabInput)
        await pilot.press("tab")
        await settle(pilot)
        assert app.focused is not field and app.focused is app.lab_view.figure()
        footer = " ".join(str(k.description) + "=" + k.key_display for k in app.query_one(LabFooter).query("FooterKey"))
        assert "Step=^s" in footer and "Quit=^q" in footer and "=q " not in footer + " ", footer
        await pilot.press("semicolon", "space", "q", "r", "p", "n", "t", "M", "question_mark", "L")
        await settle(pilot)
        assert app.is_running and app.screen is app.screen_stack[0] and app.lesson.slug == "playground"
        assert field.value == "a = 2; b = a*a; qrpntM?L" and app.focused is field
        field.value = "a = 2; b = a*a"
        await pilot.press("enter", "ctrl+s")  # a control key acts from the field itself
        await settle(pilot)
        assert "_backward" in app.lab_view.lab.message and app.focused is field
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert app.query_one("#toc").display


def _graph_lessons() -> list[str]:
    from micrograd_tui.lessons.lab import GraphPanel

    return [lesson.slug for lesson in LESSONS if not lesson.sub and lesson.slug != "playground"
            and any(isinstance(p, GraphPanel) for p in lesson.make_lab().panels())]


@pytest.mark.parametrize("slug", _graph_lessons())
async def test_arrows_at_the_ends_of_every_graph_stay_in_the_lesson(slug):
    """Issue 29: an arrow off either end of a graph (or held down) keeps the lesson, and what was done in it."""
    app = make_app(slug)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lab = app.lab_view.lab
        if "backward" in lab.actions:
            await pilot.press("g")  # something done in the lesson, to keep
            await settle(pilot)
        grads = [v.grad for p in lab.panels() if hasattr(p, "root") for v in [p.root]]
        await pilot.press(*["right"] * 6, *["left"] * 15, *["right"] * 15, "up", "down", "left")
        await settle(pilot)
        assert app.lesson.slug == slug and app.lab_view.lab is lab
        assert [v.grad for p in lab.panels() if hasattr(p, "root") for v in [p.root]] == grads


async def test_f_checks_the_node_under_the_cursor():
    """Issue 29: f's finite difference is for the node the learner is looking at, not the question asked."""
    app = make_app("manual-backprop")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # the graph takes the keyboard; the question is dL/dL
        assert await wait_for(pilot, lambda: type(app.focused).__name__ == "DagView")
        await pilot.press("left")  # from L to d
        assert await wait_for(pilot, lambda: app.query_one("DagView").selected.label == "d")
        await pilot.press("f")
        assert await wait_for(pilot, lambda: "finite difference for d:" in app.lab_view.lab.message), \
            app.lab_view.lab.message


async def test_v_reaches_every_field_of_lesson_1_and_typing_goes_there():
    """Issue 29: lesson 1's h took three tabs; v moves the ▶ to it, and a number typed goes into it."""
    app = make_app("derivative")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lab = app.lab_view.lab
        assert lab.current_field() == "x"
        await pilot.press("v")
        assert await wait_for(pilot, lambda: lab.current_field() == "h")
        await pilot.press("0", "full_stop", "0", "1", "enter")
        assert await wait_for(pilot, lambda: lab.h == 0.01), lab.message
        await pilot.press("escape", "v")
        assert await wait_for(pilot, lambda: lab.current_field() == "x")


async def test_after_a_wrong_answer_h_shows_the_hint_at_once():
    """A wrong answer leaves the field holding the keyboard and its text; h is not a number's, so it acts
    there and then (it did nothing until escape)."""
    from micrograd_tui.lessons.registry import find

    twin = find("manual-backprop").make_lab()  # the same lab, answered the same way, asked for its hint
    twin.submit("answer", "1")
    twin.do("hint")
    app = make_app("manual-backprop")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_answers(pilot, ["1", "5"])  # dL/dd is -2
        lab = app.lab_view.lab
        assert lab.current == "d" and "not quite" in lab.message and isinstance(app.focused, LabInput)
        await pilot.press("h")
        await settle(pilot)
        assert lab.message == twin.message and twin.message.split()[0] in screen_text(app)


async def test_page_keys_on_the_contents_before_its_first_layout_do_nothing():
    """CI's fast typist: t then pageup, faster than the contents was laid out, ended the app (KeyError)."""
    app = make_app("demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        toc = app.query_one("#toc")
        app.action_toggle_toc()
        toc.action_page_up()
        toc.action_page_down()
        await settle(pilot)
        toc.action_page_up()
        assert app.is_running and toc.highlighted is not None
