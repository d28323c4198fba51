"""A class on ``micrograd-tui serve``: the class code a learner types to get in, their name, and the teacher's roster.

Plain Python on the session folders (no web server here, so it is tested on
its own): a learner joins with the class code and a name, kept in the session's
``learner.json``; the roster reads each joined session's progress file (the
lesson it is on, the exercises done, the last check of each) and how long ago
its browser last sent anything, and is written as an HTML table or as CSV.
Wrong codes are counted per address and refused for a minute after a few.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from micrograd_tui.lessons.skills import BY_ID, SkillBook
from micrograd_tui.lessons.userdata import write_atomic

LEARNER = "learner.json"
CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or off a board without doubt
TRIES, WINDOW = 5, 60.0  # wrong codes allowed from one address per minute
NAME_MAX = 40


def make_class_code(n: int = 6) -> str:
    return "".join(secrets.choice(CODE_LETTERS) for _ in range(n))


def same_code(typed: str, code: str) -> bool:
    """The typed code is the class's (case, spaces and dashes aside), compared in constant time."""
    clean = "".join(ch for ch in typed.upper() if ch.isalnum())
    return secrets.compare_digest(clean.encode(), "".join(ch for ch in code.upper() if ch.isalnum()).encode())


def clean_name(typed: str) -> str | None:
    """The learner's name as the roster shows it, or None when there is nothing usable."""
    name = "".join(ch for ch in " ".join(typed.split()) if ch.isprintable())[:NAME_MAX].strip()
    return name or None


