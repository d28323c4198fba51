"""``micrograd-tui graph "EXPR"``: print an expression's graph as the lecture draws it (boxes left to right), as a tree, or as DOT."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from micrograd_tui.engine import Value
from micrograd_tui.lessons.dag import LIMIT, fits, layout
from micrograd_tui.lessons.language import ExprError, evaluate
from micrograd_tui.engine.graph import to_dot
from micrograd_tui.lessons.numtext import fmt

from .node_text import node_name
from .oneline import OneLineParser


def _label(v: Value, repeat: bool) -> Text:
    mark = "↑ " if repeat else ""
    return Text.assemble(mark, node_name(v, repeat), "   data ", (fmt(v.data), "bold"), "   grad ",
                         (fmt(v.grad), "bold"))


def rich_tree(root: Value) -> Tree:
    """The graph rooted at its output; a node seen before is shown again as a marked reference."""
    seen: set[int] = set()
    tree = Tree(_label(root, False))
    seen.add(id(root))
    stack = [(root, tree)]
    while stack:
        v, branch = stack.pop()
        children = []
        for child in v._prev:
            repeat = id(child) in seen
            seen.add(id(child))
            sub = branch.add(_label(child, repeat))
            if not repeat:
                children.append((child, sub))
        stack.extend(reversed(children))
    return tree


def main(argv: list[str]) -> int:
    p = OneLineParser(prog="micrograd-tui graph",
                                description="Print an expression's graph with its data and grads.")
    p.add_argument("expr", help='statements such as "a=2; b=a*a; b.tanh()"')
    p.add_argument("--layout", choices=("dag", "tree"), default=None,
                   help="dag: boxes left to right, as the lecture draws it (the default, up to "
                        f"{LIMIT} values); tree: a row per node (the default for a bigger graph)")
    p.add_argument("--dot", action="store_true", help="print Graphviz DOT instead")
    p.add_argument("--no-backward", action="store_true", help="do not run backward (every grad stays 0)")
    args = p.parse_args(argv)
    try:
        program = evaluate(args.expr)
    except ExprError as e:
        pointer = e.pointer()
        print(f"micrograd-tui graph: {e}" + (f"\n{pointer}" if pointer else ""), file=sys.stderr)
        return 2
    if not args.no_backward:
        program.output.backward()
    root = program.output
    if args.dot:
        sys.stdout.write(to_dot(root))
    elif args.layout == "dag" or (args.layout is None and fits(root)):
        if not fits(root):
            print(f"micrograd-tui graph: the graph has more than {LIMIT} values, too many to read as boxes; "
                  "--layout tree draws it as a tree", file=sys.stderr)
            return 2
        sys.stdout.write(layout(root).text() + "\n")
    else:
        Console().print(rich_tree(root))
    return 0
