"""Correct code in other styles passes every check it meets (issue 28: no false alarms).

Each row rewrites the lecture-style solution (``solution/``) the way another learner, a write-up or
the original repository does it, and runs the exercises that code meets. A row that fails names a
check that blames correct code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from micrograd_tui.lessons.workshop.checking import CheckRun
from micrograd_tui.lessons.workshop.exercises import find_exercise
from test_slips import BACKWARD as SORT  # the lecture's backward(), as the slips table has it

SOLUTION = Path(__file__).parent / "solution"
ENGINE_ALL = ("build-value", "build-backward-ops", "build-backward", "build-more-ops", "softmax-nll")

STACK_SORT = """        topo, seen, stack = [], set(), [(self, False)]
        while stack:
            v, done = stack.pop()
            if done:
                topo.append(v)
            elif v not in seen:
                seen.add(v)
                stack.append((v, True))
                stack.extend((c, False) for c in v._prev)
        self.grad = 1.0
        for node in topo[::-1]:
            node._backward()
"""
KAHN = """        users = {}
        stack, seen = [self], {self}
        while stack:
            v = stack.pop()
            for c in v._prev:
                users[c] = users.get(c, 0) + 1
                if c not in seen:
                    seen.add(c)
                    stack.append(c)
        self.grad = 1.0
        ready = [self]
        while ready:
            v = ready.pop()
            v._backward()
            for c in v._prev:
                users[c] -= 1
                if users[c] == 0:
                    ready.append(c)
"""
OWN_DIV = """    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += (1 / other.data) * out.grad
            other.grad += (-self.data / other.data**2) * out.grad
        out._backward = _backward
        return out
"""
OWN_NEG_SUB = """    def __neg__(self):
        out = Value(-self.data, (self,), "neg")

        def _backward():
            self.grad += -1.0 * out.grad
        out._backward = _backward
        return out

    def __sub__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data - other.data, (self, other), "-")

        def _backward():
            self.grad += out.grad
            other.grad -= out.grad
        out._backward = _backward
        return out
"""
MODULE = """class Module:
    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0

    def parameters(self):
        return []


"""

# style, [(file, the lecture-style code, this style's code)], the exercises it meets
STYLES = [
    ("_prev as a tuple", [("engine.py", "self._prev = set(_children)", "self._prev = tuple(_children)")], ENGINE_ALL),
    ("a sort with a stack of its own, topo[::-1]", [("engine.py", SORT, STACK_SORT)], ENGINE_ALL),
    ("Kahn's algorithm: a node runs once all its users have", [("engine.py", SORT, KAHN)], ENGINE_ALL),
    ("__radd__ and __rmul__ as aliases",
     [("engine.py", "    def __rmul__(self, other):\n        return self * other\n", ""),
      ("engine.py", "    def __radd__(self, other):\n        return self + other\n",
       "    __radd__ = __add__\n    __rmul__ = __mul__\n")], ENGINE_ALL),
    ("/ with its own _backward", [("engine.py", "    def __truediv__(self, other):\n        return self * other**-1\n",
                                   OWN_DIV)], ENGINE_ALL),
    ("- and unary - with their own _backward",
     [("engine.py", "    def __neg__(self):\n        return self * -1\n\n    def __sub__(self, other):\n"
                    "        return self + (-other)\n", OWN_NEG_SUB)], ENGINE_ALL),
    ("tanh by math.tanh", [("engine.py", "        t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)\n",
                            "        t = math.tanh(x)\n")], ENGINE_ALL),
    ("data kept as float(data), grads as 0", [("engine.py", "        self.data = data\n        self.grad = 0.0\n",
                                               "        self.data = float(data)\n        self.grad = 0\n")], ENGINE_ALL),
    ("exp's _backward recomputes math.exp", [("engine.py", "            self.grad += out.data * out.grad",
                                              "            self.grad += math.exp(self.data) * out.grad")], ENGINE_ALL),
    ("a neuron that adds the bias after the sum",
     [("nn.py", "act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)",
       "act = sum(wi * xi for wi, xi in zip(self.w, x)) + self.b")], ("build-nn", "build-train")),
    ("a Module base class, and train_step calling model.zero_grad()",
     [("nn.py", "class Neuron:", MODULE + "class Neuron(Module):"), ("nn.py", "class Layer:", "class Layer(Module):"),
      ("nn.py", "class MLP:", "class MLP(Module):"),
      ("train.py", "    for p in model.parameters():\n        p.grad = 0.0\n", "    model.zero_grad()\n")],
     ("build-nn", "build-train")),
    ("parameters() by loops and extend",
     [("nn.py", "        return [p for layer in self.layers for p in layer.parameters()]",
       "        params = []\n        for layer in self.layers:\n            params.extend(layer.parameters())\n"
       "        return params")], ("build-nn", "build-train")),
    ("p.data -= lr * p.grad, the loss from a list", [
        ("train.py", "p.data += -lr * p.grad", "p.data -= lr * p.grad"),
        ("train.py", "    loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))",
         "    loss = sum([(yout - ygt) ** 2 for ygt, yout in zip(ys, ypred)])")], ("build-train",)),
    ("train_step returns the loss's number", [("train.py", "    return loss", "    return loss.data")], ("build-train",)),
    ("softmax with a max shift, NLL as -log of a list entry", [
        ("exercises.py", "    counts = [logit.exp() for logit in logits]",
         "    top = max(logit.data for logit in logits)\n    counts = [(logit - top).exp() for logit in logits]")],
     ("softmax-nll",)),
]


@pytest.mark.parametrize("style, edits, slugs", STYLES, ids=[s[0] for s in STYLES])
def test_correct_code_in_another_style_passes(tmp_path, style, edits, slugs):
    folder = tmp_path / "ws"
    shutil.copytree(SOLUTION, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name, old, new in edits:
        path = folder / name
        text = path.read_text()
        assert old in text, (style, old)
        path.write_text(text.replace(old, new, 1))
    for slug in slugs:
        outcomes = CheckRun(find_exercise(slug), folder, 30.0).run_all()
        failed = [f"{o.check.name}: {o.message}" for o in outcomes if not o.ok and not o.check.stretch]
        assert not failed, (style, slug, failed)


def test_there_are_at_least_twelve_styles():
    assert len(STYLES) >= 12
