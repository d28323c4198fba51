"""An expression graph as a tree: one row per node, with op, data and grad in aligned columns; and the panel that holds it or the boxes.

The output is the root and a node's inputs are its children. A node reached a
second time is shown once in full and then as a marked reference (↑). Children
are added only when a node is expanded, so a graph of 65,000 nodes opens at once.
"""

from __future__ import annotations

import math

from typing import Mapping, NamedTuple

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from micrograd_tui.engine import Value
from micrograd_tui.lessons.lab import GraphPanel
from micrograd_tui.lessons.names import value_names
from micrograd_tui.lessons.numtext import fmt

from ..keys import GRAPH_KEYS
from ..node_text import node_name

NUM_W = 11  # width of the data and grad columns: a space, then up to 10 characters (-3.7437e-13 takes 11)
AUTO_ROWS = 48  # rows opened without asking when a graph is shown
LAYOUT_KEY = GRAPH_KEYS[0].key  # switches a graph between boxes and the tree


class NodeRef(NamedTuple):
    value: Value
    depth: int
    is_ref: bool  # a repeat of a node shown in full elsewhere
    path: tuple[int, ...]  # child indices from the root: how expansion is kept across rebuilds


WANT_W = NUM_W + 2  # the expected column: a mark and a number


def _same(got: float, want: float) -> bool:
    return got == want or math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12) or (got != got and want != want)


def want_text(v: Value, want: tuple[float, float] | None) -> Text:
    """The expected column: ✓ when the node's data and grad are this app's, else ✗ and the wanted number."""
    if want is None:
        return Text(" " * WANT_W)
    data, grad = want
    if not _same(v.data, data):
        return Text(f"✗ d {fmt(data)}".rjust(WANT_W), style="bold red")
    if not _same(v.grad, grad):
        return Text(f"✗ {fmt(grad)}".rjust(WANT_W), style="bold red")
    return Text("✓".rjust(WANT_W), style="green")


def _column(number: str) -> str:
    """A number right-aligned in its column, with at least one space before it."""
    return " " + number.rjust(NUM_W - 1)


def row_text(ref: NodeRef, width: int, *, highlighted: bool = False, expanded: bool | None = None,
             compare: Mapping[Value, tuple[float, float]] | None = None,
             names: Mapping[Value, str] | None = None) -> Text:
    """One row: icon, name and op, then data and grad right-aligned in fixed columns (and, when
    comparing with expected numbers, a column that marks each node right or wrong).

    ``width`` is the width left for this row after the tree's guides.
    """
    v = ref.value
    if ref.is_ref:
        icon = "↑ "
    elif expanded is None:
        icon = "  "
    else:
        icon = "▾ " if expanded else "▸ "
    extra = WANT_W if compare is not None else 0
    name_w = max(0, width - 2 - 2 * NUM_W - extra)  # the name shrinks first: the numbers stay in view
    name = node_name(v, ref.is_ref, names)
    if name_w > 0:
        name.truncate(name_w, overflow="ellipsis", pad=True)
    else:  # Rich leaves a text whole when truncated to 0: it would push the numbers out of their columns
        name = Text("")
    grad_style = "dim" if v.grad == 0 else "bold"
    row = Text.assemble(
        (icon, "dim"),
        name,
        (_column(fmt(v.data)), ""),
        (_column(fmt(v.grad)), grad_style),
        no_wrap=True,
    )
    if compare is not None:
        row.append_text(want_text(v, compare.get(v)))
    if highlighted:
        row.stylize("reverse")
    return row


