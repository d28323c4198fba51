"""Long runs must not grow memory: graphs are freed every step."""

import gc
import os

import pytest

from micrograd_tui.engine import MLP, Trainer
from micrograd_tui.engine.data import lecture_dataset


def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_ten_thousand_lecture_steps_keep_memory_flat():
    xs, ys = lecture_dataset()
    t = Trainer(MLP(3, [4, 4, 1], seed=0), xs, ys, learning_rate=0.01, history_limit=100)
    for _ in range(500):  # warm up allocator pools
        t.step()
    gc.collect()
    before = rss_bytes()
    for _ in range(10_000):
        t.step()
    gc.collect()
    grown = rss_bytes() - before
    assert grown < 5 * 1024 * 1024, f"RSS grew by {grown / 1e6:.1f} MB over 10,000 steps"
    assert len(t.history) == 100  # history is bounded too
