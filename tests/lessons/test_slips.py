"""The learner's real slip is found where it was made and named: one row per slip (what the learner
wrote, the exercise that teaches that op, the words the message must hold). Checks that call backward on
the op's own output (out.grad = 1) let the first rows through; these seed another grad, keep a grad from
another use, and reuse an operand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from micrograd_tui.lessons.workshop.exercises import find_exercise
from micrograd_tui.lessons.workshop.checking import CheckRun

SOLUTION = Path(__file__).parent / "solution"

MUL_BACKWARD = "            self.grad += other.data * out.grad\n            other.grad += self.data * out.grad"
ADD_BACKWARD = "            self.grad += 1.0 * out.grad\n            other.grad += 1.0 * out.grad"

# backward() as the lecture writes it, and the order slips learners make in it (issue 28)
BACKWARD = (SOLUTION / "engine.py").read_text().split("    def backward(self):\n")[1]  # to the end of the file
NO_SORT = """        self.grad = 1.0

        def go(v):
            v._backward()
            for child in v._prev:
                go(child)
        go(self)
"""
STACK_WALK = """        self.grad = 1.0
        stack, seen = [self], set()
        while stack:
            v = stack.pop()
            if v not in seen:
                seen.add(v)
                v._backward()
                stack.extend(v._prev)
"""
BREADTH_FIRST = """        self.grad = 1.0
        queue, seen = [self], {self}
        while queue:
            v = queue.pop(0)
            v._backward()
            for child in v._prev:
                if child not in seen:
                    seen.add(child)
                    queue.append(child)
