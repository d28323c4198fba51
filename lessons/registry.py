"""Every lesson, in order: a slug and the lab it opens; its title and prose are in ``prose/NN-slug.md``.

Like an ordered exercise list: the app walks the course and knows nothing about
any single lesson. A lesson's number is its place in :data:`ENTRIES` (lessons
0-17 keep theirs: saved progress and scripts use them). A new lesson is one
prose file and one entry here.
"""

from __future__ import annotations

from typing import Callable, Sequence

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import leaves, node_count
from micrograd_tui.engine.value import topological_order as topological_order_of

from . import expressions as ex
from .kinds.build import BuildLab
from .kinds.compare import CompareLab
from .kinds.by_hand import ByHand, ByHandLab
from .kinds.function import FunctionLab, Var
from .kinds.graph import GraphLab
from .kinds.nudge import NudgeLab
from .kinds.reuse import ReuseLab
from .kinds.source import SourceLab
from .kinds.steps import StepLab
from .course import Course, Entry, Lesson
from .lab import Lab, PlotPanel, Series
from .numtext import fmt

__all__ = ["ENTRIES", "COURSE", "LESSONS", "find"]

# --- the labs, one factory per lesson, named by slug ------------------------------------


def micrograd() -> Lab:
    def facts(roots):
        g = roots[0]
        ins = {v.label: v for v in leaves(g)}
        return [("g", fmt(g.data)), ("dg/da", fmt(ins["a"].grad)), ("dg/db", fmt(ins["b"].grad))]

    return GraphLab(lambda: [("", ex.labelled(ex.readme_example)[0])], facts,
                    note="computed by the engine as the lesson opened: forward, then g.backward()")


def derivative() -> Lab:
    return FunctionLab(lambda v: ex.quadratic(v["x"]), [Var("x", 3.0, 0.5)], plot_var="x", formula="f")


def several_inputs() -> Lab:
    return FunctionLab(lambda v: v["a"] * v["b"] + v["c"], [Var("a", 2.0, 0.5), Var("b", -3.0, 0.5),
                       Var("c", 10.0, 0.5)], show_graph=True, formula="d")


def value() -> Lab:
    return BuildLab(lambda: ex.labelled(ex.lesson3)[1].made, note="[[build]] rebuilds the graph one node at a time")


def manual_backprop() -> Lab:
    return ByHandLab(ByHand(ex.lesson3_nodes, ["L", "d", "f", "c", "e", "a", "b"], "L"))


def one_step() -> Lab:
    return NudgeLab(lambda moved: ex.labelled(ex.lesson3, leaves=moved)[0], rate=0.01)


def _tanh_plot(nodes: dict[str, Value]) -> PlotPanel:
    xs = [-5 + i * 0.05 for i in range(201)]
    ys = [Value(x).tanh().data for x in xs]
    n, o = nodes["n"], nodes["o"]
    return PlotPanel("tanh squashes n into (-1, 1)", (
        Series(xs, ys, "tanh(x)"),
        Series([n.data], [o.data], "o at n", scatter=True, marker="●", role="mark"),
    ), xlabel="x", ylim=(-1.2, 1.2))


def neuron() -> Lab:
    order = ["o", "n", "b", "x1w1+x2w2", "x1w1", "x2w2", "x1", "w1", "x2", "w2"]
    return ByHandLab(ByHand(ex.neuron_nodes, order, "o", plot=_tanh_plot))


def backward_per_op() -> Lab:
    return StepLab(lambda: ex.labelled(ex.neuron)[0])


def _leaf_grads(root: Value) -> dict[str, Value]:
    return {v.label: v for v in leaves(root)}


DEEP = 5_000  # additions in the chain that shows why the engine's sort is a loop, not a recursion


