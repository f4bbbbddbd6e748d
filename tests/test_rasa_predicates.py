"""Rasa's condition language (turnflow.rasa.predicates) against the real thing.

Every row of ORACLE was checked on rasa-pro 3.21 pypred (Rasa's patched ``Predicate``):
True/False is what ``evaluate`` returned, ERR means it raised (Rasa: False in ``next`` and
guards, a violation in rejections), BAD means ``is_valid()`` was False (a syntax error).
"""

from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from turnflow.errors import TurnflowError
from turnflow.rasa import predicates
from turnflow.rasa.predicates import (
    Predicate,
    PredicateError,
    PredicateEvaluationError,
    compile_condition,
    compile_predicate,
    render_condition,
)

ERR = "error"
BAD = "invalid"


def S(**slots: Any) -> dict[str, Any]:
    return {"slots": slots}


# checked on rasa-pro 3.21 pypred
ORACLE: list[tuple[str, dict[str, Any], bool | str]] = [
    # numbers, and numbers against text, null, bools
    ("slots.x > 3", S(x=5), True),
    ("slots.x > 3", S(x=3), False),
    ("slots.x >= 3", S(x=3), True),
    ("slots.x < 3.5", S(x=3), True),
    ("slots.x <= -1", S(x=-1), True),
    ("slots.x = 3", S(x=3.0), True),
    ("slots.x == 3", S(x=3), True),
    ("slots.x != 3", S(x=3), False),
    ("slots.x is 3", S(x=3), True),
    ("slots.x is not 3", S(x=3), False),
    ("slots.x is not 3", S(x=4), True),
    ("slots.x > 3", S(x="5"), ERR),
    ("slots.x = 5", S(x="5"), False),
    ('slots.x = "5"', S(x="5"), True),
    ('slots.x > "3"', S(x="5"), True),
    ('slots.x > "3"', S(x=5), ERR),
    ("slots.x > 3", S(x=None), ERR),
    ("slots.x > 3", S(), False),
    ("slots.x > 3", {}, False),
    ("slots.x < 3", S(), False),
    ("slots.x != 3", S(), True),
    ("slots.x = 3", S(), False),
    ("slots.x > 3", S(x=True), False),
    ("slots.x = 1", S(x=True), True),
    ("slots.x = true", S(x=1), True),
    ("slots.x = 0", S(x=False), True),
    ("slots.x > slots.y", S(x=5, y=3), True),
    ("slots.x > slots.y", S(x=5), False),
    ("slots.x > slots.y", S(x="b", y="a"), True),
    ("slots.x > 3", S(x=[1]), ERR),
    ("slots.x > 3", S(x={"a": 1}), ERR),
    ("3 > 2", {}, True),
    ("3 = 3.0", {}, True),
    ("-2 < -1", {}, True),
    ("1.50 = 1.5", {}, True),
    ("slots.x > 1e3", S(x=5), BAD),
    ("slots.x = 007", S(x=7), True),
    # null, undefined (a missing key), empty
    ("slots.x is null", S(x=None), True),
    ("slots.x is null", S(), False),
    ("slots.x is not null", S(), True),
    ("slots.x is not null", S(x=None), False),
    ("slots.x is not null", S(x="a"), True),
    ("slots.x = null", S(x=None), True),
    ("slots.x == null", S(x=None), True),
    ("slots.x != null", S(x=None), False),
    ("slots.x is undefined", S(), True),
    ("slots.x is undefined", S(x=None), False),
    ("slots.x is not undefined", S(), False),
    ("slots.x is not undefined", S(x=None), True),
    ("slots.x != undefined", S(), False),
    ("slots.x is empty", S(), True),
    ("slots.x is empty", S(x=None), False),
    ("slots.x is empty", S(x=""), True),
    ("slots.x is empty", S(x=[]), True),
    ("slots.x is empty", S(x={}), True),
    ("slots.x is empty", S(x=0), False),
    ("slots.x is empty", S(x="a"), False),
    ("slots.x is not empty", S(), True),
    ("slots.x is not empty", S(x=""), False),
    ("slots.x is not empty", S(x=None), True),
    ("slots.x is not empty", S(x="a"), True),
    ("slots.x != empty", S(x=[1]), True),
    ("undefined is empty", {}, True),
    ("empty is undefined", {}, True),
    ("undefined is not empty", {}, True),
    ("empty is not undefined", {}, False),
    ("undefined = undefined", {}, True),
    ("null = null", {}, True),
    ("null is undefined", {}, False),
    ("undefined is null", {}, False),
    ("empty is null", {}, False),
    ("null is empty", {}, False),
    ("empty = empty", {}, True),
    ("empty != empty", {}, False),
    ("undefined != undefined", {}, False),
    ("null != undefined", {}, True),
    ("undefined != null", {}, True),
    ("slots.x > undefined", S(x=1), False),
    ("slots.x < empty", S(x=1), False),
    ("undefined > 1", {}, False),
    ("null > 1", {}, ERR),
    ("null < null", {}, ERR),
    ("slots.x >= null", S(x=None), ERR),
    ("{} is empty", {}, True),
    ("empty = {}", {}, True),
    ("{} = undefined", {}, False),
    ('{"a"} is empty', {}, False),
    # truthiness of a lone value; booleans; keywords ignore case
    ("slots.x", S(x=True), True),
    ("slots.x", S(x=False), False),
    ("slots.x", S(x="false"), True),
    ("slots.x", S(x=""), False),
    ("slots.x", S(x=0), False),
    ("slots.x", S(), False),
    ("slots.x", S(x=[]), False),
    ("slots.x", S(x=None), False),
    ("not slots.x", S(x=False), True),
    ("not slots.x", S(), True),
    ("slots.x = true", S(x=True), True),
    ("slots.x = True", S(x=True), True),
    ("slots.x is TRUE", S(x=True), True),
    ("slots.x = false", S(x=False), True),
    ('slots.x = "true"', S(x=True), False),
    ("slots.x = true", S(x="true"), False),
    ("slots.x = false", S(x=None), False),
    ("slots.x is not true", S(x=None), True),
    ("true", {}, True),
    ("false", {}, False),
    ("True", {}, True),
    ("False", {}, False),
    ("FALSE", {}, False),
    ("null", {}, False),
    ("undefined", {}, BAD),
    ("empty", {}, BAD),
    ("not null", {}, True),
    ("not undefined", {}, True),
    ("1", {}, True),
    ("0", {}, False),
    ("0.0", {}, False),
    ('""', {}, False),
    ('"a"', {}, True),
    ("{}", {}, BAD),
    ("{1}", {}, True),
    ("true = 1", {}, True),
    ("false = 0", {}, True),
    ("true > false", {}, True),
    # quoted text; a bare word is a name, undefined when missing
    ("slots.name = John", S(name="John"), False),
    ('slots.name = "John"', S(name="John"), True),
    ("slots.name = 'John'", S(name="John"), True),
    ("slots.name = John", {"slots": {"name": "John"}, "John": "John"}, True),
    ("slots.name = john", S(name="John"), False),
    ("slots.name != John", S(name="John"), True),
    ("John is undefined", {}, True),
    ("slots.name is John", S(), True),
    ('"a b" = slots.x', S(x="a b"), True),
    ('slots.x = ""', S(x=""), True),
    ('slots.x > "a"', S(x="b"), True),
    ('slots.x < "B"', S(x="a"), False),
    ('slots.x = "it\'s"', S(x="it's"), True),
    ("slots.x = 'say \"hi\"'", S(x='say "hi"'), True),
    ('slots.x = "a\\"b"', S(x='a"b'), BAD),
    # names: the whole key first, then dotted parts with `in` and `[]`
    ('context.collect = "x"', {"context": {"collect": "x"}}, True),
    ("slots.a.b = 1", S(a={"b": 1}), True),
    ("slots.a.b is undefined", S(a={}), True),
    ("slots.a.b is undefined", S(a=None), ERR),
    ("slots.a.b is undefined", S(a="xbx"), ERR),
    ("slots.a.b is undefined", S(a="xyz"), True),
    ("slots.a.b is undefined", S(a=5), ERR),
    ("slots.a.b is undefined", S(a=["b"]), ERR),
    ("slots.a.b is undefined", S(a=["c"]), True),
    ("slots.a.0 is undefined", S(a=[1]), True),
    ("slots.a is undefined", {"slots.a": 1}, False),
    ("slots.a = 1", {"slots.a": 1, "slots": {"a": 2}}, True),
    ("slots is undefined", {}, True),
    ("slots is empty", S(), True),
    ("slots.x-y = 1", {"slots": {"x-y": 1}}, True),
    ("slots.x:y = 1", {"slots": {"x:y": 1}}, True),
    ("a;b = 1", {"a;b": 1}, True),
    ("slots..x is undefined", S(x=1), True),
    ("slots. is undefined", S(x=1), True),
    ("slots.ñ = 1", {"slots": {"ñ": 1}}, True),
    ("slots.X = 1", S(x=1), False),
    ("SLOTS.x = 1", S(x=1), False),
    ("-x is undefined", {}, True),
    (".5 is undefined", {}, True),
    ("slots.true = 1", S(true=1), True),
    ("slots.and = 1", {"slots": {"and": 1}}, True),
    ("slots.1 = 1", {"slots": {"1": 1}}, True),
    ("slots.x = slots.y", S(), True),
    ("slots.x = slots.y", S(x=None, y=None), True),
    # contains: substring, list/set member, dict key; never on numbers
    ('slots.x contains "a"', S(x="cat"), True),
    ('slots.x contains "z"', S(x="cat"), False),
    ('slots.x contains "a"', S(x=["a", "b"]), True),
    ('slots.x contains "a"', S(x=["ab"]), False),
    ("slots.x contains 1", S(x=[1, 2]), True),
    ("slots.x contains 1", S(x=[1.0]), True),
    ("slots.x contains 1", S(x="a1"), ERR),
    ('slots.x contains "1"', S(x=[1]), False),
    ('slots.x contains "a"', S(x={"a": 1}), True),
    ('slots.x contains "a"', S(x=None), False),
    ('slots.x contains "a"', S(), False),
    ('slots.x contains "a"', S(x=5), False),
    ("slots.x contains null", S(x=[None]), True),
    ("slots.x contains true", S(x=[1]), True),
    ('slots.x contains ""', S(x="abc"), True),
    ("slots.x contains slots.y", S(x="abc", y="b"), True),
    ("slots.x contains slots.y", S(x="abc"), ERR),
    ("slots.x contains slots.y", S(x=["a"]), False),
    ("slots.x contains undefined", S(x="a"), BAD),
    ("slots.x contains empty", S(x="a"), BAD),
    ('slots.x contains {"a"}', S(x="a"), BAD),
    ('slots.x contains ("a")', S(x="a"), True),
    ("slots.x contains (slots.y = 1)", S(x="a"), BAD),
    ("slots.x contains John", S(x="John"), ERR),
    ('slots.x contains "A"', S(x="abc"), False),
    ('{"a" "b"} contains slots.x', S(x="a"), True),
    ('{"a" "b"} contains slots.x', S(x="c"), False),
    ('{"a" "b"} contains slots.x', S(x=["a"]), ERR),
    ("{1 2} contains slots.x", S(x=1), True),
    ("{1 2} contains slots.x", S(x=True), True),
    ("{1 2} contains 2", {}, True),
    ("{a b} contains slots.x", {"a": 5, "slots": {"x": 5}}, True),
    ("{a b} contains slots.x", S(x="a"), False),
    ("{} contains slots.x", S(x=None), False),
    ('"abc" contains "b"', {}, True),
    ('(slots.x) contains "b"', S(x="abc"), True),
    ("slots.x contains 1", S(x=[True]), True),
    # matches: re.search on text only; the regex is a quoted (or bare) word
    ('slots.x matches "^a.c$"', S(x="abc"), True),
    ('slots.x matches "b"', S(x="abc"), True),
    ('slots.x matches "^b"', S(x="abc"), False),
    ('slots.x matches "B"', S(x="abc"), False),
    ('slots.x matches "(?i)B"', S(x="abc"), True),
    ('slots.x matches "1"', S(x=1), False),
    ('slots.x matches "a"', S(), False),
    ('slots.x matches "a"', S(x=["a"]), False),
    ("slots.x matches '\\d+'", S(x="a12"), True),
    ('slots.x matches "["', S(x="a"), BAD),
    ("slots.x matches abc", S(x="xabc"), True),
    ("slots.x matches slots.y", S(x="xabc", y="q"), False),
    ("slots.x matches slots.y", S(x="slots.y"), True),
    ("slots.x matches 3", S(x="3"), BAD),
    ("slots.x matches true", S(x="3"), BAD),
    ("slots.x matches null", S(x="3"), BAD),
    ("slots.x matches undefined", S(x="3"), BAD),
    ('slots.x matches {"a"}', S(x="a"), BAD),
    ('slots.x matches ("a")', S(x="a"), True),
    ("slots.x matches \"'a'\"", S(x="a"), True),
    ('slots.x matches ""', S(x=""), True),
    ('slots.x matches ""', S(x=None), False),
    ('slots.x matches "a" and true', S(x="a"), True),
    ('"abc" matches "b"', {}, True),
    ('slots.x matches "^\\\\w+$"', S(x="ab"), False),
    ('slots.x matches "\\\\w"', S(x="ab"), False),
    # set literals evaluate to a frozenset (never equal to a list)
    ('slots.x = {"a" "b"}', S(x=["a", "b"]), False),
    ('slots.x = {"a" "b"}', S(x=["b", "a"]), False),
    ("slots.x is {}", S(x=[]), False),
    ("slots.x = {1 2}", S(x=[1, 2]), False),
    ('{"a"} = {"a"}', {}, True),
    ('{"a" "a"} = {"a"}', {}, True),
    ('{"a"} != {"b"}', {}, True),
    ('{1 "1"} contains 1', {}, True),
    ('{"b"} > {}', {}, True),
    ('{"b" "c"} > {"b"}', {}, True),
    ("{null} contains null", {}, True),
    ("{true} contains 1", {}, True),
    ("{undefined} contains 1", {}, ERR),
    ("{empty} contains 1", {}, ERR),
    ('{{"a"}} contains 1', {}, BAD),
    ('{("a")} contains "a"', {}, True),
    ("{(slots.x = 1)} contains true", S(x=1), ERR),
    ("{slots.x} contains 1", S(x=1), True),
    ("{slots.x} contains 1", S(x=[1]), ERR),
    ("{slots.x} contains 1", S(), False),
    ('{"a","b"} contains "a"', {}, BAD),
    ('{ "a" } contains "a"', {}, True),
    # and/or share one precedence and group to the right; not binds tightest
    ("true and false", {}, False),
    ("true or false", {}, True),
    ("not true", {}, False),
    ("not not true", {}, True),
    ("false and false or true", {}, False),
    ("true or true and false", {}, True),
    ("false or true and false", {}, False),
    ("true and false or true", {}, True),
    ("(true and false) or true", {}, True),
    ("not true and false", {}, False),
    ("not false and true", {}, True),
    ("not false or true", {}, True),
    ("not (true and false)", {}, True),
    ("not slots.x = 1", S(x=1), False),
    ("not slots.x = 1 and true", S(x=2), True),
    ("TRUE AND NOT FALSE", {}, True),
    ("true And false", {}, False),
    ("true OR false", {}, True),
    ("slots.x > 3 and slots.x < 10", S(x=5), True),
    ('slots.x > 3 or slots.x > "a"', S(x=5), True),
    ('slots.x > "a" or slots.x > 3', S(x=5), ERR),
    ('false and slots.x > "a"', S(x=5), False),
    ("(slots.x > 3)", S(x=5), True),
    ("((true))", {}, True),
    ("(true) = (true)", {}, True),
    ("(slots.x = 1) = true", S(x=1), True),
    ("(1 = 1) = (2 = 2)", {}, True),
    ("slots.x = 1 = 1", S(x=1), BAD),
    ("not", {}, BAD),
    ("and", {}, BAD),
    ("true and", {}, BAD),
    ("", {}, BAD),
    ("   ", {}, BAD),
    ("# only comment", {}, BAD),
    ("true # comment", {}, True),
    ('slots.x = "#a"', S(x="#a"), True),
    ('slots.x = "#a" # c', S(x="#a"), True),
    ("slots.x = 1 # c\n and false", S(x=1), False),
    ("true\nand\ttrue", {}, True),
    ("true\r\nand true", {}, BAD),
    ("true and not", {}, BAD),
    ("(true", {}, BAD),
    ("true)", {}, BAD),
    ("()", {}, BAD),
    # not in the language
    ("slots.a >>> 3", S(a=1), BAD),
    ("x in y", {}, BAD),
    ('slots.x startswith "a"', {}, BAD),
    ("slots.x = [1, 2]", {}, BAD),
    ("slots.x = 1 2", {}, BAD),
    ("slots.x == = 1", {}, BAD),
    ("slots.x = 'unterminated", {}, BAD),
    ('slots.x = "a', {}, BAD),
    ("slots.x > 3 and", {}, BAD),
    ("slots.x <> 3", {}, BAD),
    ("slots.x => 3", {}, BAD),
    ("slots.x =< 3", {}, BAD),
    ("slots.x ! 3", {}, BAD),
    ("slots.x is not not 3", {}, BAD),
    ("slots.x not 3", {}, BAD),
    ("is", {}, BAD),
    ("slots.x is", {}, BAD),
    ("slots.x = 123abc", {}, BAD),
    ("slots.x = 1.5.3", {}, BAD),
    ("slots.x = 1_000", {}, BAD),
    ("slots.x = $a", {}, BAD),
    ("slots.x = @", {}, BAD),
    ("slots.x + 1 > 2", {}, BAD),
    ("slots.x = {", {}, BAD),
    ("slots.x = }", {}, BAD),
    ('slots.x = {"a" {"b"}}', {}, BAD),
    ("x = 1 and or y = 2", {}, BAD),
    ("slots.x = 1 slots.y = 2", {}, BAD),
    ("slots.x contains", {}, BAD),
    ('matches "a"', {}, BAD),
    ("slots.x =\xa03", S(x=3), BAD),
    ("slots.x\x0c= 3", S(x=3), BAD),
    # more corners
    ("slots.x = ٣", S(x=3), True),
    ("slots.x٣ = 1", S(x٣=1), True),
    ("not not slots.x", S(x=1), True),
    ("true and not false or false", {}, True),
    ("not true or true", {}, True),
    ("false or false and true", {}, False),
    ("true and true or false and false", {}, True),
    ("(undefined)", {}, BAD),
    ("({})", {}, BAD),
    ("not {}", {}, True),
    ("{} = {}", {}, True),
    ("slots.x is not {}", S(x=[]), True),
    ('{"a"}', {}, True),
    ("(slots.x)", S(x=1), True),
    ("slots.x = -0", S(x=0), True),
    ("slots.x = -5.25", S(x=-5.25), True),
    ('slots.x matches "\\"', S(x="a"), BAD),
    ('slots.x matches "a|b"', S(x="b"), True),
    ("slots.x>3", S(x=5), True),
    ("slots.x>=3and true", S(x=5), True),
    ('slots.x="a"or false', S(x="a"), True),
    ("(slots.x=1)and(true)", S(x=1), True),
    ("slots.x = 1.", S(x=1), BAD),
    ("slots.x = -", S(x=1), False),
    ("slots.x = - 1", S(x=1), BAD),
    ("slots.x = 3-", S(x=1), BAD),
    ("x-1 = 2", {"x-1": 2}, True),
    ("slots.x is not null and slots.x > 10", S(x=None), False),
    ("slots.x is not null and slots.x > 10", S(x=11), True),
    ('slots.x contains "a" or slots.x contains "b"', S(x="b"), True),
    ('slots.x = {"a"}', S(x="a"), False),
    ('slots.x matches "^[0-9]{3}$"', S(x="123"), True),
    ("slots.l contains slots.m", S(l=[1, 2], m=2), True),
    ("slots.d.e.f = 1", S(d={"e": {"f": 1}}), True),
    ("slots.d.e.f is undefined", S(d={"e": 1}), ERR),
    ('slots.x = """"', S(x=""), BAD),
    ("slots.x = ''", S(x=""), True),
    ('slots.x matches """a"""', S(x="a"), BAD),
    ('slots.x matches "a"""', S(x="a"), BAD),
    ('true # comment with "quote', {}, True),
    ("slots.x = 'a#b'", S(x="a#b"), True),
    ("slots.x = a#b", {"slots": {"x": 1}, "a": 1}, True),
    ("true ", {}, True),
    (" true", {}, True),
    ("\ttrue\n", {}, True),
    ('slots.x < 3 and slots.x > "a"', S(x=5), False),
    ('not slots.x > "a"', S(x=5), ERR),
    ("{} contains 1", {}, False),
    ("empty contains 1", {}, False),
    ("undefined contains 1", {}, False),
    ("null contains 1", {}, False),
    ("1 contains 1", {}, False),
    ("true contains 1", {}, False),
    ("(true and true) contains 1", {}, False),
    ("{slots.x slots.y} = {1}", S(x=1, y=1), True),
    ("{1 true} contains 1", {}, True),
    ("slots.x = {}", S(x=[]), False),
    ("slots.x = empty", S(x=[]), True),
    ("slots.x != empty", S(), True),
    ("slots.x != empty", S(x=""), False),
    ("slots.x != empty", S(x=None), True),
    ("empty != undefined", {}, False),
    ("undefined != empty", {}, True),
]


