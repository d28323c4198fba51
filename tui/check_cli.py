"""``micrograd-tui check [EXERCISE] [--workspace DIR]``: the build exercises' checks, without the UI.

One line per check, ``ok`` or ``FAIL``, then the exercise and the check (and for a
failure, the first line of why; ``-v`` prints all of it); last ``N passed, M failed``.
Exit status 0 only when every check passes. Stretch checks are printed but not counted.
For the whole course it stops after the first exercise not finished, and says how many
are left. An exercise that passes is marked done for the app too (one record of done).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from micrograd_tui.lessons.workshop import workspace as ws
from micrograd_tui.lessons.workshop.checks import Exercise
from micrograd_tui.lessons.workshop.exercises import EXERCISES
from micrograd_tui.lessons.workshop.checking import CheckRun, run_seed

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
    p.add_argument("-v", "--verbose", action="store_true", help="print each failure whole, not just its first line")
    p.add_argument("--seed", type=int, metavar="N", help="the random cases' seed, to replay a run (default: a new one)")
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
    whole_course = args.exercise is None
    seed = args.seed if args.seed is not None else run_seed()
    print(f"random cases: seed {seed} (--seed {seed} replays them)")
    for i, ex in enumerate(exercises):
        run = CheckRun(ex, folder, seed=seed)
        ex_failed = 0
        for outcome in run.run_all():
            lines = (outcome.message or "").splitlines()
            why = f": {lines[0]}" if lines and not outcome.ok else ""
            tag = " (stretch, not counted)" if outcome.check.stretch else ""
            print(f"{'ok  ' if outcome.ok else 'FAIL'} {ex.slug}  {outcome.check.name}{tag}{why}")
            if args.verbose and not outcome.ok:
                for line in lines[1:]:
                    print(f"       {line}")
            if not outcome.check.stretch:
                passed += outcome.ok
                failed += not outcome.ok
                ex_failed += not outcome.ok
        sys.stdout.flush()
        if not ex_failed:
            _mark_done(ex.slug)
        elif whole_course and i + 1 < len(exercises):
            rest = exercises[i + 1:]
            print(f"     {len(rest)} more exercises after {ex.slug}, not run until it passes: "
                  + ", ".join(e.slug for e in rest))
            break
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


def _mark_done(slug: str) -> None:
    """A pass here is a pass in the app: the same progress file, the same record of done."""
    from .progress import Progress

    progress = Progress().load()
    if slug not in progress.finished:
        progress.finished.add(slug)
        progress.save()


def set_workspace(path: str) -> None:
    """``--workspace`` for the app: every build exercise uses this folder."""
    os.environ[ws.ENV_WORKSPACE] = str(Path(path).expanduser().resolve())