def recursion_rows(root: Value) -> list[tuple[str, str]]:
    """The lecture's recursive build_topo against the engine's loop: on this graph, and on a deep chain."""
    same = [id(v) for v in ex.build_topo(root)] == [id(v) for v in topological_order_of(root)]
    deep = ex.chain(DEEP)
    try:
        recursive = f"{len(ex.build_topo(deep)):,} nodes"
    except RecursionError:
        recursive = "RecursionError"
    return [("build_topo", "same order" if same else "another order"),
            (f"chain {DEEP:,} deep", ""), ("  build_topo", recursive),
            ("  our loop", f"{len(topological_order_of(deep)):,} nodes")]


def topological_order() -> Lab:
    extra: list[tuple[str, str]] = []

    def facts(roots):
        if not extra:  # computed once: the deep chain is the same every time
            extra.extend(recursion_rows(roots[0]))
        return ([("o", fmt(roots[0].data))] + [(f"{k}.grad", fmt(v.grad)) for k, v in _leaf_grads(roots[0]).items()]
                + extra)

    return GraphLab(lambda: [("", ex.labelled(ex.neuron)[0])], facts, backward_on_open=False, show_order=True,
                    note="the order lists every node after the nodes it is built from: "
                         "[[backward]] runs o.backward()")


def reuse_bug() -> Lab:
    def made(builder):
        def make():
            out = ex.labelled(builder)[0]
            return out, leaves(out)
        return make

    return ReuseLab([("b = a + a", made(ex.reuse_simple)), ("f = (a*b)*(a+b)", made(ex.reuse))],
                    again=("lesson 3's L", made(ex.lesson3)))


def breaking_up_tanh() -> Lab:
    def facts(roots):
        # Two columns, the tanh graph's number | the exp form's, short enough for a narrow side column.
        tanh_leaves, exp_leaves = _leaf_grads(roots[0]), _leaf_grads(roots[1])
        pairs = [("o", fmt(roots[0].data), fmt(roots[1].data))]
        pairs += [(f"{k}.grad", fmt(tanh_leaves[k].grad), fmt(exp_leaves[k].grad)) for k in ("x1", "w1", "x2", "w2")]
        pairs.append(("nodes", str(node_count(roots[0])), str(node_count(roots[1]))))
        tw, ew = (max(len(p[i]) for p in pairs) for i in (1, 2))
        return [("", f"{'tanh':>{tw}} | {'exp':>{ew}}")] + [(name, f"{t:>{tw}} | {e:>{ew}}") for name, t, e in pairs]

    return GraphLab(lambda: [("o = tanh(n)", ex.labelled(ex.neuron)[0]),
                             ("o = (e-1)/(e+1)", ex.labelled(ex.neuron_exp_form)[0])], facts)


def pytorch() -> Lab:
    from .crosscheck import CASES, recorded, torch_results

    cases = ["neuron", "neuron_float32_bias"]

    def rows(values):
        out = {}
        for name in cases:
            out["o" if name == "neuron" else "o (b via float32)"] = values[name]["out"]
            if name == "neuron":
                out.update({f"{k}.grad": values[name][k] for k in ("x1", "x2", "w1", "w2")})
        return out

    def ours():
        values = {}
        for name in cases:
            o, ins = CASES[name](Value, ex.Labels())
            o.backward()
            values[name] = {"out": o.data, **{k: v.grad for k, v in ins.items()}}
            if name == "neuron":
                root = o
        return root, rows(values)

    def theirs():
        import torch

        return f"PyTorch {torch.__version__} (live)", rows(torch_results(cases))

    def fallback():
        rec = recorded()
        return f"PyTorch {rec['torch_version']} (recorded)", rows(rec["cases"])

    return CompareLab(ours, theirs, fallback, install_hint="pip install '.[torch]' in the app's clone for live")


def mlp() -> Lab:
    def facts(roots):
        model = ex.lecture_mlp()
        return [
            ("MLP(3, [4, 4, 1]) on [2, 3, -1]", fmt(roots[0].data)),
            ("parameters", str(len(model.parameters()))),
            ("  = 4·4 + 4·5 + 1·5", str(4 * 4 + 4 * 5 + 1 * 5)),
            ("first weight", fmt(model.layers[0].neurons[0].w[0].data)),
        ]

    return GraphLab(lambda: [("out", ex.mlp_forward())], facts, backward_on_open=False,
                    note=f"weights drawn from seed {ex.LECTURE_SEED}; [[backward]] runs backward")


