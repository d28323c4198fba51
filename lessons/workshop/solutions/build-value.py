"""Exercise 3.1 (build-value), worked: each def below takes the place of the one of the same name in engine.py
(a method, in its class). Shown to the learner only when asked; a test splices it into the starters
and runs the real checks."""


class Value:
    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), '+')
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), '*')
        return out
