"""``String.prototype`` methods: ``name -> impl(this, args, env)``.

Strings are Python strings, so lengths and indexes count code points, not UTF-16 units (they
differ only for characters outside the Basic Multilingual Plane, such as emoji).
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

from turnflow.kata.js.errors import MAX_STRING, JsRuntimeError, check_length
from turnflow.kata.js.functions import Impl, JsFunction, arg, relative_index, to_integer
from turnflow.kata.js.regexp import JsRegExp
from turnflow.kata.js.values import JS_WHITESPACE, UNDEFINED, to_js_string, to_number


def _clamp(v: Any, length: int, default: int) -> int:
    if v is UNDEFINED:
        return default
    n = to_integer(v)
    return int(min(max(n, 0), length))


def char_at(s: str, args: list[Any], env: Any) -> str:
    i = to_integer(arg(args, 0))
    return s[int(i)] if 0 <= i < len(s) else ""


def char_code_at(s: str, args: list[Any], env: Any) -> int | float:
    i = to_integer(arg(args, 0))
    return ord(s[int(i)]) if 0 <= i < len(s) else math.nan


def at(s: str, args: list[Any], env: Any) -> Any:
    i = to_integer(arg(args, 0))
    if i < 0:
        i += len(s)
    return s[int(i)] if 0 <= i < len(s) else UNDEFINED


def concat(s: str, args: list[Any], env: Any) -> str:
    return check_length(s + "".join(to_js_string(a) for a in args))


def _search_string(v: Any, method: str) -> str:
    if isinstance(v, JsRegExp):
        raise JsRuntimeError(
            f"First argument to String.prototype.{method} must not be a regular expression"
        )
    return to_js_string(v)


def ends_with(s: str, args: list[Any], env: Any) -> bool:
    search = _search_string(arg(args, 0), "endsWith")
    end = _clamp(arg(args, 1), len(s), len(s))
    return s[:end].endswith(search)


def starts_with(s: str, args: list[Any], env: Any) -> bool:
    search = _search_string(arg(args, 0), "startsWith")
    start = _clamp(arg(args, 1), len(s), 0)
    return s.startswith(search, start)


def includes(s: str, args: list[Any], env: Any) -> bool:
    search = _search_string(arg(args, 0), "includes")
    return s.find(search, _clamp(arg(args, 1), len(s), 0)) >= 0


def index_of(s: str, args: list[Any], env: Any) -> int:
    return s.find(to_js_string(arg(args, 0)), _clamp(arg(args, 1), len(s), 0))


def last_index_of(s: str, args: list[Any], env: Any) -> int:
    search = to_js_string(arg(args, 0))
    n = to_number(arg(args, 1))
    start = len(s) if n != n else _clamp(n, len(s), len(s))
    return s.rfind(search, 0, start + len(search))


def locale_compare(s: str, args: list[Any], env: Any) -> int:
    other = to_js_string(arg(args, 0))
    return -1 if s < other else (1 if s > other else 0)


def _as_regexp(v: Any) -> JsRegExp:
    if isinstance(v, JsRegExp):
        return v
    source = "(?:)" if v is UNDEFINED else to_js_string(v)
    try:
        return JsRegExp(source, "")
    except ValueError as exc:
        raise JsRuntimeError(str(exc)) from None


def match(s: str, args: list[Any], env: Any) -> Any:
    rx = _as_regexp(arg(args, 0))
    if rx.is_global:
        found = [m.group(0) for m in rx.finditer(s)]
        return found or None
    m = rx.search(s)
    return match_array(m)


def match_array(m: Any) -> list[Any] | None:
    if m is None:
        return None
    return [m.group(0), *(UNDEFINED if g is None else g for g in m.groups())]


def search(s: str, args: list[Any], env: Any) -> int:
    m = _as_regexp(arg(args, 0)).search(s)
    return -1 if m is None else m.start()


def _pad(s: str, args: list[Any], at_start: bool) -> str:
    target = to_integer(arg(args, 0))
    filler = " " if arg(args, 1) is UNDEFINED else to_js_string(args[1])
    if target <= len(s) or not filler:
        return s
    if target > MAX_STRING:
        raise JsRuntimeError("Invalid string length")
    missing = int(target) - len(s)
    pad = (filler * (missing // len(filler) + 1))[:missing]
    return pad + s if at_start else s + pad


def pad_start(s: str, args: list[Any], env: Any) -> str:
    return _pad(s, args, True)


def pad_end(s: str, args: list[Any], env: Any) -> str:
    return _pad(s, args, False)


def repeat(s: str, args: list[Any], env: Any) -> str:
    n = to_integer(arg(args, 0))
    if n < 0 or n == math.inf:
        raise JsRuntimeError(f"Invalid count value: {to_js_string(arg(args, 0))}")
    if len(s) * n > MAX_STRING:
        raise JsRuntimeError("Invalid string length")
    return s * int(n)


def expand_replacement(template: str, m: Any, text: str) -> str:
    """``$$``, ``$&``, ``$```, ``$'``, ``$1``..``$99`` and ``$<name>`` in a replacement."""
    if "$" not in template:
        return template
    out: list[str] = []
    i = 0
    n = len(template)
    groups = m.groups() if m is not None and hasattr(m, "groups") else ()
    start, end = m.span() if m is not None else (0, 0)
    while i < n:
        c = template[i]
        if c != "$" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = template[i + 1]
        if e == "$":
            out.append("$")
            i += 2
        elif e == "&":
            out.append(text[start:end])
            i += 2
        elif e == "`":
            out.append(text[:start])
            i += 2
        elif e == "'":
            out.append(text[end:])
            i += 2
        elif "0" <= e <= "9":
            two = template[i + 1 : i + 3]
            if len(two) == 2 and two.isascii() and two.isdigit() and 1 <= int(two) <= len(groups):
                g = groups[int(two) - 1]
                out.append(g or "")
                i += 3
            elif 1 <= int(e) <= len(groups):
                out.append(groups[int(e) - 1] or "")
                i += 2
            else:
                out.append("$" + e)
                i += 2
        elif e == "<" and m is not None and m.re.groupindex:
            close = template.find(">", i + 2)
            if close < 0:
                out.append("$<")
                i += 2
            else:
                name = template[i + 2 : close]
                value = m.groupdict().get(name) if name in m.re.groupindex else None
                out.append(value or "")
                i = close + 1
        else:
            out.append("$")
            i += 1
    return "".join(out)


