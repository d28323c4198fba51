"""The lecture's skills, how well the learner has each, and when each is due for review.

Mastery is Bayesian knowledge tracing (Corbett & Anderson 1995), per skill, with fixed parameters:
the chance the skill is known before any answer (``PRIOR``), of learning it at each try (``LEARN``),
of a slip when it is known (``SLIP``) and of a right number without the skill (``GUESS``: not luck
to four places, but an easy case, such as a + passing the grad on unchanged). Each answer updates
the estimate by Bayes' rule, then adds the chance of learning at that step: from the prior, one right
answer gives 58%, two 88%; one wrong answer gives 13%. Right answers raise it, wrong ones lower it; it is a model, so
the contents show it as a bar, not a grade.

Review is spaced: after a right answer the skill is due again 1, 3, 7, then 21 days later (each right
answer in a row moves one step along); after a wrong one it is due in ``SOON`` and the steps start over.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Iterable

from micrograd_tui.engine import Value

PRIOR, LEARN, SLIP, GUESS = 0.2, 0.1, 0.1, 0.2
INTERVALS_DAYS = (1, 3, 7, 21)
SOON = 10 * 60  # seconds: a skill answered wrong comes back in the same sitting
DAY = 24 * 60 * 60
MISSES_KEPT = 50


@dataclass(frozen=True)
class Skill:
    id: str
    short: str  # a name for a narrow column
    words: str
    rests_on: tuple[str, ...] = ()


SKILLS: tuple[Skill, ...] = (
    Skill("add", "+", "local derivative of +"),
    Skill("mul", "*", "local derivative of *"),
    Skill("tanh", "tanh", "local derivative of tanh"),
    Skill("exp", "exp", "local derivative of exp"),
    Skill("pow", "**k", "local derivative of **k"),
    Skill("div", "/", "local derivative of /", ("pow", "mul")),
    Skill("chain", "chain rule", "the chain rule across two ops", ("add", "mul")),
    Skill("accumulate", "accumulation", "a value used twice: grads add up", ("chain",)),
    Skill("topo", "topological order", "topological order", ("chain",)),
    Skill("zero_grad", "zero_grad", "zero_grad before backward", ("accumulate",)),
    Skill("lr", "learning rate", "the learning rate's effect", ("chain",)),
)
BY_ID = {s.id: s for s in SKILLS}

# What each build exercise's checks test: a run of its checks that gets past "not written yet" counts as
# an answer for each (right when every check passes), once per change of its result.
EXERCISE_SKILLS: dict[str, tuple[str, ...]] = {
    "build-value": (),  # the forward pass only: no derivative yet
    "build-backward-ops": ("add", "mul", "tanh"),
    "build-backward": ("topo", "accumulate"),
    "build-more-ops": ("exp", "pow", "div"),
    "build-nn": ("chain",),
    "build-train": ("zero_grad", "lr"),
    "gradf": ("chain",),
    "softmax-nll": ("exp", "div", "chain"),
}


def op_skill(op: str) -> str | None:
    """The skill of an op's local derivative (a / b is a * b**-1 in the engine)."""
    if op == "+":
        return "add"
    if op == "*":
        return "mul"
    if op.startswith("**"):
        return "div" if op == "**-1" else "pow"
    return {"tanh": "tanh", "exp": "exp"}.get(op)


def of_node(uses: list[tuple[Value, float]], root: Value) -> set[str]:
    """The skills a node's grad takes: each user's local derivative; the chain rule when a user is not
    the output (two ops multiply); accumulation when the node is used more than once."""
    found = {s for user, _ in uses if (s := op_skill(user._op)) is not None}
    if any(user is not root for user, _ in uses):
        found.add("chain")
    if len(uses) > 1:
        found.add("accumulate")
    return found


@dataclass
class Record:
    p: float = PRIOR
    right: int = 0
    wrong: int = 0
    streak: int = 0  # right answers in a row: how far along INTERVALS_DAYS the next review is
    due: float | None = None  # epoch seconds; None: never answered

    def update(self, right: bool, now: float) -> None:
        p = self.p
        if right:
            seen = p * (1 - SLIP) / (p * (1 - SLIP) + (1 - p) * GUESS)
            self.right += 1
            self.due = now + INTERVALS_DAYS[min(self.streak, len(INTERVALS_DAYS) - 1)] * DAY
            self.streak += 1
        else:
            seen = p * SLIP / (p * SLIP + (1 - p) * (1 - GUESS))
            self.wrong += 1
            self.streak = 0
            self.due = now + SOON
        self.p = seen + (1 - seen) * LEARN


@dataclass
class SkillBook:
    """Every skill's record; the app loads it from the learner's progress and saves it back."""

    records: dict[str, Record] = field(default_factory=dict)
    changed: bool = False  # since the app last saved it
    # the learner's latest wrong predictions, (lesson, grad asked, number typed), for the teacher's page
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    where: str = ""  # the lesson open now (the app sets it): what a miss is filed under

    def missed(self, asked: str, typed: str) -> None:
        self.misses.append((self.where, asked, typed))
        del self.misses[:-MISSES_KEPT]
        self.changed = True

    def record(self, skills: Iterable[str], right: bool, now: float | None = None) -> None:
        now = time.time() if now is None else now
        for s in skills:
            if s in BY_ID:
                self.records.setdefault(s, Record()).update(right, now)
                self.changed = True

    def mastery(self, skill: str) -> float:
        r = self.records.get(skill)
        return r.p if r is not None else PRIOR

    def due(self, now: float | None = None) -> list[str]:
        """Skills answered before whose review is due, weakest first."""
        now = time.time() if now is None else now
        found = [s for s, r in self.records.items() if r.due is not None and r.due <= now]
        return sorted(found, key=self.mastery)

    def fade_stage(self) -> int:
        """How many of the chain-rule line's factors to hide at first: more as the chain rule is known."""
        p = self.mastery("chain")
        return 0 if p < 0.5 else 1 if p < 0.85 else 2

    # --- kept in the progress file ----------------------------------------------------
    def to_json(self) -> dict:
        return {s: {"p": round(r.p, 6), "right": r.right, "wrong": r.wrong, "streak": r.streak, "due": r.due}
                for s, r in self.records.items()}

    def misses_json(self) -> list[list[str]]:
        return [list(m) for m in self.misses]

    def load_misses(self, data: object) -> None:
        self.misses = [(str(m[0]), str(m[1]), str(m[2])) for m in data
                       if isinstance(m, list) and len(m) == 3][-MISSES_KEPT:] if isinstance(data, list) else []

    def load(self, data: object) -> None:
        """Take the saved records, skipping any that are not well formed (a hand-edited file)."""
        self.records = {}
        self.changed = False
        if not isinstance(data, dict):
            return
        for s, d in data.items():
            if s not in BY_ID or not isinstance(d, dict):
                continue
            try:
                p = float(d.get("p", PRIOR))
                due = d.get("due")
                rec = Record(p=min(1.0, max(0.0, p)), right=int(d.get("right", 0)), wrong=int(d.get("wrong", 0)),
                             streak=int(d.get("streak", 0)), due=None if due is None else float(due))
            except (TypeError, ValueError):
                continue
            self.records[s] = rec


BOOK = SkillBook()  # the learner's; the app loads it at start


def bar(p: float, width: int = 10) -> str:
    filled = round(p * width)
    return "█" * filled + "░" * (width - filled)
