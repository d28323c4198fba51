"""Facts (name/value rows) and a titled list, as plain text that never wraps."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static

from micrograd_tui.lessons.lab import PICKED, FactsPanel, ListPanel

from ..keys import with_keys

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
    """Rows of a bold name and its value, the values in a column. A row that would not fit that way (a narrow
    side column, a long name) has its value on the next line, indented, rather than either being cut off."""

    _picked = -1
    _given: tuple[tuple[str, str], ...] | None = None  # as the lab gave them ...
    _facts: tuple[tuple[str, str], ...] = ()  # ... and with each [[action]] written as its key
    _stacked: tuple[bool, ...] = ()

    def update_panel(self, panel: FactsPanel) -> None:
        if panel.rows == self._given:
            return  # the same rows (most syncs while training change nothing here)
        self._given = panel.rows
        self._facts = tuple((with_keys(n), with_keys(v)) for n, v in panel.rows)
        picked = next((i for i, (name, _) in enumerate(panel.rows) if name.startswith(PICKED)), -1)
        self._lay_out()
        if picked != self._picked:
            self._picked = picked
            if picked >= 0:  # on a short screen the side column scrolls: keep the picked control in view
                self.call_after_refresh(self._show_row, self._line_of(picked))

    def on_resize(self) -> None:
        self._lay_out()

    def _lay_out(self) -> None:
        rows = self._facts
        width = self.content_size.width or 1_000  # not laid out yet: as wide as it likes
        fits = [n for n, v in rows if min(len(n), NAME_MAX) + 1 + len(v) <= width]
        name_w = min(max((len(n) for n in fits), default=0), NAME_MAX)
        text = Text(no_wrap=True, overflow="ellipsis")
        self._stacked = tuple(len(n) > name_w or name_w + 1 + len(v) > width for n, v in rows)  # cut neither
        for i, ((name, value), stacked) in enumerate(zip(rows, self._stacked)):
            if i:
                text.append("\n")
            if stacked:
                text.append(name, style="bold")
                text.append("\n  " + value)
                continue
            text.append(name.ljust(name_w), style="bold")
            text.append(" " + value)
        natural = min(max((len(n) for n, _ in rows), default=0), NAME_MAX)
        values = max((len(v) for _, v in rows), default=0)
        lines = len(rows) + sum(self._stacked)
        self._show((rows, width), text, lines, natural + values + 1 if rows else 0)

    def _line_of(self, row: int) -> int:
        return row + sum(self._stacked[:row])

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
