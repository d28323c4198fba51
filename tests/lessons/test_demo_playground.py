"""Lesson 16's playground controls (issue 13): each changes what the trainer runs, the surface is the
model's, a shared setup trains the same again. The lab alone: no app."""

from __future__ import annotations

import json
import math

import pytest

from conftest import heard, run_job

from micrograd_tui.engine.data import DATASETS
from micrograd_tui.lessons.kinds.train import DEMO, DemoLab
from micrograd_tui.lessons.kinds.train.demo import SURFACE_COST
from micrograd_tui.lessons.kinds.train.settings import parse_layers
from micrograd_tui.lessons.numtext import fmt
from micrograd_tui.lessons.lab import FactsPanel, GraphPanel, PlotPanel, SaveScreen, SurfacePanel, surface_centre





def facts(lab) -> dict[str, str]:
    return {k.strip(" ▶"): v for p in lab.panels() if isinstance(p, FactsPanel) for k, v in p.rows}


def pick(lab, name):
    lab.selected = lab.controls.index(name)


def losses(lab, n=3):
    for _ in range(n):
        lab.do("step")
    return [x.hex() for x in lab.snap.losses]


def hidden_sizes(lab):
    return [len(layer.neurons) for layer in lab.trainer.model.layers]


# control, how to change it, what the trainer must then run
CONTROLS = [
    ("points", "200", lambda lab: len(lab.trainer.xs) == 200),
    ("noise", "0.3", lambda lab: lab.setup().noise == 0.3),
    ("layers", "8, 8", lambda lab: hidden_sizes(lab) == [8, 8, 1]),
    ("activation", "more", lambda lab: lab.trainer.model.layers[0].neurons[0].activation == "tanh"),
    ("loss", "more", lambda lab: lab.trainer.loss_kind == "squared"),
    ("lr", "0.5", lambda lab: lab.trainer.lr_at(0) == 0.5),
    ("decay", "0", lambda lab: lab.trainer.lr_at(60) == lab.trainer.lr_at(0) == 1.0),
    ("l2", "0.01", lambda lab: lab.trainer.l2 == 0.01),
    ("l1", "0.001", lambda lab: lab.trainer.l1 == 0.001),
    ("batch", "20", lambda lab: lab.trainer.batch_size == 20),
    ("steps", "50", lambda lab: lab.trainer.lr_at(25) == 1.0 - 0.9 * 25 / 50),
]


@pytest.mark.parametrize("name, change, runs", CONTROLS, ids=[c[0] for c in CONTROLS])
def test_each_control_changes_what_the_trainer_runs(name, change, runs):
    default = losses(DemoLab(DEMO))
    lab = DemoLab(DEMO)
    pick(lab, name)
    if change == "more":
        lab.do("more")
    else:
        assert lab.submit(name, change), lab.message
    assert runs(lab) and lab.trainer.k == 0 and "step 0" in lab.message
    assert losses(lab) != default


def test_test_ratio_holds_out_a_second_sample_and_leaves_the_training_points_alone():
    lab, plain = DemoLab(DEMO), DemoLab(DEMO)
    assert plain.submit("test", "0") and plain.test_xs == [] and facts(plain)["held out"] == "none (test 0%)"
    assert len(lab.test_xs) == 43 and lab.trainer.xs == plain.trainer.xs  # 100 train + 30% of all held out
    assert lab.submit("test", "50") and len(lab.test_xs) == 100
    assert losses(lab) == losses(plain)  # held-out points are not trained on
    k, loss, acc = lab.snap.test[-1]
    assert k == 3 and math.isfinite(loss) and 0 <= acc <= 1 and facts(lab)["held out"] == f"{fmt(loss)} {acc * 100:.0f}%"


def test_the_original_demo_is_unchanged_by_the_new_controls():
    lab = DemoLab(DEMO)
    for _ in range(100):
        lab.trainer.step()
    first, last = lab.trainer.history[0], lab.trainer.history[-1]
    assert abs(first.loss - 0.9129) < 1e-3 and first.accuracy == 0.5  # CURRICULUM: about 0.90, 50%
    assert last.loss < 0.0125 and last.accuracy == 1.0


def test_a_change_while_running_starts_the_run_over_and_it_runs_on():
    lab = DemoLab(DEMO)
    lab.do("run")
    job = lab.job()
    assert job is not None
    heard(lab)  # a loaded machine may take seconds to start the child: wait for its lines, not a count of reads
    job.apply(job.snapshot(), False)
    assert lab.trainer.k > 0
    job.close()
    assert lab.submit("lr", "0.3")
    assert lab.trainer.k == 0 and lab.want_run and "started over from step 0" in lab.message
    again = lab.job()
    assert again is not None and again is not job
    again.close()


