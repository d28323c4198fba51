"""The micrograd-tui command line."""

import subprocess
import sys

import pytest

from micrograd_tui.tui.cli import main

CMD = [sys.executable, "-m", "micrograd_tui.tui.cli"]


def run(*args):
    return subprocess.run(CMD + list(args), capture_output=True, text=True, timeout=60)


def test_list_prints_a_line_per_lesson(capsys):
    from micrograd_tui.lessons.registry import LESSONS

    assert main(["--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(LESSONS)
    assert [line.split()[0] for line in lines] == [lesson.label for lesson in LESSONS]
    assert lines[-1].endswith(LESSONS[-1].title)


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("micrograd-tui ")


@pytest.mark.parametrize("args", [["--lesson", "99"], ["--lesson", "nope"], ["--bogus"], ["--lesson"]])
def test_bad_arguments_exit_2_with_one_line(args):
    r = run(*args)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith("micrograd-tui:")


def test_graph_prints_a_tree_with_data_and_grad():
    r = run("graph", "a=2; b=a*a; b.tanh()")
    assert r.returncode == 0
    assert "tanh" in r.stdout and "data 0.9993" in r.stdout and "grad 1.0000" in r.stdout
    assert "data 4.0000" in r.stdout and "↑" in r.stdout  # a is used twice


def test_graph_dot_and_errors():
    r = run("graph", "--dot", "a=2; b=a*a")
    assert r.returncode == 0 and r.stdout.startswith("digraph")
    r = run("graph", "__import__('os')")
    assert r.returncode == 2 and "start with _" in r.stderr and r.stdout == ""


def test_reset_progress(user_home, capsys, monkeypatch):
    from micrograd_tui.tui.progress import Progress

    p = Progress(user_home)
    p.current = "loss"
    p.save()
    monkeypatch.setattr("micrograd_tui.tui.app.MicrogradApp.run", lambda self: None)
    assert main(["--reset-progress"]) == 0
    assert "progress reset" in capsys.readouterr().out
    assert Progress(user_home).load().current is None