@dataclass
class Attempts:
    """Wrong class codes by address: after :data:`TRIES` in :data:`WINDOW` seconds, that address waits."""

    tries: int = TRIES
    window: float = WINDOW
    wrong: dict[str, list[float]] = field(default_factory=dict)

    def blocked(self, who: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        recent = [t for t in self.wrong.get(who, []) if now - t < self.window]
        self.wrong[who] = recent
        return len(recent) >= self.tries

    def failed(self, who: str, now: float | None = None) -> None:
        self.wrong.setdefault(who, []).append(time.monotonic() if now is None else now)


CLASS_FILE = "class.json"  # the class code and the teacher's secret, kept in --data across restarts


def class_state(data: Path, code: str | None = None, new: bool = False) -> tuple[str, str]:
    """(class code, teacher's secret), kept in ``data`` so a restart keeps the teacher's address and the
    code learners know: read from there, made the first time or with ``new``; a ``code`` given replaces
    the kept code (the teacher's address stays)."""
    path = data / CLASS_FILE
    kept: dict = {}
    if not new:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            kept = raw if isinstance(raw, dict) else {}
        except (OSError, ValueError):
            kept = {}
    teacher = kept.get("teacher") if isinstance(kept.get("teacher"), str) and len(kept["teacher"]) >= 16 else None
    stored = kept.get("code") if isinstance(kept.get("code"), str) and clean_name(kept["code"]) else None
    code = code or stored or make_class_code()
    teacher = teacher or secrets.token_urlsafe(18)
    if (code, teacher) != (stored, kept.get("teacher")):
        write_atomic(path, json.dumps({"code": code, "teacher": teacher}))  # 0600, as mkstemp makes it
    return code, teacher


def summary(rows: list[Row]) -> tuple[list[tuple[str, int]], list[tuple[str, int, int]], list[tuple[int, str, str, str]]]:
    """The class at a glance: (how many are on each lesson, in course order), (each exercise: how many pass
    it, how many fail it now), and the failing checks shared most: (how many, exercise, the check's line,
    who), most first."""
    from micrograd_tui.lessons.registry import COURSE

    order = {f"{lesson.label} {lesson.slug}": i for i, lesson in enumerate(COURSE.lessons)}
    on = Counter(r.lesson for r in rows)
    lessons = sorted(on.items(), key=lambda kv: order.get(kv[0], len(order)))
    passing: Counter = Counter()
    failing: Counter = Counter()
    who: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        for slug, last in r.checks:
            if last.startswith("✓"):
                passing[slug] += 1
            elif last.startswith("✗"):
                failing[slug] += 1
                who.setdefault((slug, last), []).append(r.name)
    exercises = [(lesson.slug, passing[lesson.slug], failing[lesson.slug]) for lesson in COURSE.lessons
                 if lesson.sub and (passing[lesson.slug] or failing[lesson.slug])]
    common = sorted(((len(names), slug, last, ", ".join(names)) for (slug, last), names in who.items()),
                    key=lambda t: (-t[0], t[1], t[2]))
    return lessons, exercises, common


PACE_FILE = "pace.json"  # the teacher's pacing, which every learner's app follows (ENV_PACE points at it)
ENV_PACE = "MICROGRAD_TUI_PACE"


def write_pace(data: Path, to: str | None = None, hold: str | None = None, message: str = "") -> dict:
    """The teacher's word to the class: everyone ``to`` a lesson, no one past ``hold``, a ``message``.
    The hold stays until released (hold=None with nothing else given releases it)."""
    now = read_pace(data / PACE_FILE) or {}
    pace = {"to": to, "hold": hold if hold is not None else (now.get("hold") if to or message else None),
            "message": message[:200], "stamp": time.time()}
    write_atomic(data / PACE_FILE, json.dumps(pace))
    return pace


def read_pace(path: Path) -> dict | None:
    """The pacing file as the teacher's page wrote it, or None (none yet, or not readable)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("stamp"), (int, float)):
        return None
    return {"to": raw.get("to") if isinstance(raw.get("to"), str) else None,
            "hold": raw.get("hold") if isinstance(raw.get("hold"), str) else None,
            "message": raw.get("message") if isinstance(raw.get("message"), str) else "", "stamp": raw["stamp"]}


ENV_RESUME = "MICROGRAD_TUI_RESUME_CODE"  # the learner's resume code, for their app to show them
RESUME_LETTERS = 6


def join(folder: Path, name: str, session: str | None = None) -> None:
    """A learner joins (or a joined one renames): their name, and a resume code that brings the session
    (``session``, the cookie's secret, kept in the server's private folder) to another browser."""
    folder.mkdir(parents=True, exist_ok=True)
    before = learner(folder) or {}
    kept = {k: before[k] for k in ("resume", "session") if isinstance(before.get(k), str)}
    if session is not None and "resume" not in kept:
        kept = {"resume": make_class_code(RESUME_LETTERS), "session": session}
    write_atomic(folder / LEARNER, json.dumps({"name": name, "joined": before.get("joined", time.time()), **kept}))


def resume_code(folder: Path) -> str | None:
    code = (learner(folder) or {}).get("resume")
    return code if isinstance(code, str) else None


def resumed(data: Path, typed: str) -> tuple[str, str] | None:
    """The (session, name) whose resume code was typed (case, spaces and dashes aside), or None."""
    clean = "".join(ch for ch in typed.upper() if ch.isalnum())
    if len(clean) != RESUME_LETTERS:
        return None
    for folder in sorted((data / "sessions").glob("*")):
        info = learner(folder) or {}
        code, session = info.get("resume"), info.get("session")
        if isinstance(code, str) and isinstance(session, str) and same_code(clean, code):
            return session, info["name"]
    return None


def learner(folder: Path) -> dict | None:
    """What the session's learner gave when joining, or None for a session that has not joined."""
    try:
        data = json.loads((folder / LEARNER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("name"), str) else None


@dataclass(frozen=True)
class Row:
    name: str
    lesson: str  # the lesson it is on: "3.1 build-value"
    done: int  # build exercises passed
    exercises: int  # build exercises in the course
    checks: tuple[tuple[str, str], ...]  # (exercise, its last check: "✓" or the first failing check's line)
    idle: float  # seconds since the browser last sent anything
    skills: tuple[tuple[str, float], ...] = ()  # (skill's short name, mastery) for each skill answered
    misses: tuple[tuple[str, str, str], ...] = ()  # the latest wrong predictions: (lesson, grad asked, number)
    presence: str = ""  # connected, tab closed, ended (and why): the server's own knowledge; "" before it knows
    folder: str = ""  # the session folder's name: the learner's own page on the teacher's side


def roster(data: Path, last_seen: dict[str, float], now: float | None = None,
           presence: dict[str, str] | None = None) -> list[Row]:
    """Every joined session under ``data``, by name. ``last_seen`` maps a session folder's name to
    the time (time.time()) its browser last sent something."""
    from micrograd_tui.lessons.registry import COURSE

    now = time.time() if now is None else now
    labels = {lesson.slug: lesson.label for lesson in COURSE.lessons}
    exercises = [lesson.slug for lesson in COURSE.lessons if lesson.sub]
    rows = []
    for folder in sorted((data / "sessions").glob("*")) if (data / "sessions").is_dir() else []:
        who = learner(folder)
        if who is None:
            continue
        try:
            progress = json.loads((folder / "progress.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            progress = {}
        current = progress.get("current") or "micrograd"
        finished = set(progress.get("finished") or ())
        states = progress.get("exercises") or {}
        checks = tuple((slug, str(states[slug]["last"])) for slug in exercises
                       if isinstance(states.get(slug), dict) and "last" in states[slug])
        seen = last_seen.get(folder.name) or float(who.get("joined") or now)  # its last key, or when it joined
        book = SkillBook()
        book.load(progress.get("skills"))
        book.load_misses(progress.get("misses"))
        known = tuple((BY_ID[s].short, book.mastery(s)) for s in BY_ID if s in book.records)
        rows.append(Row(who["name"], f"{labels.get(current, '?')} {current}", len(finished & set(exercises)),
                        len(exercises), checks, max(0.0, now - seen), known, tuple(book.misses),
                        (presence or {}).get(folder.name, "not connected since the server started"), folder.name))
    rows.sort(key=lambda r: r.name.lower())
    named = Counter(r.name.lower() for r in rows)
    if any(n > 1 for n in named.values()):  # two Sams: each told apart by their session's first letters
        rows = [replace(r, name=f"{r.name} ({r.folder[:4]})") if named[r.name.lower()] > 1 else r for r in rows]
    return rows


def _idle(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def roster_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "lesson", "exercises done", "exercises", "idle seconds", "last checks", "now"])
    for r in rows:
        writer.writerow([r.name, r.lesson, r.done, r.exercises, round(r.idle),
                         "; ".join(f"{slug}: {last}" for slug, last in r.checks), r.presence])
    return out.getvalue()


def common_misses(rows: list[Row], top: int = 10) -> list[tuple[int, str, str, str]]:
    """The class's most common wrong predictions: (how many learners typed it, lesson, grad asked, number)."""
    counts = Counter(m for r in rows for m in set(r.misses))
    return [(n, *m) for m, n in counts.most_common(top)]


def _named(r: Row, learner_url: str | None) -> str:
    e = html.escape
    return f"<a href='{e(learner_url + r.folder)}'>{e(r.name)}</a>" if learner_url and r.folder else e(r.name)


LEARNER_FOLDER = re.compile(r"[0-9a-f]{40}")  # a session folder's name (serve.session_dir)


def learner_html(data: Path, name: str, back: str, presence: dict[str, str] | None = None) -> str | None:
    """One learner's page for the teacher: their lesson, each build exercise's last check, and every file of
    their workspace, read-only and highlighted (links out of it never followed). None: no such learner."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer, TextLexer

    from micrograd_tui.lessons.workshop.workspace import files_inside, read_inside

    if not LEARNER_FOLDER.fullmatch(name):
        return None
    folder = data / "sessions" / name
    rows = [r for r in roster(data, {}, presence=presence) if r.folder == name]
    if not rows:
        return None
    r, e = rows[0], html.escape
    workspace = folder / "workspace"
    parts = [f"<!doctype html><meta charset=utf-8><title>{e(r.name)}: micrograd-tui</title>",
             "<style>body{font-family:sans-serif}pre{font-size:.9em}td,th{padding:.3em .8em;text-align:left}</style>",
             f"<p><a href='{e(back)}'>the class</a></p><h1>{e(r.name)}</h1><p>on lesson {e(r.lesson)} · {e(r.presence)}"
             f" · <a href='{e(name)}.zip'>download their files</a></p>",
             "<h2>Build exercises: the last check of each</h2>"]
    parts.append("<table><tr><th>exercise</th><th>last check</th></tr>" + "".join(
        f"<tr><td>{e(slug)}</td><td>{e(last)}</td></tr>" for slug, last in r.checks) + "</table>" if r.checks else
        "<p>none checked yet</p>")
    parts.append("<h2>Their files</h2>")
    files, skipped = files_inside(workspace) if workspace.is_dir() else ([], [])
    for path in files:
        rel = path.relative_to(workspace).as_posix()
        try:
            text = read_inside(workspace, path, limit=256 << 10)
        except (OSError, UnicodeDecodeError) as err:
            parts.append(f"<h3>{e(rel)}</h3><p>not shown: {e(str(err))}</p>")
            continue
        lexer = PythonLexer() if rel.endswith(".py") else TextLexer()
        parts.append(f"<h3>{e(rel)}</h3>" + highlight(text, lexer, HtmlFormatter(noclasses=True, linenos="inline")))
    if not files:
        parts.append("<p>no files yet</p>")
    if skipped:
        parts.append(f"<p>not shown (links, or not plain files): {e(', '.join(skipped))}</p>")
    return "".join(parts)


def learner_zip(data: Path, name: str) -> bytes | None:
    """A learner's workspace files as a zip, for the teacher (links and what is not a plain file left out);
    None: no such learner."""
    import io
    import zipfile

    from micrograd_tui.lessons.workshop.workspace import files_inside, read_inside

    if not LEARNER_FOLDER.fullmatch(name) or learner(data / "sessions" / name) is None:
        return None
    workspace = data / "sessions" / name / "workspace"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path in (files_inside(workspace)[0] if workspace.is_dir() else []):
            try:
                z.writestr(path.relative_to(workspace).as_posix(), read_inside(workspace, path, limit=4 << 20))
            except (OSError, UnicodeDecodeError):
                continue
    return out.getvalue()


def _pace_line(url: str, pace: dict | None) -> str:
    from micrograd_tui.lessons.registry import COURSE

    held = next((lesson for lesson in COURSE.lessons if pace and lesson.slug == pace.get("hold")), None)
    state = f"held at lesson {held.label} {held.title}" if held else "free"
    return f"<p>Pacing: {html.escape(state)} · <a href='{html.escape(url)}'>everyone to a lesson, hold, message</a></p>"


def pace_page(back: str, pace: dict | None) -> str:
    """The pacing page (it does not reload itself, so a message being typed stays)."""
    return ("<!doctype html><meta charset=utf-8><title>micrograd-tui: pacing</title>"
            "<style>body{font-family:sans-serif}</style>"
            f"<p><a href='{html.escape(back)}'>the class</a></p>{pace_form(back + '/pace', pace)}")


def pace_form(url: str, pace: dict | None) -> str:
    """The teacher's pacing controls: a lesson, and everyone to it, hold at it, release; a message."""
    from micrograd_tui.lessons.registry import COURSE

    e = html.escape
    options = "".join(f"<option value='{e(lesson.slug)}'>{e(lesson.label)} {e(lesson.title)}</option>"
                      for lesson in COURSE.lessons)
    held = next((lesson for lesson in COURSE.lessons if pace and lesson.slug == pace.get("hold")), None)
    now = f"<p>the class is held at lesson {e(held.label)} {e(held.title)}</p>" if held else ""
    return (f"<h2>Pacing</h2>{now}<form method=post action='{e(url)}'>"
            f"<label>lesson <select name=lesson>{options}</select></label> "
            "<button name=what value=to>everyone to this lesson</button> "
            "<button name=what value=hold>hold at this lesson</button> "
            "<button name=what value=release>release the hold</button><br>"
            "<label>message to the class <input name=message maxlength=200 size=50></label> "
            "<button name=what value=message>send</button></form>")


def roster_html(rows: list[Row], csv_url: str, learner_url: str | None = None,
                pace: tuple[str, dict | None] | None = None) -> str:
    """The teacher's page: a table that reloads itself every few seconds, and the CSV link; each learner's
    skills (the app's estimate from their answers), and the class's most common wrong predictions."""
    e = html.escape
    body = "".join(
        f"<tr><td>{_named(r, learner_url)}</td><td>{e(r.lesson)}</td><td>{r.done} of {r.exercises}</td>"
        f"<td>{e(r.presence)}</td><td>{e(_idle(r.idle))}</td><td>{'<br>'.join(f'{e(s)}: {e(last)}' for s, last in r.checks) or '—'}</td>"
        f"<td>{' · '.join(f'{e(name)} {p:.0%}' for name, p in r.skills) or '—'}</td></tr>"
        for r in rows)
    empty = "" if rows else "<tr><td colspan=7>nobody has joined yet</td></tr>"
    misses = common_misses(rows)
    on, exercises, failing = summary(rows)
    glance = ""
    if rows:
        glance = ("<h2>The class at a glance</h2><table><caption>where learners are</caption><tr><th>lesson</th>"
                  "<th>learners</th></tr>" + "".join(f"<tr><td>{e(lesson)}</td><td>{n}</td></tr>" for lesson, n in on)
                  + "</table>")
        if exercises:
            glance += ("<table><caption>build exercises</caption><tr><th>exercise</th><th>pass</th><th>fail now</th>"
                       "</tr>" + "".join(f"<tr><td>{e(slug)}</td><td>{p}</td><td>{f}</td></tr>"
                                        for slug, p, f in exercises) + "</table>")
        if failing:
            glance += ("<h2>Failing now, most shared first</h2><table><tr><th>learners</th><th>exercise</th>"
                       "<th>check</th><th>who</th></tr>" + "".join(
                           f"<tr><td>{n}</td><td>{e(slug)}</td><td>{e(last)}</td><td>{e(names)}</td></tr>"
                           for n, slug, last, names in failing[:15]) + "</table>")
    wrong = ("<h2>Most common wrong predictions</h2><table><tr><th>learners</th><th>lesson</th><th>asked</th>"
             "<th>typed</th></tr>" + "".join(f"<tr><td>{n}</td><td>{e(lesson)}</td><td>{e(asked)}</td><td>{e(typed)}</td>"
                                            "</tr>" for n, lesson, asked, typed in misses) + "</table>") if misses else ""
    return ("<!doctype html><meta charset=utf-8><meta http-equiv=refresh content=5>"
            "<title>micrograd-tui: the class</title>"
            "<style>body{font-family:sans-serif}td,th{padding:.3em .8em;text-align:left;vertical-align:top}"
            "tr:nth-child(even){background:#f3f3f3}</style>"
            f"<h1>The class ({len(rows)})</h1><p><a href='{e(csv_url)}'>download as CSV</a> · reloads every 5 s</p>"
            f"{_pace_line(*pace) if pace else ''}{glance}{wrong}<h2>Each learner</h2>"
            "<table><tr><th>name</th><th>lesson</th><th>exercises</th><th>now</th><th>idle</th><th>last check</th>"
            f"<th>skills</th></tr>{body}{empty}</table>")


def projector_html(url: str, code: str) -> str:
    """The page for the room's screen: where to go and the class code, big, with a QR code of the address."""
    e = html.escape
    try:
        import segno

        qr = segno.make(url, error="m").svg_inline(scale=8, title=f"QR code: {url}")
    except ImportError:  # the web extra brings segno; without it the address alone
        qr = ""
    return ("<!doctype html><meta charset=utf-8><title>micrograd-tui: join the class</title>"
            "<style>body{font-family:sans-serif;text-align:center;margin-top:4vh}h1{font-size:4vw}"
            ".code{font-size:12vw;letter-spacing:.15em;font-family:monospace;margin:.2em}"
            ".url{font-size:4vw;font-family:monospace}</style>"
            f"<h1>Join the class</h1><p class=url>{e(url)}</p><p>class code</p><p class=code>{e(code)}</p>{qr}")


def join_page(message: str = "", status_note: str = "") -> str:
    """The page a browser gets before it has joined: the class code and a name."""
    e = html.escape
    note = f"<p class=err>{html.escape(message, quote=False)}</p>" if message else ""
    return ("<!doctype html><meta charset=utf-8><title>micrograd-tui: join the class</title>"
            "<style>body{font-family:sans-serif;max-width:30em;margin:3em auto}.err{color:#b00}"
            "input{font-size:1.2em;margin:.3em 0;padding:.2em}</style>"
            f"<h1>micrograd-tui</h1>{note}<p>{e(status_note) or 'Your teacher has the class code.'}</p>"
            "<form method=post action=/join>"
            "<label>Class code<br><input name=code autocomplete=off autofocus required maxlength=20></label><br>"
            f"<label>Your name (your teacher sees it)<br><input name=name maxlength={NAME_MAX}></label><br>"
            "<label>Your resume code, if you joined before on another browser<br>"
            "<input name=resume autocomplete=off maxlength=12></label><br>"
            "<button type=submit>Join</button></form>")
