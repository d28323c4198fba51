"""The driver for ``micrograd-tui serve``: textual's web driver, and an app whose server is gone exits.

textual-serve talks to each app process over its stdin and stdout. When the
browser goes away the server asks the app to quit; but when the connection ends
any other way (the server stopped reading, was killed, or lost the browser
before it could ask), the app's stdin just ends. Textual's web driver then stops
reading input and tells nobody, so the app ran on with no one to see it, and
ignored a polite SIGTERM while it waited. Here the end of input ends the app.
"""

from __future__ import annotations

from textual import messages
from textual.message import Message
from textual.drivers.web_driver import WebDriver


class ServedDriver(WebDriver):
    def run_input_thread(self) -> None:
        try:
            super().run_input_thread()
        finally:
            if not self.exit_event.is_set():  # input ended, yet the app was not stopping: nobody is there
                self._app.post_message(messages.ExitApp())

    def on_meta(self, packet_type: str, payload: dict[str, object]) -> None:
        if packet_type == "repaint":  # the server began showing this screen to the teacher: all of it, once
            self._app.post_message(Repaint())
        else:
            super().on_meta(packet_type, payload)


class Repaint(Message):
    """Draw the whole screen again (a full update), for a read-only copy that starts watching now."""
