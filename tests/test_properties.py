"""Property tests: whatever text comes in, compiling and evaluating it either works or fails
with turnflow's own error type, and always finishes."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from turnflow.errors import TurnflowError
from turnflow.expressions import XError, compile_template, from_python
from turnflow.expressions.functions import FUNCTIONS

CONTEXT = from_python(
    {
        "contact": {"name": "Ryan", "age": 23, "urns": ["tel:+12065551212"], "fields": {"x": None}},
        "results": {"color": {"value": "red", "category": "Red"}},
    }
)

# pieces that make expressions likely to parse, so evaluation gets exercised too
TOKENS = [
    "(", ")", "[", "]", ",", ".", "+", "-", "*", "/", "^", "&", "=", "!=", "<", "<=", ">", ">=",
    "=>", '"', '"abc"', '"12"', '"2019-01-02"', '"10:30"', '"a b c"', '"\\d+"', "0", "1", "2.5",
    "-1", "1000000", "true", "false", "null", "x", "contact", "contact.name", "contact.age",
    "contact.urns", "results", "results.color", "(x) => x", " ",
    *sorted(FUNCTIONS),
]  # fmt: skip

# the env fixture (function-scoped) is shared by all the examples of a test
FIXTURE_OK = [HealthCheck.function_scoped_fixture]

expression_text = st.lists(st.sampled_from(TOKENS), max_size=14).map("".join)
call_text = st.tuples(
    st.sampled_from(sorted(FUNCTIONS)), st.lists(st.sampled_from(TOKENS[20:]), max_size=4)
).map(lambda t: f"{t[0]}({', '.join(t[1])})")
template_text = st.one_of(
    st.text(max_size=60),
    expression_text.map(lambda e: f"@({e})"),
    call_text.map(lambda e: f"x @({e}) y"),
    st.lists(
        st.sampled_from(["@", "@@", "@(", ")", "contact", ".", "name", "x", " "]), max_size=12
    ).map("".join),
)


def check(template: str, env) -> None:
    try:
        compiled = compile_template(template)
    except TurnflowError:
        return
    result = compiled.render(CONTEXT, env)
    assert isinstance(result.text, str)
    assert all(isinstance(e, XError) for e in result.errors)
    compiled.value(CONTEXT, env)


@settings(max_examples=600, deadline=None, suppress_health_check=FIXTURE_OK)
@given(template_text)
def test_any_template_compiles_and_evaluates_safely(env, template):
    check(template, env)


@settings(max_examples=600, deadline=None, suppress_health_check=FIXTURE_OK)
@given(call_text)
def test_any_function_call_is_safe(env, call):
    check(f"@({call})", env)


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURE_OK)
@given(st.text(max_size=200))
def test_strict_compile_raises_only_turnflow_errors(env, text):
    try:
        compile_template(text, strict=True)
    except TurnflowError:
        pass
