"""The Kata JavaScript expression language: parsing, ECMAScript semantics, built-ins,
templates, errors. Expected values are what the ECMAScript spec (and any engine) gives."""

from __future__ import annotations

import math
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turnflow.kata.js import (
    UNDEFINED,
    JsHost,
    JsRuntimeError,
    JsSyntaxError,
    compile_expression,
    compile_template,
    compile_value,
    json_parse,
    json_stringify,
    loose_equals,
    strict_equals,
    to_js_string,
    to_number,
    truthy,
)

NAN = object()  # marks an expected NaN


def ev(source: str, scope: dict | None = None, calls=None, host=None):
    return compile_expression(source).evaluate(scope or {}, calls, host)


def check(source: str, expected, scope: dict | None = None) -> None:
    got = ev(source, scope)
    if expected is NAN:
        assert type(got) is float and math.isnan(got), (source, got)
    else:
        assert got == expected and type(got) is type(expected), (source, got, expected)


# ---------------------------------------------------------------------------- literals

@pytest.mark.parametrize("source, expected", [
    ("42", 42), ("3.5", 3.5), (".5", 0.5), ("5.", 5), ("1e3", 1000), ("1.5E-3", 0.0015),
    ("0x1F", 31), ("0XfF", 255), ("0o17", 15), ("0b101", 5), ("2e0", 2),
    ("'it\\'s'", "it's"), ('"a\\"b"', 'a"b'), ("'\\n\\t'", "\n\t"), ("'\\x41'", "A"),
    ("'\\u0041\\u00e9'", "Aé"), ("'\\u{1F600}'", "\U0001F600"), ("'a\\qb'", "aqb"),
    ("'\\\\'", "\\"), ("true", True), ("false", False), ("null", None),
    ("undefined", UNDEFINED), ("`a${1 + 1}b${'c'}`", "a2bc"), ("`plain`", "plain"),
    ("`${null} ${undefined} ${[1, 2]}`", "null undefined 1,2"),
    ("[1, 'a', null]", [1, "a", None]), ("[]", []), ("[1, , 2]", [1, UNDEFINED, 2]),
    ("{a: 1, 'b c': 2, 3: 'x'}", {"a": 1, "b c": 2, "3": "x"}), ("{}", {}),
    ("{a: 1, a: 2}", {"a": 2}), ("{['k' + 1]: true}", {"k1": True}),
    ("[1, 2,]", [1, 2]), ("{a: 1,}", {"a": 1}),
])  # fmt: skip
def test_literals(source, expected):
    check(source, expected)


def test_shorthand_object_and_nested_literals():
    assert ev("{x, y: [x, {z: x}]}", {"x": 5}) == {"x": 5, "y": [5, {"z": 5}]}


@pytest.mark.parametrize("source, expected", [
    ("[...a, 3, ...'xy']", [1, 2, 3, "x", "y"]), ("[...[]]", []),
    ("({...o, b: 3})", {"a": 1, "b": 3}), ("({b: 3, ...o})", {"b": 2, "a": 1}),
    ("({...null, ...undefined, ...1})", {}), ("({...a})", {"0": 1, "1": 2}),
])  # fmt: skip
def test_spread_in_literals(source, expected):
    check(source, expected, {"a": [1, 2], "o": {"a": 1, "b": 2}})


def test_spread_of_a_non_iterable_is_an_error():
    with pytest.raises(JsRuntimeError, match="o is not iterable"):
        ev("[...o]", {"o": {}})


def test_nan_infinity_names():
    check("NaN", NAN)
    check("Infinity", math.inf)
    check("-Infinity", -math.inf)


# ---------------------------------------------------------------------------- arithmetic

@pytest.mark.parametrize("source, expected", [
    ("1 + 2", 3), ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("10 - 2 - 3", 5), ("2 * 3 / 4", 1.5),
    ("7 / 2", 3.5), ("6 / 3", 2), ("1 / 0", math.inf), ("-1 / 0", -math.inf), ("0 / 0", NAN),
    ("5 % 3", 2), ("-5 % 3", -2), ("5 % -3", 2), ("5.5 % 2", 1.5), ("5 % 0", NAN),
    ("2 ** 10", 1024), ("2 ** -1", 0.5), ("2 ** 3 ** 2", 512), ("(-8) ** (1/3)", NAN),
    ("0.1 + 0.2", 0.30000000000000004), ("0.5 + 0.5", 1), ("9007199254740992 + 1", 2.0**53),
    ("'3' * '4'", 12), ("'10' / 4", 2.5), ("'a' * 1", NAN), ("'5' - 2", 3), ("true + 1", 2),
    ("null + 1", 1), ("undefined + 1", NAN), ("[] * 2", 0), ("[5] * 2", 10),
    ("[1, 2] * 2", NAN), ("'' - 1", -1), ("' 12 ' * 1", 12), ("'0x10' * 1", 16),
    ("'1e3' * 1", 1000), ("'Infinity' * 1", math.inf), ("'inf' * 1", NAN),
    ("-'3'", -3), ("+'3.5'", 3.5), ("+''", 0), ("+true", 1), ("+[]", 0), ("+{}", NAN),
    ("+null", 0), ("+undefined", NAN), ("- -1", 1), ("~5", -6), ("~-1", 0),
    ("5 & 3", 1), ("5 | 3", 7), ("5 ^ 3", 6), ("1 << 4", 16), ("-16 >> 2", -4),
    ("-1 >>> 28", 15), ("2147483647 + 1 | 0", -2147483648),
])  # fmt: skip
def test_arithmetic(source, expected):
    check(source, expected)


