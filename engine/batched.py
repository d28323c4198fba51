"""The same maths on arrays: an MLP's loss and gradients over a whole batch at once, with numpy.

The scalar engine does one Python operation per number; here each layer is one matrix product, so
a demo step costs a few array operations instead of tens of thousands of Values. The model stays the
engine's own ``MLP``: its parameters are read into arrays for a step and the gradients are written
back to each ``Value.grad``, in ``model.parameters()`` order, so everything else (the update, the
graph of one point, the picture of the net) goes on with the Values. The numbers agree with the
scalar engine's to rounding (the sums are added in another order): tests/engine/test_batched.py
holds them to 1e-12 on every loss, activation and flavour.

numpy is optional (``pip install 'micrograd-tui[fast]'``): :func:`available` says whether this path
can run; nothing else in the engine imports numpy.
"""

from __future__ import annotations

from typing import Any, Sequence

from .nn import MLP

try:  # the one module of the engine that may use numpy, and only when it is there
    import numpy as np
except ImportError:  # pragma: no cover - the test suite runs with numpy; test_batched checks this branch
    np = None

__all__ = ["available", "BatchedLoss", "WHY_NOT"]

WHY_NOT = "numpy is not installed: pip install 'micrograd-tui[fast]' for the batched path"


def available() -> bool:
    return np is not None


class BatchedLoss:
    """``model``'s loss and gradients over the points ``xs`` with labels ``ys``, as a Trainer of loss
    ``kind`` (mse, squared, svm, bce or nll) with ``l2``/``l1`` regularisation computes them, one batch at a time."""

    def __init__(self, model: MLP, xs: Sequence[Sequence[float]], ys: Sequence[float], kind: str,
                 l2: float = 0.0, l1: float = 0.0):
        if np is None:
            raise RuntimeError(WHY_NOT)
        self.model = model
        self.X = np.asarray(xs, dtype=float)
        self.y = np.asarray(ys, dtype=float)
        self.kind, self.l2, self.l1 = kind, l2, l1
        self.params = model.parameters()
        self.acts = [layer.neurons[0].activation for layer in model.layers]
        self.shapes = [(len(layer.neurons), len(layer.neurons[0].w)) for layer in model.layers]

    def _arrays(self) -> tuple[list[Any], list[Any], Any]:
        """Each layer's weights (nout x nin) and biases, read from the Values, and them all flat."""
        flat = np.fromiter((p.data for p in self.params), dtype=float, count=len(self.params))
        ws, bs, at = [], [], 0
        for nout, nin in self.shapes:
            block = flat[at:at + nout * (nin + 1)].reshape(nout, nin + 1)  # each neuron: weights, then bias
            ws.append(block[:, :nin])
            bs.append(block[:, nin])
            at += nout * (nin + 1)
        return ws, bs, flat

    def scores(self, xs: Sequence[Sequence[float]] | None = None, every_output: bool = False) -> Any:
        """The first output at each point (the whole batch by default), as an array; ``every_output``:
        a row of every output a point."""
        ws, bs, _ = self._arrays()
        a = self.X if xs is None else np.asarray(xs, dtype=float)
        for w, b, act in zip(ws, bs, self.acts):
            a = _act(a @ w.T + b, act)
        return a if every_output else a[:, 0]

    def run(self, xs: Sequence[Sequence[float]] | None = None,
            ys: Sequence[float] | None = None) -> tuple[float, Any, Any]:
        """(loss, scores, grads): forward and backward over the batch (the points given at the start, or
        a mini-batch ``xs``, ``ys``); grads in parameters() order."""
        ws, bs, flat = self._arrays()
        inputs, outs = [], []
        a = self.X if xs is None else np.asarray(xs, dtype=float)
        for w, b, act in zip(ws, bs, self.acts):
            inputs.append(a)
            a = _act(a @ w.T + b, act)
            outs.append(a)
        y = self.y if ys is None else np.asarray(ys, dtype=float)
        s, n = a[:, 0], len(y)
        da = np.zeros_like(a)
        if self.kind == "nll":  # softmax: each row's log-sum-exp less its class's output, from the row's largest
            shifted = a - a.max(axis=1, keepdims=True)
            e = np.exp(shifted)
            total = e.sum(axis=1)
            cls = y.astype(int)
            data = float((np.log(total) - shifted[np.arange(n), cls]).sum()) / n
            da = e / total[:, None]
            da[np.arange(n), cls] -= 1.0
            da /= n
            s = a
        elif self.kind == "bce":  # mean softplus(-y·s), its slope sigmoid(-y·s)
            z = -y * s
            data = float(np.logaddexp(0.0, z).sum()) / n
            ds = -y * (0.5 * (1.0 + np.tanh(0.5 * z))) / n
        elif self.kind == "svm":
            margin = 1.0 - y * s
            data = float(np.maximum(margin, 0.0).sum()) / n
            ds = np.where(margin > 0, -y, 0.0) / n
        elif self.kind == "squared":
            data = float(((s - y) ** 2).sum()) / n
            ds = 2.0 * (s - y) / n
        else:
            data = float(((s - y) ** 2).sum())
            ds = 2.0 * (s - y)
        loss = data
        if self.l2:
            loss += self.l2 * float((flat * flat).sum())
        if self.l1:
            loss += self.l1 * float(np.abs(flat).sum())
        grads_by_layer = []
        if self.kind != "nll":
            da[:, 0] = ds
        for i in range(len(ws) - 1, -1, -1):
            dz = da * _dact(outs[i], self.acts[i])
            grads_by_layer.append((dz.T @ inputs[i], dz.sum(axis=0)))
            da = dz @ ws[i]
        grads_by_layer.reverse()
        grads = np.concatenate([np.concatenate([dw, db[:, None]], axis=1).ravel() for dw, db in grads_by_layer])
        if self.l2:
            grads += 2.0 * self.l2 * flat
        if self.l1:
            grads += self.l1 * np.sign(flat)
        return loss, s, grads


def _act(z: Any, act: str) -> Any:
    if act == "relu":
        return np.maximum(z, 0.0)
    if act == "tanh":
        return np.tanh(z)
    return z


def _dact(out: Any, act: str) -> Any:
    """The activation's derivative, from its output (as the scalar engine's _backward reads it)."""
    if act == "relu":
        return (out > 0).astype(float)
    if act == "tanh":
        return 1.0 - out * out
    return 1.0
