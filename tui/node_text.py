"""How one graph node is named on screen, shared by the tree widget and the graph command."""

from __future__ import annotations

from typing import Mapping

from rich.text import Text

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import op_text


def node_name(v: Value, repeat: bool = False, names: Mapping[Value, str] | None = None) -> Text:
    """``label [op]``: the name (its label, subscripted when two values share it) in bold, the op
    that made the node in italics; an unlabelled node by its expression, ``(x1*w1)``, from
    ``names`` (:func:`~micrograd_tui.lessons.names.value_names`); ``(above)`` marks a node shown in
    full elsewhere."""
    name = Text(no_wrap=True, overflow="ellipsis")
    shown = names.get(v) if names else None
    if v.label:
        name.append(shown or v.label, style="bold")
        name.append(" ")
    if v._op and not v.label and shown:
        name.append(shown, style="italic")
    elif v._op:
        name.append(f"[{op_text(v)}]", style="italic")
    elif not v.label:
        name.append(shown or "leaf", style="dim")
    if repeat:
        name.append(" (above)", style="dim")
    return name
