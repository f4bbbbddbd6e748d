"""Type conversion functions: text, boolean, number, date, datetime and time."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..values import XError, XValue, to_bool, to_date, to_datetime, to_text, to_time
from .numbers import number_arg
from .registry import register

if TYPE_CHECKING:
    from ..environment import Environment


# goflow's ToXDate / ToXTime live in values.py; these names are kept for the callers here
date_arg = to_date
time_arg = to_time


def datetime_arg(env: Environment, value: XValue) -> dt.datetime | XError:
    """goflow's ToXDateTime (dates become midnight in the environment's time zone)."""
    return to_datetime(env, value)


@register("text", 1)
def text(env: Environment, value: XValue) -> XValue:
    return to_text(env, value)


@register("boolean", 1)
def boolean(env: Environment, value: XValue) -> XValue:
    return to_bool(env, value)


@register("number", 1)
def number(env: Environment, value: XValue) -> XValue:
    return number_arg(env, value)


@register("date", 1)
def date(env: Environment, value: XValue) -> XValue:
    return date_arg(env, value)


@register("datetime", 1)
def datetime(env: Environment, value: XValue) -> XValue:
    return datetime_arg(env, value)


@register("time", 1)
def time(env: Environment, value: XValue) -> XValue:
    return time_arg(env, value)
