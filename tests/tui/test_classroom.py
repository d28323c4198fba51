"""The class on `serve`, without a web server: the code, names, guessing, the roster (issue 21)."""

from __future__ import annotations

import json
import zipfile

from micrograd_tui.lessons.lab import Deliver
from micrograd_tui.tui.serve import classroom, pages


def test_the_class_code_is_read_as_people_type_it():
    code = classroom.make_class_code()
    assert len(code) == 6 and set(code) <= set(classroom.CODE_LETTERS)
    assert classroom.same_code(" k7q-px4 ", "K7Q-PX4") and classroom.same_code("K7QPX4", "K7Q-PX4")
    assert not classroom.same_code("K7QPX5", "K7Q-PX4") and not classroom.same_code("", "K7Q-PX4")


def test_a_name_is_kept_short_and_printable():
    assert classroom.clean_name("  Ada\tLovelace \x1b[31m ") == "Ada Lovelace [31m"
    assert classroom.clean_name("   ") is None and len(classroom.clean_name("x" * 100) or "") == classroom.NAME_MAX


def test_an_address_that_keeps_guessing_waits_a_minute_and_others_do_not():
    a = classroom.Attempts()
    for i in range(classroom.TRIES):
        assert not a.blocked("1.2.3.4", now=100.0 + i)
        a.failed("1.2.3.4", now=100.0 + i)
    assert a.blocked("1.2.3.4", now=105.0) and not a.blocked("5.6.7.8", now=105.0)
    assert not a.blocked("1.2.3.4", now=100.0 + classroom.WINDOW + classroom.TRIES)


def test_the_roster_has_each_joined_learner_their_lesson_and_last_checks(tmp_path):
    sessions = tmp_path / "sessions"
    ada, bob, nobody = sessions / "a", sessions / "b", sessions / "c"
    classroom.join(ada, "Ada")
    classroom.join(bob, "bob")
    nobody.mkdir()  # a browser that never gave the code
    (bob / "progress.json").write_text(json.dumps({
        "format": 1, "current": "build-value", "finished": ["build-value", "value"],
        "exercises": {"build-value": {"hints": 0, "last": "✓ every check passes"},
                      "build-backward-ops": {"last": "✗ * on its own: chain-rule factor missing"}}}))
    rows = classroom.roster(tmp_path, {"a": 1000.0}, now=1030.0)
    assert [r.name for r in rows] == ["Ada", "bob"]
    assert rows[0].lesson == "0 micrograd" and rows[0].idle == 30.0 and rows[0].checks == ()
    assert rows[1].lesson == "3.1 build-value" and rows[1].done == 1 and rows[1].exercises >= 6
    assert rows[1].checks == (("build-value", "✓ every check passes"),
                              ("build-backward-ops", "✗ * on its own: chain-rule factor missing"))
    text = classroom.roster_csv(rows)
    assert text.splitlines()[2].startswith("bob,3.1 build-value,1,")
    assert "<td>Ada</td>" in pages.roster_page(rows, "/x.csv") and "&lt;" in pages.roster_page(
        [classroom.Row("<b>", "0 micrograd", 0, 1, (), 0.0)], "/x.csv")


def test_in_a_browser_a_build_exercise_offers_a_download_not_an_editor(user_home, monkeypatch):
    from micrograd_tui.lessons.registry import find
    from micrograd_tui.lessons.workshop import workspace as ws

    monkeypatch.setenv(ws.ENV_SERVED, "1")
    lab = find("build-value").make_lab()
    assert "download" in lab.actions and "edit_external" not in lab.actions
    assert "[[download]]" in lab.message and "[[edit_external]]" not in lab.message
    assert lab.message.startswith("your engine.py ") and str(lab.path) not in lab.message  # not the server's folder
    lab.do("download")
    [request] = [r for r in lab.requests if isinstance(r, Deliver)]
    names = zipfile.ZipFile(request.path).namelist()
    assert set(ws.FILES) <= set(names)
    monkeypatch.delenv(ws.ENV_SERVED)
    lab = find("build-value").make_lab()
    assert "edit_external" in lab.actions and "download" not in lab.actions
    assert str(lab.path) in lab.message  # in a terminal the full path: the learner's own editor opens it


