"""Tokens of the JavaScript expression subset, produced lazily from any offset of a text.

Lazily, because a ``$(...)`` inside a Kata string is followed by plain text that is not
JavaScript: the parser pulls tokens only up to the closing parenthesis.

Whether ``/`` starts a regular expression or divides is decided the usual way, from the token
before it: after a value (a name, a literal, ``)``, ``]``, ``}``) it divides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from turnflow.kata.js.errors import JsSyntaxError

NUM, STR, NAME, PUNCT, TEMPLATE, REGEX, EOF = (
    "number", "string", "name", "punct", "template", "regex", "end",
)  # fmt: skip

_PUNCTUATORS = sorted(
    """>>>= ... === !== **= <<= >>= >>> => == != <= >= && || ?? ?. ++ -- += -= *= /= %= &= |=
    ^= ** << >> { } ( ) [ ] ; , < > + - * / % & | ^ ! ~ ? : = .""".split(),
    key=len,
    reverse=True,
)
_PUNCT_RE = re.compile("|".join(re.escape(p) for p in _PUNCTUATORS))
_NAME_RE = re.compile(r"[A-Za-z_$\u00c0-\uffff][\w$\u00c0-\uffff]*")
_NUMBER_RE = re.compile(
    r"0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
)
_SPACE_RE = re.compile(r"(?:\s+|//[^\n\r\u2028\u2029]*|/\*.*?\*/)+", re.S)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
# after these a '/' divides; after anything else it starts a regular expression
_VALUE_WORDS = frozenset({"this", "true", "false", "null", "undefined"})
_VALUE_PUNCT = frozenset({")", "]", "}"})
KEYWORDS = frozenset(
    """break case catch class const continue debugger default delete do else export extends
    finally for function if import in instanceof let new return super switch this throw try
    typeof var void while with yield true false null""".split()
)


@dataclass(slots=True)
class Token:
    kind: str
    value: object  # number, cooked string, name, punctuator, (parts, exprs) or (body, flags)
    pos: int
    end: int

    def show(self, source: str) -> str:
        """The token as an error message names it."""
        if self.kind == EOF:
            return "end of input"
        text = source[self.pos : self.end]
        if len(text) > 30:
            text = text[:27] + "..."
        return f"'{text}'"


def syntax_error(message: str, source: str, pos: int) -> JsSyntaxError:
    return JsSyntaxError(message, source, pos)


def tokenize(source: str, start: int = 0) -> Iterator[Token]:
    """Tokens of ``source`` from ``start``; the last one is ``EOF`` (at the end of the text)."""
    pos = start
    n = len(source)
    prev_is_value = False
    while True:
        m = _SPACE_RE.match(source, pos)
        if m:
            pos = m.end()
        if pos >= n:
            yield Token(EOF, None, n, n)
            return
        c = source[pos]
        if c == "'" or c == '"':
            value, end = _read_string(source, pos)
            tok = Token(STR, value, pos, end)
        elif "0" <= c <= "9" or (c == "." and pos + 1 < n and "0" <= source[pos + 1] <= "9"):
            tok = _read_number(source, pos)
        elif c == "`":
            parts, exprs, end = read_template_literal(source, pos)
            tok = Token(TEMPLATE, (parts, exprs), pos, end)
        elif c == "/" and not prev_is_value:
            body, flags, end = _read_regex(source, pos)
            tok = Token(REGEX, (body, flags), pos, end)
        else:
            m = _NAME_RE.match(source, pos)
            if m:
                tok = Token(NAME, m.group(), pos, m.end())
            else:
                m = _PUNCT_RE.match(source, pos)
                if not m:
                    raise syntax_error(f"Unexpected character {c!r}", source, pos)
                # "?." followed by a digit is "?" then a number (a ? .5 : 1)
                if m.group() == "?." and pos + 2 < n and "0" <= source[pos + 2] <= "9":
                    tok = Token(PUNCT, "?", pos, pos + 1)
                else:
                    tok = Token(PUNCT, m.group(), pos, m.end())
        pos = tok.end
        kind = tok.kind
        prev_is_value = (
            kind in (NUM, STR, TEMPLATE, REGEX)
            or (kind == NAME and (tok.value not in KEYWORDS or tok.value in _VALUE_WORDS))
            or (kind == PUNCT and tok.value in _VALUE_PUNCT)
        )
        yield tok


def _read_number(source: str, pos: int) -> Token:
    m = _NUMBER_RE.match(source, pos)
    assert m is not None
    text = m.group()
    end = m.end()
    if end < len(source) and (source[end].isalnum() or source[end] in "_$"):
        raise syntax_error("Invalid or unexpected token", source, pos)
    low = text.lower()
    value: int | float
    if low.startswith("0x"):
        value = int(text[2:], 16)
    elif low.startswith("0o"):
        value = int(text[2:], 8)
    elif low.startswith("0b"):
        value = int(text[2:], 2)
    elif "." in text or "e" in low:
        f = float(text)
        value = int(f) if f.is_integer() and abs(f) <= 2**53 else f
    else:
        value = int(text)
    if type(value) is int and value > 2**53:
        value = float(value)
    return Token(NUM, value, pos, end)


def _read_escape(source: str, i: int) -> tuple[str, int]:
    """The character of the escape whose backslash is at ``i - 1``, and the index after it."""
    n = len(source)
    if i >= n:
        raise syntax_error("Invalid or unexpected token", source, i - 1)
    e = source[i]
    if e in _ESCAPES and not (e == "0" and i + 1 < n and "0" <= source[i + 1] <= "9"):
        return _ESCAPES[e], i + 1
    if e == "x":
        h = source[i + 1 : i + 3]
        if len(h) == 2 and all(ch in "0123456789abcdefABCDEF" for ch in h):
            return chr(int(h, 16)), i + 3
        raise syntax_error("Invalid hexadecimal escape sequence", source, i - 1)
    if e == "u":
        if source.startswith("{", i + 1):
            close = source.find("}", i + 2)
            h = source[i + 2 : close] if close > 0 else ""
            if h and all(ch in "0123456789abcdefABCDEF" for ch in h) and int(h, 16) <= 0x10FFFF:
                return chr(int(h, 16)), close + 1
        else:
            h = source[i + 1 : i + 5]
            if len(h) == 4 and all(ch in "0123456789abcdefABCDEF" for ch in h):
                return chr(int(h, 16)), i + 5
        raise syntax_error("Invalid Unicode escape sequence", source, i - 1)
    if e == "\r":  # line continuation
        return "", i + 2 if source.startswith("\n", i + 1) else i + 1
    if e in "\n\u2028\u2029":
        return "", i + 1
    return e, i + 1


def _read_string(source: str, pos: int) -> tuple[str, int]:
    quote = source[pos]
    out: list[str] = []
    i = pos + 1
    n = len(source)
    while i < n:
        c = source[i]
        if c == quote:
            return "".join(out), i + 1
        if c == "\\":
            ch, i = _read_escape(source, i + 1)
            out.append(ch)
            continue
        if c in "\n\r":
            break
        out.append(c)
        i += 1
    raise syntax_error("Invalid or unexpected token (unterminated string)", source, pos)


def read_template_literal(
    source: str, pos: int
) -> tuple[list[str], list[tuple[int, int]], int]:
    """A `` `...${expr}...` `` literal at ``pos``: its cooked text parts, the (start, end) of
    each embedded expression's source, and the index after the closing backtick."""
    parts: list[str] = []
    exprs: list[tuple[int, int]] = []
    buf: list[str] = []
    i = pos + 1
    n = len(source)
    while i < n:
        c = source[i]
        if c == "`":
            parts.append("".join(buf))
            return parts, exprs, i + 1
        if c == "\\":
            ch, i = _read_escape(source, i + 1)
            buf.append(ch)
            continue
        if c == "$" and source.startswith("{", i + 1):
            parts.append("".join(buf))
            buf = []
            end = find_closing(source, i + 2, "}")
            exprs.append((i + 2, end))
            i = end + 1
            continue
        buf.append(c)
        i += 1
    raise syntax_error("Unterminated template literal", source, pos)


