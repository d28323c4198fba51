"""Each lab kind's logic on its own: no app, no Pilot, fast."""

from __future__ import annotations


import pytest

from conftest import heard, run_job, step_until

from micrograd_tui.lessons.kinds.compare import CompareLab
from micrograd_tui.lessons.kinds.train import DEMO, LECTURE, DemoLab, TrainLab
from micrograd_tui.lessons.lab import (
    ACTIONS, FactsPanel, Finish, Focus, PlotPanel, action_marks,
)
from micrograd_tui.lessons.registry import find


def facts(lab) -> dict[str, str]:
    return {k: v for p in lab.panels() if isinstance(p, FactsPanel) for k, v in p.rows}




def test_finish_and_focus_are_declared_not_inferred():
    assert find("micrograd").make_lab().finish is Finish.VISIT  # backward ran on open: reading is the task
    assert find("topological-order").make_lab().finish is Finish.TASK
    assert find("what-we-built").make_lab().finish is Finish.VISIT
    assert find("pytorch").make_lab().finish is Finish.VISIT
    assert find("playground").make_lab().focus is Focus.INPUT
    assert find("manual-backprop").make_lab().focus is Focus.FIGURE


def test_messages_name_actions_not_keys():
    lab = find("backward-per-op").make_lab()
    assert action_marks(lab.message) == ["step"]
    lab = find("reuse-bug").make_lab()
    assert action_marks(lab.message) == ["overwrite"]
    assert all(a in ACTIONS for a in action_marks(TrainLab(LECTURE).message))


def test_graph_lab_backward_fills_grads_and_finishes():
    lab = find("topological-order").make_lab()
    assert facts(lab)["x1.grad"] == "0.0000" and not lab.done
    lab.do("backward")
    assert facts(lab)["x1.grad"] == "-1.5000" and lab.done
    lab.do("backward")  # twice gives the same grads: they are zeroed first
    assert facts(lab)["x1.grad"] == "-1.5000"


def test_exercise_lab_checks_answers_in_order():
    lab = find("manual-backprop").make_lab()
    assert lab.current == "L"
    assert lab.submit("answer", "1") and lab.current == "d"
    assert not lab.submit("answer", "5") and "swaps" in lab.message
    assert not lab.submit("answer", "abc") and lab.current == "d"
    assert lab.submit("answer", "-2") and lab.current == "f"
    lab.do("answer")
    assert lab.answered["f"] == "shown"
    state = lab.save_state()
    again = find("manual-backprop").make_lab()
    again.restore_state(state)
    assert again.answered == lab.answered


def test_nudge_lab_step_raises_L():
    lab = find("one-step").make_lab()
    lab.do("step")
    assert facts(lab)["L"] == "-7.286496" and facts(lab)["a"] == "2.060000" and lab.done


def test_reuse_lab_switch_gives_the_right_grads():
    lab = find("reuse-bug").make_lab()
    assert facts(lab)["  db/da"] == "1.0000"
    lab.do("overwrite")
    assert facts(lab)["  db/da"] == "2.0000" and lab.done


def test_function_lab_moves_x_and_keeps_bad_input_out():
    lab = find("derivative").make_lab()
    lab.do("more")
    assert lab.var.value == 3.5 and facts(lab)["f"] == fmt_f(3.5)
    assert not lab.submit("x", "1e999") and lab.var.value == 3.5
    assert lab.submit("x", "2/3") and abs(lab.inputs["x"].grad) < 1e-12
    plot = next(p for p in lab.panels() if isinstance(p, PlotPanel))
    assert plot.series[1].role == "slope"


def fmt_f(x):
    return f"{3 * x * x - 4 * x + 5:.4f}"


def test_a_running_train_lab_trains_in_a_child_with_the_in_process_numbers():
    from micrograd_tui.lessons.jobs import Job

    lab, here = TrainLab(LECTURE), TrainLab(LECTURE)
    for t in (lab, here):
        t.knob("steps").value = 30
        t.knob("speed").value = 0
    assert lab.job() is None
    lab.do("run")
    job = lab.job()
    assert isinstance(job, Job) and lab.job() is job and lab.child is not None
    run_job(lab)
    assert lab.job() is None and "done: loss" in lab.message and lab.snap.k == 30
    for _ in range(30):
        here.do("step")
    assert [x.hex() for x in lab.snap.losses] == [x.hex() for x in here.snap.losses]
    assert [p.data.hex() for p in lab.trainer.model.parameters()] == \
        [p.data.hex() for p in here.trainer.model.parameters()]
    assert lab.snap.predictions == here.snap.predictions
    lab.do("run")  # the budget is spent: nothing to run
    assert lab.job() is None and "spent" in lab.message


