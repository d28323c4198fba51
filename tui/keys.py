"""Every key the app answers, defined once.

Each Binding has an ``id`` and a ``tooltip``; the same list feeds the footer,
the help screen (``?``) and the command palette (``ctrl+p``). Lab keys call
``lab('<action>')`` and show only in lessons whose lab has that action.
"""

from __future__ import annotations

import re

from textual.binding import Binding

from micrograd_tui.lessons.lab import ACTION_MARK, ACTIONS

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

# keys of a graph panel, wherever one is shown (tui/panels/graph.py binds them)
GRAPH_KEYS: list[Binding] = [
    Binding("L", "toggle_layout", "Boxes/tree", id="layout",
            tooltip="Draw the graph as boxes left to right, or as a tree"),
]

# each lab action's key, footer text, and whether the footer shows it; every action in lab.ACTIONS has one
_LAB_KEYS: dict[str, tuple[str, str, bool]] = {
    "run": ("space", "Run/pause", True),
    "run_checks": ("c", "Run checks", True),
    "edit": ("e", "Edit", True),
    "edit_external": ("E", "$EDITOR", True),
    "step": ("s", "Step", True),
    "reset": ("r", "Reset", True),
    "build": ("b", "Build", True),
    "backward": ("g", "Backward", True),
    "backward_again": ("G", "Backward again", True),
    "overwrite": ("o", "= / +=", True),
    "zero_grad": ("z", "zero_grad", True),
    "hint": ("h", "Hint", True),
    "answer": ("a", "Answer", True),
    "check": ("f", "Check", True),
    "less": ("left_square_bracket", "Less", True),
    "more": ("right_square_bracket", "More", True),
    "h_less": ("left_curly_bracket", "h÷10", True),
    "h_more": ("right_curly_bracket", "h×10", True),
    "next_var": ("v", "Pick", True),
    "prev_var": ("V", "Pick back", False),
    "reseed": ("w", "New seed", True),
    "dataset": ("d", "Dataset", True),
    "point": ("m", "Point", True),
    "share": ("S", "Share", True),
    "example": ("l", "Example", True),
    "next_file": ("greater_than_sign", "Next file", True),
    "open_earlier": ("x", "Open it", True),
    "download": ("D", "Download", True),
    "predict": ("P", "Predict on/off", True),
    "network": ("N", "Network/curves", True),
    "add_point": ("i", "Add point", True),
    "remove_point": ("u", "Remove point", True),
    "pen": ("I", "Pen class", False),
    "back": ("comma", "Step back", True),
    "forward": ("full_stop", "Step fwd", True),
}

_DISPLAY = {"left_square_bracket": "[", "right_square_bracket": "]", "left_curly_bracket": "{", "right_curly_bracket": "}",
            "greater_than_sign": ">", "comma": ",", "full_stop": "."}

def _sentence(words: str) -> str:
    """An action's words as the help shows them: a capital first letter, unless the first word is a
    name from the code (h, zero_grad) whose spelling matters."""
    first = words.split()[0]
    if "_" in first or (len(first) == 1 and first != "a"):
        return words
    return words[0].upper() + words[1:]


def _lab_binding(action: str, words: str) -> Binding:
    try:
        key, text, show = _LAB_KEYS[action]
    except KeyError:
        raise LookupError(f"the lab action {action!r} has no key in tui/keys.py") from None
    return Binding(key, f"lab('{action}')", text, show=show, id=f"lab-{action}", tooltip=_sentence(words),
                   key_display=_DISPLAY.get(key))


LAB_KEYS: list[Binding] = [_lab_binding(action, words) for action, words in ACTIONS.items()]

# In a lab whose field takes any text (the playground, ``Lab.types_text``) every printable key types, so its
# actions, the contents and the palette are on control keys there; these bindings work in every lab, but only
# a typing lab's footer, help and messages name them.
_TYPING: dict[str, str] = {"step": "ctrl+s", "backward": "ctrl+g", "example": "ctrl+l", "reset": "ctrl+r",
                           "predict": "ctrl+b"}
TYPING_KEYS: list[Binding] = [
    Binding(key, f"lab('{action}')", _LAB_KEYS[action][1], id=f"typing-{action}", tooltip=_sentence(ACTIONS[action]),
            key_display="^" + key[-1])
    for action, key in _TYPING.items()
] + [
    Binding("ctrl+o", "toggle_toc", "Contents", id="typing-toc", key_display="^o",
            tooltip="Show or hide the table of contents (any lesson from there)"),
]

ALL_KEYS: list[Binding] = APP_KEYS + LAB_KEYS + TYPING_KEYS


def action_chars(actions) -> set[str]:
    """The characters typed by the keys of these lab actions: in a lab with such an action the key acts, so
    it does not start a number (the demo's ``.`` is time travel there; a number starts with a digit)."""
    chars = set()
    for action in actions:
        key = _LAB_KEYS.get(action, ("", "", False))[0]
        shown = _DISPLAY.get(key, key)
        if len(shown) == 1:
            chars.add(shown)
    return chars


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
    """What to write for ``[[name]]``: lab actions by action id, app and graph keys by binding id."""
    shown = {b.id: key_label(b).split(" / ")[0] for b in APP_KEYS + GRAPH_KEYS if b.id}
    shown.update({action: key_label(b) for b in LAB_KEYS if (action := lab_action(b))})
    return shown


def typing_key(binding: Binding) -> bool:
    """Whether ``binding`` is one of the keys a typing lab acts on (they type nothing)."""
    return binding.id is not None and binding.id.startswith("typing-")


_SHOWN = _keys_by_name()
_SHOWN_TYPING = _SHOWN | {a: k for a, k in _TYPING.items()} | {"toc": "ctrl+o"}


def with_keys(text: str, code: bool = False, typing: bool = False) -> str:
    """``text`` with each ``[[action]]`` written as the key bound to it now (in backticks for Markdown);
    ``typing``: as a lab whose field takes any text binds them (see TYPING_KEYS)."""
    shown = _SHOWN_TYPING if typing else _SHOWN

    def key(m: re.Match) -> str:
        k = shown.get(m.group(1))
        if k is None:
            return m.group(0)  # not an action: leave the text as it was written
        return f"`{k}`" if code else k

    return ACTION_MARK.sub(key, text)
