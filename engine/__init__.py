"""micrograd_tui.engine: a scalar autograd engine and a tiny neural-net library.

Pure standard-library Python, usable on its own::

    from micrograd_tui.engine import Value
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    L = (a * b + 10) * -2
    L.backward()
    a.grad  # -> 6.0
"""

from .value import Value, gc_paused, topological_order
from . import data, graph, nn, train
from .nn import MLP, Layer, Module, Neuron
from .train import Step, Trainer

__all__ = [
    "Value",
    "gc_paused",
    "topological_order",
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "Trainer",
    "Step",
    "data",
    "graph",
    "nn",
    "train",
]
