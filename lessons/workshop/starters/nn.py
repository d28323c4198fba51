"""Your neural-net library, on your Value: Neuron, Layer and MLP (exercise 12.1, build-nn)."""

import random

from engine import Value


class Neuron:
    """One neuron with nin inputs: a weight per input and a bias, each Value(random.uniform(-1, 1)),
    weights first. Calling it on a list of inputs x returns tanh(w·x + b) as a Value."""

    def __init__(self, nin):
        raise NotImplementedError("exercise 12.1 (build-nn): write Neuron.__init__")

    def __call__(self, x):
        raise NotImplementedError("exercise 12.1 (build-nn): write Neuron.__call__")

    def parameters(self):
        """Every weight, then the bias."""
        raise NotImplementedError("exercise 12.1 (build-nn): write Neuron.parameters")


class Layer:
    """nout neurons, each with nin inputs, all fed the same x. Calling it returns the list of their
    outputs, or the single Value when nout is 1."""

    def __init__(self, nin, nout):
        raise NotImplementedError("exercise 12.1 (build-nn): write Layer.__init__")

    def __call__(self, x):
        raise NotImplementedError("exercise 12.1 (build-nn): write Layer.__call__")

    def parameters(self):
        """Every neuron's parameters, neuron by neuron."""
        raise NotImplementedError("exercise 12.1 (build-nn): write Layer.parameters")


class MLP:
    """Layers chained: MLP(3, [4, 4, 1]) maps 3 inputs through layers of 4, 4 and 1 neurons."""

    def __init__(self, nin, nouts):
        raise NotImplementedError("exercise 12.1 (build-nn): write MLP.__init__")

    def __call__(self, x):
        raise NotImplementedError("exercise 12.1 (build-nn): write MLP.__call__")

    def parameters(self):
        """Every layer's parameters, layer by layer (41 for MLP(3, [4, 4, 1]))."""
        raise NotImplementedError("exercise 12.1 (build-nn): write MLP.parameters")
