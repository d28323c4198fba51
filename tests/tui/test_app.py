"""The app, driven by keys through Textual's Pilot, read back from the screen."""

from __future__ import annotations

import json

import pytest

from conftest import make_app, screen_text, settle, wait_for
from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import node_count
from micrograd_tui.lessons import expressions as ex
from micrograd_tui.lessons.numtext import fmt
from micrograd_tui.lessons.registry import LESSONS, find
from micrograd_tui.tui.app import MicrogradApp, ProseView
from micrograd_tui.tui.lab_input import LabInput
from micrograd_tui.tui.panels.dag import DagView
from micrograd_tui.tui.help import HelpScreen
from micrograd_tui.tui.lab_view import LabView
from micrograd_tui.tui.progress import Progress

SIZE = (120, 40)






# --- opening numbers: computed by the engine, visible without a key ----------------------

def engine_numbers(slug):
    """What the engine says each lesson must show when it opens (computed here, not typed in)."""
    if slug == "micrograd":
        g, ins = ex.readme_example(Value)
        g.backward()
        return [fmt(g.data), fmt(ins["a"].grad), fmt(ins["b"].grad)]
    if slug == "derivative":
        x = Value(3.0, "x")
        f = ex.quadratic(x)
        f.backward()
        return [fmt(f.data), fmt(x.grad, 6)]
    if slug == "several-inputs":
        a, b, c = Value(2.0), Value(-3.0), Value(10.0)
        d = a * b + c
        d.backward()
        return [fmt(d.data)] + [fmt(v.grad, 6) for v in (a, b, c)]
    if slug in ("value", "manual-backprop", "one-step"):
        return [fmt(ex.lesson3(Value)[0].data)]
    if slug in ("neuron", "backward-per-op", "topological-order"):
        nodes = ex.neuron_nodes()
        return [fmt(nodes["n"].data), fmt(nodes["o"].data)]
    if slug == "breaking-up-tanh":
        return [fmt(ex.neuron_exp_form(Value)[0].data)]
    if slug == "pytorch":
        return [repr(ex.neuron(Value)[0].data)]
    if slug == "mlp":
        return [str(len(ex.lecture_mlp().parameters())), fmt(ex.mlp_forward().data)]
    if slug == "loss":
        loss, _, _ = ex.lecture_loss()
        return [fmt(loss.data), str(node_count(loss))]
    if slug == "gradient-descent":
        return ["41", "0 of 100"]
    if slug == "demo":
        return ["337", "0 of 100"]
    return []


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: f"{l.number}-{l.slug}")
async def test_each_lesson_opens_with_its_numbers_on_screen(lesson):
    app = make_app(lesson.slug)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert lesson.title in text
        for number in engine_numbers(lesson.slug):
            assert number in text, (lesson.slug, number)


async def test_curriculum_facts_appear_where_promised():
    # The curriculum's numbers are checks on what the engine computed and showed.
    expected = {"micrograd": ["24.7041", "138.8338", "645.5773"], "derivative": ["20.0000", "14.000000"],
                "value": ["-8.0000"], "neuron": ["0.8814", "0.7071"], "mlp": ["41"]}
    for slug, facts in expected.items():
        app = make_app(slug)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            text = screen_text(app)
            for fact in facts:
                assert fact in text, (slug, fact)


# --- navigation, keys, help, palette -----------------------------------------------------

async def test_next_and_previous_and_arrows():
    app = make_app("manual-backprop")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "n")
        await settle(pilot)
        assert app.lesson.slug == "one-step" and "One optimisation step" in screen_text(app)
        await pilot.press("p")
        await settle(pilot)
        assert app.lesson.slug == "manual-backprop"
        # where no widget takes the arrows (the prose), they are previous and next too
        app.query_one(ProseView).focus()
        await pilot.press("right")
        await settle(pilot)
        assert app.lesson.slug == "one-step"
        app.query_one(ProseView).focus()
        await pilot.press("left")
        await settle(pilot)
        assert app.lesson.slug == "manual-backprop"
        # in the graph they move the cursor along the edges, and n and p still change the lesson
        assert await wait_for(pilot, lambda: bool(app.query(LabInput)))
        app.query_one(LabInput).focus()  # back in the lab's field: escape hands the keyboard to the graph
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: type(app.focused).__name__ == "DagView"), app.focused
        await pilot.press("left")
        await settle(pilot)
        assert app.lesson.slug == "manual-backprop" and app.query_one(DagView).selected.label == "d"
        await pilot.press("n")
        await settle(pilot)
        assert app.lesson.slug == "one-step"