class GraphTree(Tree[NodeRef]):
    """The tree itself; use :meth:`show` to set a graph and :meth:`refresh_values` after data/grad change."""

    BINDINGS = [
        # The tree's own space (toggle a node) would hide the app's run/pause key; enter still toggles.
        Binding("space", "app.lab('run')", "Run/pause", show=False),
        # Left and right stay in the tree (to the node's input, back to its user): off the ends they would
        # reach the app's previous and next lesson and lose what was done here.
        Binding("left", "tree_move(-1)", "Move", key_display="←→↑↓", tooltip="Left: back to the node that uses it"),
        Binding("right", "tree_move(1)", "Move", show=False, tooltip="Right: open the node, then to its first input"),
    ]

    DEFAULT_CSS = """
    GraphTree { height: 1fr; padding: 0; overflow-x: hidden; }
    """

    def __init__(self, **kwargs):
        super().__init__("", **kwargs)
        self.guide_depth = 2
        self.show_root = True
        self.auto_expand = True
        self.root_value: Value | None = None
        self.highlight: Value | None = None
        self.compare: Mapping[Value, tuple[float, float]] | None = None
        self.names: dict[Value, str] = {}  # each value's name on screen, as the boxes and the chain rule write it
        self._claimed: set[int] = set()
        self._rows: list[TreeNode[NodeRef]] = []
        self._end_said = -10.0  # when the note about the graph's end was last shown
        # the rows opened without asking, for the depth that fitted then: redone for the width the tree
        # ends up with while the learner has opened or closed nothing (the first show often precedes layout)
        self._auto: tuple[int, set[tuple[int, ...]]] | None = None

    def action_tree_move(self, way: int) -> None:
        """Left to the node that uses this one (its parent row), right to its first input (opening it first)."""
        node = self.cursor_node
        if node is None:
            return
        if way < 0 and node.parent is not None:
            self.move_cursor(node.parent)
        elif way > 0 and node.allow_expand and not node.is_expanded:
            node.expand()
        elif way > 0 and node.children:
            self.move_cursor(node.children[0])
        else:
            import time

            if time.monotonic() - self._end_said > 3:  # one note at a time, however often the key repeats
                self._end_said = time.monotonic()
                lab_view = getattr(self.app, "lab_view", None)
                typing = lab_view is not None and lab_view.lab.types_text
                self.notify("end of the graph: " + ("ctrl+p for another lesson" if typing else "n next lesson, p previous"),
                            timeout=3)

    # --- building ---------------------------------------------------------------
    def show(self, root: Value, highlight: Value | None = None,
             compare: Mapping[Value, tuple[float, float]] | None = None) -> None:
        """Show ``root``'s graph. The same root refreshes in place; a new one keeps what was expanded.
        ``compare`` gives expected (data, grad) for nodes to mark right or wrong."""
        self.highlight = highlight
        self.compare = compare
        if root is self.root_value:
            self.refresh_values()
            self._scroll_to_highlight()
            return
        expanded = self._expanded_paths() if self.root_value is not None else None
        self.root_value = root
        self.names = value_names(root)
        self.clear()
        self._claimed = {id(root)}
        self._rows = [self.root]
        self.root.data = NodeRef(root, 0, False, ())
        self.root.allow_expand = bool(root._prev)
        self._auto = None
        if expanded:
            self._reopen(expanded)
        elif self.auto_expand:
            deepest = self._deepest()
            self._open_first_rows(AUTO_ROWS, deepest)
            self._auto = (deepest, self._expanded_paths())
        self.refresh_values()
        self._scroll_to_highlight()

    def on_resize(self) -> None:
        """The first rows were opened for another width (before layout, or before the side panel took its
        room) and the learner has changed none of them: open them again for this one."""
        if self._auto is None or self.root_value is None:
            return
        deepest, paths = self._auto
        if deepest == self._deepest() or self._expanded_paths() != paths or self.cursor_line > 0:
            return
        root, self.root_value = self.root_value, None
        self.show(root, self.highlight, self.compare)

    def _load(self, node: TreeNode[NodeRef]) -> None:
        """Add a node's children the first time it opens."""
        if node.children or node.data is None or node.data.is_ref:
            return
        ref = node.data
        for i, child in enumerate(ref.value._prev):
            is_ref = id(child) in self._claimed
            if not is_ref:
                self._claimed.add(id(child))
            data = NodeRef(child, ref.depth + 1, is_ref, ref.path + (i,))
            leaf = is_ref or not child._prev
            tn = node.add("", data=data, allow_expand=not leaf)
            self._rows.append(tn)

    def _deepest(self) -> int:
        """How deep rows may go and still fit their data and grad columns."""
        width = self.scrollable_content_region.width or self.app.size.width // 2
        return max(1, (width - 3 - 2 * NUM_W - 4) // self.guide_depth)

    def _open_first_rows(self, limit: int, deepest: int) -> None:
        """Open breadth first, but only ``deepest`` deep."""
        queue = [self.root]
        rows = 1
        while queue and rows < limit:
            node = queue.pop(0)
            if not node.allow_expand or node.data is None or node.data.depth + 1 > deepest:
                continue
            self._load(node)
            node.expand()
            rows += len(node.children)
            queue.extend(node.children)

    def _expanded_paths(self) -> set[tuple[int, ...]]:
        return {n.data.path for n in self._rows if n.data is not None and n.is_expanded}

    def _reopen(self, paths: set[tuple[int, ...]]) -> None:
        queue = [self.root]
        while queue:
            node = queue.pop(0)
            if node.data is None or node.data.path not in paths or not node.allow_expand:
                continue
            self._load(node)
            node.expand()
            queue.extend(node.children)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeRef]) -> None:
        self._load(event.node)

    # --- showing -----------------------------------------------------------------
    def refresh_values(self) -> None:
        """Re-render every row from the Values' current data and grad (expansion kept)."""
        for node in self._rows:
            node.refresh()

    def _scroll_to_highlight(self) -> None:
        if self.highlight is None:
            return
        for node in self._rows:
            if node.data is not None and node.data.value is self.highlight and not node.data.is_ref:
                self.move_cursor(node)
                return

    def render_label(self, node: TreeNode[NodeRef], base_style: Style, style: Style) -> Text:
        ref = node.data
        if ref is None:
            return Text("")
        width = max(2 + 2 * NUM_W, self.scrollable_content_region.width - ref.depth * self.guide_depth - 1)
        expanded = node.is_expanded if node.allow_expand else None
        text = row_text(ref, width, highlighted=ref.value is self.highlight, expanded=expanded, compare=self.compare,
                        names=self.names)
        text.stylize(style)
        return text