def test_in_a_browser_share_hands_the_run_over(user_home, monkeypatch):
    from micrograd_tui.lessons.kinds.train import DEMO, DemoLab
    from micrograd_tui.lessons.workshop import workspace as ws

    monkeypatch.setenv(ws.ENV_SERVED, "1")
    lab = DemoLab(DEMO)
    lab.do("share")
    [request] = [r for r in lab.requests if isinstance(r, Deliver)]
    assert json.loads(request.path.read_text())["lesson"] == "demo" and "downloads" in lab.message


def test_the_teachers_page_shows_each_learners_skills_and_the_class_common_wrong_predictions(tmp_path):
    """Issue 30: skills from each learner's own answers; wrong predictions grouped with how many typed them."""
    sessions = tmp_path / "sessions"
    for folder, name, typed in (("a", "Ada", "4"), ("b", "Bob", "4"), ("c", "Cy", "-6")):
        classroom.join(sessions / folder, name)
        (sessions / folder / "progress.json").write_text(json.dumps({
            "format": 1, "skills": {"mul": {"p": 0.58, "right": 1, "wrong": 0, "streak": 1, "due": 5.0}},
            "misses": [["value", "dL/da", typed], ["value", "dL/da", typed]]}))
    rows = classroom.roster(tmp_path, {})
    assert rows[0].skills == (("*", 0.58),)
    assert classroom.common_misses(rows) == [(2, "value", "dL/da", "4"), (1, "value", "dL/da", "-6")]
    page = pages.roster_page(rows, "/x.csv")
    assert "* 58%" in page and "Most common wrong predictions" in page and "<td>2</td><td>value</td>" in page


def test_the_class_code_and_the_teachers_address_are_kept_across_restarts(tmp_path):
    """Issue 32: the teacher's address changed on every restart (the old one a 404)."""
    import stat

    code, teacher = classroom.class_state(tmp_path)
    assert classroom.class_state(tmp_path) == (code, teacher)
    assert stat.S_IMODE((tmp_path / classroom.CLASS_FILE).stat().st_mode) == 0o600  # the secret is the server's
    assert classroom.class_state(tmp_path, "NEWCODE") == ("NEWCODE", teacher)  # a code given: the address stays
    assert classroom.class_state(tmp_path) == ("NEWCODE", teacher)
    fresh = classroom.class_state(tmp_path, new=True)
    assert fresh[0] != "NEWCODE" and fresh[1] != teacher
    (tmp_path / classroom.CLASS_FILE).write_text("{not json")
    assert classroom.class_state(tmp_path)[1] != fresh[1]  # a broken file: a new class, not a crash


def test_the_class_at_a_glance_counts_lessons_exercises_and_shared_failing_checks(tmp_path):
    rows = [classroom.Row(name, lesson, 0, 7, checks, 0.0) for name, lesson, checks in (
        ("Ada", "7.1 build-backward-ops", (("build-value", "✓ every check passes"),
                                           ("build-backward-ops", "✗ * on its own: chain-rule factor missing"))),
        ("Bob", "7.1 build-backward-ops", (("build-value", "✓ every check passes"),
                                           ("build-backward-ops", "✗ * on its own: chain-rule factor missing"))),
        ("Cy", "3 value", ()))]
    on, exercises, failing = classroom.summary(rows)
    assert on == [("3 value", 1), ("7.1 build-backward-ops", 2)]
    assert exercises == [("build-value", 2, 0), ("build-backward-ops", 0, 2)]
    assert failing == [(2, "build-backward-ops", "✗ * on its own: chain-rule factor missing", "Ada, Bob")]
    page = pages.roster_page(rows, "/x.csv")
    assert "<h2>The class at a glance</h2>" in page and "<td>Ada, Bob</td>" in page and ">fail now</th>" in page


def test_the_projector_page_shows_the_address_the_code_and_a_qr_code():
    page = pages.projector_page("http://10.0.0.5:8000", "KX7PQ2")
    assert "http://10.0.0.5:8000" in page and "KX7PQ2" in page and "<svg" in page


