"""Resources an expression or a message can drive are bounded before the work starts
(time bounds are measured in benchmarks/hostile_inputs.py, not here)."""

from __future__ import annotations

import pytest

from turnflow.expressions import XError, evaluate_expression, from_python
from turnflow.expressions.goregex import check_limits, compile_go_regex

HUGE = 'parse_json("1e4000")'  # as large as parse_json reads (4300 digits)


@pytest.mark.parametrize(
    "pattern",
    ["a{1001}", "a{10000000}", "a{2,1}", "a{1,1001}", "(" * 300 + "a" + ")" * 300,
     "((a{1000}){1000}){3}", "(a{1000}){1000}b{1000}"],
)  # fmt: skip
def test_regex_limits_refuse_before_compiling(pattern: str) -> None:
    assert compile_go_regex(pattern) is None


@pytest.mark.parametrize(
    "pattern", ["a{1000}", "a{0,1000}", "a{3,}", "x{", "a{,5}", "[a{]{3}", r"\{1001}",
                r"\p{Greek}{5}", "[[:alpha:]]{3}", "(a{10}){10}", "(" * 100 + "a" + ")" * 100],
)  # fmt: skip
def test_regex_limits_let_ordinary_patterns_through(pattern: str) -> None:
    check_limits(pattern)
    assert compile_go_regex(pattern) is not None


def test_a_pattern_from_the_contact_is_bounded() -> None:
    context = from_python({"input": {"text": "a{10000000}"}})
    result = evaluate_expression("has_pattern(input.text, input.text)", context)
    assert isinstance(result, XError) and "valid regular expression" in result.message
    result = evaluate_expression('regex_match("aaa", input.text)', context)
    assert isinstance(result, XError) and "invalid regular expression" in result.message


@pytest.mark.parametrize(
    "expression",
    [f'repeat("a", {HUGE})', f'word("a b", {HUGE})', f"char({HUGE})",
     f'datetime_add("2020-01-01", {HUGE}, "D")', f"array(1, 2)[{HUGE}]",
     f'word_slice("a b c", 1, {HUGE})', f'text_slice("abc", {HUGE})', f"slice(array(1), {HUGE})",
     f'field("a,b", {HUGE}, ",")', f"round(1.5, {HUGE})"],
)  # fmt: skip
def test_huge_numbers_are_out_of_range_for_counts(expression: str) -> None:
    result = evaluate_expression(expression)
    assert isinstance(result, XError) and "out of range for an integer" in result.message


def test_unique_is_linear_and_keeps_goflow_equality() -> None:
    words = " ".join(f"w{i}" for i in range(5000))
    context = from_python({"input": {"text": words + " " + words}})
    result = evaluate_expression('count(unique(split(input.text, " ")))', context)
    assert result == 5000
    mixed = evaluate_expression(
        'unique(array(1, 1.0, "1", true, null, null, array(1), array(1.0), '
        'object("a", 1), object("A", 1), object("a", 2)))'
    )
    assert mixed == evaluate_expression(
        'array(1, "1", true, null, array(1), object("a", 1), object("a", 2))'
    )


def test_unique_refuses_more_than_goflows_array_cap() -> None:
    context = from_python({"items": list(range(10_001))})
    result = evaluate_expression("unique(items)", context)
    assert isinstance(result, XError) and "more than 10000 items" in result.message


WORDS = 'split(repeat("a ", 4999), " ")'


@pytest.mark.parametrize(
    "expression",
    [f"foreach({WORDS}, (x) => split(repeat(\"a \", 4999), \" \"))",
     f"foreach({WORDS}, (x) => foreach({WORDS}, (y) => y))",
     f"filter({WORDS}, (x) => count(foreach({WORDS}, (y) => y)) > 0)",
     f"foreach_value(object(\"a\", {WORDS}), (x) => foreach(x, (y) => {WORDS}))"],
)  # fmt: skip
def test_loops_inside_loops_share_one_allowance(expression: str) -> None:
    result = evaluate_expression(expression)
    assert isinstance(result, XError) and "can't take more than 100000" in result.message


