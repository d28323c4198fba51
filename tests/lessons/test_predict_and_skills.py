"""Predict mode, skills and review (issue 30), without the screen: what is asked, what is expected,
how answers move a skill, when it is due again, and that review items are fresh graphs."""

from __future__ import annotations

import random

import pytest

from micrograd_tui.engine.value import topological_order
from micrograd_tui.lessons import skills
from micrograd_tui.lessons.chainrule import users
from micrograd_tui.lessons.kinds.review import TEMPLATES, ReviewLab, pick
from micrograd_tui.lessons.language import evaluate
from micrograd_tui.lessons.numtext import fmt
from micrograd_tui.lessons.predict import Predictor, ask_order
from micrograd_tui.lessons.registry import find

PROGRAMS = ["a = 2; b = -3; c = 10; f = -2; e = a*b; d = e + c; L = d*f",
            "a = 3; b = a + a", "a = -2; b = 3; d = a*b; e = a + b; f = d*e",
            "x = 0.5; y = exp(2*x); t = (y - 1)/(y + 1)", "a = 1.5; b = a*a; c = b**3 / a; o = tanh(c - 2)"]


def engine_grads(text: str) -> dict[str, float]:
    program = evaluate(text)
    program.output.backward()
    return {name: v.grad for name, v in program.names.items()}


@pytest.mark.parametrize("text", PROGRAMS + [TEMPLATES[s](random.Random(i)) for i, s in enumerate(TEMPLATES)])
def test_every_expected_answer_is_the_engines_grad_and_each_node_comes_after_its_users(text):
    program = evaluate(text)
    p = Predictor(program.output)
    want = engine_grads(text)  # a second graph of the same text, backpropagated by the engine itself
    for name, v in program.names.items():
        if v is not program.output and v in p.truth:
            assert p.truth[v] == pytest.approx(want[name], abs=1e-12), name
    seen = {program.output}
    for v in p.order:
        assert all(u in seen for u, _ in (users(program.output) or {})[v]), "asked before one of its users"
        seen.add(v)
    assert set(p.order) == set(topological_order(program.output)) - {program.output}
    assert all(v.grad == 0 for v in p.order)  # nothing shown before it is answered


def test_lesson_3_asks_depth_first_and_the_line_fades():
    lab = find("value").make_lab()
    p = Predictor(lab.root)
    assert [v.label for v in ask_order(lab.root)] == ["d", "e", "a", "b", "c", "f"]
    assert p.line() == "dL/dd = dL/dL · f = 1.0000 · -2.0000 = ?"
    assert p.answer("-2") == (True, "✓ dL/dd = -2.0000") and p.answer("-2.0")[0]
    assert p.line() == "dL/da = dL/de · b = -2.0000 · ? = ?"  # two right: the local factor is left blank
    p.answer("6"), p.answer("-4")
    assert p.line() == "dL/dc = dL/dd · 1 = ? · ? = ?"  # two more: both factors


@pytest.mark.parametrize("answer, says", [
    ("4", "the local factor: your 4.0000 is dL/de · -2.0000, but de/da = b = -3.0000"),
    ("-3", "that is the local factor b alone: times dL/de = -2.0000"),
    ("-2", "that is dL/de, the grad from above, passed on as it is: times the local factor b"),
    ("-6", "the sign: dL/da is 6.0000"),
])
def test_a_wrong_number_names_the_factor_it_got_wrong(answer, says):
    lab = find("value").make_lab()
    p = Predictor(lab.root)
    p.answer("-2"), p.answer("-2")
    right, message = p.answer(answer)
    assert not right and says in message and "(yours: " in message
    assert p.current.label == "a" and p.current.grad == 0


def test_a_value_used_twice_is_told_its_grads_add():
    program = evaluate("a = 3; b = a + a")
    p = Predictor(program.output)
    right, message = p.answer("1")
    assert not right and "used 2 times" in message and "sum" in message
    assert p.answer("2")[0]


def test_mastery_rises_with_right_answers_and_falls_with_wrong_ones():
    book = skills.SkillBook()
    book.record({"mul"}, True, now=0)
    once = book.mastery("mul")
    book.record({"mul"}, True, now=1)
    assert skills.PRIOR < once < book.mastery("mul")
    book.record({"mul"}, False, now=2)
    assert book.mastery("mul") < once
    book.record({"add"}, False, now=0)
    assert book.mastery("add") < skills.PRIOR
    fresh = skills.SkillBook()
    fresh.load(book.to_json())
    assert fresh.mastery("mul") == pytest.approx(book.mastery("mul"), abs=1e-6)


def test_review_is_due_one_day_after_a_right_answer_then_3_and_soon_after_a_wrong_one():
    day, t0 = skills.DAY, 1_000_000.0
    book = skills.SkillBook()
    book.record({"mul"}, True, now=t0)
    assert book.due(t0 + day - 1) == [] and book.due(t0 + day) == ["mul"]
    book.record({"mul"}, True, now=t0 + day)
    assert book.due(t0 + day + 3 * day - 1) == [] and book.due(t0 + 4 * day) == ["mul"]
    book.record({"mul"}, False, now=t0 + 4 * day)
    assert book.due(t0 + 4 * day + skills.SOON) == ["mul"]


