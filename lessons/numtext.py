"""Reading a number a learner typed, and writing numbers the way the app shows them.

Typed text is never evaluated: a number is read by ``float`` after a strict
check, and ``a/b`` (two numbers) is accepted so that 2/3 can be typed exactly.
"""

from __future__ import annotations

import math
import re

__all__ = ["NumberError", "parse_number", "fmt", "MAX_INPUT"]

MAX_INPUT = 200  # characters; a number longer than this is a paste gone wrong

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


class NumberError(ValueError):
    """Typed text that is not a usable number; the message says why, for the learner."""


def _one(text: str) -> float:
    if not _NUMBER.fullmatch(text):
        if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise NumberError(f"{text!r} is not a finite number: type an ordinary number like 0.5")
        raise NumberError(f"{_clip(text)!r} is not a number: type something like 2, -0.5 or 1e-3")
    x = float(text)
    if not math.isfinite(x):
        raise NumberError(f"{_clip(text)} is too large for a float (the limit is about 1.8e308)")
    return x


def parse_number(text: str, *, lo: float | None = None, hi: float | None = None) -> float:
    """A finite float from typed text like ``-3``, ``0.001``, ``1e-3`` or ``2/3``."""
    if len(text) > MAX_INPUT:
        raise NumberError(f"that is {len(text):,} characters: a number is at most {MAX_INPUT}")
    t = "".join(text.split())  # spaces and pasted newlines mean nothing inside a number
    if not t:
        raise NumberError("type a number first")
    if "/" in t:
        top, _, bottom = t.partition("/")
        num, den = _one(top), _one(bottom)
        if den == 0:
            raise NumberError("division by zero: the number after / must not be 0")
        x = num / den
        if not math.isfinite(x):
            raise NumberError("that fraction is too large for a float")
    else:
        x = _one(t)
    if lo is not None and x < lo:
        raise NumberError(f"this must be at least {fmt(lo)}")
    if hi is not None and x > hi:
        raise NumberError(f"this must be at most {fmt(hi)}")
    return x


def _clip(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def fmt(x: float, places: int = 4) -> str:
    """A number as the app shows it: 4 decimals, scientific when tiny or huge, words for nan/inf."""
    if x != x:
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x != 0 and (abs(x) < 10 ** -places or abs(x) >= 1e9):
        return f"{x:.{places}e}"
    s = f"{x:.{places}f}"
    return "0.0000" if s == "-0.0000" else s
