"""The learner's progress: current lesson, finished lessons and exercise state, in one JSON file.

The file lives in the platform's user data directory (``MICROGRAD_TUI_HOME``
overrides it), carries a format version, and is written atomically (a temporary
file, then a rename; the temporary files of a save that was killed are removed
at the next start). A file that cannot be read for any reason (not JSON, nested
too deep, too big, wrong types, another format) is moved aside, never deleted,
and the app starts fresh; a directory that cannot be written means the app runs
without saving. Either is said once, through ``warnings``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from micrograd_tui.lessons.userdata import data_dir, remove_stale_temps, write_atomic

FORMAT = 1
FILENAME = "progress.json"
MAX_BYTES = 4 * 1024 * 1024  # a course's progress is a few kB; past this it is not ours


class Progress:
    def __init__(self, directory: Path | None = None):
        self.dir = Path(directory) if directory is not None else data_dir()
        self.path = self.dir / FILENAME
        self.current: str | None = None
        self.finished: set[str] = set()
        self.exercises: dict[str, dict] = {}
        self.theme: str | None = None  # the colour theme chosen in the palette
        self.predict: bool | None = None  # predict mode as the learner last set it (None: never set)
        self.skills: dict[str, dict] = {}  # lessons.skills' records, as SkillBook.to_json writes them
        self.misses: list = []  # the latest wrong predictions, as SkillBook.misses_json writes them
        self.warnings: list[str] = []
        self.can_save = True

    # --- reading -------------------------------------------------------------
    def load(self) -> "Progress":
        remove_stale_temps(self.dir)
        try:
            if self.path.stat().st_size > MAX_BYTES:
                self._set_aside(f"is over {MAX_BYTES // (1024 * 1024)} MiB")
                return self
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return self
        except (OSError, UnicodeDecodeError) as e:
            self._set_aside(f"could not be read ({type(e).__name__})")
            return self
        try:
            data = json.loads(text)
            self._take(data)
        except (ValueError, TypeError, AttributeError, RecursionError, MemoryError) as e:
            self.current, self.finished, self.exercises = None, set(), {}
            self._set_aside(str(e) if isinstance(e, _Foreign) else "is not valid progress data")
        return self

    def drop_exercise(self, slug: str, why: str) -> None:
        """A lesson could not take its saved state: forget it (the lesson starts fresh) and say so once."""
        self.exercises.pop(slug, None)
        self.warnings.append(f"The saved state of lesson {slug} could not be used ({why}); it starts fresh.")

    def _take(self, data: object) -> None:
        if not isinstance(data, dict):
            raise _Foreign("is not a progress file")
        if data.get("format") != FORMAT:
            raise _Foreign(f"has format {data.get('format')!r}, this app reads format {FORMAT}")
        current = data.get("current")
        finished = data.get("finished", [])
        exercises = data.get("exercises", {})
        if current is not None and not isinstance(current, str):
            raise _Foreign("has a bad current lesson")
        if not isinstance(finished, list) or not all(isinstance(s, str) for s in finished):
            raise _Foreign("has a bad list of finished lessons")
        if not isinstance(exercises, dict) or not all(isinstance(v, dict) for v in exercises.values()):
            raise _Foreign("has bad exercise state")
        self.current, self.finished, self.exercises = current, set(finished), dict(exercises)
        theme = data.get("theme")
        self.theme = theme if isinstance(theme, str) else None
        predict = data.get("predict")
        self.predict = predict if isinstance(predict, bool) else None
        skills = data.get("skills", {})
        self.skills = skills if isinstance(skills, dict) else {}  # each record is checked as it is read
        misses = data.get("misses", [])
        self.misses = misses if isinstance(misses, list) else []

    def _set_aside(self, why: str) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{FILENAME}.bad-{stamp}")
        n = 1
        while aside.exists():
            aside = self.path.with_name(f"{FILENAME}.bad-{stamp}-{n}")
            n += 1
        try:
            self.path.rename(aside)
            self.warnings.append(f"Your progress file {why}; it was kept as {aside.name} and you start fresh.")
        except OSError:
            self.warnings.append(f"Your progress file {why} and could not be moved aside; starting fresh "
                                 "without saving, so it stays as it is.")
            self.can_save = False

    # --- writing ---------------------------------------------------------------
    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "current": self.current,
            "finished": sorted(self.finished),
            "exercises": self.exercises,
            **({"theme": self.theme} if self.theme else {}),
            **({"predict": self.predict} if self.predict is not None else {}),
            **({"skills": self.skills} if self.skills else {}),
            **({"misses": self.misses} if self.misses else {}),
        }

    def save(self) -> bool:
        """Write atomically; on failure stop trying and say so once. True when saved."""
        if not self.can_save:
            return False
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(self.to_json(), indent=1))
            return True
        except OSError as e:
            self.can_save = False
            self.warnings.append(f"Progress cannot be saved in {self.dir} ({e.strerror or e}); "
                                 "the app runs on without saving.")
            return False

    def reset(self) -> Path | None:
        """Start over: the old file is kept beside as a backup. Returns where it went."""
        if not self.path.exists():
            return None
        backup = self.path.with_name(f"{FILENAME}.reset-{time.strftime('%Y%m%d-%H%M%S')}")
        self.path.rename(backup)
        return backup


class _Foreign(ValueError):
    pass
