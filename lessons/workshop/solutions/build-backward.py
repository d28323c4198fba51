"""Exercise 9.1 (build-backward), worked: each def below takes the place of the one of the same name in engine.py
(a method, in its class). Shown to the learner only when asked; a test splices it into the starters
and runs the real checks."""


class Value:
    def backward(self):
        topo, visited, stack = [], set(), [(self, False)]
        while stack:
            v, children_done = stack.pop()
            if children_done:
                topo.append(v)
            elif v not in visited:
                visited.add(v)
                stack.append((v, True))
                stack.extend((child, False) for child in v._prev)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
