"""Facts (name/value rows) and a titled list, as plain text that never wraps."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static

from micrograd_tui.lessons.lab import FactsPanel, ListPanel

NAME_MAX = 34  # widest name column in the facts


class SideText(Static):
    """Text for the side column. Re-rendered only on a change, and re-laid out only when its
    number of rows changes (a layout pass re-renders the whole screen, ten times a second while training)."""

    def __init__(self, **kwargs):
        super().__init__("", **kwargs)
        self._key: object = None
        self._rows = -1
        self.want_width = 0  # columns this text needs; the side column is as wide as its widest

    def _show(self, key: object, text: Text, rows: int, width: int) -> None:
        if key == self._key:
            return
        self._key = key
        self.want_width = width
        relayout = rows != self._rows
        self._rows = rows
        self.update(text, layout=relayout)


PICKED = "▶ "  # how a lab marks the row of the control its keys change now


class FactsView(SideText):
    _picked = -1

    def update_panel(self, panel: FactsPanel) -> None:
        rows = panel.rows
        picked = next((i for i, (name, _) in enumerate(rows) if name.startswith(PICKED)), -1)
        if picked != self._picked:
            self._picked = picked
            if picked >= 0:  # on a short screen the side column scrolls: keep the picked control in view
                self.call_after_refresh(self._show_row, picked)
        name_w = min(max((len(n) for n, _ in rows), default=0), NAME_MAX)
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, (name, value) in enumerate(rows):
            if i:
                text.append("\n")
            shown = name if len(name) <= name_w else name[: name_w - 1] + "…"
            text.append(shown.ljust(name_w), style="bold")
            text.append(" " + value)
        values = max((len(v) for _, v in rows), default=0)
        self._show(rows, text, len(rows), name_w + values + 1 if rows else 0)


    def _show_row(self, row: int) -> None:
        """Scroll the nearest scrolling ancestor so that ``row`` of this text is on screen."""
        region = Region(0, row, max(self.size.width, 1), 1).translate(self.styles.gutter.top_left)
        node: Widget = self
        while isinstance(node.parent, Widget):
            region = region.translate(node.virtual_region.offset)
            node = node.parent
            if node.allow_vertical_scroll:
                node.scroll_to_region(region, animate=False, immediate=True)
                return


class ListingView(SideText):
    def update_panel(self, panel: ListPanel) -> None:
        text = Text(panel.title + "\n", style="bold") + Text("\n".join(panel.items))
        width = max([len(panel.title)] + [len(i) for i in panel.items])
        self._show((panel.title, panel.items), text, len(panel.items), width)
