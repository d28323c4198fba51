"""Losses, accuracy and a Trainer that does one gradient-descent step at a time."""

from __future__ import annotations

import math
import random
from collections import deque
from typing import TYPE_CHECKING, Callable, NamedTuple, Sequence

from .nn import MLP
from .replay import Tape
from .value import Value, gc_paused

if TYPE_CHECKING:
    from .batched import BatchedLoss

__all__ = [
    "value_sum",
    "mse_loss",
    "svm_loss",
    "margin_loss",
    "bce_loss",
    "nll_loss",
    "point_term",
    "accuracy",
    "demo_learning_rate",
    "decayed_learning_rate",
    "LOSSES",
    "regularised",
    "float_loss",
    "Step",
    "Trainer",
]


def value_sum(terms: Sequence[Value]) -> Value:
    """t0 + t1 + ... added left to right.

    Python's ``sum`` starts from the int 0 and so adds a ``+ 0`` node; starting
    from the first term gives the same numbers with one node fewer.
    """
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def mse_loss(preds: Sequence[Value], ys: Sequence[float]) -> Value:
    """The lecture's loss: the sum of (prediction - target)² over the samples."""
    return value_sum([(yout - ygt) ** 2 for ygt, yout in zip(ys, preds)])


def margin_loss(scores: Sequence[Value], ys: Sequence[float]) -> Value:
    """The max-margin part of the demo's loss: mean(relu(1 - y·score))."""
    losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores)]
    return value_sum(losses) * (1.0 / len(losses))


def svm_loss(scores: Sequence[Value], ys: Sequence[float], params: Sequence[Value], alpha: float = 1e-4) -> Value:
    """The original demo's loss: mean(relu(1 - y·score)) + alpha·Σp² (max-margin plus L2)."""
    return margin_loss(scores, ys) + alpha * value_sum([p * p for p in params])


# the lecture's sum of squares, its mean, the demo's max-margin, binary cross-entropy, and softmax with the
# negative log-likelihood for more than two classes (labels 0, 1, 2 ...; one output per class)
LOSSES = ("mse", "squared", "svm", "bce", "nll")
CLASS_LOSSES = ("nll",)  # the losses whose net has an output per class


def bce_loss(scores: Sequence[Value], ys: Sequence[float]) -> Value:
    """Binary cross-entropy on labels -1 and +1: mean(-log sigmoid(y·score)), as mean(softplus(-y·score))."""
    terms = [(-yi * si).softplus() for yi, si in zip(ys, scores)]
    return value_sum(terms) * (1.0 / len(terms))


def nll_term(outs: Sequence[Value], y: float) -> Value:
    """One point's softmax cross-entropy: -log(softmax(outs)[y]) = log(Σ e^(o_j)) - o_y, exercise 15.2's
    formula. Libraries subtract the largest output first so e^ cannot overflow; that number changes every
    step, so a graph with it could not be recorded and replayed. Here an output past ~709 raises
    OverflowError, which a Trainer takes as the run diverging."""
    return value_sum([o.exp() for o in outs]).log() - outs[int(y)]


def _float_nll(outs: Sequence[float], y: float) -> float:
    m = max(outs)  # on plain numbers the shift costs nothing: a held-out loss is always finite
    return math.log(sum(math.exp(o - m) for o in outs)) - (outs[int(y)] - m)


def point_term(kind: str, score, y: float) -> Value:
    """One point's term of a loss of this kind, before the mean and any regulariser: ``score`` is its
    output (a Value), or with softmax (nll) the list of its outputs."""
    if kind == "nll":
        return nll_term(score, y)
    if kind == "svm":
        return (1 + -y * score).relu()
    if kind == "bce":
        return (-y * score).softplus()
    return (score - y) ** 2


def nll_loss(scores: Sequence[Sequence[Value]], ys: Sequence[float]) -> Value:
    """The mean of each point's softmax cross-entropy (its outputs, its class 0, 1, 2 ...)."""
    terms = [nll_term(outs, yi) for yi, outs in zip(ys, scores)]
    return value_sum(terms) * (1.0 / len(terms))


def squared_loss(scores: Sequence[Value], ys: Sequence[float]) -> Value:
    """The mean of (score - target)² over the samples: the lecture's loss, as a mean so its size
    does not grow with the number of points."""
    return value_sum([(s - y) ** 2 for y, s in zip(ys, scores)]) * (1.0 / len(scores))


def regularised(data_loss: Value, params: Sequence[Value], l2: float = 0.0, l1: float = 0.0) -> Value:
    """data_loss + l2·Σp² + l1·Σ|p| (each term only when its rate is not 0); |p| is relu(p) + relu(-p)."""
    loss = data_loss
    if l2:
        loss = loss + l2 * value_sum([p * p for p in params])
    if l1:
        loss = loss + l1 * value_sum([p.relu() + (-p).relu() for p in params])
    return loss


