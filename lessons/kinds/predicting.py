"""What a graph lab does in predict mode: backward asks for each grad before it shows it.

A lab kind that mixes this in calls :meth:`Predicting.start_predicting` where backward would fill the
grads; while a prediction runs, the lab has one number field (the grad asked for), its message is the
chain-rule line with the factors the stage hides left blank, and its graph marks the node asked.
``P`` switches the mode off (and on) for every lab; off, ``backward`` fills every grad at once, as it
always did.
"""

from __future__ import annotations

import math

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import zero_grads

from .. import skills
from ..lab import Field, Lab
from ..numtext import NumberError, fmt, parse_number
from ..predict import TOLERANCE, Predictor, Settings


class Predicting(Lab):
    """The base of a lab whose backward may be predicted first: its one field is the grad asked."""

    predictor: Predictor | None = None

    def fields(self) -> list[Field]:
        return self.predict_fields()

    def submit(self, name: str, text: str) -> bool:
        return self.submit_prediction(text) if name == "predict" and self.predicting() else super().submit(name, text)

    def awaits_input(self) -> bool:
        return self.predicting()

    def start_predicting(self, root: Value) -> bool:
        """Ask root's grads before showing them, if predict mode is on and the graph is small enough;
        False: the caller runs backward as usual."""
        self.predictor = None
        if not Settings.on or not Predictor.fits(root):
            return False
        self.predictor = Predictor(root, stage=skills.BOOK.fade_stage())
        self._ask("predict first: ")
        return True

    def _ask(self, lead: str = "") -> None:
        p = self.predictor
        assert p is not None and p.current is not None
        off = "; [[predict]]: predicting off" if "predict" in getattr(self, "actions", ()) else ""
        # the line first: on a short screen the message has two rows, and the numbers matter most
        self.message = f"{p.line()}\n{lead}type {p.symbol(p.current)}: enter alone shows it{off}"

    def predicting(self) -> bool:
        return self.predictor is not None and not self.predictor.done

    def predict_fields(self) -> list[Field]:
        p = self.predictor
        if p is None or p.current is None:
            return []
        return [Field("predict", f"{p.symbol(p.current)} =", "its grad (enter alone shows it)")]

    def submit_prediction(self, text: str) -> bool:
        p = self.predictor
        assert p is not None
        v = p.current
        assert v is not None
        right, said = p.answer(text)
        if not right and text.strip() and said.startswith("✗") and "\n" in said:  # a number, and wrong
            skills.BOOK.missed(p.symbol(v), fmt(parse_number(text)))
        skills.BOOK.record(skills.of_node(p.uses.get(v, []), p.root), right if text.strip() else False)
        if p.done:
            self.predictor = None
            shown = sum(1 for _, how, _ in p.log if how == "shown")
            right_first = p.right_first_time()
            self.message = (f"{said}. Every grad is in: {right_first} of {len(p.order)} right at the first try"
                            + (f", {shown} shown" if shown else "") + ".")
            self.done = True
            return True
        if right or not text.strip():
            self._ask(said + "   ")
            return True
        self.message = said  # a wrong number (or not a number): the field keeps it, to be typed over
        return False

    def on_predict(self) -> None:
        Settings.on = not Settings.on
        if not Settings.on and self.predictor is not None:
            root = self.predictor.root
            self.predictor = None
            zero_grads(root)
            root.backward()  # what backward does with predicting off: every grad at once
            self.done = True
        self.message = ("predicting is on: backward asks for each grad before it shows it" if Settings.on else
                        "predicting is off: backward fills every grad at once ([[predict]] turns it on)")


def judge(text: str, want: float, tags: set[str], asked: str) -> tuple[bool, float] | str:
    """A typed number against the engine's: (right, the number) with the skills counted and a miss filed
    for the teacher; or what is wrong with the text. Empty text is for the caller (it shows the answer)."""
    try:
        given = parse_number(text)
    except NumberError as e:
        return f"✗ {e}"
    right = math.isclose(given, want, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    skills.BOOK.record(tags, right)
    if not right:
        skills.BOOK.missed(asked, fmt(given))
    return right, given


class BeforeSwitch:
    """A mixin for a Lab with switches whose outcome can be predicted (lesson 9's = / +=, backward twice):
    in predict mode the key first asks for one number, then the switch happens and the answer is checked
    against what it did. ``enter`` alone switches without predicting."""

    pending: tuple[str, str, float, str] | None = None  # (action, the number asked, expected, skill)
    message: str

    def ask_before(self, action: str, asked: str, expected: float, skill: str, question: str) -> bool:
        """Ask for ``asked`` before ``action`` runs (True), or, predict mode off, let it run now (False)."""
        if not Settings.on:
            return False
        self.pending = (action, asked, expected, skill)
        self.message = f"before it happens: {question} Type {asked} (enter alone just does it)"
        return True

    def switch_fields(self) -> list[Field]:
        if self.pending is None:
            return []
        return [Field("predict", f"{self.pending[1]} =", "your prediction (enter alone just does it)")]

    def submit_switch(self, text: str) -> bool:
        assert self.pending is not None
        action, asked, expected, skill = self.pending
        if not text.strip():
            self.pending = None
            self.run_switch(action)
            return True
        judged = judge(text, expected, {skill}, asked)
        if isinstance(judged, str):
            self.message = judged
            return False
        right, given = judged
        self.pending = None
        self.run_switch(action)
        verdict = (f"✓ you predicted it: {asked} = {fmt(expected)}. " if right else
                   f"✗ you predicted {asked} = {fmt(given)}; it is {fmt(expected)}. ")
        self.message = verdict + self.message
        return True

    def run_switch(self, action: str) -> None:
        raise NotImplementedError
