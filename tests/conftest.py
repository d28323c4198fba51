"""Shared fixtures: user state in a temporary directory, a helper that reads the screen."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def user_home(tmp_path, monkeypatch):
    """Every test gets its own progress directory: runs are repeatable and touch nothing real."""
    home = tmp_path / "home"
    monkeypatch.setenv("MICROGRAD_TUI_HOME", str(home))
    monkeypatch.delenv("MICROGRAD_TUI_WORKSPACE", raising=False)
    for editor in ("VISUAL", "EDITOR"):  # a real editor must never start inside a test
        monkeypatch.delenv(editor, raising=False)
    return home


async def wait_for(pilot, predicate, timeout: float = 20.0) -> bool:
    """Let the app run until ``predicate()`` holds (True) or ``timeout`` seconds pass (False)."""
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        await pilot.pause(0.05)
        if predicate():
            return True
    return False


def screen_text(app) -> str:
    """The screen as plain text, as a learner would read it."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)
