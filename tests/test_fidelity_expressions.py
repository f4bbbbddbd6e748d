"""Excellent behaviour checked against goflow (the commit the shared fixtures come from) where
turnflow used to differ: each row states what goflow does.

Areas: functions, router case tests, number range and formatting, date and time parsing,
input collation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from turnflow.expressions import XError, XObject, evaluate_template
from turnflow.expressions.cases import CASE_TESTS
from turnflow.expressions.collation import collate, skeleton
from turnflow.expressions.dates import parse_date_text, parse_datetime_text, parse_time_text
from turnflow.expressions.environment import Environment
from turnflow.expressions.functions import FUNCTIONS
from turnflow.expressions.numbers import format_number

ERR = XError("an error")  # "expect an error" in the tables below
NOW = dt.datetime(2018, 4, 11, 13, 24, 30, tzinfo=dt.UTC)
LA = ZoneInfo("America/Los_Angeles")


def env(**settings) -> Environment:
    made = Environment(**settings)
    made.now = lambda: NOW
    return made


def same(expected, actual) -> bool:
    if expected is ERR:
        return type(actual) is XError
    return type(expected) is type(actual) and expected == actual


N = Decimal
BIG = N("9" * 36)  # the most significant digits a goflow number may have

# (function, arguments, environment settings, goflow's result)
FUNCTION_CASES = [
    # arrays may hold at most 10,000 items when built by array(), split() or concat()
    ("array", ["a"] * 10_000, {}, ["a"] * 10_000),
    ("array", ["a"] * 10_001, {}, ERR),
    ("split", [",".join("a" * 10_000)], {}, ["a"] * 10_000),
    ("split", [" ".join("b" * 10_001)], {}, ERR),
    ("concat", [["a"] * 6_000, ["b"] * 4_000], {}, ["a"] * 6_000 + ["b"] * 4_000),
    ("concat", [["a"] * 6_000, ["b"] * 4_001], {}, ERR),
    # sums are kept in goflow's range (36 significant digits)
    ("sum", [[BIG, N(1)]], {}, N("1" + "0" * 36)),
    ("sum", [[BIG, BIG]], {}, ERR),
    ("mean", [BIG, BIG], {}, ERR),  # the running sum is already out of range
    ("mean", [N("9" * 35), N(1)], {}, N("5" + "0" * 34)),
    ("mean", [BIG, N(0)], {}, ERR),  # half of it has 37 significant digits
    # a percentage must fit a 64-bit integer
    ("percent", [N("92233720368547758.07")], {}, "9223372036854775807%"),
    ("percent", [N("123456789012345678901")], {}, ERR),
    ("percent", [N("-123456789012345678901")], {}, ERR),
    # a time of day of midnight is false, like a zero number
    ("boolean", [dt.time(0)], {}, False),
    ("boolean", [dt.time(0, 0, 1)], {}, True),
    # hours between two times are elapsed hours: 1am to 5am across the spring DST change is 3
    ("datetime_diff", ["03-10-2019 1:00am", "03-10-2019 5:00am", "h"],
     {"date_format": "MM-DD-YYYY", "timezone": LA}, N(3)),
    ("datetime_diff", ["03-10-2019 1:00am", "03-11-2019 1:00am", "h"],
     {"date_format": "MM-DD-YYYY", "timezone": LA}, N(23)),
    ("datetime_diff", ["03-10-2019 1:00am", "03-11-2019 1:00am", "D"],
     {"date_format": "MM-DD-YYYY", "timezone": LA}, N(1)),
    # one word, quoted or not, leaves nothing to keep
    ("remove_first_word", ['"hello"'], {}, ""),
    ("remove_first_word", ["«hello»  there you"], {}, "there you"),
    # a prompt argument not given shows as Go templates show a missing value
    ("prompt", ["ask"], {"llm_prompts": {"ask": "Pick one of: {{ .arg1 }}"}},
     "Pick one of: <no value>"),
    ("prompt", ["ask", "red"], {"llm_prompts": {"ask": "Pick one of: {{ .arg1 }}"}},
     "Pick one of: red"),
]


@pytest.mark.parametrize(("name", "args", "settings", "expected"), FUNCTION_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(FUNCTION_CASES)])
def test_functions_agree_with_goflow(name, args, settings, expected) -> None:
    result = FUNCTIONS[name].call(env(**settings), list(args))
    assert same(expected, result), result if not isinstance(result, list) else len(result)


def no_match() -> XObject:
    return XObject({"match": ""}, default=False)


def match(value) -> XObject:
    return XObject({"match": value}, default=True)


ARABIC = {"input_collation": "arabic_variants"}
CONFUSABLES = {"input_collation": "confusables"}
RWANDA = {"default_country": "RW"}

# (case test, arguments, environment settings, goflow's result)
CASE_TEST_CASES = [
    # a test that doesn't match is an object too: false, with an empty match
    ("has_text", ["   "], {}, no_match()),
    ("has_error", ["fine"], {}, no_match()),
    ("has_number", ["no digits"], {}, no_match()),
    ("has_phrase", ["the end", "the start"], {}, no_match()),
    # input collation: arabic_variants reads the Arabic yeh and alef maksura as the farsi yeh
    ("has_any_word", ["\u0628\u0644\u064a", "\u0628\u0644\u06cc"], ARABIC,
     match("\u0628\u0644\u064a")),
    ("has_any_word", ["\u0628\u0644\u0649", "\u0628\u0644\u06cc"], ARABIC,
     match("\u0628\u0644\u0649")),
    ("has_any_word", ["\u0628\u0644\u064a", "\u0628\u0644\u06cc"], {}, no_match()),
    ("has_phrase", ["\u0643\u0627\u0641 \u0622\u0628", "\u06a9\u0627\u0641 \u0627\u0628"], ARABIC,
     match("\u0643\u0627\u0641 \u0622\u0628")),
    ("has_only_phrase", ["\ufedb\u0627\u0641", "\u0643\u0627\u0641"], ARABIC,
     match("\ufedb\u0627\u0641")),  # presentation forms are folded (NFKC) first
    # input collation: confusables compares the look of words (their Unicode skeletons)
    ("has_any_word", ["\U0001d55f\U0001d502\U0001d6fc\U0001d42b\u1d1c\U0001d7b3\U0001d552",
                      "nyaruka"], CONFUSABLES, match("\U0001d55f\U0001d502\U0001d6fc\U0001d42b"
                                                     "\u1d1c\U0001d7b3\U0001d552")),
    ("has_any_word", ["yes \u0440\u0430\u0443", "pay"], CONFUSABLES,
     match("\u0440\u0430\u0443")),  # Cyrillic letters that look like "pay"
    ("has_any_word", ["yes \u0440\u0430\u0443", "pay"], {}, no_match()),
    # Persian (extended Arabic-Indic) digits are digits, like Arabic-Indic and Bengali ones
    ("has_number", ["\u06f1\u06f2\u06f3\u06f4"], {}, match(N(1234))),
    ("has_number", ["\u0661\u0662"], {}, match(N(12))),
    ("has_number_gt", ["\u06f2\u06f0 sheep", "19"], {}, match(N(20))),
    # a number found must be a plain decimal: no leading plus, no exponent
    ("has_number", ["+12"], {}, no_match()),  # "+12" is found, and isn't a plain number
    ("has_number", ["1e5"], {}, match(N(1))),
    # an empty decimal symbol makes numbers unreadable, an empty grouping symbol doesn't
    ("has_number", ["i have 1,234 apples"], {"number_decimal": ""}, no_match()),
    ("has_number", ["i have 234.5 apples"], {"number_grouping": ""}, match(N("234.5"))),
    # a phone number of another country than the one asked for, written without its +
    ("has_phone", ["my number is 12067799294", "BW"], {}, match("+12067799294")),
    ("has_phone", ["call 0788123123"], RWANDA, match("+250788123123")),
    ("has_phone", ["call 5912705", "US"], {}, no_match()),
    # impossible dates are no dates
    ("has_date", ["31/02/2022"], {"date_format": "DD-MM-YYYY"}, no_match()),
    ("has_date", ["31/11/2022"], {"date_format": "DD-MM-YYYY"}, no_match()),
    ("has_date", ["29/02/2023"], {"date_format": "DD-MM-YYYY"}, no_match()),
    # impossible times are no times
    ("has_time", ["at 24:30"], {}, no_match()),
    ("has_time", ["at 10:60"], {}, no_match()),
    ("has_time", ["at 24:00"], {}, match(dt.time(0))),
]


@pytest.mark.parametrize(("name", "args", "settings", "expected"), CASE_TEST_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASE_TEST_CASES)])
def test_case_tests_agree_with_goflow(name, args, settings, expected) -> None:
    result = CASE_TESTS[name].call(env(**settings), list(args))
    assert type(result) is XObject, result
    assert result.default is expected.default
    assert result.get("match") == expected.get("match")


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        # a no-match result has a match property, so these are not errors
        ("@(has_error(42).match)", ""),
        ("@(has_text(\"\").match)", ""),
        ("[@(has_number(\"none\").match)]", "[]"),
        ("@(if(has_text(\"\"), \"yes\", \"no\"))", "no"),
        ("@(has_error(1 / 0).match)", "division by zero"),
    ],
)
def test_no_match_results_have_a_match(template: str, expected: str) -> None:
    result = evaluate_template(template, XObject(), env())
    assert (result.text, result.errors) == (expected, [])


# -- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("@(10 ^ 100)", "1" + "0" * 100),  # the largest exponent goflow allows
        ("@(2 ^ 101)", "number value out of range"),
        ("@(1 ^ 101)", "number value out of range"),  # the exponent alone is too large
        ("@(2 ^ 1000000000)", "number value out of range"),
        ("@(2 ^ -2)", "0.25"),
        ("@(2 ^ -100)", "0"),  # negative powers keep 16 decimal places
        (f"@({'9' * 36} + {'9' * 36})", "number value out of range"),
        (f"@(-{'9' * 36} - {'9' * 36})", "number value out of range"),
        (f"@({'9' * 36} + 1)", "1" + "0" * 36),  # trailing zeros aren't significant
        ("@(9999999999999999999 * 9999999999999999999)", "number value out of range"),
        ("@(9 ^ 0.5)", "3"),
    ],
)
def test_number_range_agrees_with_goflow(expression: str, expected: str) -> None:
    result = evaluate_template(expression, XObject(), env())
    assert (result.errors[0].message if result.errors else result.text) == expected


@pytest.mark.parametrize(
    ("number", "places", "group", "decimal", "grouping", "expected"),
    [
        ("-123", -1, True, ".", ",", "-123"),  # the sign isn't grouped as a digit
        ("-1234", -1, True, ".", ",", "-1,234"),
        ("-123456789", -1, True, ".", ",", "-123,456,789"),
        ("-1234.5", 2, True, ".", ",", "-1,234.50"),
        ("-123456", -1, False, ".", ",", "-123456"),
        ("1234.5", 2, True, ",", ".", "1.234,50"),
        ("1234.5", 2, True, "", ",", "1,23450"),  # an empty decimal symbol joins the parts
    ],
)
def test_number_formatting_agrees_with_goflow(number, places, group, decimal, grouping,
                                              expected) -> None:
    settings = env(number_decimal=decimal, number_grouping=grouping)
    assert format_number(settings, N(number), places, group) == expected


# -- dates and times --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date_format", "expected"),
    [
        ("31-02-2022", "DD-MM-YYYY", None),
        ("30-02-2024", "DD-MM-YYYY", None),
        ("29-02-2024", "DD-MM-YYYY", dt.date(2024, 2, 29)),
        ("02-31-2022", "MM-DD-YYYY", None),
        ("2022-04-31", "YYYY-MM-DD", None),
        ("31-04-2022 or 30-04-2022", "DD-MM-YYYY", dt.date(2022, 4, 30)),
    ],
)
def test_impossible_dates_are_refused(text, date_format, expected) -> None:
    assert parse_date_text(env(date_format=date_format), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a date with an impossible time part is that date at midnight
        ("02-02-2020 24:30", "2020-02-02T00:00:00+00:00"),
        ("02-02-2020 10:60", "2020-02-02T00:00:00+00:00"),
        ("02-02-2020 10:30:60", "2020-02-02T00:00:00+00:00"),
        ("02-02-2020 24:00", "2020-02-02T00:00:00+00:00"),
        ("02-02-2020 23:59:59", "2020-02-02T23:59:59+00:00"),
    ],
)
def test_datetime_with_invalid_time_part(text: str, expected: str) -> None:
    parsed = parse_datetime_text(env(date_format="DD-MM-YYYY"), text)
    assert parsed is not None and parsed.isoformat() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24:30", None), ("24:00:30", None), ("25:30", None), ("10:60", None), ("10:61", None),
        ("10:30:60", None), ("24:00", dt.time(0)), ("23:59:59", dt.time(23, 59, 59)),
    ],
)
def test_impossible_times_are_refused(text: str, expected) -> None:
    assert parse_time_text(None, text) == expected


def test_collation_transforms() -> None:
    arabic = env(input_collation="arabic_variants")
    assert collate(arabic, "\u0660\u0661\u0669") == "\u06f0\u06f1\u06f9"  # Persian digits
    assert collate(arabic, "\u0622") == "\u0627"
    assert collate(arabic, "\ufe8f\ufedd\ufbfc") == "\u0628\u0644\u06cc"
    assert collate(arabic, "YES") == "yes"
    assert collate(env(), "\u0628\u0644\u064a") == "\u0628\u0644\u064a"  # default: case only
    look = env(input_collation="confusables")
    assert collate(look, "\U0001d4a9\u0263aruka") == "nyaruka"
    assert collate(look, "\ufff1foo") == "foo"  # an ignorable character is dropped
    assert collate(look, "\u0661") == collate(look, "\u06f1")  # Arabic and Persian one
    assert collate(look, "\u0628\u0644\u06cc") == collate(look, "\u0628\u0644\u0649")
    assert collate(look, "Foo") == "foo" and collate(look, "bar") != collate(look, "foo")
    assert skeleton("foo") != skeleton("Foo")  # a skeleton keeps case; collation lowers it


def test_collation_module_examples() -> None:
    import doctest

    from turnflow.expressions import collation

    assert doctest.testmod(collation).failed == 0


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        # every error a function returns carries its name, an error argument passed on included
        ("@(if(true, 1 / 0, 2))", "error calling if(...): division by zero"),
        ("@(upper(upper(1 / 0)))",
         "error calling upper(...): error calling upper(...): division by zero"),
        ("@(word_count())", "error calling word_count(...): need 1 to 2 argument(s), got 0"),
        ("@(upper())", "error calling upper(...): need 1 argument(s), got 0"),
        ("@(max())", "error calling max(...): need at least 1 argument(s), got 0"),
        # a number literal beyond goflow's range is an error value, not a syntax error
        ("@(1234567890123456789012345678901234567)",
         "number 1234567890123456789012345678901234567 is out of range"),
    ],
)
def test_error_messages_agree_with_goflow(template: str, expected: str) -> None:
    result = evaluate_template(template, XObject(), env())
    assert [error.message for error in result.errors] == [expected]


def test_error_literal_can_be_tested() -> None:
    result = evaluate_template("@(is_error(1234567890123456789012345678901234567))", XObject(),
                               env())
    assert result.text == "true"


def test_location_names_are_compared_in_the_input_collation() -> None:
    from turnflow.expressions.locations import LocationHierarchy

    # goflow looks location names up in the environment's input collation too
    hierarchy = LocationHierarchy.from_json({"name": "Afghanistan", "children": [
        {"name": "Kandahar", "aliases": ["\u06a9\u0646\u062f\u0647\u0627\u0631"]}]})
    arabic_kaf = "\u0643\u0646\u062f\u0647\u0627\u0631"
    found = CASE_TESTS["has_state"].call(
        env(input_collation="arabic_variants", locations=hierarchy), [arabic_kaf]
    )
    assert found.get("match") == "Afghanistan > Kandahar"
    missed = CASE_TESTS["has_state"].call(env(locations=hierarchy), [arabic_kaf])
    assert missed.default is False


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        # goflow: "syntax error at " and the next ten bytes of the line from the problem
        ("@('x')", "syntax error at 'x'"),
        ("@(1 + )", "syntax error at "),
        ("@(1.1.0)", "syntax error at .0"),
        ('@("abc".v)', "syntax error at .v"),
        ("@(1 + * 2345678901234)", "syntax error at * 23456789"),
    ],
)
def test_syntax_errors_are_worded_as_goflow(template: str, expected: str) -> None:
    result = evaluate_template(template, XObject(), env())
    assert [error.message for error in result.errors] == [expected]
