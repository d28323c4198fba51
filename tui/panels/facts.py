"""Facts (name/value rows) and a titled list, as plain text that never wraps."""

from __future__ import annotations

from rich.text import Text
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


class FactsView(SideText):
    def update_panel(self, panel: FactsPanel) -> None:
        rows = panel.rows
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


class ListingView(SideText):
    def update_panel(self, panel: ListPanel) -> None:
        text = Text(panel.title + "\n", style="bold") + Text("\n".join(panel.items))
        width = max([len(panel.title)] + [len(i) for i in panel.items])
        self._show((panel.title, panel.items), text, len(panel.items), width)
