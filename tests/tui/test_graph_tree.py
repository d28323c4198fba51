"""The graph tree: row layout, shared nodes, lazy loading of big graphs, in-place refresh."""

from rich.style import Style
from textual.app import App

from micrograd_tui.engine import MLP, Trainer, Value
from micrograd_tui.engine.data import make_moons
from micrograd_tui.engine.graph import node_count
from micrograd_tui.tui.panels.graph import NUM_W, GraphTree, NodeRef, row_text


def test_row_has_name_op_and_aligned_columns():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    e = a * b
    e.label = "e"
    for width in (40, 60):
        text = row_text(NodeRef(e, 0, False, ()), width, expanded=True).plain
        assert len(text) == width
        assert text.startswith("▾ e [*]")
        assert text[-2 * NUM_W:] == f"{'-6.0000':>{NUM_W}}{'0.0000':>{NUM_W}}"


def test_repeated_node_is_marked_as_a_reference():
    a = Value(3.0, "a")
    text = row_text(NodeRef(a, 1, True, (1,)), 40).plain
    assert text.startswith("↑ a") and "(above)" in text


def test_folded_number_is_shown_in_the_op():
    a = Value(2.0, "a")
    assert "[* 2]" in row_text(NodeRef(a * 2, 0, False, ()), 40).plain


class TreeApp(App):
    def compose(self):
        yield GraphTree()


async def test_shared_node_shown_once_in_full():
    a = Value(3.0, "a")
    b = a + a
    b.label = "b"
    app = TreeApp()
    async with app.run_test(size=(80, 20)) as pilot:
        tree = app.query_one(GraphTree)
        tree.show(b)
        await pilot.pause()
        kids = tree.root.children
        assert [k.data.is_ref for k in kids] == [False, True]


def demo_loss():
    X, y = make_moons(100)
    t = Trainer(MLP(2, [16, 16, 1], flavour="micrograd", seed=1), X, y, loss="svm")
    loss, _ = t.forward()
    return loss


async def test_a_65000_node_graph_opens_lazily_and_refreshes_in_place():
    loss = demo_loss()
    assert node_count(loss) > 60_000
    app = TreeApp()
    async with app.run_test(size=(100, 30)) as pilot:
        tree = app.query_one(GraphTree)
        tree.show(loss)
        await pilot.pause()
        assert len(tree._rows) < 100  # only what is open was built
        deep = tree.root.children[0]
        deep.expand()
        await pilot.pause()
        opened = {n.data.path for n in tree._rows if n.is_expanded}
        loss.backward()
        tree.show(loss)  # same root: values refresh, expansion stays
        await pilot.pause()
        assert {n.data.path for n in tree._rows if n.is_expanded} == opened
        assert tree.render_label(tree.root, Style(), Style()).plain.endswith("1.0000")  # grad now shown


def chain_lines(app) -> str:
    """The chain-rule lines under the graphs' headers, as written (the screen wraps them)."""
    from micrograd_tui.tui.panels.graph import ChainLine

    return "\n".join(str(line.render()) for line in app.query(ChainLine) if line.display)


async def test_the_chain_rule_of_the_node_under_the_cursor_is_written_with_its_numbers():
    from conftest import make_app, settle, wait_for

    app = make_app("reuse-bug")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("o")  # accumulate: the right grads
        assert await wait_for(pilot, lambda: type(app.focused).__name__ == "DagView")
        await pilot.press("left")  # b = a + a: from b to a, along the edge
        assert await wait_for(pilot, lambda: "db/da = db/db · 1 + db/db · 1 = 1.0000 + 1.0000 = 2.0000"
                              in chain_lines(app))
        await pilot.press("o")  # overwrite, the bug: the chain rule says 2, the grad holds 1
        await settle(pilot)
        await pilot.press("left")  # a new graph was built: from its output to a again
        assert await wait_for(pilot, lambda: "but a.grad holds 1.0000" in chain_lines(app))
        await pilot.press("L")  # the same in the tree
        assert await wait_for(pilot, lambda: type(app.focused).__name__ == "GraphTree")
        await pilot.press("home", "down")
        assert await wait_for(pilot, lambda: "but a.grad holds 1.0000" in chain_lines(app))
        await pilot.press("L")
        assert await wait_for(pilot, lambda: type(app.focused).__name__ == "DagView")


async def test_no_chain_rule_where_writing_it_would_give_the_answer():
    from conftest import make_app, screen_text, settle

    app = make_app("manual-backprop")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1", "enter", "escape", "down")
        await settle(pilot)
        assert "dL/dd = dL/dL" not in screen_text(app) and chain_lines(app) == ""


async def test_before_the_cursor_moves_each_graph_writes_its_outputs_line():
    from conftest import make_app, settle, wait_for

    app = make_app("breaking-up-tanh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert await wait_for(pilot, lambda: chain_lines(app).count("do/do = 1: backward() starts here") == 2)