@pytest.mark.parametrize("source, expected", [
    ("'a' + 'b'", "ab"), ("'a' + 1", "a1"), ("1 + 'a'", "1a"), ("1 + 2 + '3'", "33"),
    ("'1' + 2 + 3", "123"), ("'x' + null", "xnull"), ("'x' + undefined", "xundefined"),
    ("'x' + true", "xtrue"), ("[1, 2] + [3]", "1,23"), ("[] + []", ""),
    ("[] + {}", "[object Object]"), ("({}) + 'a'", "[object Object]a"), ("'n' + 1.0", "n1"),
    ("'n' + 0.5", "n0.5"), ("'n' + 1e21", "n1e+21"), ("'n' + 1e-7", "n1e-7"),
    ("'n' + 123e-20", "n1.23e-18"), ("'n' + 0.000001", "n0.000001"), ("'' + -0", "0"),
    ("'' + 1/3", "0.3333333333333333"), ("'' + 100", "100"), ("'' + 1e20", "100000000000000000000"),
    ("'' + 2**53", "9007199254740992"), ("'' + NaN", "NaN"), ("'' + -Infinity", "-Infinity"),
    ("'' + [null, undefined, 1]", ",,1"), ("'' + [[1, 2], [3]]", "1,2,3"),
])  # fmt: skip
def test_string_concatenation_and_number_formatting(source, expected):
    check(source, expected)


# ---------------------------------------------------------------------------- comparison

@pytest.mark.parametrize("source, expected", [
    ("1 < 2", True), ("2 < 1", False), ("1 <= 1", True), ("2 >= 3", False), ("'a' < 'b'", True),
    ("'B' < 'a'", True), ("'10' < '9'", True), ("'10' < 9", False), ("10 < '9'", False),
    ("'abc' < 'abd'", True), ("'a' < 1", False), ("'a' > 1", False), ("'a' >= 1", False),
    ("NaN < 1", False), ("NaN >= NaN", False), ("null < 1", True), ("null >= 0", True),
    ("undefined < 1", False), ("undefined >= 0", False), ("[2] > 1", True),
    ("true > false", True), ("'' < 1", True),
])  # fmt: skip
def test_relational(source, expected):
    check(source, expected)


@pytest.mark.parametrize("source, expected", [
    ("1 == 1", True), ("1 == '1'", True), ("0 == ''", True), ("0 == '0'", True),
    ("'' == '0'", False), ("null == undefined", True), ("null == 0", False),
    ("undefined == 0", False), ("null == false", False), ("false == 'false'", False),
    ("false == '0'", True), ("true == 1", True), ("true == '1'", True), ("true == 2", False),
    ("NaN == NaN", False), ("[1] == 1", True), ("[1, 2] == '1,2'", True), ("[] == false", True),
    ("[] == []", False), ("({}) == '[object Object]'", True), ("'a' == 'a'", True),
    ("1 === 1", True), ("1 === 1.0", True), ("1 === '1'", False), ("null === undefined", False),
    ("NaN === NaN", False), ("'a' === 'a'", True), ("true === 1", False),
    ("1 != '1'", False), ("1 !== '1'", True), ("null != undefined", False),
    ("null !== undefined", True), ("x === undefined", True), ("x == null", True),
    ("'yes' == intent", True), ("intent === 'yes'", True), ("intent !== 'no'", True),
    ("intent != 'yes'", False), ("n == '5'", True), ("n === '5'", False), ("n != '5'", False),
])  # fmt: skip
def test_equality(source, expected):
    check(source, expected, {"intent": "yes", "n": 5})


def test_object_identity():
    obj = {"a": 1}
    assert ev("o === o", {"o": obj}) is True
    assert ev("o == p", {"o": obj, "p": {"a": 1}}) is False
    assert ev("o === p", {"o": obj, "p": obj}) is True


# ---------------------------------------------------------------------------- logic

@pytest.mark.parametrize("source, expected", [
    ("1 && 2", 2), ("0 && 2", 0), ("'' || 'x'", "x"), ("'a' || 'x'", "a"),
    ("null || undefined", UNDEFINED), ("0 || '' || null", None), ("1 && 2 && 3", 3),
    ("1 && 0 && 3", 0), ("!0", True), ("!''", True), ("!'0'", False), ("![]", False),
    ("!{}", False), ("!!NaN", False), ("!null", True), ("!undefined", True), ("!!-1", True),
    ("null ?? 'd'", "d"), ("0 ?? 'd'", 0), ("undefined ?? null ?? 3", 3),
    ("1 ? 'a' : 'b'", "a"), ("0 ? 'a' : 'b'", "b"), ("1 ? 0 ? 'x' : 'y' : 'z'", "y"),
    ("true || false && false", True), ("(true || false) && false", False),
    ("1, 2, 3", 3), ("typeof 1", "number"), ("typeof 'a'", "string"),
    ("typeof true", "boolean"), ("typeof undefined", "undefined"), ("typeof null", "object"),
    ("typeof {}", "object"), ("typeof []", "object"), ("typeof parseInt", "function"),
    ("typeof Math", "object"), ("typeof missing", "undefined"), ("typeof missing.x", NAN),
    ("void 0", UNDEFINED), ("'a' in {a: 1}", True), ("'b' in {a: 1}", False),
    ("0 in [5]", True), ("1 in [5]", False), ("'length' in []", True),
])  # fmt: skip
def test_logic(source, expected):
    if source == "typeof missing.x":
        with pytest.raises(JsRuntimeError):
            ev(source)
        return
    check(source, expected)


def test_short_circuit_does_not_evaluate_the_rest():
    calls: list[str] = []

    def record(name, args):
        calls.append(name)
        return True

    assert ev("false && boom()", calls=record) is False
    assert ev("true || boom()", calls=record) is True
    assert ev("null ?? ok()", calls=record) is True
    assert ev("1 ? ok() : boom()", calls=record) is True
    assert calls == ["ok", "ok"]


