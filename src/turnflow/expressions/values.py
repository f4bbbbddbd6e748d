"""The values of the Excellent language and the conversions between them.

Excellent has nine types. turnflow represents them with plain Python values where it can,
because most of the cost of a template is moving values around:

=========  =================================================
Excellent  Python
=========  =================================================
text       ``str``
number     ``decimal.Decimal`` (never ``int`` or ``float``)
boolean    ``bool``
date       ``datetime.date``
datetime   ``datetime.datetime`` (always timezone aware)
time       ``datetime.time``
array      ``list``
object     :class:`XObject`
function   :class:`XFunction`
=========  =================================================

``None`` is null. An evaluation error is a value too: :class:`XError`. Errors flow through
expressions like any other value until something (``is_error``, ``default``, the template
renderer) looks at them; they are never raised as Python exceptions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from decimal import Decimal, DecimalException
from typing import TYPE_CHECKING, Any

from .dates import parse_date_text, parse_datetime_text, parse_time_text
from .numbers import parse_decimal

if TYPE_CHECKING:
    from .environment import Environment

XValue = Any  # one of the Python types in the table above, an XObject, XFunction, XError or None

ZERO = Decimal(0)


class XError:
    """An evaluation error carried as a value."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __repr__(self) -> str:
        return f"XError({self.message!r})"

    def __str__(self) -> str:
        return self.message

    def __eq__(self, other: object) -> bool:
        return isinstance(other, XError) and other.message == self.message

    def __hash__(self) -> int:
        return hash(self.message)


class Lazy:
    """A property value computed on first access (contexts are built lazily).

    A lazy value with a ``deprecated`` message is a deprecated property: a template path
    that reads it (``@contact.id``) reports the message to the object's deprecation hook
    (see :meth:`XObject.with_deprecation_hook`), while rendering the object, ``json()`` and
    functions read it silently. It keeps its wrapper so that every path read reports;
    its value is computed once.
    """

    __slots__ = ("compute", "deprecated", "_value")

    def __init__(self, compute: Callable[[], XValue], deprecated: str | None = None) -> None:
        self.compute = compute
        self.deprecated = deprecated
        self._value: XValue = _NOT_COMPUTED

    def value(self) -> XValue:
        """The computed value (memoised)."""
        value = self._value
        if value is _NOT_COMPUTED:
            value = self._value = self.compute()
        return value


_NOT_COMPUTED: Any = object()


def deprecated(value: XValue, message: str) -> Lazy:
    """A deprecated property value (``value`` may itself be :class:`Lazy`): reading it
    through a template path reports ``message``."""
    if type(value) is Lazy:
        return Lazy(value.value, message)
    return Lazy(lambda: value, message)


_NO_DEFAULT = object()