def float_loss(kind: str, scores: Sequence[float], ys: Sequence[float], params: Sequence[float],
               l2: float = 0.0, l1: float = 0.0) -> float:
    """The loss a Trainer of this kind would report, on plain floats (for held-out points)."""
    if kind == "svm":
        data = sum(max(0.0, 1 - y * s) for y, s in zip(ys, scores)) / len(scores)
    elif kind == "bce":
        data = sum(Value(-y * s).softplus().data for y, s in zip(ys, scores)) / len(scores)
    elif kind == "nll":
        data = sum(_float_nll(outs, y) for y, outs in zip(ys, scores)) / len(scores)
    elif kind == "squared":
        data = sum((s - y) ** 2 for y, s in zip(ys, scores)) / len(scores)
    else:
        data = sum((s - y) ** 2 for y, s in zip(ys, scores))
    return data + l2 * sum(p * p for p in params) + l1 * sum(abs(p) for p in params)


def accuracy(scores: Sequence, ys: Sequence[float]) -> float:
    """The fraction of samples whose score has the sign of the label; with an output per class (a list
    each), whose largest output is the label's class."""
    hits = 0
    for yi, si in zip(ys, scores):
        if isinstance(si, (list, tuple)):
            outs = [o.data if isinstance(o, Value) else o for o in si]
            hits += max(range(len(outs)), key=outs.__getitem__) == int(yi)
            continue
        s = si.data if isinstance(si, Value) else si
        hits += (yi > 0) == (s > 0)
    return hits / len(ys)


def demo_learning_rate(k: int, steps: int = 100) -> float:
    """The original demo's decay: 1.0 at the first step, down to 0.1 at the last."""
    return 1.0 - 0.9 * k / steps


def decayed_learning_rate(k: int, steps: int, lr0: float = 1.0, decay: float = 0.9) -> float:
    """lr0 at the first step, falling in a straight line to lr0·(1 - decay) at the last (never below 0);
    ``lr0=1, decay=0.9`` is the original demo's schedule, to the bit."""
    return max(lr0 * (1.0 - decay * k / steps), 0.0)


def _data(scores: Sequence) -> list:
    """The numbers of a forward pass's scores: one a point, or a list a point with an output per class."""
    return [[o.data for o in s] if isinstance(s, list) else s.data for s in scores]


class Step(NamedTuple):
    k: int  # which step this was, from 0
    loss: float  # the loss before this step's update
    accuracy: float
    learning_rate: float