def test_a_learners_page_shows_their_checks_and_files_and_never_follows_a_link_out(tmp_path):
    """Issue 32: the teacher opens a learner: each exercise's last check, their engine.py highlighted;
    a link the learner's code left in the workspace (to /etc/passwd) is named, never read."""
    import os

    folder = tmp_path / "sessions" / ("ab" * 20)
    classroom.join(folder, "Ada")
    (folder / "progress.json").write_text(json.dumps({"format": 1, "current": "build-backward-ops", "exercises": {
        "build-backward-ops": {"last": "✗ * on its own: chain-rule factor missing"}}}))
    (folder / "workspace").mkdir()
    (folder / "workspace" / "engine.py").write_text("class Value:\n    def __mul__(self, other):\n        pass\n")
    os.symlink("/etc/passwd", folder / "workspace" / "leak.txt")
    rows = classroom.roster(tmp_path, {})
    assert "/teacher/t/learner/" + "ab" * 20 in pages.roster_page(rows, "/x.csv", "/teacher/t/learner/")
    page = pages.learner_page(tmp_path, "ab" * 20, "/teacher/t", {"ab" * 20: "connected"})
    assert page is not None and "<h1>Ada</h1>" in page and "connected" in page
    assert "chain-rule factor missing" in page and "engine.py" in page and "__mul__" in page
    assert "leak.txt" in page and "root:" not in page
    assert pages.learner_page(tmp_path, "../../etc", "/t") is None
    assert pages.learner_page(tmp_path, "cd" * 20, "/t") is None
    import io
    import zipfile

    zipped = zipfile.ZipFile(io.BytesIO(classroom.learner_zip(tmp_path, "ab" * 20)))
    assert zipped.namelist() == ["engine.py"] and b"__mul__" in zipped.read("engine.py")  # never leak.txt
    assert classroom.learner_zip(tmp_path, "cd" * 20) is None and "download their files" in page


async def test_a_served_app_follows_the_teachers_pacing(tmp_path, monkeypatch):
    """Issue 32: everyone to a lesson (within a second), a hold no one goes past, a message to all."""
    from conftest import make_app, settle, wait_for
    from micrograd_tui.tui import app as app_module

    monkeypatch.setenv(classroom.ENV_PACE, str(tmp_path / classroom.PACE_FILE))
    monkeypatch.setattr(app_module, "PACE_SECONDS", 0.1)
    app = make_app("micrograd")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        classroom.write_pace(tmp_path, to="value", message="look at the graph")
        assert await wait_for(pilot, lambda: app.lesson.slug == "value", timeout=10)
        assert any("look at the graph" in n.message for n in app._notifications)
        classroom.write_pace(tmp_path, hold="manual-backprop")
        assert await wait_for(pilot, lambda: app._hold is not None, timeout=10)
        app.action_next_lesson()  # to 4, the hold
        await settle(pilot)
        app.action_next_lesson()  # past it: held
        await settle(pilot)
        assert app.lesson.slug == "manual-backprop"
        assert any("holds the class at lesson 4" in n.message for n in app._notifications)
        classroom.write_pace(tmp_path)  # released
        assert await wait_for(pilot, lambda: app._hold is None, timeout=10)
        app.action_next_lesson()
        await settle(pilot)
        assert app.lesson.slug == "one-step"


def test_the_pacing_page_has_the_lessons_and_the_roster_says_the_hold(tmp_path):
    pace = classroom.write_pace(tmp_path, hold="value")
    page = pages.pace_page("/teacher/t", pace)
    assert '<option value="value">3 ' in page and "held at lesson 3" in page and 'action="/teacher/t/pace"' in page
    assert "Pacing: held at lesson 3" in pages.roster_page([], "/x.csv", None, ("/teacher/t/pace", pace))
    assert classroom.write_pace(tmp_path, to="neuron")["hold"] == "value"  # "everyone to" keeps the hold
    assert classroom.write_pace(tmp_path)["hold"] is None  # release