class _Missing:
    """Marker for "no such property" (distinct from a property whose value is null)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()


class XObject:
    """An object: named properties (looked up case-insensitively) and an optional default.

    The default is what the object shows as when it is used as text or a number, e.g.
    ``@contact`` renders as the contact's name. Property values may be :class:`Lazy`, in
    which case they are computed the first time they are read.
    """

    __slots__ = ("_values", "_names", "_default", "json_default", "on_deprecated")

    def __init__(
        self,
        values: Mapping[str, XValue] | None = None,
        default: XValue = _NO_DEFAULT,
        json_default: bool = False,
        on_deprecated: Callable[[str], None] | None = None,
    ) -> None:
        # names as given, by lower-cased key; None while every name is its own key (the usual
        # case, and the cheap one to build: contexts make many small objects)
        self._names: dict[str, str] | None = None
        if values:
            lowered = {name.lower(): value for name, value in values.items()}
            if lowered.keys() != values.keys():
                lowered, self._names = {}, {}
                for name, value in values.items():
                    key = name.lower()
                    lowered[key] = value
                    self._names[key] = name
            self._values: dict[str, XValue] = lowered
        else:
            self._values = {}
        self._default = default
        # some objects (goflow's @webhook) are their default when written as JSON
        self.json_default = json_default
        # told the message of a deprecated property (see Lazy) a template path reads
        self.on_deprecated = on_deprecated

    @classmethod
    def of_lowercase(
        cls,
        values: dict[str, XValue],
        default: XValue = _NO_DEFAULT,
        on_deprecated: Callable[[str], None] | None = None,
    ) -> XObject:
        """An object that takes ``values`` as its properties, as they are: the caller's keys
        are already lower case (contexts built many times per second skip the check)."""
        obj = cls.__new__(cls)
        obj._values = values
        obj._names = None
        obj._default = default
        obj.json_default = False
        obj.on_deprecated = on_deprecated
        return obj

    def with_deprecation_hook(self, on_deprecated: Callable[[str], None] | None) -> XObject:
        """This object with another deprecation hook (e.g. one per template evaluation).
        The copy shares the properties, so values computed through either are computed once."""
        view = XObject.__new__(XObject)
        view._values = self._values
        view._names = self._names
        view._default = self._default
        view.json_default = self.json_default
        view.on_deprecated = on_deprecated
        return view

    def with_property(self, name: str, value: XValue) -> XObject:
        """A copy of this object (same hook) with one property set to ``value``; the other
        properties are shared as they are, computed or not."""
        copy = self.with_deprecation_hook(self.on_deprecated)
        copy._values = dict(self._values)
        copy._values[name.lower()] = value
        return copy

    def deprecate(self, name: str, message: str) -> None:
        """Mark an existing property deprecated (see :func:`deprecated`)."""
        key = name.lower()
        if key in self._values:
            self._values[key] = deprecated(self._values[key], message)

    # -- properties -------------------------------------------------------------------------

    def get(self, name: str, missing: XValue = None) -> XValue:
        """The value of a property (case-insensitive), or ``missing`` if there is none."""
        key = name.lower()
        try:
            value = self._values[key]
        except KeyError:
            return missing
        if type(value) is Lazy:
            if value.deprecated is not None:
                return value.value()
            value = value.compute()
            self._values[key] = value
        return value

    def lookup(self, key: str) -> XValue:
        """Fast path for callers that already lower-cased the name: the value or MISSING.
        This is how template paths read properties, so deprecated ones report here."""
        value = self._values.get(key, MISSING)
        if type(value) is Lazy:
            if value.deprecated is not None:
                if self.on_deprecated is not None:
                    self.on_deprecated(value.deprecated)
                return value.value()
            value = value.compute()
            self._values[key] = value
        return value

    def has(self, name: str) -> bool:
        return name.lower() in self._values

    def set(self, name: str, value: XValue) -> None:
        key = name.lower()
        names = self._names
        if names is None and key != name:
            names = self._names = {k: k for k in self._values}
        self._values[key] = value
        if names is not None:
            names[key] = name

    def names(self) -> list[str]:
        """Property names with their original case, sorted as Excellent lists them."""
        return sorted(self._names.values() if self._names is not None else self._values)

    def items(self) -> list[tuple[str, XValue]]:
        return [(name, self.get(name)) for name in self.names()]

    def __len__(self) -> int:
        return len(self._values)

    # -- default ----------------------------------------------------------------------------

    @property
    def has_default(self) -> bool:
        return self._default is not _NO_DEFAULT

    @property
    def default(self) -> XValue:
        value = self._default
        if value is _NO_DEFAULT:
            return None
        if type(value) is Lazy:
            value = value.compute()
            self._default = value
        return value

    def __repr__(self) -> str:
        return f"XObject({dict(self.items())!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, XObject):
            return NotImplemented
        return self.items() == other.items() and self.default == other.default

    __hash__ = None  # type: ignore[assignment]


class XFunction:
    """A callable: a built-in function, a router case test, or an anonymous ``(x) => ...``.

    ``impl(env, *args)`` returns a value (an :class:`XError` on failure). Arity is checked by
    :meth:`call`; ``max_args`` of ``None`` means variadic.
    """

    __slots__ = ("name", "impl", "min_args", "max_args")

    def __init__(
        self,
        name: str,
        impl: Callable[..., XValue],
        min_args: int = 0,
        max_args: int | None = None,
    ) -> None:
        self.name = name
        self.impl = impl
        self.min_args = min_args
        self.max_args = max_args

    def call(self, env: Environment, args: list[XValue]) -> XValue:
        count = len(args)
        if count < self.min_args or (self.max_args is not None and count > self.max_args):
            return XError(self._arity_message(count))
        try:
            result = self.impl(env, *args)
        except RecursionError:
            raise
        except DecimalException:
            # a number beyond what even the wide contexts hold (parse_json reads any exponent)
            result = XError("number value out of range")
        except (ArithmeticError, ValueError, OverflowError) as exc:
            # a bug-shaped failure inside a function must never escape as a Python exception
            result = XError(str(exc) or type(exc).__name__)
        if type(result) is XError and self.name:
            # as goflow: every error a function returns is wrapped with its name, an error
            # argument passed on included (if(true, err, 1) -> "error calling if(...): ...")
            return XError(f"error calling {self.name}(...): {result.message}")
        return result

    def _arity_message(self, count: int) -> str:
        # goflow's wording, wrapped with the function's name like any error it returns
        if self.max_args == self.min_args:
            message = f"need {self.min_args} argument(s), got {count}"
        elif self.max_args is None:
            message = f"need at least {self.min_args} argument(s), got {count}"
        else:
            message = f"need {self.min_args} to {self.max_args} argument(s), got {count}"
        return f"error calling {self.name}(...): {message}" if self.name else message

    def __repr__(self) -> str:
        return f"XFunction({self.name!r})"


# -- type names and descriptions --------------------------------------------------------------


def type_name(value: XValue) -> str:
    """The Excellent name of a value's type (``null`` for None)."""
    if value is None:
        return "null"
    t = type(value)
    if t is str:
        return "text"
    if t is Decimal:
        return "number"
    if t is bool:
        return "boolean"
    if t is dt.datetime:
        return "datetime"
    if t is dt.date:
        return "date"
    if t is dt.time:
        return "time"
    if t is list:
        return "array"
    if t is XObject:
        return "object"
    if t is XFunction:
        return "function"
    if t is XError:
        return "error"
    return t.__name__


