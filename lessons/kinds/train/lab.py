"""Gradient descent on an MLP, step by step or running: the lab of the lecture's net (lesson 14), and the base of the demo's.

The lab keeps its knobs' values and builds a :class:`~.setup.Setup` from them
(``setup()``); the trainer is made from that setup, here and in the child that
trains while the lab runs. A step here trains in this process; a run trains in
the child (``job()``), and each line the child sends is taken into this lab's
trainer, so pausing keeps every step it took.
"""

from __future__ import annotations

import copy
import math
import random
import time

from ... import skills
from ...lab import PICKED, FactsPanel, Field, Job, Lab, Panel, PlotPanel, Question, Series
from ...numtext import NumberError, fmt, parse_number
from ...predict import Settings
from .job import TrainingChild, training_job
from .protocol import Line, Start
from .setup import Setup, make_run, test_result
from .settings import Knob, TrainSettings
from .snapshot import TrainSnapshot

PLOT_POINTS = 400  # at most this many points of a curve are plotted


class TrainLab(Lab):
    """The lecture's net: its four samples, three knobs (lr, steps, speed) and the zero_grad switch."""

    def __init__(self, settings: TrainSettings, seed: int = 1337):
        super().__init__()
        self.settings = settings
        self.seed = seed
        self.dataset = settings.data
        self.layers = settings.layers
        self.activation = settings.activation
        self.loss = settings.loss
        self.knobs = {k.name: copy.copy(k) for k in settings.knobs}
        self.controls = list(self.knobs)  # what next_var walks through
        self.actions = frozenset({"run", "step", "reset", "reseed", "less", "more", "next_var", "zero_grad"})
        self.shows = frozenset({FactsPanel, PlotPanel})
        self.stops_job = frozenset({"step", "reset"})
        self.selected = 0
        self.want_run = False  # the learner asked it to run; the runner makes it so
        self._job: Job | None = None  # the child process training while it runs ...
        self.child: TrainingChild | None = None  # ... and the process itself
        self._child_predictions: tuple[float, ...] | None = None
        self.bet: str | None = None  # the learner's prediction for this run: "d", "u" or "b"
        self.engine = "scalars"  # settings.ENGINES: the demo offers the batched path too
        self.stopped_reason = ""
        self._zero_grad = True
        self.reset()

    def knob(self, name: str) -> Knob | None:
        return self.knobs.get(name)

    def _value(self, name: str, default: float) -> float:
        knob = self.knobs.get(name)
        return knob.value if knob is not None else default

    @property
    def budget(self) -> int:
        return int(self.knobs["steps"].value)

    def setup(self) -> Setup:
        """The current setup: what make_run builds from, what share writes."""
        noise, decay, l2 = (self.knobs.get(name) for name in ("noise", "decay", "l2"))
        return Setup(
            data=self.dataset, points=int(self._value("points", self.settings.points)),
            noise=noise.value if noise is not None else None, test=self._value("test", 0) / 100,
            layers=tuple(self.layers), flavour=self.settings.flavour, activation=self.activation, loss=self.loss,
            lr=self.knobs["lr"].value, decay=decay.value if decay is not None else None,
            l2=l2.value if l2 is not None else None, l1=self._value("l1", 0.0), batch=int(self._value("batch", 0)),
            steps=self.budget, zero_grad=self._zero_grad, seed=self.seed, engine=self.engine,
        )

    # --- building and stepping -------------------------------------------

    def reset(self) -> None:
        self.want_run = False
        self._job = None
        self._child_predictions = None
        self.trainer, self.test_xs, self.test_ys = make_run(self.setup())
        self.test_history: list[tuple[int, float, float]] = []
        self._test_now()
        self.bet = None
        self.rate = 0.0  # steps a second while it runs, as the lines arrive (the demo shows it)
        self._rate_mark: tuple[float, int] | None = None
        self.stopped_reason = ""
        self.snap_reset()
        self.message = f"seed {self.seed}: [[run]] runs, [[step]] takes one step"

    def snap_reset(self) -> None:
        """After a new run is built: what the screen shows of it."""
        self.snap = self.snapshot()

    def _test_now(self) -> None:
        tested = test_result(self.trainer, self.test_xs, self.test_ys)
        if tested is not None:
            self.test_history.append((self.trainer.k, *tested))

    @property
    def finished(self) -> bool:
        return self.trainer.k >= self.budget or self.trainer.diverged

    def step(self) -> None:
        """One step of training (touches no screen)."""
        self.trainer.step()
        self._test_now()
        if self.trainer.diverged:
            self.stopped_reason = self._diverged_reason()

    def _diverged_reason(self) -> str:
        return (f"the loss became {fmt(self.trainer.history[-1].loss)} at step {self.trainer.k}: "
                "the learning rate is too large. Lower it and press [[reset]]")

    def snapshot(self, score: bool = True) -> TrainSnapshot:
        """What the screen shows, copied. ``score=False`` keeps what the child last scored."""
        t = self.trainer
        if not score and self._child_predictions is not None:
            preds = self._child_predictions
        else:
            preds = tuple(_finite(_score(t.model, x)) for x in t.xs)
        return self._snapshot(predictions=preds)

    def _snapshot(self, **scored) -> TrainSnapshot:
        t = self.trainer
        return TrainSnapshot(k=t.k, losses=tuple(s.loss for s in t.history),
                             accuracies=tuple(s.accuracy for s in t.history), zero_grad=t.zero_grad,
                             diverged=t.diverged, test=tuple(self.test_history), **scored)

    # --- running in a child process ------------------------------------------------

    def job(self) -> Job | None:
        """While it runs, training happens in a child process (child.py), started from here."""
        if not self.want_run:
            self._job = None
        elif self._job is None:
            trainer = self.trainer  # the run the child goes on with: its lines mean nothing to another
            self._job, self.child = training_job(self.child_start(), lambda: self.trainer is trainer, self.take_lines)
        return self._job

    def _restart(self) -> None:
        """A setting the running child uses has changed: the next job() is a new child with it."""
        if self.want_run:
            self._job = None

    def child_start(self) -> Start:
        """Everything a child needs to go on from here."""
        return Start(self.setup(), self.trainer.state(), self._value("speed", 0), None, predictions=True)

    def take_lines(self, lines: list[Line], problem: str, final: bool, queued: int = 0) -> None:
        """What the child said, taken into this lab's trainer: steps, parameters, scores; ``queued``: its
        place in the class's queue for a training slot while it waits (under serve)."""
        from micrograd_tui.engine.train import Step

        if queued and not lines and not problem:
            ahead = "you are next" if queued == 1 else f"{queued - 1} ahead of you"
            self.message = (f"waiting to train: the class trains a few runs at once to keep everyone's keys quick; "
                            f"{ahead}. [[run]] leaves the queue")
            return
        t = self.trainer
        before = t.k
        for line in lines:
            k0 = line.k - len(line.steps)
            for i, (loss, acc, lr) in enumerate(line.steps):
                t.history.append(Step(k0 + i, loss if loss is not None else math.nan, acc, lr))
            t.load_state(line.state)
            self.take_scores(line)
        now = time.monotonic()
        mark = self._rate_mark
        if mark is None or mark[1] > before:
            self._rate_mark = (now, before)
        elif now - mark[0] >= 0.5 or (final and now > mark[0] and t.k > mark[1]):  # over 0.5 s or more
            self.rate = (t.k - mark[1]) / (now - mark[0])
            self._rate_mark = (now, t.k)
        if t.diverged and not self.stopped_reason:
            self.stopped_reason = self._diverged_reason()
        self.snap = self.snapshot(score=False)
        self.check_done()
        if problem:
            self.want_run, self._job = False, None
            self.message = problem
        elif final:
            self.want_run, self._job = False, None
            snap = self.snap
            if snap.diverged:
                self.message = self._judge_bet() + self.stopped_reason
            elif snap.losses:
                self.message = (self._judge_bet() +
                                f"done: {self.result_words()} after {snap.k} steps. [[reset]] starts again")

    def take_scores(self, line: Line) -> None:
        """What a line scored beside the steps: the held-out points' loss, each sample's prediction."""
        if line.test is not None:
            loss, acc = line.test
            self.test_history.append((line.k, loss if loss is not None else math.nan, acc))
        if line.predictions is not None:
            self._child_predictions = tuple(_finite(x) if x is not None else math.nan for x in line.predictions)

    def result_words(self) -> str:
        return f"loss {self.snap.losses[-1]:.4f}"

    # --- actions ------------------------------------------------------------

    OUTCOMES = (("d", "go down"), ("u", "go up, or stay where it is"), ("b", "blow up (overflow)"))

    def before(self, action: str) -> Question | None:
        """Predict mode: before a run from step 0, where will the loss go?"""
        if action != "run" or not Settings.on or self.want_run or self.trainer.k or self.finished:
            return None
        lr = self.knobs["lr"].show() if "lr" in self.knobs else fmt(self.trainer.learning_rate)
        zg = "on" if self.trainer.zero_grad else "OFF"
        return Question(f"Before it runs, predict: with lr = {lr} and zero_grad {zg}, over {self.budget} steps "
                        "the loss will…", self.OUTCOMES)

    def predicted(self, action: str, key: str | None) -> None:
        self.bet = key

    def _judge_bet(self) -> str:
        """The run is over: the learner's prediction against what the loss did (and the skill it shows)."""
        bet, self.bet = self.bet, None
        losses = self.snap.losses
        if bet is None or not losses:
            return ""
        went = "b" if self.snap.diverged or not math.isfinite(losses[-1]) else "d" if losses[-1] < losses[0] else "u"
        words = dict(self.OUTCOMES)
        right = bet == went
        skills.BOOK.record({"lr"} | (set() if self.trainer.zero_grad else {"zero_grad"}), right)
        if not right:
            skills.BOOK.missed("the loss will", words[bet])
        return (f"✓ you predicted it: the loss did {words[went]}. " if right else
                f"✗ you predicted the loss would {words[bet]}; it did {words[went]}. ")

    def on_run(self) -> None:
        if self.want_run:
            self.want_run = False
            self.message = f"paused at step {self.trainer.k}"
        elif self.finished:
            self.message = self.stopped_reason or f"the budget of {self.budget} steps is spent: [[reset]] starts again"
        else:
            self.want_run = True
            self._rate_mark = None  # steps a second counts from here, not across the pause
            self.message = "training… [[run]] pauses"

    def on_step(self) -> None:
        self.want_run = False
        if self.finished:
            self.message = self.stopped_reason or f"the budget of {self.budget} steps is spent: [[reset]] starts again"
            return
        self.step()
        self.snap = self.snapshot()
        self.message = self.stopped_reason or f"step {self.trainer.k}: loss {fmt(self.snap.losses[-1])}"
        self.check_done()

    def check_done(self) -> None:
        s, goal = self.snap, self.settings
        if not s.losses or s.diverged:
            return
        if goal.goal_loss is not None and s.losses[-1] < goal.goal_loss and s.zero_grad:
            self.done = True
        if goal.goal_accuracy is not None and s.accuracies[-1] >= goal.goal_accuracy:
            self.done = True

    def on_reseed(self) -> None:
        self.seed = random.randrange(1, 100_000)
        self.reset()

    def on_zero_grad(self) -> None:
        self._zero_grad = self.trainer.zero_grad = not self.trainer.zero_grad
        self._restart()
        if not self.want_run:
            self.snap = self.snapshot()
        self.message = ("zero_grad is ON: each step starts from fresh gradients" if self.trainer.zero_grad else
                        "zero_grad OFF (the lecture's bug): grads pile up step after step; an easy problem "
                        "can still seem to train, which is how it hides")

    def on_next_var(self) -> None:
        self._pick(1)

    def _pick(self, by: int) -> None:
        self.selected = (self.selected + by) % len(self.controls)
        name = self.controls[self.selected]
        typed = " (or type a value)" if name in self.knobs or name == "layers" else ""
        self.message = f"[[less]] and [[more]] now change {name}{typed}"

    def set_knob(self, knob: Knob, value: float) -> None:
        knob.value = int(round(value)) if knob.integer else value
        if knob.name == "steps" and self.trainer.k > self.budget:  # "step 100 of 20" would mean nothing
            self.reset()
            self.message = (f"steps = {knob.show()}: the run had gone past that, so it starts again from step 0. "
                            "[[run]] runs")
            return
        self._restart()
        if knob.name == "lr":
            self.trainer.learning_rate = knob.value
        self.message = f"{knob.name} = {knob.show()}"

    def change(self, name: str, by: int) -> None:
        """Less (by < 0) or more of the picked control."""
        knob = self.knobs[name]
        self.set_knob(knob, knob.more() if by > 0 else knob.less())

    def on_less(self) -> None:
        self.change(self.controls[self.selected], -1)

    def on_more(self) -> None:
        self.change(self.controls[self.selected], 1)

    def current_field(self) -> str | None:
        return self.controls[self.selected]

    def key_words(self) -> dict[str, str]:
        name = self.controls[self.selected]
        nxt = self.controls[(self.selected + 1) % len(self.controls)]
        knob = self.knobs.get(name)
        less, more = knob.words() if knob is not None else (f"change {name}", f"change {name}")
        return {"less": less, "more": more, "next_var": f"pick {nxt}", "reseed": "new random weights"}

    def fields(self) -> list[Field]:
        return [Field(k.name, f"{k.name} =", k.show()) for k in self.knobs.values()]

    def submit(self, name: str, text: str) -> bool:
        knob = self.knobs.get(name)
        if knob is None:
            self.message = "nothing to type here"
            return False
        try:
            value = 0.0 if knob.zero and text.strip().lower() == knob.zero else parse_number(text, lo=knob.lo, hi=knob.hi)
        except NumberError as e:
            self.message = f"{name}: {e}" + (f" (or {knob.zero})" if knob.zero else "")
            return False
        problem = knob.problem(value)
        if problem:
            self.message = problem
            return False
        self.set_knob(knob, value)
        return True

    # --- what to show --------------------------------------------------------

    def panels(self) -> list[Panel]:
        s = self.snap
        rows = [("step", f"{s.k} of {self.budget}"), ("loss", fmt(s.losses[-1]) if s.losses else "—"),
                ("zero_grad", "on" if s.zero_grad else "OFF (bug)")]
        for i, (p, t) in enumerate(zip(s.predictions, self.trainer.ys)):
            rows.append((f"ypred{i} (want {t:+.0f})", f"{p:+.4f}"))
        for i, k in enumerate(self.knobs.values()):
            rows.append(((PICKED if i == self.selected else "  ") + k.name, k.show()))
        rows.append(("parameters", str(len(self.trainer.model.parameters()))))
        rows.append(("seed", str(self.seed)))
        steps, losses = self.loss_curve()
        return [FactsPanel(tuple(rows)), PlotPanel("loss by step", (Series(steps, losses, "loss"),))]

    def loss_curve(self) -> tuple[list[int], list[float]]:
        """The steps and losses to plot: a long run keeps up to 10,000 losses, a terminal plot shows a
        few hundred columns."""
        s = self.snap
        stride = self.stride(len(s.losses))
        return list(range(s.k - len(s.losses), s.k, stride)), [_finite(x) for x in s.losses[::stride]]

    @staticmethod
    def stride(n: int) -> int:
        return max(1, n // PLOT_POINTS)


def _score(model, x) -> float:
    out = model.predict(x)
    return out if isinstance(out, float) else out[0]


def _finite(x: float) -> float:
    return x if math.isfinite(x) else math.nan