def test_two_learners_with_one_name_are_told_apart(tmp_path):
    classroom.join(tmp_path / "sessions" / ("a1" * 20), "Sam")
    classroom.join(tmp_path / "sessions" / ("b2" * 20), "sam")
    classroom.join(tmp_path / "sessions" / ("c3" * 20), "Ada")
    names = [r.name for r in classroom.roster(tmp_path, {})]
    assert names == ["Ada", "Sam (a1a1)", "sam (b2b2)"]


def test_a_learner_gets_a_resume_code_that_finds_their_session_and_survives_a_rename(tmp_path):
    """Issue 32: the way back on a new browser (or after the cookie is gone) is a short personal code."""

    folder = tmp_path / "sessions" / "abc"
    classroom.join(folder, "Ada", "secret-session-value")
    code = classroom.resume_code(folder)
    assert code and len(code) == classroom.RESUME_LETTERS and set(code) <= set(classroom.CODE_LETTERS)
    classroom.join(folder, "Ada L.")  # a rename keeps the code
    assert classroom.resume_code(folder) == code
    typed = code[:3].lower() + "-" + code[3:]  # as people type it
    assert classroom.resumed(tmp_path, typed) == ("secret-session-value", "Ada L.")
    assert classroom.resumed(tmp_path, "ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY") is None
    assert classroom.resumed(tmp_path, "") is None


def _progress(folder, exercises: dict, current: str = "build-backward-ops") -> None:
    (folder / "progress.json").write_text(json.dumps({"format": 1, "current": current, "exercises": exercises}))


def test_the_summary_counts_a_slip_once_however_each_learners_numbers_read(tmp_path):
    """Issue 32: two learners with the same slip in different words (their own numbers) are one row, under the
    slip's name; a failure that names no slip stays its own line."""
    sessions = tmp_path / "sessions"
    for folder, name, line, slip in (
            ("a", "Ada", "✗ + on its own: wrong sign in `__add__`'s _backward: a + b: your a.grad is -1", "wrong sign"),
            ("b", "Bob", "✗ * on its own: wrong sign in `__mul__`'s _backward: a * b: your b.grad is -3", "wrong sign"),
            ("c", "Cy", "✗ tanh on its own: engine.py:12: TypeError", None)):
        classroom.join(sessions / folder, name)
        state = {"last": line, **({"slip": slip} if slip else {})}
        _progress(sessions / folder, {"build-backward-ops": state})
    rows = classroom.roster(tmp_path, {})
    _, exercises, failing = classroom.summary(rows)
    assert ("build-backward-ops", 0, 3) in exercises
    assert failing[0] == (2, "build-backward-ops", "wrong sign", "Ada, Bob")
    assert failing[1] == (1, "build-backward-ops", "✗ tanh on its own: engine.py:12: TypeError", "Cy")
    page = pages.roster_page(rows, "/x.csv")
    assert "<td>2</td><td>build-backward-ops</td><td>wrong sign</td><td>Ada, Bob</td>" in page


def test_a_learners_page_has_the_whole_last_run_and_ways_to_rename_reset_and_remove(tmp_path):
    folder = tmp_path / "sessions" / ("ef" * 20)
    classroom.join(folder, "Ada")
    whole = "wrong sign in `__add__`'s _backward: a + b: your a.grad is -1.0, expected 1.0\n  a.grad moved by -1"
    _progress(folder, {"build-backward-ops": {"last": "✗ + on its own: " + whole.splitlines()[0], "slip": "wrong sign",
                                             "report": [["+ on its own", False, whole], ["* on its own", True, ""]]}})
    page = pages.learner_page(tmp_path, "ef" * 20, "/teacher/t")
    assert page is not None and "a.grad moved by -1" in page and "✓ passes" in page and "✗ fails" in page
    assert 'value="rename"' in page and 'value="reset"' in page and 'value="remove"' in page
    assert "Not connected now" in page and "js/textual.js" not in page  # no live screen for a learner who is away
    live = pages.learner_page(tmp_path, "ef" * 20, "/teacher/t", screen={
        "url": "ws://h/teacher/t/learner/x/screen", "static": "http://h/static/", "width": 120, "height": 40})
    assert live is not None and 'data-session-websocket-url="ws://h/teacher/t/learner/x/screen"' in live
    assert "120×40" in live


