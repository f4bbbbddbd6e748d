"""Number functions: abs, round, round_up, round_down, max, min, mean, mod, percent, rand,
rand_between and format_number."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from .. import numbers as nums
from ..values import XError, XValue, describe, to_bool
from .args import convert_all, integer_arg, number_arg, optional_arg
from .registry import register

if TYPE_CHECKING:
    from ..environment import Environment


def checked(number: Decimal) -> Decimal | XError:
    """A result goflow can hold, or its out of range error."""
    return number if nums.in_range(number) else XError("number value out of range")


@register("abs", 1)
def abs_(env: Environment, value: XValue) -> XValue:
    number = number_arg(env, value)
    if type(number) is XError:
        return number
    return abs(number)


def _rounded(
    env: Environment, args: tuple[XValue, ...], rounding: Callable[[Decimal, int], Decimal]
) -> XValue:
    number = number_arg(env, args[0])
    if type(number) is XError:
        return number
    places = optional_arg(env, args, 1, integer_arg, 0)
    if type(places) is XError:
        return places
    # bounded as goflow does; beyond this no representable number can change
    return checked(rounding(number, max(-1000, min(1000, places))))


@register("round", 1, 2)
def round_(env: Environment, *args: XValue) -> XValue:
    return _rounded(env, args, nums.round_half_up)


@register("round_up", 1, 2)
def round_up(env: Environment, *args: XValue) -> XValue:
    return _rounded(env, args, nums.round_up)


@register("round_down", 1, 2)
def round_down(env: Environment, *args: XValue) -> XValue:
    return _rounded(env, args, nums.round_down)


def _extreme(env: Environment, values: tuple[XValue, ...], sign: int) -> XValue:
    numbers = convert_all(env, number_arg, values)
    if type(numbers) is XError:
        return numbers
    best = numbers[0]
    for number in numbers[1:]:
        if (number > best) - (number < best) == sign:
            best = number
    return best


@register("max", 1, None)
def max_(env: Environment, *values: XValue) -> XValue:
    return _extreme(env, values, 1)


@register("min", 1, None)
def min_(env: Environment, *values: XValue) -> XValue:
    return _extreme(env, values, -1)


@register("mean", 1, None)
def mean(env: Environment, *values: XValue) -> XValue:
    numbers = convert_all(env, number_arg, values)
    if type(numbers) is XError:
        return numbers
    total = Decimal(0)
    for number in numbers:
        total = checked(nums.WIDE.add(total, number))  # goflow checks each partial sum
        if type(total) is XError:
            return total
    return checked(nums.divide(total, Decimal(len(values))))


@register("mod", 2)
def mod(env: Environment, dividend: XValue, divisor: XValue) -> XValue:
    numbers = convert_all(env, number_arg, (dividend, divisor))
    if type(numbers) is XError:
        return numbers
    a, b = numbers
    if not b:
        return XError("division by zero")
    # remainder of truncated division: takes the sign of the dividend, as in Go
    return checked(nums.WIDE.remainder(a, b))


@register("percent", 1)
def percent(env: Environment, value: XValue) -> XValue:
    number = number_arg(env, value)
    if type(number) is XError:
        return number
    whole = checked(nums.round_half_up(nums.WIDE.multiply(number, Decimal(100)), 0))
    if type(whole) is XError:
        return whole
    if not -(2**63) <= whole <= 2**63 - 1:  # goflow shows the percentage as a 64-bit integer
        return XError("percentage value is out of range")
    return f"{int(whole)}%"


@register("rand", 0)
def rand(env: Environment) -> XValue:
    return nums.from_float(env.random.float64())


@register("rand_between", 2)
def rand_between(env: Environment, low: XValue, high: XValue) -> XValue:
    numbers = convert_all(env, number_arg, (low, high))
    if type(numbers) is XError:
        return numbers
    a, b = numbers
    span = nums.WIDE.add(nums.WIDE.subtract(b, a), Decimal(1))
    # goflow scales one float in [0, 1) over the span, rather than drawing an integer
    drawn = nums.WIDE.multiply(nums.from_float(env.random.float64()), span)
    return checked(nums.floor(nums.WIDE.add(drawn, a)))


@register("format_number", 1, 3)
def format_number(env: Environment, *args: XValue) -> XValue:
    number = number_arg(env, args[0])
    if type(number) is XError:
        return number
    places = optional_arg(env, args, 1, integer_arg, -1)
    if type(places) is XError:
        return places
    if len(args) > 1 and not 0 <= places <= 9:
        return XError(f"must take 0-9 number of places, got {describe(args[1])}")
    group = optional_arg(env, args, 2, to_bool, True)
    if type(group) is XError:
        return group
    return nums.format_number(env, number, places, group)
