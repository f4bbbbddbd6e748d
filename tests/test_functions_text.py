"""Text functions, checked against goflow's docstring examples and builtin tests."""

from decimal import Decimal

import pytest

from turnflow.expressions import Environment, ExpressionLimits
from turnflow.expressions.functions import FUNCTIONS
from turnflow.expressions.values import XError, from_python

ENV = Environment()
ERROR = object()


def call(name, *args, env=ENV):
    return FUNCTIONS[name].call(env, [from_python(a) for a in args])


CASES = [
    ("code", ["a"], Decimal(97)),
    ("code", ["😀"], Decimal(128512)),
    ("code", [15], Decimal(49)),
    ("code", [""], ERROR),
    ("char", [33], "!"),
    ("char", [128512], "😀"),
    ("char", ["foo"], ERROR),
    ("split", ["a b c"], ["a", "b", "c"]),
    ("split", ["abc..d", "."], ["abc", "d"]),
    ("split", ["a.b.c.", "."], ["a", "b", "c"]),
    ("split", ["a|b,c  d", " .|,"], ["a", "b", "c", "d"]),
    ("split", ["1 2,3", None], ["1", "2", "3"]),
    ("split", ["1,2,3", "."], ["1,2,3"]),
    ("trim", [" hello world    "], "hello world"),
    ("trim", ["+123157568", "+"], "123157568"),
    ("trim", ["*=*abc=*=", "*="], "abc"),
    ("trim", ["\xa0 x\u3000"], "x"),
    ("trim_left", [" hello world   "], "hello world   "),
    ("trim_left", ["+12345+", "+"], "12345+"),
    ("trim_right", [" hello world   "], " hello world"),
    ("trim_right", ["+12345+", "+"], "+12345"),
    ("title", ["ryan lewis"], "Ryan Lewis"),
    ("title", ["RYAN LEWIS"], "Ryan Lewis"),
    ("title", ["o'grady 1st"], "O'Grady 1st"),
    ("title", [123], "123"),
    ("title", [None], ""),
    ("word", ["bee cat dog", 0], "bee"),
    ("word", ["bee.cat,dog", -2], "cat"),
    ("word", ["bee.*cat,dog", 1, ".*=|"], "cat,dog"),
    ("word", ["O'Grady O'Flaggerty", 1, " "], "O'Flaggerty"),
    ("word", ["hello World", Decimal("1.5")], "World"),
    ("word", ["😁 hello World", 0], "😁"),
    ("word", ["", 0], ERROR),
    ("word", [" hello World", 2], ERROR),
    ("word", ["hello World", None], ERROR),
    ("remove_first_word", ["foo bar"], "bar"),
    ("remove_first_word", ["Hi there. I'm a flow!"], "there. I'm a flow!"),
    ("remove_first_word", ["hello"], ""),
    ("remove_first_word", ['"hello"'], ""),  # one (quoted) word leaves nothing
    ("remove_first_word", ["don't go"], "go"),
    ("remove_first_word", [" ‘start’ this"], "this"),
    ("remove_first_word", ["     hello World"], "World"),
    ("remove_first_word", ["ጥሩ ፍሰቶች"], "ፍሰቶች"),
    ("remove_first_word", [""], ""),
    ("word_slice", ["bee cat dog", 0, 1], "bee"),
    ("word_slice", ["bee cat dog", 1, -1], "cat dog"),
    ("word_slice", ["bee cat dog", 1], "cat dog"),
    ("word_slice", ["bee cat dog", 2, 3], "dog"),
    ("word_slice", ["bee cat dog", 3, 10], ""),
    ("word_slice", ["bee.*cat,dog", 1, -1, ".*=|,"], "cat dog"),
    ("word_slice", ["hello-world from mars", 3, 10], "mars"),
    ("word_slice", ["hello-world from mars", -1, 2], ERROR),
    ("word_slice", ["hello-world from mars", 3, 1], ERROR),
    ("word_slice", ["hello-world from mars", "x", 3], ERROR),
    ("word_count", ["foo bar"], Decimal(2)),
    ("word_count", [10], Decimal(1)),
    ("word_count", [""], Decimal(0)),
    ("word_count", ["😀😃😄😁"], Decimal(4)),
    ("word_count", ["bee.*cat,dog", ".*=|"], Decimal(2)),
    ("field", ["a,b,c", 1, ","], "b"),
    ("field", ["a   b c", 1, " "], "b"),
    ("field", ["a,,b,c", 1, ","], ""),
    ("field", ["hello,world", Decimal("2.1"), ","], ""),
    ("field", ["hello", 0, None], "h"),
    ("field", ["hello,World", -2, ","], ERROR),
    ("field", ["a,b,c", "foo", ","], ERROR),
    ("clean", ["😃 Hello \nwo\tr\rld"], "😃 Hello world"),
    ("clean", [123], "123"),
    ("text_slice", ["hello", 2], "llo"),
    ("text_slice", ["hello", 1, 3], "el"),
    ("text_slice", ["hello😁", -3, -1], "lo"),
    ("text_slice", ["foo 😁 bar", 2, 9], "o 😁 bar"),
    ("text_slice", ["hello", -7], "hello"),
    ("text_slice", ["hello", 7], ""),
    ("text_slice", ["hello", 7, -7], ""),
    ("text_slice", [None, 2], ""),
    ("text_slice", ["hello", None], ERROR),
    ("lower", ["HellO"], "hello"),
    ("lower", ["😀"], "😀"),
    ("lower", ["ΣΑΣ"], "σασ"),
    ("upper", ["Asdf"], "ASDF"),
    ("upper", [123], "123"),
    ("upper", ["ß"], "ß"),
    ("regex_match", ["sda34dfddg67", r"\d+"], "34"),
    ("regex_match", ["Bob Smith", r"(\w+) (\w+)", 1], "Bob"),
    ("regex_match", ["Bob Smith", r"(\w+) (\w+)", 2], "Smith"),
    ("regex_match", ["Bob Smith", r"(\w+) (\w+)", 5], ERROR),
    ("regex_match", ["abc", r"[\."], ERROR),
    ("regex_match", ["zAbc", r"a\w"], "Ab"),
    ("regex_match", ["<html>", r"(??"], ERROR),
    ("regex_match", ["ünï", r"\w+"], "n"),  # RE2's \w is ASCII-only
    ("regex_match", ["éé", r"\w"], ERROR),  # so no match at all here
    ("regex_match", ["abc", r"(?=a)"], ERROR),  # no lookarounds in RE2
    ("text_length", ["abc"], Decimal(3)),
    ("text_length", [[2, 3]], Decimal(6)),
    ("text_length", [" 2♣️ "], Decimal(5)),
    ("text_length", [None], Decimal(0)),
    ("text_compare", ["abc", "abc"], Decimal(0)),
    ("text_compare", ["abc", "def"], Decimal(-1)),
    ("text_compare", ["zzz", "aaa"], Decimal(1)),
    ("repeat", ["*", 8], "********"),
    ("repeat", ["😁", "2"], "😁😁"),
    ("repeat", ["hi", 0], ""),
    ("repeat", ["hi", -1], ERROR),
    ("repeat", ["*", "foo"], ERROR),
    ("repeat", ["hello", None], ERROR),
    ("replace", ["foo bar foo", "foo", "zap"], "zap bar zap"),
    ("replace", ["foo bar foo", "foo", "zap", 1], "zap bar foo"),
    ("replace", ["foo bar", "baz", "zap"], "foo bar"),
    ("replace", ["hi ho hi", "hi", "bye", "0"], "hi ho hi"),
    ("replace", ["hi ho hi", "hi", "bye", -1], "bye ho bye"),
    ("replace", [None, "foo bar", "foo"], ""),
    ("replace", ["foo bar", None, "foo"], "fooffooofooofoo foobfooafoorfoo"),
    ("replace", ["foo bar", "foo", None], " bar"),
    ("replace", ["hi ho hi", "hi", "bye", "num"], ERROR),
    ("url_encode", ["two & words"], "two%20%26%20words"),
    ("url_encode", [10], "10"),
    ("url_encode", ["hi-% ?/"], "hi-%25%20%3F%2F"),
    ("html_decode", ["Red &amp; Blue"], "Red & Blue"),
    ("html_decode", ["Red&nbsp;&amp;&nbsp;Blue"], "Red & Blue"),
    ("html_decode", ["5 + 10"], "5 + 10"),
    ("read_chars", ["1234"], "1 2 3 4"),
    ("read_chars", ["abcdef"], "a b c , d e f"),
    ("read_chars", ["12345678"], "1 2 3 4 , 5 6 7 8"),
    ("read_chars", ["12"], "1 , 2"),
    ("read_chars", ["+123"], "1 2 3"),
]


@pytest.mark.parametrize(("name", "args", "expected"), CASES)
def test_text_function(name, args, expected):
    result = call(name, *args)
    if expected is ERROR:
        assert type(result) is XError, result
    else:
        assert result == expected
        assert type(result) is type(expected)


@pytest.mark.parametrize("name", ["upper", "word", "split", "regex_match", "replace"])
def test_errors_propagate(name):
    fn = FUNCTIONS[name]
    args = [XError("boom")] + ["x"] * (fn.min_args - 1)
    assert type(fn.call(ENV, args)) is XError


def test_arity_is_enforced():
    assert type(call("word", "a")) is XError
    assert type(call("text_slice", "a", 1, 2, 3, 4)) is XError
    assert call("text_slice", "hello", 1, 3, None) == "el"  # registered 2-4 like goflow


def test_repeat_respects_output_limit():
    env = Environment(limits=ExpressionLimits(max_output_length=10))
    assert call("repeat", "ab", 5, env=env) == "ababababab"
    assert type(call("repeat", "ab", 6, env=env)) is XError
    assert type(call("replace", "aaaa", "a", "xxxxx", env=env)) is XError
