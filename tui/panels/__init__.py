"""One widget per panel type. Each has ``update_panel(description)``; the lab view finds the widget
for a panel through :data:`WIDGETS` and knows nothing about any single lab."""

from __future__ import annotations

from typing import Callable

from textual.widget import Widget

from micrograd_tui.lessons.lab import CodePanel, FactsPanel, GraphPanel, ListPanel, Panel, PlotPanel, SurfacePanel

from .code import CodeView
from .facts import FactsView, ListingView
from .graph import GraphPanelView
from .surface import SurfaceView


def _plot() -> Widget:
    from .plot import LabPlot  # plotext only when a lesson plots something

    return LabPlot()


#: panel type -> (box id, where the box goes, a new widget for it)
WIDGETS: dict[type, tuple[str, str, Callable[[], Widget]]] = {
    FactsPanel: ("lab-facts", "side", FactsView),
    ListPanel: ("lab-listing", "side", ListingView),
    GraphPanel: ("lab-graphs", "main", GraphPanelView),
    SurfacePanel: ("lab-surface", "main", SurfaceView),  # above the curves: on a short screen it keeps its room
    PlotPanel: ("lab-plots", "main", _plot),
    CodePanel: ("lab-code", "main", CodeView),
}

__all__ = ["WIDGETS", "Panel"]