def test_a_bad_saved_record_is_skipped():
    book = skills.SkillBook()
    book.load({"mul": {"p": "x"}, "nope": {"p": 0.5}, "add": {"p": 2, "due": None}, "tanh": []})
    assert set(book.records) == {"add"} and book.mastery("add") == 1.0


def test_review_asks_the_due_skills_first_with_fresh_graphs_whose_answers_the_engine_computes(monkeypatch):
    t0 = 5_000_000.0
    book = skills.SkillBook()
    book.record({"div"}, True, now=t0)
    monkeypatch.setattr(skills, "BOOK", book)
    assert pick(book, t0 + skills.DAY, random.Random(0))[0] == "div"
    first, second = ReviewLab(seed=1, clock=lambda: t0 + skills.DAY), ReviewLab(seed=2, clock=lambda: t0 + skills.DAY)
    assert first.skill == "div" and first.text != second.text  # drawn, not stored
    lab = first
    while not lab.done:
        p = lab.predictor
        v = p.current
        want = engine_grads(lab.text)
        name = next(n for n, value in lab.program.names.items() if value is v) if v in lab.program.names.values() else None
        answer = want[name] if name else p.truth[v]
        assert lab.submit("predict", fmt(answer)), lab.message
    assert "review done" in lab.message and f"{lab.asked} of {lab.asked} grads right" in lab.message
    assert book.records["div"].right >= 2


@pytest.fixture
def predicting(monkeypatch):
    from micrograd_tui.lessons import predict

    monkeypatch.setattr(predict.Settings, "on", True)


def test_lesson_7_asks_each_inputs_grad_before_its_step_and_the_step_then_runs(predicting):
    lab = find("backward-per-op").make_lab()
    twin = find("backward-per-op").make_lab()  # the same graph, stepped with predicting off
    lab.do("step")
    o, n = lab.order[0], lab.asking[0].node
    assert lab.count == 0 and n.grad == 0 and "n.grad after the step" in lab.message
    assert not lab.submit("predict", "1") and "(yours: 1.0000)" in lab.message and n.grad == 0
    from micrograd_tui.lessons import predict
    predict.Settings.on = False
    twin.do("step")
    predict.Settings.on = True
    assert lab.submit("predict", fmt(twin.order[1].grad))  # n, after the twin's first real step
    assert lab.count == 1 and lab.last is o and n.grad == pytest.approx(0.5, abs=1e-4)
    lab.do("step")
    assert len(lab.asking) == 2  # n = (x1w1+x2w2) + b: both inputs, in turn
    asks = list(lab.asking)
    for _ in asks:
        assert lab.submit("predict", "")  # enter alone shows each
    assert lab.count == 2 and "shown" in lab.message
    assert all(a.node.grad == pytest.approx(a.want) and a.want == pytest.approx(0.5, abs=1e-4) for a in asks)


def test_lesson_9_asks_what_a_switch_will_do_then_does_it(predicting):
    lab = find("reuse-bug").make_lab()
    lab.do("overwrite")
    assert not lab.accumulate and lab.pending is not None and "db/da" in lab.message
    assert lab.submit("predict", "1")  # the bug's answer: wrong, and the switch happens anyway
    assert lab.accumulate and "✗ you predicted db/da = 1.0000; it is 2.0000" in lab.message
    lab.do("backward_again")
    assert lab.submit("predict", "24")
    assert lab.calls == 2 and lab.message.startswith("✓ you predicted it: dL/da = 24.0000")
    assert skills.BOOK.records["zero_grad"].right == 1 and skills.BOOK.records["accumulate"].wrong == 1


@pytest.mark.parametrize("lr, bet, said", [(0.05, "d", "✓ you predicted it: the loss did go down"),
                                           (0.05, "u", "✗ you predicted the loss would go up")])
def test_lesson_14_asks_where_the_loss_will_go_and_checks_it_against_the_run(predicting, lr, bet, said):
    from conftest import run_job

    lab = find("gradient-descent").make_lab()
    lab.knob("steps").value = 20
    lab.knob("speed").value = 0
    lab.knob("lr").value = lr
    question = lab.before("run")
    assert question is not None and "lr = 0.05" in question.text and {k for k, _ in question.choices} == {"d", "u", "b"}
    lab.predicted("run", bet)
    lab.do("run")
    run_job(lab)
    assert lab.message.startswith(said) and "done: loss" in lab.message
    assert lab.snap.losses[-1] < lab.snap.losses[0]  # what the verdict was read from
    assert skills.BOOK.records["lr"].right == (bet == "d")
    assert lab.before("run") is None  # asked only before a run from step 0