def outcome(text: str, document: dict[str, Any]) -> bool | str:
    try:
        predicate = compile_predicate(text)
    except PredicateError:
        return BAD
    try:
        return predicate.evaluate(document)
    except PredicateEvaluationError:
        return ERR


@pytest.mark.parametrize(("text", "document", "expected"), ORACLE)
def test_behaves_like_rasa(text: str, document: dict[str, Any], expected: bool | str) -> None:
    assert outcome(text, document) == expected


# --- the quirks, spelled out ----------------------------------------------------------------


def test_a_bare_word_is_a_name_not_text() -> None:
    assert not compile_predicate("slots.name = John").evaluate(S(name="John"))
    assert compile_predicate('slots.name = "John"').evaluate(S(name="John"))
    assert compile_predicate("John is undefined").evaluate(S(name="John"))


def test_numbers_written_as_text_are_text() -> None:
    assert not compile_predicate("slots.age = 18").evaluate(S(age="18"))
    with pytest.raises(PredicateEvaluationError, match="TypeError"):
        compile_predicate("slots.age > 18").evaluate(S(age="18"))
    assert compile_predicate("slots.age > 18").evaluate(S(age=19.0))


def test_a_missing_slot_is_undefined_not_null() -> None:
    # Rasa's rejections see only the collected slot: the others are missing, not None
    assert not compile_predicate("slots.other is null").evaluate(S(x=1))
    assert compile_predicate("slots.other is not null").evaluate(S(x=1))
    assert not compile_predicate("slots.other > 3").evaluate(S(x=1))  # no error either
    assert compile_predicate("slots.other is empty").evaluate(S(x=1))