@pytest.mark.parametrize("value, expected", [
    (0, False), (0.0, False), (-0.0, False), (math.nan, False), ("", False), (None, False),
    (UNDEFINED, False), (False, False), (1, True), (-1, True), ("0", True), ("false", True),
    (" ", True), ([], True), ({}, True), (math.inf, True), (True, True),
])  # fmt: skip
def test_truthy(value, expected):
    assert truthy(value) is expected


# ---------------------------------------------------------------------------- members

SCOPE = {
    "context": {"user": {"name": "Ann", "tags": ["a", "b"]}, "count": 2, "zero": 0},
    "data": {"lang": "en", "items": [{"n": 1}, {"n": 2}]},
    "payload": {"1": "one", "key": "k"},
    "content": "Hello World",
}


@pytest.mark.parametrize("source, expected", [
    ("context.user.name", "Ann"), ("context['user']['name']", "Ann"),
    ("context.user.tags[1]", "b"), ("context.user.tags.length", 2), ("content.length", 11),
    ("content[0]", "H"), ("content[100]", UNDEFINED), ("context.missing", UNDEFINED),
    ("context.user.age", UNDEFINED), ("data.items[1].n", 2), ("data.items[5]", UNDEFINED),
    ("data.items[-1]", UNDEFINED), ("payload[1]", "one"), ("payload[payload.key]", UNDEFINED),
    ("data['it' + 'ems'].length", 2), ("nothing", UNDEFINED), ("context.zero", 0),
    ("context.user?.name", "Ann"), ("context.nobody?.name", UNDEFINED),
    ("context.nobody?.[0]", UNDEFINED), ("[1, 2, 3].length", 3), ("'abc'.length", 3),
    ("(5).toFixed", "function"), ("Math.PI > 3", True), ("({a: {b: 1}}).a.b", 1),
    ("context.user.tags['0']", "a"), ("context.user.tags['01']", UNDEFINED),
])  # fmt: skip
def test_member_access(source, expected):
    if expected == "function":
        assert ev("typeof " + source, SCOPE) == "function"
        return
    check(source, expected, SCOPE)


@pytest.mark.parametrize("source, message", [
    ("context.nobody.name", "Cannot read property 'name' of undefined (context.nobody is "
                            "undefined)"),
    ("context.user.name.first.x", "Cannot read property 'x' of undefined"),
    ("nothing.x", "Cannot read property 'x' of undefined (nothing is undefined)"),
    ("n.x", "Cannot read property 'x' of null (n is null)"),
    ("nothing[0]", "Cannot read property '0' of undefined"),
    ("nothing.length", "Cannot read property 'length' of undefined"),
    ("nothing.trim()", "Cannot read property 'trim' of undefined"),
    ("context.user.name.foo()", "context.user.name.foo is not a function"),
    ("context.foo()", "context.foo is not a function"),
    ("[1].push(2)", "would change the array"),
    ("Math.nope(1)", "Math.nope is not a function"),
    ("(1)()", "1 is not a function"),
    ("'a' in 'abc'", "Cannot use 'in' operator"),
    ("undefinedMethod(1)", "undefinedMethod is not defined"),
    ("JSON.parse('{bad')", "in JSON at position 1"),
    ("'ab'.repeat(-1)", "Invalid count value"),
])  # fmt: skip
def test_runtime_errors_are_one_line(source, message):
    with pytest.raises(JsRuntimeError) as info:
        ev(source, {**SCOPE, "n": None})
    text = str(info.value)
    assert message in text
    assert "\n" not in text


# ---------------------------------------------------------------------------- built-ins

@pytest.mark.parametrize("source, expected", [
    ("'Hello'.toLowerCase()", "hello"), ("'Hello'.toUpperCase()", "HELLO"),
    ("'  a b \\n'.trim()", "a b"), ("'\\u00a0x'.trim()", "x"), ("' x '.trimStart()", "x "),
    ("' x '.trimEnd()", " x"), ("'hello'.indexOf('l')", 2), ("'hello'.indexOf('l', 3)", 3),
    ("'hello'.indexOf('z')", -1), ("'hello'.indexOf('')", 0), ("'abc'.indexOf('', 10)", 3),
    ("'hello'.lastIndexOf('l')", 3), ("'hello'.lastIndexOf('l', 2)", 2),
    ("'hello'.includes('ell')", True), ("'hello'.includes('h', 1)", False),
    ("'hello'.startsWith('he')", True), ("'hello'.startsWith('l', 2)", True),
    ("'hello'.endsWith('lo')", True), ("'hello'.endsWith('l', 4)", True),
    ("'hello'.slice(1, 3)", "el"), ("'hello'.slice(-3)", "llo"), ("'hello'.slice(2, -1)", "ll"),
    ("'hello'.slice(3, 1)", ""), ("'hello'.substring(3, 1)", "el"),
    ("'hello'.substring(-2, 2)", "he"), ("'hello'.substr(1, 3)", "ell"),
    ("'hello'.substr(-3, 2)", "ll"), ("'a,b,,c'.split(',')", ["a", "b", "", "c"]),
    ("'abc'.split('')", ["a", "b", "c"]), ("'abc'.split()", ["abc"]),
    ("'a,b,c'.split(',', 2)", ["a", "b"]), ("''.split(',')", [""]),
    ("'a1b2c'.split(/\\d/)", ["a", "b", "c"]),
    ("'a1b2c'.split(/(\\d)/)", ["a", "1", "b", "2", "c"]),
    ("'abc'.split(/(?:)/)", ["a", "b", "c"]), ("'aaa'.replace('a', 'b')", "baa"),
    ("'aaa'.replace(/a/g, 'b')", "bbb"), ("'aaa'.replaceAll('a', 'b')", "bbb"),
    ("'John Smith'.replace(/(\\w+)\\s(\\w+)/, '$2, $1')", "Smith, John"),
    ("'abc'.replace('b', '[$&]')", "a[b]c"), ("'abc'.replace('b', '$$')", "a$c"),
    ("'abc'.replace('b', \"$`\")", "aac"), ("'abc'.replace(/B/i, x => x + x)", "abbc"),
    ("'x'.replace(/(?<n>x)/, '$<n>!')", "x!"), ("'hello'.charAt(1)", "e"),
    ("'hello'.charAt(9)", ""), ("'A'.charCodeAt(0)", 65), ("'a'.concat('b', 1)", "ab1"),
    ("'ab'.repeat(3)", "ababab"), ("'5'.padStart(3, '0')", "005"), ("'5'.padEnd(3)", "5  "),
    ("'abc'.match(/b(c)/)", ["bc", "c"]), ("'abc'.match(/z/)", None),
    ("'a1b22'.match(/\\d+/g)", ["1", "22"]), ("'abc'.search(/c/)", 2),
    ("'abc'.at(-1)", "c"), ("'ABC'.localeCompare('abc') !== 0", True),
    ("/^\\d+$/.test('12')", True), ("'12'.match(/^\\d+$/) !== null", True),
    ("'12\\n'.match(/^\\d+$/)", None), ("'x\\ny'.match(/^y$/m)[0]", "y"),
    ("'ÉCOLE'.toLowerCase()", "école"),
])  # fmt: skip
def test_string_methods(source, expected):
    check(source, expected)


