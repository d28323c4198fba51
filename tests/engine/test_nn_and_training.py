"""The nn library, datasets, losses and the Trainer."""

import math
import random

import pytest

from micrograd_tui.engine import MLP, Neuron, Trainer, Value
from micrograd_tui.engine.data import DATASETS, classes, lecture_dataset, make_moons
from micrograd_tui.engine.train import demo_learning_rate, mse_loss, svm_loss, value_sum


def test_parameter_counts_of_both_flavours():
    assert len(MLP(3, [4, 4, 1]).parameters()) == 41
    assert len(MLP(2, [16, 16, 1], flavour="micrograd").parameters()) == 337


def test_lecture_flavour_is_tanh_with_random_bias():
    m = MLP(3, [4, 4, 1], seed=1)
    assert all(n.activation == "tanh" for layer in m.layers for n in layer.neurons)
    biases = [n.b.data for layer in m.layers for n in layer.neurons]
    assert all(-1 <= b <= 1 for b in biases) and any(b != 0 for b in biases)
    out = m([2.0, 3.0, -1.0])
    assert out._op == "tanh" and -1 < out.data < 1


def test_micrograd_flavour_is_relu_then_linear_with_zero_bias():
    m = MLP(2, [16, 16, 1], flavour="micrograd", seed=1)
    acts = [[n.activation for n in layer.neurons] for layer in m.layers]
    assert set(acts[0]) == set(acts[1]) == {"relu"} and acts[2] == ["linear"]
    assert all(n.b.data == 0.0 for layer in m.layers for n in layer.neurons)


def test_parameter_order_and_weights_match_the_original():
    mnn = pytest.importorskip("micrograd.nn")
    random.seed(42)
    theirs = mnn.MLP(2, [3, 1])
    ours = MLP(2, [3, 1], flavour="micrograd", seed=42)
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]


def test_seeded_models_are_reproducible_and_rng_is_respected():
    a = MLP(3, [4, 4, 1], seed=7)
    b = MLP(3, [4, 4, 1], rng=random.Random(7))
    c = MLP(3, [4, 4, 1], seed=8)
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert [p.data for p in a.parameters()] != [p.data for p in c.parameters()]


def test_predict_on_floats_equals_the_graph_forward():
    for flavour in ("lecture", "micrograd"):
        m = MLP(2, [16, 16, 1], flavour=flavour, seed=3)
        for x in ([0.5, -0.2], [1.5, 0.3]):
            assert m.predict(x) == m(x).data


def test_zero_grad():
    m = MLP(3, [4, 1], seed=0)
    m([1.0, 2.0, 3.0]).backward()
    assert any(p.grad != 0 for p in m.parameters())
    m.zero_grad()
    assert all(p.grad == 0.0 for p in m.parameters())


def test_bad_arguments():
    with pytest.raises(ValueError):
        MLP(2, [1], flavour="keras")
    with pytest.raises(ValueError):
        Neuron(2, "softmax")
    with pytest.raises(ValueError):
        MLP(2, [1], seed=1, rng=random.Random(1))


def test_value_sum_equals_sum_with_one_node_fewer():
    vals = [Value(x) for x in (0.1, 0.2, 0.3)]
    assert value_sum(vals).data == sum(vals).data


def test_mse_loss_has_four_squared_terms():
    xs, ys = lecture_dataset()
    m = MLP(3, [4, 4, 1], seed=0)
    preds = [m(x) for x in xs]
    loss = mse_loss(preds, ys)
    assert math.isclose(loss.data, sum((p.data - y) ** 2 for p, y in zip(preds, ys)), rel_tol=1e-12)


def test_datasets_are_seeded_and_labelled():
    for name, make in DATASETS.items():
        X, y = make(100, seed=5)
        assert len(X) == len(y) == 100, name
        assert set(y) == ({0.0, 1.0, 2.0} if classes(name) == 3 else {-1.0, 1.0}), name
        assert make(100, seed=5) == (X, y), name
        assert make(100, seed=6) != (X, y), name
    X, y = make_moons(100)
    assert y.count(1.0) == y.count(-1.0) == 50


def test_lecture_training_brings_loss_down():
    xs, ys = lecture_dataset()
    t = Trainer(MLP(3, [4, 4, 1], seed=1337), xs, ys, learning_rate=0.05)
    steps = [t.step() for _ in range(20)]
    assert steps[0].loss > 1.0
    assert steps[-1].loss < 0.2 * steps[0].loss
    preds = [t.model(x).data for x in xs]
    assert all((p > 0) == (y > 0) for p, y in zip(preds, ys))


def test_leaving_out_zero_grad_changes_the_run():
    xs, ys = lecture_dataset()
    right = Trainer(MLP(3, [4, 4, 1], seed=3), xs, ys, learning_rate=0.05)
    buggy = Trainer(MLP(3, [4, 4, 1], seed=3), xs, ys, learning_rate=0.05, zero_grad=False)
    r = [right.step().loss for _ in range(5)]
    b = [buggy.step().loss for _ in range(5)]
    assert r[:2] == b[:2]  # the first update is the same (grads started at 0)
    assert r[2:] != b[2:]  # then the piled-up gradients take over
    g_right = sum(abs(p.grad) for p in right.model.parameters())
    g_buggy = sum(abs(p.grad) for p in buggy.model.parameters())
    assert g_buggy > g_right


