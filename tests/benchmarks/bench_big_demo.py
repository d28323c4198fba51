"""A big demo run: 1,000 points training in its child process while the app draws the decision surface.

    python tests/benchmarks/bench_big_demo.py [--seconds 8] [--layers "32, 32"] [--points 1000] [--engine both]

At 120x40, with 1,000 points (and 30% more held out), prints, for each engine (scalars, the batched
tensors path when numpy is there, both measured in the same run):

* surface frames a second that reached the screen while training (a new surface drawn;
  goal: at least 2), and the training steps a second meanwhile, with their ratio tensors / scalars;
* the cost of drawing one full surface (heatmap, contour, points) against drawing an
  empty frame of the same size, measured in the same run (ratio).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from dataclasses import replace

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
os.environ.setdefault("MICROGRAD_TUI_HOME", tempfile.mkdtemp(prefix="bench-big-"))

from micrograd_tui.tui.app import MicrogradApp  # noqa: E402
from micrograd_tui.lessons import predict  # noqa: E402

predict.Settings.on = False  # timing the app, not a learner's answers: the predictions are off
from micrograd_tui.tui.panels.surface import SurfaceView  # noqa: E402


async def run(seconds: float, layers: str, points: int, engine: str) -> dict:
    app = MicrogradApp(start="demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        lab = app.lab_view.lab
        assert lab.submit("layers", layers) and lab.submit("points", str(points))
        lab.engine = engine
        lab.reset()
        lab.knob("steps").value = 100_000
        app.lab_view.sync()
        await pilot.pause(1.0)
        view = app.query_one(SurfaceView)
        full = view.panel
        assert full is not None and full.scores

        # one frame's drawing, full and empty, alternated so both see the same machine
        empty = replace(full, scores=(), points=())
        cost = {"full": [], "empty": []}
        for _ in range(15):
            for name, panel in (("full", full), ("empty", empty)):
                view.panel = panel
                started = time.perf_counter()
                view._build()
                cost[name].append(time.perf_counter() - started)
        view.update_panel(full)

        drawn: list[float] = []
        original = view._build
        last = [None]

        def counting():
            if view.panel is not None and view.panel.scores is not last[0]:
                last[0] = view.panel.scores
                drawn.append(time.perf_counter())
            original()

        view._build = counting
        await pilot.press("space")
        await pilot.pause(seconds)
        await pilot.press("space")
        k = lab.trainer.k
        grid = (view.panel.cols, view.panel.rows)
        area = (view.content_size.width, view.content_size.height)
    return {"fps": len(drawn) / seconds, "steps": k, "grid": grid, "area": area,
            "full": sorted(cost["full"])[len(cost["full"]) // 2], "empty": sorted(cost["empty"])[len(cost["empty"]) // 2],
            "params": len(lab.trainer.model.parameters()), "batch": lab.knob("batch").show()}


def main() -> None:
    from micrograd_tui.engine.batched import available

    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--layers", default="32, 32")
    ap.add_argument("--points", type=int, default=1000)
    ap.add_argument("--engine", choices=["scalars", "tensors", "both"], default="both")
    args = ap.parse_args()
    engines = ["scalars", "tensors"] if args.engine == "both" else [args.engine]
    if "tensors" in engines and not available():
        print("tensors skipped: numpy is not installed (pip install '.[fast]')")
        engines.remove("tensors")
    rate = {}
    for engine in engines:
        r = asyncio.run(run(args.seconds, args.layers, args.points, engine))
        rate[engine] = r["steps"] / args.seconds
        print(f"{engine}: {args.points} points, MLP(2, [{args.layers}, 1]) ({r['params']} parameters), "
              f"batch {r['batch']}, surface {r['area'][0]}x{r['area'][1]} cells from a {r['grid'][0]}x{r['grid'][1]} grid:")
        print(f"  {r['fps']:.1f} new surfaces on screen a second while training, {rate[engine]:.1f} steps a second "
              f"({r['steps']} in {args.seconds:g} s)  (goal: at least 2 surfaces)")
        print(f"  one surface frame {r['full'] * 1000:.1f} ms vs an empty frame {r['empty'] * 1000:.1f} ms: "
              f"ratio {r['full'] / r['empty']:.1f}")
    if len(rate) == 2 and rate["scalars"]:
        print(f"steps a second, tensors / scalars: {rate['tensors'] / rate['scalars']:.1f}x")


if __name__ == "__main__":
    main()
