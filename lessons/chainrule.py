"""The chain rule for one node, written as the lecture writes it, with the graph's own numbers.

``dL/da = dL/de · de/da = -2.0000 · -3.0000 = 6.0000``: the output's grad with respect to the node is
the grad of each node that uses it times that node's local derivative, summed over every use (a node
used twice gets two terms). Before backward() the upstream grads are not known yet and show as ``?``.
"""

from __future__ import annotations

import math

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import op_text
from micrograd_tui.engine.value import topological_order

from .dag import count_values
from .numtext import fmt


def name(v: Value) -> str:
    return v.label or f"({op_text(v) or 'leaf'})"


LIMIT = 5_000  # nodes walked to gather every use: a bigger graph (the demo's loss, 65,000) gets no line


def users(root: Value, limit: int | None = None) -> dict[Value, list[tuple[Value, float]]] | None:
    """For every node of root's graph, each use of it: (the node that uses it, d(that)/d(it)), in the
    order the graph was built. A node used twice by the same node (a + a) has two entries. None when
    the graph has more than ``limit`` nodes: counting stops there, so a screen never waits on a graph
    it only draws in part."""
    if limit is not None and count_values(root, limit) > limit:
        return None
    found: dict[Value, list[tuple[Value, float]]] = {}
    for v in topological_order(root):
        found.setdefault(v, [])
        if v._a is not None:
            found[v._a].append((v, v._da))
        if v._b is not None:
            found[v._b].append((v, v._db))
    return found


def chain_rule(root: Value, node: Value, uses: dict[Value, list[tuple[Value, float]]] | None = None) -> str:
    """The line for ``node``; ``uses`` (from :func:`users`) saves walking the graph again."""
    out = name(root)
    if node is root:
        return f"d{out}/d{out} = 1: backward() starts here" if root.grad else f"d{out}/d{out} = ?: before backward()"
    known = root.grad != 0  # before backward() every grad is 0: the upstream numbers are not in yet
    terms = (uses if uses is not None else users(root) or {}).get(node, [])
    if not terms:
        return f"d{out}/d{name(node)}: not part of {out}'s graph"
    me = name(node)
    symbols = " + ".join(f"d{out}/d{name(u)} · d{name(u)}/d{me}" for u, _ in terms)
    if len(terms) == 1:
        u, local = terms[0]
        numbers = f"{fmt(u.grad) if known else '?'} · {fmt(local)}"
    else:
        numbers = " + ".join(fmt(u.grad * local) if known else f"? · {fmt(local)}" for u, local in terms)
    if not known:
        return f"d{out}/d{me} = {symbols} = {numbers} = ?"
    total = sum(u.grad * local for u, local in terms)
    line = f"d{out}/d{me} = {symbols} = {numbers} = {fmt(total)}"
    if not math.isclose(total, node.grad, rel_tol=1e-9, abs_tol=1e-12):
        line += f", but {me}.grad holds {fmt(node.grad)}"  # a backward with = for +=, or run twice
    return line
