from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import base_namespace, go_source, make_env, x_equal  # noqa: E402
from gotable import extract_literal, to_python  # noqa: E402

from turnflow.expressions.functions import FUNCTIONS  # noqa: E402
from turnflow.expressions.values import (  # noqa: E402
    XError,
    to_bool,
    to_date,
    to_datetime,
    to_json,
    to_text,
    to_time,
)


def table(path, start, ns, after="", strip_labels=()):
    src = go_source(path)
    if after:
        src = src[src.index(after):]
    for label in strip_labels:
        src = re.sub(rf"(?m)^\s*{label}:", "", src)
    return eval(to_python(extract_literal(src, start)), ns)  # noqa: S307


def main(verbose):
    ok = total = 0

    def report(good, what):
        nonlocal ok, total
        total += 1
        ok += bool(good)
        if not good and verbose:
            print("FAIL", what)

    ns = base_namespace()
    ns.update({
        "fmt_Errorf": lambda m: XError(m), "types_NewXError": lambda e: e,
        "types_XDateTimeZero": None, "types_XTimeZero": dt.time(0), "types_XDateZero": None,
        "chi": ZoneInfo("America/Chicago"),
        "date1": dt.datetime(2017, 6, 23, 15, 30, tzinfo=dt.UTC),
        "date2": dt.datetime(2017, 7, 18, 15, 30, tzinfo=ZoneInfo("America/Chicago")),
    })
    from common import new_object
    ns["object1"] = new_object({"foo": "Hello", "bar": ns["xi"](123)})
    ns["object2"] = new_object({"foo": "World", "bar": ns["xi"](456)})
    env = make_env()
    for path, conv, after in [
        ("excellent/types/date_test.go", to_date, "func TestToXDate("),
        ("excellent/types/datetime_test.go", to_datetime, "func TestToXDateTime("),
        ("excellent/types/time_test.go", to_time, "func TestToXTime("),
    ]:
        for value, expected, has_error in table(path, "tests = ", ns, after=after):
            got = conv(env, value) if value is not None else XError("null")
            if has_error:
                report(isinstance(got, XError),
                       f"{conv.__name__}({value!r}) want error got {got!r}")
            else:
                report(x_equal(expected, got),
                       f"{conv.__name__}({value!r}) want {expected!r} got {got!r}")
    dmy = make_env(date_format="DD-MM-YYYY")
    fmt = FUNCTIONS["format"]
    for value, marshaled, rendered, formatted, as_bool in table(
        "excellent/types/base_test.go", "tests := ", ns, after="func TestXValue(",
        strip_labels=("value", "marshaled", "rendered", "formatted", "asBool"),
    ):
        if isinstance(value, XError):
            got_t = ""
        else:
            got_t = to_text(dmy, value)
        got_j = to_json(dmy, value)
        got_j = "null" if isinstance(got_j, XError) else got_j
        got_f = fmt.call(dmy, [value]) if not isinstance(value, XError) else ""
        got_b = to_bool(dmy, value)
        got_b = False if isinstance(got_b, XError) else got_b
        report(got_t == rendered, f"text({value!r}) want {rendered!r} got {got_t!r}")
        report(got_j == marshaled, f"json({value!r}) want {marshaled!r} got {got_j!r}")
        report(got_f == formatted, f"format({value!r}) want {formatted!r} got {got_f!r}")
        report(got_b == as_bool, f"bool({value!r}) want {as_bool!r} got {got_b!r}")
    # individual facts from the date/time type tests
    la = ZoneInfo("America/Los_Angeles")
    d1 = dt.datetime(2018, 4, 9, 17, 1, 30, tzinfo=la)
    fd = FUNCTIONS["format_datetime"]
    got = fd.call(dmy, [d1, "EEE, DD-MM-YYYY", "America/Los_Angeles"])
    report(got == "Mon, 09-04-2018", f"EEE english got {got!r}")
    spa = make_env(date_format="YYYY-MM-DD", allowed_languages=("spa",))
    got = fd.call(spa, [d1, "EEE, DD-MM-YYYY", "America/Los_Angeles"])
    report(got == "lun, 09-04-2018", f"EEE spanish got {got!r}")
    got = fd.call(dmy, [d1, "YYYYYY"])
    report(isinstance(got, XError), f"YYYYYY got {got!r}")
    print(f"types (conversion, rendering, formatting, truthiness): {ok}/{total} agree")


if __name__ == "__main__":
    main("-v" in sys.argv)
