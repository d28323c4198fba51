"""The command palette: its lessons, in course order (system commands are listed alphabetically,
which put lesson 10 before lesson 2), and a palette that closes once however fast enter is pressed."""

from __future__ import annotations

from functools import partial

from textual import work
from textual.await_complete import AwaitComplete
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.css.query import NoMatches

from .keys import with_keys


class Lessons(Provider):
    def _lessons(self):
        app = self.app
        for lesson in app.course.lessons:  # type: ignore[attr-defined]
            title = f"Go to lesson {lesson.label}: {lesson.title}"
            summary = with_keys(lesson.summary)[:80].replace("\n", " ")
            yield title, summary, partial(app.open_lesson, lesson.slug)  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for title, summary, open_it in self._lessons():
            yield DiscoveryHit(title, open_it, help=summary)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, summary, open_it in self._lessons():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), open_it, help=summary)


class OnceClosingPalette(CommandPalette):
    """Textual's palette, dismissed at most once.

    In Textual 8.2, a second enter that reaches the palette before its first dismiss has popped it calls
    ``dismiss`` again, which pops the screen below (the app's own: ``ScreenStackError``, the app ends) or a
    dialog the chosen command just opened. A fast typist does this with ctrl+p enter ctrl+p enter.
    Also guarded: page up or down typed before the list has laid out its lines raises KeyError in
    OptionList._move_page.
    """

    _dismissed = False  # not _closing: MessagePump has one

    def dismiss(self, result=None) -> AwaitComplete:
        if self._dismissed or self.app.screen is not self:
            return AwaitComplete(_nothing())
        self._dismissed = True
        return super().dismiss(result)

    # Its search runs in a worker that can finish after a quick enter has closed it; the watchers it then sets
    # off look for the list that is gone (NoMatches ended the app in the fast-typist fuzz).
    def _watch__list_visible(self) -> None:
        try:
            super()._watch__list_visible()
        except NoMatches:
            pass

    async def _watch__show_busy(self) -> None:
        try:
            await super()._watch__show_busy()
        except NoMatches:
            pass

    @work(exclusive=True, group=CommandPalette._GATHER_COMMANDS_GROUP)
    async def _gather_commands(self, search_value: str) -> None:
        if self._dismissed:
            return
        try:
            await CommandPalette._gather_commands.__wrapped__(self, search_value)  # type: ignore[attr-defined]
        except NoMatches:
            pass

    def _action_command_list(self, action: str) -> None:
        try:
            super()._action_command_list(action)
        except (KeyError, IndexError):
            pass  # the list has not laid out its lines yet: the key moves nothing, as on an empty list


async def _nothing() -> None:
    return None