def test_and_or_group_to_the_right() -> None:
    assert not compile_predicate("false and false or true").evaluate({})
    assert compile_predicate("(false and false) or true").evaluate({})
    assert compile_predicate("not false or true").evaluate({})


def test_keywords_ignore_case_and_comments_end_at_the_line() -> None:
    assert compile_predicate("TRUE And NOT False # and false").evaluate({})
    assert not compile_predicate("true # c\nand false").evaluate({})


def test_errors_are_turnflow_errors() -> None:
    assert issubclass(PredicateEvaluationError, PredicateError)
    assert issubclass(PredicateError, TurnflowError)
    with pytest.raises(PredicateEvaluationError) as info:
        compile_predicate("slots.a.b = 1").evaluate(S(a=None))
    assert info.value.text == "slots.a.b = 1"


def test_a_yaml_bool_reads_as_rasa_stringifies_it() -> None:
    assert compile_predicate(False).text == "False"
    assert not compile_predicate(False).evaluate({})
    assert compile_predicate(True).evaluate({})
    with pytest.raises(PredicateError, match="must be text"):
        compile_predicate(3)  # type: ignore[arg-type]


# --- syntax errors name the column and what was expected ----------------------------------


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("slots.a >>> 3", 10, "expected a value"),
        ("x in y", 3, "expected an operator"),
        ("slots.x startswith 'a'", 9, "found 'startswith'"),
        ("slots.x = [1, 2]", 11, "unexpected character '['"),
        ('slots.x = "a', 11, "unterminated quoted text"),
        ("slots.x > 3 and", 16, "found the end of the condition"),
        ("(slots.x > 3", 13, "expected ')'"),
        ("(a b)", 4, "or ')'"),
        ("slots.x = 1 = 1", 13, "expected 'and', 'or' or the end"),
        ("slots.x is not not 3", 16, "expected a value"),
        ("slots.x = 123abc", 14, "found 'abc'"),
        ("", 1, "expected a condition"),
        ("  # just a comment", 1, "expected a condition"),
        ("true\r\nand true", 5, "unexpected character '\\r'"),
        ('slots.x matches "["', 17, "invalid regular expression"),
        ("slots.x matches 3", 17, "'matches' needs a quoted regular expression"),
        ("slots.x contains {1}", 18, "'contains' needs"),
        ("slots.x contains empty", 18, "'contains' needs"),
        ('{{"a"}} contains "a"', 2, "a set cannot hold a set"),
        ("(undefined)", 2, "cannot be just undefined"),
        ("{}", 1, "cannot be just"),
    ],
)
def test_syntax_errors(text: str, column: int, message: str) -> None:
    with pytest.raises(PredicateError) as info:
        compile_predicate(text)
    assert not isinstance(info.value, PredicateEvaluationError)
    assert info.value.column == column, str(info.value)
    assert message in str(info.value)
    assert f"at column {column}" in str(info.value)


