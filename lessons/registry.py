"""Every lesson, in order: number, slug, title, prose (Markdown) and the lab it opens.

Like an ordered exercise list: the app walks this tuple and knows nothing about
any single lesson. A new lesson is a new entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from micrograd_tui.engine import Value
from micrograd_tui.engine.value import topological_order

from . import expressions as ex
from .labs import (
    BuildLab, CompareLab, Exercise, ExerciseLab, FunctionLab, GraphLab, Lab, NudgeLab, ReuseLab, SourceLab,
    StepLab, Var,
)
from .numbers import fmt

__all__ = ["Lesson", "LESSONS", "find"]


@dataclass(frozen=True)
class Lesson:
    number: int
    slug: str
    title: str
    prose: str  # Markdown; its first paragraph is the summary
    make_lab: Callable[[], Lab]

    @property
    def summary(self) -> str:
        return self.prose.strip().split("\n\n")[0]


# --- labs --------------------------------------------------------------------


def _lesson0() -> Lab:
    def build():
        g, a, b = ex.readme_example()
        return [("", g)]

    def facts(roots):
        g = roots[0]
        leaves = {v.label: v for v in topological_order(g) if not v._op}
        return [("g", fmt(g.data)), ("dg/da", fmt(leaves["a"].grad)), ("dg/db", fmt(leaves["b"].grad))]

    return GraphLab(build, facts, note="computed by the engine as the lesson opened: forward, then g.backward()")


def _lesson1() -> Lab:
    return FunctionLab(ex.quadratic, [Var("x", 3.0, 0.5)], plot_var="x", formula="f")


def _lesson2() -> Lab:
    return FunctionLab(ex.d_of_abc, [Var("a", 2.0, 0.5), Var("b", -3.0, 0.5), Var("c", 10.0, 0.5)],
                       show_graph=True, formula="d")


def _lesson3() -> Lab:
    return BuildLab(ex.lesson3_stages, backward_on_open=False,
                    note="b rebuilds the graph one node at a time")


def _lesson4() -> Lab:
    return ExerciseLab(Exercise(ex.lesson3_nodes, ["L", "d", "f", "c", "e", "a", "b"], "L"))


def _lesson5() -> Lab:
    return NudgeLab(ex.lesson3_graph, rate=0.01)


def _lesson6() -> Lab:
    order = ["o", "n", "b", "x1w1+x2w2", "x1w1", "x2w2", "x1", "w1", "x2", "w2"]
    return ExerciseLab(Exercise(ex.neuron_nodes, order, "o", plot=ex.tanh_plot))


def _lesson7() -> Lab:
    return StepLab(ex.neuron)


def _lesson8() -> Lab:
    def facts(roots):
        leaves = ex.neuron_leaves(roots[0])
        return [("o", fmt(roots[0].data))] + [(f"{k}.grad", fmt(v.grad)) for k, v in leaves.items()]

    return GraphLab(lambda: [("", ex.neuron())], facts, backward_on_open=False, show_order=True,
                    note="the order lists every node after the nodes it is built from: g runs o.backward()")


def _lesson9() -> Lab:
    return ReuseLab([("b = a + a", ex.reuse_simple), ("f = (a*b)*(a+b)", ex.reuse_mixed)])


def _lesson10() -> Lab:
    def facts(roots):
        rows = []
        for title, r in (("tanh", roots[0]), ("exp", roots[1])):
            rows.append((f"o ({title})", fmt(r.data)))
        for k in ("x1", "w1", "x2", "w2"):
            a = ex.neuron_leaves(roots[0])[k].grad
            b = ex.neuron_leaves(roots[1])[k].grad
            rows.append((f"{k}.grad  tanh | exp", f"{fmt(a)} | {fmt(b)}"))
        return rows

    return GraphLab(lambda: [("o = tanh(n)", ex.neuron()), ("o = (e-1)/(e+1)", ex.neuron_exp_form())], facts)


def _lesson11() -> Lab:
    from .crosscheck import CASES, recorded, torch_results

    cases = ["neuron", "neuron_float32_bias"]

    def ours():
        rows = {}
        root = None
        for name in cases:
            out, leaves = CASES[name](Value)
            for k, v in leaves.items():
                v.label = k
            out.backward()
            root = root or out
            tag = "" if name == "neuron" else " (b via float32)"
            rows[f"o{tag}"] = out.data
            if name == "neuron":
                rows.update({f"{k}.grad": v.grad for k, v in leaves.items() if k != "b"})
        root.label = "o"
        return root, rows

    def _rows(values):
        rows = {}
        for name in cases:
            tag = "" if name == "neuron" else " (b via float32)"
            rows[f"o{tag}"] = values[name]["out"]
            if name == "neuron":
                rows.update({f"{k}.grad": values[name][k] for k in ("x1", "x2", "w1", "w2")})
        return rows

    def theirs():
        import torch

        return f"PyTorch {torch.__version__} (live)", _rows(torch_results(cases))

    def fallback():
        rec = recorded()
        return f"PyTorch {rec['torch_version']} (recorded)", _rows(rec["cases"])

    return CompareLab(ours, theirs, fallback)


def _lesson12() -> Lab:
    def facts(roots):
        model = ex.lecture_mlp()
        return [
            ("MLP(3, [4, 4, 1]) on [2, 3, -1]", fmt(roots[0].data)),
            ("parameters", str(len(model.parameters()))),
            ("  = 4·4 + 4·5 + 1·5", str(4 * 4 + 4 * 5 + 1 * 5)),
            ("first weight", fmt(model.layers[0].neurons[0].w[0].data)),
        ]

    return GraphLab(lambda: [("out", ex.mlp_forward())], facts, backward_on_open=False,
                    note=f"weights drawn from seed {ex.LECTURE_SEED}; g runs backward")


def _lesson13() -> Lab:
    state = {}

    def build():
        loss, model, preds = ex.lecture_loss()
        state["model"], state["preds"] = model, preds
        return [("loss", loss)]

    def facts(roots):
        model, preds = state["model"], state["preds"]
        w = model.layers[0].neurons[0].w[0]
        rows = [(f"ypred{i}  (target {y:+.0f})", fmt(p.data)) for i, (p, y) in enumerate(zip(preds, [1, -1, -1, 1]))]
        rows.append(("loss = Σ (ypred - y)²", fmt(roots[0].data)))
        rows.append(("forward passes in the graph", str(len(preds))))
        rows.append(("layer 0, neuron 0, w0.grad", fmt(w.grad) + ("" if w.grad else "  (g runs backward)")))
        return rows

    return GraphLab(build, facts, backward_on_open=False, note="g runs loss.backward(): every weight gets its grad")


def _lesson14() -> Lab:
    from .training import TrainLab

    return TrainLab("lecture")


def _lesson15() -> Lab:
    value_map = [
        ("Value, data, grad, _prev, _op", "lesson 3"),
        ("__add__, __mul__ and their _da/_db", "lessons 4, 7"),
        ("tanh", "lesson 6"),
        ("backward, topological_order", "lesson 8"),
        ("grad += (accumulate)", "lesson 9"),
        ("exp, **, /, -, reflected ops", "lesson 10"),
        ("no closures, iterative sort", "what the original does differently"),
    ]
    nn_map = [
        ("Neuron: act(w·x + b)", "lesson 12"),
        ("Layer, MLP", "lesson 12"),
        ("parameters, zero_grad", "lessons 13, 14"),
        ("flavour 'micrograd' (ReLU)", "lesson 16"),
        ("predict on floats", "lesson 16's boundary"),
    ]
    train_map = [
        ("mse_loss", "lesson 13"),
        ("Trainer.step", "lesson 14"),
        ("svm_loss, demo_learning_rate", "lesson 16"),
    ]
    return SourceLab([
        ("engine/value.py", lambda: ex.engine_source("value.py"), value_map),
        ("engine/nn.py", lambda: ex.engine_source("nn.py"), nn_map),
        ("engine/train.py", lambda: ex.engine_source("train.py"), train_map),
    ])


def _lesson16() -> Lab:
    from .training import TrainLab

    return TrainLab("demo")


def _lesson17() -> Lab:
    from .playground import PlaygroundLab

    return PlaygroundLab()


# --- the lessons -----------------------------------------------------------------

LESSONS: tuple[Lesson, ...] = (
    Lesson(0, "micrograd", "micrograd in one screen", """
