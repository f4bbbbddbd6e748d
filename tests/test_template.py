"""Templates and expressions: scanning, precedence, lookups, errors as values, caching."""

from __future__ import annotations

import pytest

from turnflow.errors import ExpressionSyntaxError
from turnflow.expressions import (
    XError,
    compile_expression,
    compile_template,
    evaluate_expression,
    evaluate_template,
    from_python,
)
from turnflow.expressions.template import scan

CTX = from_python(
    {
        "contact": {"name": "Ryan Lewis", "age": 37, "urns": ["tel:+1", "mailto:x@y.z"]},
        "results": {"color": {"value": "red"}},
    }
)


def render(template: str, env) -> str:
    result = evaluate_template(template, CTX, env)
    assert not result.errors, result.errors
    return result.text


@pytest.mark.parametrize(
    ("template", "pieces"),
    [
        ("plain", [("text", "plain", 0)]),
        ("@@contact", [("text", "@contact", 0)]),
        ("Hi @contact.name.",
         [("text", "Hi ", 0), ("identifier", "contact.name", 4), ("text", ".", 16)]),
        ("@(1 + (2))!", [("expression", "1 + (2)", 2), ("text", "!", 10)]),
        ('@(")")', [("expression", '")"', 2)]),
        ("@(unclosed", [("text", "@(unclosed", 0)]),
        ("a @ b @", [("text", "a @ b @", 0)]),
    ],
)
def test_scan(template, pieces):
    assert scan(template) == pieces


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("@(1 + 2 * 3 ^ 2)", "19"),
        ("@(-2 ^ 2)", "4"),
        ("@(2 ^ 3 ^ 2)", "64"),  # left associative, as goflow's grammar
        ('@("a" & "b" = "ab")', "afalse"),  # & binds loosest
        ("@(10 - 4 - 3)", "3"),
        ("@(3 / 2)", "1.5"),
        ("@(1 / 3)", "0.3333333333333333"),
        ("@(1.50 + 0)", "1.5"),
        ("@(1 = 1)", "true"),
        ('@(1 = "1")', "true"),
        ("@(2 < 10)", "true"),
        ('@("a\\nb")', "a\nb"),
        ('@("\\d+")', "\\d+"),
        ('@("say \\"hi\\"")', 'say "hi"'),
        ("@(TRUE)", "true"),
        ("@(null)", ""),
    ],
)
def test_operators_and_literals(template, expected, env):
    assert render(template, env) == expected


def test_lookups_are_case_insensitive(env):
    assert render("@CONTACT.NAME / @(contact[\"Name\"]) / @contact", env) == (
        "Ryan Lewis / Ryan Lewis / {age: 37, name: Ryan Lewis, urns: [tel:+1, mailto:x@y.z]}"
    )


def test_array_indexing(env):
    assert render("@(contact.urns[0]) @(contact.urns[-1])", env) == "tel:+1 mailto:x@y.z"
    result = evaluate_template("@(contact.urns[5])", CTX, env)
    assert result.errors == [XError("index 5 out of range for 2 items")]


def test_missing_properties(env):
    result = evaluate_template("a@(contact.nope)b", CTX, env)
    assert result.text == "ab"
    assert result.errors == [XError("object has no property 'nope'")]
    # [] notation gives null instead of an error
    assert render('@(contact["nope"])', env) == ""
    assert evaluate_template("@(nothing.here)", CTX, env).errors == [
        XError("context has no property 'nothing'")
    ]


def test_identifiers_outside_the_context_stay_text(env):
    text = "mail bob@nyaruka.com or @twitter_handle"
    assert render(text, env) == text


def test_errors_render_what_they_can(env):
    result = evaluate_template("1 @(1 / 0) 2 @(1 +) 3", CTX, env)
    assert result.text == "1  2  3"
    assert [e.message for e in result.errors] == [
        "division by zero",
        "syntax error at ",  # goflow's wording (a strict compile names the column)
    ]


def test_syntax_error_names_column():
    with pytest.raises(ExpressionSyntaxError) as info:
        compile_template("Hi @(1 +)", strict=True)
    assert info.value.column == 9
    with pytest.raises(ExpressionSyntaxError):
        compile_expression('"abc".length')  # literals can't be looked into


def test_anonymous_functions_close_over_their_scope(env):
    fn = evaluate_expression("(x) => (y) => x & y", CTX, env)
    inner = fn.call(env, ["a"])
    assert inner.call(env, ["b"]) == "ab"


def test_typed_value_of_single_expression(env):
    assert compile_template("@contact.age").value(CTX, env) == 37
    assert compile_template(" @contact.age").value(CTX, env) == " 37"


def test_compiled_templates_are_cached():
    assert compile_template("@(1 + 1) cached") is compile_template("@(1 + 1) cached")


def test_output_limit(env):
    env.limits.max_output_length = 10
    result = evaluate_template("@(contact.name) and more text", CTX, env)
    assert len(result.text) == 10
    assert "limit" in result.errors[0].message


def test_nesting_limit():
    with pytest.raises(ExpressionSyntaxError, match="nested too deeply"):
        compile_expression("(" * 60 + "1" + ")" * 60)
