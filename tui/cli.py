"""The ``micrograd-tui`` command."""

from __future__ import annotations

import argparse
import os
import sys
from importlib.metadata import PackageNotFoundError, version

from .oneline import OneLineParser


def _version() -> str:
    try:
        return version("micrograd-tui")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog="micrograd-tui", description="Learn backpropagation in the terminal by building it.",
                      formatter_class=argparse.RawDescriptionHelpFormatter, epilog=COMMANDS)
    p.add_argument("--lesson", metavar="N|SLUG", help="open a lesson by number or slug (see --list)")
    p.add_argument("--list", action="store_true", help="list the lessons and exit")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    p.add_argument("--setup", metavar="FILE", help="start the demo from a shared run (a .json its S key wrote), or on your own points (a .csv of "
                        "x, y, label lines)")
    p.add_argument("--workspace", metavar="DIR", help="the folder of your own micrograd files (build exercises)")
    p.add_argument("--reset-progress", action="store_true",
                   help="start over, after asking (the old progress file is kept aside)")
    p.add_argument("--yes", action="store_true", help="with --reset-progress: do not ask")
    return p


COMMANDS = """commands:
  micrograd-tui graph "EXPR" [--dot]          an expression's graph with data and grad (see graph --help)
  micrograd-tui check [EXERCISE] [--workspace DIR]
                                              the build exercises' checks on your files (see check --help)
  micrograd-tui serve [--host H] [--port P]   the app in web browsers, for a class (see serve --help)
"""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "graph":
        from .graph_cli import main as graph_main

        return graph_main(argv[1:])
    if argv and argv[0] == "check":
        from .check_cli import main as check_main

        return check_main(argv[1:])
    if argv and argv[0] == "serve":
        from .serve.server import main as serve_main

        return serve_main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.version:
        print(f"micrograd-tui {_version()}")
        return 0
    from micrograd_tui.lessons.registry import LESSONS, find

    if args.list:
        for lesson in LESSONS:
            print(f"{lesson.column_label}  {lesson.title}  ({lesson.slug})")
        return 0
    start: str | None = None
    if args.lesson is not None:
        try:
            start = find(args.lesson).slug
        except KeyError as e:
            print(f"micrograd-tui: {e.args[0]}", file=sys.stderr)
            return 2
    setup = None
    if args.setup is not None:
        setup, start, problem = _read_setup(args.setup, start)
        if problem:
            print(f"micrograd-tui: {problem}", file=sys.stderr)
            return 2
    if args.workspace:
        from .check_cli import set_workspace

        set_workspace(args.workspace)
    from .progress import Progress

    progress = Progress()
    notices = []
    if args.reset_progress:
        if not args.yes:
            if not sys.stdin.isatty():
                print("micrograd-tui: --reset-progress asks first; add --yes to start over without asking",
                      file=sys.stderr)
                return 2
            answer = input(f"Start over? Your progress in {progress.path} is kept aside, not deleted. [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("micrograd-tui: nothing reset")
                return 0
        try:
            backup = progress.reset()
        except OSError as e:
            print(f"micrograd-tui: could not reset progress: {e}", file=sys.stderr)
            return 2
        said = "progress reset" + (f": the old file is kept as {backup}" if backup else " (there was none yet)")
        print(f"micrograd-tui: {said}")
        notices.append(said.capitalize())
    progress.load()
    from .app import MicrogradApp

    app = MicrogradApp(start=start, progress=progress, notices=notices, setup=setup)
    app.run()
    return app.return_code or 0


def _read_setup(path: str, start: str | None) -> tuple[dict | None, str | None, str]:
    """A shared run's file, checked by the lesson that will take it: (setup, lesson slug, problem)."""
    import json

    from micrograd_tui.lessons.registry import find

    if path.lower().endswith(".csv"):  # the learner's own points: x, y, label a line
        from pathlib import Path

        from micrograd_tui.lessons.kinds.train.owndata import csv_setup, read_csv

        try:
            setup = csv_setup(read_csv(Path(path).resolve()), Path(path).name)
        except ValueError as e:
            return None, start, str(e)  # it names the file and the line
        path_problem = _checked(setup, start or "demo", path)
        return (None, start, path_problem) if path_problem else (setup, "demo", "")
    try:
        with open(path, encoding="utf-8") as f:
            setup = json.load(f)
    except OSError as e:
        return None, start, f"cannot read {path}: {e.strerror or e}"
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        return None, start, f"{path} is not a setup file (JSON): {e}"
    except (RecursionError, MemoryError):
        return None, start, f"{path} is not a setup file: it is nested too deep or too big to read"
    if not isinstance(setup, dict):
        return None, start, f"{path} is not a setup file: it holds no settings"
    slug = start or str(setup.get("lesson", "demo"))
    problem = _checked(setup, slug, path)
    return (None, start, problem) if problem else (setup, find(slug).slug, "")


def _checked(setup: dict, slug: str, path: str) -> str:
    """What is wrong with a setup for the lesson that will take it ("" when nothing)."""
    from micrograd_tui.lessons.registry import find

    try:
        find(slug).make_lab().load_setup(setup)
    except KeyError as e:
        return str(e.args[0])
    except ValueError as e:
        return f"{path}: {e}"
    return ""


def run() -> int:
    """The console script: ``main`` with a reader that stops early (``--list | head``) taken quietly."""
    try:
        return main()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python flushes stdout at exit: let that go nowhere
        return 0


if __name__ == "__main__":
    sys.exit(run())