class GraphHeader(Widget):
    """The column names over the tree, laid out for the width it has whenever it is drawn."""

    DEFAULT_CSS = "GraphHeader { height: 1; color: $text-muted; text-style: bold; }"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.title = ""
        self.comparing = False
        self.columns = True

    def set(self, title: str, comparing: bool, columns: bool = True) -> None:
        if (title, comparing, columns) != (self.title, self.comparing, self.columns):
            self.title, self.comparing, self.columns = title, comparing, columns
            self.refresh()

    def render(self) -> Text:
        width = max(24, self.size.width - 1)
        if not self.columns:  # the boxes carry their own numbers
            return Text(self.title[:width])
        title = self.title or "node [op]"
        extra = WANT_W if self.comparing else 0
        name_w = max(0, width - 2 * NUM_W - extra)
        return Text.assemble((title[:name_w].ljust(name_w), ""), (f"{'data':>{NUM_W}}", ""),
                             (f"{'grad':>{NUM_W}}", ""), (f"{'expected':>{WANT_W}}" if extra else "", ""))


class ChainLine(Static):
    """Over the tree: the chain rule for the node the cursor is on, with the graph's numbers."""

    DEFAULT_CSS = "ChainLine { height: auto; max-height: 2; color: $text-muted; }"


class GraphPanelView(Vertical):
    """A graph's title, a header, the chain rule for the node the cursor is on (for this app's own
    graphs: a learner's graph carries no local derivatives), and the graph itself: boxes left to right
    as the lecture draws it (``DagView``) or, for a graph too big to read that way, the tree. One key
    switches, and the choice holds for the rest of the session."""

    BINDINGS = list[BindingType](GRAPH_KEYS)
    DEFAULT_CSS = "GraphPanelView { height: 1fr; min-height: 5; }"

    def __init__(self, title: str = "", **kwargs):
        super().__init__(**kwargs)
        self.title = title
        self._panel: GraphPanel | None = None  # the last one shown (or to show, once mounted)
        self._shown_root: Value | None = None  # the graph drawn now
        self.comparing = False
        self.chain = False  # write the chain rule under the header (the panel says)
        self.drawn = "tree"  # what is drawn now: "dag" (boxes) or "tree"
        self._uses: tuple[Value, dict | None] | None = None  # (root, each node's uses), walked once per graph
        self._named: tuple[Value, dict[Value, str]] | None = None  # (root, each value's name on screen)
        self._chain_text = ""

    def compose(self):
        from .dag import DagView

        yield GraphHeader()
        yield ChainLine("")
        yield GraphTree()
        yield DagView()

    def figure(self) -> Widget:
        """The widget that draws the graph (the one to focus): also before the graph is first shown,
        when the focus of a lesson just opened is given out."""
        from .dag import DagView

        drawn = self.drawn
        if self._panel is not None and self._panel.root is not self._shown_root:
            drawn = self._chosen(self._panel.root)  # not shown yet: what it will draw
        return self.query_one(DagView) if drawn == "dag" else self.query_one(GraphTree)

    class Pointed(Message):
        """The cursor is on another node: the lab hears of it (its keys may act on that node)."""

        def __init__(self, value: Value) -> None:
            super().__init__()
            self.value = value

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[NodeRef]) -> None:
        self._chain()
        self._pointed()

    def on_dag_view_moved(self, event) -> None:
        self._chain()
        self._pointed()

    def _pointed(self) -> None:
        if self._panel is not None and self.is_mounted:
            self.post_message(self.Pointed(self._cursor(self._panel.root)))

    def _chosen(self, root: Value) -> str:
        """Boxes unless the learner chose the tree, or the graph is too big for boxes and they did not ask."""
        from micrograd_tui.lessons.dag import fits

        wanted = getattr(self.app, "graph_layout", None)
        if wanted is not None:
            return wanted
        return "dag" if fits(root) else "tree"

    def action_toggle_layout(self) -> None:
        self.app.graph_layout = "tree" if self.drawn == "dag" else "dag"  # type: ignore[attr-defined]
        had_focus = self.figure().has_focus
        if self._panel is not None:
            self._show(self._panel)
        if had_focus:
            self.figure().focus()

    def _cursor(self, root: Value) -> Value:
        from .dag import DagView

        if self.drawn == "dag":
            return self.query_one(DagView).selected or root
        tree = self.query_one(GraphTree)
        cursor = tree.cursor_node
        if cursor is None or cursor.data is None:  # no cursor yet, or the tree's lines are not rebuilt yet
            return root
        return cursor.data.value

    def _names(self, root: Value) -> dict[Value, str]:
        """The graph's names on screen, worked out once per graph."""
        from micrograd_tui.lessons.names import value_names

        if self._named is None or self._named[0] is not root:
            self._named = (root, value_names(root))
        return self._named[1]

    def _chain(self) -> None:
        """Write the cursor node's line (the graph's uses are walked once per root, and only up to a size)."""
        from micrograd_tui.lessons.chainrule import chain_rule, users
        from micrograd_tui.lessons.names import LIMIT, name_of

        lines = list(self.query(ChainLine).results(ChainLine))
        panel = self._panel
        if not lines or panel is None or not self.is_mounted:
            return  # removed before it mounted (a held key moved on)
        line, root = lines[0], panel.root
        node = self._cursor(root)
        if self.comparing and self.drawn == "dag":  # the tree has a column for it; the boxes say it here
            want = (panel.expected or {}).get(node)
            called = name_of(node, self._names(root))
            text = (f"{called}: expected data {fmt(want[0])}, grad {fmt(want[1])}" if want
                    else f"{called}: no expected numbers for it")
            line.display = True
        else:
            line.display = self.chain
            if not line.display:
                return
            if self._uses is None or self._uses[0] is not root:
                self._uses = (root, users(root, LIMIT))
            uses = self._uses[1]
            if uses is None:
                text = f"(the chain rule is written for graphs of up to {LIMIT:,} nodes)"
            else:
                text = chain_rule(root, node if node in uses else root, uses, self._names(root))
        if text != self._chain_text:
            self._chain_text = text
            line.update(Text(text))

    def on_mount(self) -> None:
        if self._panel is not None:
            self._show(self._panel)
        else:
            self._header()

    def _header(self) -> None:
        title = self.title
        if self.drawn == "dag":
            title = f"{title} · " if title else ""
            title += f"label/data/grad · {LAYOUT_KEY}: tree"
        else:
            title = f"{title or 'node [op]'} ({LAYOUT_KEY}: boxes)"
        for header in self.query(GraphHeader).results(GraphHeader):  # none before it mounts: on_mount sets it
            header.set(title, self.comparing, columns=self.drawn == "tree")

    def update_panel(self, panel: GraphPanel) -> None:
        self._panel = panel
        if self.is_mounted:
            self._show(panel)

    def _show(self, panel: GraphPanel) -> None:
        from .dag import DagView

        trees, dags = list(self.query(GraphTree).results(GraphTree)), list(self.query(DagView).results(DagView))
        if not (trees and dags):
            return  # removed before it mounted
        comparing = panel.expected is not None
        self.chain = panel.chain_rule and not comparing
        self.title, self.comparing = panel.title, comparing
        self.drawn = self._chosen(panel.root)
        self._shown_root = panel.root
        tree, dag = trees[0], dags[0]
        if self.drawn == "dag":
            try:
                dag.show(panel.root, panel.highlight, panel.expected)
            except Exception:  # a bug in drawing the boxes must not end the learner's session: the tree draws it
                import traceback

                self.log.error(traceback.format_exc())
                self.drawn = "tree"
        if self.drawn == "tree":
            tree.show(panel.root, panel.highlight, panel.expected)
        hidden = dag if self.drawn == "tree" else tree
        had_focus = hidden.has_focus  # focused before it was known which one this graph draws
        tree.display, dag.display = self.drawn == "tree", self.drawn == "dag"
        if had_focus:
            self.figure().focus()
        self._header()
        self._chain()  # the numbers may have changed (a backward ran)
