"""Type conversion functions: text, boolean, number, date, datetime and time."""

from __future__ import annotations

from ..values import to_bool, to_text
from .args import date_arg, datetime_arg, number_arg, time_arg
from .registry import register

# each function is the conversion itself, applied to its one argument
for _name, _convert in (
    ("text", to_text),
    ("boolean", to_bool),
    ("number", number_arg),
    ("date", date_arg),
    ("datetime", datetime_arg),
    ("time", time_arg),
):
    register(_name, 1)(_convert)
