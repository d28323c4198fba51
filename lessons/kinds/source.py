"""Source files shown with what each part is, mapped to the lessons that built it."""

from __future__ import annotations

from typing import Callable

from ..lab import CodePanel, FactsPanel, Finish, Lab, Panel


class SourceLab(Lab):
    """``files``: (name, read the text, [(part, where it was built)]) for each file."""

    def __init__(self, files: list[tuple[str, Callable[[], str], list[tuple[str, str]]]]):
        super().__init__()
        self.files = files
        self._texts: dict[int, str] = {}
        self.actions = frozenset({"next_file"}) if len(files) > 1 else frozenset()
        self.shows = frozenset({FactsPanel, CodePanel})
        self.finish = Finish.VISIT
        self.index = 0

    def on_next_file(self) -> None:
        self.index = (self.index + 1) % len(self.files)

    def _text(self) -> str:
        """The file's text, read once: the view asks for it on every update."""
        if self.index not in self._texts:
            self._texts[self.index] = self.files[self.index][1]()
        return self._texts[self.index]

    def panels(self) -> list[Panel]:
        name, _, mapping = self.files[self.index]
        rows = [(name, f"{self._text().count(chr(10))} lines")] + mapping
        return [FactsPanel(tuple(rows)), CodePanel(name, self._text())]
