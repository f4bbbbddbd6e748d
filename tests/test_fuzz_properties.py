"""Property fuzzing, deterministic and short: deep and wide expressions through the parser,
compiler and evaluator, and arbitrary JSON through the flow reader. Nothing may raise but
turnflow's own errors (an expression's failures are XError values), numbers far beyond goflow's
range included."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from turnflow.errors import TurnflowError
from turnflow.expressions import Environment, XError, XObject, compile_template, from_python
from turnflow.expressions.cases import CASE_TESTS
from turnflow.expressions.functions import FUNCTIONS
from turnflow.goflow.assets import Assets
from turnflow.goflow.reader import read_flow
from turnflow.testing import flow_mutations as fm

ENV = Environment()
CONTEXT = from_python(
    {
        "contact": {"name": "Ryan", "age": 23, "urns": ["tel:+12065551212"]},
        "input": {"text": "a{10000000} 1e1000000 [[[[ \ud83d\ude00"},
        "items": [1, "two", {"three": [3]}, None, True],
        "big": "1e1000000",
    }
)
FAST = settings(
    max_examples=250, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip

ATOMS = ["1", "0", "-3", "2.5", '"abc"', '""', '"a{1001}"', "true", "null", "contact",
         "contact.name", "contact.age", "items", "items[2]", "input.text", "big",
         "parse_json(\"[1, 2.5, {\\\"a\\\": null}]\")", "(x) => x", "now()",
         'parse_json("1e4000")', 'parse_json("-1e4000")', 'parse_json("1e-4000")']  # fmt: skip
OPS = ["+", "-", "*", "/", "&", "=", "!=", "<", "<=", ">", ">="]
FUNCTION_NAMES = sorted(FUNCTIONS)


def _call(name: str, args: list[str]) -> str:
    return f"{name}({', '.join(args)})"


expressions = st.recursive(
    st.sampled_from(ATOMS),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from([*OPS, "^"]), inner).map(" ".join),
        inner.map(lambda e: f"({e})"),
        inner.map(lambda e: f"-{e}"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
        st.tuples(st.sampled_from(FUNCTION_NAMES), st.lists(inner, max_size=4)).map(
            lambda t: _call(*t)),
    ),
    max_leaves=40,
)  # fmt: skip

# long chains: hundreds of operators, lookups or calls in a row (Python's recursion limit
# must play no part)
chains = st.one_of(
    st.tuples(st.sampled_from(ATOMS), st.lists(st.tuples(st.sampled_from(OPS), st.sampled_from(
        ATOMS)), min_size=50, max_size=400)).map(
        lambda t: t[0] + "".join(f" {op} {a}" for op, a in t[1])),
    st.tuples(st.sampled_from(["items", "contact", "(items)", "json(items)"]), st.lists(
        st.sampled_from(["[0]", "[2]", ".three", '["x"]', "()", ".name", "[-1]"]),
        min_size=50, max_size=800)).map(lambda t: t[0] + "".join(t[1])),
    st.integers(1, 120).map(lambda n: "upper(" * n + '"a"' + ")" * n),
    st.integers(1, 120).map(lambda n: "(" * n + "1" + ")" * n),
)  # fmt: skip


def check(source: str) -> None:
    try:
        template = compile_template(f"@({source})")
    except TurnflowError:
        return
    result = template.render(CONTEXT, ENV)
    assert isinstance(result.text, str)
    assert all(isinstance(error, XError) for error in result.errors)


@FAST
@given(expressions)
def test_deep_expressions_evaluate_or_fail_cleanly(source: str) -> None:
    check(source)


@FAST
@given(chains)
def test_long_chains_evaluate_or_fail_cleanly(source: str) -> None:
    check(source)


# -- the flow reader ---------------------------------------------------------------------------

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False),
              st.text(max_size=20), st.sampled_from(["@(1/0)", "x" * 300, "tel:+1", "eng"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=20,
)  # fmt: skip

TWO_QUESTIONS = Path("/work/shared/fixtures/goflow/test/testdata/runner/two_questions.json")
BASE = json.loads(TWO_QUESTIONS.read_text()) if TWO_QUESTIONS.exists() else {"flows": [{}]}
BASE_PATHS = list(fm.paths(BASE["flows"][0], ("flows", 0)))


@FAST
@given(json_values)
def test_any_json_as_a_flow_reads_or_is_refused(value: object) -> None:
    try:
        read_flow(value)
    except TurnflowError:
        pass


@FAST
@given(st.sampled_from(BASE_PATHS), json_values)
def test_a_flow_with_any_value_anywhere_is_refused_or_runs(path: tuple, value: object) -> None:
    mutant = fm.mutate(BASE, path, value)
    outcome = fm.check(mutant)
    assert outcome.kind != "crashed", outcome.detail


@FAST
@given(
    st.dictionaries(
        st.sampled_from(
            ["flows", "channels", "groups", "fields", "resthooks", "globals", "labels", "templates"]
        ),
        json_values,
    )
)
def test_any_assets_json_is_read_or_refused(data: dict) -> None:  # fmt: skip
    try:
        assets = Assets.from_json(data)
        for ref in assets.flow_refs():
            assets.check_flow(ref["uuid"])
    except TurnflowError:
        pass


# -- every function and case test, any arguments --------------------------------------------

_UTC = dt.UTC
ARGUMENTS = [
    None, True, False, Decimal(0), Decimal(-1), Decimal("2.5"), Decimal("1e30"), Decimal("-1e30"),
    Decimal("1e4000"), Decimal("-1e4000"), Decimal("1e-4000"),
    Decimal("2147483648"), Decimal("0.0000001"), "", "a", "abc def", "2020-01-01", "10:30",
    "9999-12-31T23:59:59Z", "0001-01-01", "x" * 5000, "\U0001f600", "@(", "tel:+12065551212",
    "D", "Y", "YYYY-MM-DD tt:mm:ss.fffffffff Z", "[1,2]", '{"a": 1}', "a{1001}", "(a|a)+$",
    [], [Decimal(1), "a", None], from_python({"a": 1, "b": [1, 2]}), XObject({}),
    dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=_UTC), dt.datetime(1, 1, 1, tzinfo=_UTC),
    dt.date(9999, 12, 31), dt.date(1, 1, 1), dt.time(23, 59), XError("boom"),
    FUNCTIONS["upper"], FUNCTIONS["array"],
]  # fmt: skip
CALLABLES = sorted({**FUNCTIONS, **CASE_TESTS}.items())


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.sampled_from(CALLABLES), st.lists(st.sampled_from(ARGUMENTS), max_size=4))
def test_every_function_takes_any_arguments(named: tuple, args: list) -> None:
    name, function = named
    result = function.call(ENV, list(args))
    assert result is None or not isinstance(result, BaseException), name


@FAST
@given(st.sampled_from(["TRIGGER", "RESUME", "CALL"]), json_values, st.data())
def test_the_fast_input_check_never_accepts_what_the_full_one_refuses(
    name: str, value: object, data: st.DataObject
) -> None:
    from turnflow.goflow import inputs
    from turnflow.goflow.validation import FlowReadError, validate_fields

    shape = getattr(inputs, name)
    # shapes near the valid ones: a valid skeleton with one part replaced by anything
    base = {"type": "msg", "flow": {"uuid": "f", "name": "F"},
            "event": {"type": "msg_received", "msg": {"text": "hi", "urn": "tel:+1",
                                                      "attachments": ["a"]}},
            "dial": {"status": "answered", "duration": 5},
            "run_summary": {"results": {"a": {}}, "contact": {"urns": ["tel:+1"]}}}  # fmt: skip
    paths = list(fm.paths(base))
    mutant = fm.mutate(base, data.draw(st.sampled_from(paths)), value)
    if shape.fits(mutant):
        try:
            validate_fields(shape.specs, mutant, name)
        except FlowReadError as exc:
            raise AssertionError(f"fast path accepted what {exc.detail} refuses") from None