A whole autograd engine fits in about a hundred lines. On the right it has just
computed a tangle of additions, products, powers and ReLUs, and then worked out
how much the final output `g` moves when you wiggle each input.

```python
a = Value(-4.0)
b = Value(2.0)
c = a + b
d = a * b + b**3
c += c + 1
c += 1 + c + (-a)
d += d * 2 + (b + a).relu()
d += 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2
g += 10 / f
g.backward()
```

`g.data` is the forward value. `a.grad` is **dg/da**: nudge `a` up a tiny bit
and `g` goes up about 138.8 times as much. Getting those numbers for every
input at once is *backpropagation*, and by the end of these lessons you will
have built every piece of it yourself.

The tree shows the expression graph, output at the top: each row is one
`Value` with the op that produced it, its data and its grad. Move with the
arrow keys, `enter` folds a node. Press `n` for the next lesson.
""", _lesson0),
    Lesson(1, "derivative", "The derivative of a one-input function", """
Start with a plain function: f(x) = 3x² − 4x + 5. Its derivative at a point is
the slope of the curve there: how much f changes per unit change of x, for a
very small change.

You can *measure* it: step x by a small h and divide the change by h,
`(f(x + h) − f(x)) / h`. At x = 3, f = 20 and the slope is 14. Calculus says the
exact slope is 6x − 4; here the engine gets it by `backward()`.