@pytest.mark.parametrize("source, expected", [
    ("[1, 2, 3].indexOf(2)", 1), ("[1, 2, 3].indexOf('2')", -1), ("[NaN].indexOf(NaN)", -1),
    ("[NaN].includes(NaN)", True), ("[1, 2].includes(3)", False), ("[1, 2, 1].lastIndexOf(1)", 2),
    ("[1, 2, 3].join('-')", "1-2-3"), ("[1, null, 3].join()", "1,,3"), ("[].join()", ""),
    ("[1, 2, 3].slice(1)", [2, 3]), ("[1, 2, 3].slice(-2, -1)", [2]),
    ("[1].concat([2, 3], 4)", [1, 2, 3, 4]),
    ("[1, 2, 3].map(x => x * 2)", [2, 4, 6]), ("[1, 2, 3].filter(x => x > 1)", [2, 3]),
    ("[1, 2, 3].some(x => x > 2)", True), ("[1, 2, 3].every(x => x > 2)", False),
    ("[1, 2, 3].find(x => x > 1)", 2), ("[1, 2, 3].findIndex(x => x > 5)", -1),
    ("[1, 2, 3].reduce((a, b) => a + b)", 6), ("[1, 2, 3].reduce((a, b) => a + b, 10)", 16),
    ("[[1, 2], [3]].reduce((a, b) => a.concat(b), [])", [1, 2, 3]),
    ("[3, 1, 2].sort()", [1, 2, 3]), ("[10, 9, 1].sort()", [1, 10, 9]),
    ("[10, 9, 1].sort((a, b) => a - b)", [1, 9, 10]), ("[1, 2].reverse()", [2, 1]),
    ("[1, [2, [3]]].flat()", [1, 2, [3]]), ("[1, 2].map((x, i) => i)", [0, 1]),
    ("[1, 2].map(function (x) { return x + 1; })", [2, 3]), ("[1, 2].toString()", "1,2"),
    ("['a', 'b'].at(-1)", "b"), ("data.items.map(i => i.n).join('+')", "1+2"),
    ("data.items.filter(i => i.n > 1).length", 1),
])  # fmt: skip
def test_array_methods(source, expected):
    check(source, expected, SCOPE)


@pytest.mark.parametrize("source, expected", [
    ("n?.a.b.c", UNDEFINED), ("n?.[0].x", UNDEFINED), ("n?.f().x", UNDEFINED),
    ("n?.a.toUpperCase()", UNDEFINED), ("o?.a.b", 1), ("o.a?.b", 1), ("o.z?.b.c", UNDEFINED),
    ("o?.a.b + 1", 2), ("(n?.a) ?? 'd'", "d"), ("n?.a || 'd'", "d"), ("o.a.f?.()", UNDEFINED),
    ("o?.s.toUpperCase()", "X"), ("[n?.a.b, 1]", [UNDEFINED, 1]), ("f?.(1)", UNDEFINED),
])  # fmt: skip
def test_optional_chains_short_circuit_to_the_end(source, expected):
    check(source, expected, {"n": None, "o": {"a": {"b": 1}, "s": "x"}})


def test_sort_and_reverse_leave_the_array_as_it_was():
    items = [3, 1, 2]
    assert ev("a.sort()", {"a": items}) == [1, 2, 3]
    assert ev("a.reverse()", {"a": items}) == [2, 1, 3]
    assert items == [3, 1, 2]


