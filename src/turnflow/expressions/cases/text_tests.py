"""Text case tests (has_text, has_phrase, has_pattern, has_email, has_phone, ...) and the
tests on errors, groups and results (has_error, has_group, has_category, has_intent)."""

from __future__ import annotations

import datetime as dt
import functools

import phonenumbers
import regex

from .. import goregex
from ..collation import collate_text
from ..environment import Environment
from ..functions.args import convert_all, optional_arg
from ..values import XError, XObject, XValue, to_array, to_number, to_object, to_text
from ..words import go_trim_space, tokenize
from .base import case_test, false_result, true_result

# -- plain text -------------------------------------------------------------------------------


@case_test("has_text", 1)
def has_text(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    text = go_trim_space(text)
    return true_result(text) if text else false_result()


@case_test("has_value", 1)
def has_value(env: Environment, value: XValue) -> XValue:
    """Old name of has_text."""
    return has_text(env, value)


@case_test("has_only_text", 2)
def has_only_text(env: Environment, text1: XValue, text2: XValue) -> XValue:
    texts = convert_all(env, to_text, (text1, text2))
    if type(texts) is XError:
        return texts
    return true_result(texts[0]) if texts[0] == texts[1] else false_result()


@case_test("has_beginning", 2)
def has_beginning(env: Environment, text: XValue, beginning: XValue) -> XValue:
    texts = convert_all(env, to_text, (text, beginning))
    if type(texts) is XError:
        return texts
    # goflow compares the first len(beginning) *bytes*, case-insensitively
    hay = go_trim_space(texts[0]).encode()
    pin = go_trim_space(texts[1]).encode()
    if not hay or not pin or len(hay) < len(pin):
        return false_result()
    segment = hay[: len(pin)].decode(errors="replace")
    if segment.lower() == pin.decode().lower():
        return true_result(segment)
    return false_result()


# -- word tests -------------------------------------------------------------------------------


def _word_test(env: Environment, text: XValue, test: XValue, check) -> XValue:
    texts = convert_all(env, to_text, (text, test))
    if type(texts) is XError:
        return texts
    collation = env.input_collation
    original, hays = _collated_words(collation, go_trim_space(texts[0]))
    pins = _collated_words(collation, go_trim_space(texts[1]))[1]
    return check(original, hays, pins)


def _collated_words(collation: str, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words of ``text`` and the same words as compared: in the environment's input
    collation (lower case, and for arabic_variants the Arabic/Persian letter variants folded
    together). Short texts recur (case arguments, answers): theirs are kept."""
    if len(text) <= 200:
        return _short_collated_words(collation, text)
    words = tuple(tokenize(text))
    return words, tuple(collate_text(collation, word) for word in words)


@functools.lru_cache(maxsize=4096)
def _short_collated_words(
    collation: str, text: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    words = tuple(tokenize(text))
    return words, tuple(collate_text(collation, word) for word in words)


def _phrase(
    original: tuple[str, ...], hays: tuple[str, ...], pins: tuple[str, ...]
) -> XValue:
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


def _all_words(
    original: tuple[str, ...], hays: tuple[str, ...], pins: tuple[str, ...]
) -> XValue:
    wanted = set(pins)
    matched = [word for word, hay in zip(original, hays, strict=True) if hay in wanted]
    if wanted.issubset(hays):
        return true_result(" ".join(matched))
    return false_result()


def _any_word(
    original: tuple[str, ...], hays: tuple[str, ...], pins: tuple[str, ...]
) -> XValue:
    wanted = set(pins)
    matched = [word for word, hay in zip(original, hays, strict=True) if hay in wanted]
    return true_result(" ".join(matched)) if matched else false_result()


def _only_phrase(
    original: tuple[str, ...], hays: tuple[str, ...], pins: tuple[str, ...]
) -> XValue:
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

@case_test("has_pattern", 2)
def has_pattern(env: Environment, text: XValue, pattern: XValue) -> XValue:
    texts = convert_all(env, to_text, (text, pattern))
    if type(texts) is XError:
        return texts
    compiled = goregex.compile_go_regex(go_trim_space(texts[1]))
    if compiled is None:
        return XError("must be called with a valid regular expression")
    match = goregex.search(env, compiled, texts[0], "regular expression took too long to match")
    if type(match) is XError:
        return match
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


_NON_TEL = regex.compile(r"[^0-9A-Za-z]")


def parse_phone_number(text: str, country: str) -> str:
    """One candidate as an E.164 number, or "" (goflow's ParsePhoneNumber)."""
    text = go_trim_space(text)
    if not _POSSIBLE_PHONE.fullmatch(text):
        return ""
    plain = _NON_TEL.sub("", text)
    if text.startswith("+"):
        plain = "+" + plain
    region = country.upper() or None
    try:
        number = _possible_e164(phonenumbers.parse(plain, region))
    except phonenumbers.NumberParseException as exc:
        if region and exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            return ""
        number = ""
    # a long number without a leading zero may be missing its +: a number that isn't one of
    # the given country's but is another country's, with its country code (goflow does this)
    if not number and len(plain) >= 11 and not plain.startswith("0"):
        try:
            number = _possible_e164(phonenumbers.parse("+" + plain, region))
        except phonenumbers.NumberParseException:
            number = ""
    # a phone URN allows at most 15 digits after the +
    if not 2 <= len(number) <= 16:
        return ""
    return number


_POSSIBLE = phonenumbers.ValidationResult.IS_POSSIBLE


def _possible_e164(parsed: phonenumbers.PhoneNumber) -> str:
    """The number as E.164 if it is a possible number whose E.164 form reads back as itself."""
    if phonenumbers.is_possible_number_with_reason(parsed) != _POSSIBLE:
        return ""
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    for _ in range(3):
        try:
            again = phonenumbers.parse(formatted, None)
        except phonenumbers.NumberParseException:
            return ""
        if phonenumbers.is_possible_number_with_reason(again) != _POSSIBLE:
            return ""
        reformatted = phonenumbers.format_number(again, phonenumbers.PhoneNumberFormat.E164)
        if reformatted == formatted:
            return formatted
        formatted = reformatted
    return ""


@case_test("has_phone", 1, 2)
def has_phone(env: Environment, value: XValue, *args: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    country = optional_arg(env, args, 0, to_text, env.default_country or "")
    if type(country) is XError:
        return country
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
    names = convert_all(env, to_text, categories)
    if type(names) is XError:
        return names
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