Try it: `[` and `]` move x, `-` and `=` shrink or grow h, or type into the
fields (`tab` reaches them; `2/3` works). Find where the slope is 0.

Then make h tiny, 1e-15 or smaller. The estimate goes wrong: f(x+h) and f(x)
agree in nearly every digit a float holds, and their difference is mostly
rounding. Numerical slopes are a check, not a method.
""", _lesson1),
    Lesson(2, "several-inputs", "A derivative for each input", """
Now d = a·b + c with a = 2, b = −3, c = 10, so d = 4. There is a slope for
each input: nudge one, keep the others, and see how d moves.

* ∂d/∂a is b = −3: a bigger a makes a·b more negative.
* ∂d/∂b is a = 2.
* ∂d/∂c is 1: c is simply added.

`v` picks the input to move, `[` `]` move it, `-` `=` change h. The table
shows each numerical slope next to the exact one from `backward()`. The graph
of d shows the same grads in its grad column.
""", _lesson2),
    Lesson(3, "value", "The Value object and its graph", """
To differentiate big expressions we keep track of how each number was made.
A `Value` wraps one number (`data`), remembers the Values it came from
(`_prev`) and the operation (`_op`), and has room for its gradient (`grad`).

```python
a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = Value(10.0, label='c')
f = Value(-2.0, label='f')
e = a * b
d = e + c
L = d * f       # L = -8
```

Python calls `a.__mul__(b)`, which returns a new Value whose `_prev` is
`(a, b)` and whose `_op` is `'*'`. Chained together they form a graph, shown
as a tree with the output L at the top.

Every grad is 0: nothing has been backpropagated yet. Press `b` to rebuild
the graph one node at a time and watch `_op` and `_prev` of each new node.
""", _lesson3),
    Lesson(4, "manual-backprop", "Backpropagation by hand", """
Time to fill in every grad yourself: dL/dnode for each node, from the output
down to the leaves.

* dL/dL is 1.
* For `L = d * f`: dL/dd is f, and dL/df is d. **Multiplication swaps the
  operands.**
* For `d = e + c`: a sum passes the gradient straight through, so dL/de and
  dL/dc both equal dL/dd. **+ routes the gradient unchanged.**
* Further down, the **chain rule**: dL/da = dL/de · de/da.

Type each answer and press `enter`. `h` gives a hint, `a` shows the answer,
and `f` checks a node by finite differences the way the lecture does: nudge
that node by h = 0.001, rebuild L, and measure the change.
""", _lesson4),
    Lesson(5, "one-step", "One optimisation step", """
The grads say which way each leaf should move to make L larger. Move every
leaf a little in the direction of its grad, `leaf.data += 0.01 * leaf.grad`,
build L again, and it goes up.

Press `s`: a, b, c and f move to 2.06, −3.04, 9.98 and −1.96, and L rises from
−8 to −7.286496. Press again to keep climbing. Training a neural net is this
step, with the loss in place of L and the sign flipped to go down.
""", _lesson5),
    Lesson(6, "neuron", "A neuron, by hand", """