def loss() -> Lab:
    state = {}

    def build():
        total, model, preds = ex.lecture_loss()
        state["model"], state["preds"] = model, preds
        return [("loss", total)]

    def facts(roots):
        model, preds = state["model"], state["preds"]
        w = model.layers[0].neurons[0].w[0]
        rows = [(f"ypred{i}  (target {y:+.0f})", fmt(p.data)) for i, (p, y) in enumerate(zip(preds, [1, -1, -1, 1]))]
        rows.append(("loss = Σ (ypred - y)²", fmt(roots[0].data)))
        rows.append(("forward passes in the graph", str(len(preds))))
        rows.append(("layer 0, neuron 0, w0.grad", fmt(w.grad)))  # 0 until backward: the note says which key
        return rows

    return GraphLab(build, facts, backward_on_open=False,
                    note="[[backward]] runs loss.backward(): every weight gets its grad")


def gradient_descent() -> Lab:
    from .kinds.train import LECTURE, TrainLab

    return TrainLab(LECTURE)


def what_we_built() -> Lab:
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
        ("margin_loss, regularised, decayed_learning_rate", "lesson 16"),
        ("measure (held-out points), state", "lesson 16's test set, its child"),
        ("replay: record once, replay", "lessons 14 and 16"),
    ]
    return SourceLab([
        ("engine/value.py", lambda: ex.engine_source("value.py"), value_map),
        ("engine/nn.py", lambda: ex.engine_source("nn.py"), nn_map),
        ("engine/train.py", lambda: ex.engine_source("train.py"), train_map),
        ("engine/replay.py", lambda: ex.engine_source("replay.py"), [("Tape: record a graph once", "lesson 15"),
                                                                   ("forward, backward on lists", "the same numbers")]),
    ])


def demo() -> Lab:
    from .kinds.train import DEMO, DemoLab

    return DemoLab(DEMO)


def review() -> Lab:
    from .kinds.review import ReviewLab

    return ReviewLab()


def playground() -> Lab:
    from .kinds.playground import PlaygroundLab

    return PlaygroundLab()


def _workshop(slug: str) -> Callable[[], Lab]:
    def make() -> Lab:
        from .kinds.workshop import WorkshopLab
        from .workshop.exercises import find_exercise

        return WorkshopLab(find_exercise(slug))

    return make


# --- the course -----------------------------------------------------------------------

LESSON_ENTRIES: tuple[Entry, ...] = (
    Entry("micrograd", micrograd),
    Entry("derivative", derivative),
    Entry("several-inputs", several_inputs),
    Entry("value", value),
    Entry("manual-backprop", manual_backprop),
    Entry("one-step", one_step),
    Entry("neuron", neuron),
    Entry("backward-per-op", backward_per_op),
    Entry("topological-order", topological_order),
    Entry("reuse-bug", reuse_bug),
    Entry("breaking-up-tanh", breaking_up_tanh),
    Entry("pytorch", pytorch),
    Entry("mlp", mlp),
    Entry("loss", loss),
    Entry("gradient-descent", gradient_descent),
    Entry("what-we-built", what_we_built),
    Entry("demo", demo),
    Entry("playground", playground),
    Entry("review", review, counted=False),
)


def _with_exercises(lessons: Sequence[Entry]) -> tuple[Entry, ...]:
    """Each build exercise right after the lesson that teaches it."""
    from .workshop.exercises import EXERCISES

    entries: list[Entry] = []
    for entry in lessons:
        entries.append(entry)
        entries += [Entry(ex.slug, _workshop(ex.slug), exercise=True) for ex in EXERCISES if ex.after == entry.slug]
    return tuple(entries)


ENTRIES = _with_exercises(LESSON_ENTRIES)
COURSE = Course(ENTRIES)
LESSONS = COURSE.lessons


def find(key: str | int) -> Lesson:
    """A lesson of the course by number or slug; KeyError if there is none."""
    return COURSE.find(key)
