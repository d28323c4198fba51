"""Looking inside an expression graph: nodes, edges, order, step-by-step backward, DOT.

These are for showing and teaching; the engine's own ``backward`` does not use them.
"""

from __future__ import annotations

from typing import Iterator

from .value import Value, gc_paused, topological_order

__all__ = [
    "children",
    "nodes_and_edges",
    "node_count",
    "leaves",
    "zero_grads",
    "topological_order",
    "backward_steps",
    "backward_overwrite",
    "op_text",
    "local_rule",
    "number_operand",
    "to_dot",
]


def children(v: Value) -> tuple[Value, ...]:
    """The Values ``v`` was computed from, first operand first."""
    return v._prev


def number_operand(v: Value) -> float | None:
    """The plain number folded into ``v`` (the 2 in ``a * 2``), or None."""
    if v._a is not None and v._b is None and v._op in ("+", "*"):
        return v._db
    return None


def op_text(v: Value) -> str:
    """The op that made ``v`` as the tree shows it: ``+``, ``*``, ``tanh``, ``**2``, ``* -1``."""
    if v._op.startswith("**"):  # the exponent as it was written: **2, not **2.0
        return f"**{_short(v._db)}"
    k = number_operand(v)
    if k is None:
        return v._op
    return f"{v._op} {_short(k)}"


def _short(x: float) -> str:
    return f"{x:g}" if x == x and abs(x) < 1e16 else repr(x)


def nodes_and_edges(root: Value) -> tuple[list[Value], list[tuple[Value, Value]]]:
    """All nodes (inputs first) and every edge as (input, node built from it)."""
    nodes = topological_order(root)
    edges = [(child, v) for v in nodes for child in v._prev]
    return nodes, edges


def node_count(root: Value) -> int:
    """How many distinct nodes the graph holds."""
    return len(topological_order(root))


def leaves(root: Value) -> list[Value]:
    """The graph's inputs (nodes no op made), in topological order."""
    return [v for v in topological_order(root) if v._a is None]


def zero_grads(root: Value) -> None:
    """Set every grad in the graph to 0: what to do before running ``backward`` on it again."""
    for v in topological_order(root):
        v.grad = 0.0


def backward_steps(root: Value, *, skip_leaves: bool = True) -> Iterator[Value]:
    """Backward one node at a time: seeds ``root.grad = 1``, then runs each node's
    ``_backward`` in reverse topological order and yields that node after it ran.

    Leaves have nothing to pass on; they are skipped unless ``skip_leaves=False``.
    """
    topo = topological_order(root)
    root.grad = 1.0
    for v in reversed(topo):
        if v._a is None and skip_leaves:
            continue
        v._backward()
        yield v


def backward_overwrite(root: Value) -> None:
    """The lecture's bug: backward with ``=`` instead of ``+=``.

    A node used twice keeps only the last contribution, so its grad is wrong.
    Only for showing the bug; use ``root.backward()`` for real work.
    """
    with gc_paused():
        topo = topological_order(root)
        root.grad = 1.0
        for v in reversed(topo):
            a, b = v._a, v._b
            if a is not None:
                a.grad = v._da * v.grad
                if b is not None:
                    b.grad = v._db * v.grad


_RULES = {
    "+": "+ passes the gradient through: each input gets out.grad",
    "*": "* swaps the operands: a gets b·out.grad, b gets a·out.grad",
    "tanh": "tanh: input gets (1 - t²)·out.grad, with t = tanh(x)",
    "exp": "exp: input gets eˣ·out.grad (d/dx eˣ = eˣ)",
    "ReLU": "ReLU: input gets out.grad where x > 0, else 0",
    "log": "log: input gets (1/x)·out.grad",
    "sigmoid": "sigmoid: input gets s(1 - s)·out.grad",
}


def local_rule(v: Value) -> str:
    """One line saying how ``v``'s gradient reaches its inputs."""
    if v._a is None:
        return "a leaf: nothing to pass on"
    if v._op.startswith("**"):
        n = _short(v._db)
        return f"**{n}: input gets {n}·x^({n}-1)·out.grad (the power rule)"
    if v._op == "*" and v._b is None:
        return f"* by the number {_short(v._db)}: input gets {_short(v._db)}·out.grad"
    return _RULES.get(v._op, v._op)


def to_dot(root: Value, *, rankdir: str = "LR") -> str:
    """The graph as Graphviz DOT text: a record per node (label | data | grad), an op node per op."""
    nodes = topological_order(root)
    ids = {v: f"n{i}" for i, v in enumerate(nodes)}
    lines = ["digraph micrograd {", f"  rankdir={rankdir};"]
    for v in nodes:
        nid = ids[v]
        label = _dot_escape(v.label)
        lines.append(
            f'  {nid} [shape=record, label="{{ {label} | data {v.data:.4f} | grad {v.grad:.4f} }}"];'
        )
        if v._op:
            lines.append(f'  {nid}_op [label="{_dot_escape(op_text(v))}"];')
            lines.append(f"  {nid}_op -> {nid};")
    for v in nodes:
        for child in v._prev:
            lines.append(f"  {ids[child]} -> {ids[v]}_op;")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in '{}|<>"\\ ':
            out.append("\\" + ch)
        elif ch in "\n\r":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)
