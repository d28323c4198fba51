"""A lab's text field: numbers checked as they are typed, earlier inputs walked with up and down."""

from __future__ import annotations

import re

from textual import events
from textual.binding import Binding
from textual.validation import ValidationResult, Validator
from textual.widgets import Input
from textual.widgets.input import Selection

from micrograd_tui.lessons.numtext import NumberError, parse_number

from .keyorder import ran_own_binding

NUMBER_CHARS = r"[-+0-9.eE/ ]*"  # what a number field lets through: 2, -0.5, 1e-3, 2/3


class NumberText(Validator):
    """A number field's text, as the lab will read it: shown as invalid at once, with the reason."""

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.success()
        try:
            parse_number(value)
        except NumberError as e:
            return self.failure(str(e))
        return self.success()


class LabInput(Input):
    """A lab's text field; the lab gets what is typed when enter is pressed.

    up/down walk the lab's history when it keeps one (the playground does).
    A pasted block of several lines is kept whole, its line breaks turned into
    ``;`` (the playground's statement separator; a number field rejects it with a message).
    """

    BINDINGS = [
        Binding("up", "history(-1)", "Earlier input", show=False),
        Binding("down", "history(1)", "Later input", show=False),
    ]

    DEFAULT_CSS = """
    LabInput { width: 1fr; min-width: 8; height: 1; border: none; padding: 0 1; }
    """

    def __init__(self, *args, history: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.history = history
        self._at: int | None = None  # position while walking the history
        self._started = False  # typing began outside: keep what was typed, do not select it

    def start_typing(self, ch: str) -> None:
        """The first character typed while the field was not focused: a number replaces the old text; free
        text (the playground's expression) goes on from its end."""
        # Keys typed quickly can arrive before the focus does: they add to what was typed so far.
        self.value = self.value + ch if self._started or self.restrict is None else ch
        self._started = True
        self.cursor_position = len(self.value)
        self.focus()

    async def _on_key(self, event: events.Key) -> None:
        """A key the field cannot hold (a letter but e in a number, a comma, a bracket) is never text: it is
        the lab's key (h, a, f, ``,`` ...), also after a wrong answer left the field focused; the field is
        left, keeping what it holds, and the key acts."""
        if await ran_own_binding(self, event):  # an arrow, home, backspace: here and now, in typing order
            return
        ch = event.character
        if self.restrict is not None and ch and ch.isprintable() and not ch.isspace() and not self.takes(ch):
            event.stop()
            event.prevent_default()  # Input's own handler would swallow it
            await self.app.run_action("leave_input")
            self.app.simulate_key(event.key)

    def takes(self, ch: str) -> bool:
        """Whether the field's restriction lets ``ch`` follow what it holds."""
        return self.restrict is None or re.fullmatch(self.restrict, self.value + ch) is not None

    @property
    def typing_started(self) -> bool:
        """Typing began here and the focus has not arrived yet (the app sends an early enter here)."""
        return self._started

    def _on_focus(self, event: events.Focus) -> None:
        # Textual calls Input's own _on_focus as well; it selects nothing (select_on_focus is off): here a
        # number field selects its old text, so typing replaces it, unless typing is what focused it.
        if self._started:
            self._started = False
            self.cursor_position = len(self.value)
        elif self.restrict is not None and not event.from_app_focus:
            self.selection = Selection(0, len(self.value))

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        text = "; ".join(line for line in event.text.splitlines() if line.strip())
        if text:
            self.insert_text_at_cursor(text)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        n = len(self.history)
        at = (n if self._at is None else self._at) + step
        if at >= n:
            self._at = None
            self.value = ""
            return
        self._at = max(0, at)
        self.value = self.history[self._at]
        self.cursor_position = len(self.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._at = None