@pytest.mark.parametrize("source, expected", [
    ("parseInt('42')", 42), ("parseInt('42px')", 42), ("parseInt('  -7')", -7),
    ("parseInt('0x1A')", 26), ("parseInt('ff', 16)", 255), ("parseInt('101', 2)", 5),
    ("parseInt('abc')", NAN), ("parseInt('')", NAN), ("parseInt('3.9')", 3),
    ("parseInt(3.9)", 3), ("parseInt('12', 1)", NAN), ("parseInt(null)", NAN),
    ("parseFloat('3.14abc')", 3.14), ("parseFloat('.5')", 0.5), ("parseFloat('1e3x')", 1000),
    ("parseFloat('-Infinityx')", -math.inf), ("parseFloat('x')", NAN), ("parseFloat('1e')", 1),
    ("isNaN('abc')", True), ("isNaN('12')", False), ("isNaN(undefined)", True),
    ("isFinite('12')", True), ("isFinite(1/0)", False), ("Number('12')", 12),
    ("Number('')", 0), ("Number('12px')", NAN), ("Number(true)", 1), ("Number(null)", 0),
    ("Number()", 0), ("Number.isInteger(5)", True), ("Number.isInteger('5')", False),
    ("Number.isInteger(5.5)", False), ("String(12)", "12"), ("String(null)", "null"),
    ("String([1, [2]])", "1,2"), ("String()", ""), ("Boolean('')", False), ("Boolean('0')", True),
    ("Math.floor(3.7)", 3), ("Math.floor(-3.2)", -4), ("Math.ceil(3.2)", 4),
    ("Math.round(2.5)", 3), ("Math.round(-2.5)", -2), ("Math.round(2.4)", 2),
    ("Math.round(0.49999999999999994)", 0), ("Math.abs(-5)", 5), ("Math.max(1, 3, 2)", 3),
    ("Math.min(1, 3, 2)", 1), ("Math.max()", -math.inf), ("Math.min()", math.inf),
    ("Math.max(1, 'a')", NAN), ("Math.max('7', 2)", 7), ("Math.pow(2, 8)", 256),
    ("Math.sqrt(16)", 4), ("Math.sqrt(-1)", NAN), ("Math.trunc(-4.7)", -4),
    ("Math.sign(-3)", -1), ("Math.floor(Infinity)", math.inf),
    ("JSON.stringify({a: 1, b: [true, null], c: 'x'})", '{"a":1,"b":[true,null],"c":"x"}'),
    ("JSON.stringify([undefined, NaN, 1.0])", "[null,null,1]"),
    ("JSON.stringify({a: undefined})", "{}"), ("JSON.stringify('é\"')", '"é\\""'),
    ("JSON.stringify(undefined)", UNDEFINED), ("JSON.stringify({a: [1]}, null, 2)",
                                               '{\n  "a": [\n    1\n  ]\n}'),
    ("JSON.stringify({a: 1, b: 2}, ['b'])", '{"b":2}'), ("JSON.stringify([])", "[]"),
    ("JSON.parse('{\"a\": [1, 2.5, \"x\"]}')", {"a": [1, 2.5, "x"]}),
    ("JSON.parse('1.0')", 1), ("JSON.parse('null')", None),
    ("Object.keys({b: 1, a: 2})", ["b", "a"]), ("Object.values({b: 1, a: 2})", [1, 2]),
    ("Object.entries({a: 1})", [["a", 1]]), ("Object.keys(['x', 'y'])", ["0", "1"]),
    ("Array.isArray([])", True), ("Array.isArray({})", False), ("Array.from('ab')", ["a", "b"]),
    ("encodeURIComponent('a b&c/é')", "a%20b%26c%2F%C3%A9"), ("encodeURI('a b/c?d')", "a%20b/c?d"),
    ("decodeURIComponent('a%20b%C3%A9')", "a bé"), ("(1234.5678).toFixed(2)", "1234.57"),
    ("(1.005).toFixed(2)", "1.00"), ("(2.5).toFixed(0)", "3"), ("(0).toFixed(2)", "0.00"),
    ("(-1.5).toFixed(0)", "-2"), ("(255).toString(16)", "ff"), ("(255).toString(2)", "11111111"),
    ("(0.5).toString(2)", "0.1"), ("(123.456).toPrecision(4)", "123.5"),
    ("(0.00001234).toPrecision(2)", "0.000012"), ("(123456).toPrecision(2)", "1.2e+5"),
    ("(12).toString()", "12"), ("true.toString()", "true"), ("({}).toString()", "[object Object]"),
    ("({a: 1}).hasOwnProperty('a')", True), ("RegExp('a+', 'g').source", "a+"),
    ("new RegExp('^a').test('ab')", True), ("String.fromCharCode(72, 105)", "Hi"),
])  # fmt: skip
def test_global_functions(source, expected):
    check(source, expected)


def test_regexp_methods():
    assert ev("/^\\d+$/.test(content)", {"content": "123"}) is True
    assert ev("/^\\d+$/.test(content)", {"content": "12a"}) is False
    assert ev("/yes|ya/i.test('YA dong')") is True
    assert ev("new RegExp('^' + w).test('hello')", {"w": "he"}) is True
    assert ev("/(\\d+)-(x)?/.exec('a 12-')") == ["12-", "12", UNDEFINED]
    assert ev("/z/.exec('a')") is None
    assert ev("typeof /a/.test") == "function"
    assert ev("/^\\d{3}$/.source") == "^\\d{3}$"
    assert ev("'abc'.replace(new RegExp('b'), 'x')") == "axc"
    assert ev("/a/gi.flags") == "gi"
    assert ev("'x/y'.split(/\\//)") == ["x", "y"]
    assert ev("'a/b' + 1 / 2") == "a/b0.5"  # '/' after a value divides


def test_regexp_that_backtracks_forever_is_stopped():
    with pytest.raises(JsRuntimeError, match="took too long"):
        ev("s.match(/(a|aa)+$/)", {"s": "a" * 40 + "b"})


def test_host_gives_time_and_chance():
    host = JsHost(now_ms=lambda: 1_700_000_000_123.7, random=lambda: 0.25)
    assert ev("Date.now()", host=host) == 1_700_000_000_123
    assert ev("Math.floor(Math.random() * 4)", host=host) == 1


def test_bot_methods_are_called_through_calls():
    seen = []

    def calls(name, args):
        seen.append((name, args))
        return {"ok": args[0] * 2}

    expr = compile_expression("double(context.count).ok + 1")
    assert expr.called == frozenset({"double"})
    assert expr.names == frozenset({"context"})
    assert expr.evaluate(SCOPE, calls) == 5
    assert seen == [("double", [2])]


