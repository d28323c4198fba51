"""Layering as it happens at run time (import-linter checks the same statically in CI)."""

import subprocess
import sys


def _imports_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_engine_imports_only_the_standard_library():
    mods = _imports_after("import micrograd_tui.engine")
    assert not {m for m in mods if m.split(".")[0] in ("textual", "rich", "plotext", "textual_plotext", "numpy")}
    assert not {m for m in mods if m.startswith(("micrograd_tui.lessons", "micrograd_tui.tui"))}


def test_lessons_import_neither_textual_nor_rich():
    code = "from micrograd_tui.lessons.registry import LESSONS\nfor l in LESSONS: l.make_lab().panels()"
    mods = _imports_after(code)
    assert not {m for m in mods if m.split(".")[0] in ("textual", "textual_plotext", "plotext", "rich")}