def test_steps_of_a_stopped_child_never_reach_the_run_that_replaced_it():
    lab = DemoLab(DEMO)
    lab.knob("steps").value = 100_000
    lab.do("run")
    job = lab.job()
    heard(lab)  # lines read from the child, not applied yet
    assert lab.submit("lr", "0.3")  # a new run from step 0 ...
    job.close()
    job.apply(job.snapshot(), False)  # ... and what the app's runner does with a job it stops
    assert lab.trainer.k == 0 and not lab.trainer.history
    paused = DemoLab(DEMO)  # while a pause keeps what the child did
    paused.knob("steps").value = 100_000
    paused.do("run")
    job = paused.job()
    heard(paused)
    paused.do("run")
    job.close()
    job.apply(job.snapshot(), False)
    assert paused.trainer.k > 0 and paused.trainer.history[0].k == 0


def test_a_child_run_with_mini_batches_matches_in_process_with_its_surface_and_test_loss():
    lab, here = DemoLab(DEMO), DemoLab(DEMO)
    for t in (lab, here):
        t.canvas(30, 10)  # the size the screen reports: the surface is scored for it
        assert t.submit("steps", "6") and t.submit("batch", "20")
    lab.do("run")
    run_job(lab)
    for _ in range(6):
        here.do("step")
    assert [x.hex() for x in lab.snap.losses] == [x.hex() for x in here.snap.losses]
    assert lab.snap.surface is not None and lab.snap.surface == here.snap.surface
    assert lab.snap.test[-1] == here.snap.test[-1] and lab.snap.test[-1][0] == 6


def test_the_surface_is_the_models_sign_at_each_cell_centre():
    lab = DemoLab(DEMO)
    lab.canvas(30, 12)
    for _ in range(20):
        lab.do("step")
    panel = next(p for p in lab.panels() if isinstance(p, SurfacePanel))
    assert (panel.cols, panel.rows) == (30, 24) and len(panel.scores) == 30 * 24  # two samples per cell
    model = lab.trainer.model
    signs = set()
    for j in range(panel.rows):
        for i in range(panel.cols):
            score = panel.scores[j * panel.cols + i]
            want = model.predict(list(surface_centre(panel, i, j)))
            assert math.isclose(score, want, rel_tol=1e-9, abs_tol=1e-12)
            signs.add(score > 0)
    assert signs == {True, False}  # both classes are on it: the 0 contour crosses it
    assert len([p for p in panel.points if p.test]) == 43 and len(panel.points) == 143


def test_a_big_net_is_scored_on_a_coarser_grid_and_a_big_run_stays_live():
    lab = DemoLab(DEMO)
    lab.canvas(60, 20)
    assert lab.grid == (60, 40)
    assert lab.submit("layers", "64, 64") and lab.submit("points", "1000")
    cols, rows = lab.grid
    assert cols * rows * len(lab.trainer.model.parameters()) <= SURFACE_COST and cols >= 4 and rows >= 4
    assert lab.trainer.batch_size == 100 and "keeps it live" in lab.message


def test_every_dataset_and_the_lectures_four_points():
    lab = DemoLab(DEMO)
    seen = [lab.dataset]
    for _ in range(len(DATASETS)):
        lab.do("dataset")
        seen.append(lab.dataset)
    assert seen == [*DATASETS, None]
    assert len(lab.trainer.xs) == 4 and len(lab.trainer.xs[0]) == 3 and lab.test_xs == []
    surface = next(p for p in lab.panels() if isinstance(p, SurfacePanel))
    assert not surface.scores and "3 inputs" in surface.note
    lab.do("step")
    assert lab.snap.k == 1 and facts(lab)["held out"] == "no test set"
    lab.do("dataset")
    assert lab.dataset == "moons" and lab.knob("noise").value == 0.1


def test_xor_with_two_hidden_neurons_fails_where_eight_eight_succeeds():
    results = {}
    for layers in ("2", "8, 8"):
        lab = DemoLab(DEMO)
        while lab.dataset != "xor":
            lab.do("dataset")
        assert lab.submit("layers", layers)
        for _ in range(100):
            lab.trainer.step()
        results[layers] = lab.trainer.history[-1].accuracy
    assert results["2"] < 0.75 and results["8, 8"] >= 0.97


