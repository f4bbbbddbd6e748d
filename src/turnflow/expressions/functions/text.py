"""Text functions: upper, word, split, regex_match, replace, ..."""

from __future__ import annotations

import html
import unicodedata
import urllib.parse
from decimal import Decimal
from typing import TYPE_CHECKING

import regex

from .. import goregex
from ..values import XError, XValue, to_text
from ..words import GO_SPACES, extract_words, go_trim_space, tokenize
from ..work import charge_text
from .args import convert_all, integer_arg, too_many_items, unless_null
from .registry import register

if TYPE_CHECKING:
    from ..environment import Environment

# -- case mapping -----------------------------------------------------------------------------
# Go maps case one code point at a time (no "ß" -> "SS", no context-dependent sigma), so the
# non-ASCII path does the same.


def _map_runes(text: str, mapping: str) -> str:
    out = []
    for ch in text:
        mapped = getattr(ch, mapping)()
        out.append(mapped if len(mapped) == 1 else _single_rune_case(ch, mapping))
    return "".join(out)


def _single_rune_case(ch: str, mapping: str) -> str:
    # e.g. "İ".lower() is "i̇" in Python but "i" in Go; keep the first code point if it is a
    # plain letter, otherwise leave the character alone
    mapped = getattr(ch, mapping)()
    first = mapped[0]
    if unicodedata.category(first).startswith("L") and mapping == "lower":
        return first
    return ch


def go_lower(text: str) -> str:
    return text.lower() if text.isascii() else _map_runes(text, "lower")


def go_upper(text: str) -> str:
    return text.upper() if text.isascii() else _map_runes(text, "upper")


def _is_title_separator(ch: str) -> bool:
    if ch <= "\x7f":
        return not (ch.isascii() and (ch.isalnum() or ch == "_"))
    category = unicodedata.category(ch)
    if category.startswith("L") or category == "Nd":
        return False
    return ch in GO_SPACES


def go_title(text: str) -> str:
    """Go's strings.Title: upper-case the first letter of each word."""
    out = []
    previous = " "
    for ch in text:
        if _is_title_separator(previous):
            titled = ch.title()
            out.append(titled if len(titled) == 1 else ch)
        else:
            out.append(ch)
        previous = ch
    return "".join(out)


# -- functions --------------------------------------------------------------------------------


