"""The micrograd-tui app: a lesson's prose beside its lab, walked by keyboard."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar, Iterable, Literal

from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.containers import Container, Horizontal, VerticalScroll
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from micrograd_tui.lessons import predict, skills
from micrograd_tui.lessons.lab import Finish
from micrograd_tui.lessons.course import Course, Lesson
from micrograd_tui.lessons.registry import COURSE

from .serve import classroom
from .footer import LabFooter
from .help import HelpScreen
from .palette import Lessons, OnceClosingPalette
from .keys import ALL_KEYS, TYPING_KEYS, action_chars, key_label, lab_action, typing_key, with_keys
from .lab_input import LabInput
from .lab_view import NUMBER_START, LabChanged, LabView
from .progress import Progress
from .web_driver import Repaint


class LabHost(Container):
    """Where the open lesson's lab lives; it can take the whole screen (maximize)."""

    ALLOW_MAXIMIZE = True


class ProseView(VerticalScroll):
    """The lesson text. left/right keep meaning previous/next lesson here too; it can take the
    whole screen (maximize) when it has the focus."""

    ALLOW_MAXIMIZE = True

    BINDINGS = [
        Binding("left", "app.previous_lesson", show=False),
        Binding("right", "app.next_lesson", show=False),
    ]


PACE_SECONDS = 0.5  # how often a served app looks at the teacher's pacing


class Contents(OptionList):
    """The table of contents. Page keys that come before its first layout (a quick t, then pageup) do
    nothing: Textual's OptionList looked the highlighted option's line up before it had any lines."""

    def _move_page(self, direction: Literal[-1, 1]) -> None:
        self._update_lines()
        if (self.highlighted or 0) in self._index_to_line:
            super()._move_page(direction)


