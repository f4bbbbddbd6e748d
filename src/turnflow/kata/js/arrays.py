"""``Array.prototype`` methods: ``name -> impl(this, args, env)``.

Expressions change nothing, so the methods that would change the array in place (``push``,
``pop``, ``splice``...) are refused with a clear error, and ``sort`` / ``reverse`` return a
new array (like ``toSorted`` / ``toReversed``) instead of reordering the one they are given.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from turnflow.kata.js.errors import MAX_STRING, JsRuntimeError, check_length
from turnflow.kata.js.functions import (
    Impl,
    JsFunction,
    arg,
    call_function,
    relative_index,
    to_integer,
)
from turnflow.kata.js.values import (
    UNDEFINED,
    same_value_zero,
    strict_equals,
    to_js_string,
    to_number,
    truthy,
)

MUTATING = frozenset({"push", "pop", "shift", "unshift", "splice", "fill", "copyWithin"})


def _callback(args: list[Any], name: str) -> Any:
    fn = arg(args, 0)
    if type(fn) is not JsFunction:
        raise JsRuntimeError(f"{to_js_string(fn)} is not a function (in {name})")
    return fn


def at(a: list[Any], args: list[Any], env: Any) -> Any:
    i = to_integer(arg(args, 0))
    if i < 0:
        i += len(a)
    return a[int(i)] if 0 <= i < len(a) else UNDEFINED


def concat(a: list[Any], args: list[Any], env: Any) -> list[Any]:
    out = list(a)
    for item in args:
        if type(item) is list or type(item) is tuple:
            out.extend(item)
        else:
            out.append(item)
    return out


def every(a: list[Any], args: list[Any], env: Any) -> bool:
    fn = _callback(args, "every")
    return all(truthy(fn.impl(UNDEFINED, [v, i, a], env)) for i, v in enumerate(a))


def some(a: list[Any], args: list[Any], env: Any) -> bool:
    fn = _callback(args, "some")
    return any(truthy(fn.impl(UNDEFINED, [v, i, a], env)) for i, v in enumerate(a))


def filter_(a: list[Any], args: list[Any], env: Any) -> list[Any]:
    fn = _callback(args, "filter")
    return [v for i, v in enumerate(a) if truthy(fn.impl(UNDEFINED, [v, i, a], env))]


def map_(a: list[Any], args: list[Any], env: Any) -> list[Any]:
    fn = _callback(args, "map")
    return [fn.impl(UNDEFINED, [v, i, a], env) for i, v in enumerate(a)]


def for_each(a: list[Any], args: list[Any], env: Any) -> Any:
    fn = _callback(args, "forEach")
    for i, v in enumerate(a):
        fn.impl(UNDEFINED, [v, i, a], env)
    return UNDEFINED


def find(a: list[Any], args: list[Any], env: Any) -> Any:
    fn = _callback(args, "find")
    for i, v in enumerate(a):
        if truthy(fn.impl(UNDEFINED, [v, i, a], env)):
            return v
    return UNDEFINED


def find_index(a: list[Any], args: list[Any], env: Any) -> int:
    fn = _callback(args, "findIndex")
    for i, v in enumerate(a):
        if truthy(fn.impl(UNDEFINED, [v, i, a], env)):
            return i
    return -1


def _reduce(a: list[Any], args: list[Any], env: Any, items: list[tuple[int, Any]]) -> Any:
    fn = _callback(args, "reduce")
    if len(args) >= 2:
        acc = args[1]
    elif items:
        acc = items.pop(0)[1]
    else:
        raise JsRuntimeError("Reduce of empty array with no initial value")
    for i, v in items:
        acc = fn.impl(UNDEFINED, [acc, v, i, a], env)
    return acc


def reduce(a: list[Any], args: list[Any], env: Any) -> Any:
    return _reduce(a, args, env, list(enumerate(a)))


def reduce_right(a: list[Any], args: list[Any], env: Any) -> Any:
    return _reduce(a, args, env, list(enumerate(a))[::-1])


def includes(a: list[Any], args: list[Any], env: Any) -> bool:
    target = arg(args, 0)
    start = relative_index(arg(args, 1), len(a), 0)
    return any(same_value_zero(v, target) for v in a[start:])


def index_of(a: list[Any], args: list[Any], env: Any) -> int:
    target = arg(args, 0)
    for i in range(relative_index(arg(args, 1), len(a), 0), len(a)):
        if strict_equals(a[i], target):
            return i
    return -1


def last_index_of(a: list[Any], args: list[Any], env: Any) -> int:
    target = arg(args, 0)
    start = len(a) - 1
    if len(args) > 1:
        n = to_integer(args[1])
        start = int(min(n, len(a) - 1)) if n >= 0 else int(len(a) + n)
    for i in range(start, -1, -1):
        if strict_equals(a[i], target):
            return i
    return -1


def join(a: list[Any], args: list[Any], env: Any) -> str:
    sep = "," if arg(args, 0) is UNDEFINED else to_js_string(args[0])
    if len(sep) * (len(a) - 1) > MAX_STRING:  # before building it: `join('x'.repeat(1e5))`
        raise JsRuntimeError("Invalid string length")
    return check_length(sep.join("" if v is None or v is UNDEFINED else to_js_string(v) for v in a))


def slice_(a: list[Any], args: list[Any], env: Any) -> list[Any]:
    start = relative_index(arg(args, 0), len(a), 0)
    end = relative_index(arg(args, 1), len(a), len(a))
    return list(a[start:end])


def reverse(a: list[Any], args: list[Any], env: Any) -> list[Any]:
    return list(reversed(a))


def sort(a: list[Any], args: list[Any], env: Any) -> list[Any]:
    fn = arg(args, 0)
    defined = [v for v in a if v is not UNDEFINED]
    missing = [UNDEFINED] * (len(a) - len(defined))
    if fn is UNDEFINED:
        return sorted(defined, key=to_js_string) + missing

    def compare(x: Any, y: Any) -> int:
        n = to_number(call_function(fn, UNDEFINED, [x, y], env, "the comparator"))
        return 0 if n != n or n == 0 else (1 if n > 0 else -1)

    return sorted(defined, key=functools.cmp_to_key(compare)) + missing


def flat(a: list[Any], args: list[Any], env: Any) -> list[Any]:
    depth = 1 if arg(args, 0) is UNDEFINED else to_integer(args[0])

    def spread(items: list[Any], d: int | float) -> list[Any]:
        out: list[Any] = []
        for v in items:
            if (type(v) is list or type(v) is tuple) and d >= 1:
                out.extend(spread(list(v), d - 1))
            else:
                out.append(v)
        return out

    return spread(a, min(depth, 100) if depth != math.inf else 100)


def to_string(a: list[Any], args: list[Any], env: Any) -> str:
    return join(a, [], env)


def value_of(a: list[Any], args: list[Any], env: Any) -> list[Any]:
    return a


ARRAY_METHODS: dict[str, Impl] = {
    "at": at, "concat": concat, "every": every, "filter": filter_, "find": find,
    "findIndex": find_index, "flat": flat, "forEach": for_each, "includes": includes,
    "indexOf": index_of, "join": join, "lastIndexOf": last_index_of, "map": map_,
    "reduce": reduce, "reduceRight": reduce_right, "reverse": reverse, "slice": slice_,
    "some": some, "sort": sort, "toReversed": reverse, "toSorted": sort,
    "toString": to_string, "valueOf": value_of,
}  # fmt: skip
