"""A class on `micrograd-tui serve`: N simulated learners over the websocket, against one learner alone.

Each learner joins as a browser does (the class code and a name, then the page's websocket, 120x40) and
speaks textual-serve's protocol (["stdin", keys], ["resize", ...]). One in five works the demo (lesson 16:
runs it, resets it, runs it again); the rest walk lessons 0-6 (n and p). Measured on the server side only
(no browser): join time (websocket opened to lesson 0's first number on screen), key latency (a key sent to
the first screen update after it), the apps' memory (RSS) and the processor time of the server, the apps and
their training children. The baseline is one learner alone, measured in the same run.

Run:  python tests/benchmarks/bench_serve.py [--learners 1,10,30] [--seconds 20] [--train-every 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CODE = "BENCH-1"
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]")
FIRST_NUMBER = "24.7041"  # lesson 0's output, on screen once an app has drawn its first lesson


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree(root: int) -> list[int]:
    """``root`` and every process under it."""
    children: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(proc.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])  # with dead children
        except (OSError, ValueError, IndexError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


class Learner:
    def __init__(self, n: int, port: int, trains: bool):
        self.n, self.port, self.trains = n, port, trains
        self.text = ""
        self.join_seconds: float | None = None
        self.latencies: list[float] = []
        self._update = asyncio.Event()

    async def run(self, data: Path, until: float, train_every: float) -> None:
        from aiohttp import ClientSession, CookieJar

        # a browser of its own: its own cookie (unsafe: aiohttp keeps no cookie for an IP address otherwise)
        async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as session:
            async with session.post(f"http://127.0.0.1:{self.port}/join",
                                    data={"code": CODE, "name": f"learner {self.n}"}) as r:
                await r.read()
            if self.trains:  # to the demo, as a learner who has got that far
                folder = self._folder(data, session)
                if folder is not None:
                    (folder / "progress.json").write_text(json.dumps({"format": 1, "current": "demo",
                                                                      "predict": False}))
            started = time.monotonic()
            async with session.ws_connect(f"ws://127.0.0.1:{self.port}/ws?width=120&height=40") as ws:
                reader = asyncio.ensure_future(self._read(ws))
                want = "lesson 16" if self.trains else FIRST_NUMBER
                while want not in self.text and time.monotonic() - started < 120:
                    await asyncio.sleep(0.02)
                self.join_seconds = time.monotonic() - started
                keys = ["space"] if self.trains else ["n", "p"]
                i, last_train = 0, 0.0
                while time.monotonic() < until:
                    if self.trains:
                        if time.monotonic() - last_train >= train_every:
                            await ws.send_json(["stdin", "r"])
                            await asyncio.sleep(0.2)
                            await ws.send_json(["stdin", " "])
                            last_train = time.monotonic()
                        await self._key(ws, "v")  # the learner picks controls while it trains
                    else:
                        await self._key(ws, keys[i % 2])
                    i += 1
                    await asyncio.sleep(1.0)
                reader.cancel()

    def _folder(self, data: Path, session) -> Path | None:
        from micrograd_tui.tui.serve.server import COOKIE, session_dir

        for cookie in session.cookie_jar:
            if cookie.key == COOKIE:
                return session_dir(data, cookie.value)
        return None

    async def _key(self, ws, key: str) -> None:
        self._update.clear()
        sent = time.monotonic()
        await ws.send_json(["stdin", key])
        try:
            await asyncio.wait_for(self._update.wait(), timeout=10)
            self.latencies.append(time.monotonic() - sent)
        except asyncio.TimeoutError:
            self.latencies.append(10.0)

    async def _read(self, ws) -> None:
        from aiohttp import WSMsgType

        async for msg in ws:
            if msg.type == WSMsgType.BINARY:
                self.text = (self.text + ANSI.sub("", msg.data.decode("utf-8", "replace")))[-20_000:]
                self._update.set()


async def measure(n: int, seconds: float, train_every: float) -> dict:
    port = free_port()
    data = Path(tempfile.mkdtemp(prefix="mgt-bench-serve-"))
    server = subprocess.Popen([sys.executable, "-m", "micrograd_tui.tui.cli", "serve", "--port", str(port),
                               "--data", str(data), "--class-code", CODE, "--max-sessions", str(n + 1)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.monotonic() + 20
        while time.monotonic() < end:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            await asyncio.sleep(0.1)
        learners = [Learner(i, port, trains=i % 5 == 4) for i in range(n)]
        until = time.monotonic() + seconds
        tasks = [asyncio.ensure_future(learner.run(data, until + 10, train_every)) for learner in learners]
        await asyncio.sleep(min(10.0, seconds / 2))  # joining; then the window that is measured
        cpu0, t0 = cpu_seconds(tree(server.pid)), time.monotonic()
        await asyncio.sleep(seconds)
        pids = tree(server.pid)
        cpu = (cpu_seconds(pids) - cpu0) / (time.monotonic() - t0)
        rss = rss_mb(pids)
        await asyncio.gather(*tasks, return_exceptions=True)
        lat = sorted(x for learner in learners for x in learner.latencies)
        joins = [learner.join_seconds for learner in learners if learner.join_seconds is not None]
        return {"learners": n, "training": sum(learner.trains for learner in learners), "rss_mb": rss,
                "cores": cpu, "join_median": statistics.median(joins) if joins else float("nan"),
                "join_max": max(joins) if joins else float("nan"),
                "p50": lat[len(lat) // 2] if lat else float("nan"),
                "p95": lat[max(0, int(len(lat) * 0.95) - 1)] if lat else float("nan")}
    finally:
        server.send_signal(2)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", default="1,10,30")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--train-every", type=float, default=5.0, help="a training learner runs the demo again so often")
    args = parser.parse_args()
    counts = [int(c) for c in args.learners.split(",")]
    if counts[0] != 1:
        counts.insert(0, 1)  # the baseline: one learner alone, in this same run
    print(f"{os.cpu_count()} processors; one in five learners trains the demo; {args.seconds:g} s measured each")
    print(f"{'learners':>8} {'training':>8} {'RSS MB':>8} {'cores':>6} {'cores/learner':>13} {'join med/max s':>15} "
          f"{'key p50/p95 s':>14}")
    base = None
    for n in counts:
        r = asyncio.run(measure(n, args.seconds, args.train_every))
        base = base or r
        print(f"{r['learners']:>8} {r['training']:>8} {r['rss_mb']:>8.0f} {r['cores']:>6.2f} "
              f"{r['cores'] / r['learners']:>13.3f} {r['join_median']:>7.2f}/{r['join_max']:<7.2f} "
              f"{r['p50']:>6.3f}/{r['p95']:<7.3f}")
        if r is not base:
            print(f"{'':>8} key p95 {r['p95'] / max(base['p95'], 1e-3):.1f}x one learner alone; join "
                  f"{r['join_median'] / max(base['join_median'], 1e-3):.1f}x")


if __name__ == "__main__":
    main()
