"""Legacy (RapidPro) expressions migrated to Excellent 3 as goflow's legacy migrator does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from turnflow.expressions import Environment, compile_template, evaluate_template, from_python
from turnflow.goflow.legacy.expressions import (
    LegacyExpressionError,
    go_quote,
    migrate_context_reference,
    migrate_expression,
    migrate_string_literal,
    migrate_template,
    scan_legacy,
    try_migrate_template,
)
from turnflow.goflow.legacy.semantics import legacy_engine_semantics

FIXTURES = Path("/work/shared/fixtures/goflow")

REFERENCES = [
    # contact and its URNs
    ("@contact", "@contact"),
    ("@CONTACT.NAME", "@contact.name"),
    ("@contact.first_name", "@contact.first_name"),
    ("@contact.age", "@fields.age"),
    ("@contact.groups", '@(join(contact.groups, ","))'),
    ("@contact.tel", "@(format_urn(urns.tel))"),
    ("@contact.tel.display", "@(format_urn(urns.tel))"),
    ("@contact.tel.path", "@(urn_parts(urns.tel).path)"),
    ("@contact.tel.urn", "@urns.tel"),
    ("@contact.tel_e164", '@(default(urn_parts(urns.tel).path, ""))'),
    ("@contact.mailto", '@(default(urn_parts(urns.mailto).path, ""))'),
    ("@parent.contact.gender", "@parent.fields.gender"),
    ("@child.contact.tel.scheme", "@(urn_parts(child.urns.tel).scheme)"),
    ("@step.contact.name", "@contact.name"),
    # results
    ("@flow", "@results"),
    ("@flow.color", "@results.color"),
    ("@flow.color.category", "@results.color.category_localized"),
    ("@flow.color.text", "@results.color.input"),
    ("@flow.color.time", "@results.color.created_on"),
    ("@flow.2nd.value", '@(results["2nd"].value)'),
    ("@child.age.category", "@child.results.age.category_localized"),
    ("@parent", "@parent.results"),
    ("@extra.flow.role", "@parent.results.role"),
    # input, dates, channel, extra
    ("@step", "@input"),
    ("@step.value", "@input"),
    ("@step.time", "@input.created_on"),
    ("@step.attachments.1", "@(attachment_parts(input.attachments[1]).url)"),
    ("@date", "@(now())"),
    ("@date.today", "@(format_date(today()))"),
    ("@date.yesterday", '@(format_date(datetime_add(now(), -1, "D")))'),
    ("@channel", "@contact.channel.address"),
    ("@channel.name", "@contact.channel.name"),
    ("@extra", "@legacy_extra"),
    ("@extra.address.state", "@legacy_extra.address.state"),
    ("@extra.items.0.name", '@(legacy_extra.items["0"].name)'),
]


@pytest.mark.parametrize(("old", "new"), REFERENCES)
def test_context_references(old: str, new: str) -> None:
    assert migrate_template(old) == new
    # the same reference inside an expression gives the same path
    assert migrate_template("Hi " + old.replace("@", "@(", 1) + ")!") == "Hi " + new + "!"


EXPRESSIONS = [
    ("@(TRUE)", "@(true)"),
    ("@(false())", "@(false)"),
    ("@(1 <> 2)", "@(1 != 2)"),
    ("@(2 ^ 3 * 4 / 5 >= 1 = TRUE & \"x\")", '@(2 ^ 3 * 4 / 5 >= 1 = true & "x")'),
    ('@("say ""hi""")', '@("say \\"hi\\"")'),
    ("@(-2 + 3)", "@(-2 + 3)"),
    ("@(1.5 + 2)", "@(legacy_add(1.5, 2))"),
    ("@(contact.age - 1)", "@(legacy_add(fields.age, -1))"),
    ("@(ABS(-2) + MOD(7, 2))", "@(abs(-2) + mod(7, 2))"),
    # days added to datetimes and dates
    ("@(date.now + 3)", '@(datetime_add(now(), 3, "D"))'),
    ("@(NOW() - 2)", '@(datetime_add(now(), -2, "D"))'),
    ("@(date.today + 1)", '@(format_date(datetime_add(format_date(today()), 1, "D")))'),
    ("@(DATE(2014, 7, 1) - 3)", "@(legacy_add(date_from_parts(2014, 7, 1), -3))"),
    # times added to datetimes and dates
    ("@(NOW() + TIME(1, 2, 3))",
     '@(datetime_add(now(), format_time(time_from_parts(1, 2, 3), "tt") * 60 + '
     'format_time(time_from_parts(1, 2, 3), "m"), "m"))'),
    ("@(contact.joined + TIMEVALUE(\"10:30\"))", '@(replace_time(fields.joined, time("10:30")))'),
    ("@(contact.joined - TIME(2, 30, 0))",
     "@(legacy_add(fields.joined, -time_from_parts(2, 30, 0)))"),
    # functions
    ("@(PROPER(contact.name))", "@(title(contact.name))"),
    ("@(LEN(step.value))", "@(text_length(input))"),
    ('@(CONCATENATE(contact.first_name, " ", flow.age))',
     '@(contact.first_name & " " & results.age)'),
    ("@(SUM(1, flow.a, 3))", "@(1 + results.a + 3)"),
    ("@(AVERAGE(1, 2))", "@(mean(1, 2))"),
    ('@(DATEVALUE("2012-02-03"))', '@(date("2012-02-03"))'),
    ("@(DAYS(flow.a, flow.b))", '@(datetime_diff(results.b, results.a, "D"))'),
    ("@(FIRST_WORD(step.value))", "@(word(input, 0))"),
    ("@(WORD(step.value, 3, TRUE))", '@(word(input, 2, " \\t"))'),
    ("@(WORD(step.value, flow.n))", "@(word(input, results.n - 1))"),
    ("@(WORD_SLICE(step.value, 2, 4, false))", "@(word_slice(input, 1, 3, NULL))"),
    ("@(WORD_COUNT(step.value))", "@(word_count(input))"),
    ("@(FIELD(step.value, 2, \",\"))", '@(field(input, 1, ","))'),
    ("@(FIXED(flow.price))", "@(format_number(results.price, 2))"),
    ("@(LEFT(step.value, 3))", "@(text_slice(input, 0, 3))"),
    ("@(RIGHT(step.value, 3))", "@(text_slice(input, -3))"),
    ("@(POWER(2, 8))", "@(2 ^ 8)"),
    ("@(EXP(1))", "@(2.718281828459045 ^ 1)"),
    ("@(WEEKDAY(TODAY()))", "@(weekday(today()) + 1)"),
    ("@(YEAR(contact.born))", '@(format_date(fields.born, "YYYY"))'),
    ("@(HOUR(NOW()))", '@(format_datetime(now(), "tt"))'),
    ('@(FORMAT_DATE(contact.joined))', "@(format_datetime(fields.joined))"),
    ('@(REGEX_GROUP(step.value, "\\d+"))', '@(regex_match(input, "\\d+"))'),
    ("@(UNKNOWN_FN(1, 2))", "@(unknown_fn(1, 2))"),
    # calls the table can't place migrate to nothing, as in goflow
    ("@(TIME(1, 2))", "@()"),
    ("@(WORD(1, 2, 3, 4))", "@()"),
]


