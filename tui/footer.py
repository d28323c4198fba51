"""The footer: the keys that work right now, in the open lab's own words.

Inside a text field the letters type, so the footer shows what still works
there (enter, escape, up/down, f1). When the terminal is narrow, the keys a
learner needs least go first, whole: a word is never cut.
"""

from __future__ import annotations

from typing import Callable

from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

from .lab_input import LabInput

# The order in which keys leave a narrow footer: the last go first.
KEEP_FIRST = ["next_lesson", "previous_lesson", "help", "quit"]
DROP_FIRST = ["lab('reset')", "toggle_maximize", "toggle_toc", "command_palette"]


class LabFooter(Footer):
    def __init__(self, words: Callable[[], dict[str, str]], **kwargs):
        super().__init__(**kwargs)
        self.words = words  # what each lab action does in the open lab, by action

    def on_resize(self) -> None:
        self.call_after_refresh(self.recompose)

    def compose(self):
        items = [w for w in super().compose() if isinstance(w, FooterKey)]
        focused = self.app.focused
        if isinstance(focused, Input):
            items = self._field_keys(focused)
        else:
            words = self.words()
            items = [self._worded(item, words) for item in items]
        yield from self._fit(items)

    def _field_keys(self, field: Input) -> list[FooterKey]:
        keys = [FooterKey("enter", "enter", "Submit", "app.submit_field"),
                FooterKey("escape", "esc", "Leave the field", "app.leave_input")]
        if isinstance(field, LabInput) and field.history:
            keys.append(FooterKey("up", "↑↓", "Earlier inputs", "app.noop"))
        keys.append(FooterKey("f1", "f1", "Help", "app.help"))
        return keys

    @staticmethod
    def _worded(item: FooterKey, words: dict[str, str]) -> FooterKey:
        action = item.action[5:-2] if item.action.startswith("lab('") else None
        description = words.get(action, item.description) if action else item.description
        if description == item.description:
            return item
        return FooterKey(item.key, item.key_display, description, item.action, disabled=item.disabled,
                         tooltip=str(item.tooltip or ""))

    def _fit(self, items: list[FooterKey]) -> list[FooterKey]:
        width = (self.size.width or self.app.size.width) - 2
        order = sorted(range(len(items)), key=lambda i: self._rank(items[i], i))  # most wanted first
        kept, used = set(), 0
        for i in order:
            need = len(items[i].key_display) + len(items[i].description) + 2
            if used + need <= width:
                kept.add(i)
                used += need
        return [item for i, item in enumerate(items) if i in kept]

    @staticmethod
    def _rank(item: FooterKey, position: int) -> tuple[int, int]:
        name = item.action if item.action.startswith("lab(") else item.action.split(".")[-1]
        if name in KEEP_FIRST:
            return (0, KEEP_FIRST.index(name))
        if name in DROP_FIRST:
            return (2, DROP_FIRST.index(name))
        return (1, position)
