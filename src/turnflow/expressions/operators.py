"""Excellent's 13 operators. Each takes evaluated operands and returns a value or an XError."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, Overflow
from typing import TYPE_CHECKING

from .numbers import in_range
from .values import XError, XValue, to_number, to_text

if TYPE_CHECKING:
    from .environment import Environment

_ZERO = Decimal(0)
_DIVISION_PLACES = Decimal("1e-16")  # goflow divides to 16 decimal places
# no traps: a result too large for even this context (numbers read by parse_json may have any
# exponent, as goflow's) comes back as Infinity or NaN, which _checked turns into goflow's error
_WIDE = Context(prec=200, Emax=999_999, Emin=-999_999, traps=[])
# goflow refuses an exponent larger than the largest magnitude a number may have (1E100),
# before computing anything: 10 ^ 100 is allowed, 2 ^ 101 and even 1 ^ 101 are not
_MAX_EXPONENT = Decimal(100)
_OUT_OF_RANGE = "number value out of range"


def _numbers(env: Environment, left: XValue, right: XValue) -> tuple[Decimal, Decimal] | XError:
    a = left if type(left) is Decimal else to_number(env, left)
    if type(a) is XError:
        return a
    b = right if type(right) is Decimal else to_number(env, right)
    if type(b) is XError:
        return b
    return a, b


def _checked(result: Decimal) -> Decimal | XError:
    """A result goflow can hold (36 significant digits, magnitude within 1E+-100) or its error:
    the sum of two 36-digit numbers is out of range, as in goflow."""
    if not in_range(result):
        return XError(_OUT_OF_RANGE)
    return result


def add(env: Environment, left: XValue, right: XValue) -> XValue:
    if type(left) is Decimal and type(right) is Decimal:
        return _checked(_WIDE.add(left, right))
    nums = _numbers(env, left, right)
    if type(nums) is XError:
        return nums
    return _checked(_WIDE.add(*nums))


def subtract(env: Environment, left: XValue, right: XValue) -> XValue:
    nums = _numbers(env, left, right)
    if type(nums) is XError:
        return nums
    return _checked(_WIDE.subtract(*nums))


def multiply(env: Environment, left: XValue, right: XValue) -> XValue:
    nums = _numbers(env, left, right)
    if type(nums) is XError:
        return nums
    return _checked(_WIDE.multiply(*nums))


def divide(env: Environment, left: XValue, right: XValue) -> XValue:
    nums = _numbers(env, left, right)
    if type(nums) is XError:
        return nums
    a, b = nums
    if b == _ZERO:
        return XError("division by zero")
    quotient = _WIDE.divide(a, b)
    if quotient.is_finite() and quotient.as_tuple().exponent < -16:  # type: ignore[operator]
        quotient = quotient.quantize(_DIVISION_PLACES, rounding=ROUND_HALF_UP, context=_WIDE)
    return _checked(quotient)


def exponent(env: Environment, left: XValue, right: XValue) -> XValue:
    nums = _numbers(env, left, right)
    if type(nums) is XError:
        return nums
    base, power = nums
    if abs(power) > _MAX_EXPONENT:
        return XError(_OUT_OF_RANGE)
    try:
        if power == power.to_integral_value():
            if base == _ZERO and power < 0:
                return XError("division by zero")
            result = _WIDE.power(base, abs(int(power)))
            if power < 0:  # shopspring: 1 / base^n, rounded to 16 decimal places
                result = _WIDE.divide(Decimal(1), result).quantize(
                    _DIVISION_PLACES, rounding=ROUND_HALF_UP, context=_WIDE
                )
        else:
            result = Decimal(repr(math.pow(float(base), float(power))))
    except (InvalidOperation, Overflow, ValueError, OverflowError):
        return XError(_OUT_OF_RANGE)
    return _checked(result.normalize(_WIDE) if result == result.to_integral_value() else result)


def negate(env: Environment, operand: XValue) -> XValue:
    number = operand if type(operand) is Decimal else to_number(env, operand)
    if type(number) is XError:
        return number
    return -number


def concatenate(env: Environment, left: XValue, right: XValue) -> XValue:
    a = left if type(left) is str else to_text(env, left)
    if type(a) is XError:
        return a
    b = right if type(right) is str else to_text(env, right)
    if type(b) is XError:
        return b
    return a + b


def equal(env: Environment, left: XValue, right: XValue) -> XValue:
    a = to_text(env, left)
    if type(a) is XError:
        return a
    b = to_text(env, right)
    if type(b) is XError:
        return b
    return a == b


def not_equal(env: Environment, left: XValue, right: XValue) -> XValue:
    result = equal(env, left, right)
    return result if type(result) is XError else not result


def _comparison(env: Environment, left: XValue, right: XValue) -> int | XError:
    nums = _numbers(env, left, right)
    if type(nums) is XError:
        return nums
    a, b = nums
    return (a > b) - (a < b)


def less_than(env: Environment, left: XValue, right: XValue) -> XValue:
    c = _comparison(env, left, right)
    return c if type(c) is XError else c < 0


def less_than_or_equal(env: Environment, left: XValue, right: XValue) -> XValue:
    c = _comparison(env, left, right)
    return c if type(c) is XError else c <= 0


def greater_than(env: Environment, left: XValue, right: XValue) -> XValue:
    c = _comparison(env, left, right)
    return c if type(c) is XError else c > 0


def greater_than_or_equal(env: Environment, left: XValue, right: XValue) -> XValue:
    c = _comparison(env, left, right)
    return c if type(c) is XError else c >= 0


BINARY = {
    "+": add,
    "-": subtract,
    "*": multiply,
    "/": divide,
    "^": exponent,
    "&": concatenate,
    "=": equal,
    "!=": not_equal,
    "<": less_than,
    "<=": less_than_or_equal,
    ">": greater_than,
    ">=": greater_than_or_equal,
}
