"""Router case tests (has_*): goflow's semantics, arities and match values."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from turnflow.expressions.cases import CASE_TESTS
from turnflow.expressions.cases import date_tests as date_module
from turnflow.expressions.environment import Environment
from turnflow.expressions.locations import DISTRICT, STATE, WARD, LocationHierarchy
from turnflow.expressions.values import XError, XObject, from_python, render_text

KIGALI = ZoneInfo("Africa/Kigali")
NOW = dt.datetime(2018, 4, 11, 13, 24, 30, 123456, tzinfo=dt.UTC)

HIERARCHY = {
    "name": "Rwanda",
    "aliases": ["Ruanda"],
    "children": [
        {
            "name": "Kigali City",
            "aliases": ["Kigali", "Kigari"],
            "children": [
                {"name": "Gasabo", "children": [{"name": "Gisozi"}, {"name": "Ndera"}]},
                {"name": "Nyarugenge", "children": []},
            ],
        },
        {
            "name": "Paktika",
            "aliases": ["Janikhel", "Terwa", "پکتیکا", "تروو", "یحیی خیل", "یوسف خیل"],
            "children": [],
        },
    ],
}

ERROR = object()  # expect some XError


@pytest.fixture(scope="module")
def env() -> Environment:
    return Environment(
        date_format="DD-MM-YYYY",
        time_format="tt:mm:ss",
        timezone=KIGALI,
        default_country="RW",
        now=lambda: NOW,
        locations=LocationHierarchy.from_json(HIERARCHY),
    )


def call(env: Environment, name: str, *args):
    return CASE_TESTS[name].call(env, list(args))


def check(result, expected) -> None:
    if expected is ERROR:
        assert type(result) is XError, result
    elif expected is False:
        # goflow's no-match: an object that is false, with an empty match
        assert type(result) is XObject and result.default is False, result
        assert result.get("match") == "", result
    else:
        assert type(result) is XObject, result
        assert result.default is True
        assert result.get("match") == expected, render_text(result.get("match"))


def test_all_goflow_tests_are_registered() -> None:
    names = {
        "has_all_words", "has_any_word", "has_beginning", "has_category", "has_date",
        "has_date_eq", "has_date_gt", "has_date_lt", "has_district", "has_email", "has_error",
        "has_group", "has_intent", "has_number", "has_number_between", "has_number_eq",
        "has_number_gt", "has_number_gte", "has_number_lt", "has_number_lte",
        "has_only_phrase", "has_only_text", "has_pattern", "has_phone", "has_phrase",
        "has_state", "has_text", "has_time", "has_top_intent", "has_value", "has_ward",
    }  # fmt: skip
    assert names <= set(CASE_TESTS)
    arity = {name: (f.min_args, f.max_args) for name, f in CASE_TESTS.items()}
    assert arity["has_phone"] == (1, 2)
    assert arity["has_district"] == (1, 2)
    assert arity["has_group"] == (2, 3)
    assert arity["has_category"] == (2, None)
    assert arity["has_intent"] == arity["has_top_intent"] == (3, 3)
    assert arity["has_number_between"] == (3, 3)
    assert arity["has_text"] == arity["has_value"] == (1, 1)


TEXT_CASES = [
    ("has_error", ["hello"], False),
    ("has_error", [None], False),
    ("has_error", [XError("I am error")], "I am error"),
    ("has_error", [], ERROR),
    ("has_text", ["hello"], "hello"),
    ("has_text", ["  "], False),
    ("has_text", [" \n"], False),
    ("has_text", [None], False),
    ("has_text", [Decimal(123)], "123"),
    ("has_text", ["one", "two"], ERROR),
    ("has_text", [XError("x")], ERROR),
    ("has_value", ["  hi "], "hi"),
    ("has_only_text", ["hello", "hello"], "hello"),
    ("has_only_text", ["hello-world", "hello-world"], "hello-world"),
    ("has_only_text", ["HELLO", "hello"], False),
    ("has_only_text", ["foo", " foo "], False),
    ("has_only_text", ["hello", XError("x")], ERROR),
    ("has_beginning", ["hello", "hell"], "hell"),
    ("has_beginning", ["  HelloThere", "hello"], "Hello"),
    ("has_beginning", ["The Quick Brown", "the   quick"], False),
    ("has_beginning", [None, "hell"], False),
    ("has_beginning", ["hello", None], False),
    ("has_beginning", ["hel", "hello"], False),
    ("has_beginning", [" 2061212", "206"], "206"),
    ("has_beginning", ["but this world", "this world"], False),
    ("has_beginning", ["one", "two", "three"], ERROR),
    ("has_any_word", ["this.is.my.word", "WORD word2 word"], "word"),
    ("has_any_word", ["this.is.my.βήτα", "βήτα"], "βήτα"),
    ("has_any_word", ["I say to you📴", "📴"], "📴"),
    ("has_any_word", ["this World too", "world"], "World"),
    ("has_any_word", ["I don't like it", "don't dont"], "don't"),
    ("has_any_word", ["The Quick Brown Fox", "fox quick"], "Quick Fox"),
    ("has_any_word", ["BUT not this one", "world"], False),
    ("has_any_word", ["", "world"], False),
    ("has_any_word", ["but foo", None], False),
    ("has_all_words", ["this.is.my.word", "WORD word"], "word"),
    ("has_all_words", ["this World too", "world too"], "World too"),
    ("has_all_words", ["the quick brown FOX", "the fox"], "the FOX"),
    ("has_all_words", ["BUT not this one", "world"], False),
    ("has_phrase", ["you Must resist", "must resist"], "Must resist"),
    ("has_phrase", ["this world Too", "world too"], "world Too"),
    ("has_phrase", ["this world Too", ""], ""),
    ("has_phrase", ["this is not world", "this world"], False),
    ("has_phrase", ["the Quick Brown fox", "quick fox"], False),
    ("has_phrase", ["a a b", "a b"], False),  # goflow's restart quirk
    ("has_only_phrase", ["Must resist", "must resist"], "Must resist"),
    ("has_only_phrase", [" world Too ", "world too"], "world Too"),
    ("has_only_phrase", ["this world Too", ""], False),
    ("has_only_phrase", ["", ""], ""),
    ("has_only_phrase", ["this world is my world", "this world"], False),
    ("has_only_phrase", ["this world", "this mighty"], False),
    ("has_email", ["my email is foo@bar.com."], "foo@bar.com"),
    ("has_email", ["my email is <foo~$1+spam@bar-2.com>"], "foo~$1+spam@bar-2.com"),
    ("has_email", ["FOO@βήτα.whatzit"], "FOO@βήτα.whatzit"),
    ("has_email", ["email is foo @ bar . com"], False),
    ("has_email", ["email is foo@bar"], False),
    ("has_email", [None], False),
    ("has_email", ["too", "many", "args"], ERROR),
]


@pytest.mark.parametrize(("name", "args", "expected"), TEXT_CASES)
def test_text_cases(env: Environment, name: str, args: list, expected) -> None:
    check(call(env, name, *args), expected)


def _pattern_extra(result) -> dict:
    return {k: v for k, v in result.get("extra").items()}


def test_has_pattern(env: Environment) -> None:
    result = call(env, "has_pattern", "Buy cheese please", r"buy (\w+)")
    check(result, "Buy cheese")
    assert _pattern_extra(result) == {"0": "Buy cheese", "1": "cheese"}
    check(call(env, "has_pattern", "<html>x</html>", r"<\w+>"), "<html>")
    check(call(env, "has_pattern", "<html>x</html>", "HTML"), "html")
    check(call(env, "has_pattern", "<html>x</html>", "(?-i)HTML"), False)
    check(call(env, "has_pattern", "12345", r"\A\d{5}\z"), "12345")
    check(call(env, "has_pattern", "12345 ", r"\A\d{5}\z"), False)
    check(call(env, "has_pattern", "hi there 😀", "[\U0001f600-\U0001f64f]"), "😀")
    check(call(env, "has_pattern", "hi there 😂", "[😀-🙏]"), "😂")
    check(call(env, "has_pattern", "Sell cheese please", r"buy (\w+)"), False)
    # RE2 classes are ASCII-only, but case folding is Unicode
    check(call(env, "has_pattern", "niño", r"\w+"), "ni")
    check(call(env, "has_pattern", "ÉCOLE", "école"), "ÉCOLE")
    optional = call(env, "has_pattern", "ab", "a(x)?b")
    assert _pattern_extra(optional) == {"0": "ab", "1": ""}
    error = call(env, "has_pattern", "<html>x</html>", "[")
    assert type(error) is XError and "valid regular expression" in error.message


NUMBER_CASES = [
    ("has_number", ["the number 10"], Decimal("10")),
    ("has_number", ["the number -10"], Decimal("-10")),
    ("has_number", ["1-15"], Decimal("1")),
    ("has_number", ["24ans"], Decimal("24")),
    ("has_number", ["J'AI 20ANS"], Decimal("20")),
    ("has_number", ["1,000,000"], Decimal("1000000")),
    ("has_number", ["O número é 500"], Decimal("500")),
    ("has_number", ["another is -12.51"], Decimal("-12.51")),
    ("has_number", ["hi.51"], Decimal("51")),
    ("has_number", ["hi .51"], Decimal("0.51")),
    ("has_number", [".51"], Decimal("0.51")),
    ("has_number", ["١٢٣٤"], Decimal("1234")),
    ("has_number", ["٠.٥"], Decimal("0.5")),
    ("has_number", ["العدد ٤٢"], Decimal("42")),
    ("has_number", ["২৪"], Decimal("24")),
    ("has_number", ["nothing here"], False),
    ("has_number", ["lOO"], False),
    ("has_number", ["the number is forty two"], False),
    ("has_number", ["one", "two", "three"], ERROR),
    ("has_number_lt", ["the number 10", "11"], Decimal("10")),
    ("has_number_lt", ["another is -12.51", "12"], Decimal("-12.51")),
    ("has_number_lt", ["١٠", "11"], Decimal("10")),
    ("has_number_lt", ["nothing here", "12"], False),
    ("has_number_lt", ["too big 15", "12"], False),
    ("has_number_lt", ["15 then 3", "12"], Decimal("3")),
    ("has_number_lt", ["but foo", False], ERROR),
    ("has_number_lt", [None, "but foo"], ERROR),
    ("has_number_lte", ["the number 10", "10"], Decimal("10")),
    ("has_number_lte", ["too big 15", "12"], False),
    ("has_number_eq", ["another is -12.51", "-12.51"], Decimal("-12.51")),
    ("has_number_eq", ["wrong .51", ".61"], False),
    ("has_number_gte", ["the number 10", "9"], Decimal("10")),
    ("has_number_gte", ["too small -12", "-11"], False),
    ("has_number_gt", ["the number 10", "9"], Decimal("10")),
    ("has_number_gt", ["not great -12.51", "-12.51"], False),
    ("has_number_between", ["the number 10", "8", "12"], Decimal("10")),
    ("has_number_between", ["24ans", Decimal(20), Decimal(24)], Decimal("24")),
    ("has_number_between", ["another is -12.51", "-12.51", "-10"], Decimal("-12.51")),
    ("has_number_between", ["nothing here", "10", "15"], False),
    ("has_number_between", ["one", "two"], ERROR),
    ("has_number_between", ["a string", "10", "not number"], ERROR),
]


@pytest.mark.parametrize(("name", "args", "expected"), NUMBER_CASES)
def test_number_cases(env: Environment, name: str, args: list, expected) -> None:
    result = call(env, name, *args)
    check(result, expected)
    if type(result) is XObject and result.default is True:
        assert type(result.get("match")) is Decimal


def test_number_format_from_env() -> None:
    env = Environment(number_decimal=",", number_grouping=".")
    check(call(env, "has_number", "costs 1.234,5 francs"), Decimal("1234.5"))


def test_has_phone(env: Environment) -> None:
    cases = [
        ("+250788123123", None, "+250788123123"),
        ("u812111005611", "ID", "+62812111005611"),
        ("oioas812111", "US", False),
        ("+593979111111", None, "+593979111111"),
        ("0788123123", None, "+250788123123"),  # the env's default country
        ("0788123123", "RW", "+250788123123"),
        ("+12065551212", "RW", "+12065551212"),
        ("12065551212", "US", "+12065551212"),
        ("206 555 1212", "US", "+12065551212"),
        ("5912705", "US", False),
        ("+10001112222", "US", "+10001112222"),
        ("0815 1053 7962", "ID", "+6281510537962"),
        ("0811-1005-611", "ID", "+628111005611"),
        ("10000", "US", False),
        ("12067799294", "BW", "+12067799294"),  # not a BW number, but a US one missing its +
        ("oui", "CD", False),
        ("none of your business", "US", False),
    ]
    for number, country, expected in cases:
        args = ["my number is " + number] + ([country] if country else [])
        check(call(env, "has_phone", *args), expected)
    check(call(env, "has_phone", "number", None), False)
    check(call(env, "has_phone", XError("x")), ERROR)


def test_has_group(env: Environment) -> None:
    groups = from_python(
        [{"uuid": "group-uuid-1", "name": "Testers"}, {"uuid": "group-uuid-2", "name": "Customers"}]
    )
    result = call(env, "has_group", groups, "group-uuid-2")
    check(result, groups[1])
    check(call(env, "has_group", groups, "group-uuid-2", "Customers"), groups[1])
    check(call(env, "has_group", [], "group-uuid-1"), False)
    check(call(env, "has_group", [XError("x")], "group-uuid-1"), ERROR)
    check(call(env, "has_group", XError("x"), "group-uuid-1"), ERROR)
    check(call(env, "has_group", [], XError("x")), ERROR)
    check(call(env, "has_group"), ERROR)


RESULT = {
    "name": "Response 1",
    "value": "hi",
    "category": "Other",
    "input": "hello",
    "node_uuid": "0faca870-aca4-469d-89e2-a70df468ac68",
    "created_on": "2018-07-06T12:30:06.123456789Z",
}


def test_has_category_and_intents(env: Environment) -> None:
    result = from_python(RESULT)
    check(call(env, "has_category", result, "Chicken", "Other"), "Other")
    check(call(env, "has_category", result, "Chicken"), False)
    check(call(env, "has_category", result, "other"), False)
    check(call(env, "has_category", from_python({}), "Chicken"), ERROR)
    check(call(env, "has_category", "text", "Chicken"), ERROR)
    check(call(env, "has_category", result), ERROR)
    # deprecated NLU tests are always false, but still check their arguments
    check(call(env, "has_intent", result, "book_flight", Decimal("0.5")), False)
    check(call(env, "has_top_intent", result, "book_flight", Decimal("0.5")), False)
    check(call(env, "has_intent", result, "book_flight", "lots"), ERROR)
    check(call(env, "has_top_intent", "nope", "book_flight", Decimal("0.5")), ERROR)
    check(call(env, "has_intent"), ERROR)


LOCATION_CASES = [
    ("has_state", ["kigali city"], "Rwanda > Kigali City"),
    ("has_state", ["kigari"], "Rwanda > Kigali City"),
    ("has_state", ["Kigali"], "Rwanda > Kigali City"),
    ("has_state", ["¡Kigali!"], "Rwanda > Kigali City"),
    ("has_state", ["I live in Kigali"], "Rwanda > Kigali City"),
    ("has_state", ["تروو"], "Rwanda > Paktika"),
    ("has_state", ["غم ځپلې هلمند"], False),
    ("has_state", ["xyz"], False),
    ("has_state", ["Boston"], False),
    ("has_state", [XError("x")], ERROR),
    ("has_district", ["Gasabo", "kigali"], "Rwanda > Kigali City > Gasabo"),
    ("has_district", ["I live in gasabo", "kigali"], "Rwanda > Kigali City > Gasabo"),
    ("has_district", ["Gasabo"], "Rwanda > Kigali City > Gasabo"),
    ("has_district", ["Gasabo", "Boston"], False),
    ("has_district", ["xyz", "kigali"], False),
    ("has_district", [XError("x")], ERROR),
    ("has_ward", ["Gisozi", "Gasabo", "kigali"], "Rwanda > Kigali City > Gasabo > Gisozi"),
    (
        "has_ward",
        ["I live in gisozi", "Gasabo", "kigali"],
        "Rwanda > Kigali City > Gasabo > Gisozi",
    ),
    # goflow's current docs pass (state, district): both orders are accepted
    ("has_ward", ["Gisozi", "Kigali", "Gasabo"], "Rwanda > Kigali City > Gasabo > Gisozi"),
    ("has_ward", ["Gisozi", "Brooklyn", "Gasabo"], False),
    ("has_ward", ["Gisozi", "Kigali", "Brooklyn"], False),
    ("has_ward", ["Brooklyn", "Kigali", "Gasabo"], False),
    ("has_ward", ["Gisozi"], "Rwanda > Kigali City > Gasabo > Gisozi"),
    ("has_ward", ["Gasabo"], False),
    ("has_ward", ["xyz", "Gasabo", "kigali"], False),
    ("has_ward", ["Gisozi", "Gasabo"], ERROR),
    ("has_ward", [XError("x")], ERROR),
]


@pytest.mark.parametrize(("name", "args", "expected"), LOCATION_CASES)
def test_location_cases(env: Environment, name: str, args: list, expected) -> None:
    check(call(env, name, *args), expected)


def test_location_tests_without_locations_are_false() -> None:
    env = Environment()
    check(call(env, "has_state", "Kigali"), False)
    check(call(env, "has_ward", "Gisozi"), False)


def test_location_hierarchy() -> None:
    hierarchy = LocationHierarchy.from_json([HIERARCHY])
    assert [loc.path for loc in hierarchy.find_by_name("KIGARI", STATE)] == ["Rwanda > Kigali City"]
    gasabo = hierarchy.find_by_name("gasabo", DISTRICT)[0]
    assert hierarchy.find_by_name("Gisozi", WARD, gasabo)[0].name == "Gisozi"
    nyarugenge = hierarchy.find_by_name("Nyarugenge", DISTRICT)[0]
    assert hierarchy.find_by_name("Gisozi", WARD, nyarugenge) == []
    assert hierarchy.find_fuzzy("I live in Kigali City!", STATE)[0].name == "Kigali City"
    assert hierarchy.find_by_path("rwanda > kigali city > gasabo") is gasabo
    with pytest.raises(ValueError):
        LocationHierarchy.from_json([])


def test_session_asset_locations() -> None:
    path = Path("/work/shared/fixtures/goflow/_extracted/test_session/sessionAssets.json")
    if not path.exists():
        pytest.skip("goflow fixtures not available")
    hierarchy = LocationHierarchy.coerce(json.loads(path.read_text())["locations"])
    assert hierarchy.find_fuzzy("Gisozi", WARD)[0].path == "Rwanda > Kigali City > Gasabo > Gisozi"


def _kgl(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=KIGALI)


DATE_CASES = [
    ("has_date", ["last date was 1.10.2017"], _kgl(2017, 10, 1, 15, 24, 30, 123456)),
    ("has_date", ["last date was 1.10.99"], _kgl(1999, 10, 1, 15, 24, 30, 123456)),
    ("has_date", ["this isn't a valid date 33.2.99"], False),
    ("has_date", ["no date at all"], False),
    ("has_date", ["too", "many", "args"], ERROR),
    ("has_date_lt", ["last date was 1.10.2017", "3.10.2017"],
     _kgl(2017, 10, 1, 15, 24, 30, 123456)),
    ("has_date_lt", ["last date was 1.10.99", "3.10.98"], False),
    ("has_date_lt", ["no date at all", "3.10.98"], False),
    ("has_date_lt", ["last date was 1.10.2017", None], ERROR),
    ("has_date_lt", [None, "but foo"], ERROR),
    ("has_date_eq", ["last date was 1.10.2017", "1.10.2017"],
     _kgl(2017, 10, 1, 15, 24, 30, 123456)),
    ("has_date_eq", ["last date was 1.10.99", "3.10.98"], False),
    ("has_date_eq", ["2017-10-01T23:55:55.123456+02:00", "1.10.2017"],
     _kgl(2017, 10, 1, 23, 55, 55, 123456)),
    ("has_date_eq", ["2017-10-01T23:55:55.123456+01:00", "1.10.2017"], False),
    ("has_date_gt", ["last date was 1.10.2017", "3.10.2016"],
     _kgl(2017, 10, 1, 15, 24, 30, 123456)),
    ("has_date_gt", ["last date was 1.10.99", "3.10.01"], False),
    ("has_time", ["last time was 10:30"], dt.time(10, 30)),
    ("has_time", ["this isn't a valid time 59:77"], False),
    ("has_time", ["no time at all"], False),
    ("has_time", ["too", "many", "args"], ERROR),
]  # fmt: skip


@pytest.mark.parametrize(("name", "args", "expected"), DATE_CASES)
def test_date_cases(env: Environment, name: str, args: list, expected) -> None:
    check(call(env, name, *args), expected)


def test_date_argument_errors_do_not_need_parsing(env: Environment) -> None:
    check(call(env, "has_date_lt", "no date", None), ERROR)
    check(call(env, "has_date_eq", XError("x"), "2017-01-01"), ERROR)
    check(call(env, "has_time", XError("x")), ERROR)


def test_date_comparisons_use_env_calendar_dates(env: Environment, monkeypatch) -> None:
    # independent of dates.py: feed the parser's answer directly
    found = {
        "late": dt.datetime(2017, 10, 1, 23, 55, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "later": dt.datetime(2017, 10, 1, 23, 55, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    }
    monkeypatch.setattr(date_module, "_parse_filled", lambda env, text: found.get(text))
    check(call(env, "has_date_eq", "late", "not a date"), ERROR)
    limit = _kgl(2017, 10, 1)
    check(call(env, "has_date_eq", "late", limit), found["late"])
    check(call(env, "has_date_eq", "later", limit), False)  # already 2 Oct in Kigali
    check(call(env, "has_date_gt", "later", limit), found["later"])
    check(call(env, "has_date_lt", "late", _kgl(2017, 10, 2)), found["late"])
    check(call(env, "has_date", "late"), found["late"])
    check(call(env, "has_date", "nothing"), False)
