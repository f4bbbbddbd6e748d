"""Shared namespace for evaluating translated goflow test tables against turnflow."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gotable import extract_literal, to_python  # noqa: E402

from turnflow.expressions import XError, XObject  # noqa: E402
from turnflow.expressions.environment import Environment  # noqa: E402

REPO = os.environ.get("GOFLOW_REPO", "/work/.mirror/nyaruka+goflow/repo")
COMMIT = "9b9f13ae41c36cbd8b34fc7577c62c84119792af"


def go_source(path: str) -> str:
    return subprocess.run(
        ["git", "-C", REPO, "show", f"{COMMIT}:{path}"], capture_output=True, text=True, check=True
    ).stdout


ERROR = XError("any error")
UNREPRESENTABLE = object()

NOW = dt.datetime(2018, 4, 11, 13, 24, 30, 123456, tzinfo=dt.UTC)


class FixedRandom:
    def float64(self):
        return 0.5

    def int_n(self, n):
        return 0


def make_env(**kw) -> Environment:
    env = Environment(**kw)
    env.now = lambda: NOW
    return env


def time_Date(y, mo, d, h, mi, s, ns, tz):  # noqa: N802
    if ns % 1000:
        return UNREPRESENTABLE
    extra_days = 0
    if h >= 24:
        extra_days, h = divmod(h, 24)
    value = dt.datetime(y, mo, d, h, mi, s, ns // 1000, tzinfo=tz)
    return value + dt.timedelta(days=extra_days)


def new_object(values: dict) -> XObject:
    values = dict(values)
    if "__default__" in values:
        default = values.pop("__default__")
        return XObject(values, default=default)
    return XObject(values)


def base_namespace() -> dict:
    utc = ZoneInfo("UTC")
    ns = {
        "xs": lambda s: s,
        "xn": lambda s: Decimal(s),
        "xi": lambda i: Decimal(int(i)),
        "xdt": lambda v: v,
        "xd": lambda v: v,
        "xt": lambda v: v,
        "xa": lambda *a: list(a),
        "xo": new_object,
        "ERROR": ERROR,
        "types_NewXErrorf": lambda msg, *a: XError(msg % a if a else msg),
        "types_NewXText": lambda s: s,
        "types_NewXObject": new_object,
        "types_NewXArray": lambda *a: list(a),
        "types_NewXNumberFromInt": lambda i: Decimal(int(i)),
        "types_NewXNumberFromInt64": lambda i: Decimal(int(i)),
        "types_RequireXNumberFromString": lambda s: Decimal(s),
        "types_NewXDateTime": lambda v: v,
        "types_NewXDate": lambda v: v,
        "types_NewXTime": lambda v: v,
        "types_XBooleanTrue": True,
        "types_XBooleanFalse": False,
        "types_NewXBoolean": bool,
        "types_XTextEmpty": "",
        "types_XObjectEmpty": XObject(),
        "errorArg": XError("I am error"),
        "types_XArrayEmpty": [],
        "types_XNumberZero": Decimal(0),
        "types_XTimeZero": dt.time(0),
        "types_XDateZero": UNREPRESENTABLE,
        "dates_ZeroDate": UNREPRESENTABLE,
        "dates_NewDate": lambda y, m, d: dt.date(y, m, d),
        "dates_NewTimeOfDay": lambda h, m, s, ns: dt.time(h, m, s, ns // 1000),
        "dates_ZeroTimeOfDay": dt.time(0),
        "time_Date": time_Date,
        "time_UTC": utc,
        "time_Local": utc,
        "int64": int,
        "int": int,
        "math_MaxInt32": 2**31 - 1,
        "math_MinInt32": -(2**31),
        "math_MaxInt64": 2**63 - 1,
        "math_MinInt64": -(2**63),
        "strings_Repeat": lambda s, n: s * n,
        "la": ZoneInfo("America/Los_Angeles"),
        "kgl": ZoneInfo("Africa/Kigali"),
    }
    return ns


def contains_unrepresentable(value) -> bool:
    if value is UNREPRESENTABLE:
        return True
    if isinstance(value, XObject):
        return any(contains_unrepresentable(v) for _, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(contains_unrepresentable(v) for v in value)
    return False


def x_equal(expected, actual) -> bool:
    if expected is ERROR:
        return isinstance(actual, XError)
    if isinstance(expected, XError):
        return isinstance(actual, XError)
    if type(expected) is not type(actual):
        return False
    if isinstance(expected, list):
        return len(expected) == len(actual) and all(
            x_equal(e, a) for e, a in zip(expected, actual, strict=True)
        )
    if isinstance(expected, XObject):
        if expected.has_default != actual.has_default:
            return False
        if expected.has_default and not x_equal(expected.default, actual.default):
            return False
        en = sorted(n.lower() for n in expected.names())
        an = sorted(n.lower() for n in actual.names())
        if en != an:
            return False
        return all(x_equal(expected.get(n), actual.get(n)) for n in en)
    if isinstance(expected, dt.datetime):
        return expected == actual  # goflow's Equals compares instants
    return expected == actual


def load_table(path: str, start: str, ns: dict, after: str = "") -> list:
    src = go_source(path)
    if after:
        src = src[src.index(after):]
    literal = extract_literal(src, start)
    code = to_python(literal)
    return eval(code, ns)  # noqa: S307  (our own translation of a test table)
