"""The class's web pages, written from Jinja2 templates (``templates/``) with every value escaped.

Plain HTML a screen reader can read: one ``h1`` a page, headed sections, tables with column headers and
captions, forms with labels. The server (``server.py``) hands each page what ``classroom.py`` knows.
"""

from __future__ import annotations

import functools
from pathlib import Path

from . import classroom

TEMPLATES = Path(__file__).parent / "templates"


@functools.cache
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["idle"] = idle
    env.filters["percent"] = lambda p: f"{p:.0%}"
    return env


def render(template: str, **context) -> str:
    return _environment().get_template(template).render(**context)


def idle(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def _lessons() -> list:
    from micrograd_tui.lessons.registry import COURSE

    return list(COURSE.lessons)


def _held(pace: dict | None):
    return next((lesson for lesson in _lessons() if pace and lesson.slug == pace.get("hold")), None)


def roster_page(rows: list[classroom.Row], csv_url: str, learner_url: str | None = None,
                pace: tuple[str, dict | None] | None = None, projector_url: str | None = None) -> str:
    """The teacher's page: the class at a glance (where learners are, each exercise, the failures shared most
    by slip), the most common wrong predictions, and every learner; it reloads itself every few seconds."""
    on, exercises, failing = classroom.summary(rows)
    return render("roster.html", rows=rows, csv_url=csv_url, learner_url=learner_url, on=on, exercises=exercises,
                  failing=failing[:15], misses=classroom.common_misses(rows),
                  pace_url=pace[0] if pace else None, held=_held(pace[1]) if pace else None,
                  projector_url=projector_url)


def learner_page(data: Path, name: str, back: str, presence: dict[str, str] | None = None,
                 screen: dict | None = None, said: str = "") -> str | None:
    """One learner for the teacher: a live read-only view of their screen (``screen``: its websocket and the
    static files' address, when they are connected), their lesson, the whole last run of each build
    exercise, their files highlighted, and rename, reset, remove. None: no such learner."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer, TextLexer

    found = classroom.detail(data, name, presence)
    if found is None:
        return None
    files = [(rel, highlight(text, PythonLexer() if rel.endswith(".py") else TextLexer(),
                             HtmlFormatter(noclasses=True, linenos="inline")) if text is not None else None, why)
             for rel, text, why in found.files]
    return render("learner.html", d=found, r=found.row, folder=name, back=back, files=files, screen=screen,
                  said=said)


def pace_page(back: str, pace: dict | None) -> str:
    """The pacing page (it does not reload itself, so a message being typed stays)."""
    return render("pace.html", back=back, url=back + "/pace", lessons=_lessons(), held=_held(pace))


def projector_page(url: str, code: str) -> str:
    """The page for the room's screen: where to go and the class code, big, with a QR code of the address."""
    try:
        import segno

        qr = segno.make(url, error="m").svg_inline(scale=8, title=f"QR code: {url}")
    except ImportError:  # the web extra brings segno; without it the address alone
        qr = ""
    return render("projector.html", url=url, code=code, qr=qr)


def join_page(message: str = "", note: str = "") -> str:
    """The page a browser gets before it has joined: the class code and a name (or a resume code)."""
    return render("join.html", message=message, note=note, name_max=classroom.NAME_MAX)


def full_page(text: str) -> str:
    return render("full.html", text=text)
