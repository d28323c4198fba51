"""A text widget's own keys act where they arrive, in the order they were typed.

Textual types a printable key in the focused widget at once, but sends a key the widget binds (an arrow,
home, backspace) up to the app before its action runs; in a burst (a browser under load, a fast typist)
text typed after an arrow could land before the cursor moved (Textual issue #6605). The proposed fix
(PR #6631) runs the widget's own bindings inline; until a Textual release has it, this does the same.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget


async def ran_own_binding(widget: Widget, event: events.Key) -> bool:
    """Run ``widget``'s own (not priority) binding for this key now; True when one acted (the key is used)."""
    for binding in widget._bindings.key_to_bindings.get(event.key, ()):
        if not binding.priority and await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()
            return True
    return False
