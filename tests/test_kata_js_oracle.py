"""Differential test: random expressions evaluated by turnflow's Kata expression language and
by a real JavaScript engine (QuickJS, the engine that runs bot methods) must give the same
value. The grammar covers literals, arithmetic and string concatenation, comparisons, loose
and strict equality, logic, conditionals, typeof, member access and common methods."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from turnflow.kata.js import JsRuntimeError, compile_expression, json_stringify

quickjs = pytest.importorskip("quickjs")

_ATOMS = st.sampled_from([
    "0", "1", "2", "-1", "0.5", "3.25", "1e21", "1e-7", "NaN", "Infinity", "-0",
    "''", "'0'", "'1'", "'a'", "'abc'", "' 2 '", "'1e3'", "'0x10'", "'true'", "'B'",
    "true", "false", "null", "undefined", "[]", "[1]", "[1, 2]", "['a', null]", "{}",
    "({a: 1})", "[[]]", "x", "s", "o", "arr",
])  # fmt: skip

_BINARY = ["+", "-", "*", "/", "%", "<", ">", "<=", ">=", "==", "!=", "===", "!==", "&&",
           "||", "&", "|", "^", "<<", ">>", ">>>", "**", "??"]
_UNARY = ["!", "-", "+", "typeof ", "~"]
_METHODS = [
    ".length", ".toString()", ".indexOf('a')", ".includes(1)", ".slice(1)", ".concat('x')",
    ".toUpperCase()", ".split('')", ".join('-')", ".charAt(0)", ".trim()",
    ".lastIndexOf('b')", ".substring(1, 2)", ".replace('a', 'z')", ".padStart(6, '*')",
    ".repeat(2)", ".startsWith('s')", ".endsWith('r')", ".match(/[a-z]/)", ".search('t')",
    ".substr(-2)", ".replace(/[a-z]/g, '_$&')", ".split(/(t)/)", ".toLowerCase()",
    ".charCodeAt(1)", ".match(/\\d+/g)", ".slice(-3, -1)", ".at(-1)", ".padEnd(4)",
]  # fmt: skip
_ARRAY_METHODS = [
    ".map(v => v + 1)", ".filter(v => v)", ".indexOf(1)", ".reverse()", ".sort()",
    ".some(v => v > 1)", ".every(function (v) { return v; })", ".find(v => !v)",
    ".reduce((a, b) => a + b)", ".slice(1)", ".concat([null], 2)", ".join()", ".flat()",
    ".lastIndexOf(null)", ".findIndex(v => typeof v == 'string')",
]  # fmt: skip
_NUMBER_METHODS = [".toFixed(2)", ".toFixed(0)", ".toString(2)", ".toPrecision(3)",
                   ".toString(16)"]


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(_BINARY), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(st.sampled_from(_UNARY), children).map(lambda t: f"({t[0]} {t[1]})"),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
        st.tuples(children, st.sampled_from(_METHODS)).map(
            lambda t: f"String({t[0]}){t[1]}"
        ),
        st.tuples(children, children, st.sampled_from(_ARRAY_METHODS)).map(
            lambda t: f"[{t[0]}, {t[1]}, 1]{t[2]}"
        ),
        st.tuples(children, st.sampled_from(_NUMBER_METHODS)).map(
            lambda t: f"(Number({t[0]}) % 1e6){t[1]}"
        ),
        st.tuples(children, children).map(lambda t: f"Math.max({t[0]}, {t[1]})"),
        st.tuples(children).map(lambda t: f"Math.round({t[0]})"),
        # (not Object.keys of any value: a match() result's index/input/groups are not kept)
        st.tuples(children).map(lambda t: f"Object.keys({{a: {t[0]}, b: [{t[0]}]}})"),
        st.tuples(children, children).map(lambda t: f"`<${{{t[0]}}}|${{{t[1]}}}>`"),
        st.tuples(children).map(lambda t: f"(String({t[0]}) in {{a: 1, '1': 2, null: 3}})"),
        st.tuples(children, children).map(lambda t: f"((v => w => v + w)({t[0]}))({t[1]})"),
        st.tuples(children).map(lambda t: f"({{a: {{b: {t[0]}}}}})?.a?.b"),
        st.tuples(children).map(lambda t: f"({t[0]})?.length"),
        st.tuples(children).map(lambda t: f"/^[a-z]+$|1/i.test({t[0]})"),
        st.tuples(children).map(lambda t: f"/(\\d)(x)?/.exec(String({t[0]}))"),
        st.tuples(children, children).map(lambda t: f"[{t[0]}, {t[1]}]"),
        st.tuples(children).map(lambda t: f"({{k: {t[0]}}}).k"),
        st.tuples(children).map(lambda t: f"parseInt({t[0]})"),
        st.tuples(children).map(lambda t: f"parseFloat({t[0]})"),
        st.tuples(children).map(lambda t: f"Math.floor({t[0]})"),
        st.tuples(children).map(lambda t: f"Number({t[0]})"),
        st.tuples(children).map(lambda t: f"isNaN({t[0]})"),
        st.tuples(children).map(lambda t: f"JSON.stringify({t[0]})"),
    )


EXPRESSIONS = st.recursive(_ATOMS, _combine, max_leaves=8)
SCOPE = {"x": 7, "s": "str", "o": {"a": [1, "2"]}, "arr": [3, "b", None]}
PRELUDE = "var x = 7, s = 'str', o = {a: [1, '2']}, arr = [3, 'b', null];"


@pytest.fixture(scope="module")
def engine():
    ctx = quickjs.Context()
    ctx.set_time_limit(1.0)
    ctx.eval(PRELUDE)
    return ctx


def _quickjs_value(ctx, source: str) -> str:
    try:
        return "ok " + str(ctx.eval(f"JSON.stringify([({source})])"))
    except quickjs.JSException as exc:
        return "error " + str(exc).splitlines()[0].split(":")[0]


def _turnflow_value(source: str) -> str:
    try:
        value = compile_expression(source).evaluate(SCOPE)
    except JsRuntimeError:
        return "error"
    return "ok " + json_stringify([value])


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS)
def test_same_value_as_a_javascript_engine(engine, source):
    expected = _quickjs_value(engine, source)
    got = _turnflow_value(source)
    if expected.startswith("error"):
        assert got.startswith("error") or "**" in source, (source, expected, got)
    else:
        assert got == expected, source
