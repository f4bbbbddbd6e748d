"""Chains thousands of links long (operators, lookups, calls) compile and evaluate in a loop,
not in Python's recursion; and a chain compiled flat gives what nested closures give."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turnflow.errors import ExpressionSyntaxError
from turnflow.expressions import (
    Environment,
    XObject,
    compile_expression,
    compile_template,
    compiler,
    from_python,
)
from turnflow.expressions.ast import to_source
from turnflow.expressions.parser import parse_expression

LOOP: list = []
LOOP.append(LOOP)  # LOOP[0] is LOOP: index it as deep as you like
ENV = Environment()
CONTEXT = XObject(
    {
        "loop": LOOP,
        "n": from_python({"a": 1, "b": [1, 2], "c": {"d": "x"}}),
        "xs": from_python([1, 2, 3]),
    }
)


@pytest.mark.parametrize(
    "source, expected",
    [("1" + " + 1" * 2000, "2001"), ('"a"' + ' & "b"' * 1500, "a" + "b" * 1500),
     ("1" + " * 2 - 1" * 1000, "-1997"), ("count(loop" + "[0]" * 2000 + ")", "1"),
     ("xs[0]" + " + xs[1]" * 1000, "2001")],
)  # fmt: skip
def test_long_chains_evaluate(source: str, expected: str) -> None:
    assert compile_template(f"@({source})").render(CONTEXT, ENV).text == expected


def test_long_chains_of_calls_and_lookups_fail_cleanly() -> None:
    result = compile_template("@(xs" + "()" * 2000 + ")").render(CONTEXT, ENV)
    assert [e.message for e in result.errors] == ["xs is not a function"]
    result = compile_template("@(n.a" + "[0].b" * 1000 + ")").render(CONTEXT, ENV)
    assert result.errors and "doesn't support lookups" in result.errors[0].message
    deep = "upper(" * 1000 + '"a"' + ")" * 1000
    with pytest.raises(ExpressionSyntaxError, match="nested too deeply"):
        compile_expression(deep)


def test_to_source_of_a_long_chain() -> None:
    node = parse_expression("a" + "[1].b(2)" * 1500 + " + 1" * 1500)
    assert to_source(node) == "a" + "[1].b(2)" * 1500 + " + 1" * 1500


# a flat chain must give exactly what nested closures give: compare the two on short chains
PIECES = ["1", "2.5", '"a"', '"3"', "true", "null", "n", "n.a", "n.b", "xs", "n.c"]
OPS = ["+", "-", "*", "/", "^", "&", "=", "!=", "<", "<=", ">", ">="]
POSTFIX = ["[0]", "[1]", "[-1]", '["a"]', ".a", ".c", ".d", "()", "(1)", "[5]"]

chains = st.one_of(
    st.tuples(st.sampled_from(PIECES), st.lists(st.tuples(st.sampled_from(OPS),
              st.sampled_from(PIECES)), min_size=1, max_size=8)).map(
        lambda t: t[0] + "".join(f" {op} {p}" for op, p in t[1])),
    st.tuples(st.sampled_from(["n", "xs", "n.b", "(n)", "json(n)"]),
              st.lists(st.sampled_from(POSTFIX), min_size=1, max_size=8)).map(
        lambda t: t[0] + "".join(t[1])),
)  # fmt: skip


@settings(max_examples=300, deadline=None, derandomize=True)
@given(chains)
def test_flat_chains_match_nested_closures(source: str) -> None:
    nested = compile_expression(source).evaluate(CONTEXT, ENV)
    saved = compiler.FLAT_CHAIN
    compiler.FLAT_CHAIN = 0
    try:
        flat = compile_expression(source).evaluate(CONTEXT, ENV)
    finally:
        compiler.FLAT_CHAIN = saved
    assert repr(flat) == repr(nested)
