"""Training in a child process: the app's interpreter stays free for the screen and the keys.

The app and the training share one interpreter lock when they share a process;
on two cores that halved the speed of both. So a running lesson 14 or 16 trains
here, in a process of its own (``python -I -m micrograd_tui.lessons.kinds.train_child``):
the parent sends the whole state to start from (settings, parameters, step,
random state) as one JSON line, and the child answers with a JSON line about
ten times a second (new losses, parameters, predictions, the decision boundary
now and then). Pausing or changing a knob ends the child; the parent already has
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
BOUNDARY_SECONDS = 0.3  # the decision boundary is scored at most this often
SILENT_SECONDS = 10.0  # a child that says nothing for this long is stuck: it is ended and reported


# --- the child -------------------------------------------------------------------------------------

def _model_and_trainer(state: dict):
    from micrograd_tui.engine import MLP, Trainer
    from micrograd_tui.engine.data import lecture_dataset, make_dataset
    from micrograd_tui.engine.train import demo_learning_rate

    s = state["settings"]
    if s["data"] is None:
        xs, ys = lecture_dataset()
    else:
        xs, ys = make_dataset(s["data"], s["points"], s.get("noise"), state["seed"])
    model = MLP(s["nin"], s["layers"], flavour=s["flavour"], seed=state["seed"])
    for p, x in zip(model.parameters(), state["params"]):
        p.data = x
    for p, g in zip(model.parameters(), state["grads"]):
        p.grad = g
    budget = state["budget"]
    lr = state["lr"] if state["lr"] is not None else (lambda k: max(demo_learning_rate(k, budget), 0.0))
    trainer = Trainer(model, xs, ys, loss=s["loss"], learning_rate=lr, zero_grad=state["zero_grad"],
                      batch_size=state["batch"], seed=0)
    trainer.k = state["k"]
    if state.get("rng") is not None:
        version, internal, gauss = state["rng"]
        trainer._rng.setstate((version, tuple(internal), gauss))
    return trainer


def boundary(model, xs, grid: tuple[int, int]) -> list[float]:
    """The model's sign at one point per plot cell, over the data's box and a margin."""
    cols, rows = grid
    x0, x1 = min(p[0] for p in xs) - 0.25, max(p[0] for p in xs) + 0.25
    y0, y1 = min(p[1] for p in xs) - 0.25, max(p[1] for p in xs) + 0.25
    labels = []
    for j in range(rows):
        y = y0 + (y1 - y0) * j / (rows - 1)
        for i in range(cols):
            x = x0 + (x1 - x0) * i / (cols - 1)
            out = model.predict([x, y])
            score = out if isinstance(out, float) else out[0]
            labels.append(1.0 if math.isfinite(score) and score > 0 else -1.0)
    return labels


def child_main() -> None:
    state = json.loads(sys.stdin.readline())
    trainer = _model_and_trainer(state)
    out = sys.stdout
    pace = state["pace"]
    budget = state["budget"]
    with_boundary = state["settings"]["nin"] == 2
    started = time.perf_counter()
    last_line = last_boundary = 0.0
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
            if with_boundary and (done or now - last_boundary >= BOUNDARY_SECONDS):
                line["boundary"] = boundary(trainer.model, trainer.xs, tuple(state["grid"]))
                line["grid"] = state["grid"]
                last_boundary = now
            elif not with_boundary:
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
