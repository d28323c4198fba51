"""Progress: saved atomically with a version; bad files kept aside; read-only directories tolerated."""

import json
import os

import pytest

from micrograd_tui.tui.progress import FORMAT, Progress


def test_round_trip(tmp_path):
    p = Progress(tmp_path)
    p.current = "value"
    p.finished = {"micrograd", "derivative"}
    p.exercises = {"manual-backprop": {"answered": {"L": "right"}}}
    assert p.save()
    data = json.loads((tmp_path / "progress.json").read_text())
    assert data["format"] == FORMAT
    q = Progress(tmp_path).load()
    assert (q.current, q.finished, q.exercises) == (p.current, p.finished, p.exercises)
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]  # no temp file left behind


@pytest.mark.parametrize("content", [b"{not json", b"", b"[1, 2, 3]", b'{"format": 99}', b"\xff\xfe\x00",
                                     b'{"format": 1, "finished": "all"}', b'{"format": 1, "current": 7}'])
def test_bad_file_is_kept_aside_and_the_app_starts_fresh(tmp_path, content):
    (tmp_path / "progress.json").write_bytes(content)
    p = Progress(tmp_path).load()
    assert p.current is None and p.finished == set()
    assert len(p.warnings) == 1 and "kept as" in p.warnings[0]
    aside = [f for f in os.listdir(tmp_path) if f.startswith("progress.json.bad-")]
    assert len(aside) == 1 and (tmp_path / aside[0]).read_bytes() == content
    assert p.save()  # and saving works again


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_directory_runs_without_saving(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        p = Progress(ro)
        assert not p.save()
        assert not p.save()
        assert len(p.warnings) == 1 and "cannot be saved" in p.warnings[0]
    finally:
        ro.chmod(0o700)


def test_unwritable_location_runs_without_saving(tmp_path):
    # A file where the directory should be: no one (not even root) can create files inside it.
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    p = Progress(blocker / "sub")
    assert not p.save() and not p.save()
    assert len(p.warnings) == 1 and "cannot be saved" in p.warnings[0]


def test_reset_keeps_a_backup(tmp_path):
    p = Progress(tmp_path)
    p.current = "loss"
    p.save()
    backup = p.reset()
    assert backup is not None and backup.exists() and not (tmp_path / "progress.json").exists()


async def test_the_header_and_the_bar_count_the_same_things(tmp_path):
    """The header names the lesson; the bar counts lessons and exercises alike (it said 16/17 beside 26)."""
    from conftest import make_app, screen_text, settle
    from micrograd_tui.lessons.registry import COURSE

    p = Progress(tmp_path)
    p.finished = {"micrograd", "build-value"}
    p.save()
    app = make_app("build-value", home=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        top = screen_text(app).splitlines()[0]
        counted = sum(lesson.counted for lesson in COURSE.lessons)  # not the review: never done for good
        assert " lesson 3.1 " in top and f" 2/{counted} done" in top and counted == len(COURSE) - 1, top
        assert f"/{COURSE.last_number} " not in top, top


def test_a_file_nested_too_deep_is_kept_aside_and_the_app_starts(tmp_path):
    """200,000 brackets ended the app at every start with a RecursionError, and the file stayed."""
    (tmp_path / "progress.json").write_text("[" * 200_000 + "]" * 200_000)
    p = Progress(tmp_path).load()
    assert p.current is None and len(p.warnings) == 1 and "kept as" in p.warnings[0]
    assert not (tmp_path / "progress.json").exists() and p.save()


def test_a_file_too_big_is_kept_aside(tmp_path, monkeypatch):
    monkeypatch.setattr("micrograd_tui.tui.progress.MAX_BYTES", 100)
    (tmp_path / "progress.json").write_text(json.dumps({"format": FORMAT, "current": "value", "pad": "x" * 200}))
    p = Progress(tmp_path).load()
    assert p.current is None and "is over" in p.warnings[0]


def test_temp_files_of_a_killed_save_are_removed_at_the_next_start(tmp_path):
    old = tmp_path / ".progress.json-abc123.tmp"
    old.write_text("{half")
    os.utime(old, (1, 1))  # long ago
    fresh = tmp_path / ".progress.json-def456.tmp"  # a save under way in another process: left alone
    fresh.write_text("{")
    mine = tmp_path / "notes.tmp"  # not a save's temp file
    mine.write_text("x")
    os.utime(mine, (1, 1))
    Progress(tmp_path).load()
    assert not old.exists() and fresh.exists() and mine.exists()


async def test_a_lesson_that_cannot_take_its_saved_state_starts_fresh(tmp_path, monkeypatch):
    from micrograd_tui.lessons.kinds.by_hand import ByHandLab
    from micrograd_tui.tui.app import MicrogradApp

    def broken(self, state):
        raise TypeError("unexpected")

    monkeypatch.setattr(ByHandLab, "restore_state", broken)
    p = Progress(tmp_path)
    p.exercises = {"manual-backprop": {"answered": {"L": "right"}}}
    p.save()
    app = MicrogradApp(start="manual-backprop", progress=Progress(tmp_path).load())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.is_running and app.lesson.slug == "manual-backprop"
        assert any("could not be used" in w for w in app.progress.warnings)