@pytest.mark.parametrize("slug", ["micrograd", "value", "manual-backprop", "neuron", "reuse-bug", "playground"])
async def test_arrows_at_the_ends_of_a_graph_stay_in_the_lesson(slug):
    """Off the ends, the arrows went to the next or previous lesson and lost what was done (lesson 3 after b)."""
    app = make_app(slug)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if isinstance(app.focused, LabInput):
            await pilot.press("escape")
        views = app.query(DagView)
        if not views:
            pytest.skip(f"{slug} shows no boxes at this size")
        views.first().focus()
        await settle(pilot)
        for key in ["left"] * 15 + ["right"] * 15:
            await pilot.press(key)
        await settle(pilot)
        assert app.lesson.slug == slug


async def test_keys_faster_than_the_lessons_mount_never_crash(user_home):
    """A held n or p can leave a lesson before its view has mounted: that view must never start."""
    app = make_app("loss")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for moves in ("nnnpppnn", "pppppnnnnn"):
            for move in moves:  # as a terminal's key repeat does: one after another, no time to mount between
                app.action_next_lesson() if move == "n" else app.action_previous_lesson()
            await settle(pilot, 6)
        assert app.lesson.slug == "build-train" and app.is_running
        assert len(app.query(LabView)) == 1 and "Build it: the training loop" in screen_text(app)


async def test_a_key_before_the_code_view_has_mounted_is_not_lost(user_home):
    from micrograd_tui.tui.panels.code import CodeView

    app = make_app("build-value")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.lab_view.lab.on_answer()  # the worked solution (the y of the answer dialog) ...
        app.lab_view.sync()  # ... gets a code view, mounted for it ...
        app.action_lab("hint")  # ... and this key comes before it has mounted
        assert await wait_for(pilot, lambda: "def __add__(self, other)" in screen_text(app))
        assert app.is_running and len(app.query(CodeView)) == 1
        assert "worked solution: engine.py" in screen_text(app)  # the code says what it is


async def test_an_exercise_comes_right_after_the_lesson_that_teaches_it():
    app = make_app("value")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert app.lesson.slug == "build-value" and " lesson 3.1 " in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert app.lesson.slug == "manual-backprop"


async def test_toc_toggles_and_opens_a_lesson():
    app = make_app("micrograd")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert app.query_one("#toc").display
        assert "A neuron, by hand" in screen_text(app)
        for _ in range(LESSONS.index(find("neuron"))):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert app.lesson.slug == "neuron"
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert not app.query_one("#toc").display


async def test_help_lists_every_key_and_closes():
    app = make_app("micrograd")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for words in ("Go to the next lesson", "List every key", "Run backward()", "Command palette"):
            assert words in text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_palette_goes_to_a_lesson():
    app = make_app("micrograd")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        for ch in "lesson 9":
            await pilot.press(ch if ch != " " else "space")
        await settle(pilot, 6)
        await pilot.press("enter")
        await settle(pilot, 4)
        assert app.lesson.slug == "reuse-bug"


async def test_footer_shows_only_the_open_labs_keys():
    app = make_app("manual-backprop")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "Hint" in footer and "Run/pause" not in footer
        await pilot.press("escape", "n")
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "Step" in footer and "Hint" not in footer


async def test_quit_keys():
    for key in ("q", "ctrl+q"):
        app = make_app("micrograd")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press(key)
            await settle(pilot)
        assert app.return_code in (0, None)
        assert not app.is_running


# --- progress ---------------------------------------------------------------------------------

