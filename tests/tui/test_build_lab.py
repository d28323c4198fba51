"""A build exercise in the app: checks on open, the editor, saving, watching, $EDITOR, confirmations."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from conftest import make_app, screen_text, wait_for
from micrograd_tui.tui.dialogs import Confirm, Editor

SIZE = (120, 40)
SOLUTION = Path(__file__).parent.parent / "lessons" / "solution"




def checks_done(app):
    lab = app.lab_view.lab
    return lab.results is not None and lab.results.finished and not app.lab_view.runner.active


async def test_a_fresh_workspace_is_made_and_checked_on_open(user_home):
    app = make_app("build-value")
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: checks_done(app))
        assert await wait_for(pilot, lambda: "0 of 5 pass" in screen_text(app))
        text = screen_text(app)
        workspace = user_home / "workspace"
        assert (workspace / "engine.py").exists() and str(workspace / "engine.py") in app.lab_view.lab.message
        lab_side = "".join(line.split("│", 1)[-1].strip() for line in text.splitlines()[1:4])
        assert str(workspace / "engine.py") in lab_side  # the full path is on screen, however it wraps
        assert "not written yet" in text and "0 of 5 pass" in text


async def test_watch_reruns_the_checks_when_any_editor_saves(user_home):
    app = make_app("build-value")
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: checks_done(app))
        shutil.copy(SOLUTION / "engine.py", user_home / "workspace" / "engine.py")
        assert await wait_for(pilot, lambda: app.lab_view.lab.passed)
        assert await wait_for(pilot, lambda: "5 of 5 pass" in screen_text(app))
        text = screen_text(app)
        assert "every check passes" in text and "5 of 5 pass" in text and app.lab_view.lab.done
        assert "build-value" in app.progress.finished


async def test_the_in_app_editor_saves_and_checks(user_home):
    app = make_app("build-value")
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: checks_done(app))
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, Editor)
        area = app.screen.query_one("#editor-text")
        area.text = (SOLUTION / "engine.py").read_text()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert (user_home / "workspace" / "engine.py").read_text() == (SOLUTION / "engine.py").read_text()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, Editor)
        assert await wait_for(pilot, lambda: app.lab_view.lab.passed)


async def test_closing_the_editor_with_changes_asks_first(user_home):
    app = make_app("build-value")
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: checks_done(app))
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#editor-text").text = "# half typed"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, Editor)  # nothing lost
        await pilot.press("escape", "y")
        await pilot.pause()
        assert not isinstance(app.screen, (Editor, Confirm))
        assert "half typed" not in (user_home / "workspace" / "engine.py").read_text()
        assert not (user_home / "workspace" / "engine.py.unsaved").exists()  # chosen to lose: not kept


async def test_text_not_saved_when_the_app_stops_is_kept_beside_the_file(user_home):
    """Issue 33: the server stopping (or any exit) with the editor open loses nothing: the unsaved text is
    kept as engine.py.unsaved, never over engine.py, and the editor opens on it next time; a save ends it."""
    app = make_app("build-value")
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: checks_done(app))
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("x", "y", "z", "z", "y")  # typed, never saved
        await pilot.pause()
        typed = app.screen.query_one("#editor-text").text
        app.exit()
        await pilot.pause()
    kept = user_home / "workspace" / "engine.py.unsaved"
    assert kept.read_text() == typed and "xyzzy" in typed
    assert "xyzzy" not in (user_home / "workspace" / "engine.py").read_text()
    app = make_app("build-value")
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: checks_done(app))
        await pilot.press("e")
        await pilot.pause()
        assert any("is back" in n.message for n in app._notifications)
        assert app.screen.query_one("#editor-text").text == typed  # the text as it was, not the file
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert (user_home / "workspace" / "engine.py").read_text() == typed and not kept.exists()


async def test_the_learners_own_editor_runs_and_its_save_is_checked(user_home, tmp_path, monkeypatch):
    fake = tmp_path / "fake_editor.py"
    fake.write_text(f"import shutil, sys\nshutil.copy({str(SOLUTION / 'engine.py')!r}, sys.argv[1])\n")
    monkeypatch.setenv("VISUAL", f"{sys.executable} {fake}")
    app = make_app("build-value")
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: checks_done(app))
        await pilot.press("E")
        assert await wait_for(pilot, lambda: app.lab_view.lab.passed)


async def test_no_editor_set_says_how_to_set_one():
    app = make_app("build-value")
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: checks_done(app))
        await pilot.press("E")
        await pilot.pause()
        assert "$VISUAL or $EDITOR" in screen_text(app)


async def test_the_solution_and_a_reset_ask_first(user_home):
    app = make_app("build-value")
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: checks_done(app))
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        await pilot.pause()
        assert not app.lab_view.lab.revealed
        await pilot.press("a", "y")
        await pilot.pause()
        assert app.lab_view.lab.revealed and "worked solution" in screen_text(app)
        mine = user_home / "workspace" / "engine.py"
        mine.write_text(mine.read_text() + "\n# mine\n")
        await pilot.press("r", "y")
        await pilot.pause()
        assert "# mine" in (user_home / "workspace" / "engine.py.1").read_text()
        assert "# mine" not in mine.read_text()


async def test_an_endless_loop_is_stopped_and_the_app_goes_on(user_home, monkeypatch):
    from micrograd_tui.lessons.workshop import sandbox

    monkeypatch.setattr(sandbox, "TIME_LIMIT", 1.0)
    app = make_app("build-value")
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: checks_done(app))
        path = user_home / "workspace" / "engine.py"
        text = (SOLUTION / "engine.py").read_text().replace(
            "    def __add__(self, other):\n", "    def __add__(self, other):\n        while True: pass\n")
        path.write_text(text)
        assert await wait_for(pilot, lambda: "ran for more than" in screen_text(app), timeout=20)
        await pilot.press("n")  # and the app answers keys as ever
        await pilot.pause()
        assert app.lesson.slug == "manual-backprop"


async def test_the_training_exercise_plots_the_learners_loss_live(user_home):
    for name in ("engine.py", "nn.py", "train.py"):
        (user_home / "workspace").mkdir(parents=True, exist_ok=True)
        shutil.copy(SOLUTION / name, user_home / "workspace" / name)
    app = make_app("build-train")
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: checks_done(app), timeout=30)
        lab = app.lab_view.lab
        assert lab.passed and len(lab.results.losses) == 100
        assert lab.results.losses[-1] < lab.results.losses[0] / 10
        assert await wait_for(pilot, lambda: "loss by step, on your engine" in screen_text(app))


async def test_the_editor_highlights_python_and_indents_as_python_does(user_home):
    app = make_app("build-value")
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: checks_done(app))
        await pilot.press("e")
        assert await wait_for(pilot, lambda: isinstance(app.screen, Editor))
        area = app.screen.query_one("#editor-text")
        assert area.language == "python" and "python" in area.available_languages  # tree-sitter is installed
        assert area._highlight_query is not None  # highlighting is on, not plain text
        area.text = ""
        await pilot.press(*"def f(x):", "enter", *"if x:", "enter", *"return", "space", "x", "enter", "y")
        await pilot.pause()
        assert area.text == "def f(x):\n    if x:\n        return x\n        y", repr(area.text)


async def test_help_lists_the_keys_of_what_has_the_keyboard(user_home):
    from micrograd_tui.tui.help import HelpScreen

    app = make_app("build-value")
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: checks_done(app))
        await pilot.press("e")
        assert await wait_for(pilot, lambda: isinstance(app.screen, Editor))
        await pilot.press("f1")
        assert await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(app)
        assert "in the code editor" in text and "Save the file" in text and "Cursor up" in text
        assert "Go to the next lesson" not in text  # app keys do not work over the editor
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: isinstance(app.screen, Editor))

    app = make_app("value")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert await wait_for(pilot, lambda: type(app.focused).__name__ == "DagView")
        await pilot.press("question_mark")
        assert await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(app)
        assert "in the graph, which has the keyboard now" in text and "to an input" in text
        await pilot.press("escape", "L")  # the tree instead
        assert await wait_for(pilot, lambda: type(app.focused).__name__ == "GraphTree")
        await pilot.press("question_mark")
        assert await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "Go to the next lesson" in screen_text(app)  # the app's keys first, then the lesson's, then the tree's
        from rich.console import Console

        console = Console(width=100, record=True, file=open("/dev/null", "w"))
        for static in app.screen.query("#help-box Static"):
            console.print(static.content)
        listed = console.export_text()
        assert "in the graph's tree" in listed and "Cursor to parent" in listed and "Expand or collapse all" in listed
        assert listed.index("Go to the next lesson") < listed.index("Cursor to parent")


async def test_a_save_in_the_editor_shows_the_result_under_the_text_within_a_second(user_home):
    import time

    app = make_app("build-value")
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: checks_done(app))
        await pilot.press("e")
        assert await wait_for(pilot, lambda: isinstance(app.screen, Editor))
        status = app.screen.query_one("#editor-status")
        assert "✗" in str(status.render())  # the fresh starter fails: said under the text
        app.screen.query_one("#editor-text").text = (SOLUTION / "engine.py").read_text()
        saved = time.monotonic()
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: "every check passes" in str(status.render()), timeout=5)
        took = time.monotonic() - saved
        assert isinstance(app.screen, Editor)  # without leaving the editor
        print(f"save to result in the editor: {took:.2f} s")  # the goal is 1 s; a loaded CI machine may take longer


async def test_an_exercise_that_builds_on_a_failing_one_opens_it_on_a_key(user_home, tmp_path, monkeypatch):
    from micrograd_tui.lessons.workshop import workspace as ws

    folder = tmp_path / "ws"
    shutil.copytree(SOLUTION, folder, ignore=shutil.ignore_patterns("__pycache__"))
    engine = folder / "engine.py"
    engine.write_text(engine.read_text().replace("self.grad += (1 / self.data) * out.grad", "self.grad += 1 / self.data"))
    monkeypatch.setenv(ws.ENV_WORKSPACE, str(folder))
    app = make_app("softmax-nll")
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: app.lab_view.lab.earlier() == "build-more-ops")
        assert await wait_for(pilot, lambda: "x open build-more-ops" in screen_text(app).splitlines()[-1])  # footer
        assert "exercise build-more-ops fails first" in screen_text(app)
        assert app.lab_view.lab.message.endswith("[[open_earlier]] opens it")
        await pilot.press("x")
        assert await wait_for(pilot, lambda: app.lesson.slug == "build-more-ops")
        assert await wait_for(pilot, lambda: checks_done(app))
        assert "open_earlier" not in app.lab_view.lab.actions  # here the log check itself fails: nothing earlier
        assert await wait_for(pilot, lambda: "chain-rule factor missing in `log`" in screen_text(app))


async def test_the_editor_opens_on_the_first_thing_to_write_then_on_the_failing_line(user_home):
    """Issue 29: the cursor starts where the learner types (the starter's first `raise NotImplementedError`),
    and after a failure that names a line of the file, on that line."""
    from textual.widgets import TextArea

    app = make_app("build-value")
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: checks_done(app))
        engine = user_home / "workspace" / "engine.py"
        first = next(i for i, line in enumerate(engine.read_text().splitlines())
                     if line.strip().startswith("raise NotImplementedError"))
        await pilot.press("e")
        assert await wait_for(pilot, lambda: isinstance(app.screen, Editor))
        area = app.screen.query_one(TextArea)
        assert await wait_for(pilot, lambda: area.cursor_location[0] == first), area.cursor_location
        assert area.cursor_location[1] == 8  # on the raise, past its indentation: typing replaces the body there
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: not isinstance(app.screen, Editor))
        # a solved engine with one slip that raises: the failure names engine.py:<line>
        shutil.copy(SOLUTION / "engine.py", engine)
        text = engine.read_text().replace("        out = Value(self.data + other.data, (self, other), \"+\")",
                                          "        out = Value(self.data + other.datum, (self, other), \"+\")")
        engine.write_text(text)
        slip = next(i for i, line in enumerate(text.splitlines()) if "other.datum" in line)
        await pilot.press("c")
        assert await wait_for(pilot, lambda: checks_done(app) and "datum" in (app.lab_view.lab.first_failure() or
                                                                              type("", (), {"message": ""})).message)
        await pilot.press("e")
        assert await wait_for(pilot, lambda: isinstance(app.screen, Editor))
        area = app.screen.query_one(TextArea)
        assert await wait_for(pilot, lambda: area.cursor_location[0] == slip), (area.cursor_location, slip)
