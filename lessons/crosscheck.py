"""Expressions computed both by our engine and by PyTorch (float64).

Lesson 11 shows them side by side, and the tests cross-check them. PyTorch's
results are recorded in ``torch_reference.json`` (beside this file) by
``tests/record_torch_reference.py``, for machines without torch.

Each case takes ``leaf(x)``, which makes an input (a Value, or a float64 tensor
that requires grad), and returns ``(output, {name: leaf})``.  Only operators and
methods both libraries share are used (+ - * / **, tanh, exp, relu, log, sigmoid).
"""

from __future__ import annotations

import json
import struct


def readme_example(leaf):
    a, b = leaf(-4.0), leaf(2.0)
    c = a + b
    d = a * b + b**3
    c = c + (c + 1)
    c = c + (1 + c + (-a))
    d = d + (d * 2 + (b + a).relu())
    d = d + (3 * d + (b - a).relu())
    e = c - d
    f = e**2
    g = f / 2
    g = g + 10 / f
    return g, {"a": a, "b": b}


def _neuron(leaf, bias):
    x1, x2, w1, w2, b = leaf(2.0), leaf(0.0), leaf(-3.0), leaf(1.0), leaf(bias)
    o = (x1 * w1 + x2 * w2 + b).tanh()
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}


def neuron(leaf):
    return _neuron(leaf, 6.8813735870195432)


def neuron_short_bias(leaf):
    return _neuron(leaf, 6.88137358)


def float32(x: float) -> float:
    """x rounded to float32, as ``torch.Tensor([x]).double()`` stores it (Tensor is float32)."""
    return struct.unpack("f", struct.pack("f", x))[0]


def neuron_float32_bias(leaf):
    """The lecture's PyTorch cell: b = torch.Tensor([6.88137358]).double() went through float32."""
    return _neuron(leaf, float32(6.88137358))


def neuron_exp_form(leaf):
    x1, x2, w1, w2, b = leaf(2.0), leaf(0.0), leaf(-3.0), leaf(1.0), leaf(6.8813735870195432)
    n = x1 * w1 + x2 * w2 + b
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}


def lesson3(leaf):
    a, b, c, f = leaf(2.0), leaf(-3.0), leaf(10.0), leaf(-2.0)
    L = (a * b + c) * f
    return L, {"a": a, "b": b, "c": c, "f": f}


def reuse(leaf):
    a, b = leaf(-2.0), leaf(3.0)
    f = (a * b) * (a + b)
    return f, {"a": a, "b": b}


def unary_mix(leaf):
    x, y = leaf(0.7), leaf(-1.3)
    out = (x.sigmoid() * y.exp() + (x * x + 1).log() - (y / x).tanh() + (x - y).relu() ** 1.5) / (1 + y**2)
    return out, {"x": x, "y": y}


CASES = {
    "readme_example": readme_example,
    "neuron": neuron,
    "neuron_short_bias": neuron_short_bias,
    "neuron_float32_bias": neuron_float32_bias,
    "neuron_exp_form": neuron_exp_form,
    "lesson3": lesson3,
    "reuse": reuse,
    "unary_mix": unary_mix,
}


def recorded() -> dict:
    """The PyTorch float64 results recorded in torch_reference.json, with the torch version."""
    from importlib import resources

    text = resources.files(__package__).joinpath("torch_reference.json").read_text()
    return json.loads(text)


def torch_results(names=None) -> dict[str, dict[str, float]]:
    """The cases computed live by PyTorch in float64 (ImportError when torch is missing)."""
    import torch

    def leaf(x):
        return torch.tensor(x, dtype=torch.float64, requires_grad=True)

    results = {}
    for name in names or CASES:
        out, leaves = CASES[name](leaf)
        out.backward()
        results[name] = {"out": out.item(), **{k: v.grad.item() for k, v in leaves.items()}}
    return results