async def test_progress_is_saved_and_restored(user_home):
    app = make_app("several-inputs", user_home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")  # lesson 3
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
    data = json.loads((user_home / "progress.json").read_text())
    assert data["current"] == "value" and "several-inputs" not in data["finished"]
    app = MicrogradApp(progress=Progress(user_home).load())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.lesson.slug == "value"


async def test_exercise_state_survives_a_restart(user_home):
    app = make_app("manual-backprop", user_home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "enter")
        await settle(pilot)
    app = make_app("manual-backprop", user_home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lab = app.lab_view.lab
        assert lab.answered == {"L": "right"} and lab.current == "d"


async def test_corrupt_progress_file_is_kept_aside_and_said_once(user_home):
    user_home.mkdir(parents=True)
    (user_home / "progress.json").write_text("{ this is not json")
    app = make_app(None, user_home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.lesson.slug == "micrograd"
        notes = [n.message for n in app._notifications]
        assert sum("kept as" in m for m in notes) == 1
        await pilot.press("n")
        await settle(pilot)
        assert sum("kept as" in n.message for n in app._notifications) == 1
    assert any(p.name.startswith("progress.json.bad-") for p in user_home.iterdir())


async def test_unwritable_progress_says_so_once(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    app = MicrogradApp(start="micrograd", progress=Progress(blocker / "sub"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert sum("cannot be saved" in n.message for n in app._notifications) == 1
        assert app.lesson.slug == "derivative"


# --- small terminals ---------------------------------------------------------------------------

@pytest.mark.parametrize("size", [(80, 24), (60, 20), (40, 12)])
async def test_small_terminals_still_show_the_lesson(size):
    app = make_app("micrograd")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert "micrograd" in screen_text(app)
        for key in ("n", "n", "n", "b", "p"):
            await pilot.press(key)
            await settle(pilot)
        assert app.lesson.slug == "several-inputs"


# --- interactions, lesson by lesson ----------------------------------------------------------

def lab(app):
    return app.lab_view.lab


async def test_lesson1_keys_and_typing_move_x_and_h():
    app = make_app("derivative")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert lab(app).vars[0].value == 3.5
        await pilot.press("escape")
        app.query_one("#field-x").focus()
        await settle(pilot)
        for ch in "2/3":
            await pilot.press(ch)
        await pilot.press("enter")
        await settle(pilot)
        assert abs(lab(app).inputs["x"].grad) < 1e-12  # the slope is 0 at x = 2/3
        app.query_one("#field-h").focus()
        for ch in "1e-15":
            await pilot.press(ch)
        await pilot.press("enter")
        await settle(pilot)
        assert "rounding" in screen_text(app)


@pytest.mark.parametrize("bad", ["", "abc", "1e999", "nan", "inf", "x" * 10_000, "é∂ƒ"])
async def test_bad_typed_numbers_get_a_message_not_a_crash(bad):
    app = make_app("derivative")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        field = app.query_one("#field-x")
        field.focus()
        field.value = bad
        await pilot.press("enter")
        await settle(pilot)
        assert lab(app).vars[0].value == 3.0  # nothing lost
        assert lab(app).message.startswith("x:")


async def test_lesson3_builds_node_by_node():
    app = make_app("value")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert lab(app).shown == 1
        for _ in range(6):
            await pilot.press("b")
            await settle(pilot)
        assert lab(app).shown == 7 and "_op '*'" in screen_text(app) and "(d, f)" in screen_text(app)


async def test_lesson4_right_and_wrong_answers_hints_and_check():
    app = make_app("manual-backprop")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "enter")
        await settle(pilot)
        assert lab(app).answered == {"L": "right"}
        await pilot.press("5", "enter")  # dL/dd is -2
        await settle(pilot)
        text = screen_text(app)
        assert "not quite" in text and "swaps" in text and "d" == lab(app).current
        await pilot.press("ctrl+a", "ctrl+k", "minus", "2", "enter")
        await settle(pilot)
        assert lab(app).current == "f"
        await pilot.press("escape", "f")
        await settle(pilot)
        assert "finite difference for f" in screen_text(app) and "4.0000" in screen_text(app)
        await pilot.press("a")  # revealing asks first
        await settle(pilot)
        assert "f" not in lab(app).answered
        await pilot.press("y")
        await settle(pilot)
        assert lab(app).answered["f"] == "shown"
        await pilot.press("h")
        await settle(pilot)
        assert "passes the gradient through" in lab(app).message


async def test_lesson5_step_raises_L():
    app = make_app("one-step")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "-7.286496" in screen_text(app)


async def test_lesson7_steps_highlight_nodes_and_name_the_rule():
    app = make_app("backward-per-op")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert lab(app).last.label == "o" and "1 - t²" in screen_text(app)
        assert app.query_one(DagView).selected is lab(app).last  # the node that just ran is the graph's cursor
        await pilot.press("s")
        await settle(pilot)
        assert lab(app).last.label == "n" and "passes the gradient through" in screen_text(app)
        for _ in range(6):
            await pilot.press("s")
        await settle(pilot)
        assert lab(app).done


async def test_lesson8_order_then_backward():
    app = make_app("topological-order")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "topological order" in text and "10. o = 0.7071" in text
        assert "-1.5000" not in text
        await pilot.press("g")
        await settle(pilot)
        assert "-1.5000" in screen_text(app)


async def test_lesson9_switch_changes_the_grads_on_screen():
    app = make_app("reuse-bug")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "overwrite" in screen_text(app) and lab(app).built[0][2][0].grad == 1.0
        await pilot.press("o")
        await settle(pilot)
        leaves = [leaf.grad for _, _, ls in lab(app).built for leaf in ls]
        assert leaves == [2.0, -3.0, -8.0]
        text = screen_text(app)
        assert "accumulate" in text and "-8.0000" in text


async def test_lesson17_playground_acceptance(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app("playground")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        field = app.focused
        assert field is not None and field.id == "field-expr"
        field.value = "__import__('os').system('touch pwned')"
        await pilot.press("enter")
        await settle(pilot)
        assert "start with _" in screen_text(app) and not (tmp_path / "pwned").exists()
        field.value = "a=2; b=-3; c=10; f=-2; L=(a*b+c)*f"
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "L = -8.0000" in text and "6.0000" in text and "-4.0000" in text
        field.value = "1/0"
        await pilot.press("enter")
        await settle(pilot)
        assert "divides by zero" in screen_text(app)
        assert lab(app).program.output.data == -8.0  # the last good graph is kept
        await pilot.press("up")
        assert field.value == "1/0"
        await pilot.press("up")
        assert field.value.startswith("a=2")
        await pilot.press("escape", "s")  # a letter types there, with the field left or not
        await settle(pilot)
        assert lab(app).last is None and field.value.endswith("s")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert lab(app).last is lab(app).program.output


# --- training -------------------------------------------------------------------------------


async def test_lesson14_run_pause_step_reset_and_loss_falls():
    app = make_app("gradient-descent")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = lab(app)
        t.knob("speed").value = 0  # full speed for the test
        await pilot.press("s")
        await settle(pilot)
        first = t.snap.losses[0]
        assert t.trainer.k == 1 and f"{first:.4f}" in screen_text(app)
        await pilot.press("space")
        assert await wait_for(pilot, lambda: not app.lab_view.runner.active)
        await settle(pilot)
        assert t.snap.losses[-1] < first / 4
        assert "done: loss" in screen_text(app)
        await pilot.press("r")
        await settle(pilot)
        assert t.trainer.k == 0 and "0 of 100" in screen_text(app)


async def test_lesson14_pause_and_leaving_mid_run_stop_the_worker():
    app = make_app("gradient-descent")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = lab(app)
        t.knob("speed").value = 20
        t.knob("steps").value = 10_000
        await pilot.press("space")
        assert await wait_for(pilot, lambda: t.trainer.k >= 3)
        await pilot.press("space")
        await settle(pilot)
        k = t.trainer.k
        await pilot.pause(0.3)
        assert t.trainer.k <= k + 1 and not app.lab_view.runner.active
        await pilot.press("space")
        assert await wait_for(pilot, lambda: t.trainer.k >= k + 3)
        view = app.lab_view
        await pilot.press("n")
        await settle(pilot)
        k = t.trainer.k
        await pilot.pause(0.4)
        assert t.trainer.k <= k + 1
        assert not [w for w in app.workers if w.node is view and not w.is_finished]


async def test_lesson14_zero_grad_switch_changes_the_run():
    async def losses(press_z):
        app = make_app("gradient-descent")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            if press_z:
                await pilot.press("z")
                await settle(pilot)
                assert "OFF" in screen_text(app)
            for _ in range(5):
                await pilot.press("s")
            await settle(pilot)
            return list(lab(app).snap.losses)

    right, buggy = await losses(False), await losses(True)
    assert right[:2] == buggy[:2] and right[2:] != buggy[2:]


async def test_lesson14_huge_learning_rate_stops_with_a_message():
    app = make_app("gradient-descent")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = lab(app)
        t.knob("speed").value = 0
        field = app.query_one("#field-lr")
        field.focus()
        field.value = "100"
        await pilot.press("enter")
        await settle(pilot)
        assert t.trainer.learning_rate == 100
        t.knob("lr").value = float("nan")  # beyond what can be typed: the run must still stop cleanly
        await pilot.press("escape", "space")
        assert await wait_for(pilot, lambda: not app.lab_view.runner.active)
        await settle(pilot)
        assert "learning rate is too large" in screen_text(app)


async def test_lesson16_runs_and_draws_a_boundary():
    app = make_app("demo")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = lab(app)
        t.knob("steps").value = 5
        await pilot.press("space")
        assert await wait_for(pilot, lambda: not app.lab_view.runner.active, timeout=60)
        await settle(pilot)
        assert t.trainer.k == 5 and t.snap.surface is not None
        assert "accuracy" in screen_text(app)
        await pilot.press("m")
        # the graph's panel is mounted, then filled a frame later: on a busy machine that takes a moment
        assert await wait_for(pilot, lambda: "the picked point's loss" in screen_text(app) and "score" in screen_text(app),
                              timeout=10)
        await pilot.press("d")
        await settle(pilot)
        assert t.dataset == "circles" and t.trainer.k == 0


async def test_resizing_while_training_keeps_it_running():
    app = make_app("demo")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = lab(app)
        t.knob("steps").value = 8
        await pilot.press("space")
        for size in ((80, 24), (40, 12), (140, 45)):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.1)
        assert await wait_for(pilot, lambda: not app.lab_view.runner.active, timeout=60)
        assert t.trainer.k == 8


async def test_plots_redraw_in_the_new_themes_colours():
    from textual.color import Color

    from micrograd_tui.tui.panels.plot import LabPlot

    app = make_app("derivative")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, 5)
        plot = app.query_one(LabPlot)
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settle(pilot, 5)
        surface = Color.parse(app.theme_variables["surface"]).rgb
        drawn = plot.render()
        backgrounds = {span.style.bgcolor.triplet for span in drawn.spans
                       if not isinstance(span.style, str) and span.style.bgcolor and span.style.bgcolor.triplet}
        assert tuple(surface) in {tuple(b) for b in backgrounds}


async def test_after_a_wrong_answer_letters_act_at_once():
    """Lesson 4: after a wrong answer the field keeps the keyboard for the next try, but h, a and f are
    never part of a number: they act (h showed nothing until escape)."""
    app = make_app("manual-backprop")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lab = app.lab_view.lab
        await pilot.press("4", "2", "enter")  # dL/dL is 1: wrong
        await settle(pilot)
        assert isinstance(app.focused, LabInput)
        before = lab.message
        await pilot.press("h")
        await settle(pilot)
        assert before.startswith("not quite") and lab.message == lab.rule_hint(lab.current), lab.message
        assert not isinstance(app.focused, LabInput) or "h" not in app.focused.value
