"""The footer: the keys that work right now, in the open lab's own words.

Inside a text field the letters type, so the footer shows what still works
there (enter, escape, up/down, f1). When the terminal is narrow, the keys a
learner needs least go first, whole: a word is never cut.
"""

from __future__ import annotations

from typing import Callable

from textual.keys import key_to_character
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

from .keys import TYPING_KEYS
from .lab_input import LabInput

_TYPING_BY_ACTION = {b.action: b for b in TYPING_KEYS}
_TYPING_KEYS = {b.key for b in TYPING_KEYS}

# The order in which keys leave a narrow footer: the last go first.
KEEP_FIRST = ["next_lesson", "previous_lesson", "help", "quit", "command_palette"]
DROP_FIRST = ["lab('reset')", "toggle_maximize", "toggle_toc"]


class LabFooter(Footer):
    def __init__(self, words: Callable[[], dict[str, str]], **kwargs):
        super().__init__(**kwargs)
        self.words = words  # what each lab action does in the open lab, by action
        self._shown: tuple | None = None  # the keys on show: (key, display, words, action, disabled) each

    def on_resize(self) -> None:
        self.call_after_refresh(self.recompose)

    async def recompose(self) -> None:
        """Mount the keys again only when they changed. The bindings change many times as a lesson opens
        (each focus, each refresh_bindings), and each time Textual's footer mounted every key anew: under
        serve, with a class of apps on one machine, that was a good part of a lesson change's cost."""
        if not self.is_attached or self._pruning:
            return
        items = list(self.compose())
        shown = tuple((i.key, i.key_display, i.description, i.action, i.disabled, str(i.tooltip or ""))
                      for i in items)
        if shown == self._shown:
            return
        self._shown = shown
        current = [c for c in self.children if type(c) is FooterKey]
        async with self.batch():
            if current and len(current) == len(self.children) and all(not i.classes for i in items):
                # the keys on show take the new words in place: mounting a widget costs more than its words
                for old, new in zip(current, items):
                    old.key, old.key_display, old.description, old.action = (
                        new.key, new.key_display, new.description, new.action)
                    old.tooltip = new.tooltip
                    old.refresh(layout=True)
                if len(current) > len(items):
                    await self.remove_children(current[len(items):])
                elif self.is_attached:
                    await self.mount_all(items[len(current):])
                return
            await self.query_children("*").exclude(".-textual-system").remove()
            if self.is_attached:
                await self.mount_all(items)

    def compose(self):
        items = [w for w in super().compose() if isinstance(w, FooterKey)]
        focused = self.app.focused
        words = self.words()
        lab_view = getattr(self.app, "lab_view", None)
        typing = lab_view is not None and lab_view.lab.types_text
        if isinstance(focused, Input):
            fields = self._field_keys(focused)
            items = fields[:-1] + (self._typing_keys(items) if typing else []) + fields[-1:]
        elif typing:
            items = self._typing_keys(items) + [FooterKey("f1", "f1", "Help", "app.help")]
        else:
            items = [item for item in items if item.key not in _TYPING_KEYS]
        yield from self._fit([self._worded(item, words) for item in items])

    def _field_keys(self, field: Input) -> list[FooterKey]:
        keys = [FooterKey("enter", "enter", "Submit", "app.submit_field"),
                FooterKey("escape", "esc", "Leave the field", "app.leave_input")]
        if isinstance(field, LabInput) and field.history:
            keys.append(FooterKey("up", "↑↓", "Earlier inputs", "app.noop"))
        keys.append(FooterKey("f1", "f1", "Help", "app.help"))
        return keys

    @staticmethod
    def _typing_keys(items: list[FooterKey]) -> list[FooterKey]:
        """A typing lab's keys (the playground's): every printable key types there, so its actions show
        with their control keys, and what has only a letter is left to the palette."""
        out = []
        for item in items:
            b = _TYPING_BY_ACTION.get(item.action)
            if b is not None:
                out.append(FooterKey(b.key, b.key_display or b.key, item.description, item.action,
                                     tooltip=str(b.tooltip or "")))
            elif item.action != "help" and key_to_character(item.key) is None and item.key not in _TYPING_KEYS:
                out.append(item)
        return out + [FooterKey("ctrl+p", "^p", "Commands", "app.command_palette"),
                      FooterKey("ctrl+q", "^q", "Quit", "app.quit")]

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