class _StringMatch:
    """What ``expand_replacement`` needs of a match, for a plain-string search."""

    __slots__ = ("_span",)

    def __init__(self, start: int, end: int) -> None:
        self._span = (start, end)

    def span(self) -> tuple[int, int]:
        return self._span

    def groups(self) -> tuple[()]:
        return ()


def _replacement(s: str, m: Any, replacer: Any, env: Any) -> str:
    start, end = m.span()
    if type(replacer) is JsFunction:
        groups = [UNDEFINED if g is None else g for g in m.groups()]
        return to_js_string(replacer.impl(UNDEFINED, [s[start:end], *groups, start, s], env))
    return expand_replacement(replacer, m, s)


def _replace(s: str, args: list[Any], env: Any, every: bool) -> str:
    pattern = arg(args, 0)
    replacer = arg(args, 1)
    if type(replacer) is not JsFunction:
        replacer = to_js_string(replacer)
    if isinstance(pattern, JsRegExp):
        if every and not pattern.is_global:
            raise JsRuntimeError("replaceAll must be called with a global RegExp")
        matches = pattern.finditer(s) if pattern.is_global else [pattern.search(s)]
        spans = [m for m in matches if m is not None]
    else:
        needle = to_js_string(pattern)
        spans = []
        pos = s.find(needle)
        while pos >= 0:
            spans.append(_StringMatch(pos, pos + len(needle)))
            if not every:
                break
            pos = s.find(needle, pos + max(len(needle), 1))
    if not spans:
        return s
    out: list[str] = []
    last = 0
    size = 0  # the length built so far: stop as soon as it is too long
    for m in spans:
        start, end = m.span()
        piece = _replacement(s, m, replacer, env)
        out.append(s[last:start])
        out.append(piece)
        size += start - last + len(piece)
        if size > MAX_STRING:
            raise JsRuntimeError("Invalid string length")
        last = end
    out.append(s[last:])
    return check_length("".join(out))


