"""Training in a child process: the app's interpreter stays free for the screen and the keys.

The app and the training share one interpreter lock when they share a process;
on two cores that halved the speed of both. So a running lesson 14 or 16 trains
here, in a process of its own (``python -I -m micrograd_tui.lessons.kinds.train_child``):
the parent sends the whole state to start from (settings, parameters, step,
random state) as one JSON line, and the child answers with a JSON line about
ten times a second (new losses, parameters, predictions, the decision surface
and the test loss now and then). Pausing or changing a knob ends the child; the parent already has
the state of its last line and starts a new child from there. A child whose
parent is gone stops at its next write.
"""

from __future__ import annotations

import json
import math
import os
import select
import subprocess
import sys
import time

SNAPSHOT_SECONDS = 0.1  # a line at most this often
BOUNDARY_SECONDS = 0.3  # the surface (and the test loss) is scored at most this often
SILENT_SECONDS = 10.0  # a child that says nothing for this long is stuck: it is ended and reported


# --- what parent and child both build from a setup ------------------------------------------------

SURFACE_MARGIN = 0.25  # the surface shows the data's box and this much round it


def make_run(setup: dict):
    """The trainer a setup describes, and its held-out points: (trainer, test_xs, test_ys).

    The parent and the child both build through here, so they train the same net on the same data.
    Test points are a second sample of the same set (seed + 1), so the training points stay those
    of a run without a test set (the original demo's 100 moons points, with its defaults)."""
    from micrograd_tui.engine import MLP, Trainer
    from micrograd_tui.engine.data import lecture_dataset, make_dataset
    from micrograd_tui.engine.train import decayed_learning_rate

    seed = setup["seed"]
    if setup["data"] is None:
        xs, ys = lecture_dataset()
        txs: list = []
        tys: list = []
    else:
        xs, ys = make_dataset(setup["data"], setup["points"], setup.get("noise"), seed)
        n_test = test_count(setup["points"], setup.get("test", 0.0))
        txs, tys = make_dataset(setup["data"], n_test, setup.get("noise"), seed + 1) if n_test else ([], [])
    model = MLP(len(xs[0]), setup["layers"], flavour=setup["flavour"], activation=setup.get("activation", "relu"),
                seed=seed)
    steps, lr0, decay = setup["steps"], setup["lr"], setup.get("decay")
    lr = lr0 if decay is None else (lambda k: decayed_learning_rate(k, steps, lr0, decay))
    trainer = Trainer(model, xs, ys, loss=setup["loss"], learning_rate=lr, zero_grad=setup.get("zero_grad", True),
                      batch_size=setup.get("batch") or None, seed=seed, l2=setup.get("l2"), l1=setup.get("l1", 0.0))
    return trainer, txs, tys


def test_count(points: int, ratio: float) -> int:
    """How many test points go with ``points`` training points when ``ratio`` of all are held out."""
    return round(points * ratio / (1 - ratio)) if ratio > 0 else 0


def test_result(trainer, txs, tys) -> tuple[float, float] | None:
    """(loss, accuracy) on the held-out points, the loss as the trainer measures its own (with the
    same regularisation), or None with no test set."""
    if not txs:
        return None
    from micrograd_tui.engine.train import float_loss

    scores = trainer.model.predict_many(txs)
    params = [p.data for p in trainer._params]
    loss = float_loss(trainer.loss_kind, scores, tys, params, trainer.l2, trainer.l1)
    hits = sum((y > 0) == (s > 0) for y, s in zip(tys, scores))
    return (loss if math.isfinite(loss) else math.nan), hits / len(tys)


def data_box(points) -> tuple[tuple[float, float], tuple[float, float]]:
    """The x and y range a surface shows: the points' box and a margin."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return ((min(xs) - SURFACE_MARGIN, max(xs) + SURFACE_MARGIN),
            (min(ys) - SURFACE_MARGIN, max(ys) + SURFACE_MARGIN))


def surface(model, box, cols: int, rows: int) -> list[float]:
    """The model's score at the centre of each cell of a cols x rows grid over ``box``, row by row
    from the top (as ``lab.surface_centre`` places them)."""
    from ..lab import grid_centres

    return [s if math.isfinite(s) else 0.0 for s in model.predict_many(grid_centres(box[0], box[1], cols, rows))]


# --- the child -------------------------------------------------------------------------------------

def restore(trainer, state: dict) -> None:
    """Put a run's step, parameters, grads and random state (as the JSON lines carry them) into a trainer."""
    trainer.k = state["k"]
    for p, x, g in zip(trainer._params, state["params"], state["grads"]):
        p.data, p.grad = x, g
    version, internal, gauss = state["rng"]
    trainer._rng.setstate((version, tuple(internal), gauss))


def _trainer_from(state: dict):
    trainer, txs, tys = make_run(state["setup"])
    restore(trainer, state)
    return trainer, txs, tys


