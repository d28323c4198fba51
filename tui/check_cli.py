"""``micrograd-tui check [EXERCISE] [--workspace DIR]``: the build exercises' checks, without the UI.

One line per check, ``ok`` or ``FAIL``, then the exercise and the check (and for a
failure, why); last ``N passed, M failed``. Exit status 0 only when every check
passes. Stretch checks are printed but not counted.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from micrograd_tui.lessons.workshop import workspace as ws
from micrograd_tui.lessons.workshop.checks import EXERCISES, Exercise
from micrograd_tui.lessons.workshop.run import CheckRun

from .oneline import OneLineParser


def _pick(key: str | None) -> list[Exercise]:
    if key is None:
        return list(EXERCISES)
    from micrograd_tui.lessons.registry import find

    try:
        lesson = find(key)
    except KeyError as e:
        raise LookupError(e.args[0]) from None
    chosen = [ex for ex in EXERCISES if ex.slug == lesson.slug]
    if not chosen:
        raise LookupError(f"{key} is a lesson, not an exercise: the exercises are "
                          + ", ".join(ex.slug for ex in EXERCISES))
    return chosen


def main(argv: list[str]) -> int:
    p = OneLineParser(prog="micrograd-tui check", description="Run the build exercises' checks on your workspace.")
    p.add_argument("exercise", nargs="?", help="an exercise's slug or number (e.g. build-value or 3.1); all by default")
    p.add_argument("--workspace", metavar="DIR", help=f"your files (default: ${ws.ENV_WORKSPACE}, else the app's)")
    args = p.parse_args(argv)
    folder = Path(args.workspace).expanduser().resolve() if args.workspace else ws.default_workspace()
    try:
        exercises = _pick(args.exercise)
    except LookupError as e:
        print(f"micrograd-tui check: {e.args[0]}", file=sys.stderr)
        return 2
    try:
        made = ws.ensure(folder)
    except OSError as e:
        print(f"micrograd-tui check: cannot make the workspace {folder}: {e}", file=sys.stderr)
        return 2
    print(f"workspace: {folder}" + (f" (starter files made: {', '.join(made)})" if made else ""))
    passed = failed = 0
    for ex in exercises:
        run = CheckRun(ex, folder)
        for outcome in run.run_all():
            first = (outcome.message or "").splitlines()
            why = f": {first[0]}" if first and not outcome.ok else ""
            tag = " (stretch, not counted)" if outcome.check.stretch else ""
            print(f"{'ok  ' if outcome.ok else 'FAIL'} {ex.slug}  {outcome.check.name}{tag}{why}")
            if not outcome.check.stretch:
                passed += outcome.ok
                failed += not outcome.ok
        sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


def set_workspace(path: str) -> None:
    """``--workspace`` for the app: every build exercise uses this folder."""
    os.environ[ws.ENV_WORKSPACE] = str(Path(path).expanduser().resolve())
