from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import base_namespace, load_table, make_env  # noqa: E402

from turnflow.expressions import dates as D  # noqa: E402

FORMATS = {"envs_DateFormatDayMonthYear": "DD-MM-YYYY", "envs_DateFormatMonthDayYear": "MM-DD-YYYY",
           "envs_DateFormatYearMonthDay": "YYYY-MM-DD", "envs_TimeFormatHourMinute": "tt:mm"}


def parse_expected(text):
    m = re.fullmatch(
        r"(\d\d)-(\d\d)-(\d{4}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? ([-+]\d{4}) \w+", text
    )
    d, mo, y, h, mi, s, frac, off = m.groups()
    micro = int((frac or "0")[:6].ljust(6, "0"))
    sign = 1 if off[0] == "+" else -1
    tz = dt.timezone(sign * dt.timedelta(hours=int(off[1:3]), minutes=int(off[3:])))
    return dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tz)


def main(verbose):
    ns = base_namespace()
    ns.update(FORMATS)
    ok = total = 0
    now = dt.datetime(2018, 9, 13, 13, 36, 30, 123456, tzinfo=dt.UTC)
    for dfmt, tfmt, tz, fill, value, expected, err in load_table(
        "envs/dates_test.go", "testCases :=", ns, after="func TestDateTimeFromString"
    ):
        total += 1
        env = make_env(date_format=dfmt, time_format=tfmt, timezone=ZoneInfo(tz))
        env.now = lambda: now
        got = D.parse_datetime_text(env, value, fill)
        good = got is None if err else (got is not None and got == parse_expected(expected))
        ok += good
        if not good and verbose:
            print(f"FAIL datetime {value!r} {dfmt} fill={fill}: "
                  f"expected {expected!r} err={err} got {got!r}")
    for dfmt, value, expected, err in load_table(
        "envs/dates_test.go", "testCases :=", ns, after="func TestDateFromString"
    ):
        total += 1
        env = make_env(date_format=dfmt)
        got = D.parse_date_text(env, value)
        good = got is None if err else got == expected
        ok += good
        if not good and verbose:
            print(f"FAIL date {value!r} {dfmt}: expected {expected!r} err={err} got {got!r}")
    for value, expected, err in load_table(
        "envs/dates_test.go", "testCases :=", ns, after="func TestTimeFromString"
    ):
        total += 1
        got = D.parse_time_text(None, value)
        if not err and isinstance(expected, dt.time):
            good = got == expected
        elif not err:
            good = got is not None
        else:
            good = got is None
        ok += good
        if not good and verbose:
            print(f"FAIL time {value!r}: expected {expected!r} err={err} got {got!r}")
    print(f"dates (envs): {ok}/{total} agree")


if __name__ == "__main__":
    main("-v" in sys.argv)
