"""Collection, logic, utility and misc (URN, attachment, location, prompt) functions."""

from decimal import Decimal

import pytest

from turnflow.expressions import Environment, ExpressionLimits, evaluate_template
from turnflow.expressions.functions import FUNCTIONS
from turnflow.expressions.values import XError, XObject, from_python

ENV = Environment()
ERROR = object()


def call(name, *args, env=ENV):
    return FUNCTIONS[name].call(env, [from_python(a) for a in args])


def render(template, env=ENV):
    result = evaluate_template(template, XObject(), env)
    assert result.ok, result.errors
    return result.text


def obj(**values):
    return XObject({k: from_python(v) for k, v in values.items()})


CASES = [
    ("array", [], []),
    ("array", ["a", 1], ["a", Decimal(1)]),
    ("object", [], XObject()),
    ("object", ["a", 123, "b", "hello"], obj(a=123, b="hello")),
    ("object", [0, "hello"], obj(**{"0": "hello"})),
    ("object", ["a"], ERROR),
    ("and", [True], True),
    ("and", [True, False, True], False),
    ("and", [], ERROR),
    ("or", [True, False], True),
    ("or", [False], False),
    ("if", [True, "foo", "bar"], "foo"),
    ("if", ["", "foo", "bar"], "bar"),
    ("count", [[]], Decimal(0)),
    ("count", [["a", "b", "c"]], Decimal(3)),
    ("count", [{"a": 1, "b": 2}], Decimal(2)),
    ("count", [None], Decimal(0)),
    ("count", [1234], ERROR),
    ("join", [["a", "b", "c"], "|"], "a|b|c"),
    ("join", [[], ","], ""),
    ("join", [["1,2,3"], None], "1,2,3"),
    ("join", ["1,2,3", None], ERROR),
    ("slice", [["a", "b", "c"], 0, 2], ["a", "b"]),
    ("slice", [["a", "b", "c"], 1, 3], ["b", "c"]),
    ("slice", [["a", "b", "c"], 0, -1], ["a", "b"]),
    ("slice", [["a", "b", "c"], 1], ["b", "c"]),
    ("slice", [["a", "b", "c"], 10], []),
    ("slice", [["a", "b", "c"], -2], ["b", "c"]),
    ("slice", [["a", "b", "c"], 2, 1], []),
    ("slice", ["abc", 1], ERROR),
    ("contains", [["a", "b", "c"], "a"], True),
    ("contains", [[1, 2, 3], 4], False),
    ("contains", [[1, 2, 3], "1"], False),
    ("reverse", [[3, 1, 2]], [Decimal(2), Decimal(1), Decimal(3)]),
    ("sort", [[3, 1, 2]], [Decimal(1), Decimal(2), Decimal(3)]),
    ("sort", [["C", "A", "B"]], ["A", "B", "C"]),
    ("sort", [[1, "a"]], ERROR),
    ("sort", [[[1]]], ERROR),
    ("sum", [[1, 2, "3"]], Decimal(6)),
    ("sum", [[1, "x"]], ERROR),
    ("unique", [[1, 3, 2, 3]], [Decimal(1), Decimal(3), Decimal(2)]),
    ("unique", [["hi", "there", "hi"]], ["hi", "there"]),
    ("concat", [["a", "b"], ["c", "d"]], ["a", "b", "c", "d"]),
    ("concat", [["a"], "b"], ERROR),
    ("keys", [{"b": 1, "a": 2, "c": 3}], ["a", "b", "c"]),
    ("keys", [None], []),
    ("keys", ["string"], ERROR),
    ("keys", [10], ERROR),
    ("extract", [{"foo": "hello"}, "foo"], "hello"),
    ("extract", [{"foo": "hello"}, "bar"], None),
    ("extract_object", [{"a": 123, "b": "xyz", "c": True}, "a", "c"], obj(a=123, c=True)),
    ("extract_object", [{"a": 123}, "a", "d"], obj(a=123, d=None)),
    ("json", ["string"], '"string"'),
    ("json", [10], "10"),
    ("json", [None], "null"),
    ("json", [XError("x")], ERROR),
    ("parse_json", ['"hello"'], "hello"),
    ("parse_json", ["[1,2.5]"], [Decimal(1), Decimal("2.5")]),
    ("parse_json", ["{a: b}"], ERROR),
    ("parse_json", ["NaN"], ERROR),
    ("parse_json", ["invalid json"], ERROR),
    ("default", ["10", "20"], "10"),
    ("default", [None, "20"], "20"),
    ("default", ["", "value"], "value"),
    ("default", ["  ", "value"], "  "),
    ("default", [XError("x"), "ok"], "ok"),
    ("is_error", ["hello"], False),
    ("is_error", [None], False),
    ("is_error", [XError("x")], True),
    # misc
    ("urn_parts", ["tel:+593979012345"], obj(display="", path="+593979012345", scheme="tel")),
    (
        "urn_parts",
        ["twitterid:3263621177#bobby"],
        obj(display="bobby", path="3263621177", scheme="twitterid"),
    ),
    ("urn_parts", ["not a urn"], ERROR),
    ("urn_parts", [""], ERROR),
    ("urn_parts", [None], ERROR),
    (
        "attachment_parts",
        ["image/jpeg:https://example.com/test.jpg"],
        obj(content_type="image/jpeg", url="https://example.com/test.jpg"),
    ),
    ("attachment_parts", ["not_a_thing"], obj(content_type="", url="not_a_thing")),
    ("format_urn", ["tel:+250781234567"], "0781 234 567"),
    ("format_urn", ["tel:+14132378053"], "(413) 237-8053"),
    ("format_urn", ["tel:+12024561111"], "(202) 456-1111"),
    ("format_urn", ["twitter:134252511151#billy_bob"], "billy_bob"),
    ("format_urn", ["mailto:foo@bar.com"], "foo@bar.com"),
    ("format_urn", ["tel:********"], "********"),
    ("format_urn", ["NOT URN"], ERROR),
    ("format_urn", [""], ERROR),
    ("format_location", ["Rwanda"], "Rwanda"),
    ("format_location", ["Rwanda > Kigali"], "Kigali"),
    ("prompt", ["xx"], ERROR),
]


