"""A terminal plot of a lab's PlotPanel, on textual-plotext.

Imported only when a lesson has a plot (plotext is not needed for first paint).
Data may arrive as often as it likes: ``set_panel`` marks the plot stale and a
timer redraws at most ten times a second.
"""

from __future__ import annotations

import math

from textual_plotext import PlotextPlot

from micrograd_tui.lessons.labs import PlotPanel

REDRAW_SECONDS = 0.1


class LabPlot(PlotextPlot):
    DEFAULT_CSS = """
    LabPlot { height: 1fr; min-height: 6; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.panel: PlotPanel | None = None
        self._stale = False
        self.redraws = 0

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(REDRAW_SECONDS, self._redraw_if_stale)

    def set_panel(self, panel: PlotPanel) -> None:
        self.panel = panel
        self._stale = True

    def _redraw_if_stale(self) -> None:
        if self._stale:
            self.replot()

    def replot(self) -> None:
        """Clear, plot the panel, refresh."""
        self._stale = False
        self.redraws += 1
        plt = self.plt
        plt.clear_figure()
        panel = self.panel
        if panel is None:
            self.refresh()
            return
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
        self.refresh()