def test_names_and_called():
    expr = compile_expression(
        "intent == 'yes' && data.items.map(i => i.n).includes(x) && Math.max(a, 1) && f(b)"
    )
    assert expr.names == frozenset({"intent", "data", "x", "a", "b"})
    assert expr.called == frozenset({"f"})


def test_scope_may_be_any_mapping():
    from types import MappingProxyType

    assert ev("a.b", MappingProxyType({"a": MappingProxyType({"b": 3})})) == 3


def test_doc_slips_read_as_meant_with_a_warning():
    expr = compile_expression("context.mood = 'good'")
    assert expr.evaluate({"context": {"mood": "good"}}) is True
    assert expr.evaluate({"context": {"mood": "bad"}}) is False
    assert expr.warnings and "'='" in expr.warnings[0]
    incr = compile_expression("(context.count || 0)++")
    assert incr.evaluate({"context": {}}) == 1
    assert incr.evaluate({"context": {"count": 4}}) == 5
    assert incr.warnings
    assert ev("a && b = 'x'", {"a": 1, "b": "x"}) is True  # '=' binds like '=='


def test_evaluation_changes_nothing():
    scope = {"context": {"count": 1, "list": [1]}}
    ev("context.count++", scope)
    ev("context.list.concat([2])", scope)
    assert scope == {"context": {"count": 1, "list": [1]}}


def test_same_text_compiles_once():
    assert compile_expression("a + 1") is compile_expression("a + 1")


# ---------------------------------------------------------------------------- syntax errors

@pytest.mark.parametrize("source, message, column", [
    ("1 +", "Unexpected end of input", 4), ("a b", "Unexpected token 'b'", 3),
    ("(1", "Unexpected end of input", 3), ("a..b", "Unexpected token '.'", 3),
    ("'abc", "unterminated string", 1), ("a = = b", "Unexpected token '='", 5),
    ("x += 1", "Assignment '+=' is not allowed", 3), ("1 ? 2", "Unexpected end of input", 6),
    ("{a 1}", "Unexpected token '1'", 4), ("[1 2]", "Unexpected token '2'", 4),
    ("a.1", "Unexpected token", 2), ("#", "Unexpected character '#'", 1),
    ("", "Empty expression", 1), ("   ", "Empty expression", 1), ("1a", "Invalid", 1),
    ("/ab", "missing /", 1), ("/(/", "Invalid regular expression", 1),
    ("'\\x4'", "Invalid hexadecimal", 2), ("var x", "Unexpected token 'var'", 1),
    ("function (x) { x; }", "may only hold 'return", 16), ("delete a.b", "'delete'", 1),
    ("a instanceof b", "'instanceof' is not supported", 3), ("f(...a)", "Spread", 3),
    ("[...]", "Unexpected token ']'", 5),
    ("`a${`", "Unterminated template", 5), ("`${1 +}`", "Unexpected end of input", 7),
])  # fmt: skip
def test_syntax_errors(source, message, column):
    with pytest.raises(JsSyntaxError) as info:
        compile_expression(source)
    err = info.value
    assert message in err.message
    assert err.column == column, (source, err.column)
    assert str(err) == f"{err.message} at column {column}"
    assert "\n" not in str(err)


@pytest.mark.parametrize("source", [
    "(" * 5000 + "1" + ")" * 5000, "!" * 5000 + "1", "-" * 5000 + "1", "[" * 5000,
    "a" + ".b" * 5000, "a" + "[0]" * 5000, "f(" * 5000, "1 ? " * 3000 + "1" + " : 1" * 3000,
    "{a:" * 5000, "2 ** " * 5000 + "2", "x => " * 5000 + "1",
])  # fmt: skip
def test_deep_nesting_is_a_syntax_error_not_a_crash(source):
    with pytest.raises(JsSyntaxError, match="nested too deeply|Unexpected"):
        compile_expression(source)


def test_long_flat_chains_are_fine():
    n = 20000
    assert ev(" + ".join(["1"] * n)) == n
    assert ev(" && ".join(["x"] * n), {"x": 1}) == 1
    assert ev(" || ".join(["x"] * n), {"x": 0}) == 0


def test_deep_but_allowed_nesting_evaluates_even_on_a_deep_stack():
    source = "(" * 60 + "1" + ")" * 60
    expr = compile_expression(source)

    def deep(n):
        return expr.evaluate({}) if n == 0 else deep(n - 1)

    old = sys.getrecursionlimit()
    assert deep(min(400, old - 300)) == 1


# ---------------------------------------------------------------------------- templates

def test_template_interpolation():
    scope = {"data": {"name": "Ann", "n": 2}, "context": {"user": "ann"}, "result": {"x": 1}}
    assert compile_template("hi $(data.name)!").render(scope) == "hi Ann!"
    assert compile_template("$(data.n + 1) items").render(scope) == "3 items"
    assert compile_template("https://x/$(context.user)/$(data.n)").render(scope) == \
        "https://x/ann/2"
    assert compile_template("no dollar here").render(scope) == "no dollar here"
    assert compile_template("cost: $5 (or $ 6)").render(scope) == "cost: $5 (or $ 6)"
    assert compile_template("$(data.missing)|$(null)").render(scope) == "|"
    assert compile_template("r=$(result)").render(scope) == 'r={"x":1}'
    assert compile_template("$(['a', 'b'].join(', '))").render(scope) == "a, b"
    assert compile_template("$(')' + \"(\")").render(scope) == ")("
    assert compile_template("$(0.5 + 0.5)x").render(scope) == "1x"


def test_a_lone_interpolation_keeps_its_type():
    scope = {"config": {"messages": {"en": {"hi": "Hello"}}}, "data": {"n": 2}, "result": None}
    assert compile_template("$(config.messages)").render(scope) == {"en": {"hi": "Hello"}}
    assert compile_template("$(data.n)").render(scope) == 2
    assert compile_template("$(result)").render(scope) is None
    assert compile_template("$(data.nope)").render(scope) is UNDEFINED
    assert compile_template(" $(data.n)").render(scope) == " 2"