def test_one_evaluation_can_not_build_gigabytes_of_text() -> None:
    one = 'foreach(split(repeat("a ", 4999), " "), (x) => repeat("a", 10000))'
    result = evaluate_expression(f"count(array({', '.join([one] * 100)}))")
    assert isinstance(result, XError) and "can't take more than 100000" in result.message
    small = 'foreach(split(repeat("a ", 4999), " "), (x) => repeat("a", 100))'
    assert evaluate_expression(f"count(array({small}, {small}))") == 2


def test_one_loop_of_goflows_size_still_runs() -> None:
    assert evaluate_expression(f"count(foreach({WORDS}, (x) => upper(x)))") == 4999
    assert evaluate_expression(f"count(foreach({WORDS}, (x) => array(x, x)))") == 4999
    # two loops of goflow's size one after the other both run
    two = f"count(foreach({WORDS}, (x) => x)) + count(foreach({WORDS}, (x) => x))"
    assert evaluate_expression(two) == 9998


def test_json_of_word_arrays_is_written_as_before() -> None:
    assert evaluate_expression('json(array("a", "b\\"c", "é", "\u2028"))') == (
        '["a","b\\"c","é","\u2028"]'
    )


def test_regex_matching_draws_on_one_budget_per_evaluation() -> None:
    from turnflow.expressions import Environment, ExpressionLimits
    from turnflow.expressions.goregex import RegexBudget, budget_scope

    env = Environment(limits=ExpressionLimits(regex_timeout=0.05, regex_budget=0.1))
    slow = 'is_error(regex_match(repeat("a", 5000), "(.*a){20}x"))'
    # every match after the budget is spent fails at once, the cheap ones too
    result = evaluate_expression(
        f'count(foreach(split(repeat("a ", 30), " "), (x) => {slow})) & regex_match("a", "a")',
        env=env,
    )
    assert isinstance(result, XError) and "took too long" in result.message
    # a fresh evaluation has a fresh budget
    assert evaluate_expression('regex_match("ab", "b")', env=env) == "b"
    # an outer budget (a sprint's) is shared by every evaluation inside it
    spent = RegexBudget(0.0)
    with budget_scope(spent):
        inside = evaluate_expression('regex_match("ab", "b")', env=env)
    assert isinstance(inside, XError) and "took too long" in inside.message


def test_parse_json_never_makes_lone_surrogates() -> None:
    assert evaluate_expression('parse_json("\\"\\\\ud800\\"")') == "\ufffd"
    assert evaluate_expression('parse_json("[\\"\\\\udc80x\\"]")') == ["\ufffdx"]
    deep = evaluate_expression('parse_json(repeat("[", 500) & repeat("]", 500))')
    assert isinstance(deep, XError) and "nested more than 100 levels" in deep.message


def test_texts_built_by_join_repeat_and_replace_count_as_work() -> None:
    join = 'join(split(repeat("a ", 4999), " "), repeat("b", 10000))'
    result = evaluate_expression(f"count(array({', '.join([join] * 3)}))")
    assert isinstance(result, XError) and "can't take more than 100000" in result.message
    # a webhook body is evaluated without the output limit: the work allowance still holds
    from turnflow.expressions import Environment, ExpressionLimits

    unlimited = Environment(limits=ExpressionLimits(max_output_length=10**9))
    huge = evaluate_expression('repeat("a", 100000000)', env=unlimited)
    assert isinstance(huge, XError) and "can't take more than 100000" in huge.message
    assert len(evaluate_expression('repeat("a", 1000000)', env=unlimited)) == 1_000_000


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('parse_json("1e4000") + 1', "number value out of range"),
        ('parse_json("1e4000") * 2', "number value out of range"),
        ('parse_json("1e4000") / 3', "number value out of range"),
        ('round(parse_json("1e4000"), 2)', "number value out of range"),
        ('sum(array(parse_json("1e4000"), 1))', "number value out of range"),
        ('parse_json("1e999999999")', "more than 4300 digits"),
    ],
)
def test_numbers_beyond_every_range_are_errors_not_exceptions(expression: str,
                                                              expected: str) -> None:
    result = evaluate_expression(expression, from_python({}))
    assert isinstance(result, XError) and expected in result.message, result
