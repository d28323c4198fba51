"""The worked solutions, one file per exercise in ``solutions/`` beside the starters: what the lab
shows when the learner asks, and what a test splices into the starters to prove every solution
passes its exercise's real checks (rustlings' ``dev check``)."""

from __future__ import annotations

import ast
from pathlib import Path

SOLUTIONS = Path(__file__).parent / "solutions"


def solution_source(slug: str) -> str:
    return (SOLUTIONS / f"{slug}.py").read_text(encoding="utf-8")


def _defs(tree: ast.Module) -> dict[tuple[str, str], ast.FunctionDef | ast.ClassDef]:
    """Every def by (class, name): a module's functions and classes by ("", name), methods by their class."""
    found: dict[tuple[str, str], ast.FunctionDef | ast.ClassDef] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            found[("", node.name)] = node
        elif isinstance(node, ast.ClassDef):
            methods = [n for n in node.body if isinstance(n, ast.FunctionDef)]
            found[("", node.name)] = node
            for m in methods:
                found[(node.name, m.name)] = m
    return found


def _parts(solution: str) -> list[tuple[tuple[str, str], str]]:
    """The defs a solution brings, as (where, source lines): methods of a class it only adds to (engine's
    Value), else whole functions and classes."""
    tree = ast.parse(solution)
    lines = solution.splitlines(keepends=True)
    out = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "Value":  # methods spliced into the learner's Value
            for m in node.body:
                if isinstance(m, ast.FunctionDef):
                    out.append(((node.name, m.name), "".join(lines[m.lineno - 1:m.end_lineno])))
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out.append((("", node.name), "".join(lines[node.lineno - 1:node.end_lineno])))
    return out


def solution_text(slug: str) -> str:
    """What the learner is shown: the defs, as they go into the file; the file's docstring when there are none."""
    parts = _parts(solution_source(slug))
    if not parts:
        return "# " + (ast.get_docstring(ast.parse(solution_source(slug))) or "").replace("\n", "\n# ") + "\n"
    return "\n".join(text for _, text in parts)


def splice(starter: str, slug: str) -> str:
    """``starter`` with each def of the solution in place of the starter's def of the same name."""
    tree = ast.parse(starter)
    where = _defs(tree)
    lines = starter.splitlines(keepends=True)
    spans = []
    for key, text in _parts(solution_source(slug)):
        node = where.get(key)
        if node is None:
            raise KeyError(f"the solution of {slug} has {'.'.join(k for k in key if k)}, which the starter has not")
        start = node.lineno - 1 - len(node.decorator_list)
        spans.append((start, node.end_lineno or start + 1, text))
    for start, end, text in sorted(spans, reverse=True):
        lines[start:end] = [text if text.endswith("\n") else text + "\n"]
    return "".join(lines)