def replace(s: str, args: list[Any], env: Any) -> str:
    return _replace(s, args, env, False)


def replace_all(s: str, args: list[Any], env: Any) -> str:
    return _replace(s, args, env, True)


def slice_(s: str, args: list[Any], env: Any) -> str:
    start = relative_index(arg(args, 0), len(s), 0)
    end = relative_index(arg(args, 1), len(s), len(s))
    return s[start:end]


def split(s: str, args: list[Any], env: Any) -> list[str]:
    sep = arg(args, 0)
    limit_arg = arg(args, 1)
    limit = 2**32 - 1 if limit_arg is UNDEFINED else to_integer(limit_arg) % 2**32
    if limit == 0:
        return []
    if sep is UNDEFINED:
        return [s]
    if isinstance(sep, JsRegExp):
        return _split_regexp(s, sep, int(limit))
    sep = to_js_string(sep)
    parts = list(s) if sep == "" else s.split(sep)
    env.spend(len(parts))
    return parts[: int(limit)]


def _split_regexp(s: str, rx: JsRegExp, limit: int) -> list[Any]:
    if not s:
        m = rx.search(s)
        return [] if m is not None else [s]
    out: list[Any] = []
    p = q = 0
    size = len(s)
    while q < size:
        m = rx.search(s, q)
        if m is None or m.start() >= size:
            break
        start, end = m.span()
        if end == p or (start == end and start == p):
            q = start + 1
            continue
        out.append(s[p:start])
        if len(out) == limit:
            return out
        for g in m.groups():
            out.append(UNDEFINED if g is None else g)
            if len(out) == limit:
                return out
        p = q = end
    out.append(s[p:])
    return out[:limit]


def substring(s: str, args: list[Any], env: Any) -> str:
    start = _clamp(arg(args, 0), len(s), 0)
    end = _clamp(arg(args, 1), len(s), len(s))
    if start > end:
        start, end = end, start
    return s[start:end]


def substr(s: str, args: list[Any], env: Any) -> str:
    start = relative_index(arg(args, 0), len(s), 0)
    length_arg = arg(args, 1)
    length = len(s) if length_arg is UNDEFINED else to_integer(length_arg)
    if length <= 0:
        return ""
    return s[start : start + int(min(length, len(s)))]


def to_lower(s: str, args: list[Any], env: Any) -> str:
    return s.lower()


def to_upper(s: str, args: list[Any], env: Any) -> str:
    return s.upper()


def to_string(s: str, args: list[Any], env: Any) -> str:
    return s


def trim(s: str, args: list[Any], env: Any) -> str:
    return s.strip(JS_WHITESPACE)


def trim_start(s: str, args: list[Any], env: Any) -> str:
    return s.lstrip(JS_WHITESPACE)


def trim_end(s: str, args: list[Any], env: Any) -> str:
    return s.rstrip(JS_WHITESPACE)


def normalize(s: str, args: list[Any], env: Any) -> str:
    form = "NFC" if arg(args, 0) is UNDEFINED else to_js_string(args[0])
    if form not in ("NFC", "NFD", "NFKC", "NFKD"):
        raise JsRuntimeError("The normalization form should be one of NFC, NFD, NFKC, NFKD.")
    return unicodedata.normalize(form, s)  # type: ignore[arg-type]


STRING_METHODS: dict[str, Impl] = {
    "at": at, "charAt": char_at, "charCodeAt": char_code_at, "codePointAt": char_code_at,
    "concat": concat, "endsWith": ends_with, "includes": includes, "indexOf": index_of,
    "lastIndexOf": last_index_of, "localeCompare": locale_compare, "match": match,
    "normalize": normalize, "padEnd": pad_end, "padStart": pad_start, "repeat": repeat,
    "replace": replace, "replaceAll": replace_all, "search": search, "slice": slice_,
    "split": split, "startsWith": starts_with, "substr": substr, "substring": substring,
    "toLocaleLowerCase": to_lower, "toLocaleUpperCase": to_upper, "toLowerCase": to_lower,
    "toString": to_string, "toUpperCase": to_upper, "trim": trim, "trimEnd": trim_end,
    "trimLeft": trim_start, "trimRight": trim_end, "trimStart": trim_start,
    "valueOf": to_string,
}  # fmt: skip