def test_svm_loss_is_margin_plus_l2():
    m = MLP(2, [4, 1], flavour="micrograd", seed=0)
    X, y = make_moons(10)
    scores = [m(x) for x in X]
    loss = svm_loss(scores, y, m.parameters())
    data = sum(max(0.0, 1 - yi * s.data) for yi, s in zip(y, scores)) / len(y)
    reg = 1e-4 * sum(p.data**2 for p in m.parameters())
    assert math.isclose(loss.data, data + reg, rel_tol=1e-12)


def test_demo_learning_rate_decays_from_1_to_0_1():
    assert demo_learning_rate(0) == 1.0 and math.isclose(demo_learning_rate(100), 0.1)


def test_the_micrograd_demo_reaches_95_percent():
    X, y = make_moons(100, noise=0.1, seed=1337)
    t = Trainer(MLP(2, [16, 16, 1], flavour="micrograd", seed=1337), X, y, loss="svm",
                learning_rate=demo_learning_rate)
    first = t.step()
    for _ in range(99):
        last = t.step()
    assert first.accuracy < 0.9 and last.accuracy >= 0.95
    assert last.loss < first.loss


def test_diverging_run_is_reported():
    xs, ys = lecture_dataset()
    t = Trainer(MLP(3, [4, 4, 1], seed=0), xs, ys, learning_rate=float("nan"))
    t.step()
    t.step()
    assert t.diverged


def test_mini_batches_use_batch_size_samples():
    X, y = make_moons(100)
    t = Trainer(MLP(2, [4, 1], flavour="micrograd", seed=0), X, y, loss="svm", batch_size=10, seed=1)
    t.step()
    # accuracy is measured on the batch: a multiple of 1/10
    assert round(t.history[-1].accuracy * 10, 9) == int(round(t.history[-1].accuracy * 10))


def test_blobs_and_spiral_are_balanced_repeatable_and_their_noise_is_their_spread():
    from micrograd_tui.engine.data import default_noise, make_dataset

    for name in ("blobs", "spiral"):
        xs, ys = make_dataset(name, 200, seed=3)
        assert len(xs) == 200 and sorted(set(ys)) == [-1.0, 1.0] and ys.count(1.0) == 100
        assert make_dataset(name, 200, seed=3) == (xs, ys)
        tight, _ = make_dataset(name, 200, noise=0.0, seed=3)
        wide, _ = make_dataset(name, 200, noise=2 * default_noise(name) + 0.1, seed=3)
        spread = lambda pts: sum(abs(p[0]) + abs(p[1]) for p in pts)  # noqa: E731
        assert spread(wide) > spread(tight)
    assert default_noise("moons") == 0.1 and default_noise("nope") == 0.0


def test_predict_many_equals_predict_for_both_activations():
    pts = [[x / 7, y / 5] for x in range(-7, 8) for y in range(-5, 6)]
    for activation in ("relu", "tanh"):
        model = MLP(2, [8, 4, 1], flavour="micrograd", activation=activation, seed=3)
        assert model.predict_many(pts) == [model.predict(p) for p in pts]
    with pytest.raises(ValueError, match="relu or tanh|'relu' or 'tanh'"):
        MLP(2, [1], flavour="micrograd", activation="sigmoid")


def test_decayed_learning_rate_is_the_demos_schedule_to_the_bit():
    from micrograd_tui.engine.train import decayed_learning_rate

    for k in range(101):
        assert decayed_learning_rate(k, 100).hex() == demo_learning_rate(k, 100).hex()
    assert decayed_learning_rate(50, 100, 0.5, 0.0) == 0.5 and decayed_learning_rate(300, 100) == 0.0


@pytest.mark.parametrize("loss, l2, l1", [("svm", None, 0.0), ("svm", 0.01, 0.001), ("squared", 0.0, 0.0),
                                          ("squared", 1e-3, 1e-2), ("mse", 0.0, 0.01)])
def test_each_loss_with_l1_and_l2_on_floats_equals_the_graph_and_replays_to_the_bit(loss, l2, l1):
    from micrograd_tui.engine.train import float_loss

    xs, ys = make_moons(30, seed=2)
    runs = []
    for replay in (True, False):
        model = MLP(2, [6, 6, 1], flavour="micrograd", seed=5)
        t = Trainer(model, xs, ys, loss=loss, learning_rate=0.1, l2=l2, l1=l1, replay=replay)
        graph, scores = t.forward()
        want = float_loss(loss, [s.data for s in scores], ys, [p.data for p in t._params], t.l2, t.l1)
        assert math.isclose(graph.data, want, rel_tol=1e-12)
        runs.append([t.step().loss.hex() for _ in range(4)])
    assert runs[0] == runs[1]  # the replayed tape takes the same regularised graph
    assert t.l2 == (1e-4 if loss == "svm" and l2 is None else l2)
