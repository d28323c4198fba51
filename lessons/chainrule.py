"""The chain rule for one node, written as the lecture writes it, with the graph's own numbers.

``dL/da = dL/de · b = -2.0000 · -3.0000 = 6.0000``: the output's grad with respect to the node is
the grad of each node that uses it times that node's local derivative, summed over every use (a node
used twice gets two terms). Before backward() the upstream grads are not known yet and show as ``?``.
"""

from __future__ import annotations

import math

from micrograd_tui.engine import Value
from micrograd_tui.engine.value import topological_order

from .names import bracketed, count_values, name_of, short, value_names
from .numtext import fmt


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


def local_factor(user: Value, node: Value, first: bool, names: dict[Value, str]) -> str:
    """d(user)/d(node) written as what it is, as the lecture writes it: 1 for +, the other factor for *,
    1 - o² for tanh, the output itself for exp, 1/x for log. ``first``: node is user's first operand."""
    me, out = bracketed(name_of(node, names)), bracketed(name_of(user, names))
    op = user._op
    if op == "+":
        return "1"
    if op == "*":
        other = user._b if first else user._a
        return bracketed(name_of(other, names)) if other is not None else short(user._db)
    if op.startswith("**"):
        k = user._db
        return f"{short(k)}·{me}" if k == 2 else f"{short(k)}·{me}**{short(k - 1)}"
    if op == "tanh":
        return f"1 - {out}²"
    if op == "exp":
        return out
    if op == "log":
        return f"1/{me}"
    if op == "sigmoid":
        return f"{out}·(1 - {out})"
    if op == "ReLU":
        return f"[{me} > 0]"
    return f"d{out}/d{me}"


def chain_rule(root: Value, node: Value, uses: dict[Value, list[tuple[Value, float]]] | None = None,
               names: dict[Value, str] | None = None) -> str:
    """The line for ``node``: ``dL/da = dL/de · b = -2.0000 · -3.0000 = 6.0000``, each side a different
    quantity (the upstream grad, then the local factor by name). ``uses`` (from :func:`users`) and
    ``names`` (from :func:`~.names.value_names`) save walking the graph again."""
    names = names if names is not None else value_names(root)
    out = bracketed(name_of(root, names))
    if node is root:
        return f"d{out}/d{out} = 1: backward() starts here" if root.grad else f"d{out}/d{out} = ?: before backward()"
    known = root.grad != 0  # before backward() every grad is 0: the upstream numbers are not in yet
    terms = (uses if uses is not None else users(root) or {}).get(node, [])
    me = bracketed(name_of(node, names))
    if not terms:
        return f"d{out}/d{me}: not part of {out}'s graph"
    firsts: dict[Value, int] = {}
    symbols = []
    for u, _ in terms:
        first = u._a is node and firsts.get(u, 0) == 0  # a * a: the first use, then the second
        firsts[u] = firsts.get(u, 0) + 1
        symbols.append(f"d{out}/d{bracketed(name_of(u, names))} · {bracketed(local_factor(u, node, first, names))}")
    if len(terms) == 1:
        u, local = terms[0]
        numbers = f"{fmt(u.grad) if known else '?'} · {fmt(local)}"
    else:
        numbers = " + ".join(fmt(u.grad * local) if known else f"? · {fmt(local)}" for u, local in terms)
    line = f"d{out}/d{me} = {' + '.join(symbols)} = {numbers}"
    if not known:
        return f"{line} = ?"
    total = sum(u.grad * local for u, local in terms)
    line += f" = {fmt(total)}"
    if not math.isclose(total, node.grad, rel_tol=1e-9, abs_tol=1e-12):
        line += f", but {me}.grad holds {fmt(node.grad)}"  # a backward with = for +=, or run twice
    return line
