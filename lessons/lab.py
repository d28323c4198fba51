"""The lab contract: everything the app may ask of a lab, declared once.

A lab is plain Python (no textual, no rich). It holds its state, answers the
learner's actions (``do("step")``, ``submit("x", "2.5")``) and describes what to
show as a list of typed panels (facts, a list, graphs, plots, code). ``tui/``
has one widget per panel type and knows nothing about any single lab, so a new
lesson is a new registry entry, and a new kind of lab is one file in ``kinds/``.

Messages never name a key: they name an action as ``[[step]]``, and the app
writes the key that action is bound to now. Prose files do the same.

The keyboard follows one rule in every lab: a key either types into a field or
acts. After enter, a field keeps the keyboard only while the lab
``awaits_input()`` (the next thing to do is type there again: the next grad by
hand, the playground's next expression); otherwise the focus goes back to the
lab, so its keys act at once, and a finished lab never leaves a field holding
the keyboard. A number that was not taken stays in its field, selected, so
typing replaces it.

Slow work (training, a slow load, the learner's own code) is a :class:`~.jobs.Job`:
the app's one runner calls ``step`` in a worker thread, ``snapshot`` for an
immutable copy, and hands that copy to ``apply`` on the UI thread.

Every number a lab shows comes from the engine when the lab is built or an
action runs; nothing here is a stored result.
"""

from __future__ import annotations

import enum
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Mapping, Sequence, Union

from micrograd_tui.engine import Value

from .jobs import Job

__all__ = [
    "ACTIONS", "Finish", "Focus", "Field", "FactsPanel", "ListPanel", "GraphPanel", "Series", "PlotPanel",
    "CodePanel", "PICKED", "SurfacePanel", "NetworkPanel", "SurfacePoint", "surface_centre", "grid_centres", "Panel", "Job", "EditFile", "SaveScreen", "OpenLesson", "Deliver", "Lab", "action_marks", "ACTION_MARK",
]

# Every action a lab can answer, with the words the app shows for it. The app
# binds each to one key (tui/keys.py) and shows only those the open lab has.
ACTIONS = {
    "run": "run or pause",
    "run_checks": "run the checks on your code",
    "edit": "edit the file here",
    "edit_external": "edit the file in your $EDITOR",
    "step": "one step",
    "reset": "reset the lab",
    "build": "build the graph node by node",
    "backward": "run backward()",
    "backward_again": "run backward() again, without zeroing",
    "overwrite": "switch = and +=",
    "zero_grad": "zero_grad on/off",
    "hint": "a hint",
    "answer": "show the answer",
    "check": "finite-difference check",
    "less": "decrease",
    "more": "increase",
    "h_less": "h ÷ 10",
    "h_more": "h × 10",
    "next_var": "next input",
    "prev_var": "previous input",
    "reseed": "new random weights",
    "dataset": "next dataset",
    "point": "one point's graph",
    "share": "save this run's setup and screen",
    "example": "load an example",
    "next_file": "next file",
    "open_earlier": "open the earlier exercise that fails first",
    "download": "download your files (your workspace, zipped)",
    "predict": "predicting on/off: backward asks for each grad first",
    "network": "the network's neurons, or the loss curves",
    "add_point": "add a point of the pen's class at the cursor (or click the surface)",
    "remove_point": "remove the point nearest the cursor (or right-click it)",
    "pen": "the class the next point by hand gets",
    "back": "show the step before (time travel)",
    "forward": "show the step after, up to the present",
}

ACTION_MARK = re.compile(r"\[\[([a-z_]+)\]\]")  # how a message or prose names an action


def action_marks(text: str) -> list[str]:
    """The actions a message or a prose text names as ``[[action]]``."""
    return ACTION_MARK.findall(text)


class Finish(enum.Enum):
    """How a lab is finished: by doing its task (``done``), or by visiting it and moving on."""

    TASK = "task"
    VISIT = "visit"


