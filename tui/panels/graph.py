"""An expression graph as a tree: one row per node, with op, data and grad in aligned columns.

The output is the root and a node's inputs are its children. A node reached a
second time is shown once in full and then as a marked reference (↑). Children
are added only when a node is expanded, so a graph of 65,000 nodes opens at once.
"""

from __future__ import annotations

import math

from typing import Mapping, NamedTuple

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from micrograd_tui.engine import Value
from micrograd_tui.lessons.lab import GraphPanel
from micrograd_tui.lessons.numtext import fmt

from ..node_text import node_name

NUM_W = 11  # width of the data and grad columns: a space, then up to 10 characters (-3.7437e-13 takes 11)
AUTO_ROWS = 48  # rows opened without asking when a graph is shown


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
             compare: Mapping[Value, tuple[float, float]] | None = None) -> Text:
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
    name = node_name(v, ref.is_ref)
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
    ]

    DEFAULT_CSS = """
    GraphTree { height: 1fr; padding: 0; }
    """

    def __init__(self, **kwargs):
        super().__init__("", **kwargs)
        self.guide_depth = 2
        self.show_root = True
        self.auto_expand = True
        self.root_value: Value | None = None
        self.highlight: Value | None = None
        self.compare: Mapping[Value, tuple[float, float]] | None = None
        self._claimed: set[int] = set()
        self._rows: list[TreeNode[NodeRef]] = []

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
        self.clear()
        self._claimed = {id(root)}
        self._rows = [self.root]
        self.root.data = NodeRef(root, 0, False, ())
        self.root.allow_expand = bool(root._prev)
        if expanded:
            self._reopen(expanded)
        elif self.auto_expand:
            self._open_first_rows(AUTO_ROWS)
        self.refresh_values()
        self._scroll_to_highlight()

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

    def _open_first_rows(self, limit: int) -> None:
        """Open breadth first, but only as deep as rows still fit their data and grad columns."""
        width = self.scrollable_content_region.width or self.app.size.width // 2
        deepest = max(1, (width - 3 - 2 * NUM_W - 4) // self.guide_depth)
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
        text = row_text(ref, width, highlighted=ref.value is self.highlight, expanded=expanded, compare=self.compare)
        text.stylize(style)
        return text


class GraphHeader(Widget):
    """The column names over the tree, laid out for the width it has whenever it is drawn."""

    DEFAULT_CSS = "GraphHeader { height: 1; color: $text-muted; text-style: bold; }"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.title = ""
        self.comparing = False

    def set(self, title: str, comparing: bool) -> None:
        if (title, comparing) != (self.title, self.comparing):
            self.title, self.comparing = title, comparing
            self.refresh()

    def render(self) -> Text:
        width = max(24, self.size.width - 1)
        title = self.title or "node [op]"
        extra = WANT_W if self.comparing else 0
        name_w = max(0, width - 2 * NUM_W - extra)
        return Text.assemble((title[:name_w].ljust(name_w), ""), (f"{'data':>{NUM_W}}", ""),
                             (f"{'grad':>{NUM_W}}", ""), (f"{'expected':>{WANT_W}}" if extra else "", ""))


class ChainLine(Static):
    """Over the tree: the chain rule for the node the cursor is on, with the graph's numbers."""

    DEFAULT_CSS = "ChainLine { height: auto; max-height: 2; color: $text-muted; }"


class GraphPanelView(Vertical):
    """A graph's title, a header naming the columns, the tree, and the chain rule for the node the
    cursor is on (for this app's own graphs: a learner's graph carries no local derivatives)."""

    DEFAULT_CSS = "GraphPanelView { height: 1fr; min-height: 5; }"

    def __init__(self, title: str = "", **kwargs):
        super().__init__(**kwargs)
        self.title = title
        self._pending: GraphPanel | None = None  # shown once the tree is mounted
        self.comparing = False
        self.chain = False  # write the chain rule under the header (the panel says)
        self._uses: tuple[Value, dict | None] | None = None  # (root, each node's uses), walked once per graph
        self._chain_text = ""

    def compose(self):
        yield GraphHeader()
        yield ChainLine("")
        yield GraphTree()

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[NodeRef]) -> None:
        self._chain()

    def _chain(self) -> None:
        """Write the cursor node's line (the graph's uses are walked once per root, and only up to a size)."""
        from micrograd_tui.lessons.chainrule import LIMIT, chain_rule, users

        trees, lines = list(self.query(GraphTree).results(GraphTree)), list(self.query(ChainLine).results(ChainLine))
        if not (trees and lines):
            return  # removed before it mounted (a held key moved on)
        tree, line = trees[0], lines[0]
        root = tree.root_value
        line.display = self.chain and root is not None
        if not line.display or root is None:
            return
        if self._uses is None or self._uses[0] is not root:
            self._uses = (root, users(root, LIMIT))
        uses = self._uses[1]
        if uses is None:
            text = f"(the chain rule is written for graphs of up to {LIMIT:,} nodes)"
        else:
            cursor = tree.cursor_node
            if cursor is None or cursor.data is None:  # no cursor yet, or the tree's lines are not rebuilt yet
                cursor = tree.root
            node = cursor.data.value if cursor.data is not None and cursor.data.value in uses else root
            text = chain_rule(root, node, uses)  # a graph just rebuilt: its root
        if text != self._chain_text:
            self._chain_text = text
            line.update(Text(text))

    def on_mount(self) -> None:
        self._header()
        if self._pending is not None:
            panel, self._pending = self._pending, None
            for tree in self.query(GraphTree).results(GraphTree):  # none if removed before it mounted
                tree.show(panel.root, panel.highlight, panel.expected)
            self._chain()

    def _header(self) -> None:
        for header in self.query(GraphHeader).results(GraphHeader):  # none before it mounts: on_mount sets it
            header.set(self.title, self.comparing)

    def update_panel(self, panel: GraphPanel) -> None:
        comparing = panel.expected is not None
        self.chain = panel.chain_rule and not comparing
        if panel.title != self.title or comparing != self.comparing:
            self.title, self.comparing = panel.title, comparing
            self._header()
        trees = list(self.query(GraphTree))
        if trees:
            trees[0].show(panel.root, panel.highlight, panel.expected)
            self._chain()  # the numbers may have changed (a backward ran)
        else:
            self._pending = panel