"""
NO_VISITED = BACKWARD.replace("""            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)""", """            for child in v._prev:
                build_topo(child)
            topo.append(v)""")
SEED_LAST = BACKWARD.replace("        self.grad = 1.0\n", "") + "        self.grad = 1.0\n"
ZERO = "    for p in model.parameters():\n        p.grad = 0.0\n"
BACK = "    loss.backward()\n"
UPDATE = "    for p in model.parameters():\n        p.data += -lr * p.grad\n"
WALKED = ["ran before", "first list every node in topological order"]

# slip, exercise that teaches the op, file, what the lecture's code says, what the learner wrote, words expected
SLIPS = [
    ("backward with no sort", "build-backward", "engine.py", BACKWARD, NO_SORT, ["e._backward ran 2 times", "once per path"]),
    ("a sort without a visited set", "build-backward", "engine.py", BACKWARD, NO_VISITED,
     ["ran 2 times", "visited set"]),
    ("a stack walk that runs _backward as it visits", "build-backward", "engine.py", BACKWARD, STACK_WALK, WALKED),
    ("a breadth-first walk that runs _backward as it visits", "build-backward", "engine.py", BACKWARD, BREADTH_FIRST,
     WALKED + ["q1"]),
    ("the seed set after the loop", "build-backward", "engine.py", BACKWARD, SEED_LAST,
     ["o.grad was still 0", "came after the loop"]),
    ("node.backward() in the loop", "build-backward", "engine.py", "            node._backward()\n",
     "            node.backward()\n", ["`backward` calls itself without end", "engine.py:", "node._backward()"]),
    # the net, piece by piece: each slip in its own words
    ("a neuron without + b", "build-nn", "nn.py", "act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)",
     "act = sum(wi * xi for wi, xi in zip(self.w, x))", ["a Neuron(3)", "the bias is missing"]),
    ("relu for tanh", "build-nn", "nn.py", "return act.tanh()", "return act if act.data > 0 else act * 0", ["relu where", "tanh"]),
    ("no activation", "build-nn", "nn.py", "return act.tanh()", "return act", ["no activation"]),
    ("a double loop for zip", "build-nn", "nn.py", "sum((wi * xi for wi, xi in zip(self.w, x)), self.b)",
     "sum((wi * xi for wi in self.w for xi in x), self.b)", ["a double loop", "zip(self.w, x)"]),
    ("the bias listed first", "build-nn", "nn.py", "return self.w + [self.b]", "return [self.b] + self.w",
     ["lists the bias first"]),
    ("a layer with nin and nout swapped", "build-nn", "nn.py", "[Neuron(nin) for _ in range(nout)]",
     "[Neuron(nout) for _ in range(nin)]", ["nin and nout swapped"]),
    ("layers not chained", "build-nn", "nn.py", "            x = layer(x)\n        return x\n",
     "            out = layer(x)\n        return out\n", ["each layer was given x"]),
    ("an MLP one layer short", "build-nn", "nn.py", "for i in range(len(nouts))]", "for i in range(len(nouts) - 1)]",
     ["2 layers (3→4, 4→4)", "expected 3 layers"]),
    # the loop, judged by what it did
    ("a learning rate of its own", "build-train", "train.py", "-lr * p.grad", "-100 * p.grad",
     ["ignores its lr", "-100·grad", "lr = 0.01"]),
    ("gradient ascent", "build-train", "train.py", "-lr * p.grad", "lr * p.grad", ["uphill"]),
    ("grads zeroed between backward and the update", "build-train", "train.py", ZERO + BACK + UPDATE,
     BACK + ZERO + UPDATE, ["did not change at step 1", "zeroed between loss.backward() and the update"]),
    ("the update before backward", "build-train", "train.py", ZERO + BACK + UPDATE, UPDATE + ZERO + BACK,
     ["did not change at step 1", "runs before loss.backward()"]),
    ("the mean for the sum", "build-train", "train.py", "    loss = sum(", "    loss = (1 / len(xs)) * sum(",
     ["step 0", "the mean over the 4 samples"]),
    # softmax and its loss
    ("NLL without its minus sign", "softmax-nll", "exercises.py", "return -probs[label].log()",
     "return probs[label].log()", ["the sign is flipped", "-probs["]),
    ("a denominator from .data", "softmax-nll", "exercises.py", "denominator = sum(counts)",
     "denominator = sum(c.data for c in counts)", ["grad is 0", "though the loss is right", ".data"]),
    ("no sort, met in build-more-ops", "build-more-ops", "engine.py", BACKWARD, NO_SORT,
     ["exercise build-backward fails first", "ran 2 times"]),
    ("tanh without the chain factor", "build-backward-ops", "engine.py",
     "self.grad += (1 - t**2) * out.grad", "self.grad += (1 - t**2)", ["`tanh`", "chain-rule factor missing"]),
    ("log without the chain factor", "build-more-ops", "engine.py",
     "self.grad += (1 / self.data) * out.grad", "self.grad += 1 / self.data", ["`log`", "chain-rule factor missing"]),
    ("** without the chain factor", "build-more-ops", "engine.py",
     "self.grad += other * (self.data ** (other - 1)) * out.grad", "self.grad += other * (self.data ** (other - 1))",
     ["`__pow__`", "chain-rule factor missing"]),
    ("= for += in __mul__", "build-backward-ops", "engine.py", MUL_BACKWARD,
     MUL_BACKWARD.replace("+=", "="), ["`__mul__`", "`=` instead of `+=`"]),
    ("= for += in __add__", "build-backward-ops", "engine.py", ADD_BACKWARD,
     ADD_BACKWARD.replace("+=", "="), ["`__add__`", "`=` instead of `+=`"]),
    ("wrong sign in __add__", "build-backward-ops", "engine.py", ADD_BACKWARD,
     ADD_BACKWARD.replace("+=", "-="), ["`__add__`", "wrong sign"]),
    ("__mul__ without return", "build-value", "engine.py",
     '        out = Value(self.data * other.data, (self, other), "*")\n\n        def _backward():\n'
     '            self.grad += other.data * out.grad\n            other.grad += self.data * out.grad\n'
     '        out._backward = _backward\n        return out\n',
     '        out = Value(self.data * other.data, (self, other), "*")\n\n        def _backward():\n'
     '            self.grad += other.data * out.grad\n            other.grad += self.data * out.grad\n'
     '        out._backward = _backward\n', ["`__mul__`", "returned None", "return out"]),
    ("MLP.__call__ without return", "build-nn", "nn.py", "            x = layer(x)\n        return x\n",
     "            x = layer(x)\n", ["MLP", "returned None", "return x"]),
    ("no __radd__", "build-more-ops", "engine.py", "    def __radd__(self, other):\n        return self + other\n", "",
     ["__radd__", "sum()", "TypeError"]),
    ("backward in topological order, not reversed", "build-backward", "engine.py",
     "        for node in reversed(topo):", "        for node in topo:", ["reverse topological order"]),
    ("+ without wrapping a plain number", "build-value", "engine.py",
     '        other = other if isinstance(other, Value) else Value(other)\n        out = Value(self.data + other.data',
     '        out = Value(self.data + other.data', ["AttributeError", "engine.py:", "wrap it first"]),
    ("* without wrapping a plain number", "build-value", "engine.py",
     '        other = other if isinstance(other, Value) else Value(other)\n        out = Value(self.data * other.data',
     '        out = Value(self.data * other.data', ["c = a * 2 (a number)", "AttributeError", "engine.py:",
                                                   "wrap it first"]),
    ("_backward() stored instead of _backward", "build-backward-ops", "engine.py",
     "        out._backward = _backward\n", "        out._backward = _backward()\n",
     ["TypeError", "engine.py:", "without the parentheses"]),
    # every TypeError and AttributeError: where in the learner's files, and a reading in plain words
    ("an MLP whose parameters() is named otherwise", "build-nn", "nn.py",
     "    def parameters(self):\n        return [p for layer", "    def params(self):\n        return [p for layer",
     ["AttributeError", "nn.py:", "your MLP has no `parameters`"]),
    ("math on a Value, not its data", "build-backward-ops", "engine.py", "        x = self.data\n", "        x = self\n",
     ["must be real number", "engine.py:", "plain floats"]),
    ("a Neuron that takes no nin", "build-nn", "nn.py", "class Neuron:\n    def __init__(self, nin):",
     "class Neuron:\n    def __init__(self):", ["nn.py:", "Neuron.__init__ was called with 2 arguments"]),
    ("a Layer that returns nothing", "build-nn", "nn.py", "        return outs[0] if len(outs) == 1 else outs",
     "        outs", ["nn.py:", "a None was looped over"]),
    # an exercise that builds on the engine says which earlier one fails first, and which op
    ("softmax on a log without the chain factor", "softmax-nll", "engine.py",
     "self.grad += (1 / self.data) * out.grad", "self.grad += 1 / self.data",
     ["exercise build-more-ops fails first", "`log`", "chain-rule factor missing"]),
    ("training on a __mul__ with =", "build-train", "engine.py", MUL_BACKWARD, MUL_BACKWARD.replace("+=", "="),
     ["exercise build-backward-ops fails first", "`__mul__`", "`=` instead of `+=`"]),
]


@pytest.fixture
def solved(tmp_path) -> Path:
    folder = tmp_path / "ws"
    shutil.copytree(SOLUTION, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


@pytest.mark.parametrize("slip, slug, name, old, new, words", SLIPS, ids=[s[0] for s in SLIPS])
def test_the_slip_fails_where_the_op_is_taught_and_is_named(solved, slip, slug, name, old, new, words):
    path = solved / name
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    outcomes = CheckRun(find_exercise(slug), solved, 10.0).run_all()
    bad = [o for o in outcomes if not o.ok and not o.check.stretch]
    assert bad, f"{slip}: every check of {slug} passed"
    message = f"{bad[0].check.name}: {bad[0].message}"
    for w in words:
        assert w in message, (slip, w, message)


def first_failure_after(folder: Path, old: str, new: str, slug: str = "build-more-ops"):
    path = folder / "engine.py"
    path.write_text(path.read_text().replace(old, new))
    return next(o for o in CheckRun(find_exercise(slug), folder, 10.0).run_all() if not o.ok)


def test_a_slip_in_an_op_is_not_blamed_on_the_op_that_uses_it(solved):
    """a / b is a * b**-1: a ** without its chain factor is ``__pow__``'s, not ``__truediv__``'s."""
    first = first_failure_after(solved, "self.grad += other * (self.data ** (other - 1)) * out.grad",
                                "self.grad += other * (self.data ** (other - 1))")
    assert "`__pow__`" in first.message and "__truediv__" not in first.message, first.message


def test_the_random_cases_say_their_seed_and_agree_with_finite_differences(solved):
    from micrograd_tui.lessons.workshop.local import LOCAL_SEED

    # right on the fixed case (a = 1.5), wrong elsewhere: only a random case can find it
    first = first_failure_after(solved, "self.grad += (1 / self.data) * out.grad",
                                "self.grad += (1 / self.data if self.data == 1.5 else 1.0) * out.grad")
    assert f"random case, seed {LOCAL_SEED}" in first.message and "finite difference" in first.message


# --- correct code in other styles passes (issue 28: no false alarms) ---------------------------------------

@pytest.mark.parametrize("old, new, slug", [
    ("        self._backward = lambda: None\n", "        self._backward = None  # leaves have none\n", "build-backward-ops"),
    ("        self._backward = lambda: None\n", "", "build-value"),
])
def test_a_leaf_without_a_backward_is_correct_code(tmp_path, old, new, slug):
    """A Value whose leaves have no _backward (None, or none at all) is fine when backward() skips them."""
    folder = tmp_path / "ws"
    shutil.copytree(SOLUTION, folder)
    engine = folder / "engine.py"
    text = engine.read_text()
    assert old in text
    text = text.replace(old, new)
    text = text.replace("            node._backward()", "            if node._backward is not None:\n"
                        "                node._backward()") if new else text
    if not new:  # no attribute at all: backward() asks getattr
        text = text.replace("            node._backward()", "            getattr(node, '_backward', lambda: None)()")
    engine.write_text(text)
    outcomes = CheckRun(find_exercise(slug), folder, 10.0).run_all()
    assert all(o.ok or o.check.stretch for o in outcomes), [o.message for o in outcomes if not o.ok]


def test_a_value_with_slots_and_no_label_passes_softmax(tmp_path):
    """The harness named the logits by setting .label, which a Value with __slots__ does not have."""
    folder = tmp_path / "ws"
    shutil.copytree(SOLUTION, folder)
    engine = folder / "engine.py"
    text = engine.read_text()
    assert "        self.label = label\n" in text
    text = text.replace("        self.label = label\n", "")
    text = text.replace("class Value:\n", "class Value:\n    __slots__ = ('data', 'grad', '_backward', '_prev', '_op')\n")
    engine.write_text(text)
    outcomes = CheckRun(find_exercise("softmax-nll"), folder, 10.0).run_all()
    assert all(o.ok or o.check.stretch for o in outcomes), [o.message for o in outcomes if not o.ok]


NAMED = {  # a slip's row above -> the short name a teacher's summary counts it under (issue 32)
    "wrong sign in __add__": "wrong sign",
    "tanh without the chain factor": "chain-rule factor missing",
    "= for += in __mul__": "`=` instead of `+=`",
    "backward with no sort": "a node run once per path",
    "the seed set after the loop": "output seeded last",
    "backward in topological order, not reversed": "children first",
    "a neuron without + b": "the bias is missing",
}


@pytest.mark.parametrize("row", NAMED)
def test_a_named_slip_carries_its_short_name_for_the_teacher(solved, row):
    slip, slug, name, old, new, _ = next(s for s in SLIPS if s[0] == row)
    path = solved / name
    path.write_text(path.read_text().replace(old, new, 1))
    bad = next(o for o in CheckRun(find_exercise(slug), solved, 10.0).run_all() if not o.ok and not o.check.stretch)
    assert bad.verdict is not None and bad.verdict.slip == NAMED[row], (row, bad.message)
