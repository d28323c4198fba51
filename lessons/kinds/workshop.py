"""A build exercise: the learner writes part of micrograd in a real file; checks run it in a child
process (never here), and the screen shows each check, the first failure explained, and the
learner's own graph with this app's numbers beside theirs."""

from __future__ import annotations

import re

import math
import os
from dataclasses import dataclass
from pathlib import Path

from micrograd_tui.engine import Value

from .. import skills
from ..lab import CodePanel, Deliver, EditFile, FactsPanel, GraphPanel, Job, Lab, ListPanel, OpenLesson, Panel, PlotPanel, Series
from ..workshop import workspace as ws
from ..workshop.checks import Exercise
from ..workshop.exercises import lecture_losses
from ..workshop.checking import CheckRun, Outcome


def learner_graph(dump: dict, expected: dict[str, tuple[float, float]]) -> tuple[Value, dict[Value, tuple[float, float]]]:
    """The learner's graph (as the child dumped it) rebuilt from our Values for the tree, and the
    expected (data, grad) of each node that has a name in the check."""
    nodes = dump.get("nodes") or []
    made: dict[int, Value] = {}
    for n in nodes:
        data = n.get("data")
        v = Value(data if isinstance(data, (int, float)) else math.nan, str(n.get("label") or ""))
        grad = n.get("grad")
        v.grad = grad if isinstance(grad, (int, float)) else math.nan
        made[n["id"]] = v
    for n in nodes:
        kids = [made[i] for i in n.get("prev", []) if i in made][:2]
        if kids:
            v = made[n["id"]]
            v._op = str(n.get("op") or "?")
            v._a = kids[0]
            # The lecture's _prev is a set: a + a keeps one child. Drawn as a twice, as our own graphs are,
            # not as a number folded into the op (which is what one child of + or * means to ours).
            v._b = kids[1] if len(kids) > 1 else (kids[0] if v._op in ("+", "*") else None)
            v._db = 0.0
    names = dump.get("names") or {}
    compare = {}
    for name, want in expected.items():
        node_id = (names.get(name) or {}).get("id")
        if node_id in made:
            compare[made[node_id]] = want
    return made.get(0, Value(math.nan, "nothing came back")), compare


@dataclass(frozen=True)
class Results:
    outcomes: tuple[Outcome, ...]
    losses: tuple[float, ...]
    finished: bool
    output: str
    expected_losses: tuple[float, ...] = ()  # the app's losses from the weights this run sent (training)


def _expected_losses(run) -> tuple[float, ...]:
    """The app's own losses for a training check in ``run``, from the weights it sent the child."""
    for spec in run.sent.values():
        if spec.get("kind") == "train":
            return lecture_losses(tuple(spec["weights"]))
    return ()


WHOLE_AT = 60  # a failure longer than this (or of several lines) gets a panel with the whole message
REPORT_CHECKS, REPORT_CHARS = 40, 2000  # what a teacher's page keeps of the last run: so many checks, so long each


