"""The demo's data beyond the generators (issue 31): points added and removed by hand, a CSV of the learner's
own, binary cross-entropy, and three classes with softmax's negative log-likelihood."""

from __future__ import annotations

import json
import math

import pytest

from micrograd_tui.engine import Value
from micrograd_tui.lessons.kinds.train.network import network_panel
from micrograd_tui.lessons.kinds.train.owndata import parse_csv
from micrograd_tui.lessons.registry import find


def demo():
    lab = find("demo").make_lab()
    lab.canvas(30, 10)
    return lab


def test_a_point_by_hand_is_trained_on_and_the_shared_setup_brings_it_back():
    lab = demo()
    lab.surface_pointed(0.25, -0.5, None)  # the arrows moved the cursor here
    lab.do("pen")  # -1 next
    lab.do("add_point")
    assert lab.trainer.xs[-1] == [0.25, -0.5] and lab.trainer.ys[-1] == -1.0 and len(lab.trainer.xs) == 101
    assert lab.trainer.k == 0 and "a -1 point at (0.25, -0.50)" in lab.message and lab.source == "moons, by hand"
    shared = json.loads(json.dumps({"setup": lab.setup().to_json()}))
    again = demo()
    again.load_setup(shared)
    assert again.trainer.xs == lab.trainer.xs and again.trainer.ys == lab.trainer.ys
    assert again.test_xs == lab.test_xs


def test_a_click_adds_there_a_right_click_removes_the_nearest_and_a_run_restarts():
    lab = demo()
    for _ in range(3):
        lab.do("step")
    lab.surface_pointed(2.0, 1.0, "left")
    assert lab.trainer.k == 0 and lab.trainer.xs[-1] == [2.0, 1.0] and lab.trainer.ys[-1] == 1.0
    lab.surface_pointed(2.01, 1.02, "right")  # the nearest is the one just added
    assert [2.0, 1.0] not in lab.trainer.xs and len(lab.trainer.xs) == 100
    assert "removed the +1 point at (2.00, 1.00)" in lab.message


def test_points_and_noise_say_they_shape_a_generated_set_not_your_own():
    lab = demo()
    lab.surface_pointed(0.0, 0.0, "left")
    assert not lab.submit("points", "200") or len(lab.trainer.xs) == 101
    assert "your own points" in lab.message


def test_a_csv_reads_with_a_header_and_says_which_line_is_wrong():
    text = "x,y,label\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n"
    assert parse_csv(text) == [(0.0, 0.0, -1.0), (1.0, 1.0, 1.0), (0.0, 1.0, 1.0), (1.0, 0.0, -1.0)]  # 0/1 -> -1/+1
    assert {p[2] for p in parse_csv("0,0,0\n1,1,1\n2,2,2\n3,3,0\n")} == {0.0, 1.0, 2.0}  # three classes
    for bad, words in (("0,0,1\n1,1\n", "line 2: a point is x, y, label (3 values), not 2"),
                       ("0,0,1\n1,1,-1\n1,x,1\n", "line 3: x, y and label must be numbers"),
                       ("0,0,1\n1,1,-1\n1,0,0.5\n0,1,1\n", "line 3: a label is a whole number"),
                       ("0,0,1\n1,1,2\n1,0,1\n0,1,2\n", "labels must be -1 and 1, or 0, 1, 2"),
                       ("0,0,1\n", "at least 4 points"),
                       ("0,0,1\n1,1,-1\nnan,0,1\n0,1,1\n", "line 3: x and y must be finite")):
        with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
            parse_csv(bad)


def test_a_csv_in_the_workspace_data_folder_is_a_dataset_and_a_link_is_not_followed(tmp_path, monkeypatch):
    workspace = tmp_path / "ws"
    (workspace / "data").mkdir(parents=True)
    monkeypatch.setenv("MICROGRAD_TUI_WORKSPACE", str(workspace))
    rows = [f"{math.cos(t / 10):.4f},{math.sin(t / 10):.4f},{t % 3}" for t in range(60)]
    (workspace / "data" / "mine.csv").write_text("x,y,label\n" + "\n".join(rows) + "\n")
    (workspace / "data" / "bad.csv").write_text("0,0,1\n1,1\n")
    secret = tmp_path / "secret.csv"
    secret.write_text("0,0,1\n1,1,-1\n0,1,1\n1,0,-1\n")
    (workspace / "data" / "z-link.csv").symlink_to(secret)
    lab = demo()
    seen = []
    for _ in range(12):
        lab.do("dataset")
        seen.append(lab.message)
        if lab.source == "data/mine.csv":
            break
    assert any("data/bad.csv: line 2" in m for m in seen)
    assert lab.source == "data/mine.csv" and lab.outputs == 3 and lab.loss == "nll" and lab.layers[-1] == 3
    assert len(lab.trainer.xs) + len(lab.test_xs) == 60 and len(lab.test_xs) == 18  # test 30%
    for _ in range(6):
        lab.do("dataset")
        assert "z-link" not in lab.source and "secret" not in lab.message


def test_three_classes_train_with_softmax_and_the_surface_and_network_show_each_class():
    lab = demo()
    while lab.dataset != "blobs3":
        lab.do("dataset")
    assert lab.layers == (16, 16, 3) and lab.loss == "nll" and "3 classes" in lab.message
    for _ in range(40):
        lab.do("step")
    assert lab.snap.losses[-1] < lab.snap.losses[0] / 3 and lab.snap.accuracies[-1] > 0.9
    cols, rows, scores = lab.snap.surface
    assert len(scores) == cols * rows * 3  # an output a class for each sample
    panel = lab._surface()
    assert panel.classes == 3
    net = network_panel(lab.trainer.model, lab.box, (3, 2))
    assert net.names[-1] == ("c0", "c1", "c2")
    lab.do("point")
    outs = [Value(o) for o in lab.trainer.model.predict(lab.trainer.xs[0])]
    y = int(lab.trainer.ys[0])
    softmax = [math.exp(o.data) / sum(math.exp(p.data) for p in outs) for o in outs]
    assert lab.snap.point_graph.data == pytest.approx(-math.log(softmax[y]))
    assert "class " in lab.message


def test_binary_cross_entropy_is_a_loss_to_pick_and_its_term_is_minus_log_sigmoid():
    lab = demo()
    lab.controls.index("loss")
    lab.selected = lab.controls.index("loss")
    while lab.loss != "bce":
        lab.do("more")
    for _ in range(30):
        lab.do("step")
    assert lab.snap.losses[-1] < lab.snap.losses[0]
    lab.do("point")
    s = lab.trainer.model.predict(lab.trainer.xs[0])
    y = lab.trainer.ys[0]
    assert lab.snap.point_graph.data == pytest.approx(-math.log(1 / (1 + math.exp(-y * s))))
