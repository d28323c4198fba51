"""Every keystroke lands where the learner meant it; every screen shows what the lesson is about.

Each test is one of the reproductions the learners reported, tried at 120x40 and 80x24."""

from __future__ import annotations

import json
import re

import pytest

from conftest import make_app, screen_text, settle, wait_for
from micrograd_tui.tui.app import MicrogradApp
from micrograd_tui.tui.dialogs import Confirm, CourseComplete

SIZES = [(120, 40), (80, 24)]






def lab(app):
    return app.lab_view.lab


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


# --- typing numbers ----------------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
async def test_a_minus_sign_types_into_the_answer(size):
    app = make_app("manual-backprop")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("1", "enter", "escape", "minus", "2", "enter")
        await settle(pilot)
        assert lab(app).answered == {"L": "right", "d": "right"}, lab(app).message


@pytest.mark.parametrize("size", SIZES)
async def test_typing_goes_to_the_input_the_screen_marks(size):
    app = make_app("several-inputs")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("minus", "1", "enter")
        await settle(pilot)
        vars_ = {v.name: v.value for v in lab(app).vars}
        assert vars_["a"] == -1.0 and lab(app).h == 0.001  # not h ÷ 10, not a = 1
        await pilot.press("escape", "v")
        await settle(pilot)
        assert "▶ b =" in screen_text(app)
        await pilot.press("5", "enter")
        await settle(pilot)
        vars_ = {v.name: v.value for v in lab(app).vars}
        assert vars_ == {"a": -1.0, "b": 5.0, "c": 10.0}


@pytest.mark.parametrize("size", SIZES)
async def test_a_fraction_typed_quickly_stays_a_fraction(size):
    app = make_app("derivative")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("2", "slash", "3", "enter")
        await settle(pilot)
        assert abs(lab(app).vars[0].value - 2 / 3) < 1e-12


async def test_typing_replaces_a_fields_old_number():
    app = make_app("gradient-descent")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v")  # steps
        await pilot.press("2", "0", "0", "0", "enter", "escape")
        await settle(pilot)
        assert lab(app).knob("steps").value == 2000
        await pilot.press("1")
        await settle(pilot)
        assert app.focused.value == "1"
        await pilot.press("enter")
        await settle(pilot)
        assert lab(app).knob("steps").value == 1


KEYS = {"-": "minus", ".": "full_stop", "/": "slash"}


@pytest.mark.parametrize("text, shown, ok", [("-2", "-2", True), (".5", ".5", True), ("2/3", "2/3", True),
                                             ("1e-3", "1e-3", True), ("abc", "", True), ("2/", "2/", False)])
async def test_every_number_field_reads_numbers_and_shows_bad_text_as_invalid(text, shown, ok):
    for slug in ("derivative", "manual-backprop", "gradient-descent"):
        app = make_app(slug)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            field = app.lab_view.query("LabInput").first()
            field.focus()
            await settle(pilot)
            for ch in text:
                await pilot.press(KEYS.get(ch, ch))
            await settle(pilot)
            assert field.value == shown, (slug, text, field.value)  # letters never get into a number field
            assert field.has_class("-invalid") == (not ok), (slug, text)


# --- plots -----------------------------------------------------------------------------------------

async def test_the_plot_follows_x_wherever_it_goes():
    app = make_app("derivative")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(11):
            await pilot.press("right_square_bracket")
        from micrograd_tui.tui.panels.plot import LabPlot

        plot = app.query_one(LabPlot)
        assert await wait_for(pilot, lambda: min(plot.panel.series[0].x) < 8.5 < max(plot.panel.series[0].x))
        assert await wait_for(pilot, lambda: "x = 8.500" in screen_text(app))
        xs = plot.panel.series[0].x
        assert lab(app).vars[0].value == 8.5 and min(xs) < 8.5 < max(xs)
        assert "could not be drawn" not in screen_text(app) and "x = 8.500" in screen_text(app)
        for _ in range(40):
            await pilot.press("left_square_bracket")
        assert await wait_for(pilot, lambda: min(plot.panel.series[0].x) < -11.5 < max(plot.panel.series[0].x))
        xs = plot.panel.series[0].x
        assert lab(app).vars[0].value == -11.5 and min(xs) < -11.5 < max(xs)