class Trainer:
    """Gradient descent on an MLP, one step per call of :meth:`step`.

    A step is: forward over the (mini-)batch, zero_grad, backward, then
    ``p.data -= learning_rate * p.grad`` for every parameter. With
    ``zero_grad=False`` the zeroing is left out, the lecture's bug: gradients
    from earlier steps pile up.

    ``loss`` is ``"mse"`` (the lecture's sum of squares), ``"squared"`` (its mean) or ``"svm"``
    (the original demo's, with ``alpha`` L2). ``l2`` and ``l1`` add regularisation to any loss
    (``l2`` replaces the svm's ``alpha`` when given). ``learning_rate`` is a number or a function
    of the step k.
    ``history`` keeps the most recent ``history_limit`` steps.
    """

    def __init__(
        self,
        model: MLP,
        xs: Sequence[Sequence[float]],
        ys: Sequence[float],
        *,
        loss: str = "mse",
        learning_rate: float | Callable[[int], float] = 0.05,
        zero_grad: bool = True,
        batch_size: int | None = None,
        alpha: float = 1e-4,
        l2: float | None = None,
        l1: float = 0.0,
        seed: int | None = None,
        history_limit: int = 10_000,
        replay: bool = True,
        batched: bool = False,
    ):
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}: use one of {', '.join(LOSSES)}")
        if len(xs) != len(ys) or not xs:
            raise ValueError("xs and ys must be non-empty and of the same length")
        self.model = model
        self.xs = [list(x) for x in xs]
        self.ys = list(ys)
        self.loss_kind = loss
        self.learning_rate = learning_rate
        self.zero_grad = zero_grad
        self.batch_size = batch_size
        self.alpha = alpha
        self.l2 = (alpha if loss == "svm" else 0.0) if l2 is None else l2
        self.l1 = l1
        self.k = 0
        self.history: deque[Step] = deque(maxlen=history_limit)
        self._params = model.parameters()
        self._rng = random.Random(seed)
        # A full batch builds the same graph every step: record it once and replay it (replay.py),
        # with the very same numbers. A mini-batch is a different graph each step: built anew.
        self.replay = replay
        self._tape: Tape | None = None
        self._score_slots: list[int] = []
        self._outputs = 0  # outputs a point on the recorded graph: 0 for one score, else one per class
        # ``batched``: a full batch's loss and grads as array operations (engine/batched.py, numpy), the
        # same numbers to rounding; the Values keep the parameters and receive the grads.
        self.batched = batched
        self._arrays: BatchedLoss | None = None

    def lr_at(self, k: int) -> float:
        lr = self.learning_rate
        return lr(k) if callable(lr) else lr

    def _batch(self):
        n = len(self.xs)
        if self.batch_size is None or self.batch_size >= n:
            return self.xs, self.ys
        idx = self._rng.sample(range(n), self.batch_size)
        return [self.xs[i] for i in idx], [self.ys[i] for i in idx]

    def forward(self, xs=None, ys=None) -> tuple[Value, list[Value]]:
        """The loss and the scores over ``xs`` (the whole dataset by default), with its graph."""
        xs = self.xs if xs is None else xs
        ys = self.ys if ys is None else ys
        scores = [self.model(x) for x in xs]
        # with l2 = alpha and no l1, the very graph of svm_loss (the original demo's, to the bit)
        if self.loss_kind == "svm":
            data = margin_loss(scores, ys)
        elif self.loss_kind == "bce":
            data = bce_loss(scores, ys)
        elif self.loss_kind == "nll":
            data = nll_loss(scores, ys)
        elif self.loss_kind == "squared":
            data = squared_loss(scores, ys)
        else:
            data = mse_loss(scores, ys)
        return regularised(data, self._params, self.l2, self.l1), scores

    def step(self) -> Step:
        """One step of gradient descent; returns what it measured before the update."""
        # The graph of a step is built and dropped here; pausing the cyclic
        # collector keeps it from scanning that graph again and again.
        with gc_paused():
            xb, yb = self._batch()
            try:
                if self.batched:
                    loss_data, score_data = self._batched(xb, yb)
                elif self.replay and xb is self.xs:
                    loss_data, score_data = self._replayed()
                else:
                    loss, scores = self.forward(xb, yb)
                    if self.zero_grad:
                        for p in self._params:
                            p.grad = 0.0
                    loss.backward()
                    loss_data, score_data = loss.data, _data(scores)
                    del loss, scores  # free the graph while the collector is still paused
            except OverflowError:  # a number past a float's range (e^710): the run has diverged
                step = Step(self.k, math.inf, 0.0, self.lr_at(self.k))
                self.history.append(step)
                self.k += 1
                return step
            lr = self.lr_at(self.k)
            for p in self._params:
                p.data -= lr * p.grad
            step = Step(self.k, loss_data, accuracy(score_data, yb), lr)
        self.history.append(step)
        self.k += 1
        return step

    @property
    def arrays(self) -> BatchedLoss | None:
        """The batched path's arrays (engine/batched.py), once a batched step has made them."""
        return self._arrays

    def _batched(self, xb, yb) -> tuple[float, list[float]]:
        """Forward and backward of the (mini-)batch as array operations; the grads go to the Values."""
        if self._arrays is None:
            from .batched import BatchedLoss

            self._arrays = BatchedLoss(self.model, self.xs, self.ys, self.loss_kind, self.l2, self.l1)
        loss, scores, grads = self._arrays.run() if xb is self.xs else self._arrays.run(xb, yb)
        if self.zero_grad:
            for p, g in zip(self._params, grads.tolist()):
                p.grad = g
        else:
            for p, g in zip(self._params, grads.tolist()):
                p.grad += g
        return loss, scores.tolist()

    def _replayed(self) -> tuple[float, list[float]]:
        """Forward and backward of the full batch on the recorded graph (recorded on first use)."""
        tape = self._tape
        if tape is None:
            loss, scores = self.forward()
            tape = self._tape = Tape(loss, self._params)
            self._outputs = len(scores[0]) if isinstance(scores[0], list) else 0
            self._score_slots = tape.slots([o for s in scores for o in s] if self._outputs else scores)
            del loss, scores  # the tape has what it needs; this step's numbers are already in it
        else:
            tape.forward()
        tape.backward(accumulate=not self.zero_grad)
        data = tape.data
        flat = [data[i] for i in self._score_slots]
        k = self._outputs
        return data[tape.root], [flat[i:i + k] for i in range(0, len(flat), k)] if k else flat

    def measure(self, xs: Sequence[Sequence[float]], ys: Sequence[float]) -> tuple[float, float]:
        """(loss, accuracy) on other points (held out), the loss as this trainer measures its own,
        with the same regularisation; no graph is built."""
        scores = self.model.predict_many(xs, every_output=self.loss_kind in CLASS_LOSSES)
        loss = float_loss(self.loss_kind, scores, ys, [p.data for p in self._params], self.l2, self.l1)
        return loss, accuracy(scores, ys)

    def state(self) -> dict:
        """Where this run is, as JSON data: the step, each parameter's data and grad, and the random
        state that picks the next mini-batch. A trainer built the same way goes on from it (load_state)."""
        return {"k": self.k, "params": [p.data for p in self._params], "grads": [p.grad for p in self._params],
                "rng": list(self._rng.getstate())}

    def load_state(self, state: dict) -> None:
        """Go on from ``state()`` (as it comes back from JSON, lists for tuples)."""
        if len(state["params"]) != len(self._params):
            raise ValueError(f"the state has {len(state['params'])} parameters, this net {len(self._params)}")
        self.k = state["k"]
        for p, x, g in zip(self._params, state["params"], state["grads"]):
            p.data, p.grad = x, g
        version, internal, gauss = state["rng"]
        self._rng.setstate((version, tuple(internal), gauss))

    @property
    def diverged(self) -> bool:
        """True when the last loss was not a finite number (NaN or infinity)."""
        return bool(self.history) and not math.isfinite(self.history[-1].loss)
