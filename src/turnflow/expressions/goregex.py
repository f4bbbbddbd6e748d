"""Go (RE2) regular expressions run on Python's ``regex`` module, for regex_match and has_pattern.

The two engines are close, but \\w \\d \\s \\b are Unicode-aware in Python and ASCII-only in
RE2, and RE2 has no lookarounds or backreferences. :func:`translate` rewrites the one into
the other and :func:`compile_go_regex` refuses what RE2 would refuse.
"""

from __future__ import annotations

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
        return regex.compile("(?mi)" + translate(pattern))
    except (regex.error, UnsupportedSyntax, ValueError, OverflowError):
        return None


def search(
    env: Environment, compiled: regex.Pattern, text: str, timeout_message: str
) -> regex.Match | None | XError:
    """``compiled.search(text)`` bounded by the environment's regex timeout."""
    try:
        return compiled.search(text, timeout=env.limits.regex_timeout)
    except TimeoutError:
        return XError(timeout_message)