@pytest.mark.parametrize(("old", "new"), EXPRESSIONS)
def test_expressions(old: str, new: str) -> None:
    assert migrate_template(old) == new


def test_migrated_templates_are_valid_excellent() -> None:
    for _, new in REFERENCES + EXPRESSIONS[:-2]:
        assert compile_template(new).syntax_errors == [], new


TEMPLATES = [
    ("Hi there", "Hi there"),
    ("bob@nyaruka.com", "bob@nyaruka.com"),
    ("@twitter_handle and @SUM(1, 2)", "@twitter_handle and @SUM(1, 2)"),
    ("@", "@"),
    ("@ @", "@ @"),
    ("@contact.name...?", "@contact.name...?"),
    ("@@flow and @@@flow", "@@flow and @@@results"),
    ("Hi @contact.name, @(UPPER(flow.color)).", "Hi @contact.name, @(upper(results.color))."),
    ('@("")', ""),
    ('x @("") y', "x  y"),
    ("@(5 + (1 + )", "@(5 + (1 + )"),  # unclosed: text
    ('@(")', '@(")'),
    ("@(LEN(\"a)\"))", "@(text_length(\"a)\"))"),
]


@pytest.mark.parametrize(("old", "new"), TEMPLATES)
def test_templates(old: str, new: str) -> None:
    assert migrate_template(old) == new