@pytest.mark.parametrize(("name", "args", "expected"), CASES)
def test_function(name, args, expected):
    result = call(name, *args)
    if expected is ERROR:
        assert type(result) is XError, result
    else:
        assert result == expected


def test_higher_order_functions():
    upper = FUNCTIONS["upper"]
    word = FUNCTIONS["word"]
    assert call("foreach", ["a", "b"], upper) == ["A", "B"]
    assert call("foreach", ["the man", "fox"], word, 0) == ["the", "fox"]
    assert type(call("foreach", ["a"], FUNCTIONS["char"])) is XError  # the function fails
    assert type(call("foreach", ["a"], "notfn")) is XError
    result = call("foreach_value", {"a": "x", "b": "y"}, upper)
    assert result == obj(a="X", b="Y")
    assert call("filter", ["a", "", "b"], FUNCTIONS["trim"]) == ["a", "b"]


def test_loop_limit():
    env = Environment(limits=ExpressionLimits(max_loop_items=2))
    assert type(call("foreach", ["a", "b", "c"], FUNCTIONS["upper"], env=env)) is XError


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ('@(filter(array("a", "b", "c"), (x) => x != "c"))', "[a, b]"),
        ('@(foreach(array("a", "b", "c"), (x) => x & "1"))', "[a1, b1, c1]"),
        ('@(foreach(array("a", "b", "c"), (x) => object("v", x)))', "[{v: a}, {v: b}, {v: c}]"),
        (
            '@(foreach_value(object("a", "hi there", "b", "good bye"), word, 1))',
            "{a: there, b: bye}",
        ),
        ('@(object("a", 123, "b", "hello"))', "{a: 123, b: hello}"),
        ("@(unique(concat(array(1, 2, 3), array(3, 4))))", "[1, 2, 3, 4]"),
        ('@(parse_json("{\\"foo\\": \\"bar\\"}").foo)', "bar"),
        ('@(keys(object("a", 123, "b", "hello", "c", "world")))', "[a, b, c]"),
    ],
)
def test_templates(template, expected):
    assert render(template) == expected


def test_urn_redaction():
    env = Environment(redaction_policy="urns")
    assert call("format_urn", "tel:+12024561111", env=env) == "********"
    parts = call("urn_parts", "tel:+12024561111", env=env)
    assert parts.get("scheme") == "tel" and parts.get("path") == "********"


def test_prompt():
    env = Environment(
        llm_prompts={"categorize": "Categorize into: {{ .arg1 }}", "two": "{{.arg1}}/{{ .arg2 }}"}
    )
    assert (
        call("prompt", "categorize", ["Positive", "Negative"], env=env)
        == "Categorize into: [Positive, Negative]"
    )
    assert call("prompt", "two", "a", 1, env=env) == "a/1"
    # the built-in categorize prompt is used when the environment has none of that name
    text = call("prompt", "categorize", ["Flights", "Hotels"])
    assert text.endswith("only return that category or <CANT> if you can't: [Flights, Hotels]")
    assert type(call("prompt", "xx", env=env)) is XError