def test_a_shared_setup_reloads_to_the_same_first_losses(user_home):
    lab = DemoLab(DEMO)
    lab.do("dataset")  # circles
    for name, text in (("layers", "8, 4"), ("lr", "0.5"), ("l1", "0.001"), ("test", "20"), ("batch", "30")):
        assert lab.submit(name, text), lab.message
    pick(lab, "activation")
    lab.do("more")
    first = losses(lab)
    lab.do("share")
    assert lab.shared is not None and lab.shared.exists()
    assert lab.requests == [SaveScreen(lab.shared.with_suffix(".svg"))]
    shared = json.loads(lab.shared.read_text())
    assert shared["lesson"] == "demo" and shared["result"]["steps"] == 3
    assert shared["result"]["loss"] == lab.snap.losses[-1]
    again = DemoLab(DEMO)
    again.load_setup(shared)
    assert again.setup() == lab.setup() and losses(again) == first


@pytest.mark.parametrize("bad, says", [
    ({"layers": [8, 2]}, "ending with the output's 1"),
    ({"layers": [0, 1]}, "1 to 64 neurons"),
    ({"data": "squares"}, "data must be one of"),
    ({"lr": "fast"}, "lr must be a number"),
    ({"points": 5}, "points must be a number from 25"),
    ({"steps": 2.5}, "whole number"),
    ({"activation": "sigmoid"}, "relu or tanh"),
    ({"seed": "x"}, "seed must be a whole number"),
    ({"colour": "red"}, "unknown setting(s): colour"),
])
def test_a_bad_setup_is_refused_with_a_reason_and_changes_nothing(bad, says):
    lab = DemoLab(DEMO)
    before = lab.setup()
    with pytest.raises(ValueError, match=".*") as e:
        lab.load_setup({"setup": bad})
    assert says in str(e.value) and lab.setup() == before


@pytest.mark.parametrize("text, sizes", [("8, 8", (8, 8)), ("[8,8]", (8, 8)), ("16 4 2", (16, 4, 2)), ("2", (2,))])
def test_layers_are_typed_as_a_list(text, sizes):
    assert parse_layers(text) == sizes


@pytest.mark.parametrize("text", ["", "0", "65", "8,,x", "1,1,1,1,1,1,1"])
def test_bad_layers_say_why(text):
    assert isinstance(parse_layers(text), str)


def test_layers_step_by_halving_and_doubling_and_choices_cycle():
    lab = DemoLab(DEMO)
    pick(lab, "layers")
    lab.do("less")
    assert lab.layers == (8, 8, 1)
    lab.do("more")
    lab.do("more")
    assert lab.layers == (32, 32, 1)
    pick(lab, "loss")
    seen = []
    for _ in range(3):
        lab.do("more")
        seen.append(lab.loss)
    assert seen == ["squared", "bce", "svm"]  # round the choices, back to the first


def test_the_curves_tell_train_test_and_accuracy_apart_without_colour():
    lab = DemoLab(DEMO)
    for _ in range(3):
        lab.do("step")
    curve = next(p for p in lab.panels() if isinstance(p, PlotPanel))
    by_label = {s.label: s for s in curve.series}
    assert set(by_label) == {"train loss", "test loss", "accuracy %"}
    assert len({s.marker for s in curve.series}) == 3  # each drawn differently, not by colour alone
    assert by_label["accuracy %"].axis == "right" and by_label["train loss"].axis == "left"
    assert list(by_label["accuracy %"].y) == [a * 100 for a in lab.snap.accuracies]


def test_picking_a_point_marks_it_and_shows_its_loss_graph_for_the_chosen_loss():
    lab = DemoLab(DEMO)
    lab.do("step")
    grads = [p.grad for p in lab.trainer.model.parameters()]
    lab.do("point")
    surface = next(p for p in lab.panels() if isinstance(p, SurfacePanel))
    graph = next(p for p in lab.panels() if isinstance(p, GraphPanel))
    assert surface.picked == 0 and graph.root.label == "loss of point 0" and graph.root._op == "ReLU"
    assert [p.grad for p in lab.trainer.model.parameters()] == grads
    pick(lab, "loss")
    lab.do("more")  # squared error: a new run, no point picked
    lab.do("point")
    graph = next(p for p in lab.panels() if isinstance(p, GraphPanel))
    assert graph.root._op == "**2"


def test_batch_and_speed_say_all_and_full_for_zero_and_take_the_word_typed():
    lab = DemoLab(DEMO)
    assert facts(lab)["batch"] == "all" and facts(lab)["speed"] == "full"
    assert lab.submit("batch", "20") and facts(lab)["batch"] == "20" and lab.setup().batch == 20
    assert lab.submit("batch", " All ") and lab.knob("batch").value == 0 and facts(lab)["batch"] == "all"
    assert not lab.submit("batch", "everything") and "(or all)" in lab.message