class Focus(enum.Enum):
    """What has the keyboard when the lab opens: its first figure (tree or code), or its text field."""

    FIGURE = "figure"
    INPUT = "input"


# --- what a lab shows: typed panel descriptions ------------------------------------


@dataclass(frozen=True)
class Field:
    """A text input the learner can type into; ``submit(name, text)`` receives it.

    A ``number`` field takes what ``numtext.parse_number`` reads (``-2``, ``.5``, ``1e-3``,
    ``2/3``): typing a digit, ``-``, ``.`` or ``/`` anywhere in the lab goes into the current one.
    A text field with ``chars`` (a regular expression of what it lets through, such as layer sizes
    ``8, 8``) takes digits typed anywhere too. A field with ``choices`` is not typed into: it shows
    its value (the placeholder), and the lab's less/more actions step through the choices."""

    name: str
    label: str
    placeholder: str = ""
    number: bool = True
    chars: str | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """A one-key prediction asked before an action runs (predict mode): ``choices`` are (key, words)."""

    text: str
    choices: tuple[tuple[str, str], ...]


PICKED = "▶ "  # a facts row or field label starting with this is the control the lab's keys change now


@dataclass(frozen=True)
class FactsPanel:
    """Name/value rows, one per line (a name may start with ``PICKED``)."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ListPanel:
    """A titled list of lines (an order, a plan)."""

    title: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class GraphPanel:
    """One expression graph to show as a tree, rooted at its output. With ``expected``, each node
    that has an expected (data, grad) shows it beside its own, and a mismatch is marked (and no chain
    rule is written: a learner's graph carries no local derivatives)."""

    root: Value
    title: str = ""
    highlight: Value | None = None
    expected: Mapping[Value, tuple[float, float]] | None = None
    chain_rule: bool = True  # the chain rule, with its numbers, for the node the cursor is on (off where it is the task)


@dataclass(frozen=True)
class Series:
    x: Sequence[float]
    y: Sequence[float]
    label: str = ""
    scatter: bool = False  # points, not a line
    role: str = "main"  # a colour role: "main", "mark", "slope", "good", "negative", "positive" (and "-strong")
    marker: str | None = None  # how the points or the line are drawn, so curves differ without colour too
    axis: str = "left"  # the y axis it is read on: "left" or "right"


@dataclass(frozen=True)
class PlotPanel:
    title: str
    series: tuple[Series, ...]
    xlabel: str = ""
    ylabel: str = ""
    xlim: tuple[float, float] | None = None
    ylim: tuple[float, float] | None = None
    vlines: tuple[float, ...] = ()  # x values marked with a vertical line (the step time travel shows)


@dataclass(frozen=True)
class CodePanel:
    """A titled text that scrolls: Python source (numbered, not wrapped), or with ``plain`` a message
    wrapped to the width (the whole of a failed check)."""

    name: str
    text: str
    plain: bool = False


@dataclass(frozen=True)
class SurfacePoint:
    x: float
    y: float
    label: float  # the class: -1 or +1, or 0, 1, 2 ... with more than two classes
    test: bool = False  # held out: not trained on


@dataclass(frozen=True)
class SurfacePanel:
    """A model's score over the plane, sampled on a grid, with the data on top.

    ``scores`` has ``cols * rows`` samples, row by row from the top (largest y) down; sample
    (i, j) is the score at the centre of its grid cell, ``surface_centre``. A screen draws it as
    a filled map graded by the score, with the 0 contour, and the points (train and test told
    apart, ``picked`` marked). ``note`` says why there is nothing to draw (no scores)."""

    title: str
    cols: int
    rows: int
    scores: tuple[float, ...]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    points: tuple[SurfacePoint, ...] = ()
    picked: int | None = None  # index into points
    note: str = ""
    classes: int = 2  # more than 2: ``scores`` has an output a class for each sample, one after another
    cursor: tuple[float, float] | None = None  # where a point by hand would go (the lab's ``surface_pointed``)


def grid_centres(xlim: tuple[float, float], ylim: tuple[float, float], cols: int,
                 rows: int) -> list[tuple[float, float]]:
    """The centres of a cols x rows grid over a box, row by row from the top (largest y) down."""
    (x0, x1), (y0, y1) = xlim, ylim
    return [(x0 + (x1 - x0) * (i + 0.5) / cols, y1 - (y1 - y0) * (j + 0.5) / rows)
            for j in range(rows) for i in range(cols)]


def surface_centre(panel: SurfacePanel, i: int, j: int) -> tuple[float, float]:
    """Where sample (column i, row j from the top) of a surface was scored."""
    return grid_centres(panel.xlim, panel.ylim, panel.cols, panel.rows)[j * panel.cols + i]


@dataclass(frozen=True)
class NetworkPanel:
    """The net itself, as TensorFlow Playground draws it: a column per layer (the inputs first), each
    neuron a small map of its output over the plane (``cols * rows`` samples, row by row from the top,
    as ``grid_centres`` places them), and the weights into each layer (``weights[l][n][i]``: into neuron
    n of layer l from input i of the column before). ``selected`` (column, neuron) is the one the
    cursor is on; ``detail`` its numbers, as rows."""

    names: tuple[tuple[str, ...], ...]  # each column's neurons' names: ("x", "y"), ("L0.n0", ...), ...
    maps: tuple[tuple[tuple[float, ...], ...], ...]  # [column][neuron] -> its output at each sample
    cols: int
    rows: int
    weights: tuple[tuple[tuple[float, ...], ...], ...]  # [layer][neuron][input]
    selected: tuple[int, int] = (1, 0)
    detail: tuple[tuple[str, str], ...] = ()
    grads: tuple[tuple[tuple[float, ...], ...], ...] | None = None  # [layer][neuron][input]: drawn as the edges when given
    title: str = ""  # what the panel shows now (a beat of a step)
    edge: int | None = None  # the picked edge into the selected neuron (its input's index), or None
    values: tuple[tuple[float, ...], ...] | None = None  # [column][neuron]: each output at the picked point
    lights_up: bool = False  # a forward pass: a screen shows the values a layer at a time, the inputs first


Panel = Union[FactsPanel, ListPanel, GraphPanel, PlotPanel, CodePanel, SurfacePanel, NetworkPanel]


@dataclass(frozen=True)
class EditFile:
    """A request from a lab: open this file in the app's editor, or in the learner's own ($VISUAL, $EDITOR)."""

    path: Path
    external: bool = False
    line: int | None = None  # where to put the cursor: the line a failure points at (else the first to write)


@dataclass(frozen=True)
class SaveScreen:
    """A request from a lab: save a text picture of the screen (SVG) at this path."""

    path: Path


@dataclass(frozen=True)
class Deliver:
    """A request from a lab, in a browser (``serve``): hand this file to the learner as a download."""

    path: Path
    name: str = ""  # the name the browser saves it as (the file's own by default)


@dataclass(frozen=True)
class OpenLesson:
    """A request from a lab: open this lesson (by slug), as the learner asked (an earlier exercise that fails)."""

    slug: str


# --- the lab -----------------------------------------------------------------------------


class Lab(ABC):
    """The base of every lab kind: the whole of what the view may use."""

    #: the actions this lab answers (ids from ACTIONS; the app binds keys)
    actions: frozenset[str] = frozenset({"reset"})
    #: the panel types this lab may ever show (the view makes room for exactly these)
    shows: frozenset[type] = frozenset({FactsPanel})
    finish: Finish = Finish.TASK
    focus: Focus = Focus.FIGURE
    #: actions that stop a running job before they run (the rest run beside it)
    stops_job: frozenset[str] = frozenset()
    #: a text field keeps its text after a successful submit (the playground edits its expression)
    keep_input: ClassVar[bool] = False
    #: show only the current field (a lab with many knobs lists their values in its facts)
    one_field: bool = False
    #: the lab's field takes any text (the playground): every printable key goes to it, wherever the
    #: focus is in the lab, so the lab's actions are on keys that type nothing (the app binds them)
    types_text: ClassVar[bool] = False

    def __init__(self) -> None:
        self.message = ""
        self.done = False
        self.history: list[str] | None = None  # earlier inputs, walked with up/down in the field
        self.pending_input: str | None = None  # text the lab puts into its first field (an example)
        self.under_cursor: Value | None = None  # the node under the learner's cursor (see cursor_on)
        self.requests: list[EditFile | SaveScreen | OpenLesson | Deliver] = []  # what the lab asks the app to do for it; the app takes them

    # --- what to show ------------------------------------------------------------
    @abstractmethod
    def panels(self) -> list[Panel]:
        """What to show now, in order; each panel's type must be in ``shows``."""

    def fields(self) -> list[Field]:
        return []

    def cursor_on(self, value: Value | None) -> None:
        """The node the learner's cursor is on in a graph panel (None: none): a lab whose keys act on
        "this node" (``f`` checks it by a finite difference) keeps it."""
        self.under_cursor = value

    def pick_neuron(self, column: int, index: int) -> None:
        """The network panel's cursor moved to neuron ``index`` of ``column`` (0: the inputs)."""
        return None

    def pick_edge(self, step: int) -> None:
        """The network panel's weight cursor moved ``step`` weights on among those into the picked neuron."""
        return None

    def current_field(self) -> str | None:
        """The field that typing goes into (the screen marks it): the first, unless a lab says."""
        fields = self.fields()
        return fields[0].name if fields else None

    def awaits_input(self) -> bool:
        """After a submit, whether the field keeps the keyboard (see the rule above): by default only in
        a lab that opens on its field (``Focus.INPUT``); a lab that asks for answer after answer says so."""
        return self.focus is Focus.INPUT

    def key_words(self) -> dict[str, str]:
        """What an action does in this lab, in a few words, where the general words would not say it."""
        return {}

    def canvas(self, cols: int, rows: int) -> None:
        """The size in cells of the lab's surface (``SurfacePanel``); most labs ignore it."""
        return None

    def surface_pointed(self, x: float, y: float, button: str | None) -> None:
        """The learner pointed at (x, y) on the surface: clicked ("left", "right") or moved its cursor (None)."""
        return None

    # --- what the learner does ---------------------------------------------------
    def reset(self) -> None:
        """Back to how the lab opened (a kind's ``__init__`` calls it once it has its settings)."""
        return None

    def on_reset(self) -> None:
        self.reset()
        self.message = "reset"

    def do(self, action: str) -> None:
        if action not in self.actions:
            self.message = f"nothing to {ACTIONS.get(action, action)} here"
            return
        getattr(self, "on_" + action)()

    def submit(self, name: str, text: str) -> bool:
        """Take typed text for field ``name``; False (with a message) when it was not usable."""
        self.message = "nothing to type here"
        return False

    def before(self, action: str) -> Question | None:
        """A prediction to ask before ``action`` runs (predict mode), or None to run it at once."""
        return None

    def predicted(self, action: str, key: str | None) -> None:
        """The learner's answer to :meth:`before` (None: skipped); ``action`` runs right after."""
        return None

    def confirm(self, action: str) -> str | None:
        """A question to ask before ``action`` runs (revealing, wiping), or None to run it at once."""
        return None

    def watched(self) -> list[Path]:
        """Files whose changes on disk the lab wants to hear about (``files_changed``)."""
        return []

    def files_changed(self) -> None:
        """A watched file changed (saved by any editor)."""
        return None

    def job(self) -> Job | None:
        """The background job this lab wants running now, or None. Asked after every action."""
        return None

    def load_setup(self, setup: Mapping[str, Any]) -> None:
        """Start from a shared setup (``micrograd-tui --setup FILE``); ValueError says what is wrong with it."""
        raise ValueError("this lesson takes no setup file")

    # --- saved with progress -------------------------------------------------------
    def save_state(self) -> dict:
        return {}

    def restore_state(self, state: dict) -> None:
        return None
