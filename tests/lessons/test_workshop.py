"""The build exercises: the lecture's code passes, classic mistakes get messages that point at them,
and nothing the learner's code does reaches the app's process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from micrograd_tui.lessons.workshop import workspace as ws
from micrograd_tui.lessons.workshop.exercises import EXERCISES, find_exercise
from micrograd_tui.lessons.workshop.checking import CheckRun
from micrograd_tui.lessons.workshop.worked import splice

SOLUTION = Path(__file__).parent / "solution"



@pytest.fixture
def solved(tmp_path) -> Path:
    folder = tmp_path / "ws"
    shutil.copytree(SOLUTION, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def run(slug: str, folder: Path, time_limit: float = 10.0):
    return CheckRun(find_exercise(slug), folder, time_limit).run_all()


def first_failure(slug: str, folder: Path, time_limit: float = 10.0):
    bad = [o for o in run(slug, folder, time_limit) if not o.ok]
    assert bad, f"{slug}: every check passed"
    return bad[0]


def replace(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.slug)
def test_the_lectures_code_passes_every_required_check(exercise, solved):
    outcomes = run(exercise.slug, solved)
    assert len(outcomes) == len(exercise.checks)
    for o in outcomes:
        assert o.ok or o.check.stretch, (o.check.name, o.message)


def test_the_lectures_recursive_sort_fails_only_the_stretch_check_and_a_loop_passes_it(solved):
    deep = first_failure("build-backward", solved)
    assert deep.check.stretch and "RecursionError" in deep.message and "stack of your own" in deep.message
    engine = solved / "engine.py"
    engine.write_text(splice(engine.read_text(), "build-backward"))  # the worked solution's loop and stack
    assert all(o.ok for o in run("build-backward", solved))


def test_a_fresh_workspace_fails_with_not_written_yet(tmp_path):
    ws.ensure(tmp_path)
    bad = first_failure("build-value", tmp_path)
    assert bad.message.startswith("not written yet") and "__add__" in bad.message


# --- the lecture's classic mistakes, each pointed at --------------------------------------------

MISTAKES = [
    ("build-value", "engine.py", 'out = Value(self.data + other.data, (self, other), "+")',
     'out = Value(self.data + other.data, (), "+")', ["c._prev is (empty)", "`__add__`"]),
    ("build-value", "engine.py", 'out = Value(self.data * other.data, (self, other), "*")',
     'out = Value(self.data * other.data, (self, other), "+")', ["c._op is '+'", "expected '*'"]),
    ("build-value", "engine.py", '''        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data''', "        out = Value(self.data + other.data",
     ["c = a + 2 (a number)", "AttributeError", "in __add__"]),
    ("build-backward-ops", "engine.py", "            self.grad += other.data * out.grad\n",
     "            self.grad += self.data * out.grad\n",
     ["* on its own", "* not swapped in `__mul__`'s _backward", "a.grad += b.data * out.grad"]),
    ("build-backward-ops", "engine.py", "self.grad += (1 - t**2) * out.grad", "self.grad += (1 - t) * out.grad",
     ["tanh on its own", "wrong local derivative in `tanh`'s _backward", "d(out)/da is 0.1807"]),
    ("build-backward", "engine.py", "            self.grad += 1.0 * out.grad\n            other.grad += 1.0 * out.grad",
     "            self.grad = 1.0 * out.grad\n            other.grad = 1.0 * out.grad",
     ["exercise build-backward-ops fails first", "`=` instead of `+=` in `__add__`'s _backward"]),
    ("build-backward", "engine.py", "        self.grad = 1.0\n        for node in reversed(topo):",
     "        for node in reversed(topo):", ["your o.grad is 0.0000, expected 1.0", "self.grad = 1.0"]),
    ("build-backward", "engine.py", "        for node in reversed(topo):", "        for node in topo:",
     ["x1w1._backward ran before x1w1+x2w2's", "reverse topological order"]),
    ("build-more-ops", "engine.py", "            self.grad += out.data * out.grad",
     "            self.grad += self.data * out.grad", ["exp on its own", "`exp`'s _backward", "d(out)/da is 4.4817"]),
    ("build-more-ops", "engine.py", "    def __radd__(self, other):\n        return self + other\n", "",
     ["1 + a (__radd__)", "TypeError", "`__radd__`"]),
    ("build-nn", "nn.py", "return outs[0] if len(outs) == 1 else outs", "return outs",
     ["Layer(3, 1)(x) gave a list", "outs[0]"]),
    ("build-nn", "nn.py", "return self.w + [self.b]", "return self.w", ["Neuron(3).parameters() gave 3", "expected 4"]),
    ("build-train", "train.py", "    for p in model.parameters():\n        p.grad = 0.0\n", "",
     ["step 2", "zero every grad"]),
    ("build-train", "train.py", "p.data += -lr * p.grad", "p.data += lr * p.grad", ["uphill", "-lr * p.grad"]),
    ("gradf", "exercises.py", "3 * math.cos(3 * b)", "math.cos(3 * b)",
     ["df/db at (a, b, c) = (2.0, 3.0, 4.0)", "symmetric difference"]),
    ("softmax-nll", "engine.py", "        return self * other**-1", "        return self * other**-1 * 1.5",
     ["exercise build-more-ops fails first", "a / b on its own", "look at `__truediv__"]),
]


@pytest.mark.parametrize("slug, name, old, new, words", MISTAKES, ids=[f"{m[0]}-{i}" for i, m in enumerate(MISTAKES)])
def test_a_classic_mistake_gets_a_message_that_points_at_it(solved, slug, name, old, new, words):
    replace(solved, name, old, new)
    bad = first_failure(slug, solved)
    for w in words:
        assert w in f"{bad.check.name}: {bad.message}", (w, bad.message)


def drawn_graph(folder: Path, slug: str, old: str, new: str, check: str | None = None):
    """The learner's graph, as the app draws it, of the first check that fails once ``old`` is ``new``
    (of the exercise's check named ``check`` alone, when given)."""
    import dataclasses

    from micrograd_tui.lessons.kinds.workshop import learner_graph

    replace(folder, "engine.py", old, new)
    exercise = find_exercise(slug)
    if check is not None:
        exercise = dataclasses.replace(exercise, checks=tuple(c for c in exercise.checks if c.name == check))
    bad = [o for o in CheckRun(exercise, folder, 10.0).run_all() if not o.ok][0]
    assert bad.verdict is not None and bad.verdict.graph is not None
    return learner_graph(bad.verdict.graph, bad.verdict.expected)


def test_a_wrong_grad_shows_the_learners_graph_with_the_expected_numbers(solved):
    root, compare = drawn_graph(solved, "build-backward-ops", "            self.grad += other.data * out.grad\n",
                                "            self.grad += self.data * out.grad\n")
    assert root.label == "out" and {v.label for v in compare} == {"a", "b", "out"}  # * on its own
    wrong = [v.label for v, (data, grad) in compare.items() if v.grad != grad]
    assert "a" in wrong and "out" not in wrong


def test_a_value_used_twice_in_the_learners_graph_is_drawn_twice_not_as_a_number(solved):
    from micrograd_tui.engine.graph import op_text

    root, _ = drawn_graph(solved, "build-backward",
                          "            self.grad += 1.0 * out.grad\n            other.grad += 1.0 * out.grad\n",
                          "            self.grad = 1.0 * out.grad\n            other.grad = 1.0 * out.grad\n",
                          check="b = a + a (a used twice)")
    assert root.label == "b" and op_text(root) == "+"  # b = a + a: the learner's _prev is the set {a}
    assert root._a is root._b and root._a.label == "a"


# --- what the learner's code may do to the process that runs it ----------------------------------

def test_a_run_closed_from_another_thread_at_any_moment_never_raises(solved):
    """The app closes a run from its thread when the learner leaves the lesson, while the job's thread may be
    starting the child, reading it, or closing it itself."""
    import threading

    closed_first = CheckRun(find_exercise("build-value"), solved, 10.0)
    closed_first.close()
    closed_first.run_all()  # never starts a child: every check says so
    assert closed_first.finished and closed_first.child._proc is None
    assert all(not o.ok and "stopped before they started" in o.message for o in closed_first.outcomes)
    for delay in (0.0, 0.001, 0.01, 0.05):
        checks = CheckRun(find_exercise("build-value"), solved, 10.0)
        errors: list[BaseException] = []

        def close_soon(checks=checks, delay=delay, errors=errors):
            try:
                threading.Event().wait(delay)
                checks.close()
                checks.close()
            except BaseException as e:  # noqa: BLE001 - the test is that nothing at all is raised
                errors.append(e)

        closer = threading.Thread(target=close_soon)
        closer.start()
        try:
            checks.run_all()
        except (ValueError, OSError):
            pass  # the job's own thread may find its pipe closed under it: the runner drops that run
        closer.join()
        assert not errors, errors
        assert checks.child._proc is None or checks.child._proc.poll() is not None  # no child left running


def broken(folder: Path, body: str) -> None:
    replace(folder, "engine.py", "    def __add__(self, other):\n",
            "    def __add__(self, other):\n" + "".join(f"        {line}\n" for line in body.splitlines()))


@pytest.mark.parametrize("body, words", [
    ("while True: pass", ["more than 2 s", "stopped"]),
    ("import sys; sys.exit(3)", ["sys.exit(3)"]),
    ("import os; os._exit(0)", ["ended the Python process", "os._exit"]),
    ("import ctypes; ctypes.string_at(0)", ["crashed", "segmentation fault"]),
    ("x = 'x' * (4 << 30)", ["MemoryError"]),
    ("def f(n): return f(n + 1)\nf(0)", ["RecursionError", "at engine.py", "calls itself"]),
], ids=["loop", "sys.exit", "os._exit", "segfault", "memory", "recursion"])
def test_nothing_the_learners_code_does_reaches_the_app(solved, body, words):
    broken(solved, body)
    outcomes = run("build-value", solved, time_limit=2.0)
    assert len(outcomes) == len(find_exercise("build-value").checks) and not outcomes[0].ok
    for w in words:
        assert w in outcomes[0].message, (w, outcomes[0].message)


def test_a_10_mb_print_is_kept_short_and_a_runaway_one_is_stopped(solved):
    replace(solved, "engine.py", "import math\n", "import math\nprint('x' * (10 << 20))\n")  # once, at import
    checks = CheckRun(find_exercise("build-value"), solved)
    assert all(o.ok for o in checks.run_all())  # printing is allowed: it just does not flood the screen
    assert 0 < len(checks.output) <= 2000
    broken(solved, "print('x' * (40 << 20))")
    outcomes = run("build-value", solved)
    assert not outcomes[0].ok and "printed more than 16 MB" in outcomes[0].message


def test_a_syntax_error_shows_the_line_and_a_caret(solved):
    replace(solved, "engine.py", "    def __mul__(self, other):", "    def __mul__(self, other)")
    bad = first_failure("build-value", solved)
    assert "engine.py:" in bad.message and "SyntaxError" in bad.message
    assert "def __mul__(self, other)" in bad.message and "^" in bad.message


def test_reset_keeps_the_learners_file_and_starters_never_overwrite(tmp_path):
    assert set(ws.ensure(tmp_path)) == set(ws.FILES)
    (tmp_path / "engine.py").write_text("# mine\n")
    assert ws.ensure(tmp_path) == [] and (tmp_path / "engine.py").read_text() == "# mine\n"
    kept = ws.reset(tmp_path, "engine.py")
    assert kept is not None and kept.name == "engine.py.1" and kept.read_text() == "# mine\n"
    assert "class Value" in (tmp_path / "engine.py").read_text()
    assert ws.reset(tmp_path, "engine.py").name == "engine.py.2"


def test_a_finished_run_of_the_checks_counts_once_for_the_exercises_skills(solved, tmp_path, monkeypatch):
    """Issue 30: build checks are answers too. The starter's "not written yet" is no answer; a pass counts
    right for the exercise's skills, a slip after it wrong, each change of result once."""
    from conftest import run_job
    from micrograd_tui.lessons import skills
    from micrograd_tui.lessons.kinds.workshop import WorkshopLab

    book = skills.SkillBook()
    monkeypatch.setattr(skills, "BOOK", book)
    fresh = tmp_path / "fresh"
    lab = WorkshopLab(find_exercise("build-backward-ops"), folder=fresh)
    lab.do("run_checks")
    run_job(lab)
    assert not lab.passed and book.records == {}  # "not written yet": nothing counted
    lab = WorkshopLab(find_exercise("build-backward-ops"), folder=solved)
    for _ in range(2):
        lab.do("run_checks")
        run_job(lab)
    assert lab.passed and {s: r.right for s, r in book.records.items()} == {"add": 1, "mul": 1, "tanh": 1}
    replace(solved, "engine.py", "self.grad += (1 - t**2) * out.grad", "self.grad += (1 - t) * out.grad")
    lab.do("run_checks")
    run_job(lab)
    assert not lab.passed and book.records["tanh"].wrong == 1
