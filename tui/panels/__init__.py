"""One widget per panel type, each a :class:`PanelWidget`; the lab view finds the widget for a panel
through :data:`WIDGETS` and knows nothing about any single lab."""

from __future__ import annotations

from typing import Any, Callable, Protocol, runtime_checkable

from textual.widget import Widget

from micrograd_tui.lessons.lab import (CodePanel, FactsPanel, GraphPanel, ListPanel, NetworkPanel, Panel, PlotPanel,
                                      SurfacePanel)

from .code import CodeView
from .facts import FactsView, ListingView
from .graph import GraphPanelView
from .network import NetworkView
from .surface import SurfaceView


@runtime_checkable
class PanelWidget(Protocol):
    """What the lab view asks of a panel's widget: show this description of the panel, in place
    (the same widget takes each new description of its panel, as often as ten times a second)."""

    def update_panel(self, panel: Any) -> None: ...


def _plot() -> Widget:
    from .plot import LabPlot  # plotext only when a lesson plots something

    return LabPlot()


#: panel type -> (box id, where the box goes, a new widget for it)
WIDGETS: dict[type, tuple[str, str, Callable[[], Widget]]] = {
    FactsPanel: ("lab-facts", "side", FactsView),
    ListPanel: ("lab-listing", "side", ListingView),
    GraphPanel: ("lab-graphs", "main", GraphPanelView),
    SurfacePanel: ("lab-surface", "main", SurfaceView),  # above the curves: on a short screen it keeps its room
    NetworkPanel: ("lab-network", "main", NetworkView),  # the demo's net, in the curves' place when shown
    PlotPanel: ("lab-plots", "main", _plot),
    CodePanel: ("lab-code", "main", CodeView),
}

__all__ = ["WIDGETS", "Panel", "PanelWidget"]
