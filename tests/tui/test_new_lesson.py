"""Adding a lesson mid-course is one prose file and one registry entry: nothing in tui/ changes."""

from __future__ import annotations

from conftest import screen_text
from micrograd_tui.engine import Value
from micrograd_tui.lessons.kinds.graph import GraphLab
from micrograd_tui.lessons.course import PROSE_DIR, Course, Entry
from micrograd_tui.lessons.registry import ENTRIES
from micrograd_tui.tui.app import MicrogradApp


async def test_a_throwaway_lesson_inserted_mid_course_is_walked_like_any_other(tmp_path):
    # the one prose file
    (tmp_path / "05-squares.md").write_text(
        "# Squares, a throwaway lesson\n\nA square's slope is twice its input. Press [[backward]] to see it.\n")

    def squares():  # the one registry entry's lab
        def build():
            x = Value(7.0, "x")
            y = x * x
            y.label = "y"
            return [("y = x*x", y)]

        return GraphLab(build, lambda roots: [("y", f"{roots[0].data:g}")], backward_on_open=False)

    at = [e.slug for e in ENTRIES].index("manual-backprop") + 1
    entries = [*ENTRIES[:at], Entry("squares", squares), *ENTRIES[at:]]
    course = Course(entries, prose_dirs=(PROSE_DIR, tmp_path))
    i = course.find("squares").index
    assert [lesson.slug for lesson in course.lessons[i - 1:i + 2]] == ["manual-backprop", "squares", "one-step"]
    assert course.find("one-step").number == 6  # the lessons after it move up one

    app = MicrogradApp(start="manual-backprop", course=course)
    app.raise_lab_errors = True
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3):
            await pilot.pause()
        await pilot.press("escape", "n")
        for _ in range(3):
            await pilot.pause()
        text = screen_text(app)
        assert app.lesson.slug == "squares" and app.lesson.number == 5
        assert "Squares, a throwaway lesson" in text and " lesson 5 " in text
        assert "Press g to see it" in text  # the action is written as its key
        assert "49" in text and "14.0000" not in text
        await pilot.press("g")
        await pilot.pause()
        assert "14.0000" in screen_text(app) and app.lab_view.lab.done
        await pilot.press("n")
        for _ in range(3):
            await pilot.pause()
        assert app.lesson.slug == "one-step" and "One optimisation step" in screen_text(app)
        await pilot.press("p", "p")
        for _ in range(3):
            await pilot.pause()
        assert app.lesson.slug == "manual-backprop"