async def test_a_plot_that_fails_to_draw_says_so_and_draws_again():
    from micrograd_tui.tui.panels import plot as plot_module

    app = make_app("derivative")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        widget = app.query_one(plot_module.LabPlot)
        real = plot_module.PlotextPlot.render
        plot_module.PlotextPlot.render = lambda self: 1 / 0
        try:
            widget.replot()
            assert await wait_for(pilot, lambda: "could not be drawn" in screen_text(app))
        finally:
            plot_module.PlotextPlot.render = real
        await pilot.press("right_square_bracket")
        assert await wait_for(pilot, lambda: "could not be drawn" not in screen_text(app))


# --- what the panes show -------------------------------------------------------------------------

async def test_numbers_in_the_tree_never_run_together():
    app = make_app("playground")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.focused.value = "x = 3; y = x**2 + 2*x; z = y.tanh()"
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "15.0000" in text and "15.00003" not in text


async def test_deep_tree_rows_keep_their_grad_column():
    app = make_app("loss")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot, 5)
        rows = [line.split("│", 1)[-1] for line in screen_text(app).splitlines()[3:-1]]
        tree_rows = [r.rstrip(" ▁▂▃▄▅▆▇█") for r in rows if "▾" in r or "▸" in r]  # less the scrollbar's thumb
        assert tree_rows and all(__import__("re").search(r"-?\d+\.\d{4}\s*$", r) for r in tree_rows), tree_rows


async def test_facts_keep_a_gap_before_the_tree_and_marks_are_not_cut():
    app = make_app("manual-backprop")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "◀ now node" not in screen_text(app)
    app = make_app("pytorch")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, 4)
        assert screen_text(app).count("✓") >= 6


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_the_decision_surface_is_filled_with_no_stripes(size):
    from micrograd_tui.tui.panels.surface import SurfaceView

    app = make_app("demo")
    async with app.run_test(size=size) as pilot:
        for maximized in (False, True):
            view = app.query_one(SurfaceView)

            def scored_for_its_size(view=view):  # two samples a cell (fewer only past the lab's cost cap)
                p, area = view.panel, view.content_size
                want = lab(app)._grid_for((area.width, area.height))
                return p is not None and p.scores and (p.cols, p.rows) == want

            assert await wait_for(pilot, scored_for_its_size, timeout=10)
            await settle(pilot)
            cells = view.cells()
            area = view.content_size
            assert area.height >= 5 and len(cells) == area.height
            if size != (200, 60):
                assert (view.panel.cols, view.panel.rows) == (area.width, 2 * area.height)
            assert all(len(row) == area.width for row in cells)
            blank = [(x, y) for y, row in enumerate(cells) for x, (ch, _, _) in enumerate(row) if ch == " "]
            assert not blank, f"unfilled cells at {blank[:5]}"
            marks = "".join(ch for row in cells for ch, _, _ in row if ch not in "▀")
            assert set(marks) <= set("▲●△○") and "▲" in marks and "●" in marks and "△" in marks
            if not maximized:
                await pilot.press("M")
                await settle(pilot)


async def test_without_colour_the_surface_and_curves_stay_readable(monkeypatch):
    from micrograd_tui.tui.panels.surface import SurfaceView

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("demo")
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.no_color
        view = app.query_one(SurfaceView)
        assert await wait_for(pilot, lambda: view.panel is not None and bool(view.panel.scores), timeout=10)
        await pilot.press("space")
        assert await wait_for(pilot, lambda: lab(app).snap.k == 100 and not app.lab_view.runner.active, timeout=60)
        await settle(pilot, 4)
        chars = {ch for row in view.cells() for ch, _, _ in row}
        assert {"░", "·", " "} <= chars and not chars & {"▀"}  # above 0, the contour, below 0: no colour needed
        assert "⠤⠤ train loss  •• test loss  ·· accuracy %" in screen_text(app)


