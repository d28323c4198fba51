"""A table of ours against another source (PyTorch), with the graph of ours.

The other source may be slow to load (importing torch takes seconds), so the lab
opens with recorded values and loads the live ones as a one-step job.
"""

from __future__ import annotations

import math
from typing import Callable

from micrograd_tui.engine import Value

from ..lab import FactsPanel, Finish, GraphPanel, Job, Lab, Panel

Rows = dict[str, float]


class CompareLab(Lab):
    """``ours()`` returns (root, {name: number}); ``theirs()`` and ``fallback()`` return (source, {name: number})."""

    def __init__(self, ours: Callable[[], tuple[Value, Rows]], theirs: Callable[[], tuple[str, Rows]],
                 fallback: Callable[[], tuple[str, Rows]], install_hint: str = ""):
        super().__init__()
        self._ours = ours
        self._theirs = theirs
        self._fallback = fallback
        self.install_hint = install_hint
        self.actions = frozenset({"reset"})
        self.shows = frozenset({FactsPanel, GraphPanel})
        self.finish = Finish.VISIT
        self._loader: Job[tuple[str, Rows] | str | None] | None = None
        self.reset()

    def reset(self) -> None:
        self.root, self.mine = self._ours()
        self.source, self.other = self._fallback()
        self._loader = self._live_load()

    def _live_load(self) -> Job[tuple[str, Rows] | str | None]:
        """One step: try the live source; keep the fallback when it cannot be had."""
        got: list[tuple[str, Rows] | str] = []

        def load() -> None:
            try:
                got.append(self._theirs())
            except ImportError:
                got.append(f"PyTorch is not installed: showing {self.source}. {self.install_hint}".strip())
            except Exception as e:  # a broken torch install must not take the lesson down
                got.append(f"PyTorch failed ({type(e).__name__}); showing {self.source}")

        def apply(result: tuple[str, Rows] | str | None, final: bool) -> None:
            if final and result is not None and self._loader is job:
                self.loaded(result)

        job = Job(step=load, snapshot=lambda: got[0] if got else None, apply=apply, finished=lambda: bool(got))
        return job

    def job(self) -> Job | None:
        return self._loader

    def loaded(self, result: tuple[str, Rows] | str) -> None:
        """What the live load gave: (source, rows), or the words why it could not be had."""
        self._loader = None
        if isinstance(result, str):
            self.message = result
        else:
            self.source, self.other = result
            self.message = f"computed live by {self.source}"

    def panels(self) -> list[Panel]:
        rows = [("source", self.source), ("✓", "equal to 12 digits")]
        for k, v in self.mine.items():
            o = self.other.get(k, math.nan)
            same = "✓" if abs(v - o) <= 1e-12 * max(1.0, abs(o)) else "✗"
            rows.append((k, ""))
            rows.append(("  ours", f"{v!r}"))
            rows.append(("  PyTorch", f"{o!r} {same}"))
        return [FactsPanel(tuple(rows)), GraphPanel(self.root, "ours")]
