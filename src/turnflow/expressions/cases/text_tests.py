"""Text case tests (has_text, has_phrase, has_pattern, has_email, has_phone, ...) and the
tests on errors, groups and results (has_error, has_group, has_category, has_intent)."""

from __future__ import annotations

import datetime as dt
import functools

import phonenumbers
import regex

from ..environment import Environment
from ..values import XError, XObject, XValue, to_array, to_number, to_object, to_text
from ..words import tokenize
from .base import case_test, false_result, true_result

# what Go's strings.TrimSpace trims (Python's str.strip() also trims \x1c-\x1f)
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def go_trim(text: str) -> str:
    return text.strip(_GO_SPACE)


def _two_texts(env: Environment, first: XValue, second: XValue) -> tuple[str, str] | XError:
    a = to_text(env, first)
    if type(a) is XError:
        return a
    b = to_text(env, second)
    if type(b) is XError:
        return b
    return a, b


# -- plain text -------------------------------------------------------------------------------


@case_test("has_text", 1)
def has_text(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    text = go_trim(text)
    return true_result(text) if text else false_result()


@case_test("has_value", 1)
def has_value(env: Environment, value: XValue) -> XValue:
    """Old name of has_text."""
    return has_text(env, value)


@case_test("has_only_text", 2)
def has_only_text(env: Environment, text1: XValue, text2: XValue) -> XValue:
    texts = _two_texts(env, text1, text2)
    if type(texts) is XError:
        return texts
    return true_result(texts[0]) if texts[0] == texts[1] else false_result()


@case_test("has_beginning", 2)
def has_beginning(env: Environment, text: XValue, beginning: XValue) -> XValue:
    texts = _two_texts(env, text, beginning)
    if type(texts) is XError:
        return texts
    # goflow compares the first len(beginning) *bytes*, case-insensitively
    hay = go_trim(texts[0]).encode()
    pin = go_trim(texts[1]).encode()
    if not hay or not pin or len(hay) < len(pin):
        return false_result()
    segment = hay[: len(pin)].decode(errors="replace")
    if segment.lower() == pin.decode().lower():
        return true_result(segment)
    return false_result()


# -- word tests -------------------------------------------------------------------------------


def _word_test(env: Environment, text: XValue, test: XValue, check) -> XValue:
    texts = _two_texts(env, text, test)
    if type(texts) is XError:
        return texts
    hay = go_trim(texts[0])
    original = tokenize(hay)
    lowered = tokenize(hay.lower())
    pins = tokenize(go_trim(texts[1]).lower())
    if len(original) != len(lowered):  # lower-casing changed the tokens: fall back to pairs
        original = lowered
    return check(original, lowered, pins)


def _phrase(original: list[str], hays: list[str], pins: list[str]) -> XValue:
    if not pins:
        return true_result("")
    matched: list[str] = []
    for word, hay in zip(original, hays, strict=True):
        if hay == pins[len(matched)]:
            matched.append(word)
            if len(matched) == len(pins):
                return true_result(" ".join(matched))
        else:
            # as in goflow, a mismatch restarts the phrase without rechecking this word
            matched = []
    return false_result()


def _all_words(original: list[str], hays: list[str], pins: list[str]) -> XValue:
    wanted = set(pins)
    matched = [word for word, hay in zip(original, hays, strict=True) if hay in wanted]
    if wanted.issubset(hays):
        return true_result(" ".join(matched))
    return false_result()


def _any_word(original: list[str], hays: list[str], pins: list[str]) -> XValue:
    wanted = set(pins)
    matched = [word for word, hay in zip(original, hays, strict=True) if hay in wanted]
    return true_result(" ".join(matched)) if matched else false_result()


def _only_phrase(original: list[str], hays: list[str], pins: list[str]) -> XValue:
    if hays != pins:
        return false_result()
    return true_result(" ".join(original))


@case_test("has_phrase", 2)
def has_phrase(env: Environment, text: XValue, phrase: XValue) -> XValue:
    return _word_test(env, text, phrase, _phrase)


@case_test("has_all_words", 2)
def has_all_words(env: Environment, text: XValue, words: XValue) -> XValue:
    return _word_test(env, text, words, _all_words)


@case_test("has_any_word", 2)
def has_any_word(env: Environment, text: XValue, words: XValue) -> XValue:
    return _word_test(env, text, words, _any_word)


@case_test("has_only_phrase", 2)
def has_only_phrase(env: Environment, text: XValue, phrase: XValue) -> XValue:
    return _word_test(env, text, phrase, _only_phrase)


# -- regular expressions ----------------------------------------------------------------------

# Go's RE2 shorthand classes are ASCII-only, while (?i) still folds all of Unicode
_ASCII_CLASSES = {
    "d": ("(?a:\\d)", "0-9"),
    "w": ("(?a:\\w)", "0-9A-Za-z_"),
    "s": ("(?a:\\s)", "\\t\\n\\f\\r "),
    "D": ("(?a:\\D)", None),
    "W": ("(?a:\\W)", None),
    "S": ("(?a:\\S)", None),
    "b": ("(?a:\\b)", None),
    "B": ("(?a:\\B)", None),
    "z": ("\\Z", None),
}


def go_regex(pattern: str) -> str:
    """Rewrite an RE2 pattern so the ``regex`` module matches it as Go does."""
    out: list[str] = []
    in_class = False
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\" and i + 1 < n:
            escaped = pattern[i + 1]
            outside, inside = _ASCII_CLASSES.get(escaped, (None, None))
            if in_class and inside is not None:
                out.append(inside)
            elif not in_class and outside is not None:
                out.append(outside)
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
            out.append(char)
            i += 1
            # a leading ^ and/or ] belong to the class
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < n and pattern[i] == "]":
                out.append("\\]")
                i += 1
            continue
        out.append(char)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=256)
