"""Every key the app answers, defined once.

Each Binding has an ``id`` and a ``tooltip``; the same list feeds the footer,
the help screen (``?``) and the command palette (``ctrl+p``). Lab keys call
``lab('<action>')`` and show only in lessons whose lab has that action.
"""

from __future__ import annotations

import re

from textual.binding import Binding

from micrograd_tui.lessons.lab import ACTIONS

APP_KEYS: list[Binding] = [
    Binding("n,right", "next_lesson", "Next", id="next", tooltip="Go to the next lesson"),
    Binding("p,left", "previous_lesson", "Prev", id="previous", tooltip="Go to the previous lesson"),
    Binding("t", "toggle_toc", "Contents", id="toc", tooltip="Show or hide the table of contents"),
    Binding("M", "toggle_maximize", "Max", id="maximize", tooltip="Give the lab the whole screen, or the prose back"),
    Binding("question_mark,f1", "help", "Help", id="help", tooltip="List every key", key_display="?"),
    Binding("q", "quit", "Quit", id="quit", tooltip="Quit (your progress is saved)"),
    Binding("ctrl+q", "quit", "Quit", id="quit-now", tooltip="Quit (your progress is saved)", show=False,
            priority=True),
    Binding("escape", "leave_input", "Leave input", id="leave-input", show=False, priority=True,
            tooltip="Move focus out of a text field, back to the lab"),
]

# key, action, footer text, shown in the footer
_LAB_KEYS = [
    ("space", "run", "Run/pause", True),
    ("c", "run_checks", "Run checks", True),
    ("e", "edit", "Edit", True),
    ("E", "edit_external", "$EDITOR", True),
    ("s", "step", "Step", True),
    ("r", "reset", "Reset", True),
    ("b", "build", "Build", True),
    ("g", "backward", "Backward", True),
    ("G", "backward_again", "Backward again", True),
    ("o", "overwrite", "= / +=", True),
    ("z", "zero_grad", "zero_grad", True),
    ("h", "hint", "Hint", True),
    ("a", "answer", "Answer", True),
    ("f", "check", "Check", True),
    ("left_square_bracket", "less", "Less", True),
    ("right_square_bracket", "more", "More", True),
    ("left_curly_bracket", "h_less", "h÷10", True),
    ("right_curly_bracket", "h_more", "h×10", True),
    ("v", "next_var", "Pick", True),
    ("V", "prev_var", "Pick back", False),
    ("w", "reseed", "New seed", True),
    ("d", "dataset", "Dataset", True),
    ("m", "point", "Point", True),
    ("S", "share", "Share", True),
    ("l", "example", "Example", True),
    ("greater_than_sign", "next_file", "Next file", True),
    ("x", "open_earlier", "Open it", True),
]

_DISPLAY = {"left_square_bracket": "[", "right_square_bracket": "]", "left_curly_bracket": "{", "right_curly_bracket": "}",
            "greater_than_sign": ">"}

def _sentence(words: str) -> str:
    """An action's words as the help shows them: a capital first letter, unless the first word is a
    name from the code (h, zero_grad) whose spelling matters."""
    first = words.split()[0]
    if "_" in first or (len(first) == 1 and first != "a"):
        return words
    return words[0].upper() + words[1:]


LAB_KEYS: list[Binding] = [
    Binding(key, f"lab('{action}')", text, show=show, id=f"lab-{action}", tooltip=_sentence(ACTIONS[action]),
            key_display=_DISPLAY.get(key))
    for key, action, text, show in _LAB_KEYS
]

ALL_KEYS: list[Binding] = APP_KEYS + LAB_KEYS


def lab_action(binding: Binding) -> str | None:
    """The lab action a binding triggers, or None for an app key."""
    if binding.action.startswith("lab('"):
        return binding.action[5:-2]
    return None


def key_label(binding: Binding) -> str:
    keys = binding.key.split(",")
    shown = [binding.key_display] if binding.key_display else [_DISPLAY.get(k, k) for k in keys]
    if binding.key_display and len(keys) > 1:
        shown += [k for k in keys[1:]]
    return " / ".join(shown)


def _keys_by_name() -> dict[str, str]:
    """What to write for ``[[name]]``: lab actions by action id, app keys by binding id."""
    shown = {b.id: key_label(b).split(" / ")[0] for b in APP_KEYS if b.id}
    shown.update({action: key_label(b) for b in LAB_KEYS if (action := lab_action(b))})
    return shown


_SHOWN = _keys_by_name()
_MARK = re.compile(r"\[\[([a-z_]+)\]\]")


def with_keys(text: str, code: bool = False) -> str:
    """``text`` with each ``[[action]]`` written as the key bound to it now (in backticks for Markdown)."""

    def key(m: re.Match) -> str:
        k = _SHOWN.get(m.group(1))
        if k is None:
            return m.group(0)  # not an action: leave the text as it was written
        return f"`{k}`" if code else k

    return _MARK.sub(key, text)