def test_item_interpolation():
    t = compile_template("I am $[name] ($[label.toUpperCase()])")
    assert t.render({}, item={"name": "A", "label": "x"}) == "I am A (X)"
    assert t.item_names == frozenset({"name", "label"})
    assert t.names == frozenset()
    assert compile_template("$[upgrade.confirm]").render(
        {}, item={"upgrade": {"confirm": ["Sure?", "OK?"]}}
    ) == ["Sure?", "OK?"]
    assert compile_template("$[name]").render({}, item={}) is UNDEFINED
    # without an item, $[...] waits for the pass that has one
    assert compile_template("$[name]").render({}) == "$[name]"
    assert compile_template("$(a) $[b]").render({"a": 1}) == "1 $[b]"


def test_compile_value_renders_fresh_copies():
    value = compile_value({
        "type": "button",
        "items": {"title": "Hi $(data.name)", "actions": [{"payload": {"r": "$(result)"}}]},
        "n": 3, "flag": True, "none": None,
    })
    assert value.names == frozenset({"data", "result"})
    first = value.render({"data": {"name": "Bo"}, "result": {"ok": 1}})
    assert first == {
        "type": "button",
        "items": {"title": "Hi Bo", "actions": [{"payload": {"r": {"ok": 1}}}]},
        "n": 3, "flag": True, "none": None,
    }
    first["items"]["actions"].append("changed")
    second = value.render({"data": {"name": "Bo"}, "result": {"ok": 1}})
    assert second["items"]["actions"] == [{"payload": {"r": {"ok": 1}}}]
    assert compile_value({"a": ["x", 1]}).is_constant


def test_template_errors():
    with pytest.raises(JsSyntaxError) as info:
        compile_template("hello $(data.name")
    assert info.value.column == 7
    assert str(info.value) == "Missing ')' at column 7"
    with pytest.raises(JsSyntaxError) as info:
        compile_template("x $(1 +) y")
    assert info.value.column == 8
    with pytest.raises(JsSyntaxError) as info:
        compile_value({"items": [{"title": "ok"}, {"title": "$(a b)"}]})
    assert info.value.path == "items[1].title"
    # a property of null/undefined reads as undefined in dollar notation (printed as nothing)
    assert compile_template("x $(a.b)!").render({}) == "x !"
    assert compile_template("$(result.name)").render({"result": None}) is UNDEFINED
    with pytest.raises(JsRuntimeError, match=r"data.f is not a function.*in 'x "):
        compile_template("x $(data.f())").render({"data": {}})


def test_doc_examples_of_templates():
    # action-type.md: text with data/path/template, and the dynamic carousel
    messages = {"en": {"upgrade4G": {"confirmUpgrade": "Upgrade?"}}}
    scope = {"config": {"messages": messages}, "data": {"lang": "en"},
             "context": {"data": [{"name": "A", "label": "x"}, {"name": "B", "label": "y"}]}}
    options = compile_value({
        "data": "$(config.messages)", "path": "$(data.lang)",
        "template": "$[upgrade4G.confirmUpgrade]",
    })
    rendered = options.render(scope)
    assert rendered["data"] == messages and rendered["path"] == "en"
    assert rendered["template"] == "$[upgrade4G.confirmUpgrade]"
    item = rendered["data"][rendered["path"]]
    assert compile_template(rendered["template"]).render(scope, item=item) == "Upgrade?"
    assert options.render(scope, item=item)["template"] == "Upgrade?"
    data = compile_template("$(context.data) // e.g. [{name:\"A\", label:\"x\"}]")
    assert data.render(scope) == scope["context"]["data"]
    assert "comment" in data.warnings[0]
    assert compile_template("$(a) // b $(c)").render({"a": 1, "c": 2}) == "1 // b 2"
    carousel = compile_value({"text": "I am $[name]", "title": "$[label]"})
    assert [carousel.render(scope, item=i) for i in scope["context"]["data"]] == [
        {"text": "I am A", "title": "x"}, {"text": "I am B", "title": "y"},
    ]


# ---------------------------------------------------------------------------- values API

def test_value_helpers():
    assert to_js_string(1.0) == "1"
    assert to_js_string(1e21) == "1e+21"
    assert to_js_string(-1.5e-7) == "-1.5e-7"
    assert to_js_string(123456789012345680000.0) == "123456789012345680000"
    assert to_js_string(UNDEFINED) == "undefined"
    assert to_js_string({"a": 1}) == "[object Object]"
    assert to_number(" 42 ") == 42
    assert math.isnan(to_number("4 2"))
    assert to_number("-0x10") != to_number("-0x10")  # NaN, as in JS
    assert repr(UNDEFINED) == "undefined"
    assert json_stringify({"a": [1, UNDEFINED]}) == '{"a":[1,null]}'
    assert json_parse("[1.5, 2.0]") == [1.5, 2]


