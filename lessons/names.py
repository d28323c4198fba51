"""What each Value of a graph is called on screen: one name per value, the same in its box, the tree,
the chain-rule line and the messages.

A value's label is its name. Values with the same label are told apart by a subscript, in the
order the graph made them (c₁, c₂, then c): the last keeps the bare name, as the code's variable
does once it has run (``c += 1`` makes a new c). A value with no label is
named by what made it, ``(x1*w1)``, ``tanh(n)``, bracketed where it is compound, when that stays
short; else by its op (``(+)``), subscripted like the rest when two read the same.
"""

from __future__ import annotations

from collections import Counter

from micrograd_tui.engine import Value
from micrograd_tui.engine.graph import number_operand, op_text
from micrograd_tui.engine.value import topological_order


LIMIT = 5_000  # a bigger graph's values go by their labels alone (the demo's loss has 65,000)
LONGEST = 16  # characters of an expression used as a name; a longer one is named by its op
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_FUNCTIONS = ("tanh", "exp", "log", "ReLU", "sigmoid")


def count_values(root: Value, limit: int) -> int:
    """How many Values root's graph has, counting no further than limit + 1."""
    seen, stack = {root}, [root]
    while stack and len(seen) <= limit:
        for child in stack.pop()._prev:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return len(seen)


def short(x: float) -> str:
    return f"{x:g}"


def _expression(v: Value, names: dict[Value, str]) -> str:
    """``v`` written from its inputs' names: (a + b), (x1*w1), (x**2), tanh(n); a leaf by its number."""
    if v._a is None:
        return short(v.data)
    a = names[v._a]
    b = names[v._b] if v._b is not None else None
    k = number_operand(v)
    if v._op in _FUNCTIONS:
        return f"{v._op}{a}" if _enclosed(a) else f"{v._op}({a})"
    if v._op.startswith("**"):
        return f"({a}{op_text(v)})"
    other = b if b is not None else short(k) if k is not None else "?"
    return f"({a} + {other})" if v._op == "+" else f"({a}*{other})" if v._op == "*" else f"({op_text(v)})"


def value_names(root: Value, limit: int = LIMIT) -> dict[Value, str]:
    """Every value of root's graph and its name on screen (empty for a graph over ``limit`` values:
    then each value goes by its label, see :func:`name_of`)."""
    if count_values(root, limit) > limit:
        return {}
    order = topological_order(root)
    labels = Counter(v.label for v in order if v.label)
    seen: Counter[str] = Counter()
    names: dict[Value, str] = {}
    for v in order:
        if v.label:
            seen[v.label] += 1  # the last one made keeps the bare name, as the code's variable does at the end
            earlier = seen[v.label] < labels[v.label]
            names[v] = v.label + (str(seen[v.label]).translate(_SUBSCRIPT) if earlier else "")
    unnamed = [v for v in order if not v.label]
    for _ in range(6):  # an expression uses its inputs' final names: again until no name changes
        shown = dict(names)  # this round reads the names the last round gave
        base = {}
        for v in unnamed:
            text = _expression(v, shown)
            base[v] = text if len(text) <= LONGEST else f"({op_text(v)})"
            shown.setdefault(v, base[v])
        taken = Counter(base.values()) + Counter(names[v] for v in order if v.label)
        count: Counter[str] = Counter()
        changed = False
        for v in unnamed:  # two that read the same: subscripts, in the order the graph made them
            text = base[v]
            if taken[text] > 1:
                count[text] += 1
                text += str(count[text]).translate(_SUBSCRIPT)
            changed |= names.get(v) != text
            names[v] = text
        if not changed:
            break
    return names


def name_of(v: Value, names: dict[Value, str] | None = None) -> str:
    """``v``'s name from ``names`` (:func:`value_names`), else its label, else its op."""
    if names and v in names:
        return names[v]
    return v.label or f"({op_text(v) or short(v.data)})"


def bracketed(name: str) -> str:
    """A name as it stands after d or in a product: in brackets when it is compound (``d(x1w1+x2w2)``,
    ``· (1 - o²)``); a plain name, a number, or one already bracketed stays as it is."""
    core = name.rstrip("₀₁₂₃₄₅₆₇₈₉")
    try:
        if float(core) >= 0:
            return name
    except ValueError:
        pass
    if core.replace("_", "").isalnum() or _enclosed(core) or (core.startswith("[") and core.endswith("]")) or (core.endswith(")") and _enclosed(core[core.find("("):])
                                                             and core[:core.find("(")].isalpha()):
        return name
    return f"({name})"


def _enclosed(text: str) -> bool:
    """``text`` is one bracketed whole: ``(a + b)``, not ``(a) + (b)``."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i < len(text) - 1:
            return False
    return True
