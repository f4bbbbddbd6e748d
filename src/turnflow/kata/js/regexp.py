"""JavaScript regular expressions (``/.../flags`` literals and ``RegExp(...)``) on the ``regex``
module, with a time limit so that no pattern can hang a conversation.

The pattern is translated where JavaScript and Python differ: ``\\d`` and ``\\w`` are ASCII in
JavaScript, ``$`` without the ``m`` flag matches only at the very end, ``\\k<name>`` is a named
back-reference, ``[^]`` matches any character and ``[]`` nothing.
"""

from __future__ import annotations

from typing import Any

import regex

from turnflow.expressions.goregex import UnsupportedSyntax, check_limits
from turnflow.kata.js.errors import JsRuntimeError
from turnflow.kata.js.values import UNDEFINED, HostObject, to_js_string

REGEX_TIMEOUT = 0.25  # seconds one match may take

_FLAGS = {"i": regex.IGNORECASE, "m": regex.MULTILINE, "s": regex.DOTALL}
_CLASS_ESCAPES = {"d": "0-9", "w": "A-Za-z0-9_"}
_ESCAPES = {"d": "[0-9]", "D": "[^0-9]", "w": "[A-Za-z0-9_]", "W": "[^A-Za-z0-9_]"}


def translate(body: str, flags: str) -> str:
    """The ``regex`` pattern for the JavaScript pattern ``body`` with ``flags``."""
    out: list[str] = []
    i = 0
    n = len(body)
    in_class = False
    multiline = "m" in flags
    while i < n:
        c = body[i]
        if c == "\\" and i + 1 < n:
            e = body[i + 1]
            if in_class and e in _CLASS_ESCAPES:
                out.append(_CLASS_ESCAPES[e])
            elif not in_class and e in _ESCAPES:
                out.append(_ESCAPES[e])
            elif e == "k" and body.startswith("<", i + 2):
                close = body.find(">", i + 3)
                if close < 0:
                    raise ValueError("invalid named reference")
                out.append(f"(?P={body[i + 3 : close]})")
                i = close + 1
                continue
            elif e == "u" and body.startswith("{", i + 2):
                close = body.find("}", i + 3)
                if close < 0:
                    raise ValueError("invalid unicode escape")
                out.append(f"\\U{int(body[i + 3 : close], 16):08x}")
                i = close + 1
                continue
            elif e == "/":
                out.append("/")
            else:
                out.append(body[i : i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            elif c == "[":
                out.append("\\[")  # a literal '[' in a JS class; regex would nest classes
                i += 1
                continue
            out.append(c)
        elif c == "[":
            if body.startswith("[^]", i):
                out.append(r"[\s\S]")
                i += 3
                continue
            if body.startswith("[]", i):
                out.append("(?!)")
                i += 2
                continue
            in_class = True
            out.append(c)
            if body.startswith("^", i + 1):
                out.append("^")
                i += 1
        elif c == "$" and not multiline:
            out.append(r"\Z")
        else:
            out.append(c)
        i += 1
    return "".join(out)


class JsRegExp(HostObject):
    """A compiled regular expression; ``global`` says whether ``g`` was given."""

    __slots__ = ("source", "flags", "pattern", "is_global")

    def __init__(self, source: str, flags: str) -> None:
        bad = set(flags) - set("gimsuy")
        if bad or len(set(flags)) != len(flags):
            raise ValueError(f"Invalid flags supplied to RegExp constructor '{flags}'")
        self.source = source
        self.flags = flags
        self.is_global = "g" in flags
        f = regex.V0
        for ch in flags:
            f |= _FLAGS.get(ch, 0)
        try:
            translated = translate(source, flags)
            # RE2's bounds (repeats over 1000, deep nesting, repeats multiplying into a huge
            # program) before compiling: `a{1000000000}` would take gigabytes to compile
            check_limits(translated)
            self.pattern = regex.compile(translated, f)
        except UnsupportedSyntax as exc:
            raise ValueError(f"Invalid regular expression: /{source}/: {exc} (turnflow's "
                             "limits: repeats up to 1000, as RE2)") from None
        except (regex.error, ValueError, OverflowError, RecursionError) as exc:
            raise ValueError(f"Invalid regular expression: /{source}/: {exc}") from None

    def js_string(self) -> str:
        return f"/{self.source}/{self.flags}"

    def get_property(self, name: str) -> Any:
        if name == "source":
            return self.source
        if name == "flags":
            return self.flags
        if name == "global":
            return self.is_global
        if name == "ignoreCase":
            return "i" in self.flags
        if name == "multiline":
            return "m" in self.flags
        if name == "lastIndex":
            return 0
        if name == "test":
            return _method("test", lambda args: self.search(_subject(args)) is not None)
        if name == "exec":
            return _method("exec", lambda args: _match_list(self.search(_subject(args))))
        return super().get_property(name)

    # every use of the pattern goes through these, under the time limit

    def search(self, text: str, pos: int = 0) -> Any:
        try:
            return self.pattern.search(text, pos, timeout=REGEX_TIMEOUT)
        except TimeoutError:
            raise self._timeout() from None

    def finditer(self, text: str) -> list[Any]:
        try:
            return list(self.pattern.finditer(text, timeout=REGEX_TIMEOUT))
        except TimeoutError:
            raise self._timeout() from None

    def _timeout(self) -> JsRuntimeError:
        return JsRuntimeError(f"Regular expression {self.js_string()} took too long")


def _subject(args: list[Any]) -> str:
    return to_js_string(args[0] if args else UNDEFINED)


def _match_list(m: Any) -> list[Any] | None:
    """A match as JavaScript's array: the whole match, then each group (undefined when it
    took no part). Stateless: ``lastIndex`` is not kept, so ``exec`` finds the first match."""
    if m is None:
        return None
    return [m.group(0), *(UNDEFINED if g is None else g for g in m.groups())]


def _method(name: str, fn: Any) -> Any:
    from turnflow.kata.js.functions import JsFunction  # functions imports values only

    return JsFunction(name, lambda this, args, env: fn(args))
