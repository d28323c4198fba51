"""Your autograd engine: a scalar Value that remembers how it was made, and backpropagates.

Write it exercise by exercise; micrograd-tui checks it each time you save
(`micrograd-tui check` does the same from a terminal). The names are the
lecture's, so this file runs anywhere, micrograd-tui or not.
"""

import math


class Value:
    """One number (data), the Values it was made from (_prev), the op that made it (_op),
    and its gradient (grad): d(output)/d(this value), filled in by backward()."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None  # passes this node's grad on to its children; a leaf has none
        self._prev = set(_children)
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"

    def __add__(self, other):
        """self + other. A number `other` is wrapped as a Value first.

        Exercise 3.1 (build-value): return a new Value with data self.data + other.data,
        _children (self, other) and _op '+'.
        Exercise 7.1 (build-backward-ops): give it a _backward that passes out.grad on to both
        inputs (+ routes the gradient unchanged), adding with += (a node can be used twice).
        """
        raise NotImplementedError("exercise 3.1 (build-value): write Value.__add__")

    def __mul__(self, other):
        """self * other. A number `other` is wrapped as a Value first.

        Exercise 3.1: data self.data * other.data, _children (self, other), _op '*'.
        Exercise 7.1: its _backward swaps the operands: self gets other.data * out.grad,
        other gets self.data * out.grad (both with +=).
        """
        raise NotImplementedError("exercise 3.1 (build-value): write Value.__mul__")

    def tanh(self):
        """tanh(self), one op. Exercise 7.1: data tanh(x), _children (self,), _op 'tanh';
        its _backward gives self (1 - t**2) * out.grad, where t is out's data."""
        raise NotImplementedError("exercise 7.1 (build-backward-ops): write Value.tanh")

    def backward(self):
        """Fill every grad in the graph that ends here. Exercise 9.1 (build-backward):
        order the nodes so each comes after all the nodes it was made from (a topological
        sort), set self.grad = 1.0, then call each node's _backward, last node first.

        The lecture's recursive sort stops near 1,000 levels deep (Python's recursion limit);
        a loop with a stack of your own has no such limit (a stretch check tries 5,000)."""
        raise NotImplementedError("exercise 9.1 (build-backward): write Value.backward")

    # Exercise 10.1 (build-more-ops): the ops that let tanh be built from pieces.

    def exp(self):
        """e**self: data math.exp(x), _op 'exp'; its _backward gives self out.data * out.grad."""
        raise NotImplementedError("exercise 10.1 (build-more-ops): write Value.exp")

    def log(self):
        """the natural log of self: data math.log(x), _op 'log'; the local derivative is 1/x."""
        raise NotImplementedError("exercise 10.1 (build-more-ops): write Value.log")

    def __pow__(self, other):
        """self ** other for a plain number other (int or float): data x**k, _op f'**{k}';
        its _backward gives self k * x**(k-1) * out.grad."""
        raise NotImplementedError("exercise 10.1 (build-more-ops): write Value.__pow__")

    def __truediv__(self, other):
        """self / other, as self * other**-1."""
        raise NotImplementedError("exercise 10.1 (build-more-ops): write Value.__truediv__")

    def __neg__(self):
        """-self, as self * -1."""
        raise NotImplementedError("exercise 10.1 (build-more-ops): write Value.__neg__")

    def __sub__(self, other):
        """self - other, as self + (-other)."""
        raise NotImplementedError("exercise 10.1 (build-more-ops): write Value.__sub__")

    def __radd__(self, other):
        """other + self when other is a number (sum() starts from 0, so it needs this)."""
        raise NotImplementedError("exercise 10.1 (build-more-ops): write Value.__radd__")

    def __rmul__(self, other):
        """other * self when other is a number, as in 2 * a."""
        raise NotImplementedError("exercise 10.1 (build-more-ops): write Value.__rmul__")
