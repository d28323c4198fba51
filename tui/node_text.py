"""How one graph node is named on screen, shared by the tree widget and the graph command."""

from __future__ import annotations

from rich.text import Text

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import op_text


def node_name(v: Value, repeat: bool = False) -> Text:
    """``label [op]``: the label in bold, the op that made the node in italics, ``leaf`` for an
    unnamed input; ``(above)`` marks a node shown in full elsewhere."""
    name = Text(no_wrap=True, overflow="ellipsis")
    if v.label:
        name.append(v.label, style="bold")
        name.append(" ")
    if v._op:
        name.append(f"[{op_text(v)}]", style="italic")
    elif not v.label:
        name.append("leaf", style="dim")
    if repeat:
        name.append(" (above)", style="dim")
    return name
