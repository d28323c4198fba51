"""Two exercises of the kind handed out after the lecture (15.1 and 15.2)."""

import math


def f(a, b, c):
    """The function of exercise 15.1 (gradf), on plain floats."""
    return -a**3 + math.sin(3*b) - 1.0/c + b**2.5 - a**0.5


def gradf(a, b, c):
    """Exercise 15.1 (gradf): the gradient of f, worked out by hand: [df/da, df/db, df/dc].
    The check compares it with numerical slopes of f."""
    raise NotImplementedError("exercise 15.1 (gradf): write gradf")


# Exercise 15.2 (softmax-nll): this code is given. It runs on your Value, so it needs your
# exp, log, sum() over Values (__radd__) and / (__truediv__); the check compares the logits'
# gradients with micrograd-tui's own engine.

def softmax(logits):
    counts = [logit.exp() for logit in logits]
    denominator = sum(counts)
    return [c / denominator for c in counts]


def nll(logits, label):
    """The negative log-likelihood of the right class: -log(softmax(logits)[label])."""
    probs = softmax(logits)
    return -probs[label].log()