def _compile_pattern(pattern: str) -> regex.Pattern[str] | None:
    try:
        return regex.compile("(?mi)" + go_regex(pattern))
    except (regex.error, ValueError, OverflowError):
        return None


@case_test("has_pattern", 2)
def has_pattern(env: Environment, text: XValue, pattern: XValue) -> XValue:
    texts = _two_texts(env, text, pattern)
    if type(texts) is XError:
        return texts
    compiled = _compile_pattern(go_trim(texts[1]))
    if compiled is None:
        return XError("must be called with a valid regular expression")
    try:
        match = compiled.search(texts[0], timeout=env.limits.regex_timeout)
    except TimeoutError:
        return XError("regular expression took too long to match")
    if match is None:
        return false_result()
    groups = [match.group(0), *match.groups()]
    extra = XObject({str(i): group or "" for i, group in enumerate(groups)})
    return true_result(match.group(0), extra)


# -- emails and phone numbers -----------------------------------------------------------------

_EMAIL = regex.compile(
    r"([\p{L}\p{N}][-_+$~.\p{L}\p{N}]*)@([\p{L}\p{N}][-_\p{L}\p{N}]*)(\.[\p{L}\p{N}][-_\p{L}\p{N}]*)+"
)


@case_test("has_email", 1)
def has_email(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    match = _EMAIL.search(text)
    return true_result(match.group(0)) if match else false_result()


_POSSIBLE_PHONE = regex.compile(r"\+?[0-9 .\-()]{5,}")


def find_phone_numbers(text: str, country: str) -> list[str]:
    """Every phone number in ``text`` as E.164, parsed as goflow does (possible numbers count)."""
    found = []
    for candidate in _POSSIBLE_PHONE.findall(text):
        number = parse_phone_number(candidate, country)
        if number:
            found.append(number)
    return found


def parse_phone_number(text: str, country: str) -> str:
    text = go_trim(text)
    try:
        parsed = phonenumbers.parse(text, country.upper() or None)
    except phonenumbers.NumberParseException:
        return ""
    if (
        phonenumbers.is_possible_number_with_reason(parsed)
        != phonenumbers.ValidationResult.IS_POSSIBLE
    ):
        return ""
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    # a phone URN allows at most 15 digits after the +
    if not 2 <= len(formatted) <= 16:
        return ""
    return formatted


@case_test("has_phone", 1, 2)
def has_phone(env: Environment, value: XValue, *args: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    if args:
        country = to_text(env, args[0])
        if type(country) is XError:
            return country
    else:
        country = env.default_country or ""
    numbers = find_phone_numbers(text, country)
    return true_result(numbers[0]) if numbers else false_result()


# -- errors, groups and results ---------------------------------------------------------------


@case_test("has_error", 1)
def has_error(env: Environment, value: XValue) -> XValue:
    if type(value) is XError:
        return true_result(value.message)
    return false_result()


@case_test("has_group", 2, 3)
def has_group(env: Environment, groups: XValue, group_uuid: XValue, *_name: XValue) -> XValue:
    items = to_array(env, groups)
    if type(items) is XError:
        return items
    wanted = to_text(env, group_uuid)
    if type(wanted) is XError:
        return wanted
    for item in items:
        group = to_object(env, item)
        if type(group) is XError:
            return group
        uuid = to_text(env, group.get("uuid"))
        if type(uuid) is XError:
            return uuid
        if uuid == wanted:
            return true_result(group)
    return false_result()


_RESULT_TEXT_FIELDS = ("name", "value", "category", "category_localized", "node_uuid", "input")


def _result_category(result: XObject) -> str | None:
    """The category of a run result object, or None if the object isn't a result."""
    for field in _RESULT_TEXT_FIELDS:
        if result.get(field) is not None and type(result.get(field)) is not str:
            return None
    created_on = result.get("created_on")
    if not result.get("name") or created_on is None:
        return None
    if type(created_on) is str:
        try:
            dt.datetime.fromisoformat(created_on.replace("Z", "+00:00"))
        except ValueError:
            return None
    elif type(created_on) is not dt.datetime:
        return None
    return result.get("category") or ""


@case_test("has_category", 2, None)
def has_category(env: Environment, result: XValue, *categories: XValue) -> XValue:
    obj = to_object(env, result)
    if type(obj) is XError:
        return obj
    names = []
    for category in categories:
        name = to_text(env, category)
        if type(name) is XError:
            return name
        names.append(name)
    actual = _result_category(obj)
    if actual is None:
        return XError("first argument must be a result")
    return true_result(actual) if actual in names else false_result()


def _deprecated_intent(
    env: Environment, result: XValue, name: XValue, confidence: XValue
) -> XValue:
    for value, convert in ((result, to_object), (name, to_text), (confidence, to_number)):
        converted = convert(env, value)
        if type(converted) is XError:
            return converted
    return false_result()


@case_test("has_intent", 3)
def has_intent(env: Environment, result: XValue, name: XValue, confidence: XValue) -> XValue:
    """Deprecated NLU test: always false now (as in goflow)."""
    return _deprecated_intent(env, result, name, confidence)


@case_test("has_top_intent", 3)
def has_top_intent(env: Environment, result: XValue, name: XValue, confidence: XValue) -> XValue:
    """Deprecated NLU test: always false now (as in goflow)."""
    return _deprecated_intent(env, result, name, confidence)