async def test_the_prose_column_grows_with_the_terminal_and_the_lab_can_take_the_screen():
    widths = {}
    for size in ((120, 40), (200, 60)):
        app = make_app("gradient-descent")
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            widths[size] = app.query_one("#prose").size.width
            if size == (120, 40):
                await pilot.press("M")
                await settle(pilot)
                assert app.screen.maximized is not None and app.query_one("#lab-host").size.width > 110
                await pilot.press("M")
                await settle(pilot)
                assert app.screen.maximized is None
    assert widths[(200, 60)] > widths[(120, 40)]


# --- keys that tell the truth ----------------------------------------------------------------------

async def test_the_footer_says_what_the_keys_do_here():
    app = make_app("several-inputs")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = footer(app)
        assert "[ a − 0.5" in text and "] a + 0.5" in text and "{ h ÷ 10" in text and "v move b instead" in text
        await pilot.press("v")
        await settle(pilot)
        assert "[ b − 0.5" in footer(app)
        await pilot.press("3")
        await settle(pilot)
        text = footer(app)
        assert "enter Submit" in text and "esc Leave the field" in text and "[ b" not in text


@pytest.mark.parametrize("slug", ["several-inputs", "gradient-descent", "demo", "build-value"])
async def test_a_narrow_footer_drops_keys_never_words(slug):
    app = make_app(slug)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = footer(app).rstrip()
        words = set(app.key_words().values()) | {b.description for b in app.active_bindings and
                                                  [ab.binding for ab in app.active_bindings.values()]}
        assert text.endswith(tuple(w for w in words if w)), text
        assert "▏" not in text


async def test_escape_closes_the_contents():
    app = make_app("micrograd")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert app.query_one("#toc").display
        await pilot.press("escape")
        await settle(pilot)
        assert not app.query_one("#toc").display


async def test_help_uses_the_labs_words():
    app = make_app("several-inputs")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = screen_text(app)
        assert "move b instead" in text and "h ÷ 10" in text and "H ÷ 10" not in text


# --- endings ------------------------------------------------------------------------------------------

async def test_finishing_an_exercise_sums_it_up_and_says_what_next():
    app = make_app("manual-backprop")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        answers = ["1", "-2", "4", "-2", "-2", "6", "-4"]
        await pilot.press("h")  # a hint for the first
        for i, answer in enumerate(answers):
            if i == 2:
                await pilot.press("escape", "a", "y")  # reveal the third, after saying yes
                await settle(pilot)
                continue
            for ch in answer:
                await pilot.press("minus" if ch == "-" else ch)
            await pilot.press("enter")
            await pilot.press("escape")
        await settle(pilot)
        message = " ".join(line.split("│", 1)[-1].strip() for line in screen_text(app).splitlines()[1:4])
        assert lab(app).done and "5 right first time, 1 after a hint or a try, 1 shown" in message
        assert "n goes on" in message and "a number, e.g." not in screen_text(app)


async def test_resetting_an_exercise_asks_first():
    app = make_app("manual-backprop")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1", "enter", "escape", "r")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        await settle(pilot)
        assert lab(app).answered == {"L": "right"}


async def test_the_end_of_the_course_says_so_and_where_to_go():
    app = make_app("review")  # the last, after the course
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "n")
        await settle(pilot)
        assert isinstance(app.screen, CourseComplete)
        text = screen_text(app)
        assert "You have reached the end" in text and "github.com/karpathy/micrograd" in text
        await pilot.press("d")
        await settle(pilot)
        assert app.lesson.slug == "demo"


