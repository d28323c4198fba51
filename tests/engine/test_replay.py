"""Replay equals rebuild, to the last bit: the lecture net, the demo net, random expressions."""

from __future__ import annotations

import math
import random

import pytest

from micrograd_tui.engine import MLP, Trainer, Value
from micrograd_tui.engine.data import lecture_dataset, make_moons
from micrograd_tui.engine.replay import Tape
from micrograd_tui.engine.value import topological_order
from micrograd_tui.engine.train import demo_learning_rate


def run(replay: bool, **kw):
    trainer = Trainer(replay=replay, **kw)
    steps = [trainer.step() for _ in range(kw.pop("steps", 15) if "steps" in kw else 15)]
    return steps, [p.data for p in trainer.model.parameters()], [p.grad for p in trainer.model.parameters()]


@pytest.mark.parametrize("zero_grad", [True, False])
def test_the_lecture_net_replays_bit_for_bit(zero_grad):
    xs, ys = lecture_dataset()
    results = [run(r, model=MLP(3, [4, 4, 1], seed=1337), xs=xs, ys=ys, learning_rate=0.05, zero_grad=zero_grad)
               for r in (False, True)]
    (s0, p0, g0), (s1, p1, g1) = results
    assert [s.loss.hex() for s in s0] == [s.loss.hex() for s in s1]
    assert [s.accuracy for s in s0] == [s.accuracy for s in s1]
    assert [x.hex() for x in p0] == [x.hex() for x in p1] and [x.hex() for x in g0] == [x.hex() for x in g1]


def test_the_demo_net_with_svm_and_l2_replays_bit_for_bit():
    X, y = make_moons(100, seed=7)
    results = [run(r, model=MLP(2, [16, 16, 1], flavour="micrograd", seed=3), xs=X, ys=y, loss="svm",
                   learning_rate=demo_learning_rate) for r in (False, True)]
    (s0, p0, _), (s1, p1, _) = results
    assert [s.loss.hex() for s in s0] == [s.loss.hex() for s in s1]
    assert [x.hex() for x in p0] == [x.hex() for x in p1]


def test_a_mini_batch_is_built_anew_and_the_full_batch_replayed():
    X, y = make_moons(60, seed=1)
    t = Trainer(MLP(2, [8, 1], flavour="micrograd", seed=1), X, y, loss="svm", batch_size=10, seed=1)
    t.step()
    assert t._tape is None
    t.batch_size = None
    t.step()
    assert t._tape is not None


def build(seed: int, values: list[float]):
    """A random expression whose nodes are used again and again; its shape and constants come from
    ``seed``, its four inputs' values from ``values``."""
    rng = random.Random(seed)
    leaves = [Value(x, f"x{i}") for i, x in enumerate(values)]
    pool = list(leaves)
    for _ in range(40):
        a, b = rng.choice(pool), rng.choice(pool)
        op = rng.randrange(9)
        if op == 0:
            v = a + b
        elif op == 1:
            v = a * b
        elif op == 2:
            v = a + rng.uniform(-1, 1)
        elif op == 3:
            v = a * rng.uniform(-1, 1)
        elif op == 4:
            v = a.tanh()
        elif op == 5:
            v = (a * 0.01).exp()
        elif op == 6:
            v = (a * a + 1).log()
        elif op == 7:
            v = a.sigmoid() + b.relu()
        else:
            v = (a * a + 0.5) ** rng.choice([2, -1, 0.5, 3])
        pool.append(v)
    return pool[-1] + pool[-2] * pool[-3], leaves


@pytest.mark.parametrize("seed", range(12))
def test_random_expressions_with_reused_nodes_replay_bit_for_bit(seed):
    rng = random.Random(seed + 100)
    root, leaves = build(seed, [rng.uniform(0.5, 2.0) for _ in range(4)])
    used = {id(v) for v in topological_order(root)}
    tape = Tape(root, [v for v in leaves if id(v) in used])
    for _ in range(3):
        values = [rng.uniform(-2.0, 2.0) for _ in range(4)]
        for v, x in zip(leaves, values):
            v.data = x
        got = tape.forward()
        tape.backward()
        again, again_leaves = build(seed, values)
        again.backward()
        assert got.hex() == again.data.hex() or (math.isnan(got) and math.isnan(again.data))
        assert [v.grad.hex() for v in leaves if id(v) in used] == \
            [w.grad.hex() for v, w in zip(leaves, again_leaves) if id(v) in used]
