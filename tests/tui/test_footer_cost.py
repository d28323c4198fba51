"""A lesson change's cost under serve (issue 33): the footer mounts its keys again only when they change, and
then takes the new words in the widgets it has; a lesson's text, once shown, is kept for the way back."""

from __future__ import annotations

from conftest import make_app, screen_text, settle
from micrograd_tui.tui.footer import LabFooter


async def test_the_footer_mounts_no_key_twice_and_says_each_lessons_keys():
    app = make_app("micrograd")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        footer = app.query_one(LabFooter)
        mounted: list[int] = []
        mount_all = footer.mount_all

        def counted(widgets, *args, **kwargs):
            widgets = list(widgets)
            mounted.append(len(widgets))
            return mount_all(widgets, *args, **kwargs)

        footer.mount_all = counted  # type: ignore[method-assign]
        first = list(footer.children)
        for _ in range(3):  # the bindings change, the keys do not: nothing is mounted
            app.refresh_bindings()
            await settle(pilot)
        assert mounted == [] and list(footer.children) == first
        await pilot.press("n")  # lesson 1 has other keys: the widgets on show take their words
        await settle(pilot)
        assert "lesson 1 " in screen_text(app)
        footer_line = screen_text(app).splitlines()[-1]
        assert "n Next" in footer_line and "p Prev" in footer_line
        kept = [w for w in footer.children if w in first]
        assert len(kept) == min(len(first), len(footer.children))
        assert sum(mounted) <= max(0, len(footer.children) - len(first))
        words = [(w.key_display, w.description) for w in footer.children]
        assert len(set(words)) == len(words)  # no key left with another lesson's words twice


async def test_going_back_to_a_lesson_shows_its_kept_text():
    from textual.widgets import Markdown

    app = make_app("micrograd")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        zero = app.query_one("#prose-0", Markdown)
        await pilot.press("n")
        await settle(pilot)
        assert not zero.display and app.query_one("#prose-1", Markdown).display
        await pilot.press("p")
        await settle(pilot)
        assert app.query_one("#prose-0", Markdown) is zero and zero.display
        assert not app.query_one("#prose-1", Markdown).display
        assert "micrograd in one screen" in screen_text(app)
