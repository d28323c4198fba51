"""A small, safe expression language for the playground: ``a = 2; b = -3; L = (a*b + 10) * -2``.

Text is read by our own tokenizer and recursive-descent parser and evaluated
with the engine; Python's ``eval`` is never involved, so nothing but numbers,
names, ``+ - * / **``, parentheses and a few functions can be expressed.

Grammar (``;`` or a new line separates statements)::

    program   := statement ((";" | NEWLINE) statement)*
    statement := NAME ("=" | "+=" | "-=" | "*=" | "/=") expr | expr
    expr      := term (("+" | "-") term)*
    term      := unary (("*" | "/") unary)*
    unary     := ("-" | "+") unary | power
    power     := postfix ("**" unary)?            # right-associative, as in Python
    postfix   := atom ("." FUNC "(" ")")*
    atom      := NUMBER | NAME | FUNC "(" expr ")" | "(" expr ")"

The exponent of ``**`` must be a plain number (the engine has no Value
exponents). Every error is an :class:`ExprError` with a message and the
position of the offending text.
"""

from __future__ import annotations

import keyword
import math
import re
from dataclasses import dataclass, field

from micrograd_tui.engine import Value

__all__ = ["ExprError", "Program", "evaluate", "FUNCTIONS", "LIMITS"]

FUNCTIONS = ("tanh", "exp", "relu", "log", "sigmoid")
LIMITS = {
    "length": 2000,  # characters of input
    "statements": 200,
    "nodes": 10_000,  # Values one program may build
    "depth": 60,  # nesting of parentheses and operators
    "exponent": 1000,  # largest |k| in x ** k
}