def test_a_child_that_dies_is_reported_and_a_new_one_starts_from_the_last_step():
    lab = TrainLab(LECTURE)
    lab.knob("steps").value = 100_000
    lab.knob("speed").value = 50
    lab.do("run")
    job = lab.job()
    heard(lab)
    job.apply(job.snapshot(), False)
    k = lab.trainer.k
    assert k > 0
    lab.child.proc.kill()  # the process dies by itself, as far as the lab knows
    lab.child.proc.wait()
    step_until(job, lambda: False, seconds=20)
    assert job.finished
    job.apply(job.snapshot(), True)
    assert "stopped unexpectedly" in lab.message and lab.job() is None
    lab.do("run")
    again = lab.job()
    assert again is not None and again is not job
    heard(lab)
    again.apply(again.snapshot(), False)
    assert lab.trainer.k >= k
    again.close()


def test_train_lab_zero_grad_off_is_the_lectures_bug():
    right, buggy = TrainLab(LECTURE), TrainLab(LECTURE)
    buggy.do("zero_grad")
    for lab in (right, buggy):
        for _ in range(5):
            lab.do("step")
    assert right.snap.losses[:2] == buggy.snap.losses[:2] and right.snap.losses[2:] != buggy.snap.losses[2:]
    buggy.do("reset")
    assert not buggy.trainer.zero_grad  # reset keeps the mode


def test_train_lab_knobs_reject_bad_input():
    lab = DemoLab(DEMO)
    assert not lab.submit("steps", "2.5") and "whole number" in lab.message
    assert not lab.submit("batch", "-1")
    assert lab.submit("batch", "10") and lab.trainer.batch_size == 10 and lab.trainer.k == 0


@pytest.mark.parametrize("live", [True, False])
def test_compare_lab_loads_the_live_source_as_a_one_step_job(live):
    def theirs():
        if not live:
            raise ImportError("no torch")
        return "live source", {"x": 1.0}

    from micrograd_tui.engine import Value

    lab = CompareLab(lambda: (Value(1.0), {"x": 1.0}), theirs, lambda: ("recorded", {"x": 1.0}), install_hint="hint")
    assert facts(lab)["source"] == "recorded"
    assert run_job(lab) == 1
    assert lab.job() is None
    if live:
        assert facts(lab)["source"] == "live source" and "computed live" in lab.message
    else:
        assert facts(lab)["source"] == "recorded" and "not installed" in lab.message and "hint" in lab.message


def test_playground_keeps_the_last_good_graph():
    lab = find("playground").make_lab()
    assert lab.submit("expr", "a = 3; b = a*a")
    assert not lab.submit("expr", "b = (")
    assert lab.program is not None and lab.program.output.data == 9.0 and lab.history[-1] == "b = ("
    lab.do("example")
    assert lab.pending_input is not None and lab.program.output.data == -8.0


def test_reset_in_lesson_0_clears_the_grads_so_backward_shows_them_come_back():
    lab = find("micrograd").make_lab()
    assert facts(lab)["dg/da"] == "138.8338"  # backward ran as the lesson opened
    lab.do("reset")
    assert facts(lab)["dg/da"] == "0.0000" and facts(lab)["g"] == "24.7041"
    assert action_marks(lab.message) == ["backward"]
    lab.do("backward")
    assert facts(lab)["dg/da"] == "138.8338" and facts(lab)["dg/db"] == "645.5773"


def test_backward_again_in_lesson_9_piles_up_4_3_2_times_not_double():
    lab = find("reuse-bug").make_lab()
    lab.do("backward_again")
    rows = facts(lab)
    assert (rows["  dL/da"], rows["  dL/db"], rows["  dL/dc"], rows["  dL/df"]) == (
        "24.0000 4×", "-16.0000 4×", "-6.0000 3×", "8.0000 2×")
    assert "a 4×, b 4×, c 3×, f 2×" in lab.message
    lab.do("reset")
    assert "  dL/da" not in facts(lab)


def test_a_step_budget_below_the_steps_taken_starts_the_run_again():
    """Lesson 14 after a finished run, steps set to 20: the screen said "step 100 of 20"."""
    lab = TrainLab(LECTURE)
    lab.knob("steps").value = 30
    for _ in range(30):
        lab.do("step")
    assert lab.trainer.k == 30
    lab.set_knob(lab.knob("steps"), 20)
    assert lab.trainer.k == 0 and lab.snap.k == 0 and "starts again from step 0" in lab.message
    lab.set_knob(lab.knob("steps"), 50)  # more than taken: the run goes on from where it is
    assert lab.budget == 50
