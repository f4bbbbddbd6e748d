"""Bot methods in the sandboxed QuickJS runtime: calling conventions, JSON in and out, and
every way a method can fail (throw, loop, recurse, blow memory) as one clear MethodError,
with the runtime still working afterwards."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turnflow.kata.js import UNDEFINED, JsHost, compile_expression
from turnflow.kata.methods import (
    MethodError,
    MethodKeyError,
    MethodRuntime,
    MethodSource,
    parse_method_key,
)

LIMIT_MS = 200


def source(name: str, params: str, body: str, line: int = 10, **kw) -> MethodSource:
    return MethodSource(name, tuple(p for p in params.split(",") if p), body, "bot.yml", line,
                        **kw)


METHODS = {
    "square": source("square", "x", "return x * x;"),
    "exprBody": source("exprBody", "x", "x*x"),
    "mapping": source("mapping", "ctx", (
        "ctx.data.name = ctx.attributes.name;\n"
        "ctx.context.count = (ctx.context.count || 0) + 1;\n"
        "return ctx;"
    )),
    "noReturn": source("noReturn", "ctx", "ctx.context.seen = true;"),
    "customNLU": source("customNLU", "message,options,config", (
        "let match = message.content.match(new Regex(options.regex));\n"
        "return match ? match[options.index || 0] : null;"
    )),
    "hyphenate": source("hyphenate", "labels", (
        "if (!labels) return null;\n"
        "return labels.map(function (label) { return label.split('_').join('-'); });"
    )),
    "kinds": source("kinds", "a,b,c,d,e", (
        "return [typeof a, typeof b, typeof c, typeof d, typeof e, a === undefined];"
    )),
    "echo": source("echo", "x", "return x;"),
    "nothing": source("nothing", "", "var a = 1;"),
    "returnsFunction": source("returnsFunction", "", "return function () {};"),
    "cyclic": source("cyclic", "", "var o = {}; o.self = o; return o;"),
    "callsOther": source("callsOther", "x", "return square(x) + 1;"),
    "throws": source("throws", "x", "var a = 1;\nthrow new Error('bad input ' + x);", 30),
    "nullRead": source("nullRead", "x", "var a = 1;\n\nreturn x.y.z;", 40),
    "loops": source("loops", "", "while (true) {}", 50),
    "hog": source("hog", "", (
        "var a = [];\nwhile (true) { a.push(new Array(100000).fill(1)); }"
    ), 60),
    "hugeArray": source("hugeArray", "", "return new Array(1e9).fill(0).length;", 65),
    "globalHog": source("globalHog", "", "kept = []; for (;;) kept.push({x: 1});", 66),
    "recurses": source("recurses", "n", "return recurses(n + 1);", 70),
    "sandbox": source("sandbox", "", (
        "return [typeof require, typeof process, typeof module, typeof fetch,"
        " typeof XMLHttpRequest, typeof std, typeof os, typeof setTimeout,"
        " typeof importScripts];"
    )),
    "clock": source("clock", "", "return [Date.now(), new Date().getTime(), Math.random()];"),
    "fromFile": MethodSource(
        "fromFile", ("x",),
        "function otherMethod(x) {\n  return x * 3;\n}\n\nmodule.exports = otherMethod;",
        "methods/other.js", 1, "module.exports",
    ),
    "fromFileFails": MethodSource(
        "fromFileFails", ("x",),
        "function broken(x) {\n  return x.a.b;\n}\nmodule.exports = broken;",
        "methods/broken.js", 1, "module.exports",
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def runtime() -> MethodRuntime:
    host = JsHost(now_ms=lambda: 1_700_000_000_000.0, random=lambda: 0.5)
    return MethodRuntime(METHODS, time_limit_ms=LIMIT_MS, memory_limit=32 * 2**20, host=host)


def test_all_methods_compile(runtime):
    assert runtime.errors == {}
    assert runtime.names == frozenset(METHODS)


@pytest.mark.parametrize("key, expected", [
    ("someMethod(x)", ("someMethod", ["x"])), ("f(a, b ,c)", ("f", ["a", "b", "c"])),
    ("  g ( )  ", ("g", [])), ("noParens", ("noParens", [])), ("$x(_y)", ("$x", ["_y"])),
])  # fmt: skip
def test_parse_method_key(key, expected):
    assert parse_method_key(key) == expected


@pytest.mark.parametrize("key", ["", "f(x", "f(x)(y)", "1f(x)", "f(x, 2)", "f(a, a)", "f g",
                                 "f(x = 1)"])
def test_parse_method_key_rejects(key):
    with pytest.raises(MethodKeyError) as info:
        parse_method_key(key)
    assert "\n" not in str(info.value)


def test_calls_and_values(runtime):
    assert runtime.call("square", [7]) == 49
    assert runtime.call("square", [1.5]) == 2.25
    assert runtime.call("exprBody", [3]) == 9  # the docs' `someMethod(x): x*x`
    assert runtime.call("echo", [{"a": [1, 2.0, None, "é"], "b": True}]) == {
        "a": [1, 2, None, "é"], "b": True
    }
    assert runtime.call("echo", [2**40]) == 2**40
    assert runtime.call("nothing", []) is UNDEFINED
    assert runtime.call("returnsFunction", []) is UNDEFINED
    assert runtime.call("kinds", [UNDEFINED, None, 1, "s", [1]]) == [
        "undefined", "object", "number", "string", "object", True
    ]
    assert runtime.call("callsOther", [4]) == 17


def test_doc_examples(runtime):
    assert runtime.call("customNLU", [{"content": "test abc"}, {"regex": "test (.*)",
                                                                "index": 1}, {}]) == "abc"
    assert runtime.call("customNLU", [{"content": "nope"}, {"regex": "test (.*)"}, {}]) is None
    assert runtime.call("hyphenate", [["a_b", "c_d_e"]]) == ["a-b", "c-d-e"]
    assert runtime.call("hyphenate", [None]) is None
    ctx = {"intent": "x", "attributes": {"name": "Ann"}, "data": {}, "context": {}}
    assert runtime.call("mapping", [ctx]) == {
        "intent": "x", "attributes": {"name": "Ann"}, "data": {"name": "Ann"},
        "context": {"count": 1},
    }
    assert ctx["data"] == {}  # the caller's value is never changed


def test_call_mutating_gives_the_changed_arguments(runtime):
    result, after = runtime.call_mutating("noReturn", [{"context": {}}])
    assert result is UNDEFINED
    assert after == [{"context": {"seen": True}}]


def test_entry_from_a_file(runtime):
    assert runtime.call("fromFile", [5]) == 15
    with pytest.raises(MethodError) as info:
        runtime.call("fromFileFails", [{}])
    assert str(info.value) == (
        "method 'fromFileFails' (methods/broken.js:1) threw TypeError: cannot read property "
        "'b' of undefined at methods/broken.js:2"
    )


def test_sandbox_has_no_host_api(runtime):
    assert set(runtime.call("sandbox", [])) == {"undefined"}


def test_console_logs_are_kept_not_fatal():
    rt = MethodRuntime({"chatty": source("chatty", "x", (
        "console.log('got', x); console.warn({a: 1}); console.error(undefined); return 1;"
    ))})
    assert rt.call("chatty", [[1, 2]]) == 1
    assert rt.last_logs == ["log: got [1,2]", 'warn: {"a":1}', "error: undefined"]
    assert rt.call("chatty", ["y"]) == 1
    assert rt.last_logs[0] == "log: got y"


def test_host_gives_time_and_chance(runtime):
    now, date_now, r = runtime.call("clock", [])
    assert now == date_now == 1_700_000_000_000
    assert 0 <= r < 1
    assert runtime.call("clock", [])[2] == r  # the same seed each call: deterministic


def test_methods_are_callable_from_expressions(runtime):
    expr = compile_expression("square(context.n) + 1")
    assert expr.evaluate({"context": {"n": 3}}, runtime.call) == 10


@pytest.mark.parametrize("name, args, kind, message", [
    ("throws", ["x"], "threw",
     "method 'throws' (bot.yml:30) threw Error: bad input x at bot.yml:31"),
    ("nullRead", [{}], "threw",
     "method 'nullRead' (bot.yml:40) threw TypeError: cannot read property 'z' of undefined "
     "at bot.yml:42"),
    ("loops", [], "timeout", f"method 'loops' (bot.yml:50) timed out after {LIMIT_MS} ms"),
    ("hog", [], "memory", "method 'hog' (bot.yml:60) ran out of memory (limit 32 MB)"),
    ("hugeArray", [], "memory", "method 'hugeArray' (bot.yml:65) ran out of memory"),
    ("globalHog", [], "memory", "method 'globalHog' (bot.yml:66) ran out of memory"),
    ("recurses", [0], "stack", "method 'recurses' (bot.yml:70) recursed too deeply"),
    ("cyclic", [], "result", "method 'cyclic' (bot.yml:10) returned a value that is not JSON"),
    ("missing", [], "unknown", "no method named 'missing'"),
])  # fmt: skip
def test_failures_are_one_clear_line_and_the_runtime_goes_on(runtime, name, args, kind,
                                                             message):
    started = time.monotonic()
    with pytest.raises(MethodError) as info:
        runtime.call(name, args)
    elapsed = time.monotonic() - started
    err = info.value
    assert err.kind == kind
    assert str(err).startswith(message), str(err)
    assert "\n" not in str(err)
    assert elapsed < 10 * LIMIT_MS / 1000 + 2  # CPU-time limit; a loaded machine is slower
    # the runtime still works, with every method
    assert runtime.call("square", [3]) == 9
    assert runtime.call("fromFile", [1]) == 3


def test_memory_failure_rebuilds_the_context():
    rt = MethodRuntime({"hog": METHODS["globalHog"], "count": source(
        "count", "", "counter = (typeof counter === 'number' ? counter : 0) + 1; return counter;"
    )}, memory_limit=16 * 2**20)
    assert rt.call("count", []) == 1
    assert rt.call("count", []) == 2
    with pytest.raises(MethodError, match="ran out of memory"):
        rt.call("hog", [])
    assert rt.rebuilds == 1
    assert rt.call("count", []) == 1  # a fresh context: the global state went with the old one


def test_methods_that_do_not_compile_are_reported_and_the_others_run():
    rt = MethodRuntime({
        "ok": source("ok", "", "return 1;"),
        "broken": source("broken", "x", "var a = 1;\nreturn (x;", 80),
        "badEntry": MethodSource("badEntry", (), "var x = 1;", "f.js", 1, "module.exports"),
        "injected": MethodSource("injected", (), "1", "f.js", 1, "module.exports; evil()"),
        "throwsAtLoad": MethodSource("throwsAtLoad", (), "throw new Error('at load');", "g.js",
                                     1, "module.exports"),
    })
    assert set(rt.errors) == {"broken", "badEntry", "injected", "throwsAtLoad"}
    assert str(rt.errors["broken"]) == (
        "method 'broken' (bot.yml:80) does not compile: SyntaxError: Unexpected token ';' "
        "at bot.yml:81"
    )
    assert rt.errors["badEntry"].kind == "syntax"
    assert "not a function" in str(rt.errors["badEntry"])
    assert "dotted name" in str(rt.errors["injected"])
    assert "failed while loading: Error: at load" in str(rt.errors["throwsAtLoad"])
    assert rt.call("ok", []) == 1
    with pytest.raises(MethodError, match="does not compile"):
        rt.call("broken", [1])


def test_arguments_that_are_not_json_are_refused_clearly():
    rt = MethodRuntime({"echo": METHODS["echo"]})
    loop: dict = {}
    loop["self"] = loop
    with pytest.raises(MethodError, match="can't take its arguments: Converting circular"):
        rt.call("echo", [loop])
    assert rt.call("echo", [[float("nan"), UNDEFINED]]) == [None, None]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=10)
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(JSON_VALUES)
def test_json_values_cross_unchanged(value):
    assert _ECHO.call("echo", [value]) == value


_ECHO = MethodRuntime({"echo": METHODS["echo"]})
