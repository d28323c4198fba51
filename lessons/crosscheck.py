"""Expressions computed both by our engine and by PyTorch (float64).

Lesson 11 shows them side by side, and the tests cross-check them. PyTorch's
results are recorded in ``torch_reference.json`` (beside this file) by
``tests/record_torch_reference.py``, for machines without torch.

Each case is one of the lecture's expressions from ``expressions.py``: it takes
``leaf(x)``, which makes an input (a Value, or a float64 tensor that requires
grad), and returns ``(output, {name: leaf})``.
"""

from __future__ import annotations

import json
import struct

from . import expressions as ex


def float32(x: float) -> float:
    """x rounded to float32, as ``torch.Tensor([x]).double()`` stores it (Tensor is float32)."""
    return struct.unpack("f", struct.pack("f", x))[0]


def neuron_short_bias(leaf, name=ex.keep):
    return ex.neuron(leaf, name, bias=6.88137358)


def neuron_float32_bias(leaf, name=ex.keep):
    """The lecture's PyTorch cell: b = torch.Tensor([6.88137358]).double() went through float32."""
    return ex.neuron(leaf, name, bias=float32(6.88137358))


CASES = {
    "readme_example": ex.readme_example,
    "neuron": ex.neuron,
    "neuron_short_bias": neuron_short_bias,
    "neuron_float32_bias": neuron_float32_bias,
    "neuron_exp_form": ex.neuron_exp_form,
    "lesson3": ex.lesson3,
    "reuse": ex.reuse,
    "unary_mix": ex.unary_mix,
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