def test_nesting_is_bounded_but_chains_are_not() -> None:
    with pytest.raises(PredicateError, match="nested too deeply"):
        compile_predicate("(" * 500 + "true" + ")" * 500)
    assert compile_predicate("(" * 50 + "true" + ")" * 50).evaluate({})
    chain = " and ".join(["slots.x > 1"] * 5000)
    assert compile_predicate(chain).evaluate(S(x=2))
    assert compile_predicate("not " * 1001 + "false").evaluate({})


# --- names --------------------------------------------------------------------------------


def test_names_are_the_words_read_from_the_document() -> None:
    predicate = compile_predicate(
        'slots.age >= 18 and context.collect = "age" or John contains "x" or {a "b"} contains 1'
    )
    assert predicate.names == {"slots.age", "context.collect", "John", "a"}
    assert compile_predicate('slots.x matches abc and "slots.y" = 1').names == {"slots.x"}
    assert compile_predicate("abc = 1 and slots.x matches abc").names == {"abc", "slots.x"}
    assert compile_predicate("true").names == frozenset()


# --- caching --------------------------------------------------------------------------------


def test_compiled_once_and_cached_by_text(monkeypatch: pytest.MonkeyPatch) -> None:
    first = compile_predicate("slots.cached_once > 1")
    assert compile_predicate("slots.cached_once > 1") is first
    assert isinstance(first, Predicate)
    monkeypatch.setattr(predicates, "_cache", {})
    monkeypatch.setattr(predicates, "_CACHE_SIZE", 3)
    for n in range(10):
        compile_predicate(f"slots.x > {n}")
    assert len(predicates._cache) == 3
    for _ in range(2):  # a failure is cached too, and raised afresh each time
        with pytest.raises(PredicateError, match="column 10"):
            compile_predicate("slots.a >>> 3")


