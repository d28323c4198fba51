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

    def update_panel(self, panel: CodePanel) -> None:
        if panel == self._key:
            return
        self._key = panel
        from rich.syntax import Syntax  # pygments only when a lesson shows code

        self.query_one(".code-text", Static).update(
            Syntax(panel.text, "python", line_numbers=True, word_wrap=False, theme="ansi_dark")
        )
        self.scroll_home(animate=False)
