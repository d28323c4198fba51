"""Exercise 15.1 (gradf), worked: each def below takes the place of the one of the same name in exercises.py
(a method, in its class). Shown to the learner only when asked; a test splices it into the starters
and runs the real checks."""

import math


def gradf(a, b, c):
    return [-3 * a**2 - 0.5 * a**-0.5, 3 * math.cos(3 * b) + 2.5 * b**1.5, 1 / c**2]
