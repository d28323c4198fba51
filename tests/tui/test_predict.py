"""Predict, then see (issue 30): in a graph lab backward asks for each grad before it shows it."""

from __future__ import annotations

import pytest

from conftest import make_app, screen_text, settle, wait_for
from micrograd_tui.lessons import predict, skills
from micrograd_tui.tui.lab_input import LabInput


@pytest.fixture
def predicting(monkeypatch):
    monkeypatch.setattr(predict.Settings, "on", True)


def keys(text: str) -> list[str]:
    return [{"-": "minus", ".": "full_stop"}.get(ch, ch) for ch in text]


async def test_lesson_3_asks_each_grad_names_the_wrong_factor_and_fills_the_graph(predicting):
    app = make_app("value")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        lab = app.lab_view.lab
        assert "type dL/dd" in lab.message and "dL/dd = dL/dL · f = 1.0000 · -2.0000 = ?" in screen_text(app)
        assert isinstance(app.focused, LabInput) and app.focused.id == "field-predict"
        for answer in ("-2", "-2"):  # dL/dd, dL/de
            await pilot.press(*keys(answer), "enter")
            await settle(pilot)
        assert "dL/da = dL/de · b = -2.0000 · ? = ?" in screen_text(app)  # two right: the local factor fades
        await pilot.press("4", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "the local factor" in text and "b = -3.0000" in text and "(yours: 4.0000)" in text
        a = next(v for v in lab.predictor.order if v.label == "a")
        assert a.grad == 0  # a wrong answer fills nothing
        await pilot.press("ctrl+a", "ctrl+k", "6", "enter")
        await settle(pilot)
        assert a.grad == 6.0
        for answer in ("-4", "-2", "4"):  # dL/db, dL/dc, dL/df
            await pilot.press(*keys(answer), "enter")
            await settle(pilot)
        assert lab.done and lab.predictor is None and "5 of 6 right at the first try" in lab.message
        assert "shown" not in lab.message
        assert {v.label: v.grad for v in lab.stages} == {"a": 6, "b": -4, "c": -2, "f": 4, "e": -2, "d": -2, "L": 1}
        assert not isinstance(app.focused, LabInput)  # done: the keyboard back to the graph


async def test_enter_alone_shows_the_grad_and_P_switches_predicting_off(predicting):
    app = make_app("value")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        lab = app.lab_view.lab
        d = lab.predictor.current
        await pilot.press("enter")
        await settle(pilot)
        assert d.grad == -2.0 and "shown" in lab.message
        await pilot.press("escape", "P")
        await settle(pilot)
        assert not predict.Settings.on and lab.done and lab.predictor is None
        assert {v.label: v.grad for v in lab.stages}["a"] == 6.0  # off: every grad at once
        assert app.progress.predict is False
        await pilot.press("r", "g")
        await settle(pilot)
        assert lab.predictor is None and lab.root.grad == 1.0


async def test_answers_move_the_skills_and_are_saved(predicting):
    app = make_app("value")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        await pilot.press(*keys("-2"), "enter")  # dL/dd: * by the output
        await settle(pilot)
        assert skills.BOOK.mastery("mul") > skills.PRIOR and skills.BOOK.records["mul"].right == 1
        await pilot.press("5", "enter")  # dL/de is -2: a + passes it on
        await settle(pilot)
        assert skills.BOOK.mastery("add") < skills.PRIOR and skills.BOOK.records["add"].wrong == 1
        assert app.progress.skills["add"]["wrong"] == 1
        assert app.progress.misses == [["value", "dL/de", "5.0000"]]  # for the teacher's page, grouped there


async def test_the_contents_show_each_skill_its_estimate_and_what_it_rests_on(predicting):
    app = make_app("value")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        await pilot.press(*keys("-2"), "enter", "escape", "t")  # dL/dd right: * and the output
        await settle(pilot)
        text = screen_text(app)
        p = skills.BOOK.mastery("mul")
        assert f"{skills.bar(p, 5)} {p:4.0%} *" in text and f"{skills.PRIOR:4.0%} tanh" in text
        assert "/ ← **k, *" in text
        assert app.query_one("#toc").highlighted == app.query_one("#toc").get_option_index("value")


async def test_the_playground_asks_in_its_own_number_field_and_keeps_the_expression(predicting):
    """The playground types text, so while a prediction runs its one field is the grad asked; every
    printable key goes there, each right number is cleared for the next, and the expression comes back."""
    app = make_app("playground")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.focused.value = "a = 3; b = a*a + a"
        await pilot.press("enter")
        await settle(pilot)
        lab = app.lab_view.lab
        assert lab.current_field() == "predict" and "db/d(a*a) = db/db · 1 = 1.0000 · 1.0000 = ?" in screen_text(app)
        await pilot.press("1", "enter")
        await settle(pilot)
        field = app.query_one("#field-predict", LabInput)
        assert field.value == "" and app.focused is field
        await pilot.press("6", "enter")  # a * a + a: three uses, 3 + 3 + 1
        await settle(pilot)
        assert "used 3 times" in lab.message and "(yours: 6.0000)" in lab.message
        await pilot.press("ctrl+a", "ctrl+k", "7", "enter")
        await settle(pilot)
        assert lab.predictor is None and lab.current_field() == "expr"
        assert app.query_one("#field-expr", LabInput).value == "a = 3; b = a*a + a"
        assert "1 of 2 right at the first try" in lab.message
        await pilot.press("ctrl+b")  # off: an expression's grads show at once
        await settle(pilot)
        assert not predict.Settings.on


async def test_the_app_says_on_start_when_a_skill_is_due_and_the_review_asks_it(user_home):
    import json

    user_home.mkdir(parents=True, exist_ok=True)
    (user_home / "progress.json").write_text(json.dumps({
        "format": 1, "current": "derivative",
        "skills": {"div": {"p": 0.5, "right": 1, "wrong": 0, "streak": 1, "due": 1.0}}}))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any(m.startswith("1 skill is due for review: lesson 18, Review") for m in said), said
        await app.run_action("toggle_toc")
        await settle(pilot)
        assert "50% / ← **k, * (due)" in screen_text(app)
        await app.run_action("toggle_toc")  # closed again: the lab has its width back
        app.open_lesson("review")
        assert await wait_for(pilot, lambda: "local derivative of /" in screen_text(app)), screen_text(app)
        assert app.lab_view.lab.skill == "div"
