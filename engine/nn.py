"""A tiny neural-network library on top of `Value`: Neuron, Layer, MLP.

Two flavours, because the app teaches both:

* ``"lecture"``: every neuron is ``tanh(w·x + b)`` with weights and bias drawn
  from [-1, 1], as built in the lecture (``MLP(3, [4, 4, 1])`` has 41 parameters).
* ``"micrograd"``: the original repository's: ReLU hidden layers, a linear last
  layer, bias starting at 0 (``MLP(2, [16, 16, 1])`` has 337 parameters).
  ``activation="tanh"`` gives it tanh hidden layers instead (the demo's control).

Random numbers come from a ``random.Random`` you pass in (or one made from
``seed=``), never from the global generator, so a run can be repeated.
Parameters are listed layer by layer, neuron by neuron, weights then bias, as
in the original.
"""

from __future__ import annotations

import math
import random
from operator import mul
from typing import Sequence

from .value import Value

__all__ = ["Module", "Neuron", "Layer", "MLP", "FLAVOURS"]

FLAVOURS = ("lecture", "micrograd")


def _rng(rng: random.Random | None, seed: int | None) -> random.Random:
    if rng is not None and seed is not None:
        raise ValueError("pass rng or seed, not both")
    return rng if rng is not None else random.Random(seed)


class Module:
    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self) -> list[Value]:
        return []


class Neuron(Module):
    """activation(w·x + b) for one output; activation is "tanh", "relu" or "linear"."""

    def __init__(self, nin: int, activation: str = "tanh", *, random_bias: bool = True,
                 rng: random.Random | None = None, seed: int | None = None):
        if activation not in ("tanh", "relu", "linear"):
            raise ValueError(f"unknown activation {activation!r}: use 'tanh', 'relu' or 'linear'")
        r = _rng(rng, seed)
        self.w = [Value(r.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(r.uniform(-1, 1) if random_bias else 0.0)
        self.activation = activation

    def __call__(self, x: Sequence[Value | float]) -> Value:
        # b + w0*x0 + w1*x1 + ..., added in this order, as sum(..., b) does.
        act = self.b
        for wi, xi in zip(self.w, x):
            act = act + wi * xi
        if self.activation == "tanh":
            return act.tanh()
        if self.activation == "relu":
            return act.relu()
        return act

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def __repr__(self) -> str:
        return f"{self.activation.capitalize()}Neuron({len(self.w)})"


class Layer(Module):
    def __init__(self, nin: int, nout: int, activation: str = "tanh", *, random_bias: bool = True,
                 rng: random.Random | None = None, seed: int | None = None):
        r = _rng(rng, seed)
        self.neurons = [Neuron(nin, activation, random_bias=random_bias, rng=r) for _ in range(nout)]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(3, [4, 4, 1])`` maps 3 inputs through layers of 4, 4 and 1."""

    def __init__(self, nin: int, nouts: Sequence[int], *, flavour: str = "lecture", activation: str = "relu",
                 rng: random.Random | None = None, seed: int | None = None):
        if flavour not in FLAVOURS:
            raise ValueError(f"unknown flavour {flavour!r}: use 'lecture' or 'micrograd'")
        if activation not in ("relu", "tanh"):
            raise ValueError(f"unknown hidden activation {activation!r}: use 'relu' or 'tanh'")
        r = _rng(rng, seed)
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.flavour = flavour
        self.layers = []
        for i in range(len(nouts)):
            if flavour == "lecture":
                layer = Layer(sizes[i], sizes[i + 1], "tanh", random_bias=True, rng=r)
            else:
                act = "linear" if i == last else activation
                layer = Layer(sizes[i], sizes[i + 1], act, random_bias=False, rng=r)
            self.layers.append(layer)
        for li, layer in enumerate(self.layers):  # names for showing graphs: L0.n2.w1 is layer 0, neuron 2, weight 1
            for ni, n in enumerate(layer.neurons):
                for wi, w in enumerate(n.w):
                    w.label = f"L{li}.n{ni}.w{wi}"
                n.b.label = f"L{li}.n{ni}.b"

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def activations(self, x: Sequence[float]) -> list[list[float]]:
        """Every layer's outputs at one point, the inputs first, on plain floats (no graph): each sum is
        added as a Neuron adds it (b + w0*x0 + w1*x1 + ...), so each number is the Values' own."""
        outs = [list(x)]
        for layer in self.layers:
            out = []
            for n in layer.neurons:
                act = n.b.data
                for wi, xi in zip(n.w, outs[-1]):
                    act = act + wi.data * xi
                if n.activation == "tanh":
                    act = math.tanh(act)
                elif n.activation == "relu":
                    act = 0.0 if act < 0 else act
                out.append(act)
            outs.append(out)
        return outs

    def predict(self, x: Sequence[float]) -> float | list[float]:
        """The same forward pass on plain floats, building no graph: for scoring many points fast."""
        out = self.activations(x)[-1]
        return out[0] if len(out) == 1 else out

    def predict_many(self, points: Sequence[Sequence[float]], every_output: bool = False) -> list:
        """The first output at each of many points (``every_output``: each point's list of outputs), on plain
        floats: :meth:`predict`'s numbers, faster.

        Each layer's weights are read out once, and each weighted sum is ``sum(map(mul, w, x), b)``,
        which adds in the same order as a Neuron does (b + w0*x0 + w1*x1 + ...); Python 3.12 and newer
        add floats in ``sum`` with a compensated sum, so there the last bits may differ."""
        layers = [([[w.data for w in n.w] for n in layer.neurons], [n.b.data for n in layer.neurons],
                   layer.neurons[0].activation) for layer in self.layers]
        out = []
        for x in points:
            for ws, bs, act in layers:
                sums = [sum(map(mul, w, x), b) for w, b in zip(ws, bs)]
                if act == "relu":
                    x = [s if s > 0 else 0.0 for s in sums]
                elif act == "tanh":
                    x = [math.tanh(s) for s in sums]
                else:
                    x = sums
            out.append(x if every_output else x[0])
        return out

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