A neuron multiplies each input by a weight, adds a bias and squashes the sum
with an activation function: o = tanh(x1·w1 + x2·w2 + b). The plot shows
tanh: near 0 it is almost a straight line, far out it flattens at ±1.

With x1 = 2, x2 = 0, w1 = −3, w2 = 1 and b = 6.8813735870195432, the sum n is
0.8814 and o = 0.7071.

Backpropagate through it by hand. The one new rule: the derivative of tanh is
**1 − tanh²**, so do/dn = 1 − o² = 0.5. After that, + passes gradients through
and * swaps. Notice that w2 gets grad 0: its input x2 is 0, so it cannot
change the output.
""", _lesson6),
    Lesson(7, "backward-per-op", "_backward for each op", """
Doing it by hand shows the pattern: every op knows how to pass its output's
gradient to its inputs. So each Value gets a small `_backward` that does just
that, using the chain rule.

* `+`: each input gets `out.grad`.
* `*`: `a` gets `b.data * out.grad`, `b` gets `a.data * out.grad`.
* `tanh`: the input gets `(1 - t**2) * out.grad`.

Press `s` to run one node's `_backward` at a time, from the output down. The
node that just ran is highlighted in the tree, and the line above says which
rule it used. Note that every one of them *adds* into grad (`+=`).
""", _lesson7),
    Lesson(8, "topological-order", "backward() for the whole graph", """
Calling `_backward` by hand needs the right order: a node may pass its grad on
only once every node that uses it has passed theirs. A **topological sort**
gives that order: every node after all the nodes it is built from. Walk it
backwards, and each node is ready when its turn comes.

```python
def backward(self):
    # inputs first, output last
    topo = topological_order(self)
    self.grad = 1.0
    for v in reversed(topo):
        v._backward()
```

The list shows the neuron's order: leaves before the nodes built from them and
`o` last. Press `g` to run `o.backward()` and fill every grad at once.
""", _lesson8),
    Lesson(9, "reuse-bug", "The reuse bug", """
What if a node is used twice? In `b = a + a`, the + sends `b.grad` to a twice.
If `_backward` *overwrites* (`a.grad = out.grad`), the second write erases the
first and a.grad is 1. The right answer is 2: the contributions must
**accumulate** (`a.grad += out.grad`).

The same happens whenever a Value feeds more than one node. In
f = (a·b)·(a + b) with a = −2 and b = 3, a goes into both factors.

Press `o` to switch between overwrite and accumulate and watch the grads
change. This is why grads start at 0 and why `backward()` twice without
zeroing gives double.
""", _lesson9),
    Lesson(10, "breaking-up-tanh", "Breaking up tanh", """
tanh need not be one op. tanh(n) = (e − 1)/(e + 1) with e = exp(2n), so with a
few more ops the engine can build it from pieces:

* numbers mixed with Values, `2 * n` and `e - 1`, need the reflected ops
  (`__rmul__`, `__rsub__`, ...);
* `exp`, whose local derivative is itself: `out.data * out.grad`;
* `x ** k` for a number k, by the power rule;
* division as `a * b**-1` and subtraction as `a + (-b)`.

Left, tanh as one op; right, the same neuron from the pieces. The output and
the leaf grads agree: how finely you cut the graph is your choice, as long as
each piece knows its local derivative.
""", _lesson10),
    Lesson(11, "pytorch", "The same in PyTorch", """
PyTorch does the same thing, with tensors instead of scalars:

```python
import torch
x1 = torch.tensor([2.0],
       dtype=torch.double,
       requires_grad=True)
...  # x2, w1, w2, b alike
o = torch.tanh(x1*w1 + x2*w2 + b)
o.backward()
print(o.item(), x1.grad.item())
```

The table compares our engine with PyTorch in float64: the same numbers. One
row shows a classic trap: `torch.Tensor([6.88137358]).double()` first stores
b as float32, which rounds it, and o comes out as 0.7071066904 instead of
0.7071067812.
""", _lesson11),
    Lesson(12, "mlp", "A neural-net library", """
With a working engine, a neural net is a little bookkeeping:

* a **Neuron** has a weight per input and a bias, drawn at random in [−1, 1],
  and computes tanh(w·x + b);
* a **Layer** is a list of neurons fed the same inputs;
* an **MLP** chains layers: `MLP(3, [4, 4, 1])` maps 3 inputs through layers of
  4, 4 and 1 neurons.

