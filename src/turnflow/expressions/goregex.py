"""Go (RE2) regular expressions run on Python's ``regex`` module, for regex_match and has_pattern.

The two engines are close, but \\w \\d \\s \\b are Unicode-aware in Python and ASCII-only in
RE2, and RE2 has no lookarounds or backreferences. :func:`translate` rewrites the one into
the other and :func:`compile_go_regex` refuses what RE2 would refuse.
"""

from __future__ import annotations

import time
from contextvars import ContextVar, Token
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from .values import XError

if TYPE_CHECKING:
    from .environment import Environment

_ASCII_CLASSES_OUTSIDE = {
    "w": "[0-9A-Za-z_]",
    "W": "[^0-9A-Za-z_]",
    "d": "[0-9]",
    "D": "[^0-9]",
    "s": "[\\t\\n\\f\\r ]",
    "S": "[^\\t\\n\\f\\r ]",
    "b": "(?:(?<=[0-9A-Za-z_])(?![0-9A-Za-z_])|(?<![0-9A-Za-z_])(?=[0-9A-Za-z_]))",
    "B": "(?:(?<=[0-9A-Za-z_])(?=[0-9A-Za-z_])|(?<![0-9A-Za-z_])(?![0-9A-Za-z_]))",
    "z": "\\Z",
}
_ASCII_CLASSES_INSIDE = {
    "w": "0-9A-Za-z_",
    "W": "\\x00-\\x2f\\x3a-\\x40\\x5b-\\x5e\\x60\\x7b-\\U0010ffff",
    "d": "0-9",
    "D": "\\x00-\\x2f\\x3a-\\U0010ffff",
    "s": "\\t\\n\\f\\r ",
    "S": "\\x00-\\x08\\x0b\\x0e-\\x1f\\x21-\\U0010ffff",
}


class UnsupportedSyntax(Exception):
    """A pattern RE2 would not compile (lookarounds, backreferences, possessive repeats)."""


MAX_REPEAT = 1000  # RE2 refuses a{1001} ("invalid repeat count")
MAX_NESTING = 200  # RE2 refuses nesting over 1000; Python's regex compiler overflows near 350
MAX_PROGRAM_SIZE = 250_000  # RE2 refuses ~3.3M instructions; 1M takes ~0.5 s to compile here

_REPEAT = regex.compile(r"\{([0-9]+)(,([0-9]*))?\}")


def check_limits(pattern: str) -> None:
    """Refuse, before compiling, what would make the compiler slow or deep: repeat counts
    over 1000 (as RE2 does), groups nested too deeply, and patterns whose repeats multiply
    into a huge program (``((a{1000}){1000}){1000}``). Sizes follow RE2's idea: a literal or
    class is 1, ``x{n,m}`` is x times max(n, m)."""
    stack: list[list[int]] = [[]]  # per open group: sizes of its items so far
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        items = stack[-1]
        if ch == "\\":
            end = i + 2
            if pattern.startswith("\\Q", i):
                close = pattern.find("\\E", i + 2)
                end = n if close < 0 else close + 2
            elif i + 2 < n and pattern[i + 1] in "pPx" and pattern[i + 2] == "{":
                close = pattern.find("}", i + 3)
                end = n if close < 0 else close + 1
            items.append(1)
            i = end
        elif ch == "[":
            i = _class_end(pattern, i)
            items.append(1)
        elif ch == "(":
            stack.append([])
            if len(stack) > MAX_NESTING:
                raise UnsupportedSyntax("expression nests too deeply")
            i += 1
        elif ch == ")":
            if len(stack) > 1:
                group = stack.pop()
                stack[-1].append(max(1, sum(group)))
            i += 1
        elif ch == "{":
            match = _REPEAT.match(pattern, i)
            if match is None:
                items.append(1)  # a literal brace
                i += 1
                continue
            low = int(match.group(1))
            high = low if match.group(2) is None else int(match.group(3) or low + 1)
            if low > MAX_REPEAT or high > MAX_REPEAT or high < low:
                raise UnsupportedSyntax("invalid repeat count")
            if items:
                items[-1] *= max(high, 1)
                if items[-1] > MAX_PROGRAM_SIZE:
                    raise UnsupportedSyntax("expression too large")
            i = match.end()
        else:
            if ch not in "*+?|":
                items.append(1)
            i += 1
    while len(stack) > 1:
        group = stack.pop()
        stack[-1].append(max(1, sum(group)))
    if sum(stack[0]) > MAX_PROGRAM_SIZE:
        raise UnsupportedSyntax("expression too large")


