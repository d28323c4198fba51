"""Lesson 16's playground by keyboard (issue 13): one field at a time, typed layers, choices,
a change while training, and sharing a run."""

from __future__ import annotations

import json
import re

from conftest import make_app, screen_text, settle, wait_for
from micrograd_tui.tui.app import MicrogradApp
from micrograd_tui.tui.lab_input import LabInput


def shown_fields(app):
    return [w.name for w in app.query(LabInput) if w.display]


async def test_controls_by_key_idle_and_while_training(user_home):
    app = make_app("demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lab = app.lab_view.lab
        assert shown_fields(app) == ["points"]  # one field: the picked control's
        await pilot.press("v", "v", "v")
        assert lab.controls[lab.selected] == "layers" and shown_fields(app) == ["layers"]
        await pilot.press("8", "comma", "space", "8", "enter", "escape")
        await settle(pilot)
        assert lab.layers == (8, 8, 1) and "hidden layers = 8, 8" in screen_text(app)
        await pilot.press("v")  # activation: a choice, not typed
        await settle(pilot)
        assert shown_fields(app) == [] and "activation = relu" in screen_text(app)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert lab.activation == "tanh" and lab.trainer.model.layers[0].neurons[0].activation == "tanh"
        await pilot.press("V", "V")
        assert lab.controls[lab.selected] == "test"
        lab.knob("steps").value = 100_000  # a long run, so it is still running when lr changes
        await pilot.press("space")  # train, then change the learning rate while it runs
        assert await wait_for(pilot, lambda: lab.trainer.k > 0, timeout=20)
        for _ in range(4):
            await pilot.press("v")
        assert lab.controls[lab.selected] == "lr"
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert lab.knob("lr").value == 0.5 and "started over from step 0" in screen_text(app)
        assert lab.want_run and app.lab_view.runner.active
        assert await wait_for(pilot, lambda: lab.trainer.k > 0, timeout=20)
        await pilot.press("space")
        assert await wait_for(pilot, lambda: not app.lab_view.runner.active, timeout=20)
        assert lab.trainer.history[0].k == 0 and lab.trainer.history[0].learning_rate == 0.5


async def test_share_writes_the_setup_and_the_screen(user_home):
    app = make_app("demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s", "S")
        lab = app.lab_view.lab
        assert lab.shared is not None
        svg = lab.shared.with_suffix(".svg")
        assert await wait_for(pilot, svg.exists, timeout=10)
        assert "<svg" in svg.read_text() and "decision" not in lab.message
        assert json.loads(lab.shared.read_text())["result"]["steps"] == 1
        assert f"saved {lab.shared.stem}.json" in screen_text(app)


async def test_setup_file_starts_the_demo_from_it(user_home, tmp_path):
    setup = {"lesson": "demo", "setup": {"data": "xor", "layers": [2, 1], "seed": 7}}
    app = MicrogradApp(start="demo", setup=setup)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lab = app.lab_view.lab
        assert lab.dataset == "xor" and lab.layers == (2, 1) and lab.seed == 7
        assert "the setup is loaded" in screen_text(app)


async def test_layers_typed_faster_than_the_focus_moves_keep_their_comma():
    from textual import events

    app = make_app("demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lab = app.lab_view.lab
        lab.selected = lab.controls.index("layers")
        app.lab_view.sync()
        await settle(pilot)
        for key, ch in (("8", "8"), ("comma", ","), ("space", " "), ("4", "4"), ("enter", None)):
            app.post_message(events.Key(key, ch))  # at once, as a terminal sends a fast typist's keys
        await settle(pilot, 5)
        assert lab.layers == (8, 4, 1), lab.message


async def test_the_picked_control_stays_in_view_on_a_short_screen(user_home):
    app = make_app("demo")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lab = app.lab_view.lab
        assert "speed" not in screen_text(app)  # the side column is cut on a short screen ...
        while lab.controls[lab.selected] != "speed":
            await pilot.press("v")
        await settle(pilot)
        side_row = re.compile(r"▶ (\w+) {2,}(\S+)")  # the side list's row; the field above says "▶ speed = full"
        assert ("speed", "full") in side_row.findall(screen_text(app)), screen_text(app)  # ... and scrolls to it
        await pilot.press("V")
        await pilot.press("V")
        await settle(pilot)
        assert ("batch", "all") in side_row.findall(screen_text(app))


async def test_keys_faster_than_the_point_graph_mounts_never_crash(user_home):
    app = make_app("demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(6):  # as held keys do: the graph is asked for (m) and taken away (w) before it mounts
            app.action_lab("point")
            app.action_lab("reseed")
        app.action_lab("point")
        assert await wait_for(pilot, lambda: "the picked point's loss" in screen_text(app), timeout=10)
        assert app.is_running and app.lab_view.lab.snap.point_graph is not None


async def test_N_shows_the_network_whose_arrows_pick_a_neuron_and_N_again_the_curves(user_home):
    """Issue 31: the network panel in the curves' place; it takes the arrows (they never leave the lesson),
    and the picked neuron's numbers are the model's."""
    from conftest import make_app, screen_text, settle
    from micrograd_tui.lessons.numtext import fmt
    from micrograd_tui.tui.panels.network import NetworkView

    app = make_app("demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("N")
        await settle(pilot, 5)
        view = app.query_one(NetworkView)
        assert app.focused is view and "layer 0" in screen_text(app) and "inputs" in screen_text(app)
        lab = app.lab_view.lab
        await pilot.press("down", "down", "right", "left", "left")
        await settle(pilot, 5)
        assert app.lesson.slug == "demo" and lab.neuron == (0, 0)  # n2 of 16 is nearest x of the 2 inputs
        await pilot.press("right", "right")
        await settle(pilot, 5)
        column, index = lab.neuron
        assert column == 2
        b = lab.trainer.model.layers[1].neurons[index].b
        assert f"b: {fmt(b.data)} grad {fmt(b.grad)}" in screen_text(app)
        await pilot.press("M")  # the network alone on the screen, and back
        assert app.screen.maximized is view
        await pilot.press("M")
        assert app.screen.maximized is None
        await pilot.press("N")
        await settle(pilot, 5)
        assert not app.query(NetworkView) and "step" in screen_text(app)


async def test_a_click_on_the_surface_adds_a_point_there_and_dot_steps_through_time(user_home):
    """Issue 31: points by hand with the mouse (a right-click removes the nearest); , and . travel in time and
    never start a number, which starts with a digit."""
    from micrograd_tui.tui.panels.surface import SurfaceView

    app = make_app("demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lab = app.lab_view.lab
        view = app.query_one(SurfaceView)
        size = view.content_size
        (x0, x1), (y0, y1) = lab.box
        await pilot.click(SurfaceView, offset=(1 + size.width // 4, 1 + size.height // 2))  # inside the border
        await settle(pilot)
        x, y = lab.trainer.xs[-1]
        assert len(lab.trainer.xs) == 101 and lab.trainer.ys[-1] == 1.0 and "moons, by hand" in screen_text(app)
        assert x == (x0 + (size.width // 4 + 0.5) / size.width * (x1 - x0))
        assert y == (y1 - (size.height // 2 + 0.5) / size.height * (y1 - y0))
        assert "✛" in screen_text(app)  # the cursor, where the point went
        await pilot.click(SurfaceView, offset=(1 + size.width // 4, 1 + size.height // 2), button=3)
        await settle(pilot)
        assert len(lab.trainer.xs) == 100 and "removed the +1 point" in lab.message
        await pilot.press("escape", "s", "s", "s", "full_stop", "comma", "comma")
        await settle(pilot)
        assert lab.trainer.k == 3 and lab.viewing == 1 and "viewing" in screen_text(app)
        assert "." not in app.query_one("#field-points", LabInput).value  # the dot typed nothing
        await pilot.press("full_stop", "full_stop", "5", "0", "enter")
        await settle(pilot)
        # the number reached the lab; these are the learner's own points now, which the points knob leaves alone
        assert lab.viewing is None and "points shapes a generated set" in lab.message


def test_setup_takes_a_csv_of_the_learners_own_points_and_names_a_bad_line(tmp_path):
    from micrograd_tui.tui.cli import _read_setup

    good = tmp_path / "mine.csv"
    good.write_text("x,y,label\n" + "\n".join(f"{i / 10},{(i * 7 % 10) / 10},{i % 3}" for i in range(20)) + "\n")
    setup, slug, problem = _read_setup(str(good), None)
    assert problem == "" and slug == "demo" and setup is not None
    from micrograd_tui.lessons.registry import find

    demo = find("demo").make_lab()
    demo.load_setup(setup)
    assert demo.source == "mine.csv" and demo.layers[-1] == 3 and demo.loss == "nll"
    assert len(demo.trainer.xs) + len(demo.test_xs) == 20
    bad = tmp_path / "bad.csv"
    bad.write_text("0,0,1\n1,1,-1\n2,x,1\n")
    assert _read_setup(str(bad), None) == (None, None, "bad.csv: line 3: x, y and label must be numbers, not '2,x,1'")