def describe(value: XValue) -> str:
    """How a value is shown inside an error message: text is quoted, the rest as text."""
    if type(value) is str:
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if type(value) is XError:
        return value.message
    if type(value) is XObject:
        return "object"
    if type(value) is list:
        return "array"
    return render_text(value)


# -- rendering as text ------------------------------------------------------------------------


def number_text(number: Decimal) -> str:
    """A number as Excellent shows it: no exponent, no trailing zeros (``1.50`` -> ``1.5``)."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        return "0"
    return text


def _utc_offset_text(value: dt.datetime) -> str:
    offset = value.utcoffset()
    if not offset:
        return "Z"
    seconds = int(offset.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    seconds = abs(seconds)
    return f"{sign}{seconds // 3600:02d}:{(seconds % 3600) // 60:02d}"


def datetime_text(value: dt.datetime) -> str:
    """ISO 8601 with microseconds, ``Z`` for a zero offset: ``2018-04-11T13:24:30.123456-05:00``."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f") + _utc_offset_text(value)


def date_text(value: dt.date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def time_text(value: dt.time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"


def render_text(value: XValue) -> str:
    """A non-error value as text. Errors must be handled by the caller (see :func:`to_text`)."""
    t = type(value)
    if t is str:
        return value
    if value is None:
        return ""
    if t is Decimal:
        return number_text(value)
    if t is bool:
        return "true" if value else "false"
    if t is XObject:
        default = value._default
        if default is not _NO_DEFAULT:  # (has_default and default, without the two properties)
            return render_text(value.default if type(default) is Lazy else default)
        return "{" + ", ".join(f"{name}: {render_text(item)}" for name, item in value.items()) + "}"
    if t is list:
        return "[" + ", ".join(render_text(item) for item in value) + "]"
    if t is dt.datetime:
        return datetime_text(value)
    if t is dt.date:
        return date_text(value)
    if t is dt.time:
        return time_text(value)
    if t is XFunction:
        return value.name or "function"
    if t is XError:
        return value.message
    return str(value)


# -- conversions (each returns the converted value or an XError) ------------------------------


def to_text(env: Environment, value: XValue) -> str | XError:
    if type(value) is str:
        return value
    if type(value) is XError:
        return value
    return render_text(value)


def to_bool(env: Environment, value: XValue) -> bool | XError:
    """Truthiness: null, "", "false" (any case), 0 and empty arrays or objects are false."""
    t = type(value)
    if t is bool:
        return value
    if value is None:
        return False
    if t is str:
        return value != "" and value.lower() != "false"
    if t is Decimal:
        return value != ZERO
    if t is XError:
        return value
    if t is list:
        return len(value) > 0
    if t is XObject:
        if value.has_default:
            return to_bool(env, value.default)
        return len(value) > 0
    if t is dt.time:
        return value != _MIDNIGHT  # goflow's zero time of day is false
    return True


_MIDNIGHT = dt.time(0)


def to_number(env: Environment, value: XValue) -> Decimal | XError:
    t = type(value)
    if t is Decimal:
        return value
    if t is str:
        parsed = parse_decimal(env, value)
        if parsed is not None:
            return parsed
    elif t is XError:
        return value
    elif t is XObject and value.has_default:
        return to_number(env, value.default)
    return XError(f"unable to convert {describe(value)} to a number")


def to_integer(env: Environment, value: XValue) -> int | XError:
    number = to_number(env, value)
    if type(number) is XError:
        return number
    if not number.is_finite():
        return XError(f"number value {describe(value)} is out of range for an integer")
    if number.adjusted() > 18:  # (int() of 1e1000000 would take seconds)
        return XError(f"number value {number_text(number)} is out of range for an integer")
    whole = int(number)
    if not -(2**31) <= whole < 2**31:
        return XError(f"number value {number_text(number)} is out of range for an integer")
    return whole


def to_datetime(env: Environment, value: XValue) -> dt.datetime | XError:
    t = type(value)
    if t is dt.datetime:
        return value
    if t is XError:
        return value
    if t is dt.date:
        return dt.datetime(value.year, value.month, value.day, tzinfo=env.timezone)
    if t is str:
        parsed = parse_datetime_text(env, value)
        if parsed is not None:
            return parsed
    elif t is XObject and value.has_default:
        return to_datetime(env, value.default)
    return XError(f"unable to convert {describe(value)} to a datetime")


def to_date(env: Environment, value: XValue) -> dt.date | XError:
    """goflow's ToXDate: a datetime is taken in the environment's time zone, text is searched
    for a date in the environment's date format."""
    t = type(value)
    if t is dt.date:
        return value
    if t is dt.datetime:
        return value.astimezone(env.timezone).date()
    if t is XError:
        return value
    if t is str:
        parsed = parse_date_text(env, value)
        if parsed is not None:
            return parsed
    elif t is XObject and value.has_default:
        return to_date(env, value.default)
    return XError(f"unable to convert {describe(value)} to a date")


def to_time(env: Environment, value: XValue) -> dt.time | XError:
    """goflow's ToXTime: a number is a whole hour (its integer part, 24 being midnight)."""
    t = type(value)
    if t is dt.time:
        return value
    if t is dt.datetime:
        return value.timetz().replace(tzinfo=None)
    if t is XError:
        return value
    if t is Decimal:
        if value.is_finite():
            hour = int(value)
            if 0 <= hour <= 24:
                return dt.time(hour % 24)
    elif t is str:
        parsed = parse_time_text(env, value)
        if parsed is not None:
            return parsed
    elif t is XObject and value.has_default:
        return to_time(env, value.default)
    return XError(f"unable to convert {describe(value)} to a time")


def to_array(env: Environment, value: XValue) -> list | XError:
    if type(value) is list:
        return value
    if type(value) is XError:
        return value
    return XError(f"{describe(value)} isn't an array")


def to_object(env: Environment, value: XValue) -> XObject | XError:
    if type(value) is XObject:
        return value
    if type(value) is XError:
        return value
    return XError(f"{describe(value)} isn't an object")


# -- JSON -------------------------------------------------------------------------------------


def to_json(env: Environment, value: XValue) -> str | XError:
    """Excellent's JSON form of a value (compact, sorted object keys, no HTML escaping)."""
    try:
        return _json(value)
    except _JSONError as exc:
        return exc.error


class _JSONError(Exception):
    def __init__(self, error: XError) -> None:
        self.error = error


def _json(value: XValue) -> str:
    t = type(value)
    if value is None:
        return "null"
    if t is str:
        return json.dumps(value, ensure_ascii=False)
    if t is Decimal:
        return number_text(value)
    if t is bool:
        return "true" if value else "false"
    if t is list:
        if all(type(item) is str for item in value):  # (one C call: arrays of words are big)
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return "[" + ",".join(_json(item) for item in value) + "]"
    if t is XObject:
        if value.json_default:
            return _json(value.default)
        return "{" + ",".join(
            f"{json.dumps(k, ensure_ascii=False)}:{_json(v)}" for k, v in value.items()
        ) + "}"
    if t is dt.datetime:
        return '"' + datetime_text(value) + '"'
    if t is dt.date:
        return '"' + date_text(value) + '"'
    if t is dt.time:
        return '"' + time_text(value) + '"'
    if t is XFunction:
        return "null"
    if t is XError:
        raise _JSONError(value)
    return json.dumps(str(value))


def from_json(data: Any) -> XValue:
    """A value parsed by :func:`json.loads` (with ``parse_float=Decimal``) as an Excellent value."""
    if isinstance(data, str) or data is None:
        return data
    if isinstance(data, bool):
        return data
    if isinstance(data, (int, float)):
        return Decimal(str(data))
    if isinstance(data, Decimal):
        return data
    if isinstance(data, list):
        return [from_json(item) for item in data]
    if isinstance(data, dict):
        return XObject({k: from_json(v) for k, v in data.items()})
    return str(data)


def from_python(data: Any) -> XValue:
    """Convenience for callers building contexts: ints and floats become Decimals, dicts objects."""
    kind = type(data)  # the usual plain types first, by exact type (as the checks below)
    if kind is str or data is None or kind is bool:
        return data
    if kind is dict:
        return XObject({str(k): from_python(v) for k, v in data.items()}) if data else XObject()
    if isinstance(data, XObject | XFunction | XError | Lazy):
        return data
    if isinstance(data, Mapping):
        return XObject({str(k): from_python(v) for k, v in data.items()})
    if isinstance(data, (list, tuple)):
        return [from_python(item) for item in data]
    if isinstance(data, bool) or data is None or isinstance(data, str):
        return data
    if isinstance(data, (int, float)):
        return Decimal(str(data))
    return data


def is_error(value: XValue) -> bool:
    return type(value) is XError

