import math


def f(a, b, c):
    return -a**3 + math.sin(3*b) - 1.0/c + b**2.5 - a**0.5


def gradf(a, b, c):
    return [-3 * a**2 - 0.5 * a**-0.5, 3 * math.cos(3 * b) + 2.5 * b**1.5, 1 / c**2]


def softmax(logits):
    counts = [logit.exp() for logit in logits]
    denominator = sum(counts)
    return [c / denominator for c in counts]


def nll(logits, label):
    probs = softmax(logits)
    return -probs[label].log()