Each neuron has one weight per input plus a bias: 4·(3+1) + 4·(4+1) + 1·(4+1)
= 41 parameters. The tree shows the graph of one forward pass; it is big,
because every multiplication and addition is a node.
""", _lesson12),
    Lesson(13, "loss", "A tiny dataset and a loss", """
Four examples with three inputs each, and the output we want for each:

```python
xs = [[2, 3, -1], [3, -1, 0.5],
      [0.5, 1, 1], [1, 1, -1]]
ys = [1, -1, -1, 1]
```

The **loss** measures how wrong the net is as one number: the sum over the four
of (prediction − target)². It is 0 only when every prediction is exact.

Its graph holds all four forward passes. Press `g` to run `loss.backward()`: each
weight's grad then says how the loss would change if that weight moved.
""", _lesson13),
    Lesson(14, "gradient-descent", "Gradient descent, live", """
Training repeats four steps:

```python
for k in range(steps):
    # forward
    ypred = [model(x) for x in xs]
    loss = sum((yp - y)**2
               for yp, y in zip(ypred, ys))
    # forget old grads, get new ones
    model.zero_grad()
    loss.backward()
    # step downhill
    for p in model.parameters():
        p.data += -lr * p.grad
```

Press `space` to run, `s` for one step, `r` to start again. Watch the loss fall
and the predictions move toward [1, −1, −1, 1].

`z` leaves out `zero_grad`, the lecture's famous bug: gradients from every
earlier step pile up, steps get larger and larger, and the run becomes
unstable. Try a large learning rate too (`v` picks a knob, `[` `]` change it).
""", _lesson14),
    Lesson(15, "what-we-built", "What we built", """
That is all of it: an engine that builds a graph as you compute and runs the
chain rule backwards over it, and a neural-net library on top. The original
micrograd is about 100 lines of engine and 50 of nn.

On the right is this app's own engine, as installed: the same ideas, with a few
changes that make it fast (local derivatives stored instead of closures, so
the garbage collector has nothing to chase; an iterative topological sort).
`>` shows the next file.

Real libraries differ in scale, not in kind: **tensors** instead of scalars,
so one node does millions of multiplications; losses like **cross-entropy**;
optimisers like **Adam**; **mini-batches** of data. The backward pass is the
same idea.
""", _lesson15),
    Lesson(16, "demo", "The micrograd demo: two moons", """
The original repository's demo: 100 points in two interleaving moons, labels
−1 and +1. An MLP(2, [16, 16, 1]) with ReLU hidden layers and a linear output
(337 parameters) learns to tell them apart.

Its loss is the **max-margin** (SVM) loss, mean(relu(1 − y·score)), plus a small
L2 penalty 1e-4·Σp² that keeps weights small. The learning rate decays from 1.0
to 0.1 over the 100 steps.

Press `space` and watch the loss and accuracy curves and the decision boundary
form as it trains. `d` changes the dataset (moons, circles, xor), `m` shows one
point's graph, `v` `[` `]` set steps and mini-batch size.
""", _lesson16),
    Lesson(17, "playground", "Playground", """
Your turn: type any expression of named numbers and see its graph and grads.

```
a = 2; b = -3; c = 10; f = -2; L = (a*b + c)*f
```

Statements are separated by `;` or new lines; you can use `+ - * / **`,
parentheses, and `tanh`, `exp`, `relu`, `log`, `sigmoid`, written `tanh(x)` or
`x.tanh()`. The last statement's value is the output: backward runs at once.
Press `enter` to evaluate, `up`/`down` for history, `escape` to leave the input,
then `s` steps the backward pass and `l` loads an example.
""", _lesson17),
)


def find(key: str | int) -> Lesson:
    """A lesson by number (``3``, ``"3"``) or slug; KeyError if there is none."""
    if isinstance(key, int) or (isinstance(key, str) and key.strip().isdigit()):
        n = int(key)
        if 0 <= n < len(LESSONS):
            return LESSONS[n]
        raise KeyError(f"no lesson {n}: lessons are numbered 0 to {len(LESSONS) - 1}")
    for lesson in LESSONS:
        if lesson.slug == key:
            return lesson
    raise KeyError(f"no lesson called {key!r}: see micrograd-tui --list")
