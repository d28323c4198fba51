"""One training step of the original micrograd demo, on the original engine and on ours.

Workload: two moons (100 points, noise 0.1), MLP(2, [16, 16, 1]) with ReLU hidden
layers, SVM max-margin loss + 1e-4 L2, full batch, learning rate 1.0 - 0.9·k/100.

Engines, each in a process of its own (so none inherits another's interpreter
state), run in turn, several rounds; the best step time of each counts:

* original  - the `micrograd` package from PyPI (its Value, nn.py and the demo loop)
* ours-a    - our Value driven by the original's own nn.py and loop (the engine alone)
* ours-b    - our nn.MLP and Trainer, building the graph with Values every step
* ours-c    - the same, replaying a graph recorded once (engine/replay.py); same losses to the bit
* ours-d    - the same Trainer on the batched path (engine/batched.py, numpy): each layer one matrix
              product; the losses agree to rounding (skipped, saying so, without numpy)

Run:  python tests/benchmarks/bench_engine.py [--rounds 5] [--steps 4]
Needs: pip install 'micrograd==0.1.0'  (the `bench` extra)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

SEED = 1337


def _demo_step(model, Value, X, y, k):
    """The original demo's loss() and update, as written in its notebook."""
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum((p * p for p in model.parameters()))
    total_loss = data_loss + reg_loss
    model.zero_grad()
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * k / 100
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return total_loss.data


def worker(engine: str, data_file: str, steps: int) -> None:
    with open(data_file) as fh:
        X, y = json.load(fh)
    import random

    times, losses = [], []
    if engine in ("original", "ours-a"):
        import micrograd.nn as mnn

        if engine == "ours-a":
            from micrograd_tui.engine import Value

            mnn.Value = Value  # the original nn.py now builds our Values
        else:
            from micrograd.engine import Value
        random.seed(SEED)
        model = mnn.MLP(2, [16, 16, 1])
        for k in range(steps):
            t0 = time.perf_counter()
            loss = _demo_step(model, Value, X, y, k)
            times.append(time.perf_counter() - t0)
            losses.append(loss)
    elif engine in ("ours-b", "ours-c", "ours-d"):
        from micrograd_tui.engine import MLP, Trainer
        from micrograd_tui.engine.train import demo_learning_rate

        model = MLP(2, [16, 16, 1], flavour="micrograd", seed=SEED)
        trainer = Trainer(model, X, y, loss="svm", learning_rate=demo_learning_rate, replay=engine == "ours-c",
                          batched=engine == "ours-d")
        for _ in range(steps):
            t0 = time.perf_counter()
            step = trainer.step()
            times.append(time.perf_counter() - t0)
            losses.append(step.loss)
    else:
        raise SystemExit(f"unknown engine {engine}")
    print(json.dumps({"times": times, "losses": losses}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--worker")
    ap.add_argument("--data")
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.data, args.steps)
        return 0

    from micrograd_tui.engine.data import make_moons

    X, y = make_moons(100, noise=0.1, seed=SEED)
    from micrograd_tui.engine.batched import available

    engines = ["original", "ours-a", "ours-b", "ours-c"] + (["ours-d"] if available() else [])
    if not available():
        print("ours-d skipped: numpy is not installed (pip install '.[fast]')")
    best = {e: float("inf") for e in engines}
    losses: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        data_file = os.path.join(tmp, "moons.json")
        with open(data_file, "w") as fh:
            json.dump([X, y], fh)
        for r in range(args.rounds):
            order = engines if r % 2 == 0 else engines[::-1]  # alternate who goes first
            for e in order:
                out = subprocess.run(
                    [sys.executable, __file__, "--worker", e, "--data", data_file, "--steps", str(args.steps)],
                    check=True, capture_output=True, text=True,
                )
                result = json.loads(out.stdout)
                best[e] = min(best[e], min(result["times"]))
                losses[e] = result["losses"]

    for e in engines:
        print(f"{e:9s} best step {best[e] * 1000:8.2f} ms   losses {', '.join(f'{v:.12f}' for v in losses[e])}")
    ok = True
    for e in engines[1:]:
        diff = max(abs(a - b) for a, b in zip(losses["original"], losses[e]))
        print(f"{e}: losses agree with the original to {diff:.1e}")
        ok &= diff <= (1e-12 if e == "ours-d" else 1e-9)
    print(f"ratio (a) engine alone, original / ours-a: {best['original'] / best['ours-a']:.2f}x")
    print(f"ratio (b) nn + Trainer, Value path, original / ours-b: {best['original'] / best['ours-b']:.2f}x")
    print(f"ratio (c) nn + Trainer, replay path, original / ours-c: {best['original'] / best['ours-c']:.2f}x")
    if "ours-d" in best:
        print(f"ratio (d) nn + Trainer, batched path, original / ours-d: {best['original'] / best['ours-d']:.2f}x")
    if not ok:
        print("FAIL: losses differ by more than 1e-9 (1e-12 for the batched path)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