@register("code", 1)
def code(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    if not text:
        return XError("requires a string of at least one character")
    return Decimal(ord(text[0]))


@register("char", 1)
def char(env: Environment, value: XValue) -> XValue:
    number = integer_arg(env, value)
    if type(number) is XError:
        return number
    # Go turns invalid code points into the replacement character
    if number < 0 or number > 0x10FFFF or 0xD800 <= number <= 0xDFFF:
        return "\ufffd"
    return chr(number)


@register("split", 1, 2)
def split(env: Environment, value: XValue, delimiters: XValue = "") -> XValue:
    texts = convert_all(env, to_text, (value, delimiters))
    if type(texts) is XError:
        return texts
    words = extract_words(texts[0], texts[1])
    return too_many_items(len(words)) or words


def _trim(env: Environment, value: XValue, chars: XValue, left: bool, right: bool) -> XValue:
    texts = convert_all(env, to_text, (value, chars))
    if type(texts) is XError:
        return texts
    text, cutset = texts
    strip_chars = cutset if cutset else GO_SPACES
    if left and right:
        return text.strip(strip_chars)
    if left:
        return text.lstrip(strip_chars)
    return text.rstrip(strip_chars)


@register("trim", 1, 2)
def trim(env: Environment, value: XValue, chars: XValue = "") -> XValue:
    return _trim(env, value, chars, True, True)


@register("trim_left", 1, 2)
def trim_left(env: Environment, value: XValue, chars: XValue = "") -> XValue:
    return _trim(env, value, chars, True, False)


@register("trim_right", 1, 2)
def trim_right(env: Environment, value: XValue, chars: XValue = "") -> XValue:
    return _trim(env, value, chars, False, True)


@register("title", 1)
def title(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    return go_title(go_lower(text))


def _delimited_words(env: Environment, text: str, delimiters: XValue) -> list[str] | XError:
    if delimiters is None:
        return tokenize(text)
    chars = to_text(env, delimiters)
    if type(chars) is XError:
        return chars
    return extract_words(text, chars)


@register("word", 2, 3)
def word(env: Environment, value: XValue, index: XValue, delimiters: XValue = None) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    position = integer_arg(env, index)
    if type(position) is XError:
        return position
    words = _delimited_words(env, text, delimiters)
    if type(words) is XError:
        return words
    offset = position + len(words) if position < 0 else position
    if not 0 <= offset < len(words):
        return XError(f"index {position} is out of range for the number of words {len(words)}")
    return words[offset]


@register("remove_first_word", 1)
def remove_first_word(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    words = tokenize(text)
    if len(words) < 2:  # one word (quoted or not) leaves nothing
        return ""
    rest = text[text.find(words[0]) + len(words[0]) :]
    # drop everything (spaces, punctuation) up to the second word
    return rest[rest.find(words[1]) :]


@register("word_slice", 2, 4)
def word_slice(
    env: Environment,
    value: XValue,
    start: XValue,
    end: XValue = Decimal(-1),
    delimiters: XValue = None,
) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    first = integer_arg(env, start)
    if type(first) is XError:
        return first
    if first < 0:
        return XError("must start with a positive index")
    last = integer_arg(env, end)
    if type(last) is XError:
        return last
    if 0 < last <= first:
        return XError("must have a end which is greater than the start")
    words = _delimited_words(env, text, delimiters)
    if type(words) is XError:
        return words
    if first >= len(words):
        return ""
    # a zero or negative end means "to the end"
    selected = words[first:last] if last > 0 else words[first:]
    return " ".join(selected)


@register("word_count", 1, 2)
def word_count(env: Environment, value: XValue, delimiters: XValue = "") -> XValue:
    texts = convert_all(env, to_text, (value, delimiters))
    if type(texts) is XError:
        return texts
    return Decimal(len(extract_words(texts[0], texts[1])))


@register("field", 3)
def field(env: Environment, value: XValue, index: XValue, delimiter: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    position = integer_arg(env, index)
    if type(position) is XError:
        return position
    if position < 0:
        return XError("cannot use a negative index")
    separator = to_text(env, delimiter)
    if type(separator) is XError:
        return separator
    # Go's strings.Split with an empty separator splits into characters
    fields = text.split(separator) if separator else list(text)
    if separator == " ":
        # splitting on a space means splitting on runs of spaces
        fields = [f for f in fields if f]
    if position >= len(fields):
        return ""
    return go_trim_space(fields[position])


# Go's \p{C} has no unassigned code points (Cn), so neither do we
_NON_PRINTABLE = regex.compile(r"[\p{Cc}\p{Cf}\p{Co}\p{Cs}]+")


@register("clean", 1)
def clean(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    return _NON_PRINTABLE.sub("", text)


@register("text_slice", 2, 4)
def text_slice(
    env: Environment, value: XValue, start: XValue, end: XValue = None, *_ignored: XValue
) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    length = len(text)
    first = integer_arg(env, start)
    if type(first) is XError:
        return first
    if first < 0:
        first += length
    last = unless_null(env, end, integer_arg, length)
    if type(last) is XError:
        return last
    if last < 0:
        last += length
    first = max(first, 0)
    if first >= last:
        return ""
    return text[first:last]


@register("lower", 1)
def lower(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    return go_lower(text)


@register("upper", 1)
def upper(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    return go_upper(text)


# -- regular expressions (Go RE2 syntax, see goregex) ---------------------------------------


@register("regex_match", 2, 3)
def regex_match(env: Environment, value: XValue, pattern: XValue, group: XValue = None) -> XValue:
    texts = convert_all(env, to_text, (value, pattern))
    if type(texts) is XError:
        return texts
    text, source = texts
    group_number = unless_null(env, group, integer_arg, 0)
    if type(group_number) is XError:
        return group_number
    compiled = goregex.compile_go_regex(source)
    if compiled is None:
        return XError("invalid regular expression")
    match = goregex.search(env, compiled, text, "regular expression took too long to evaluate")
    if type(match) is XError:
        return match
    groups = [] if match is None else [match.group(0), *match.groups()]
    if not 0 <= group_number < len(groups):
        return XError("invalid regular expression group")
    return groups[group_number] or ""


@register("text_length", 1)
def text_length(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    return Decimal(len(text))


@register("text_compare", 2)
def text_compare(env: Environment, value1: XValue, value2: XValue) -> XValue:
    texts = convert_all(env, to_text, (value1, value2))
    if type(texts) is XError:
        return texts
    a, b = texts
    return Decimal((a > b) - (a < b))


@register("repeat", 2)
def repeat(env: Environment, value: XValue, count: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    times = integer_arg(env, count)
    if type(times) is XError:
        return times
    if times < 0:
        return XError(f"must be called with a positive integer, got {times}")
    limit = env.limits.max_output_length
    if len(text) * times > limit:
        return XError(f"output would be more than {limit} characters")
    refused = charge_text(env, len(text) * times)
    return refused if refused is not None else text * times


@register("replace", 3, 4)
def replace(
    env: Environment, value: XValue, needle: XValue, replacement: XValue, count: XValue = None
) -> XValue:
    texts = convert_all(env, to_text, (value, needle, replacement))
    if type(texts) is XError:
        return texts
    text, old, new = texts
    times = unless_null(env, count, integer_arg, -1)
    if type(times) is XError:
        return times
    # guard the output size: an empty needle inserts the replacement between every character
    occurrences = text.count(old) if old else len(text) + 1
    if times >= 0:
        occurrences = min(occurrences, times)
    limit = env.limits.max_output_length
    size = len(text) + occurrences * (len(new) - len(old))
    if new and size > max(limit, len(text)):
        return XError(f"output would be more than {limit} characters")
    refused = charge_text(env, size)
    return refused if refused is not None else text.replace(old, new, times)


@register("url_encode", 1)
def url_encode(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    # Go's url.QueryEscape with spaces as %20, i.e. everything but A-Za-z0-9-_.~ escaped
    return urllib.parse.quote(text, safe="")


@register("html_decode", 1)
def html_decode(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    # a decoded &nbsp; becomes an ordinary space
    return html.unescape(text).replace("\xa0", " ")


def _spaced(chars: str) -> str:
    return " ".join(chars)


@register("read_chars", 1)
def read_chars(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    text = text.lstrip("+")
    length = len(text)
    for size in (3, 4):
        if length % size == 0:
            return " , ".join(_spaced(text[i : i + size]) for i in range(0, length, size))
    return " , ".join(text)
