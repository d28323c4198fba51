"""Our engine against PyTorch float64: live when torch is installed, else recorded values."""

import math

import pytest

from micrograd_tui.engine import Value
from micrograd_tui.lessons.crosscheck import CASES, recorded, torch_results

RECORDED = recorded()["cases"]


def ours(name):
    out, leaves = CASES[name](Value)
    out.backward()
    return {"out": out.data, **{k: v.grad for k, v in leaves.items()}}


def reference():
    try:
        import torch  # noqa: F401
    except ImportError:
        return RECORDED, "recorded"
    return torch_results(), "live"


@pytest.fixture(scope="module")
def torch_values():
    return reference()


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch(name, torch_values):
    values, _how = torch_values
    mine = ours(name)
    assert set(mine) == set(values[name])
    for key, expected in values[name].items():
        assert math.isclose(mine[key], expected, rel_tol=1e-12, abs_tol=1e-15), (name, key)


def test_recorded_file_has_every_case():
    assert set(RECORDED) == set(CASES)


def test_live_torch_agrees_with_recorded_file():
    pytest.importorskip("torch")
    live, _ = reference()
    for name, values in RECORDED.items():
        for key, expected in values.items():
            assert math.isclose(live[name][key], expected, rel_tol=1e-12, abs_tol=1e-15)


def test_lecture_float32_bias_number():
    # The lecture's PyTorch cell stored b through float32: o = 0.7071066904050358.
    assert ours("neuron_float32_bias")["out"] == pytest.approx(0.7071066904050358, rel=1e-15)