class WorkshopLab(Lab):
    def __init__(self, exercise: Exercise, folder: Path | None = None):
        super().__init__()
        self.exercise = exercise
        self.folder = folder if folder is not None else ws.default_workspace()
        # in a browser there is no terminal to lend an editor, and files come home as downloads
        self.served = ws.served()
        self.always = frozenset({"run_checks", "edit", "hint", "answer", "reset",
                                 "download" if self.served else "edit_external"})
        self.shows = frozenset({FactsPanel, ListPanel, GraphPanel, CodePanel} | ({PlotPanel} if exercise.live else set()))
        self.hints_shown = 0
        self.revealed = False
        self.first_try: bool | None = None  # passed on the first run that got that far
        self._counted: bool | None = None  # the last result counted for the skills (None: none yet)
        self.problem = ""  # the folder could not be made, or code may not run here
        try:
            ws.ensure(self.folder)
        except OSError as e:
            self.problem = f"the workspace {self.folder} cannot be made: {e.strerror or e}"
        if os.name != "posix":  # the checks hand the child its channel by descriptor (pass_fds): POSIX only
            self.problem = ("the checks run your code in a child process that needs Linux or macOS (on Windows: "
                            "WSL); write the exercise here and run `micrograd-tui check` there")
        if os.environ.get(ws.ENV_NO_CODE):
            self.problem = ("this server does not run learners' code: write the exercise here, then run "
                            "`micrograd-tui check` on your own computer")
        self.reset()

    @property
    def path(self) -> Path:
        return self.folder / self.exercise.file

    def reset(self) -> None:
        self.results: Results | None = None
        self._job: Job[Results] | None = None
        self.wanted = not self.problem  # check at once when the lesson opens
        self._say()

    # --- checks --------------------------------------------------------------------
    def job(self) -> Job | None:
        if self.wanted:
            self.wanted = False
            self._job = self._checking()
        return self._job

    def _checking(self) -> Job[Results]:
        """One run of the checks, an event per step, so losses stream while the training check runs."""
        run = CheckRun(self.exercise, self.folder)

        def snapshot() -> Results:  # in the job's thread; the losses are worked out once (lecture_losses caches)
            return Results(tuple(run.outcomes), tuple(run.losses), run.finished, run.output if run.finished else "",
                           _expected_losses(run))

        return Job(step=run.step, snapshot=snapshot, apply=lambda results, final: self.take(results),
                   finished=lambda: run.finished, close=run.close)

    def take(self, results: Results) -> None:
        self.results = results
        if results.finished:
            self._job = None
            if self.passed and self.first_try is None:
                self.first_try = self.hints_shown == 0 and not self.revealed
            self.done = self.done or self.passed
            self._count_skills()
        self._say()

    def _count_skills(self) -> None:
        """A finished run of the checks is an answer for the exercise's skills (lessons.skills), once per
        change of its result; the starter's "not written yet" is no answer, and a revealed answer no right one."""
        failure = self.first_failure()
        if failure is not None and "not written yet" in failure.message:
            return
        passed = self.passed and not self.revealed
        if passed != self._counted:
            self._counted = passed
            skills.BOOK.record(skills.EXERCISE_SKILLS.get(self.exercise.slug, ()), passed)

    @property
    def passed(self) -> bool:
        r = self.results
        return bool(r and r.finished and all(o.ok for o in r.outcomes if not o.check.stretch)
                    and len(r.outcomes) == len(self.exercise.checks))

    def first_failure(self) -> Outcome | None:
        if self.results is None:
            return None
        required = [o for o in self.results.outcomes if not o.ok and not o.check.stretch]
        stretch = [o for o in self.results.outcomes if not o.ok and o.check.stretch]
        found = required or stretch
        return found[0] if found else None

    def watched(self) -> list[Path]:
        return [self.folder / name for name in ws.FILES]

    def files_changed(self) -> None:
        self.wanted = True
        self.message = f"{self.exercise.file} changed: checking…"

    def on_run_checks(self) -> None:
        self.wanted = True

    def earlier(self) -> str | None:
        """The earlier exercise that fails first (its slug), when that is why this one fails."""
        bad = self.first_failure()
        return bad.verdict.goto if bad is not None and bad.verdict is not None else None

    @property
    def actions(self) -> frozenset[str]:  # type: ignore[override]  # read-only here: this lab never sets it
        """Opening the earlier exercise is offered (and shown in the footer) only while one fails first."""
        return self.always | ({"open_earlier"} if self.earlier() else frozenset())

    def key_words(self) -> dict[str, str]:
        slug = self.earlier()
        return {"open_earlier": f"open {slug}"} if slug else {}

    def on_open_earlier(self) -> None:
        slug = self.earlier()
        if slug is None:
            self.message = "no earlier exercise fails: the checks here say what to fix"
            return
        self.requests.append(OpenLesson(slug))

    # --- the learner's actions ------------------------------------------------------
    def on_edit(self) -> None:
        self.requests.append(EditFile(self.path, line=self._failing_line()))

    def on_edit_external(self) -> None:
        self.requests.append(EditFile(self.path, external=True))

    def on_download(self) -> None:
        """The workspace's files, zipped beside the workspace (replacing the last), handed to the learner's browser."""
        import zipfile

        from ..workshop.workspace import files_inside

        target = self.folder.parent / "micrograd-workspace.zip"
        files, skipped = files_inside(self.folder)  # never a link out of the workspace
        try:
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
                for f in files:
                    if f.stat().st_size < 10 << 20:
                        z.write(f, f.relative_to(self.folder).as_posix())
        except OSError as e:
            self.message = f"could not zip {self.folder}: {e.strerror or e}"
            return
        self.requests.append(Deliver(target))
        self.message = f"your browser downloads your files ({target.name})"
        if skipped:
            self.message += f"; left out, not plain files inside it: {', '.join(skipped[:5])}"

    def on_hint(self) -> None:
        hints = self.exercise.hints
        self.hints_shown = min(self.hints_shown + 1, len(hints))
        self.message = f"hint {self.hints_shown} of {len(hints)}: {hints[self.hints_shown - 1]}"

    def confirm(self, action: str) -> str | None:
        if action == "answer" and not self.revealed:
            return "Show the worked solution? Trying with a hint first teaches more."
        if action == "reset":
            return (f"Put the starter {self.exercise.file} back? Your file is kept beside it "
                    f"({self.exercise.file}.1, .2, ...). Every exercise in that file starts over.")
        return None

    def on_answer(self) -> None:
        self.revealed = True
        self.message = "the worked solution is on the right; type it in your own words, then save"

    def on_reset(self) -> None:
        try:
            kept = ws.reset(self.folder, self.exercise.file)
        except OSError as e:
            self.message = f"could not reset {self.exercise.file}: {e}"
            return
        self.wanted = True
        self.message = f"{self.exercise.file} is the starter again" + (f"; yours is kept as {kept.name}" if kept else "")

    def _say(self) -> None:
        self.message = self.problem or self._status()

    def _status(self) -> str:
        outside = "[[download]] downloads your files" if self.served else "[[edit_external]] in your editor"
        # in a browser the server's folder means nothing to the learner (and is long): the file's name is enough
        shown = f"your {self.path.name}" if self.served else str(self.path)
        where = f"{shown}   [[edit]] edits here, {outside}; checks re-run on save"
        r = self.results
        if r is None or not r.finished:
            return f"{where}\nchecking…"
        bad = self.first_failure()
        if bad is None:
            return f"{where}\n✓ every check passes"
        first = bad.message.splitlines()[0] if bad.message else ""  # the whole of it is in its own panel
        if bad.check.stretch:
            return f"{where}\n✓ the exercise is done. Stretch: {first}"
        if bad.verdict is not None and bad.verdict.goto:
            return f"{where}\n✗ {first}. [[open_earlier]] opens it"
        return f"{where}\n✗ {bad.check.name}: {first}"

    def _failing_line(self) -> int | None:
        """The line of this exercise's file that the first failure points at (``engine.py:34``), if any."""
        bad = self.first_failure() if self.results is not None and self.results.finished else None
        if bad is None or bad.check.stretch:
            return None
        found = re.findall(rf"\b{re.escape(self.exercise.file)}:(\d+)", bad.message)
        return int(found[-1]) if found else None

    # --- what to show -------------------------------------------------------------------
    # (a failure's first line longer than this is cut in the status above: its panel has the whole of it)
    def panels(self) -> list[Panel]:
        r = self.results
        rows = [("exercise", self.exercise.slug), ("file", self.exercise.file)]
        if r is not None and r.finished:
            required = [o for o in r.outcomes if not o.check.stretch]
            rows.append(("checks", f"{sum(o.ok for o in required)} of {len(required)} pass"))
        rows.append(("hints", f"{self.hints_shown} of {len(self.exercise.hints)} seen"))
        shown: list[Panel] = [FactsPanel(tuple(rows))]
        done = {o.check.name: o for o in (r.outcomes if r else ())}
        items = []
        for c in self.exercise.checks:
            o = done.get(c.name)
            mark = "…" if o is None else ("✓" if o.ok else ("·" if c.stretch else "✗"))
            items.append(f"{mark} {c.name}")
        shown.append(ListPanel("checks", tuple(items)))
        graph = self._graph()
        if graph is not None:
            shown.append(graph)
        bad = self.first_failure() if r is not None and r.finished else None
        if bad is not None and ("\n" in bad.message or len(bad.message) > WHOLE_AT) and not (
                bad.message.startswith("not written yet")):  # too long for the status ("not written yet" fits)
            shown.append(CodePanel(f"why `{bad.check.name}` fails", bad.message, plain=True))
        if self.exercise.live and r is not None:
            shown.append(self._losses(r))
        if self.revealed:
            shown.append(CodePanel(f"worked solution: {self.exercise.file}", self.exercise.solution))
        if r is not None and r.output.strip():
            shown.append(CodePanel("what your code printed", r.output))
        return shown

    def _graph(self) -> GraphPanel | None:
        """The learner's graph of the first failing check that drew one, else of the last that passed."""
        if self.results is None:
            return None
        with_graph = [o for o in self.results.outcomes if o.verdict is not None and o.verdict.graph]
        if not with_graph:
            return None
        failing = [o for o in with_graph if not o.ok]
        chosen = failing[0] if failing else with_graph[-1]
        assert chosen.verdict is not None and chosen.verdict.graph is not None
        root, compare = learner_graph(chosen.verdict.graph, chosen.verdict.expected)
        return GraphPanel(root, f"your graph: {chosen.verdict.origin or chosen.check.name}", expected=compare)

    def _losses(self, r: Results) -> PlotPanel:
        want = r.expected_losses or lecture_losses()
        return PlotPanel("loss by step, on your engine", (
            Series(list(range(len(r.losses))), list(r.losses), "your loss"),
            Series(list(range(len(want))), list(want), "the app's", role="good"),
        ))

    # --- progress --------------------------------------------------------------------------
    def save_state(self) -> dict:
        state: dict = {"hints": self.hints_shown}
        if self.revealed:
            state["revealed"] = True
        if self.first_try is not None:
            state["first_try"] = self.first_try
        r = self.results
        if r is not None and r.finished:  # the last run's result, for a teacher's roster (serve)
            bad = self.first_failure()
            state["last"] = "✓ every check passes" if bad is None or bad.check.stretch else (
                f"✗ {bad.check.name}: {bad.message.splitlines()[0] if bad.message else ''}")
            # the whole run, for the teacher's page of this learner: each check, and each failure in full
            state["report"] = [[o.check.name, o.ok, o.message[:REPORT_CHARS]] for o in r.outcomes[:REPORT_CHECKS]]
            if bad is not None and not bad.check.stretch and bad.verdict is not None and bad.verdict.slip:
                state["slip"] = bad.verdict.slip  # the class summary counts failures by it
        return state

    def restore_state(self, state: dict) -> None:
        if not isinstance(state, dict):
            return
        hints = state.get("hints")
        if isinstance(hints, int) and 0 <= hints <= len(self.exercise.hints):
            self.hints_shown = hints
        self.revealed = state.get("revealed") is True
        first = state.get("first_try")
        self.first_try = first if isinstance(first, bool) else None
