"""Word tokenisation as goflow does it for word(), split(), has_any_word() and friends.

A word is a run of letters, marks, digits, underscores and apostrophes; every symbol
(currency, maths, emoji, skin-tone modifier) is a word of its own; everything else
(spaces, punctuation) separates words. Marks count as word characters so that scripts
which write vowels as combining marks (Thai, Bangla, Burmese) stay in one piece, and
scripts without spaces between words (Thai, CJK) give one word per space-separated run,
exactly as goflow does: it does no dictionary segmentation.
"""

from __future__ import annotations

import functools

import regex

# letters/marks/digits/underscore/apostrophe runs, or a single symbol
_WORD = regex.compile(r"[\p{M}\p{L}\p{N}_']+|\p{S}")

# Go's unicode.IsSpace: ASCII/Latin-1 spaces plus the Unicode White_Space characters
# (Python's str.strip() also strips \x1c-\x1f, which Go keeps)
GO_SPACES = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def go_trim_space(text: str) -> str:
    """Go's strings.TrimSpace."""
    return text.strip(GO_SPACES)


def tokenize(text: str) -> list[str]:
    """The words of ``text`` (goflow's ``TokenizeString``)."""
    if len(text) <= 200:  # short texts recur (case arguments, answers): keep their words
        return list(_short_tokens(text))
    return _WORD.findall(text)


@functools.lru_cache(maxsize=4096)
def _short_tokens(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text))


def tokenize_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` character offsets of each word :func:`tokenize` returns."""
    return [m.span() for m in _WORD.finditer(text)]


def tokenize_by_chars(text: str, chars: str) -> list[str]:
    """``text`` split on any of the characters in ``chars``, empty pieces dropped.

    This is goflow's ``TokenizeStringByChars`` (Go's ``strings.FieldsFunc``).
    """
    if not chars:
        return [text] if text else []
    if len(chars) == 1:
        return [piece for piece in text.split(chars) if piece]
    separators = set(chars)
    words: list[str] = []
    start = -1
    for i, ch in enumerate(text):
        if ch in separators:
            if start >= 0:
                words.append(text[start:i])
                start = -1
        elif start < 0:
            start = i
    if start >= 0:
        words.append(text[start:])
    return words


def extract_words(text: str, delimiters: str) -> list[str]:
    """Words split on ``delimiters`` if any are given, else by :func:`tokenize`."""
    if delimiters:
        return tokenize_by_chars(text, delimiters)
    return tokenize(text)
