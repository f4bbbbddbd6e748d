"""The Go RE2 translator shared by regex_match and has_pattern."""

from __future__ import annotations

import pytest

from turnflow.expressions.environment import Environment
from turnflow.expressions.functions import FUNCTIONS
from turnflow.expressions.goregex import compile_go_regex, translate
from turnflow.expressions.values import XError


def test_translation() -> None:
    assert translate(r"[\w-]") == "[0-9A-Za-z_-]"
    assert translate(r"\Qa.b\E") == r"a\.b"
    assert translate(r"[]a]") == r"[\]a]"
    assert translate(r"[\d\w]+\s") == r"[0-90-9A-Za-z_]+[\t\n\f\r ]"
    assert translate(r"\\d") == r"\\d"
    assert translate(r"[^\]\d]") == r"[^\]0-9]"


def test_compile_refuses_what_re2_refuses() -> None:
    assert compile_go_regex(r"(a)\1") is None
    assert compile_go_regex(r"(?=a)") is None
    assert compile_go_regex("[") is None
    assert compile_go_regex(r"a\z") is not None
    assert compile_go_regex("ab") is compile_go_regex("ab")  # cached


@pytest.mark.parametrize(
    ("text", "pattern", "found"),
    [
        ("ünï", r"\w+", "n"),  # ASCII-only \w
        ("a\vb", r"a\sb", None),  # RE2's \s has no vertical tab
        ("ÉCOLE", "école", "ÉCOLE"),  # but (?i) folds all of Unicode
    ],
)
def test_regex_match_and_has_pattern_agree(text: str, pattern: str, found: str | None) -> None:
    env = Environment()
    matched = FUNCTIONS["regex_match"].call(env, [text, pattern])
    tested = FUNCTIONS["has_pattern"].call(env, [text, pattern])
    if found is None:
        assert type(matched) is XError
        assert tested.default is False and tested.get("match") == ""
    else:
        assert matched == found
        assert tested.get("match") == found


def test_invalid_pattern_errors() -> None:
    env = Environment()
    assert type(FUNCTIONS["regex_match"].call(env, ["abc", "(?=a)"])) is XError
    assert type(FUNCTIONS["has_pattern"].call(env, ["abc", "(?=a)"])) is XError
