"""Tokens of an Excellent expression (the part inside ``@( ... )``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ..errors import ExpressionSyntaxError


class Tok(Enum):
    COMMA = ","
    LPAREN = "("
    RPAREN = ")"
    LBRACK = "["
    RBRACK = "]"
    DOT = "."
    ARROW = "=>"
    PLUS = "+"
    MINUS = "-"
    TIMES = "*"
    DIVIDE = "/"
    EXPONENT = "^"
    EQ = "="
    NEQ = "!="
    LTE = "<="
    LT = "<"
    GTE = ">="
    GT = ">"
    AMPERSAND = "&"
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    TRUE = "true"
    FALSE = "false"
    NULL = "null"
    NAME = "name"
    EOF = "end of expression"


@dataclass(frozen=True, slots=True)
class Token:
    kind: Tok
    text: str  # the source text of the token (unescaped value for TEXT)
    pos: int  # offset in the expression source


_PUNCT_2 = {"=>": Tok.ARROW, "!=": Tok.NEQ, "<=": Tok.LTE, ">=": Tok.GTE}
_PUNCT_1 = {
    ",": Tok.COMMA,
    "(": Tok.LPAREN,
    ")": Tok.RPAREN,
    "[": Tok.LBRACK,
    "]": Tok.RBRACK,
    ".": Tok.DOT,
    "+": Tok.PLUS,
    "-": Tok.MINUS,
    "*": Tok.TIMES,
    "/": Tok.DIVIDE,
    "^": Tok.EXPONENT,
    "=": Tok.EQ,
    "<": Tok.LT,
    ">": Tok.GT,
    "&": Tok.AMPERSAND,
}
_KEYWORDS = {"true": Tok.TRUE, "false": Tok.FALSE, "null": Tok.NULL}
_SPACE = " \t\n\r"
_ASCII_DIGITS = "0123456789"


_SIMPLE_ESCAPES = {
    "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
    "\\": "\\", '"': '"',
}  # fmt: skip
_HEX_LENGTHS = {"x": 2, "u": 4, "U": 8}


def unquote(raw: str) -> str | None:
    """Process escape sequences in a text literal's body as goflow does (Go's string
    unquoting), or None if the body isn't valid that way, in which case goflow keeps it as
    written: that is why ``"\\d+"`` reaches a regex intact."""
    if "\\" not in raw:
        return None if "\n" in raw or '"' in raw else raw
    out: list[str] = []
    i = 0
    n = len(raw)
    while i < n:
        ch = raw[i]
        if ch == "\n" or ch == '"':
            return None
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        if i + 1 >= n:
            return None
        esc = raw[i + 1]
        if esc in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[esc])
            i += 2
        elif esc in _HEX_LENGTHS:
            digits = raw[i + 2 : i + 2 + _HEX_LENGTHS[esc]]
            if (len(digits) != _HEX_LENGTHS[esc]
                    or any(c not in "0123456789abcdefABCDEF" for c in digits)):
                return None
            code = int(digits, 16)
            if esc != "x" and (code > 0x10FFFF or 0xD800 <= code <= 0xDFFF):
                return None
            out.append(chr(code))
            i += 2 + len(digits)
        elif esc in "01234567":
            digits = raw[i + 1 : i + 4]
            if len(digits) != 3 or any(c not in "01234567" for c in digits) or int(digits, 8) > 255:
                return None
            out.append(chr(int(digits, 8)))
            i += 4
        else:
            return None
    return "".join(out)


def _is_name_start(ch: str) -> bool:
    return ch == "_" or ch.isalpha()


def _is_name_char(ch: str) -> bool:
    return ch == "_" or ch.isalpha() or ch.isdecimal()


def tokenize(source: str, offset: int = 0) -> list[Token]:
    """Split an expression into tokens. ``offset`` is added to positions (for templates)."""
    tokens: list[Token] = []
    i = 0
    n = len(source)
    while i < n:
        ch = source[i]
        if ch in _SPACE:
            i += 1
            continue
        start = i
        two = source[i : i + 2]
        if two in _PUNCT_2:
            tokens.append(Token(_PUNCT_2[two], two, offset + start))
            i += 2
        elif ch in _PUNCT_1:
            tokens.append(Token(_PUNCT_1[ch], ch, offset + start))
            i += 1
        elif ch == '"':
            i += 1
            while i < n and source[i] != '"':
                i += 2 if source[i] == "\\" and i + 1 < n and source[i + 1] == '"' else 1
            if i >= n:
                raise ExpressionSyntaxError(
                    "text is missing its closing quote", source, offset + start
                )
            i += 1
            raw = source[start + 1 : i - 1]
            text = unquote(raw)
            tokens.append(Token(Tok.TEXT, raw if text is None else text, offset + start))
        elif ch in _ASCII_DIGITS:
            while i < n and source[i] in _ASCII_DIGITS:
                i += 1
            kind = Tok.INTEGER
            if i + 1 < n and source[i] == "." and source[i + 1] in _ASCII_DIGITS:
                i += 1
                while i < n and source[i] in _ASCII_DIGITS:
                    i += 1
                kind = Tok.DECIMAL
            tokens.append(Token(kind, source[start:i], offset + start))
        elif _is_name_start(ch):
            while i < n and _is_name_char(source[i]):
                i += 1
            word = source[start:i]
            tokens.append(Token(_KEYWORDS.get(word.lower(), Tok.NAME), word, offset + start))
        else:
            raise ExpressionSyntaxError(f"unexpected character {ch!r}", source, offset + start)
    tokens.append(Token(Tok.EOF, "", offset + n))
    return tokens
