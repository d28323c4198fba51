"""UI timings, headless through Textual's Pilot, each against a baseline from the same run.

1. Opening the graph tree on the demo's loss (~65,000 nodes) against a 7-node
   graph: UI time from ``show()`` until the next frame is done. Goal: < 100 ms.
   And lesson 6's neuron drawn as boxes (the lecture's picture) against the same
   graph as the tree. Goal: boxes < 100 ms.
2. A key press while plots redraw at full rate (lesson 16 training), against the
   same key with nothing running: time from the press until the screen changed.
   Goal: < 100 ms.
3. Lesson 14 training speed with the UI up (drawing throttled) against the
   Trainer alone outside any UI. Goal: >= 500 steps/s.
4. Lesson 16's 100 steps in the app against the original micrograd package's 100
   steps outside any UI (--original-steps N measures N and scales; 100 by
   default). Goal: ours <= 1/8 of the original; final accuracy >= 95%.

Run:  python tests/benchmarks/bench_ui.py [--original-steps 100] [--graph-only]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("MICROGRAD_TUI_HOME", tempfile.mkdtemp(prefix="mgt-bench-"))

from textual import events  # noqa: E402
from textual.app import App  # noqa: E402

from micrograd_tui.engine import MLP, Trainer, Value  # noqa: E402
from micrograd_tui.engine.data import lecture_dataset, make_moons  # noqa: E402
from micrograd_tui.lessons import expressions as ex  # noqa: E402
from micrograd_tui.lessons.lab import PICKED  # noqa: E402
from micrograd_tui.tui.app import MicrogradApp  # noqa: E402
from micrograd_tui.lessons import predict  # noqa: E402

predict.Settings.on = False  # timing the app, not a learner's answers: the predictions are off
from micrograd_tui.tui.panels.dag import DagView  # noqa: E402
from micrograd_tui.tui.panels.graph import GraphTree  # noqa: E402


class TreeApp(App):
    def compose(self):
        yield GraphTree()
        yield DagView()


async def neuron_open_times() -> tuple[float, float]:
    """Lesson 6's neuron after backward, drawn as boxes and as the tree: (boxes, tree) medians."""
    nodes = ex.neuron_nodes({})
    root = nodes["o"]
    root.backward()
    app = TreeApp()
    times: dict[str, list[float]] = {"dag": [], "tree": []}
    async with app.run_test(size=(120, 40)) as pilot:
        tree, dag = app.query_one(GraphTree), app.query_one(DagView)
        for _ in range(15):
            tree.root_value, dag.root = None, None  # a fresh open each time
            t0 = time.perf_counter()
            dag.show(root)
            await pilot.pause()
            times["dag"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            tree.show(root)
            await pilot.pause()
            times["tree"].append(time.perf_counter() - t0)
    return statistics.median(times["dag"]), statistics.median(times["tree"])


async def tree_open_times() -> tuple[float, float, int]:
    X, y = make_moons(100)
    t = Trainer(MLP(2, [16, 16, 1], flavour="micrograd", seed=1337), X, y, loss="svm")
    big, _ = t.forward()
    big.backward()
    small, _ = ex.lesson3(Value)
    from micrograd_tui.engine.graph import node_count

    n = node_count(big)
    app = TreeApp()
    times = {"big": [], "small": []}
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.query_one(GraphTree)
        for _ in range(7):
            for name, root in (("big", big), ("small", small)):
                tree.root_value = None  # a fresh open each time
                t0 = time.perf_counter()
                tree.show(root)
                await pilot.pause()
                times[name].append(time.perf_counter() - t0)
    return statistics.median(times["big"]), statistics.median(times["small"]), n


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def key_latency(running: bool) -> float:
    """Median time from pressing v (pick the next control) until the screen marks that control as picked."""
    app = MicrogradApp(start="demo")
    samples = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        lab = app.lab_view.lab
        if running:
            lab.knob("steps").value = 100_000
            await pilot.press("space")
            await pilot.pause(0.5)
        for _ in range(15):
            target = PICKED + lab.controls[(lab.selected + 1) % len(lab.controls)]
            t0 = time.perf_counter()
            # Post the key as the terminal driver does; Pilot.press would also wait for every
            # message queue to drain, which never happens while training streams updates.
            app.post_message(events.Key("v", "v"))
            while target not in screen_text(app):
                await pilot.pause(0.002)
                if time.perf_counter() - t0 > 5:
                    break
            samples.append(time.perf_counter() - t0)
            await pilot.pause(0.05)
        if running:
            await pilot.press("space")
    return statistics.median(samples)


async def lecture_steps_per_second(seconds: float = 3.0) -> float:
    app = MicrogradApp(start="gradient-descent")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        lab = app.lab_view.lab
        lab.knob("speed").value = 0
        lab.knob("steps").value = 100_000
        t0 = time.perf_counter()
        k0 = lab.trainer.k
        await pilot.press("space")
        await pilot.pause(seconds)
        steps = lab.trainer.k - k0
        elapsed = time.perf_counter() - t0
        await pilot.press("space")
    return steps / elapsed


def lecture_steps_per_second_bare(seconds: float = 2.0, replay: bool = False) -> float:
    """The Trainer alone, outside any UI: building Values each step (as before replay existed), or replaying."""
    xs, ys = lecture_dataset()
    t = Trainer(MLP(3, [4, 4, 1], seed=1337), xs, ys, learning_rate=0.05, replay=replay)
    t0 = time.perf_counter()
    n = 0
    while time.perf_counter() - t0 < seconds:
        t.step()
        n += 1
    return n / (time.perf_counter() - t0)


async def demo_in_app(engine: str = "scalars") -> tuple[float, float]:
    app = MicrogradApp(start="demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        lab = app.lab_view.lab
        lab.engine = engine
        lab.reset()
        t0 = time.perf_counter()
        await pilot.press("space")
        while app.lab_view.runner.active or lab.trainer.k < 100:
            await pilot.pause(0.02)
        elapsed = time.perf_counter() - t0
        return elapsed, lab.snap.accuracies[-1]


def original_demo_seconds(steps: int) -> float:
    """The original micrograd's demo steps, timed by bench_engine.py's worker in a process of its own."""
    X, y = make_moons(100, noise=0.1, seed=1337)
    bench_engine = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_engine.py")
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "moons.json")
        with open(data, "w") as fh:
            json.dump([X, y], fh)
        out = subprocess.run([sys.executable, bench_engine, "--worker", "original", "--data", data,
                              "--steps", str(steps)], capture_output=True, text=True, check=True)
    return sum(json.loads(out.stdout)["times"]) * 100 / steps


async def main(original_steps: int, graph_only: bool = False) -> None:
    dag, tree = await neuron_open_times()
    print(f"lesson 6's neuron opened as boxes {dag * 1000:.1f} ms, as the tree {tree * 1000:.1f} ms, "
          f"ratio {dag / tree:.2f}  (goal: boxes < 100 ms)")
    if graph_only:
        return
    big, small, n = await tree_open_times()
    print(f"tree open: {n:,}-node graph {big * 1000:.1f} ms, 7-node graph {small * 1000:.1f} ms, "
          f"ratio {big / small:.2f}  (goal: big < 100 ms)")
    idle = await key_latency(False)
    busy = await key_latency(True)
    print(f"key press to screen change: idle {idle * 1000:.1f} ms, while lesson 16 trains and replots "
          f"{busy * 1000:.1f} ms, ratio {busy / idle:.2f}  (goal: ratio <= 1.5 and < 100 ms while training)")
    ui = await lecture_steps_per_second()
    bare = lecture_steps_per_second_bare()
    replayed = lecture_steps_per_second_bare(replay=True)
    print(f"lesson 14 in the app: {ui:.0f} steps/s; Trainer alone building Values: {bare:.0f} steps/s, ratio "
          f"{ui / bare:.2f} (goal >= 1.0); Trainer alone replaying: {replayed:.0f} steps/s, ratio {ui / replayed:.2f}")
    ours, acc = await demo_in_app()
    from micrograd_tui.engine.batched import available

    fast = await demo_in_app("tensors") if available() else None
    try:
        theirs = original_demo_seconds(original_steps)
        print(f"lesson 16, 100 steps: in the app {ours:.1f} s (accuracy {acc * 100:.0f}%); original micrograd "
              f"outside any UI {theirs:.1f} s ({original_steps} steps measured); ours is 1/{theirs / ours:.1f} of it"
              "  (goal: <= 1/30, accuracy >= 95%)")
        if fast is not None:
            print(f"lesson 16, 100 steps on tensors: in the app {fast[0]:.2f} s (accuracy {fast[1] * 100:.0f}%), "
                  f"1/{theirs / fast[0]:.0f} of the original, {ours / fast[0]:.1f}x the scalar engine's run "
                  "(goal: within 0.5 s of pressing space)")
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        print(f"lesson 16, 100 steps: in the app {ours:.1f} s (accuracy {acc * 100:.0f}%); original not run: {e}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--original-steps", type=int, default=100)
    ap.add_argument("--graph-only", action="store_true", help="only the graph timings (a few seconds)")
    args = ap.parse_args()
    asyncio.run(main(args.original_steps, args.graph_only))
