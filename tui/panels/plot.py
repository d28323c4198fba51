"""A terminal plot of a lab's PlotPanel, on textual-plotext's public API.

Imported only when a lesson has a plot (plotext is not needed for first paint).

Data may arrive as often as it likes: ``update_panel`` marks the plot stale and a
timer replots at most ten times a second, and less often when drawing is slow
(drawing may take at most a third of the time), so keys stay quick while a
training run streams data. The plot follows the app's theme (PlotextPlot
subscribes to ``theme_changed_signal``). A drawing that fails says so in the
plot, and the next data tries again.
"""

from __future__ import annotations

import math
import time

from rich.text import Text
from textual_plotext import PlotextPlot

from micrograd_tui.lessons.lab import PlotPanel

REDRAW_SECONDS = 0.1  # at most ten redraws a second
BUSY_SHARE = 0.2  # and drawing may take at most this share of the time

MARKER_KEYS = {"braille": "⠤⠤", "hd": "▄▄", "fhd": "▄▄", "dot": "··", "sd": "█"}  # how a named marker looks

# A lab names colour roles; what each looks like is the screen's business.
ROLE_COLOURS = {
    "main": None,
    "mark": "yellow",
    "slope": "red",
    "good": "green",
    "negative": "blue",
    "positive": "red",
    "negative-strong": "blue+",
    "positive-strong": "red+",
}


class LabPlot(PlotextPlot):
    DEFAULT_CSS = """
    LabPlot { height: 1fr; min-height: 6; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.panel: PlotPanel | None = None
        self._stale = False
        self._next_allowed = 0.0

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(REDRAW_SECONDS, self._replot_if_stale)

    def update_panel(self, panel: PlotPanel) -> None:
        self.panel = panel
        self._stale = True

    def on_resize(self) -> None:
        self._stale = True
        self._next_allowed = 0.0

    def _replot_if_stale(self) -> None:
        if self._stale and time.monotonic() >= self._next_allowed:
            self.replot()

    def replot(self) -> None:
        """Clear, plot the current panel, and refresh (drawing happens in render)."""
        self._stale = False
        plt = self.plt
        plt.clear_figure()
        panel = self.panel
        if panel is None:
            self.refresh()
            return
        # Curves that each have a marker get their key in the title: plotext's own legend box sits
        # over the top left of the plot, where a loss curve starts.
        keyed = [s for s in panel.series if s.label]
        in_title = len(keyed) > 1 and all(s.marker for s in keyed)
        if in_title:
            plt.title("  ".join(f"{MARKER_KEYS.get(s.marker or '', (s.marker or '') * 2)} {s.label}" for s in keyed))
        else:
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
            kw = {}
            if s.label and not in_title:
                kw["label"] = s.label
            colour = ROLE_COLOURS.get(s.role)
            if colour:
                kw["color"] = colour
            if s.marker:
                kw["marker"] = s.marker
            if s.axis == "right":
                kw["yside"] = "right"
            draw = plt.scatter if s.scatter else plt.plot
            draw([p[0] for p in pts], [p[1] for p in pts], **kw)
            drawn = True
        for x in panel.vlines:
            plt.vline(x, color=ROLE_COLOURS.get("mark"))
        if panel.xlim:
            plt.xlim(*panel.xlim)
        if panel.ylim:
            plt.ylim(*panel.ylim)
        if not drawn:
            plt.title(panel.title + "  (nothing to plot yet)")
        self.refresh()

    def render(self):
        started = time.perf_counter()
        try:
            shown = super().render()
        except Exception as e:  # plotext can fail on odd data; the lesson goes on, the next data retries
            self.log.error(f"plot failed: {e!r}")
            shown = Text(f"(this plot could not be drawn: {type(e).__name__}; it retries on the next change)")
            self._stale = True
        cost = time.perf_counter() - started
        self._next_allowed = time.monotonic() + max(REDRAW_SECONDS, cost / BUSY_SHARE)
        return shown