def test_scan_legacy() -> None:
    assert list(scan_legacy("Hi @contact.name, @@ @(1 + 2) @foo.bar")) == [
        ("text", "Hi "),
        ("identifier", "contact.name"),
        ("text", ", @@ "),
        ("expression", "1 + 2"),
        ("text", " @foo.bar"),
    ]


@pytest.mark.parametrize("bad", ["'x'", "0 / ", "1.1.0", "", "1 2", "(1 2)", "a, b", "2."])
def test_syntax_errors_keep_the_expression(bad: str) -> None:
    text, errors = try_migrate_template(f"A @({bad}) @contact.age")
    assert text == f"A @({bad}) @fields.age"
    assert len(errors) == 1 and isinstance(errors[0], LegacyExpressionError)
    with pytest.raises(LegacyExpressionError):
        migrate_expression(bad)


def test_default_to_self() -> None:
    assert migrate_template('@("hello")', default_to_self=True) == (
        '@(if(is_error("hello"), "@(\\"hello\\")", "hello"))'
    )
    assert migrate_template("@extra.exists", default_to_self=True) == (
        '@(if(is_error(legacy_extra.exists), "@extra.exists", legacy_extra.exists))'
    )


def test_url_encode() -> None:
    assert migrate_template("http://x.com/?n=@contact.name", url_encode=True) == (
        "http://x.com/?n=@(url_encode(contact.name))"
    )
    assert migrate_template("@(flow.a & 1)", url_encode=True, default_to_self=True) == (
        '@(url_encode(if(is_error(results.a & 1), "@(flow.a & 1)", results.a & 1)))'
    )


def test_raw_dates() -> None:
    assert migrate_template("@date.today", raw_dates=True) == "@(today())"
    assert migrate_template("@(date.today + 1)", raw_dates=True) == (
        '@(datetime_add(today(), 1, "D"))'
    )


def test_migrate_expression() -> None:
    assert migrate_expression("UPPER(contact.name) & flow.x") == "upper(contact.name) & results.x"
    assert migrate_expression("step.value", default_to_self=True) == (
        'if(is_error(input), "@(step.value)", input)'
    )


def test_helpers() -> None:
    assert migrate_string_literal('"a""b"') == '"a\\"b"'
    assert migrate_string_literal('"\\d+"') == '"\\d+"'
    assert migrate_context_reference("Flow.Color.Category") == "results.color.category_localized"
    assert migrate_context_reference("unknown.Thing") == "unknown.thing"
    with legacy_engine_semantics():  # the legacy engine's @flow.x.category: the base name
        assert migrate_context_reference("flow.color.category") == "results.color.category"
        assert migrate_template("@flow.color.category") == "@results.color.category"
    assert migrate_template("@flow.color.category") == "@results.color.category_localized"
    assert go_quote('say "hi"\n\tß\x01') == '"say \\"hi\\"\\n\\tß\\x01"'


def test_migrated_functions_evaluate() -> None:
    env = Environment(
        date_format="DD-MM-YYYY", now=lambda: dt.datetime(2018, 4, 11, 13, 24, 30, tzinfo=dt.UTC)
    )
    context = from_python({"input": "hello big world", "results": {"n": {"value": "2"}}})
    cases = {
        "@(FIRST_WORD(step.value))": "hello",
        "@(WORD(step.value, 2))": "big",
        "@(PROPER(step.value))": "Hello Big World",
        "@(LEN(step.value))": "15",
        "@(date.today + 1)": "12-04-2018",
        "@(CONCATENATE(\"a\", 1))": "a1",
        "@(REMOVE_FIRST_WORD(step.value))": "big world",
    }
    for old, expected in cases.items():
        result = evaluate_template(migrate_template(old), context, env)
        assert (result.text, result.errors) == (expected, []), old


@pytest.mark.skipif(not FIXTURES.exists(), reason="goflow fixtures not available")
def test_conformance_legacy_tests() -> None:
    from turnflow.conformance.goflow_legacy_expressions import run_legacy_expressions

    result = run_legacy_expressions(FIXTURES)
    assert result.passed + result.failed == 107
    assert result.passed >= 107, result.failures
