"""A class on ``micrograd-tui serve``: its state, kept in the session folders (no web server here, so it is
tested on its own; ``pages.py`` writes the teacher's pages from it, ``server.py`` serves them).

A learner joins with the class code and a name, kept in the session's ``learner.json`` with a personal resume
code and a stamp of the code they typed (a changed class code asks again); the roster reads each joined
session's progress file (the lesson it is on, the exercises done, the last check of each and its slip) and when
its browser last sent anything; the summary counts the class by lesson, exercise and slip. Wrong codes are
counted per address and refused for a minute after a few. The teacher's pacing is a file every app follows.
"""

from __future__ import annotations

import csv
import hashlib
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
    it, how many fail it now), and the failures shared most: (how many, exercise, the slip's name, or the
    failing check's line when it names none, who), most first."""
    from micrograd_tui.lessons.registry import COURSE

    order = {f"{lesson.label} {lesson.slug}": i for i, lesson in enumerate(COURSE.lessons)}
    on = Counter(r.lesson for r in rows)
    lessons = sorted(on.items(), key=lambda kv: order.get(kv[0], len(order)))
    passing: Counter = Counter()
    failing: Counter = Counter()
    who: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        slips = dict(r.slips)
        for slug, last in r.checks:
            if last.startswith("✓"):
                passing[slug] += 1
            elif last.startswith("✗"):
                failing[slug] += 1
                # a named slip groups every learner who made it, whatever numbers their code gave
                who.setdefault((slug, slips.get(slug) or last), []).append(r.name)
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


def join(folder: Path, name: str, session: str | None = None, code: str | None = None) -> None:
    """A learner joins (or a joined one renames): their name, a resume code that brings the session
    (``session``, the cookie's secret, kept in the server's private folder) to another browser, and a stamp
    of the class ``code`` they typed (a changed code asks them again)."""
    folder.mkdir(parents=True, exist_ok=True)
    before = learner(folder) or {}
    kept = {k: before[k] for k in ("resume", "session", "code") if isinstance(before.get(k), str)}
    if session is not None and "resume" not in kept:
        kept.update(resume=make_class_code(RESUME_LETTERS), session=session)
    if code is not None:
        kept["code"] = code_stamp(code)
    write_atomic(folder / LEARNER, json.dumps({"name": name, "joined": before.get("joined", time.time()), **kept}))


def code_stamp(code: str) -> str:
    """What a learner's file keeps of the class code they gave: enough to tell it changed, not the code."""
    clean = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(clean.encode()).hexdigest()[:16]


def knows_code(folder: Path, code: str) -> bool:
    """The learner joined with the class's code as it is now (one who joined before codes were stamped has)."""
    stamp = (learner(folder) or {}).get("code")
    return not isinstance(stamp, str) or secrets.compare_digest(stamp, code_stamp(code))


def name_taken(data: Path, name: str, but: Path | None = None) -> bool:
    """Another learner of the class (not the one in ``but``) goes by ``name`` (case aside)."""
    sessions = data / "sessions"
    for folder in sorted(sessions.glob("*")) if sessions.is_dir() else []:
        other = learner(folder)
        if other is not None and other["name"].lower() == name.lower() and (but is None or folder != but):
            return True
    return False


SEEN = "seen"  # a session folder's file whose time is when its browser last sent a key (idle across restarts)
SEEN_EVERY = 20.0  # seconds between two touches of it


def mark_seen(folder: Path, now: float, last: float | None) -> bool:
    """Note that the browser sent a key (at most every :data:`SEEN_EVERY` s): True when the file was touched."""
    if last is not None and now - last < SEEN_EVERY:
        return False
    try:
        (folder / SEEN).touch()
    except OSError:
        return False
    return True


def reset(folder: Path) -> None:
    """A learner starts over: progress, workspace and everything else go; their name and resume code stay."""
    import shutil

    for path in folder.iterdir():
        if path.name == LEARNER:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def remove(folder: Path) -> None:
    """A learner leaves the class: their folder goes (links in it are removed, never followed)."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


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
    slips: tuple[tuple[str, str], ...] = ()  # (exercise, the named slip its last check failed with)


def roster(data: Path, last_seen: dict[str, float], now: float | None = None,
           presence: dict[str, str] | None = None) -> list[Row]:
    """Every joined session under ``data``, by name. ``last_seen`` maps a session folder's name to
    the time (time.time()) its browser last sent something."""
    now = time.time() if now is None else now
    rows = []
    for folder in sorted((data / "sessions").glob("*")) if (data / "sessions").is_dir() else []:
        read = _read(folder, last_seen, now, presence)
        if read is not None:
            rows.append(read[0])
    rows.sort(key=lambda r: r.name.lower())
    named = Counter(r.name.lower() for r in rows)
    if any(n > 1 for n in named.values()):  # two Sams: each told apart by their session's first letters
        rows = [replace(r, name=f"{r.name} ({r.folder[:4]})") if named[r.name.lower()] > 1 else r for r in rows]
    return rows


def _read(folder: Path, last_seen: dict[str, float], now: float,
          presence: dict[str, str] | None) -> tuple[Row, dict] | None:
    """One joined session's row, and its exercises' saved states (each last run); None: it has not joined."""
    from micrograd_tui.lessons.registry import COURSE

    who = learner(folder)
    if who is None:
        return None
    try:
        progress = json.loads((folder / "progress.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        progress = {}
    if not isinstance(progress, dict):
        progress = {}
    labels = {lesson.slug: lesson.label for lesson in COURSE.lessons}
    exercises = [lesson.slug for lesson in COURSE.lessons if lesson.sub]
    current = progress.get("current") or "micrograd"
    finished = set(progress.get("finished") or ())
    states = progress.get("exercises") or {}
    checks = tuple((slug, str(states[slug]["last"])) for slug in exercises
                   if isinstance(states.get(slug), dict) and "last" in states[slug])
    slips = tuple((slug, str(states[slug]["slip"])) for slug, last in checks
                  if last.startswith("✗") and isinstance(states[slug].get("slip"), str))
    try:
        touched = (folder / SEEN).stat().st_mtime  # its last key before the server's restart
    except OSError:
        touched = 0.0
    seen = last_seen.get(folder.name) or max(touched, float(who.get("joined") or now))  # last key, or the join
    book = SkillBook()
    book.load(progress.get("skills"))
    book.load_misses(progress.get("misses"))
    known = tuple((BY_ID[s].short, book.mastery(s)) for s in BY_ID if s in book.records)
    row = Row(who["name"], f"{labels.get(current, '?')} {current}", len(finished & set(exercises)), len(exercises),
              checks, max(0.0, now - seen), known, tuple(book.misses),
              (presence or {}).get(folder.name, "not connected since the server started"), folder.name, slips)
    return row, states


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


LEARNER_FOLDER = re.compile(r"[0-9a-f]{40}")  # a session folder's name (serve.session_dir)


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


@dataclass(frozen=True)
class Detail:
    """One learner, as the teacher's page of them shows it."""

    row: Row
    runs: tuple[tuple[str, tuple[tuple[str, bool, str], ...]], ...]  # (exercise, each check's (name, ok, message))
    files: tuple[tuple[str, str | None, str], ...]  # (path in the workspace, its text or None, why not shown)
    skipped: tuple[str, ...]  # what is in the workspace and not shown: links, what is not a plain file


def detail(data: Path, name: str, presence: dict[str, str] | None = None) -> Detail | None:
    """A learner's lesson, the whole last run of each build exercise, and every file of their workspace (links
    out of it never followed). None: no such learner (``name`` is a session folder's name, checked)."""
    from micrograd_tui.lessons.workshop.workspace import files_inside, read_inside

    if not LEARNER_FOLDER.fullmatch(name):
        return None
    folder = data / "sessions" / name
    read = _read(folder, {}, time.time(), presence)
    if read is None:
        return None
    row, states = read
    runs = []
    for slug, _ in row.checks:
        report = states.get(slug, {}).get("report") if isinstance(states.get(slug), dict) else None
        if isinstance(report, list):
            runs.append((slug, tuple((str(c[0]), c[1] is True, str(c[2])) for c in report
                                     if isinstance(c, list) and len(c) == 3)))
    workspace = folder / "workspace"
    found, skipped = files_inside(workspace) if workspace.is_dir() else ([], [])
    files = []
    for path in found:
        rel = path.relative_to(workspace).as_posix()
        try:
            files.append((rel, read_inside(workspace, path, limit=256 << 10), ""))
        except (OSError, UnicodeDecodeError) as err:
            files.append((rel, None, str(err)))
    return Detail(row, tuple(runs), tuple(files), tuple(skipped))
