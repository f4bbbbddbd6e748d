"""gocommon's date layout tables (formatting and parsing), which goflow's format_datetime,
parse_datetime and friends use. Read from a gocommon checkout (``GOCOMMON_REPO``) at the
version goflow's go.mod names (``GOCOMMON_REF``, default v1.93.1)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import base_namespace  # noqa: E402
from gotable import extract_literal, to_python  # noqa: E402

from turnflow.expressions import dates as D  # noqa: E402
from turnflow.expressions.date_names import date_names  # noqa: E402

REPO = os.environ.get("GOCOMMON_REPO", "/work/.mirror/nyaruka+gocommon/repo")
REF = os.environ.get("GOCOMMON_REF", "v1.93.1")


def table(path: str, after: str, ns: dict) -> list:
    src = subprocess.run(["git", "-C", REPO, "show", f"{REF}:{path}"], capture_output=True,
                         text=True, check=True).stdout
    src = src[src.index(after):]
    return eval(to_python(extract_literal(src, "tests := ")), ns)  # noqa: S307


def main(verbose: bool) -> None:
    ns = base_namespace()
    mst = dt.timezone(dt.timedelta(hours=-7), "MST")
    ns.update(mst=mst, kigali=ZoneInfo("Africa/Kigali"), dates_ZeroDateTime=None,
              dates_ZeroDate=None, dates_ZeroTimeOfDay=None,
              dates_NewDate=lambda y, m, d: dt.date(y, m, d),
              dates_NewTimeOfDay=lambda h, m, s, n: dt.time(h, m, s, n // 1000))
    ns["d1"] = dt.datetime(2006, 1, 2, 15, 4, 5, 123456, mst)
    ns["d2"] = dt.datetime(1998, 4, 18, 9, 45, 30, 123456, dt.UTC)
    ns["d3"] = dt.datetime(2030, 12, 31, 23, 59, 59, 987654, dt.UTC)
    ok = total = skipped = 0
    for value, layout, locale, expected, err in table("dates/format_test.go",
                                                      "func TestFormat", ns):
        if "fffffffff" in layout:
            skipped += 1  # nanoseconds: Python times have microseconds
            continue
        total += 1
        language, _, country = locale.partition("-")
        try:
            got = D.format_layout(value, layout, D.DATETIME, date_names(language, country))
        except D.LayoutError as exc:
            got = f"ERROR {exc}"
        good = got.startswith("ERROR") if err else got == expected
        ok += good
        if not good and verbose:
            print(f"FAIL format {layout!r}: want {expected or err!r} got {got!r}")
    for layout, value, tz, expected, err in table("dates/parse_test.go",
                                                  "func TestParseDateTime", ns):
        total += 1
        got = D.parse_layout_datetime(value, layout, tz)
        good = isinstance(got, str) if err else got == expected
        ok += good
        if not good and verbose:
            print(f"FAIL parse datetime {value!r} {layout!r}: want {expected or err!r} got {got!r}")
    for layout, value, expected, err in table("dates/parse_test.go", "func TestParseTimeOfDay",
                                              ns):
        total += 1
        got = D.parse_layout_time(value, layout)
        good = isinstance(got, str) if err else got == expected
        ok += good
        if not good and verbose:
            print(f"FAIL parse time {value!r} {layout!r}: want {expected or err!r} got {got!r}")
    print(f"date layouts (gocommon format/parse): {ok}/{total} agree"
          f" ({skipped} nanosecond rows skipped)")


if __name__ == "__main__":
    main("-v" in sys.argv)