# --- settings ---------------------------------------------------------------------------------------

async def test_the_chosen_theme_is_kept(user_home):
    app = make_app("micrograd")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    assert json.loads((user_home / "progress.json").read_text())["theme"] == "nord"
    again = MicrogradApp(start="micrograd")
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


async def test_the_palette_lists_lessons_in_course_order():
    from micrograd_tui.tui.palette import Lessons

    app = make_app("micrograd")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = Lessons(app.screen)
        titles = [hit.display async for hit in provider.discover()]
        labels = [str(t).split(":")[0].removeprefix("Go to lesson ") for t in titles]
        assert labels == [lesson.label for lesson in app.course.lessons]


async def test_a_number_typed_faster_than_the_focus_moves_is_kept_whole():
    from textual import events

    app = make_app("demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for ch in "750":  # posted at once, as a fast typist's terminal sends them
            app.post_message(events.Key(ch, ch))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert lab(app).knob("points").value == 750


async def test_at_80x24_the_prose_can_take_the_screen_too():
    app = make_app("gradient-descent")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.query_one("#prose").focus()
        await pilot.press("M")
        await settle(pilot)
        assert app.screen.maximized is app.query_one("#prose") and app.query_one("#prose").size.height > 15
        await pilot.press("M")
        await settle(pilot)
        assert app.screen.maximized is None


async def test_enter_typed_right_after_a_digit_submits_it():
    from textual import events

    app = make_app("manual-backprop")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.post_message(events.Key("1", "1"))
        app.post_message(events.Key("enter", None))
        await settle(pilot)
        assert lab(app).answered == {"L": "right"}


# --- narrow columns: nothing a learner needs is cut off ------------------------------------------

def test_a_tree_row_with_no_room_for_its_name_keeps_its_numbers_in_their_columns():
    from micrograd_tui.engine import Value
    from micrograd_tui.tui.panels.graph import NUM_W, NodeRef, row_text

    v = Value(0.5, "a long label") * 2
    for width in (2 + 2 * NUM_W, 2 + 2 * NUM_W + 3):
        assert row_text(NodeRef(v, 5, False, ()), width, expanded=True).cell_len == width


async def test_the_side_column_leaves_the_graph_its_room_and_stacks_what_does_not_fit():
    from micrograd_tui.lessons.lab import FactsPanel
    from micrograd_tui.tui.lab_view import MAIN_MIN
    from micrograd_tui.tui.panels.graph import GraphPanelView

    for slug, size in (("loss", (120, 40)), ("mlp", (80, 24)), ("pytorch", (80, 24))):
        app = make_app(slug)
        async with app.run_test(size=size) as pilot:
            await settle(pilot, 5)
            graph = app.query_one(GraphPanelView).figure()  # boxes or the tree, whichever the graph is drawn as
            assert graph.size.width >= MAIN_MIN - 2, (slug, graph.size.width)
            text = screen_text(app)
            rows = next(p for p in app.lab_view.lab.panels() if isinstance(p, FactsPanel)).rows
            for name, value in rows[:6]:  # the first rows are on screen, each value whole, never "…"
                assert value in text, (slug, name, value)
            assert not re.search(r"\[\[[a-z_]+\]\]", text)  # an action named in a value is written as its key


async def test_the_layout_follows_quick_resizes_to_the_last_size(user_home):
    app = make_app("playground")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for size in ((200, 60), (60, 20), (120, 40), (60, 20), (120, 40)):
            await pilot.resize_terminal(*size)
        await settle(pilot, 5)
        assert not app.screen.has_class("-narrow") and not app.screen.has_class("-short")
        assert app.screen.has_class("-normal")  # the prose beside the lab again, as at the start
        await pilot.resize_terminal(80, 24)
        await settle(pilot, 5)
        assert app.screen.has_class("-narrow") and app.screen.has_class("-short")