# --- the Jinja pre-render ---------------------------------------------------------------------


def test_render_condition_fills_in_the_frame() -> None:
    text = "slots.{{context.collect}} is not null"
    assert render_condition(text, {"context": {"collect": "age"}}) == "slots.age is not null"
    predicate = compile_condition(text, {"context": {"collect": "age"}})
    assert predicate.text == "slots.age is not null"
    assert predicate.evaluate(S(age=3)) and not predicate.evaluate(S(age=None))
    assert compile_condition(text, {"context": {"collect": "age"}}) is predicate


def test_render_condition_is_jinja_with_rasas_settings() -> None:
    # missing names render as "", None as "None", line ends as \n, one final \n dropped
    assert render_condition("slots.{{context.nope}}x = 1", {"context": {}}) == "slots.x = 1"
    assert render_condition("{{ context.v }}", {"context": {"v": None}}) == "None"
    assert render_condition("true\r\nand {{ 1 }}\n", {}) == "true\nand 1"
    assert render_condition('slots.x = "{{ slots.x }}"', S(x="a")) == 'slots.x = "a"'
    assert render_condition("{% if context.a %}x{% else %}y{% endif %}", {"context": {}}) == "y"


def test_render_condition_skips_jinja_for_plain_text() -> None:
    text = "slots.x = 1 # {not jinja}"
    assert render_condition(text, {}) is text
    assert render_condition("true\r\nand true", {}) == "true\nand true"  # as Jinja would
    assert compile_condition("true\r\nand true", {}).evaluate({})


