"""The command palette's lessons, in course order (system commands are listed alphabetically,
which put lesson 10 before lesson 2)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

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