def test_names_are_unique_in_a_class_and_a_reset_keeps_the_name_and_nothing_else(tmp_path):
    sessions = tmp_path / "sessions"
    sam, other = sessions / "a", sessions / "b"
    classroom.join(sam, "Sam", "session-a")
    assert classroom.name_taken(tmp_path, "sam") and not classroom.name_taken(tmp_path, "sam", but=sam)
    assert not classroom.name_taken(tmp_path, "Ada")
    classroom.join(other, "Ada")
    code = classroom.resume_code(sam)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not theirs")
    (sam / "workspace").mkdir()
    (sam / "workspace" / "engine.py").write_text("x = 1\n")
    (sam / "workspace" / "out").symlink_to(outside)  # a link their code left: never followed
    (sam / "linked").symlink_to(outside)
    _progress(sam, {})
    classroom.reset(sam)
    assert sorted(p.name for p in sam.iterdir()) == [classroom.LEARNER]
    assert classroom.learner(sam)["name"] == "Sam" and classroom.resume_code(sam) == code
    assert (outside / "keep.txt").read_text() == "not theirs"
    (sam / "workspace").mkdir()
    (sam / "workspace" / "out").symlink_to(outside)
    classroom.remove(sam)
    assert not sam.exists() and (outside / "keep.txt").exists()
    assert [r.name for r in classroom.roster(tmp_path, {})] == ["Ada"]


def test_a_changed_class_code_asks_a_joined_learner_again(tmp_path):
    folder = tmp_path / "sessions" / "a"
    classroom.join(folder, "Ada", "s", code="OWL-42")
    assert classroom.knows_code(folder, "owl42") and not classroom.knows_code(folder, "HAWK77")
    assert "OWL" not in (folder / classroom.LEARNER).read_text()  # a stamp, not the code
    classroom.join(folder, "Ada", code="HAWK77")
    assert classroom.knows_code(folder, "HAWK77")
    legacy = tmp_path / "sessions" / "b"
    legacy.mkdir(parents=True)
    (legacy / classroom.LEARNER).write_text(json.dumps({"name": "Old", "joined": 1.0}))
    assert classroom.knows_code(legacy, "ANY123")  # joined before codes were stamped: not locked out


def test_idle_time_counts_from_the_last_key_across_a_restart(tmp_path):
    import os

    folder = tmp_path / "sessions" / "a"
    folder.mkdir(parents=True)
    (folder / classroom.LEARNER).write_text(json.dumps({"name": "Ada", "joined": 100.0}))
    assert classroom.mark_seen(folder, 1000.0, None) and not classroom.mark_seen(folder, 1005.0, 1000.0)
    os.utime(folder / classroom.SEEN, (5000.0, 5000.0))
    assert classroom.roster(tmp_path, {}, now=5030.0)[0].idle == 30.0  # a new server's empty memory


def test_the_teachers_pages_are_plain_html_a_screen_reader_can_read(tmp_path):
    """Issue 32: one h1 a page, the language named, every table with column headers, every field labelled."""
    from html.parser import HTMLParser

    folder = tmp_path / "sessions" / ("ab" * 20)
    classroom.join(folder, "Ada")
    _progress(folder, {"build-backward-ops": {"last": "✗ x", "report": [["c", False, "m"]]}})
    rows = classroom.roster(tmp_path, {})

    class Read(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags: list[tuple[str, dict]] = []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, dict(attrs)))

    for page in (pages.roster_page(rows, "/x.csv", "/l/", ("/p", None)), pages.learner_page(tmp_path, "ab" * 20, "/t"),
                 pages.pace_page("/t", None), pages.projector_page("http://h", "ABC123"), pages.join_page("x")):
        read = Read()
        read.feed(page)
        tags = [t for t, _ in read.tags]
        assert tags.count("h1") == 1 and ("html", {"lang": "en"}) in read.tags, page[:200]
        assert tags.count("table") <= tags.count("th") and "main" in tags
        assert tags.count("label") >= len([1 for t, a in read.tags if t in ("input", "select")
                                           and a.get("type") != "hidden"]), page