def test_render_condition_errors() -> None:
    with pytest.raises(PredicateError, match="Jinja syntax error") as info:
        render_condition("slots.x = {{ 1 +", {})
    assert not isinstance(info.value, PredicateEvaluationError)
    with pytest.raises(PredicateEvaluationError, match="Jinja error"):
        render_condition("{{ context.a.b }}", {"context": {}})
    with pytest.raises(PredicateError):
        compile_condition("{{ context.__class__.__mro__ }}", {"context": {}})


def test_compile_condition_takes_a_bool_without_jinja() -> None:
    assert not compile_condition(False, {}).evaluate({})


# --- no input breaks it -------------------------------------------------------------------

FIXTURE_OK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
VOCABULARY = [
    "slots.x", "slots.l", "context.c", "John", '"a"', "'b'", '""', "3", "-1.5", "true", "null",
    "undefined", "empty", "and", "or", "not", "is", "is not", "contains", "matches", ">", ">=",
    "<", "=", "==", "!=", "(", ")", "{", "}", "#", "\n", '"^a"', "$",
]  # fmt: skip
DOCUMENTS = st.fixed_dictionaries(
    {
        "slots": st.dictionaries(
            st.sampled_from(["x", "l", "y"]),
            st.recursive(
                st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=4),
                lambda inner: (
                    st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=2), inner, max_size=2)
                ),
                max_leaves=5,
            ),
        ),
        "context": st.dictionaries(st.sampled_from(["c", "collect"]), st.text(max_size=3)),
    }
)


def check_any(text: str, document: dict[str, Any]) -> None:
    try:
        predicate = compile_predicate(text)
    except PredicateEvaluationError:
        raise AssertionError("an evaluation error while compiling") from None
    except PredicateError:
        return
    try:
        assert predicate.evaluate(document) in (True, False)
    except PredicateEvaluationError:
        pass


@settings(max_examples=500, deadline=None, suppress_health_check=FIXTURE_OK)
@given(st.text(max_size=60), DOCUMENTS)
def test_random_text_only_raises_predicate_errors(text: str, document: dict[str, Any]) -> None:
    check_any(text, document)


@settings(max_examples=800, deadline=None, suppress_health_check=FIXTURE_OK)
@given(st.lists(st.sampled_from(VOCABULARY), max_size=12), DOCUMENTS)
def test_random_token_soup_only_raises_predicate_errors(
    words: list[str], document: dict[str, Any]
) -> None:
    check_any(" ".join(words), document)


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURE_OK)
@given(st.text(alphabet=string.printable, max_size=40))
def test_random_printable_text_only_raises_predicate_errors(text: str) -> None:
    check_any(text, {"slots": {}})
