"""Lesson 17: the playground (stub until the expression language lands)."""
from .labs import Lab

class PlaygroundLab(Lab):
    kind = "playground"