_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r]+)
  | (?P<newline>\n)
  | (?P<number>(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*|[-+*/]=|[-+*/()=.;])
    """,
    re.VERBOSE,
)

_REFUSED = {
    "'": "strings are not part of the language",
    '"': "strings are not part of the language",
    "[": "no subscripts or lists: only numbers, names and + - * / **",
    "]": "no subscripts or lists: only numbers, names and + - * / **",
    "{": "no dicts or sets: only numbers, names and + - * / **",
    "}": "no dicts or sets: only numbers, names and + - * / **",
    ",": "functions take one argument, and there are no tuples",
    ":": "no slices or lambdas: only numbers, names and + - * / **",
    "%": "% is not an operator here: use + - * / **",
    "@": "@ is not an operator here: use + - * / **",
    "<": "no comparisons: only + - * / **",
    ">": "no comparisons: only + - * / **",
    "!": "no comparisons: only + - * / **",
    "#": "no comments in the playground",
    "\\": "no backslashes",
}


class ExprError(ValueError):
    """A message for the learner and where in the text the problem is (0-based; None if nowhere)."""

    def __init__(self, message: str, position: int | None = None, source: str = ""):
        super().__init__(message)
        self.message = message
        self.position = position
        self.source = source

    def pointer(self) -> str:
        """The offending line with a caret under the problem, for showing under an input field."""
        if self.position is None or not self.source:
            return ""
        start = self.source.rfind("\n", 0, self.position) + 1
        end = self.source.find("\n", self.position)
        line = self.source[start: end if end != -1 else len(self.source)]
        col = self.position - start
        if len(line) > 60:  # show a window round the problem
            lo = max(0, col - 30)
            line, col = line[lo: lo + 60], col - lo
        return f"{line}\n{' ' * col}^"

    def __str__(self) -> str:
        where = f" (at character {self.position + 1})" if self.position is not None else ""
        return self.message + where


@dataclass
class Token:
    kind: str  # number, name, op, end
    text: str
    pos: int


def tokenize(source: str) -> list[Token]:
    if len(source) > LIMITS["length"]:
        raise ExprError(f"the input is {len(source):,} characters; the limit is {LIMITS['length']:,}", None, "")
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if m is None:
            ch = source[pos]
            why = _REFUSED.get(ch, f"the character {ch!r} is not part of the language")
            raise ExprError(why, pos, source)
        kind = m.lastgroup or ""
        if kind == "name" and m.group().startswith("_"):
            raise ExprError(f"names may not start with _ ({m.group()!r}): no access to Python's insides", pos, source)
        if kind == "newline":
            tokens.append(Token("op", ";", pos))
        elif kind != "space":
            tokens.append(Token(kind, m.group(), pos))
        pos = m.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


@dataclass
class Program:
    """What a program computed: its output and every name it assigned."""

    output: Value
    names: dict[str, Value] = field(default_factory=dict)
    nodes: int = 0


class _Parser:
    def __init__(self, source: str):
        self.source = source
        self.tokens = tokenize(source)
        self.i = 0
        self.depth = 0
        self.names: dict[str, Value | float] = {}
        self.nodes = 0

    # --- helpers ------------------------------------------------------------------
    def error(self, message: str, token: Token | None = None) -> ExprError:
        t = token or self.peek()
        return ExprError(message, t.pos, self.source)

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def at(self, text: str) -> bool:
        t = self.peek()
        return t.kind == "op" and t.text == text

    def expect(self, text: str, what: str) -> Token:
        if not self.at(text):
            t = self.peek()
            found = "the end" if t.kind == "end" else repr(t.text)
            raise self.error(f"expected {what}, found {found}")
        return self.take()

    def enter(self) -> None:
        self.depth += 1
        if self.depth > LIMITS["depth"]:
            raise self.error(f"nested too deeply (the limit is {LIMITS['depth']} levels)")

    def leave(self) -> None:
        self.depth -= 1

    def built(self, v: Value) -> Value:
        self.nodes += 1
        if self.nodes > LIMITS["nodes"]:
            raise ExprError(f"the program builds more than {LIMITS['nodes']:,} nodes", None, self.source)
        return v

    def apply(self, token: Token, fn, *args):
        """Run an engine op; turn its arithmetic errors into messages that point at the op."""
        try:
            v = fn(*args)
        except (OverflowError, ZeroDivisionError, ValueError) as e:
            raise ExprError(str(e), token.pos, self.source) from None
        if not math.isfinite(v.data):
            raise ExprError(f"{token.text} : the result is too large for a float", token.pos, self.source)
        return v

    # --- grammar ---------------------------------------------------------------------
    def program(self) -> Program:
        last: Value | float | None = None
        count = 0
        while True:
            while self.at(";"):
                self.take()
            if self.peek().kind == "end":
                break
            count += 1
            if count > LIMITS["statements"]:
                raise self.error(f"more than {LIMITS['statements']} statements")
            last = self.statement()
            if not (self.at(";") or self.peek().kind == "end"):
                t = self.peek()
                raise self.error(f"unexpected {t.text!r}: put ; between statements")
        if last is None:
            raise ExprError("type an expression, for example  a = 2; b = -3; L = (a*b + 10) * -2", None, self.source)
        out = last if isinstance(last, Value) else self.built(Value(last))
        names = {k: v for k, v in self.names.items() if isinstance(v, Value)}
        return Program(out, names, self.nodes)

    def statement(self):
        t = self.peek()
        after = self.tokens[self.i + 1] if t.kind == "name" else None
        if after is not None and after.kind == "op" and after.text in ("+=", "-=", "*=", "/="):
            return self.augmented(t)
        if t.kind == "name" and self.tokens[self.i + 1].kind == "op" and self.tokens[self.i + 1].text == "=":
            self.check_name(t)
            if t.text in FUNCTIONS:
                raise self.error(f"{t.text!r} is a function; pick another name", t)
            self.take()
            self.take()
            value = self.expr()
            if isinstance(value, Value):
                if value.label and value._op == "" and value is self.names.get(value.label):
                    pass  # b = a: b names the same leaf as a
                else:
                    value.label = t.text
            else:
                value = self.built(Value(value, t.text))
            self.names[t.text] = value
            return value
        return self.expr()

    def augmented(self, t: Token):
        """``c += e`` is ``c = c + (e)``: a new Value, also named c (lesson 0's code does this)."""
        self.check_name(t)
        if t.text not in self.names:
            raise self.error(f"{t.text} has no value yet: give it one first ({t.text} = ...)", t)
        self.take()
        op = self.take()
        right = self.expr()
        value = self.binary(Token("op", op.text[0], op.pos), self.names[t.text], right)
        if isinstance(value, Value):
            value.label = t.text
        else:
            value = self.built(Value(value, t.text))
        self.names[t.text] = value
        return value

    def check_name(self, t: Token) -> None:
        if keyword.iskeyword(t.text) or keyword.issoftkeyword(t.text):
            raise self.error(f"{t.text!r} is a Python keyword; the playground only has numbers, names and operators", t)
        if t.text.startswith("_"):
            raise self.error(f"names may not start with _ ({t.text!r})", t)

    def expr(self):
        self.enter()
        left = self.term()
        while self.at("+") or self.at("-"):
            op = self.take()
            right = self.term()
            left = self.binary(op, left, right)
        self.leave()
        return left

    def term(self):
        left = self.unary()
        while self.at("*") or self.at("/"):
            op = self.take()
            right = self.unary()
            left = self.binary(op, left, right)
        return left

    def unary(self):
        if self.at("-") or self.at("+"):
            op = self.take()
            self.enter()
            operand = self.unary()
            self.leave()
            if op.text == "+":
                return operand
            if isinstance(operand, Value):
                return self.built(self.apply(op, lambda v: -v, operand))
            return -operand
        return self.power()

    def power(self):
        base = self.postfix()
        if self.at("**"):
            op = self.take()
            self.enter()
            exponent = self.unary()
            self.leave()
            if isinstance(exponent, Value):
                raise self.error("the exponent of ** must be a number, not a name or Value "
                                 "(micrograd has no Value exponents)", op)
            if abs(exponent) > LIMITS["exponent"]:
                raise self.error(f"exponent {exponent:g} is too large (the limit is {LIMITS['exponent']})", op)
            if isinstance(base, Value):
                return self.built(self.apply(op, lambda b, e: b**e, base, exponent))
            return self.fold(op, base, exponent)
        return base

    def postfix(self):
        value = self.atom()
        while self.at("."):
            self.take()  # the dot
            t = self.peek()
            if t.kind != "name":
                raise self.error("a dot must be followed by a function name such as tanh", t)
            if t.text not in FUNCTIONS:
                raise self.error(f"'.{t.text}' is not allowed: only " + ", ".join(f".{f}()" for f in FUNCTIONS)
                                 + " may follow a dot", t)
            self.take()
            self.expect("(", f"'(' after .{t.text}")
            self.expect(")", f"')': .{t.text}() takes no arguments")
            value = self.call(t, value)
        return value

    def atom(self):
        t = self.peek()
        if t.kind == "number":
            self.take()
            x = float(t.text)
            if not math.isfinite(x):
                raise self.error(f"{t.text} is too large for a float", t)
            return x
        if t.kind == "name":
            self.take()
            if t.text in FUNCTIONS:
                self.expect("(", f"'(' after {t.text}")
                self.enter()
                arg = self.expr()
                self.leave()
                self.expect(")", "')'")
                return self.call(t, arg)
            self.check_name(t)
            if self.at("("):
                raise self.error(f"unknown function {t.text!r}: the functions are " + ", ".join(FUNCTIONS), t)
            if t.text not in self.names:
                raise self.error(f"{t.text!r} has no value yet: assign it first, e.g. {t.text} = 2", t)
            return self.names[t.text]
        if self.at("("):
            self.take()
            if self.at(")"):
                raise self.error("empty parentheses: put an expression inside")
            self.enter()
            value = self.expr()
            self.leave()
            self.expect(")", "')'")
            return value
        if t.kind == "end":
            raise self.error("the expression ends too early")
        raise self.error(f"unexpected {t.text!r}")

    def call(self, t: Token, arg):
        if not isinstance(arg, Value):
            arg = self.built(Value(arg))
        return self.built(self.apply(t, lambda v: getattr(v, t.text)(), arg))

    def binary(self, op: Token, left, right):
        if isinstance(left, Value) or isinstance(right, Value):
            fn = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
                  "/": lambda a, b: a / b}[op.text]
            return self.built(self.apply(op, fn, left, right))
        return self.fold(op, left, right)

    def fold(self, op: Token, a: float, b: float) -> float:
        """Arithmetic on two plain numbers, with the engine's error messages."""
        try:
            if op.text == "+":
                r = a + b
            elif op.text == "-":
                r = a - b
            elif op.text == "*":
                r = a * b
            elif op.text == "/":
                if b == 0:
                    raise ZeroDivisionError(f"/ : {a!r} / 0 divides by zero")
                r = a / b
            else:
                r = a**b
                if isinstance(r, complex):
                    raise ValueError(f"** : {a!r} ** {b!r} has no real value")
        except OverflowError:
            raise ExprError(f"{op.text} : the result is too large for a float", op.pos, self.source) from None
        except (ZeroDivisionError, ValueError) as e:
            raise ExprError(str(e), op.pos, self.source) from None
        if not math.isfinite(r):
            raise ExprError(f"{op.text} : the result is too large for a float", op.pos, self.source)
        return r


def evaluate(source: str) -> Program:
    """Parse and compute ``source``; raises :class:`ExprError` with a learner-friendly message."""
    if not isinstance(source, str):
        raise ExprError("the program must be text")
    return _Parser(source).program()
