"""The scalar autograd engine: a `Value` holds one number and its gradient.

It follows the original micrograd (same formulas, same order of floating-point
operations, so the same results), with three changes that make it fast and safe
on big graphs.  Each is there for a reason:

* Each node stores the *local derivative* of itself with respect to each input
  (``_da``, ``_db``) when it is built.  The original stores a closure that
  captures ``out``; that closure makes a reference cycle per node, and the
  cyclic garbage collector then spends most of the run time scanning graphs.
  With no cycles, a graph is freed the moment the last reference goes.
* A node keeps at most two inputs in slots (``_a``, ``_b``) instead of a set,
  and a number operand (the ``2`` in ``2 * a``) is folded into the node instead
  of being wrapped in a Value of its own: one allocation per node.
* The topological sort is iterative, so a graph a million levels deep works;
  the original's recursive sort stops near 1,000.

``backward`` pauses the cyclic garbage collector while it runs (and restores
it after) because the collector would otherwise rescan the whole live graph
many times over while nothing it could free exists.
"""

from __future__ import annotations

import gc
import math
from contextlib import contextmanager
from numbers import Real
from typing import Iterator

__all__ = ["Value", "gc_paused", "topological_order"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside a block, then restore it as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _number(x: object, what: str) -> float:
    """A plain float from a real number; a clear TypeError for anything else."""
    if isinstance(x, Real):
        return float(x)
    raise TypeError(f"{what} must be a real number (int or float), not {type(x).__name__}")


def _constant(x: object):
    """A number operand (a NumPy scalar, a Fraction) as a float; None if it is not a number."""
    return float(x) if isinstance(x, Real) else None


class Value:
    """One scalar in an expression graph: its ``data``, and ``grad`` = d(output)/d(this)."""

    __slots__ = ("data", "grad", "label", "_op", "_a", "_b", "_da", "_db")

    def __init__(self, data, label="", _a=None, _b=None, _op="", _da=0.0, _db=0.0):
        if _a is None:  # a leaf made by the learner: check what it holds
            data = _number(data, "Value data")
        self.data = data
        self.grad = 0.0
        self.label = label
        self._op = _op  # the op that produced this node ("" for a leaf)
        self._a = _a  # first input (None for a leaf)
        self._b = _b  # second input (None for unary ops and number operands)
        self._da = _da  # d(self)/d(_a), fixed when the node is built
        # d(self)/d(_b); when the second operand was a plain number, _db keeps
        # that number instead so the graph can show it (it has no gradient).
        self._db = _db

    @property
    def _prev(self) -> tuple[Value, ...]:
        """The Values this one was computed from (its children in the graph)."""
        if self._a is None:
            return ()
        if self._b is None:
            return (self._a,)
        return (self._a, self._b)

    # --- the operations --------------------------------------------------

    def __add__(self, other):
        if isinstance(other, Value):
            return Value(self.data + other.data, "", self, other, "+", 1.0, 1.0)
        if isinstance(other, (int, float)):
            return Value(self.data + other, "", self, None, "+", 1.0, other)
        other = _constant(other)
        return NotImplemented if other is None else self + other

    def __mul__(self, other):
        # d(a*b)/da = b and d(a*b)/db = a: "multiplication swaps the operands".
        if isinstance(other, Value):
            return Value(self.data * other.data, "", self, other, "*", other.data, self.data)
        if isinstance(other, (int, float)):
            return Value(self.data * other, "", self, None, "*", other, other)
        other = _constant(other)
        return NotImplemented if other is None else self * other

    def __pow__(self, other):
        if isinstance(other, Value):
            raise TypeError("a Value exponent is not supported: the exponent of ** must be an int or float")
        if not isinstance(other, (int, float)):
            other = _constant(other)
            if other is None:
                return NotImplemented
        x = self.data
        try:
            data = x**other
        except ZeroDivisionError:
            raise ZeroDivisionError(f"** : {x!r} ** {other!r} divides by zero") from None
        except OverflowError:
            raise OverflowError(f"** : {x!r} ** {other!r} is too large for a float") from None
        if isinstance(data, complex):
            raise ValueError(f"** : {x!r} ** {other!r} has no real value (negative base, fractional power)")
        try:
            local = other * x ** (other - 1)
        except (ZeroDivisionError, OverflowError):
            local = math.copysign(math.inf, other)  # the slope is infinite there
        return Value(data, "", self, None, f"**{other}", local, other)

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, "", self, None, "tanh", 1 - t**2)

    def exp(self):
        x = self.data
        try:
            e = math.exp(x)
        except OverflowError:
            raise OverflowError(f"exp: exp({x!r}) is too large for a float (the limit is about exp(709.78))") from None
        return Value(e, "", self, None, "exp", e)  # d/dx e^x = e^x

    def relu(self):
        x = self.data
        if x < 0:
            return Value(0.0, "", self, None, "ReLU", 0.0)
        return Value(x, "", self, None, "ReLU", 1.0 if x > 0 else 0.0)

    def log(self):
        x = self.data
        if x <= 0:
            raise ValueError(f"log: log({x!r}) is undefined (log needs a positive number)")
        return Value(math.log(x), "", self, None, "log", 1 / x)

    def sigmoid(self):
        x = self.data
        if x >= 0:
            s = 1 / (1 + math.exp(-x))
        else:  # the same number, written so exp cannot overflow
            e = math.exp(x)
            s = e / (1 + e)
        return Value(s, "", self, None, "sigmoid", s * (1 - s))

    def softplus(self):
        """log(1 + e^x), computed so it never overflows; its slope is sigmoid(x). -log(sigmoid(z)) is
        softplus(-z): binary cross-entropy's term, with no log of 0 however wrong the score."""
        x = self.data
        data = max(x, 0.0) + math.log1p(math.exp(-abs(x)))
        if x >= 0:
            slope = 1 / (1 + math.exp(-x))
        else:
            e = math.exp(x)
            slope = e / (1 + e)
        return Value(data, "", self, None, "softplus", slope)

    # --- the rest are written with the ones above, as in the lecture -------

    def __neg__(self):  # -self
        return self * -1

    def __radd__(self, other):  # other + self
        return self + other

    def __sub__(self, other):  # self - other
        if not isinstance(other, (Value, Real)):
            return NotImplemented
        return self + (-other)

    def __rsub__(self, other):  # other - self
        if not isinstance(other, Real):
            return NotImplemented
        return other + (-self)

    def __rmul__(self, other):  # other * self
        return self * other

    def __truediv__(self, other):  # self / other
        if isinstance(other, Value):
            return self * _reciprocal(other)
        if isinstance(other, Real):
            if other == 0:
                raise ZeroDivisionError(f"/ : {self.data!r} / {other!r} divides by zero")
            return self * float(other) ** -1
        return NotImplemented

    def __rtruediv__(self, other):  # other / self
        if not isinstance(other, Real):
            return NotImplemented
        return other * _reciprocal(self)

    def __rpow__(self, other):
        raise TypeError("a Value exponent is not supported: the exponent of ** must be an int or float")

    # --- backpropagation ---------------------------------------------------

    def _backward(self):
        """Pass this node's grad to its inputs by the chain rule (accumulating with +=)."""
        a = self._a
        if a is not None:
            g = self.grad
            a.grad += self._da * g
            b = self._b
            if b is not None:
                b.grad += self._db * g

    def backward(self):
        """Fill in ``grad`` of every node this one depends on: d(self)/d(node).

        Seeds ``self.grad = 1`` and adds (+=) into every other node, output to leaves.
        Grads are not zeroed first: call it twice and they pile up, as in the lecture (not simply
        double: every node's grad is seeded by grads that have already piled up above it).
        """
        with gc_paused():
            topo = topological_order(self)
            self.grad = 1.0
            for v in reversed(topo):
                a = v._a
                if a is not None:  # the body of _backward, inlined: this loop is hot
                    g = v.grad
                    a.grad += v._da * g
                    b = v._b
                    if b is not None:
                        b.grad += v._db * g

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data}, grad={self.grad}{label})"


def _reciprocal(v: Value) -> Value:
    """v ** -1, with a message that names division when v is zero."""
    if v.data == 0:
        name = f" ({v.label})" if v.label else ""
        raise ZeroDivisionError(f"/ : division by a Value{name} that is 0")
    return v**-1


_EXIT = object()  # marks, on the sort's stack, that a node's inputs are all placed


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, inputs before the nodes built from them; root last.

    The same depth-first post-order as the lecture's recursive ``build_topo``
    (first input, then second, then the node), kept on an explicit stack.
    """
    topo: list[Value] = []
    visited: set[Value] = set()
    stack: list[object] = [root]
    push, pop, place, seen = stack.append, stack.pop, topo.append, visited.add
    while stack:
        v = pop()
        if v is _EXIT:
            place(pop())
            continue
        if v in visited:
            continue
        seen(v)
        a = v._a
        if a is None:  # a leaf: nothing below it
            place(v)
            continue
        push(v)
        push(_EXIT)
        b = v._b
        if b is not None and b not in visited:
            push(b)
        if a not in visited:
            push(a)
    return topo
