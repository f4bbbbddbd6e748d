"""Argument conversions shared by the functions and the case tests.

Each helper returns the converted value or an XError. An error argument comes back as the
very same XError object, so XFunction.call passes it on without wrapping it again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from ..values import XError, XValue, to_date, to_datetime, to_integer, to_number, to_time

if TYPE_CHECKING:
    from ..environment import Environment

T = TypeVar("T")
Converter = Callable[["Environment", XValue], "T | XError"]

_NULL_NUMBER = "unable to convert null to a number"

# goflow refuses to build an array (array(), split(), concat()) with more items than this
MAX_ARRAY_ITEMS = 10_000


def too_many_items(count: int) -> XError | None:
    """The error for an array of ``count`` items that goflow would refuse, else None."""
    if count > MAX_ARRAY_ITEMS:
        return XError(f"cannot build an array with more than {MAX_ARRAY_ITEMS} items")
    return None

# goflow's ToXDate / ToXDateTime / ToXTime (dates become midnight in the env's time zone)
date_arg = to_date
datetime_arg = to_datetime
time_arg = to_time


def number_arg(env: Environment, value: XValue) -> Decimal | XError:
    """goflow's ToXNumber: like to_number, but null is an error rather than zero."""
    if value is None:
        return XError(_NULL_NUMBER)
    return to_number(env, value)


def integer_arg(env: Environment, value: XValue) -> int | XError:
    """goflow's ToInteger: like to_integer, but null is an error rather than zero."""
    if value is None:
        return XError(_NULL_NUMBER)
    return to_integer(env, value)


def convert_all(
    env: Environment, convert: Converter[T], values: Sequence[XValue]
) -> list[T] | XError:
    """Every value converted, or the first error (later values are not converted)."""
    converted = []
    for value in values:
        result = convert(env, value)
        if type(result) is XError:
            return result
        converted.append(result)
    return converted


def optional_arg(
    env: Environment, args: Sequence[XValue], index: int, convert: Converter[T], default: T
) -> T | XError:
    """``args[index]`` converted, or ``default`` when fewer arguments were given."""
    if len(args) > index:
        return convert(env, args[index])
    return default


def unless_null(env: Environment, value: XValue, convert: Converter[T], default: T) -> T | XError:
    """``value`` converted, or ``default`` when it is null (an omitted optional argument)."""
    if value is None:
        return default
    return convert(env, value)
