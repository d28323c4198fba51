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
    assert lines[-1].endswith(f"{LESSONS[-1].title}  ({LESSONS[-1].slug})")
    # one column: every title starts at the same place, and 3 and 3.1 share their first digits' place
    assert len({line.index(lesson.title) for line, lesson in zip(lines, LESSONS)}) == 1
    assert len({line.index(lesson.label) + len(str(lesson.number)) for line, lesson in zip(lines, LESSONS)}) == 1


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("micrograd-tui ")


@pytest.mark.parametrize("args", [["--lesson", "99"], ["--lesson", "nope"], ["--bogus"], ["--lesson"]])
def test_bad_arguments_exit_2_with_one_line(args):
    r = run(*args)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith("micrograd-tui:")


def test_graph_prints_the_lectures_picture_by_default():
    for args in (["a=2; b=a*a; b.tanh()"], ["a=2; b=a*a; b.tanh()", "--layout", "dag"]):
        r = run("graph", *args)
        assert r.returncode == 0, r.stderr
        lines = r.stdout.splitlines()
        assert lines[0].startswith("╭ a ") and "╭ b " in lines[0]  # boxes left to right, each value once
        assert r.stdout.count("╭ a ") == 1 and "(*)" in lines[1] and "(tanh)" in lines[1]
        assert "0.9993" in r.stdout and "4.0000" in r.stdout and "1.0000" in r.stdout
        assert lines[1].index("(*)") < lines[1].index("4.0000") < lines[1].index("(tanh)") < lines[1].index("0.9993")
    r = run("graph", "--layout", "dag", "x=1; " + "; ".join(f"x = x + {i}" for i in range(80)))
    assert r.returncode == 2 and "--layout tree" in r.stderr


def test_graph_prints_a_tree_with_data_and_grad():
    r = run("graph", "a=2; b=a*a; b.tanh()", "--layout", "tree")
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
    assert main(["--reset-progress"]) == 2  # it asks first; with no one to answer, it does nothing
    assert Progress(user_home).load().current == "loss"
    assert main(["--reset-progress", "--yes"]) == 0
    assert "progress reset" in capsys.readouterr().out
    assert Progress(user_home).load().current is None


def test_check_fails_on_a_fresh_workspace_and_passes_on_a_solved_one(tmp_path):
    from pathlib import Path

    fresh = run("check", "--workspace", str(tmp_path / "fresh"))
    lines = fresh.stdout.splitlines()
    assert fresh.returncode == 1 and (tmp_path / "fresh" / "engine.py").exists()
    assert lines[1].startswith("random cases: seed 18 ") and "--seed 18" in lines[1]
    assert all(line.startswith(("ok", "FAIL")) for line in lines[2:-2]) and "FAIL build-value  c = a + b" in fresh.stdout
    assert lines[-1].endswith(" failed") and lines[-1].startswith("0 passed, ")
    # the course stops at the first unfinished exercise and says how many are left
    assert "FAIL build-backward-ops" not in fresh.stdout and "7 more exercises after build-value" in lines[-2]
    solved = Path(__file__).parent.parent / "lessons" / "solution"
    ok = run("check", "--workspace", str(solved))
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout.splitlines()[-1].endswith(" passed, 0 failed")
    one = run("check", "3.1", "--workspace", str(solved))
    assert one.returncode == 0 and one.stdout.splitlines()[-1] == "5 passed, 0 failed"
    bad = run("check", "value", "--workspace", str(solved))
    assert bad.returncode == 2 and "not an exercise" in bad.stderr


def test_check_marks_a_passed_exercise_done_for_the_app_and_v_prints_all(tmp_path, user_home):
    import shutil
    from pathlib import Path

    from micrograd_tui.tui.progress import Progress

    solved = tmp_path / "ws"
    shutil.copytree(Path(__file__).parent.parent / "lessons" / "solution", solved)
    assert run("check", "10.1", "--workspace", str(solved)).returncode == 0
    assert "build-more-ops" in Progress(user_home).load().finished
    engine = solved / "engine.py"
    engine.write_text(engine.read_text().replace("self.grad += (1 - t**2) * out.grad", "self.grad += (1 - t**2)"))
    short = run("check", "7.1", "--workspace", str(solved))
    full = run("check", "7.1", "-v", "--workspace", str(solved))
    assert short.returncode == full.returncode == 1
    assert "chain-rule factor missing in `tanh`" in short.stdout and "multiply it by out.grad" not in short.stdout
    assert "multiply it by out.grad" in full.stdout and "finite difference" in full.stdout
    assert "build-backward-ops" not in Progress(user_home).load().finished


def test_list_into_a_closed_pipe_exits_quietly():
    # the reader has gone before a line is written, as with `micrograd-tui --list | head -0`
    code = "from micrograd_tui.tui.cli import run; raise SystemExit(run())"
    p = subprocess.Popen([sys.executable, "-c", code, "--list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=60) == 0 and "Traceback" not in err and err == ""


def test_help_names_every_command():
    r = run("--help")
    assert r.returncode == 0
    for command in ("graph", "check", "serve"):
        assert f"micrograd-tui {command}" in r.stdout


@pytest.mark.parametrize("content, says", [
    (None, "cannot read"),
    ("{not json", "is not a setup file (JSON)"),
    ('{"setup": {"layers": [3, 2]}}', "ending with the output's 1"),
    ('["moons"]', "holds no settings"),
])
def test_a_bad_setup_file_is_refused_before_the_app_starts(tmp_path, capsys, content, says):
    path = tmp_path / "run.json"
    if content is not None:
        path.write_text(content)
    assert main(["--setup", str(path)]) == 2
    assert says in capsys.readouterr().err


def test_a_setup_file_is_for_the_demo(tmp_path, capsys):
    path = tmp_path / "run.json"
    path.write_text('{"setup": {"data": "xor"}}')
    assert main(["--lesson", "1", "--setup", str(path)]) == 2
    assert "takes no setup file" in capsys.readouterr().err