def _class_end(pattern: str, start: int) -> int:
    """The index after the character class opening at ``start``."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1  # a leading ] is a literal
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        if pattern.startswith("[:", i):
            close = pattern.find(":]", i + 2)
            if close > 0:
                i = close + 2
                continue
        if pattern[i] == "]":
            return i + 1
        i += 1
    return i


def translate(pattern: str) -> str:
    """Rewrite a Go RE2 pattern so Python's regex module matches the same text."""
    out: list[str] = []
    i = 0
    n = len(pattern)
    in_class = False
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            table = _ASCII_CLASSES_INSIDE if in_class else _ASCII_CLASSES_OUTSIDE
            if nxt in table:
                out.append(table[nxt])
                i += 2
                continue
            if nxt in "123456789" or nxt in "ZkgGK":
                raise UnsupportedSyntax(f"invalid escape sequence: \\{nxt}")
            if nxt == "Q":
                end = pattern.find("\\E", i + 2)
                literal = pattern[i + 2 :] if end < 0 else pattern[i + 2 : end]
                out.append(regex.escape(literal))
                i = n if end < 0 else end + 2
                continue
            if nxt == "x" and i + 2 < n and pattern[i + 2] == "{":
                close = pattern.find("}", i + 3)
                if close < 0:
                    raise UnsupportedSyntax("invalid escape sequence")
                out.append(f"\\U{int(pattern[i + 3 : close] or 'x', 16):08x}")
                i = close + 1
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]" and not _class_just_opened(out):
                in_class = False
            elif ch == "[" and pattern.startswith("[:", i):
                close = pattern.find(":]", i + 2)
                if close > 0:
                    out.append(pattern[i : close + 2])
                    i = close + 2
                    continue
            out.append(ch)
            i += 1
            continue
        if ch == "[":
            in_class = True
            out.append(ch)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < n and pattern[i] == "]":
                out.append("\\]")  # a leading ] is a literal in RE2
                i += 1
            continue
        if ch == "(" and pattern.startswith(("(?=", "(?!", "(?<=", "(?<!", "(?>"), i):
            raise UnsupportedSyntax("invalid or unsupported Perl syntax")
        if ch in "*+?}" and i + 1 < n and pattern[i + 1] == "+":
            raise UnsupportedSyntax("invalid nested repetition operator")
        out.append(ch)
        i += 1
    return "".join(out)


def _class_just_opened(out: list[str]) -> bool:
    return bool(out) and (out[-1] == "[" or (out[-1] == "^" and len(out) > 1 and out[-2] == "["))


@lru_cache(maxsize=256)
def compile_go_regex(pattern: str) -> regex.Pattern | None:
    """A Go-syntax pattern compiled with goflow's ``(?mi)`` flags, or None if it is invalid."""
    try:
        check_limits(pattern)
        return regex.compile("(?mi)" + translate(pattern))
    except (regex.error, UnsupportedSyntax, ValueError, OverflowError, RecursionError):
        return None


class RegexBudget:
    """Seconds of regex matching left to a sprint or an evaluation in all: a timeout per
    match is not enough when a loop or a router's hundred cases run a slow pattern again and
    again (RE2, goflow's engine, never backtracks; Python's regex module can)."""

    __slots__ = ("left",)

    def __init__(self, seconds: float) -> None:
        self.left = seconds


_BUDGET: ContextVar[RegexBudget | None] = ContextVar("turnflow_regex_budget", default=None)


class budget_scope:  # noqa: N801 (used as ``with budget_scope(b):``, like a function)
    """Within it, regex matching draws on ``budget`` (None: a new budget of ``seconds`` if
    none is in force yet, else the one in force)."""

    __slots__ = ("budget", "token")

    def __init__(self, budget: RegexBudget | None, seconds: float = 0.0) -> None:
        if budget is None and _BUDGET.get() is None:
            budget = RegexBudget(seconds)
        self.budget = budget
        self.token: Token[RegexBudget | None] | None = None

    def __enter__(self) -> None:
        if self.budget is not None:
            self.token = _BUDGET.set(self.budget)

    def __exit__(self, *exc: object) -> None:
        if self.token is not None:
            _BUDGET.reset(self.token)


def search(
    env: Environment, compiled: regex.Pattern, text: str, timeout_message: str
) -> regex.Match | None | XError:
    """``compiled.search(text)`` bounded by the environment's regex timeout, and by the
    regex budget in force (see RegexBudget)."""
    timeout = env.limits.regex_timeout
    budget = _BUDGET.get()
    if budget is None:
        try:
            return compiled.search(text, timeout=timeout)
        except TimeoutError:
            return XError(timeout_message)
    if budget.left <= 0:
        return XError(timeout_message)
    start = time.monotonic()
    try:
        return compiled.search(text, timeout=min(timeout, budget.left))
    except TimeoutError:
        return XError(timeout_message)
    finally:
        budget.left -= time.monotonic() - start
