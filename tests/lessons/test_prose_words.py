"""The lessons' words are right: each claim a learner reported as wrong, read in every prose file
(and in the labs' own messages), so that it cannot come back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from micrograd_tui.lessons.registry import LESSONS, find

PROSE = {lesson.slug: lesson.prose for lesson in LESSONS}
STARTERS = Path(__file__).resolve().parents[2] / "lessons" / "workshop" / "starters"


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?:])\s+", " ".join(text.split()))]


@pytest.mark.parametrize("slug", PROSE)
def test_a_second_backward_is_never_said_to_double(slug):
    for s in sentences(PROSE[slug]):
        if "backward" in s and re.search(r"\bdoubles?\b", s):
            assert "not simply double" in s or "do not simply double" in s, s


def test_lesson_9_shows_what_a_second_backward_really_does():
    assert "[[backward_again]]" in PROSE["reuse-bug"]
    lab = find("reuse-bug").make_lab()
    assert "backward_again" in lab.actions
    lab.do("backward_again")
    assert "a 4×, b 4×, c 3×, f 2×" in lab.message  # what the prose promises, from the engine


@pytest.mark.parametrize("slug", PROSE)
def test_one_minus_o_squared_is_named_as_the_derivative(slug):
    for s in sentences(PROSE[slug]):
        if re.search(r"1\s*[-−]\s*o²", s):
            assert "derivative" in s or "do/dn" in s, s


def test_the_neurons_hint_names_tanhs_derivative():
    lab = find("neuron").make_lab()
    lab.submit("answer", "1")  # do/do
    hint = lab.rule_hint("n")
    assert "1 - o²" in hint and "derivative" in hint and "tanh is 1 - o²" not in hint, hint


def test_rsub_is_said_to_be_for_a_number_first():
    for s in sentences(PROSE["breaking-up-tanh"]):
        if "__rsub__" in s:
            assert "`1 - e`" in s, s
            assert not re.search(r"`e - 1`,?\s+need", s), s


@pytest.mark.parametrize("slug", PROSE)
def test_prev_is_not_called_a_tuple(slug):
    assert not re.search(r"`_prev`\s+is\s+`\(", PROSE[slug])
    assert "tuple" not in PROSE[slug] or "_prev" not in PROSE[slug]


@pytest.mark.parametrize("slug", PROSE)
def test_no_layout_words_the_screen_does_not_keep(slug):
    """The prose sits beside the lab on a wide screen and above it on a narrow one; graphs and the
    demo's map stack either way."""
    for phrase in (r"\bon the right(,| it| is)", r"\bon the left(,| it| is)", r"^left,", r"\bright, the\b", r"\bmap below\b",
                   r"\bbelow the curves\b"):
        assert not re.search(phrase, PROSE[slug], re.IGNORECASE | re.MULTILINE), (slug, phrase)


def test_training_code_calls_only_what_the_learner_built():
    nn_starter = (STARTERS / "nn.py").read_text()
    if "def zero_grad" not in nn_starter:
        for slug, text in PROSE.items():
            assert ".zero_grad()" not in text, slug


def test_the_zero_grad_switch_says_what_the_lecture_says():
    text = " ".join(PROSE["gradient-descent"].split())
    assert "[[zero_grad]]" in text and "trained anyway" in text and "easy to miss" in text
    from micrograd_tui.lessons.kinds.train import LECTURE, TrainLab

    lab = TrainLab(LECTURE)
    lab.do("zero_grad")
    assert "OFF" in lab.message and "seem to train" in lab.message


def test_lesson_8_shows_the_recursive_build_topo_and_why_ours_is_a_loop():
    text = PROSE["topological-order"]
    assert "def build_topo(v):" in text and "RecursionError" in text
    lab = find("topological-order").make_lab()
    rows = dict(row for p in lab.panels() if hasattr(p, "rows") for row in p.rows)
    assert rows["build_topo"] == "same order"
    assert rows["  build_topo"] == "RecursionError" and rows["  our loop"].endswith("nodes")


def test_relu_is_taught_before_the_demo_uses_it():
    text = " ".join(PROSE["breaking-up-tanh"].split())
    assert "ReLU" in text and "max(0, x)" in text and "(out.data > 0) * out.grad" in text
    assert "ReLU (lesson 10)" in PROSE["demo"]


def test_lesson_13_says_the_inputs_grads_are_of_no_use():
    text = " ".join(PROSE["loss"].split())
    assert "inputs get grads too" in text and "never changes" in text


def test_every_code_line_of_the_prose_fits_its_column_at_120_wide():
    """The prose column is 40 cells at 120x40 (app.tcss); a code block's frame and indent take 6 more:
    lesson 8's comment was cut to "# kids firs" (issue 29)."""
    import re

    from micrograd_tui.lessons.registry import LESSONS

    long = [(lesson.slug, line) for lesson in LESSONS
            for block in re.findall(r"```[a-z]*\n(.*?)```", lesson.prose, re.S)
            for line in block.splitlines() if len(line) > 33]
    assert not long, long
