"""The batched path (engine/batched.py, issue 34) gives the scalar engine's numbers: every loss, grad
and parameter to 1e-12, on every dataset, activation, flavour, loss and regulariser, many seeds."""

from __future__ import annotations

import builtins
import importlib

import pytest

from micrograd_tui.engine import MLP, Trainer
from micrograd_tui.engine import data as datasets
from micrograd_tui.engine.train import demo_learning_rate

np = pytest.importorskip("numpy")

CASES = [  # (dataset, flavour, hidden activation, sizes, loss, l2, l1, zero_grad)
    ("moons", "micrograd", "relu", [16, 16, 1], "svm", None, 0.0, True),
    ("circles", "micrograd", "tanh", [8, 8, 1], "squared", 0.0, 0.0, True),
    ("xor", "micrograd", "relu", [8, 1], "mse", 1e-3, 1e-3, True),
    ("spiral", "micrograd", "tanh", [8, 8, 1], "svm", 1e-2, 1e-3, True),
    ("blobs", "lecture", "relu", [4, 4, 1], "mse", 0.0, 0.0, True),
    ("moons", "micrograd", "relu", [8, 8, 1], "svm", None, 0.0, False),  # the lecture's bug: grads pile up
    ("circles", "micrograd", "relu", [8, 8, 1], "bce", 1e-3, 0.0, True),  # binary cross-entropy
    ("blobs3", "micrograd", "relu", [8, 8, 3], "nll", 1e-3, 0.0, True),  # three classes: softmax's NLL
    ("spiral3", "micrograd", "tanh", [8, 3], "nll", 0.0, 1e-3, True),
]


def _data(name: str, seed: int):
    makers = {"moons": datasets.make_moons, "circles": datasets.make_circles, "xor": datasets.make_xor,
              "spiral": datasets.make_spiral, "blobs": datasets.make_blobs, "blobs3": datasets.make_blobs3,
              "spiral3": datasets.make_spiral3}
    return makers[name](60, noise=0.1, seed=seed)


@pytest.mark.parametrize("seed", [1, 7, 1337])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-{c[2]}-{c[4]}")
def test_each_batched_step_gives_the_scalar_engines_loss_and_grads_from_the_same_parameters(case, seed):
    """Step by step from the same parameters (a rounding apart compounds over steps, and l1's kink at
    0 flips a sign for a bias 1e-17 either side of it): the loss, every grad and every update."""
    from micrograd_tui.engine.batched import BatchedLoss

    name, flavour, act, sizes, loss, l2, l1, zero_grad = case
    X, y = _data(name, seed)
    model = MLP(2, sizes, flavour=flavour, activation=act, seed=seed)
    lr = 0.005 if loss == "mse" else demo_learning_rate  # the sum over 60 points: a smaller step
    trainer = Trainer(model, X, y, loss=loss, learning_rate=lr, l2=l2, l1=l1, zero_grad=zero_grad, replay=False)
    arrays = BatchedLoss(model, X, y, loss, trainer.l2, trainer.l1)
    params = model.parameters()
    for _ in range(5):
        before = [p.grad for p in params]
        batched_loss, scores, grads = arrays.run()
        step = trainer.step()  # the scalar engine: a graph of Values, backward, update
        assert batched_loss == pytest.approx(step.loss, rel=1e-12, abs=1e-12)
        for p, g, g0 in zip(params, grads.tolist(), before):
            assert p.grad - (0.0 if zero_grad else g0) == pytest.approx(g, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("batch", [None, 16])
@pytest.mark.parametrize("case", CASES[:2], ids=lambda c: c[0])
def test_a_batched_trainer_runs_as_the_scalar_one(case, batch):
    """Trainer(batched=True) over 4 steps, full batch or mini-batches: the scalar Trainer's losses and
    parameters."""
    name, flavour, act, sizes, loss, l2, l1, zero_grad = case
    X, y = _data(name, 3)
    runs = []
    for batched in (False, True):
        model = MLP(2, sizes, flavour=flavour, activation=act, seed=3)
        trainer = Trainer(model, X, y, loss=loss, learning_rate=0.1, l2=l2, l1=l1, batched=batched,
                          batch_size=batch, seed=5)
        runs.append(([trainer.step().loss for _ in range(4)], [p.data for p in model.parameters()]))
    assert runs[0][0] == pytest.approx(runs[1][0], rel=1e-12)
    assert runs[0][1] == pytest.approx(runs[1][1], rel=1e-12, abs=1e-12)


def test_without_numpy_the_engine_still_imports_and_says_how_to_get_the_fast_path(monkeypatch):
    import micrograd_tui.engine.batched as batched

    real = builtins.__import__

    def no_numpy(name, *args, **kwargs):
        if name == "numpy" or name.startswith("numpy."):
            raise ImportError("no numpy here")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_numpy)
    try:
        importlib.reload(batched)
        assert not batched.available()
        model = MLP(2, [4, 1], flavour="micrograd", seed=1)
        with pytest.raises(RuntimeError, match=r"micrograd-tui\[fast\]"):
            Trainer(model, [[0.0, 1.0]], [1.0], loss="svm", batched=True).step()
    finally:
        monkeypatch.setattr(builtins, "__import__", real)
        importlib.reload(batched)
    assert batched.available()


def test_the_demo_trains_on_tensors_with_the_scalar_engines_losses_and_says_its_pace(user_home):
    """The demo's engine control: the same run on the batched path (in the training child, first step
    cross-checked there against the scalar engine) ends with the scalar run's losses."""
    from conftest import run_job
    from micrograd_tui.lessons.registry import find

    losses = {}
    for engine in ("scalars", "tensors"):
        lab = find("demo").make_lab()
        lab.knob("speed").value = 0
        if engine == "tensors":
            lab.selected = lab.controls.index("engine")
            lab.do("more")
            assert lab.engine == "tensors" and lab.setup().engine == "tensors" and "back to step 0" in lab.message
        lab.do("run")
        run_job(lab)
        assert lab.trainer.k == lab.budget and "done:" in lab.message, lab.message
        losses[engine] = lab.snap.losses
        assert lab.trainer.batched == (engine == "tensors")
    assert losses["tensors"] == pytest.approx(losses["scalars"], rel=1e-9, abs=1e-12)


def test_a_first_step_that_disagrees_stops_the_run_with_a_message(monkeypatch):
    from micrograd_tui.engine import batched
    from micrograd_tui.lessons.kinds.train.setup import cross_check, make_run
    from micrograd_tui.lessons.registry import find

    setup = find("demo").make_lab().setup()
    from dataclasses import replace

    trainer, _, _ = make_run(replace(setup, engine="tensors"))
    assert trainer.batched and cross_check(trainer, replace(setup, engine="tensors")) == ""
    real = batched.BatchedLoss.run
    monkeypatch.setattr(batched.BatchedLoss, "run", lambda self: (lambda r: (r[0] + 1e-6, r[1], r[2]))(real(self)))
    trainer, _, _ = make_run(replace(setup, engine="tensors"))
    said = cross_check(trainer, replace(setup, engine="tensors"))
    assert said.startswith("the tensor engine's first step disagrees with the scalar engine's (the loss")


def test_without_numpy_the_demo_stays_on_scalars_and_says_how_to_get_tensors(monkeypatch):
    from micrograd_tui.lessons.kinds.train import demo
    from micrograd_tui.lessons.registry import find

    monkeypatch.setattr(demo, "available", lambda: False)
    lab = find("demo").make_lab()
    lab.selected = lab.controls.index("engine")
    lab.do("more")
    assert lab.engine == "scalars" and "pip install 'micrograd-tui[fast]'" in lab.message
