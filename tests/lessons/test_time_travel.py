"""Time travel in the demo (issue 31): any earlier step is shown again as it was live, rebuilt from the states
the app kept; training stays in the present."""

from __future__ import annotations

import math

import pytest

from micrograd_tui.lessons.kinds.train.past import Past
from micrograd_tui.lessons.registry import find


def small_demo(steps: int):
    lab = find("demo").make_lab()
    assert lab.submit("layers", "4")
    assert lab.submit("steps", str(steps))
    lab.canvas(20, 8)  # the surface has a size on screen, so a grid to score
    return lab


def run_live(lab) -> dict[int, tuple]:
    """The run as the app runs it: a training child whose lines are taken in as they come; every surface
    shown on the way, by the step it was scored at (the child scores one a few times a second)."""
    lab.knob("speed").value = 50  # steps a second: several lines, and surfaces scored on the way
    lab.do("run")
    job = lab.job()
    assert job is not None
    shown = {}
    while True:
        job.step()
        final = job.finished
        job.apply(job.snapshot(), final)
        if lab._surface_cache is not None:
            k, picture = lab._surface_cache
            shown[k] = picture
        if final:
            break
    return shown


def test_going_back_50_steps_and_forward_shows_the_surfaces_it_showed_live():
    lab = small_demo(60)
    live = run_live(lab)
    assert lab.trainer.k == 60 and len(lab.past.kept) < 60  # the child's lines: states between are replayed
    for _ in range(50):
        lab.do("back")
    assert lab.viewing == 10 and "step 10 of the past (-50)" in lab.message
    cols, rows, _ = lab.snap.surface
    for _ in range(50):
        if lab.viewing in live and live[lab.viewing] is not None and live[lab.viewing][:2] == (cols, rows):
            assert lab.snap.surface == live[lab.viewing]  # the picture's data, number for number
        lab.do("forward")
    assert lab.viewing is None and lab.snap.surface == live[60] and "the present: step 60" in lab.message
    compared = [k for k in live if 10 <= k < 60 and live[k] is not None]
    assert len(compared) >= 2, "no live surface between steps 10 and 60 was compared"


def test_a_replayed_step_is_the_step_the_run_took_to_the_bit():
    lab = small_demo(40)
    run_live(lab)
    twin = find("demo").make_lab()  # the same run, every step taken here
    assert twin.submit("layers", "4") and twin.submit("steps", "40")
    for k in range(1, 40):
        twin.step()
        model = lab.past.at(k).model
        assert [p.data for p in model.parameters()] == [p.data for p in twin.trainer.model.parameters()], k
        assert [p.grad for p in model.parameters()] == [p.grad for p in twin.trainer.model.parameters()], k


def test_the_network_the_point_and_the_curves_show_the_viewed_step_and_running_resumes_from_the_present():
    lab = small_demo(40)
    for _ in range(30):
        lab.step()
    then = [p.data for p in find_params(lab, 25)]
    for _ in range(5):
        lab.do("back")
    lab.on_network()
    lab.do("point")
    panels = lab.panels()
    net = next(p for p in panels if type(p).__name__ == "NetworkPanel")
    assert net.title == "as it was at step 25"
    assert net.weights[0][0] == tuple(then[:2])  # neuron 0's weights in, as they were at step 25
    assert dict(lab._rows())["viewing"] == "step 25 (-5)"
    graph = next(p for p in panels if type(p).__name__ == "GraphPanel")
    again = lab.past.at(25).model
    x, y, _ = lab._all_points()[0]
    score = again.predict(x)
    assert graph.root.data == pytest.approx(max(0.0, 1 - y * score) if lab.loss == "svm" else (score - y) ** 2)
    lab.on_network()
    plot = next(p for p in lab.panels() if type(p).__name__ == "PlotPanel")
    assert plot.vlines == (25,) and "step 25" in plot.xlabel  # the curves' marker
    assert lab.trainer.k == 30
    lab.do("step")
    assert lab.viewing is None and lab.trainer.k == 31  # training went on from the present


def find_params(lab, k):
    return lab.past.at(k).model.parameters()


def test_a_long_run_keeps_its_past_within_bounds_and_can_still_show_any_step():
    lab = small_demo(10)
    past = Past(lab.setup(), 17)
    past.limit = 8
    for k in range(0, 41):
        state = lab.trainer.state()
        past.keep(state)
        if k < 40:
            lab.trainer.step()
    assert len(past.kept) <= 9 and past.first == 0 and past.last == 40
    model = past.at(40).model
    assert [p.data for p in model.parameters()] == [p.data for p in lab.trainer.model.parameters()]
    assert all(math.isfinite(p.data) for p in past.at(23).model.parameters())
