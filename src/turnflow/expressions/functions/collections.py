"""Array, object, logic and utility functions: array, object, if, join, sort, foreach, json, ..."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import TYPE_CHECKING

from ... import json_input
from .. import numbers as nums
from ..values import (
    ZERO,
    XError,
    XFunction,
    XObject,
    XValue,
    describe,
    from_json,
    to_array,
    to_bool,
    to_json,
    to_number,
    to_object,
    to_text,
    type_name,
)
from ..work import charge_text, cost, too_much, work_scope
from .args import convert_all, integer_arg, too_many_items, unless_null
from .numbers import checked
from .registry import register

if TYPE_CHECKING:
    from ..environment import Environment


def values_equal(a: XValue, b: XValue) -> bool:
    """Excellent equality of two values of the same type (different types are never equal)."""
    if a is None or b is None:
        return a is None and b is None
    ta, tb = type(a), type(b)
    if ta is not tb:
        return False
    if ta is list:
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b, strict=True))
    if ta is XObject:
        if a.has_default != b.has_default:
            return False
        if a.has_default and not values_equal(a.default, b.default):
            return False
        names_a, names_b = a.names(), b.names()
        if [n.lower() for n in names_a] != [n.lower() for n in names_b]:
            return False
        return all(values_equal(a.get(n), b.get(n)) for n in names_a)
    if ta is XFunction:
        return a is b or (a.name == b.name and a.impl is b.impl)
    return a == b


def _object_or_empty(env: Environment, value: XValue) -> XObject | XError:
    # goflow treats null as an empty object here (keys(null) is [])
    if value is None:
        return XObject()
    return to_object(env, value)


def _function_over(env: Environment, source: list | XObject | XError, func: XValue) -> XValue:
    """The function to call on each item of ``source`` (already converted), or the first error:
    the source's, then the function's, then too many items."""
    if type(source) is XError:
        return source
    if type(func) is XError:
        return func
    if type(func) is not XFunction:
        return XError("requires an function as its second argument")
    limit = env.limits.max_loop_items
    if len(source) > limit:
        return XError(f"can't process more than {limit} items")
    return func


def _call_each(
    env: Environment, fn: XFunction, values: list[XValue], extra: tuple[XValue, ...]
) -> list[XValue] | XError:
    """``fn(value, *extra)`` for each value in turn, or the first error (or too much work:
    see turnflow.expressions.work)."""
    with work_scope(env) as work:
        work.left -= len(values)
        if work.left < 0:
            return too_much(env)
        results = []
        for value in values:
            result = fn.call(env, [value, *extra])
            if type(result) is XError:
                return result
            work.left -= cost(result)
            if work.left < 0:
                return too_much(env)
            results.append(result)
        return results


# -- constructors and logic ---------------------------------------------------------------------


@register("array", 0, None)
def array(env: Environment, *values: XValue) -> XValue:
    error = too_many_items(len(values))
    if error is not None:
        return error
    for value in values:
        if type(value) is XError:
            return value
    return list(values)


@register("object", 0, None)
def object_(env: Environment, *pairs: XValue) -> XValue:
    for value in pairs:
        if type(value) is XError:
            return value
    if len(pairs) % 2:
        return XError("requires an even number of arguments")
    result = XObject()
    for i in range(0, len(pairs), 2):
        key = to_text(env, pairs[i])
        if type(key) is XError:
            return key
        result.set(key, pairs[i + 1])
    return result


@register("and", 1, None)
def and_(env: Environment, *values: XValue) -> XValue:
    for value in values:
        truth = to_bool(env, value)
        if type(truth) is XError:
            return truth
        if not truth:
            return False
    return True


@register("or", 1, None)
def or_(env: Environment, *values: XValue) -> XValue:
    for value in values:
        truth = to_bool(env, value)
        if type(truth) is XError:
            return truth
        if truth:
            return True
    return False


@register("if", 3)
def if_(env: Environment, test: XValue, value1: XValue, value2: XValue) -> XValue:
    truth = to_bool(env, test)
    if type(truth) is XError:
        return truth
    return value1 if truth else value2


# -- arrays -------------------------------------------------------------------------------------


@register("count", 1)
def count(env: Environment, value: XValue) -> XValue:
    if value is None:
        return ZERO
    if type(value) is XError:
        return value
    if type(value) is list or type(value) is XObject:
        return Decimal(len(value))
    return XError("value isn't countable")


@register("join", 2)
def join(env: Environment, items: XValue, separator: XValue) -> XValue:
    values = to_array(env, items)
    if type(values) is XError:
        return values
    sep = to_text(env, separator)
    if type(sep) is XError:
        return sep
    parts = convert_all(env, to_text, values)
    if type(parts) is XError:
        return parts
    refused = charge_text(env, sum(map(len, parts)) + len(sep) * max(len(parts) - 1, 0))
    return refused if refused is not None else sep.join(parts)


@register("slice", 2, 3)
def slice_(env: Environment, items: XValue, start: XValue, end: XValue = None) -> XValue:
    values = to_array(env, items)
    if type(values) is XError:
        return values
    length = len(values)
    first = integer_arg(env, start)
    if type(first) is XError:
        return first
    last = unless_null(env, end, integer_arg, length)
    if type(last) is XError:
        return last
    # negative indexes count from the end; out of range indexes are clamped
    if first < 0:
        first += length
    if last < 0:
        last += length
    first = min(max(first, 0), length)
    last = min(max(last, 0), length)
    return values[first:last] if first < last else []


@register("contains", 2)
def contains(env: Environment, items: XValue, value: XValue) -> XValue:
    values = to_array(env, items)
    if type(values) is XError:
        return values
    if type(value) is XError:
        return value
    return any(values_equal(item, value) for item in values)


@register("reverse", 1)
def reverse(env: Environment, items: XValue) -> XValue:
    values = to_array(env, items)
    if type(values) is XError:
        return values
    return values[::-1]


_SORTABLE = (str, Decimal, bool, dt.date, dt.datetime, dt.time)


def _sort_key(value: XValue) -> object:
    if type(value) is dt.datetime:
        return value.timestamp()
    return value


@register("sort", 1)
def sort(env: Environment, items: XValue) -> XValue:
    values = to_array(env, items)
    if type(values) is XError:
        return values
    kinds = set()
    for value in values:
        if type(value) not in _SORTABLE:
            return XError(f"{describe(value)} isn't a comparable type")
        kinds.add(type(value))
    if len(kinds) > 1:
        names = ", ".join(sorted({type_name(v) for v in values}))
        return XError(f"can't compare values of different types: {names}")
    # Python's sort is stable like Go's SliceStable; text compares by code point as in Go
    return sorted(values, key=_sort_key)


@register("sum", 1)
def sum_(env: Environment, items: XValue) -> XValue:
    values = to_array(env, items)
    if type(values) is XError:
        return values
    total = ZERO
    for item in values:
        number = to_number(env, item)
        if type(number) is XError:
            return number
        total = checked(nums.WIDE.add(total, number))  # each partial sum must be in range
        if type(total) is XError:
            return total
    return total


@register("unique", 1)
def unique(env: Environment, items: XValue) -> XValue:
    values = to_array(env, items)
    if type(values) is XError:
        return values
    too_many = too_many_items(len(values))  # (goflow's array cap keeps the work bounded)
    if too_many is not None:
        return too_many
    result: list[XValue] = []
    seen: set[object] = set()
    try:  # one pass with hashed keys (equal keys <=> values_equal): linear, not quadratic
        for value in values:
            key = _equality_key(value)
            if key not in seen:
                seen.add(key)
                result.append(value)
        return result
    except (RecursionError, TypeError):  # too deep to key, or unhashable: compare pairwise
        result = []
        for value in values:
            if not any(values_equal(value, kept) for kept in result):
                result.append(value)
        return result


def _equality_key(value: XValue) -> object:
    """A hashable key such that two values have equal keys exactly when values_equal says
    they are equal (same type; arrays item by item; objects by lower-cased names in order)."""
    kind = type(value)
    if kind is list:
        return (list, tuple(_equality_key(item) for item in value))
    if kind is XObject:
        names = value.names()
        default = _equality_key(value.default) if value.has_default else None
        return (
            XObject, value.has_default, default,
            tuple((name.lower(), _equality_key(value.get(name))) for name in names),
        )  # fmt: skip
    if kind is XFunction:
        return (XFunction, value.name, id(value.impl))
    return (kind, value)


@register("concat", 2)
def concat(env: Environment, items1: XValue, items2: XValue) -> XValue:
    arrays = convert_all(env, to_array, (items1, items2))
    if type(arrays) is XError:
        return arrays
    return too_many_items(len(arrays[0]) + len(arrays[1])) or arrays[0] + arrays[1]


@register("filter", 2)
def filter_(env: Environment, items: XValue, func: XValue) -> XValue:
    values = to_array(env, items)
    fn = _function_over(env, values, func)
    if type(fn) is XError:
        return fn
    result = []
    with work_scope(env) as work:
        work.left -= len(values)
        if work.left < 0:
            return too_much(env)
        for item in values:
            keep = fn.call(env, [item])
            if type(keep) is XError:
                return keep
            truth = to_bool(env, keep)
            if type(truth) is XError:
                return truth
            if truth:
                result.append(item)
    return result


@register("foreach", 2, None)
def foreach(env: Environment, items: XValue, func: XValue, *extra: XValue) -> XValue:
    values = to_array(env, items)
    fn = _function_over(env, values, func)
    if type(fn) is XError:
        return fn
    return _call_each(env, fn, values, extra)


# -- objects ------------------------------------------------------------------------------------


@register("foreach_value", 2, None)
def foreach_value(env: Environment, obj: XValue, func: XValue, *extra: XValue) -> XValue:
    source = _object_or_empty(env, obj)
    fn = _function_over(env, source, func)
    if type(fn) is XError:
        return fn
    items = source.items()
    mapped = _call_each(env, fn, [value for _, value in items], extra)
    if type(mapped) is XError:
        return mapped
    return XObject({name: value for (name, _), value in zip(items, mapped, strict=True)})


@register("keys", 1)
def keys(env: Environment, obj: XValue) -> XValue:
    source = _object_or_empty(env, obj)
    if type(source) is XError:
        return source
    return source.names()


@register("extract", 2)
def extract(env: Environment, obj: XValue, prop: XValue) -> XValue:
    source = _object_or_empty(env, obj)
    if type(source) is XError:
        return source
    name = to_text(env, prop)
    if type(name) is XError:
        return name
    return source.get(name)


@register("extract_object", 2, None)
def extract_object(env: Environment, obj: XValue, *props: XValue) -> XValue:
    source = _object_or_empty(env, obj)
    if type(source) is XError:
        return source
    result = XObject()
    for prop in props:
        name = to_text(env, prop)
        if type(name) is XError:
            return name
        result.set(name, source.get(name))
    return result


# -- JSON and utilities -------------------------------------------------------------------------


@register("json", 1)
def json_(env: Environment, value: XValue) -> XValue:
    return to_json(env, value)


def _reject_constant(name: str) -> None:
    raise ValueError(f"invalid JSON value {name}")


@register("parse_json", 1)
def parse_json(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    try:
        number = json_input.decimal
        data = json.loads(
            text, parse_float=number, parse_int=number, parse_constant=_reject_constant
        )
    except (ValueError, RecursionError, json_input.JSONInputError) as exc:
        return XError(f"unable to parse JSON: {exc}")
    try:  # (deeper values would overflow Python's recursion wherever they are used)
        data = json_input.check(data)
    except json_input.JSONInputError as exc:
        return XError(f"unable to parse JSON: {exc}")
    return from_json(data)


@register("default", 2)
def default(env: Environment, value: XValue, fallback: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError or text == "":
        return fallback
    return value


@register("is_error", 1)
def is_error(env: Environment, value: XValue) -> XValue:
    return type(value) is XError
