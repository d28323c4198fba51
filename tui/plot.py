"""A terminal plot of a lab's PlotPanel, on textual-plotext.

Imported only when a lesson has a plot (plotext is not needed for first paint).

Data may arrive as often as it likes: ``set_panel`` marks the plot stale and a
timer redraws at most ten times a second. Building a plotext figure takes tens
of milliseconds, so it happens in a thread worker on a figure of its own; the
UI thread only swaps in the finished text, and keys stay quick while a training
run streams data.
"""

from __future__ import annotations

import math
import time

from rich.text import Text
from textual import work
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

from micrograd_tui.lessons.labs import PlotPanel

REDRAW_SECONDS = 0.1  # at most ten redraws a second
BUSY_SHARE = 0.3  # and building may take at most this share of the time


def build_figure(panel: PlotPanel | None, width: int, height: int, theme: str) -> Text:
    """The panel drawn by plotext at a size, as Rich text. Pure: safe in any thread."""
    plt = Plot()
    plt.plotsize(width, height)
    plt._set_size(width, height)  # as textual-plotext's own render does (its issue #5)
    plt.theme(theme)
    if panel is None:
        return Text.from_ansi(plt.build())
    plt.title(panel.title)
    if panel.xlabel:
        plt.xlabel(panel.xlabel)
    if panel.ylabel:
        plt.ylabel(panel.ylabel)
    drawn = False
    for s in panel.series:
        pts = [(x, y) for x, y in zip(s.x, s.y) if math.isfinite(x) and math.isfinite(y)]
        if not pts:
            continue
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        kw = {}
        if s.label:
            kw["label"] = s.label
        if s.color:
            kw["color"] = s.color
        if s.marker:
            kw["marker"] = s.marker
        if s.kind == "scatter":
            plt.scatter(xs, ys, **kw)
        else:
            plt.plot(xs, ys, **kw)
        drawn = True
    if panel.xlim:
        plt.xlim(*panel.xlim)
    if panel.ylim:
        plt.ylim(*panel.ylim)
    if not drawn:
        plt.title(panel.title + "  (nothing to plot yet)")
    return Text.from_ansi(plt.build())


class LabPlot(PlotextPlot):
    DEFAULT_CSS = """
    LabPlot { height: 1fr; min-height: 6; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.panel: PlotPanel | None = None
        self._stale = False
        self._version = 0  # bumped per request, so a late build of old data is dropped
        self._shown = Text("")
        self._building = False
        self._next_allowed = 0.0
        self.redraws = 0
        self.last_build_seconds = 0.0

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(REDRAW_SECONDS, self._redraw_if_stale)

    def set_panel(self, panel: PlotPanel) -> None:
        self.panel = panel
        self._stale = True

    def on_resize(self) -> None:
        self._stale = True
        self._next_allowed = 0.0

    def _redraw_if_stale(self) -> None:
        if self._stale and not self._building and time.monotonic() >= self._next_allowed:
            self.replot()

    def replot(self) -> None:
        """Draw the current panel at the current size and theme (built off the UI thread)."""
        self._stale = False
        self._building = True
        self._version += 1
        width, height = max(self.size.width, 10), max(self.size.height, 4)
        self._build(self.panel, width, height, self._get_plotext_theme_name(self.app.theme), self._version)

    @work(thread=True, exclusive=True, exit_on_error=False, group="plot")
    def _build(self, panel, width, height, theme, version) -> None:
        t0 = time.perf_counter()
        text = build_figure(panel, width, height, theme)
        self.app.call_from_thread(self._take, text, version, time.perf_counter() - t0)

    def _take(self, text: Text, version: int, seconds: float) -> None:
        self._building = False
        self.last_build_seconds = seconds
        self._next_allowed = time.monotonic() + max(REDRAW_SECONDS, seconds / BUSY_SHARE)
        if version == self._version:
            self._shown = text
            self.redraws += 1
            self.refresh()

    def render(self):
        return self._shown