js_scalars = st.one_of(
    st.none(), st.just(UNDEFINED), st.booleans(), st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.sampled_from(["", "0", "1", " 1 ", "a", "true", "false", "null", "undefined", "NaN",
                     "1e3", "0x10", "[object Object]", "1,2"]),
    st.sampled_from([[], [1], [1, 2], {}, [[]], [None]]),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(js_scalars, js_scalars)
def test_equality_properties(a, b):
    assert loose_equals(a, b) == loose_equals(b, a)
    assert strict_equals(a, b) == strict_equals(b, a)
    if strict_equals(a, b):
        assert loose_equals(a, b)
    # the operators agree with the helpers
    scope = {"a": a, "b": b}
    assert ev("a == b", scope) is loose_equals(a, b)
    assert ev("a !== b", scope) is (not strict_equals(a, b))


@settings(max_examples=300, deadline=None)
@given(js_scalars)
def test_truthiness_and_not_agree(a):
    assert ev("!a", {"a": a}) is (not truthy(a))
    assert ev("a ? 1 : 2", {"a": a}) == (1 if truthy(a) else 2)
    assert ev("!!a", {"a": a}) is truthy(a)


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_to_string_reads_back(x):
    text = to_js_string(x)
    assert float(text) == x or (x == 0 and float(text) == 0)
    assert to_number(text) == x or x == 0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_compiles_or_fails_cleanly(text):
    try:
        expr = compile_expression(text)
    except JsSyntaxError as exc:
        assert "\n" not in str(exc)
        return
    try:
        expr.evaluate({})
    except JsRuntimeError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="$()[]{}'\"`ab. +", max_size=30))
def test_any_template_compiles_or_fails_cleanly(text):
    try:
        t = compile_template(text)
    except JsSyntaxError as exc:
        assert "\n" not in str(exc)
        return
    try:
        t.render({}, item={})
    except JsRuntimeError as exc:
        assert "\n" not in str(exc)


# ---------------------------------------------------------------------------- dates

def _jakarta_host():
    from zoneinfo import ZoneInfo

    # 2024-12-05T00:00:00Z, a Thursday; 07:00 in Jakarta (UTC+7, no DST)
    return JsHost(now_ms=lambda: 1_733_356_800_000.4, tz=ZoneInfo("Asia/Jakarta"))


@pytest.mark.parametrize("source, expected", [
    ("new Date().getTime()", 1_733_356_800_000), ("Date.now()", 1_733_356_800_000),
    ("new Date().getHours()", 7), ("new Date().getUTCHours()", 0), ("new Date().getDay()", 4),
    ("new Date().getDate()", 5), ("new Date().getMonth()", 11), ("new Date().getFullYear()", 2024),
    ("new Date().toISOString()", "2024-12-05T00:00:00.000Z"),
    ("new Date().getTimezoneOffset()", -420), ("typeof new Date()", "object"),
    ("typeof Date()", "string"), ("new Date(0).toISOString()", "1970-01-01T00:00:00.000Z"),
    ("new Date('2024-03-01').toISOString()", "2024-03-01T00:00:00.000Z"),
    ("new Date('2024-03-01T10:00').toISOString()", "2024-03-01T03:00:00.000Z"),
    ("new Date('2024-03-01T10:00:00.5+02:00').toISOString()", "2024-03-01T08:00:00.500Z"),
    ("new Date(2024, 0, 31, 12).toISOString()", "2024-01-31T05:00:00.000Z"),
    ("new Date(2024, 12, 1).getMonth()", 0), ("new Date(2024, 1, 30).getDate()", 1),
    ("Date.UTC(2024, 1, 29)", 1_709_164_800_000), ("Date.parse('nonsense')", NAN),
    ("new Date('x').getTime()", NAN), ("String(new Date('x'))", "Invalid Date"),
    ("new Date() - new Date(0)", 1_733_356_800_000), ("new Date(0) < new Date()", True),
    ("new Date(5) == 5", False), ("+new Date(5)", 5),
    ("JSON.stringify({d: new Date(0)})", '{"d":"1970-01-01T00:00:00.000Z"}'),
    ("String(new Date(0))", "Thu Jan 01 1970 07:00:00 GMT+0700"),
    ("new Date(0).toLocaleDateString()", "1/1/1970"),
    ("new Date(0).toUTCString()", "Thu, 01 Jan 1970 00:00:00 GMT"),
])  # fmt: skip
def test_dates(source, expected):
    got = ev(source, host=_jakarta_host())
    if expected is NAN:
        assert got != got
    else:
        assert got == expected and type(got) is type(expected), (source, got)


def test_invalid_date_to_iso_is_an_error():
    with pytest.raises(JsRuntimeError, match="Invalid time value"):
        ev("new Date('x').toISOString()")


def test_to_json_value_gives_what_javascript_would_store():
    from turnflow.kata.js import to_json_value

    value = ev("({d: new Date(0), f: x => 1, n: NaN, u: undefined, l: [undefined, 1.0]})")
    assert to_json_value(value) == {"d": "1970-01-01T00:00:00.000Z", "n": None, "l": [None, 1]}
    assert to_json_value(UNDEFINED) is UNDEFINED
    assert to_json_value("x") == "x"


@pytest.mark.parametrize("source, expected", [
    ("'١٢' * 1", NAN), ("parseInt('١٢')", NAN), ("parseFloat('²')", NAN), ("a['²']", UNDEFINED),
    ("a['١']", UNDEFINED), ("'x'.replace('x', '$١')", "$١"), ("'²' in a", False),
])  # fmt: skip
def test_only_ascii_digits_are_digits(source, expected):
    check(source, expected, {"a": ["p", "q"]})


@pytest.mark.parametrize("source, expected", [
    ("(1234567.891).toLocaleString()", "1,234,567.891"), ("(1234.5).toLocaleString('en-US')",
                                                          "1,234.5"),
    ("(10000).toLocaleString('id-ID')", "10.000"), ("(1234.5).toLocaleString('id')", "1.234,5"),
    ("(1234.5).toLocaleString('de-DE', {minimumFractionDigits: 2})", "1.234,50"),
    ("(2.345).toLocaleString('en', {maximumFractionDigits: 1})", "2.3"),
    ("(0.1).toLocaleString()", "0.1"), ("(-1500).toLocaleString()", "-1,500"),
    ("(1.25).toLocaleString('en', {maximumFractionDigits: 1})", "1.3"),
    ("(5).toLocaleString('en', {minimumFractionDigits: 2})", "5.00"),
])  # fmt: skip
def test_to_locale_string(source, expected):
    check(source, expected)
