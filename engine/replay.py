"""Record a graph once, replay its forward and backward passes many times on flat lists.

A training step builds the same graph every time: the same ops on the same
shapes, only the parameters' numbers change. Building it anew costs an object
per node. A :class:`Tape` records the graph once (its nodes in topological
order, each node's op and the positions of its inputs) and then replays it: the
forward pass recomputes every node's data and local derivatives from the
current parameters, the backward pass runs the chain rule over plain lists.

What it trades: it holds only for a graph whose shape and constants do not
change (a full batch; a different batch or a branch that goes the other way is
a different graph), and it gives no ``Value`` per node to look at. What it
keeps: the very same floating-point operations in the very same order as
``Value``, so the numbers are equal to the last bit. This is how real
frameworks get their speed too: trace once, run many times.
"""

from __future__ import annotations

import math
from typing import Sequence

from .value import Value, topological_order

__all__ = ["Tape"]

# op codes
_LEAF, _ADD, _ADDK, _MUL, _MULK, _POW, _TANH, _EXP, _RELU, _LOG, _SIGMOID, _SOFTPLUS = range(12)


class Tape:
    """``root``'s graph, recorded; ``inputs`` are the leaves whose data may change between replays."""

    def __init__(self, root: Value, inputs: Sequence[Value]):
        topo = topological_order(root)
        slot = {id(v): i for i, v in enumerate(topo)}
        self.n = len(topo)
        self.data = [v.data for v in topo]
        self.da = [v._da for v in topo]
        self.db = [v._db for v in topo]
        self.code: list[int] = []
        self.a: list[int] = []
        self.b: list[int] = []
        self.k: list[float] = []  # the number operand (+ k, * k) or exponent (** k)
        for v in topo:
            a = slot[id(v._a)] if v._a is not None else -1
            b = slot[id(v._b)] if v._b is not None else -1
            self.code.append(_code(v))
            self.a.append(a)
            self.b.append(b)
            self.k.append(v._db if b < 0 else 0.0)
        self.root = slot[id(root)]
        self._slot = slot
        missing = [v for v in inputs if id(v) not in slot]
        if missing:
            raise ValueError(f"{len(missing)} of the inputs are not in the graph")
        self.inputs = list(inputs)
        self.input_slots = [slot[id(v)] for v in inputs]
        self.grad = [0.0] * self.n

    def slots(self, nodes: Sequence[Value]) -> list[int]:
        """Where recorded nodes live in ``data`` (to read, say, the scores after a forward)."""
        return [self._slot[id(v)] for v in nodes]

    def forward(self) -> float:
        """Recompute every node from the inputs' current data; returns the root's data."""
        data, da, db, k = self.data, self.da, self.db, self.k
        for v, i in zip(self.inputs, self.input_slots):
            data[i] = v.data
        A, B = self.a, self.b
        for i, code in enumerate(self.code):
            if code == _LEAF:
                continue
            x = data[A[i]]
            if code == _ADD:
                data[i] = x + data[B[i]]
            elif code == _MUL:
                y = data[B[i]]
                data[i] = x * y
                da[i] = y
                db[i] = x
            elif code == _ADDK:
                data[i] = x + k[i]
            elif code == _MULK:
                data[i] = x * k[i]
            elif code == _TANH:
                t = math.tanh(x)
                data[i] = t
                da[i] = 1 - t**2
            elif code == _RELU:
                if x < 0:
                    data[i], da[i] = 0.0, 0.0
                else:
                    data[i], da[i] = x, (1.0 if x > 0 else 0.0)
            elif code == _POW:
                e = k[i]
                data[i] = x**e
                try:
                    da[i] = e * x ** (e - 1)
                except (ZeroDivisionError, OverflowError):
                    da[i] = math.copysign(math.inf, e)
            elif code == _EXP:
                data[i] = da[i] = math.exp(x)
            elif code == _LOG:
                data[i] = math.log(x)
                da[i] = 1 / x
            elif code == _SOFTPLUS:
                data[i] = max(x, 0.0) + math.log1p(math.exp(-abs(x)))
                if x >= 0:
                    da[i] = 1 / (1 + math.exp(-x))
                else:
                    e = math.exp(x)
                    da[i] = e / (1 + e)
            else:  # _SIGMOID
                if x >= 0:
                    s = 1 / (1 + math.exp(-x))
                else:
                    e = math.exp(x)
                    s = e / (1 + e)
                data[i] = s
                da[i] = s * (1 - s)
        return data[self.root]

    def backward(self, accumulate: bool = False) -> None:
        """The chain rule, output to leaves; then each input's ``grad`` is set (or, with ``accumulate``,
        added to from the value it had, as ``Value.backward`` would)."""
        grad = self.grad
        for i in range(self.n):
            grad[i] = 0.0
        if accumulate:
            for v, i in zip(self.inputs, self.input_slots):
                grad[i] = v.grad
        grad[self.root] = 1.0
        A, B, da, db = self.a, self.b, self.da, self.db
        for i in range(self.n - 1, -1, -1):
            a = A[i]
            if a >= 0:
                g = grad[i]
                grad[a] += da[i] * g
                b = B[i]
                if b >= 0:
                    grad[b] += db[i] * g
        for v, i in zip(self.inputs, self.input_slots):
            v.grad = grad[i]


def _code(v: Value) -> int:
    op = v._op
    if v._a is None:
        return _LEAF
    if op == "+":
        return _ADD if v._b is not None else _ADDK
    if op == "*":
        return _MUL if v._b is not None else _MULK
    if op.startswith("**"):
        return _POW
    codes = {"tanh": _TANH, "exp": _EXP, "ReLU": _RELU, "log": _LOG, "sigmoid": _SIGMOID, "softplus": _SOFTPLUS}
    if op not in codes:
        raise ValueError(f"cannot record op {op!r}")
    return codes[op]
