"""Source code with line numbers, scrolled as a whole."""

from __future__ import annotations

from textual.containers import ScrollableContainer
from textual.widgets import Static

from micrograd_tui.lessons.lab import CodePanel


class CodeView(ScrollableContainer):
    """Scrolls both ways: long lines are not wrapped, and not cut either."""

    DEFAULT_CSS = """
    CodeView { overflow-x: auto; overflow-y: auto; }
    CodeView > .code-text { width: auto; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._key: CodePanel | None = None

    def compose(self):
        yield Static("", classes="code-text")

    def on_mount(self) -> None:
        if self._key is not None:
            self._show(self._key)  # a panel that came before the text widget was mounted

    def update_panel(self, panel: CodePanel) -> None:
        if panel == self._key:
            return
        self._key = panel
        self._show(panel)

    def _show(self, panel: CodePanel) -> None:
        from rich.syntax import Syntax  # pygments only when a lesson shows code

        for text in self.query(".code-text").results(Static):  # none until mounted: on_mount shows it then
            text.update(Syntax(panel.text, "python", line_numbers=True, word_wrap=False, theme="ansi_dark"))
            self.scroll_home(animate=False)
