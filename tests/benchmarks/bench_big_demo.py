"""A big demo run: 1,000 points, MLP(2, [32, 32, 1]), training in its child process while the app draws.

    python tests/benchmarks/bench_big_demo.py [--seconds 8]

Prints the frames a second that reached the screen (boundary redraws) beside the
frames a second of an idle app redrawing the same plot in the same run. Goal: at
least 2 frames a second while training.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
os.environ.setdefault("MICROGRAD_TUI_HOME", tempfile.mkdtemp(prefix="bench-big-"))

from micrograd_tui.tui.app import MicrogradApp  # noqa: E402
from micrograd_tui.tui.panels.plot import LabPlot  # noqa: E402


async def frames(seconds: float, train: bool) -> tuple[float, int]:
    app = MicrogradApp(start="demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        lab = app.lab_view.lab
        lab.submit("width", "32")
        lab.submit("points", "1000")
        lab.knob("steps").value = 100_000
        app.lab_view.sync()
        await pilot.pause(0.5)
        plot = [p for p in app.query(LabPlot) if p.has_class("-boundary")][0]
        drawn = []
        original = plot.render

        def counting():
            drawn.append(time.perf_counter())
            return original()

        plot.render = counting
        if train:
            await pilot.press("space")
        else:
            app.set_interval(0.1, plot.replot)
        await pilot.pause(seconds)
        if train:
            await pilot.press("space")
        k = lab.trainer.k
    return len(drawn) / seconds, k


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=8.0)
    seconds = ap.parse_args().seconds
    idle, _ = asyncio.run(frames(seconds, train=False))
    busy, steps = asyncio.run(frames(seconds, train=True))
    print(f"1,000 points, MLP(2, [32, 32, 1]), batch 100: {busy:.1f} boundary frames a second while training "
          f"({steps} steps in {seconds:g} s); the idle app redrawing the same plot: {idle:.1f} a second; "
          f"ratio {busy / idle:.2f}  (goal: at least 2 frames a second)")


if __name__ == "__main__":
    main()
