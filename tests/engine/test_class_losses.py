"""Binary cross-entropy and softmax's negative log-likelihood (issue 31): their numbers are the formulas',
their grads a finite difference's, and nothing overflows however wrong a score is."""

from __future__ import annotations

import math

import pytest

from micrograd_tui.engine import MLP, Trainer, Value
from micrograd_tui.engine.data import make_blobs3
from micrograd_tui.engine.train import accuracy, bce_loss, float_loss, nll_loss, point_term


def finite_difference(f, xs: list[float], i: int, h: float = 1e-6) -> float:
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    return (f(up) - f(down)) / (2 * h)


@pytest.mark.parametrize("x", [-800.0, -3.0, -1e-9, 0.0, 0.7, 40.0, 800.0])
def test_softplus_is_log_1_plus_e_x_with_slope_sigmoid_and_never_overflows(x):
    v = Value(x)
    out = v.softplus()
    out.backward()
    expected = x if x > 30 else math.log1p(math.exp(x)) if x > -30 else math.exp(x)
    assert out.data == pytest.approx(expected, rel=1e-12, abs=1e-300)
    assert v.grad == pytest.approx(1 / (1 + math.exp(-x)) if x > -700 else 0.0, rel=1e-12, abs=1e-300)


def test_bce_is_the_mean_of_minus_log_sigmoid_y_s_and_its_grads_are_a_finite_differences():
    ys = [1.0, -1.0, 1.0]
    data = [0.3, 0.8, -2.0]

    def loss(scores):
        return bce_loss([Value(s) for s in scores], ys).data

    assert loss(data) == pytest.approx(sum(-math.log(1 / (1 + math.exp(-y * s))) for y, s in zip(ys, data)) / 3)
    values = [Value(s) for s in data]
    bce_loss(values, ys).backward()
    for i, v in enumerate(values):
        assert v.grad == pytest.approx(finite_difference(loss, data, i), rel=1e-6)


def test_nll_is_minus_log_softmax_of_the_class_and_its_grads_are_softmax_less_one_hot():
    outs = [[2.0, -1.0, 0.5], [0.1, 0.2, 0.3]]
    ys = [0.0, 2.0]
    values = [[Value(o) for o in row] for row in outs]
    loss = nll_loss(values, ys)
    loss.backward()
    for row, vals, y in zip(outs, values, ys):
        soft = [math.exp(o) / sum(math.exp(p) for p in row) for o in row]
        for j, v in enumerate(vals):
            assert v.grad == pytest.approx((soft[j] - (j == y)) / 2, rel=1e-12)
    expected = sum(-math.log(math.exp(r[int(y)]) / sum(math.exp(o) for o in r)) for r, y in zip(outs, ys)) / 2
    assert loss.data == pytest.approx(expected, rel=1e-12)
    assert float_loss("nll", outs, ys, []) == pytest.approx(expected, rel=1e-12)
    assert float_loss("nll", [[1000.0, -1000.0, 0.0]], [1.0], []) == pytest.approx(2000.0)  # plain numbers: no overflow
    with pytest.raises(OverflowError, match="too large for a float"):
        point_term("nll", [Value(1000.0), Value(-1000.0), Value(0.0)], 1.0)  # on Values: said, not a wrong number
    assert accuracy(outs, ys) == 1.0  # each row's largest output is its class
    assert accuracy(outs, [1.0, 2.0]) == 0.5  # row 0's largest is class 0, not 1


def test_three_classes_train_and_the_replayed_graph_gives_the_built_ones_numbers():
    X, y = make_blobs3(60, seed=2)
    runs = []
    for replay in (True, False):
        t = Trainer(MLP(2, [8, 3], flavour="micrograd", seed=2), X, y, loss="nll", learning_rate=0.5, replay=replay)
        runs.append([t.step() for _ in range(40)])
    assert [s.loss for s in runs[0]] == [s.loss for s in runs[1]]  # to the bit
    assert runs[0][-1].loss < runs[0][0].loss / 2 and runs[0][-1].accuracy > 0.9


def test_an_output_past_a_floats_range_is_a_diverged_run_not_a_crash():
    X, y = make_blobs3(30, seed=2)
    for replay in (True, False):
        model = MLP(2, [8, 3], flavour="micrograd", seed=2)
        t = Trainer(model, X, y, loss="nll", learning_rate=0.1, replay=replay)
        t.step()
        model.layers[-1].neurons[0].b.data = 800.0  # e^800 is past a float
        before = [p.data for p in model.parameters()]
        t.step()
        assert t.diverged and t.history[-1].loss == math.inf and t.k == 2
        assert [p.data for p in model.parameters()] == before  # no update from a step that failed
