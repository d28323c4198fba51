"""The training child: a process of its own that trains while a lesson 14 or 16 runs, so the app's interpreter stays free.

The app and the training share one interpreter lock when they share a process;
on two cores that halved the speed of both. So a running lab trains here
(``python -I -m micrograd_tui.lessons.kinds.train.child``): the app sends one
:class:`~.protocol.Start` line, and the child answers with a :class:`~.protocol.Line`
about ten times a second (new losses, parameters, predictions, the decision
surface and the test loss now and then). Pausing or changing a knob ends the
child; the app already has the state of its last line and starts a new child from
there. A child whose app is gone stops at its next write.
"""

from __future__ import annotations

import math
import os
import sys
import time

from ...jobs import UPDATE_SECONDS
from .protocol import Line, Start
from .setup import cross_check, data_box, make_run, surface, test_result

BOUNDARY_SECONDS = 0.3  # the surface (and the test loss) is scored at most this often


CHILD_NICE = 10  # training yields the processor to the apps: keys first


def main() -> None:
    if hasattr(os, "nice"):
        try:
            os.nice(CHILD_NICE)
        except OSError:
            pass
    start = Start.loads(sys.stdin.readline())
    trainer, txs, tys = make_run(start.setup)
    trainer.load_state(start.state)
    out = sys.stdout
    problem = cross_check(trainer, start.setup) if trainer.batched and trainer.k == 0 else ""
    if problem:
        out.write(Line(trainer.state(), [], True, problem=problem).dumps() + "\n")
        out.flush()
        return
    checked = trainer.batched and trainer.k == 1  # that first step is this run's: say it as a step
    first = trainer.history[-1] if checked else None
    new: list = ([[first.loss if math.isfinite(first.loss) else None, first.accuracy, first.learning_rate]]
                 if first is not None else [])
    budget = start.setup.steps
    box = data_box(trainer.xs + txs) if start.grid else None
    began = time.perf_counter()
    last_line = last_scored = 0.0
    # time between scorings: at least 3x what scoring costs; on the batched path a surface is one array
    # pass, so every line may carry one
    # lines twice as often as the app shows them, so each of its updates has a new surface
    every = UPDATE_SECONDS / 2 if trainer.batched else UPDATE_SECONDS
    least = every if trainer.batched else BOUNDARY_SECONDS
    scoring = least
    steps = 0
    while True:
        done = trainer.k >= budget or trainer.diverged
        if not done:
            s = trainer.step()
            new.append([s.loss if math.isfinite(s.loss) else None, s.accuracy, s.learning_rate])
            steps += 1
        now = time.perf_counter()
        if done or now - last_line >= every:
            scored: dict = {}
            if done or now - last_scored >= scoring * 0.95:  # a line's timing wobbles a little
                # The surface and the test loss cost a forward pass over many points: a few a second.
                if start.grid:
                    scored["surface"] = surface(trainer.model, box, *start.grid, arrays=trainer.arrays)
                    scored["grid"] = list(start.grid)
                tested = test_result(trainer, txs, tys)
                if tested is not None:
                    scored["test"] = [None if math.isnan(tested[0]) else tested[0], tested[1]]
                last_scored = now
                scoring = max(least, 3 * (time.perf_counter() - now))
            if start.predictions:
                scored["predictions"] = [trainer.model.predict(x) for x in trainer.xs]
            line = Line(trainer.state(), new, done, **scored)
            try:
                out.write(line.dumps() + "\n")
                out.flush()
            except (BrokenPipeError, OSError):
                return  # the app is gone: so are we
            new = []
            last_line = now
            if done:
                return
        if start.pace:
            delay = began + steps / start.pace - time.perf_counter()
            if delay > 0:
                time.sleep(min(delay, UPDATE_SECONDS))


if __name__ == "__main__":
    main()