def child_main() -> None:
    state = json.loads(sys.stdin.readline())
    trainer, txs, tys = _trainer_from(state)
    out = sys.stdout
    pace = state["pace"]
    budget = state["setup"]["steps"]
    grid = state.get("grid")  # (cols, rows) of the surface, or None without one
    with_predictions = state.get("predictions", False)  # each sample's prediction (the lecture's facts)
    box = data_box(trainer.xs + txs) if grid else None
    started = time.perf_counter()
    last_line = last_scored = 0.0
    scoring = BOUNDARY_SECONDS  # time between scorings: at least 3x what scoring costs
    steps = 0
    new = []
    while True:
        done = trainer.k >= budget or trainer.diverged
        if not done:
            s = trainer.step()
            new.append((s.loss if math.isfinite(s.loss) else None, s.accuracy, s.learning_rate))
            steps += 1
        now = time.perf_counter()
        if done or now - last_line >= SNAPSHOT_SECONDS:
            line = {"k": trainer.k, "steps": new, "params": [p.data for p in trainer._params],
                    "grads": [p.grad for p in trainer._params], "diverged": trainer.diverged,
                    "rng": list(trainer._rng.getstate()), "done": done}
            if done or now - last_scored >= scoring:
                # The surface and the test loss cost a forward pass over many points: a few a second.
                if grid:
                    line["surface"] = surface(trainer.model, box, *grid)
                    line["grid"] = grid
                tested = test_result(trainer, txs, tys)
                if tested is not None:
                    line["test"] = [None if math.isnan(tested[0]) else tested[0], tested[1]]
                last_scored = now
                scoring = max(BOUNDARY_SECONDS, 3 * (time.perf_counter() - now))
            if with_predictions:
                line["predictions"] = [trainer.model.predict(x) for x in trainer.xs]
            try:
                out.write(json.dumps(line, allow_nan=True) + "\n")
                out.flush()
            except (BrokenPipeError, OSError):
                return  # the app is gone: so are we
            new = []
            last_line = now
            if done:
                return
        if pace:
            delay = started + steps / pace - time.perf_counter()
            if delay > 0:
                time.sleep(min(delay, SNAPSHOT_SECONDS))


# --- the parent's side: a Job the app's runner drives ----------------------------------------------

class ChildTraining:
    """One run of a training lab in a child process; ``state`` is read from the lab when it starts."""

    def __init__(self, lab):
        self.lab = lab
        self.trainer = lab.trainer  # the run this child goes on with: its lines mean nothing to another
        self.proc: subprocess.Popen | None = None
        self.lines: list[dict] = []  # lines read and not yet applied
        self.ended = False
        self.problem = ""
        self._buffer = b""
        self._heard = 0.0
        self._closed = False  # ended by the app (a pause, a new setting): not a problem to report

    @property
    def finished(self) -> bool:
        return self.ended

    def pace(self) -> float:
        return 0.0  # the child keeps its own pace

    def _start(self) -> None:
        state = self.lab.child_state()
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        self.proc = subprocess.Popen([sys.executable, "-I", "-m", "micrograd_tui.lessons.kinds.train_child"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env=env)
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(state) + "\n").encode())
        self.proc.stdin.flush()
        self._heard = time.monotonic()

    def step(self) -> None:
        """Read what the child has said (waiting a little for it); start it the first time."""
        if self.proc is None:
            self._start()
        proc = self.proc
        assert proc is not None and proc.stdout is not None
        fd = proc.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], SNAPSHOT_SECONDS)
        if ready:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                self._ended_without_done()
                return
            self._heard = time.monotonic()
            self._buffer += chunk
            while b"\n" in self._buffer:
                raw, _, self._buffer = self._buffer.partition(b"\n")
                line = json.loads(raw)
                self.lines.append(line)
                if line.get("done"):
                    self.ended = True
        elif time.monotonic() - self._heard > SILENT_SECONDS:
            self.close()
            self._closed = False
            self.problem = f"the training process said nothing for {SILENT_SECONDS:g} s and was ended"
            self.ended = True

    def _ended_without_done(self) -> None:
        code = self.proc.wait() if self.proc is not None else None
        if not self.ended and not self._closed:
            self.problem = (f"the training process stopped unexpectedly (exit status {code}); "
                            "[[run]] starts it again from the last step shown")
        self.ended = True

    def snapshot(self):
        lines, self.lines = self.lines, []
        return lines, self.problem

    def apply(self, snap, final: bool) -> None:
        if self.lab.trainer is not self.trainer:
            return  # the lab started a new run (a control changed) after this child was stopped: drop its steps
        lines, problem = snap
        self.lab.take_child_lines(lines, problem, final)

    def close(self) -> None:
        self._closed = True
        proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    child_main()
