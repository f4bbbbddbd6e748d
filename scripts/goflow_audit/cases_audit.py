from __future__ import annotations

import json
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from decimal import Decimal  # noqa: E402

from common import (  # noqa: E402
    base_namespace,
    contains_unrepresentable,
    go_source,
    load_table,
    make_env,
    new_object,
    x_equal,
)

from turnflow.expressions.cases import CASE_TESTS  # noqa: E402
from turnflow.expressions.values import XError, from_json  # noqa: E402


def locations():
    src = go_source("flows/routers/cases/tests_test.go")
    start = src.index("var assetsJSON = `") + len("var assetsJSON = `")
    data = json.loads(src[start:src.index("`", start)])
    from turnflow.expressions.locations import LocationHierarchy  # type: ignore
    return LocationHierarchy.from_json(data["locations"][0])


def main(verbose):
    try:
        locs = locations()
    except Exception as exc:  # noqa: BLE001
        print("no locations:", exc)
        locs = None
    dmy = make_env(date_format="DD-MM-YYYY", time_format="tt:mm:ss",
                   timezone=ZoneInfo("Africa/Kigali"), default_country="RW", locations=locs)
    ara = make_env(input_collation="arabic_variants", locations=locs)
    ns = base_namespace()
    true_result = lambda m: new_object({"__default__": True, "match": m})  # noqa: E731
    ns.update(
        dmy=dmy, ara=ara,
        xj=lambda s: from_json(json.loads(s, parse_float=Decimal)),
        result=true_result,
        resultWithExtra=lambda m, e: new_object({"__default__": True, "match": m, "extra": e}),
        falseResult=new_object({"__default__": False, "match": ""}),
        xd=lambda v: v,
    )
    rows = load_table("flows/routers/cases/tests_test.go", "var testTests =", ns)
    ok = 0
    total = 0
    for name, env, args, expected in rows:
        if contains_unrepresentable(args) or contains_unrepresentable(expected):
            continue
        total += 1
        fn = CASE_TESTS.get(name)
        actual = fn.call(env, list(args)) if fn else "NO SUCH TEST"
        if x_equal(expected, actual):
            ok += 1
        elif verbose:
            print(f"FAIL {name}{tuple(args)!r}: expected {expected!r} got {actual!r}")
    phone = CASE_TESTS["has_phone"]
    env = make_env(default_country="RW")
    for number, country, want in load_table(
        "flows/routers/cases/tests_test.go", "tests :=", ns, after="func TestHasPhone"
    ):
        total += 1
        args = ["my number is " + number] + ([country] if country else [])
        actual = phone.call(env, args)
        expected = true_result(want) if want else ns["falseResult"]
        if x_equal(expected, actual):
            ok += 1
        elif verbose:
            print(f"FAIL has_phone{tuple(args)!r}: expected {expected!r} got {actual!r}")
    has_number = CASE_TESTS["has_number"]
    for dec, grp, text, want in load_table(
        "flows/routers/cases/tests_test.go", "tests :=", ns,
        after="func TestHasNumberWithNumberFormats",
    ):
        total += 1
        env = make_env(number_decimal=dec, number_grouping=grp)
        actual = has_number.call(env, [text])
        expected = true_result(Decimal(want)) if want else ns["falseResult"]
        if x_equal(expected, actual):
            ok += 1
        elif verbose:
            print(f"FAIL has_number({text!r}) dec={dec!r} grp={grp!r}: "
                  f"expected {expected!r} got {actual!r}")
    # templates evaluated in a context (has_error(...).match)
    from turnflow.expressions import evaluate_template
    ctx = new_object({
        "int1": Decimal(1), "int2": Decimal(2), "array1": ["one", "two", "three"],
        "thing": new_object({"foo": "bar", "zed": Decimal(123), "missing": None}),
        "err": XError("an error"),
    })
    for template, want, _has_err in load_table(
        "flows/routers/cases/tests_test.go", "evalTests :=", ns, after="func TestEvaluateTemplate"
    ):
        total += 1
        res = evaluate_template(template, ctx, make_env())
        if res.text == want and not res.errors:
            ok += 1
        elif verbose:
            print(f"FAIL template {template!r}: expected {want!r} got {res.text!r} {res.errors}")
    print(f"cases: {ok}/{total} agree")


if __name__ == "__main__":
    main("-v" in sys.argv)
