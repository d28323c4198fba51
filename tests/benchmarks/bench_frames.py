"""The demo's frames while it trains, with the network panel shown, against today's frame (the loss curves).

Lesson 16 at 120x40, [16, 16] on 100 moons points (the demo's own net), training
in its child as fast as it goes. A frame's cost is the app's work to show a new
state (``LabView._sync_panels``: the panels from the engine, each neuron's map
among them, handed to the widgets) plus Textual's screen updates that follow it
until the next state (rendering and compositing what changed). The same run is
measured twice in one process, once with the loss curves (the baseline) and once
with the network (``N``). Goal: the network's frames under 50 ms (median and p95).

Run:  python tests/benchmarks/bench_frames.py [--seconds 5] [--layers "16, 16"]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time

os.environ.setdefault("MICROGRAD_TUI_HOME", tempfile.mkdtemp(prefix="mgt-bench-"))

from textual.screen import Screen  # noqa: E402

from micrograd_tui.lessons import predict  # noqa: E402
from micrograd_tui.tui.app import MicrogradApp  # noqa: E402
from micrograd_tui.tui.lab_view import LabView  # noqa: E402

predict.Settings.on = False  # timing frames, not a learner's answers

GOAL_MS = 50.0


class FrameClock:
    """Wraps the app's panel sync and the screen's updates; a frame is one sync and the updates after it."""

    def __init__(self):
        self.frames: list[float] = []
        self._open: float | None = None
        self.on = False

    def install(self):
        clock = self
        sync, update = LabView._sync_panels, Screen._on_timer_update

        def timed_sync(view):
            t0 = time.perf_counter()
            sync(view)
            if clock.on:
                if clock._open is not None:
                    clock.frames.append(clock._open)
                clock._open = time.perf_counter() - t0

        def timed_update(screen):
            t0 = time.perf_counter()
            update(screen)
            if clock.on and clock._open is not None:
                clock._open += time.perf_counter() - t0

        LabView._sync_panels, Screen._on_timer_update = timed_sync, timed_update  # type: ignore[method-assign]
        return sync, update


async def frames(network: bool, seconds: float, layers: str) -> list[float]:
    clock = FrameClock()
    sync, update = clock.install()
    try:
        app = MicrogradApp(start="demo")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            lab = app.lab_view.lab
            assert lab.submit("layers", layers)
            lab.knob("steps").value = 1_000_000
            if network:
                await pilot.press("N")
                assert lab.show_network
            await pilot.press("space")
            await pilot.pause(1.0)  # the child started and its lines flow
            clock.on = True
            await pilot.pause(seconds)
            clock.on = False
            steps = lab.trainer.k
            await pilot.press("space")
        print(f"  {'network' if network else 'curves '}: {len(clock.frames)} frames over {seconds:g} s, "
              f"{steps} steps trained")
        return clock.frames
    finally:
        LabView._sync_panels, Screen._on_timer_update = sync, update  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--layers", default="16, 16")
    args = parser.parse_args()
    print(f"lesson 16, layers [{args.layers}], 100 points, 120x40, training at full speed:")
    base = asyncio.run(frames(False, args.seconds, args.layers))
    net = asyncio.run(frames(True, args.seconds, args.layers))

    def p95(xs: list[float]) -> float:
        return sorted(xs)[max(0, int(len(xs) * 0.95) - 1)]

    for name, xs in (("curves (today's frame)", base), ("network panel", net)):
        print(f"{name:>24}: median {statistics.median(xs) * 1000:6.1f} ms, p95 {p95(xs) * 1000:6.1f} ms")
    med, tail = statistics.median(net) * 1000, p95(net) * 1000
    print(f"ratio network / curves: median {statistics.median(net) / statistics.median(base):.2f}x, "
          f"p95 {p95(net) / p95(base):.2f}x")
    print(f"goal: network frames < {GOAL_MS:g} ms: {'met' if tail < GOAL_MS else 'NOT met'} "
          f"(median {med:.1f} ms, p95 {tail:.1f} ms)")


if __name__ == "__main__":
    main()
