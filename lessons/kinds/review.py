"""Review: fresh small graphs, drawn by the engine, for the skills that are due.

Nothing here is a stored question. Each item is an expression made from a template for one skill with
numbers drawn at random, computed by the engine, and asked node by node as predict mode asks (the
answers are the engine's grads). The skills asked are the ones due for review (``skills.SkillBook``),
weakest first; with none due, the weakest of those the graphs can test. A round is three items;
``reset`` draws a new round, so a learner can review for as long as they like.
"""

from __future__ import annotations

import random
import time
from typing import Callable

from .. import skills
from ..lab import FactsPanel, Finish, GraphPanel, Panel
from ..language import Program, evaluate
from ..predict import Predictor
from .predicting import Predicting

ROUND = 3


def _n(rng: random.Random, choices=(-3, -2, -1, 1, 2, 3)) -> str:
    return str(rng.choice(choices))


def _small(rng: random.Random) -> str:
    return rng.choice(["-1", "-0.5", "0.5", "1"])


# One template per skill a graph can test: the expression's text, with numbers drawn by rng.
TEMPLATES: dict[str, Callable[[random.Random], str]] = {
    "add": lambda r: f"a = {_n(r)}; b = {_n(r)}; c = {_n(r)}; L = (a + b)*c",
    "mul": lambda r: f"a = {_n(r)}; b = {_n(r)}; c = {_n(r)}; L = a*b + c",
    "tanh": lambda r: f"x = {_small(r)}; w = {_small(r)}; n = x*w; o = tanh(n)",
    "exp": lambda r: f"x = {_small(r)}; e = exp(x); L = e*{_n(r)}",
    "pow": lambda r: f"x = {_n(r)}; y = x**{r.choice([2, 3])}; L = y*{_n(r)}",
    "div": lambda r: f"a = {_n(r)}; b = {_n(r, (-2, -1, 1, 2, 4))}; L = a/b",
    "chain": lambda r: f"a = {_n(r)}; b = {_n(r)}; c = {_n(r)}; e = a*b; d = e + c; L = d*{_n(r)}",
    "accumulate": lambda r: f"a = {_n(r)}; b = {_n(r)}; L = a*b + a",
    "topo": lambda r: f"a = {_n(r)}; b = a*{_n(r)}; c = a + b; L = c*b",
}


def pick(book: skills.SkillBook, now: float, rng: random.Random, count: int = ROUND) -> list[str]:
    """The skills to ask: those due (weakest first), then the weakest of the rest a graph can test."""
    due = [s for s in book.due(now) if s in TEMPLATES]
    rest = sorted((s for s in TEMPLATES if s not in due), key=lambda s: (book.mastery(s), rng.random()))
    return (due + rest)[:count]


class ReviewLab(Predicting):
    finish = Finish.TASK

    def __init__(self, seed: int | None = None, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.rng = random.Random(seed)
        self.clock = clock
        self.actions = frozenset({"reset"})
        self.shows = frozenset({FactsPanel, GraphPanel})
        self.reset()

    def reset(self) -> None:
        self.round = pick(skills.BOOK, self.clock(), self.rng)
        self.due_at_start = len([s for s in skills.BOOK.due(self.clock()) if s in TEMPLATES])
        self.at = -1
        self.right_first = 0
        self.asked = 0
        self._next_item("")

    def on_reset(self) -> None:
        self.reset()

    def _next_item(self, lead: str) -> None:
        self.at += 1
        if self.at >= len(self.round):
            self.predictor = None
            self.message = (f"{lead}review done: {self.right_first} of {self.asked} grads right at the first try. "
                            "[[reset]] draws a new round")
            self.done = True
            return
        self.skill = self.round[self.at]
        self.text = TEMPLATES[self.skill](self.rng)
        self.program: Program = evaluate(self.text)
        self.predictor = Predictor(self.program.output, stage=skills.BOOK.fade_stage())
        self._ask(lead)

    def submit(self, name: str, text: str) -> bool:
        if name != "predict" or not self.predicting():
            return super().submit(name, text)
        p = self.predictor
        assert p is not None
        ok = self.submit_prediction(text)
        if self.predictor is None:  # this item's grads are all in
            self.right_first += p.right_first_time()
            self.asked += len(p.order)
            self.done = False
            self._next_item(self.message.split(". Every grad")[0] + ". Next: ")
        return ok

    def panels(self) -> list[Panel]:
        rows = [("round", f"item {min(self.at + 1, len(self.round))} of {len(self.round)}"),
                ("due now", str(self.due_at_start))]
        for s in self.round:
            skill = skills.BY_ID[s]
            rows.append((skill.short, f"{skills.bar(skills.BOOK.mastery(s), 8)} {skills.BOOK.mastery(s):.0%}"))
        out: list[Panel] = [FactsPanel(tuple(rows))]
        if self.at < len(self.round):
            asked = self.predictor.current if self.predictor else None
            out.append(GraphPanel(self.program.output, f"{skills.BY_ID[self.skill].words}: {self.text}",
                                  highlight=asked, chain_rule=asked is None))
        return out
