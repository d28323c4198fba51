"""Hostile workspaces (issue 27): each one fails its checks or is refused with a clear message, nothing outside
the workspace reaches the learner, the app's process lives on and no process is left. Each runs behind the
warden (no box) and, where bubblewrap works, in the box."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import processes_with

from micrograd_tui.lessons.workshop import sandbox
from micrograd_tui.lessons.workshop.checking import CheckRun
from micrograd_tui.lessons.workshop.exercises import find_exercise
from micrograd_tui.lessons.workshop.workspace import QUOTA, files_inside, read_inside

SOLUTION = Path(__file__).parent / "solution"
MODES = ["warden", pytest.param("box", marks=pytest.mark.skipif(
    not sandbox.box_works(), reason="bubblewrap is not installed or cannot make namespaces here; .ci/run installs it"))]


@pytest.fixture(params=MODES)
def mode(request, monkeypatch):
    monkeypatch.setenv(sandbox.ENV_BOX, "1" if request.param == "box" else "0")
    return request.param


def workspace(tmp_path: Path, prefix: str = "", engine: str | None = None) -> Path:
    ws = tmp_path / "workspace"
    shutil.copytree(SOLUTION, ws)
    if engine is not None:
        (ws / "engine.py").write_text(engine)
    elif prefix:
        (ws / "engine.py").write_text(prefix + "\n" + (ws / "engine.py").read_text())
    return ws


def run(ws: Path, slug: str = "build-value"):
    outcomes = CheckRun(find_exercise(slug), ws, time_limit=10).run_all()
    assert outcomes
    return outcomes


def test_the_lecture_solution_passes_in_each_mode(tmp_path, mode):
    for slug in ("build-value", "build-backward-ops", "build-backward"):
        assert all(o.ok or o.check.stretch for o in run(workspace(tmp_path / slug), slug)), slug


@pytest.mark.parametrize("module", ["micrograd_tui.engine", "micrograd.engine", "torch"])
def test_importing_an_engine_instead_of_writing_one_is_refused_plainly(tmp_path, mode, module):
    ws = workspace(tmp_path, engine=f"from {module} import Value\n")
    outcomes = run(ws)
    assert not any(o.ok for o in outcomes)
    assert "the exercise is to write it yourself" in outcomes[0].message, outcomes[0].message


def test_a_harness_rewritten_from_inside_passes_nothing(tmp_path, mode):
    """The judges once compared with zip(), so empty lists from a swapped table of checks matched."""
    swap = ("import __main__\n"
            "for _k in list(getattr(__main__, 'CHECKS', {})):\n"
            "    __main__.CHECKS[_k] = lambda *a, **k: {'cases': [], 'names': {}, 'results': [], 'grads': [],"
            " 'losses': [], 'counts': {}}\n")
    ws = workspace(tmp_path, prefix=swap)
    (ws / "exercises.py").write_text(swap + (ws / "exercises.py").read_text())  # gradf imports only this one
    for slug in ("build-value", "build-backward-ops", "build-more-ops", "gradf"):
        assert not any(o.ok for o in run(ws, slug)), slug


def test_result_lines_written_by_the_learners_code_pass_nothing(tmp_path, mode):
    """Fake results for every check, then the real ones: the second result for a check taints the run."""
    ws = workspace(tmp_path, prefix=(
        "import json as _j, os as _o, sys as _s\n"
        "_req = _j.load(open(_s.argv[1]))\n"
        "_fd = int(_s.argv[2])\n"
        "for _c in _req['checks']:\n"
        "    _o.write(_fd, (_j.dumps({'event': 'result', 'check': _c['name'], 'result': {}}) + '\\n').encode())\n"))
    outcomes = run(ws)
    assert not any(o.ok for o in outcomes)
    assert "something in your code wrote to it" in outcomes[0].message


def test_fake_lines_then_done_pass_nothing(tmp_path, mode):
    ws = workspace(tmp_path, engine=(
        "import json as _j, os as _o, sys as _s\n"
        "_req = _j.load(open(_s.argv[1]))\n"
        "for _c in _req['checks']:\n"
        "    _o.write(int(_s.argv[2]), (_j.dumps({'event': 'result', 'check': _c['name'], 'result': "
        "{'names': {}, 'cases': []}}) + '\\n').encode())\n"
        "_o.write(int(_s.argv[2]), b'{\"event\": \"done\"}\\n')\n"
        "_o._exit(0)\n"))
    assert not any(o.ok for o in run(ws))


def test_links_out_of_the_workspace_are_never_followed(tmp_path, mode):
    ws = workspace(tmp_path, prefix=(
        "import os as _o\n"
        "for _n, _t in (('leak.txt', '/etc/passwd'), ('environ', '/proc/self/environ'), ('up', '..')):\n"
        "    try:\n"
        "        _o.symlink(_t, _n)\n"
        "    except OSError:\n"
        "        pass\n"))
    (ws.parent / "other-learner.txt").write_text("their answers")
    run(ws)
    assert (ws / "leak.txt").is_symlink()  # the learner's code made them
    files, skipped = files_inside(ws)
    names = {f.name for f in files}
    assert {"leak.txt", "environ"} <= set(skipped) and "up" in skipped
    assert "engine.py" in names and not names & {"leak.txt", "environ", "other-learner.txt"}
    for link in ("leak.txt", "environ"):
        with pytest.raises(OSError, match="not a plain file inside your workspace"):
            read_inside(ws, ws / link)
    # the zip a learner downloads (D) holds their files and none of the links
    from micrograd_tui.lessons.kinds.workshop import WorkshopLab

    lab = WorkshopLab(find_exercise("build-value"), folder=ws)
    lab.on_download()
    import zipfile

    zipped = zipfile.ZipFile(ws.parent / "micrograd-workspace.zip").namelist()
    assert "engine.py" in zipped and not {"leak.txt", "environ", "up/other-learner.txt"} & set(zipped)
    assert "left out" in lab.message
    # engine.py itself a link out: the editor will not open it
    os.replace(ws / "leak.txt", ws / "engine.py")
    with pytest.raises(OSError):
        read_inside(ws, ws / "engine.py")


def test_filling_the_workspace_is_cut_back_to_its_quota(tmp_path, mode):
    count = QUOTA // (1 << 20) + 8
    ws = workspace(tmp_path, prefix=(
        f"for _i in range({count}):\n"
        "    with open(f'fill-{_i}.bin', 'wb') as _f:\n"
        "        _f.write(b'x' * (1 << 20))\n"))
    run_ = CheckRun(find_exercise("build-value"), ws, time_limit=10)
    run_.run_all()
    files, _ = files_inside(ws)
    assert sum(f.stat().st_size for f in files) <= QUOTA
    assert (ws / "engine.py").exists() and "limit" in run_.child.notice
    assert "removed" in run_.output


@pytest.mark.skipif(not sandbox.box_works(), reason="the box's /tmp limit needs bubblewrap")
def test_the_boxs_tmp_is_limited(tmp_path, monkeypatch):
    monkeypatch.setenv(sandbox.ENV_BOX, "1")
    ws = workspace(tmp_path, prefix=(
        "_said = 'filled'\n"
        "try:\n"
        "    with open('/tmp/fill', 'wb') as _f:\n"
        f"        for _i in range({sandbox.TMP_LIMIT // (1 << 20) + 8}):\n"
        "            _f.write(b'x' * (1 << 20))\n"
        "except OSError as _e:\n"
        "    _said = 'stopped: ' + type(_e).__name__\n"
        "open('said.txt', 'w').write(_said)\n"))
    run(ws)
    assert (ws / "said.txt").read_text().startswith("stopped")


def test_killing_its_parent_does_not_reach_the_app(tmp_path, mode):
    """Its parent is the warden (or the box's init), never the app: killing it leaves this process running,
    and the checks still end (the learner's engine works, so they pass)."""
    ws = workspace(tmp_path, prefix=(
        "import os as _o, signal as _s\n"
        "open('parent.txt', 'w').write(str(_o.getppid()))\n"
        "_o.kill(_o.getppid(), _s.SIGKILL)\n"))
    outcomes = run(ws)
    assert int((ws / "parent.txt").read_text()) != os.getpid()
    assert outcomes[0].ok or "ended" in outcomes[0].message, outcomes[0].message


def test_processes_it_starts_do_not_outlive_the_checks(tmp_path, mode):
    marker = f"left-{os.getpid()}-{mode}-{time.monotonic_ns()}"
    ws = workspace(tmp_path, prefix=(
        "import os as _o, subprocess as _sp, sys as _sys\n"
        "for _i in range(20):\n"
        "    if _o.fork() == 0:\n"
        "        _o.setsid()\n"
        f"        _o.execv(_sys.executable, [_sys.executable, '-c', 'import time; time.sleep(60)  # {marker}'])\n"
        f"_sp.Popen([_sys.executable, '-c', 'import time; time.sleep(60)  # {marker}'], start_new_session=True)\n"))
    outcomes = run(ws)
    assert outcomes[0].ok, outcomes[0].message  # the learner's engine itself still works
    time.sleep(0.5)
    left = processes_with(marker)
    for pid in left:
        os.kill(pid, 9)
    assert left == []


def test_each_run_draws_its_own_random_cases_and_a_seed_replays_them(tmp_path, monkeypatch):
    """Fixed cases could be answered from a table; each run's random cases come from a seed of its own."""
    from micrograd_tui.lessons.workshop import checking

    monkeypatch.delenv(checking.ENV_SEED)
    ex = find_exercise("build-backward-ops")
    ws = workspace(tmp_path)
    runs = [CheckRun(ex, ws) for _ in range(3)]
    assert len({r.seed for r in runs}) == 3
    leaves = [[c["leaves"] for c in r.sent[ex.checks[0].name]["cases"]] for r in runs]
    assert leaves[0][0] == leaves[1][0] and leaves[0][1:] != leaves[1][1:]  # the fixed case, then fresh ones
    for r in runs:
        assert all(o.ok for o in r.run_all())  # a right engine passes every draw
        r.close()
    again = CheckRun(ex, ws, seed=runs[0].seed)
    assert again.sent == runs[0].sent


def test_a_slip_found_by_a_random_case_names_the_seed_that_replays_it(tmp_path, monkeypatch):
    from micrograd_tui.lessons.workshop import checking

    monkeypatch.delenv(checking.ENV_SEED)
    ws = workspace(tmp_path)
    engine = ws / "engine.py"
    text = engine.read_text()
    old = "self.grad += (1 / self.data) * out.grad"
    assert old in text
    engine.write_text(text.replace(old, "self.grad += (1 / self.data if self.data == 1.5 else 1.0) * out.grad"))
    run_ = CheckRun(find_exercise("build-more-ops"), ws)
    first = next(o for o in run_.run_all() if not o.ok)
    assert f"seed {run_.seed}" in first.message and f"--seed {run_.seed}" in first.message


@pytest.mark.parametrize("seed", [1, 2, 77, 4711, 999_983])
def test_the_lecture_solution_passes_every_exercise_on_any_draw(tmp_path, seed):
    """Every check draws values for its run: graphs a twin on random leaves, the net and the training loop
    random weights, gradf and softmax random points. A right solution passes whatever was drawn."""
    from micrograd_tui.lessons.workshop.exercises import EXERCISES

    ws = workspace(tmp_path)
    for ex in EXERCISES:
        outcomes = CheckRun(ex, ws, seed=seed).run_all()
        bad = [f"{o.check.name}: {o.message}" for o in outcomes if not o.ok and not o.check.stretch]
        assert not bad, (ex.slug, bad)


def test_answers_for_one_draw_fail_another(tmp_path):
    """A harness that replays what one run's checks returned fails the next run's draw."""
    import json

    ws = workspace(tmp_path)
    ex = find_exercise("build-value")
    first = CheckRun(ex, ws, seed=5)
    recorded: dict = {}
    first.child.start()
    for event in first.child.events():
        if event.get("event") == "result":
            recorded[event["check"]] = event["result"]
    first.close()
    replay = ("import __main__, json as _j\n"
              f"_rec = _j.loads({json.dumps(json.dumps(recorded))})\n"
              "_orig = __main__.CHECKS['graph']\n"
              "__main__.CHECKS['graph'] = lambda check, m, e: _rec[check['name']]\n")
    (ws / "engine.py").write_text(replay + (ws / "engine.py").read_text())
    assert all(o.ok for o in CheckRun(ex, ws, seed=5).run_all())  # the same draw: the table fits
    assert not all(o.ok for o in CheckRun(ex, ws, seed=6).run_all())  # another draw: it does not
