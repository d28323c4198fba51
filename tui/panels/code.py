"""Source code with line numbers, scrolled as a whole."""

from __future__ import annotations

from rich.text import Text
from textual.containers import ScrollableContainer
from textual.widgets import Static

from micrograd_tui.lessons.lab import CodePanel


class CodeView(ScrollableContainer):
    """Scrolls both ways: long lines are not wrapped, and not cut either."""

    DEFAULT_CSS = """
    CodeView { overflow-x: auto; overflow-y: auto; }
    CodeView > .code-title { dock: top; height: 1; width: 1fr; color: $text-muted; text-style: bold; }
    CodeView > .code-text { width: auto; }
    CodeView.-plain > .code-text { width: 1fr; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._key: CodePanel | None = None

    def compose(self):
        yield Static("", classes="code-title")  # what the code is: "worked solution: engine.py", "what your code printed"
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

        for title in self.query(".code-title").results(Static):  # none until mounted: on_mount shows it then
            title.update(Text(panel.name, no_wrap=True, overflow="ellipsis"))
        self.set_class(panel.plain, "-plain")
        for text in self.query(".code-text").results(Static):
            if panel.plain:
                text.update(Text(panel.text))
            else:
                text.update(Syntax(panel.text, "python", line_numbers=True, word_wrap=False, theme="ansi_dark"))
            self.scroll_home(animate=False)