class MicrogradApp(App):
    """Learn backpropagation by building it."""

    CSS_PATH = "app.tcss"
    TITLE = "micrograd-tui"
    # The prose column follows the terminal: above the lab when narrow, beside it, wider on wide terminals.
    # Textual sets these classes on the screen from its own size on every resize (a handler of our own
    # missed the last of several quick resizes and left a 120-column screen in the narrow layout).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-normal"), (150, "-wide"), (190, "-xwide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS: ClassVar[list[BindingType]] = [*ALL_KEYS]
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {Lessons}

    def __init__(self, start: int | str | None = None, progress: Progress | None = None, course: Course = COURSE,
                 notices: list[str] | None = None, setup: dict | None = None):
        super().__init__()
        self.setup = setup  # a shared run to start the first lesson from (--setup FILE), checked by the cli
        self.notices = notices or []  # said once the app is on screen (where --reset-progress put the old file)
        self.course = course
        self.progress = progress if progress is not None else Progress().load()
        if start is None:
            start = self.progress.current or 0
            try:
                course.find(start)
            except KeyError:
                start = 0
        self.lesson: Lesson = course.find(start)
        if self.progress.predict is not None:
            predict.Settings.on = self.progress.predict
        skills.BOOK.load(self.progress.skills)
        skills.BOOK.load_misses(self.progress.misses)
        self.lab_view: LabView | None = None
        self._said: set[str] = set()
        self._words: dict[str, str] = {}
        self._prose_texts: dict[str, str] = {}  # each lesson's text as its kept Markdown shows it, by widget id
        self.raise_lab_errors = False
        self._leaving = False  # quit was pressed: the app is closing
        self._pace_path: str | None = None
        self._pace_stamp: float | None = None
        self._hold: Lesson | None = None  # the teacher's hold (under serve): no lesson past it opens

    # --- layout -----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="top")
        with Horizontal(id="body"):
            yield Contents(id="toc")
            yield ProseView(id="prose")
            yield LabHost(id="lab-host")
        yield LabFooter(self.key_words, compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        if self.progress.theme in self.available_themes:
            self.theme = self.progress.theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        for notice in self.notices:
            self.notify(notice, timeout=10)
        resume = os.environ.get(classroom.ENV_RESUME)
        if resume:  # under serve: the code that brings this session to another browser
            self.notify(f"Your resume code is {resume}: on another browser, join with it (no name needed) and "
                        "carry on with your work. ? shows it again.", timeout=15)
        due = skills.BOOK.due()
        if due and self.lesson.slug != "review":
            review = self.course.find("review")
            self.notify(f"{len(due)} skill{'s are' if len(due) > 1 else ' is'} due for review: lesson {review.label}, "
                        f"{review.title} (the contents list it)", timeout=10)
        self.query_one("#toc").display = False  # filled when first shown: not needed for first paint
        self._pace_path = os.environ.get(classroom.ENV_PACE)  # under serve: the teacher's pacing file
        if self._pace_path:
            self._follow_pace(first=True)
            self.set_interval(PACE_SECONDS, self._follow_pace)
        self._open(self.lesson)
        self._say_warnings()

    def action_toggle_maximize(self) -> None:
        """The lab alone on the screen (Textual's maximize), or the prose when it has the focus, or a figure that
        takes the screen of its own (the demo's network, its surface) when it has it; pressed again, all come
        back."""
        screen = self.screen
        if screen.maximized is not None:
            screen.minimize()
            return
        prose = self.query_one("#prose", ProseView)
        focused = self.focused
        on_prose = focused is not None and (focused is prose or prose in focused.ancestors)
        if focused is not None and getattr(focused, "FILLS_SCREEN", False):
            screen.maximize(focused, container=False)
            return
        screen.maximize(prose if on_prose else self.query_one("#lab-host"), container=False)

    # --- lessons ------------------------------------------------------------------
    # Every palette the app opens (commands, themes, a list of commands) is guarded against a second enter
    # before it has closed: see OnceClosingPalette.
    def action_command_palette(self) -> None:
        if self.use_command_palette and not OnceClosingPalette.is_open(self):
            self.push_screen(OnceClosingPalette())  # no id: a palette still closing holds the last one

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        self.push_screen(OnceClosingPalette(providers=[ThemeProvider], placeholder="Search for themes…"))

    def search_commands(self, commands, placeholder: str = "Search for commands…"):
        from textual.command import SimpleProvider

        provider = SimpleProvider(self.screen, commands)  # an instance, as Textual's own search_commands passes
        return self.push_screen(OnceClosingPalette(providers=[provider],  # type: ignore[list-item]
                                                   placeholder=placeholder))

    async def action_quit(self) -> None:
        """Quit; from now on no key opens a lesson (a next pressed right after q mounted into a closing app)."""
        self._leaving = True
        self.exit()

    def _follow_pace(self, first: bool = False) -> None:
        """The teacher's pacing (under serve): everyone to a lesson, a hold no one goes past, a message."""
        pace = classroom.read_pace(Path(self._pace_path)) if self._pace_path else None
        if pace is None or pace["stamp"] == self._pace_stamp:
            return
        self._pace_stamp = pace["stamp"]
        try:
            self._hold = self.course.find(pace["hold"]) if pace["hold"] else None
            to = self.course.find(pace["to"]) if pace["to"] else None
        except KeyError:
            return
        if first:  # a pacing from before this app started: only its hold applies
            if self._hold is not None and self.lesson.index > self._hold.index:
                self.lesson = self._hold
            return
        if pace["message"]:
            self.notify(pace["message"], title="from your teacher", timeout=15)
        if to is not None and to is not self.lesson:
            self.notify(f"your teacher moved the class to lesson {to.label}", timeout=5)
            self._open(to)
        elif self._hold is not None:
            self.notify(f"your teacher holds the class at lesson {self._hold.label}", timeout=5)
            if self.lesson.index > self._hold.index:
                self._open(self._hold)

    def _open(self, lesson: Lesson) -> None:
        hosts = self.query("#lab-host")
        if self._leaving or self._exit or not hosts or not hosts.first().is_attached:
            return  # the app is closing (by q, by Textual's own exit, its widgets going): nothing new is mounted
        if self._hold is not None and lesson.index > self._hold.index and self.lab_view is not None:
            self.notify(f"your teacher holds the class at lesson {self._hold.label} for now", timeout=4)
            return
        host = hosts.first()
        if self.lab_view is not None:
            self.lab_view.prune()
            self.lab_view.remove()
        self.lesson = lesson
        skills.BOOK.where = lesson.slug  # a wrong prediction is filed under the lesson it was made in
        lab = lesson.make_lab()
        state = self.progress.exercises.get(lesson.slug)
        if state:
            try:
                lab.restore_state(state)
            except Exception as e:  # a hand-edited or foreign file: the lesson starts fresh, the app goes on
                if self.raise_lab_errors:
                    raise
                lab = lesson.make_lab()
                self.progress.drop_exercise(lesson.slug, type(e).__name__)
        if self.setup is not None:
            setup, self.setup = self.setup, None
            lab.load_setup(setup)
        self.lab_view = LabView(lab)
        self.lab_view.raise_errors = self.raise_lab_errors
        host.mount(self.lab_view)
        self.call_after_refresh(self._show_prose, lesson)
        self.progress.current = lesson.slug
        self._save()
        self._update_top()
        self.refresh_bindings()

    def _show_prose(self, lesson: Lesson) -> None:
        """The lesson's text, a frame after the lab: the Markdown widget is not needed for first paint."""
        if lesson is not self.lesson:
            return
        from textual.widgets import Markdown

        prose = self.query_one("#prose", ProseView)
        typing = self.lab_view is not None and self.lab_view.lab.types_text
        text = with_keys(lesson.prose, code=True, typing=typing)
        # Each lesson's text stays mounted, hidden, once shown: going back to it is a change of display, not
        # a new parse and mount of every block (the bulk of a lesson change's layouts under serve).
        wanted = f"prose-{lesson.index}"
        shown = None
        for block in prose.query_children(Markdown):
            block.display = block.id == wanted
            if block.id == wanted:
                shown = block
        if shown is None:
            shown = Markdown(text, id=wanted)
            prose.mount(shown)
        elif self._prose_texts.get(wanted) != text:  # its keys were written otherwise (keymap, typing)
            shown.update(text)
        self._prose_texts[wanted] = text
        prose.scroll_home(animate=False)

    def _theme_changed(self, theme) -> None:
        if theme.name != self.progress.theme:
            self.progress.theme = theme.name  # kept for next time; plots follow the signal themselves
            self._save()

    def _focus_lab(self) -> None:
        if self.lab_view is None:
            return
        target = self.lab_view.first_focus()
        if target is not None:
            target.focus()
        else:
            self.set_focus(None)

    def open_lesson(self, key: int | str) -> None:
        self._open(self.course.find(key))

    def action_next_lesson(self) -> None:
        self._mark_read()
        if self.lesson.index + 1 < len(self.course):
            self._open(self.course.lessons[self.lesson.index + 1])
        else:
            self._course_complete()

    def _course_complete(self) -> None:
        from .dialogs import CourseComplete

        lessons = self.course.lessons
        missing = [lesson.label for lesson in lessons if lesson.slug not in self.progress.finished]

        def chosen(slug: str | None) -> None:
            if slug:
                self.open_lesson(slug)

        self.push_screen(CourseComplete(len(lessons) - len(missing), len(lessons), missing), chosen)

    def action_previous_lesson(self) -> None:
        if self.lesson.index > 0:
            self._open(self.course.lessons[self.lesson.index - 1])
        else:
            self.notify("This is the first lesson.", timeout=3)

    def _mark_read(self) -> None:
        """A lab finished by visiting it is finished by moving on."""
        if self.lab_view and (self.lab_view.lab.done or self.lab_view.lab.finish is Finish.VISIT):
            self._finish(self.lesson)

    def _finish(self, lesson: Lesson) -> None:
        if lesson.slug not in self.progress.finished:
            self.progress.finished.add(lesson.slug)
            self._save()
            if self.query_one("#toc").display:
                self._fill_toc()
            self._update_top()

    def on_repaint(self, _message: Repaint) -> None:
        """A teacher's page began showing this screen (serve, read-only): it gets all of it at once."""
        self.screen.refresh()

    def on_lab_changed(self, message: LabChanged) -> None:
        lab = message.lab
        if self.lab_view is None or lab is not self.lab_view.lab:
            return
        state = lab.save_state()
        if state != self.progress.exercises.get(self.lesson.slug, {}):
            if state:
                self.progress.exercises[self.lesson.slug] = state
            else:
                self.progress.exercises.pop(self.lesson.slug, None)
            self._save()
        if skills.BOOK.changed:  # an answer moved a skill
            self.progress.skills = skills.BOOK.to_json()
            self.progress.misses = skills.BOOK.misses_json()
            skills.BOOK.changed = False
            self._save()
        if not self.screen_stack:
            return  # the app is closing (a quit chosen in the palette): saved, nothing left to show
        if lab.done:
            self._finish(self.lesson)
        words = lab.key_words()
        if words != self._words:  # the footer says what the keys do now (x + 0.5, pick b, ...)
            self._words = words
            self.refresh_bindings()

    # --- header, contents, progress -------------------------------------------------
    def _update_top(self) -> None:
        counted = {lesson.slug for lesson in self.course.lessons if lesson.counted}
        done = len(self.progress.finished & counted)
        total = len(counted)
        bar_w = 10
        filled = round(bar_w * done / total)
        tick = " ✓" if self.lesson.slug in self.progress.finished else ""
        text = Text.assemble(
            ("micrograd-tui ", "bold"),
            (f" lesson {self.lesson.label} ", "reverse"),  # counted in the bar with the rest, not against the last number
            (f" {self.lesson.title}{tick} ", "bold"),
            ("  ", ""),
            ("█" * filled + "░" * (bar_w - filled), ""),
            (f" {done}/{total} done", "dim"),
        )
        self.query_one("#top", Static).update(text)

    def _fill_toc(self) -> None:
        toc = self.query_one("#toc", OptionList)
        highlighted = toc.highlighted
        toc.clear_options()
        # First each skill: the app's estimate that the learner has it (lessons.skills), what it rests on
        # (after ←), and whether it is due for review; then the lessons.
        due = set(skills.BOOK.due())
        toc.add_option(Option(Text("skills: how sure the app is you have each (← rests on)", style="italic"),
                              disabled=True))
        for skill in skills.SKILLS:
            p = skills.BOOK.mastery(skill.id)
            rests = f" ← {', '.join(skills.BY_ID[r].short for r in skill.rests_on)}" if skill.rests_on else ""
            mark = " (due)" if skill.id in due else ""
            toc.add_option(Option(f"{skills.bar(p, 5)} {p:4.0%} {skill.short}{rests}{mark}", disabled=True))
        toc.add_option(None)
        for lesson in self.course.lessons:
            mark = "✓" if lesson.slug in self.progress.finished else " "
            toc.add_option(Option(f"{mark} {lesson.column_label} {lesson.title}", id=lesson.slug))
        if highlighted is not None:
            toc.highlighted = highlighted

    def action_toggle_toc(self) -> None:
        toc = self.query_one("#toc", OptionList)
        toc.display = not toc.display
        if toc.display:
            self._fill_toc()
            toc.highlighted = toc.get_option_index(self.lesson.slug)
            toc.focus()
        else:
            self._focus_lab()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "toc" and event.option.id:
            self._mark_read()
            event.option_list.display = False  # like a menu: choosing closes it
            self.open_lesson(event.option.id)

    def _save(self) -> None:
        self.progress.save()
        self._say_warnings()

    def _say_warnings(self) -> None:
        for w in self.progress.warnings:
            if w not in self._said:
                self._said.add(w)
                self.notify(w, severity="warning", timeout=10)

    # --- keys -------------------------------------------------------------------------
    def action_lab(self, action: str) -> None:
        if self.lab_view is not None:
            self.lab_view.perform(action)
            if action == "predict" and self.progress.predict != predict.Settings.on:  # kept for every lab
                self.progress.predict = predict.Settings.on
                self._save()

    def key_words(self) -> dict[str, str]:
        """What the open lab's keys do in it, for the footer and the help."""
        return self.lab_view.lab.key_words() if self.lab_view else {}

    async def action_submit_field(self) -> None:
        if isinstance(self.focused, Input):
            await self.focused.action_submit()

    def action_noop(self) -> None:
        pass

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self._leaving:
            return False  # closing: every key is done
        if action == "leave_input":  # from a text field, or to close the contents; elsewhere escape keeps its meaning
            if self.screen is not self.screen_stack[0]:
                return False
            return isinstance(self.focused, Input) or self.query_one("#toc").display
        if action in ("quit", "help", "command_palette"):
            return True
        if self._lesson_covered():
            return False  # the editor, help or a question is open: no key (or palette command) acts beneath it
        if action == "lab":
            return self.lab_view is not None and parameters[0] in self.lab_view.lab.actions
        return True

    def _lesson_covered(self) -> bool:
        """A screen of ours (the editor, help, a question) is over the lesson. A palette is not: its commands
        act on what it was opened over."""
        return any(not isinstance(s, CommandPalette) for s in self.screen_stack[1:])

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        actions = self.lab_view.lab.actions if self.lab_view else frozenset()
        over_dialog = self.screen is not self.screen_stack[0]
        typing = self.lab_view is not None and self.lab_view.lab.types_text
        self.push_screen(HelpScreen(frozenset() if over_dialog else actions, self.key_words(),
                                    self._focused_keys(app_keys_too=over_dialog), alone=over_dialog,
                                    typing=typing and not over_dialog))

    def _focused_keys(self, app_keys_too: bool) -> tuple[str, list[tuple[str, str]]] | None:
        """The keys of the widget that has the keyboard (the code editor, the graph's tree, a field) and of
        the screen it is on, as Textual's own help panel lists them: its bindings, in their own words.
        Over the lesson, a key the app binds too (left, right) is listed once, as the app's."""
        focused = self.screen.focused
        if focused is None:
            return None
        rows: list[tuple[str, str]] = []
        seen: set[str] = set()
        taken = set() if app_keys_too else {k for b in ALL_KEYS for k in b.key.split(",")}
        # the screen's own keys (the editor's save and close) first, then the focused widget's
        chain = sorted(self.screen.active_bindings.values(), key=lambda a: not isinstance(a.node, Screen))
        for active in chain:
            b = active.binding
            words = b.tooltip or b.description
            if active.node is self or not words or b.action.startswith("app.") or words in seen:
                continue
            if isinstance(active.node, Screen) and b.key in taken:
                continue
            seen.add(words)
            rows.append((self.get_key_display(b), words[0].upper() + words[1:]))
        names = {"CodeEditor": "the code editor", "GraphTree": "the graph's tree", "DagView": "the graph",
                 "LabInput": "the text field",
                 "OptionList": "the contents"}
        return names.get(type(focused).__name__, type(focused).__name__), rows

    def action_leave_input(self) -> None:
        toc = self.query_one("#toc")
        if toc.display and not isinstance(self.focused, Input):
            toc.display = False
            self._focus_lab()
            return
        # At once, not later as focus() would: a number typed right after escape starts a new one.
        if self.lab_view is not None:
            self.lab_view.leave_field()
        else:
            self.screen.set_focus(None)

    async def on_key(self, event: Key) -> None:
        """Typing a number with no text field focused starts typing into the lab's current number field
        (and an enter typed before the focus got there submits it)."""
        if self._exit or not self.screen_stack:
            return  # a key still coming as the app ends (a palette's Quit): no screen to type on
        if isinstance(self.focused, Input) or self.lab_view is None or self.screen is not self.screen_stack[0]:
            return
        for field in self.lab_view.query(LabInput).results(LabInput):
            if not field.typing_started:
                continue
            # Typing began in this field and the focus has not got there yet: what follows is its text
            # (a comma in "8, 8" too), and an enter submits it.
            if event.key == "enter":
                event.stop()
                event.prevent_default()
                await field.action_submit()
                return
            if event.is_printable and event.character and field.takes(event.character):
                event.stop()
                event.prevent_default()
                field.start_typing(event.character)
                return
        ch = event.character
        if self.lab_view.lab.types_text and event.is_printable and ch and self._lab_has_keys():
            # A lab whose field takes any text: every printable key is text, also with the graph focused.
            if self.lab_view.type_into_field(ch):
                event.stop()
                event.prevent_default()
            return
        if (ch and ch in NUMBER_START and ch not in action_chars(self.lab_view.lab.actions)
                and self.lab_view.type_into_field(ch)):
            event.stop()
            event.prevent_default()

    def _lab_has_keys(self) -> bool:
        """The keyboard is in the open lab (a figure of it, or nothing focused), not the contents."""
        focused = self.focused
        return focused is None or (self.lab_view is not None and self.lab_view in focused.ancestors)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The lesson's keys, in the footer's words, then Textual's own (less its Quit and Keys, which ours
        are). Over the editor, help or a question, only Textual's: nothing acts on the lesson beneath."""
        textual_own = [c for c in super().get_system_commands(screen) if c.title not in ("Quit", "Keys")]
        if screen is not self.screen_stack[0]:
            yield from textual_own
            return
        actions = self.lab_view.lab.actions if self.lab_view else frozenset()
        typing = self.lab_view is not None and self.lab_view.lab.types_text
        typed = {b.action for b in TYPING_KEYS}
        for b in ALL_KEYS:
            act = lab_action(b)
            if act is not None and act not in actions:
                continue
            if typing_key(b) != typing and (typing_key(b) or b.action in typed):
                continue  # one entry per command: a typing lab's control key, or elsewhere the usual key
            if b.id in ("quit-now", "leave-input"):
                continue
            yield SystemCommand(f"{b.description} ({key_label(b)})", b.tooltip,
                                lambda b=b: self.run_action(b.action))
        yield from textual_own