def find_closing(source: str, start: int, closer: str) -> int:
    """The index of the ``closer`` (``)``, ``]`` or ``}``) that closes a bracket opened just
    before ``start``, skipping strings, template literals and nested brackets."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack = [closer]
    for tok in tokenize(source, start):
        if tok.kind == EOF:
            raise syntax_error(f"Missing '{closer}'", source, start - 1)
        if tok.kind != PUNCT:
            continue
        v = tok.value
        if v in pairs:
            stack.append(pairs[v])  # type: ignore[index]
        elif v in (")", "]", "}"):
            if v != stack[-1]:
                raise syntax_error(f"Unexpected token '{v}'", source, tok.pos)
            stack.pop()
            if not stack:
                return tok.pos
    raise AssertionError("unreachable")


def _read_regex(source: str, pos: int) -> tuple[str, str, int]:
    i = pos + 1
    n = len(source)
    in_class = False
    while i < n:
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if c in "\n\r":
            break
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "/" and not in_class:
            body = source[pos + 1 : i]
            m = re.compile(r"[A-Za-z]*").match(source, i + 1)
            assert m is not None
            flags = m.group()
            if not body:
                break
            return body, flags, m.end()
        i += 1
    raise syntax_error("Invalid regular expression: missing /", source, pos)
