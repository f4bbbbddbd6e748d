from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ERROR, base_namespace, load_table, make_env, x_equal  # noqa: E402

from turnflow.expressions import numbers as nums  # noqa: E402
from turnflow.expressions import operators as ops  # noqa: E402
from turnflow.expressions.values import XError, to_integer, to_number  # noqa: E402


class NF:
    def __init__(self, DecimalSymbol, DigitGroupingSymbol):  # noqa: N803
        self.decimal, self.grouping = DecimalSymbol, DigitGroupingSymbol


def main(verbose):
    env = make_env()
    ns = base_namespace()
    ns.update({
        "operators_Concatenate": ops.concatenate, "operators_Equal": ops.equal,
        "operators_NotEqual": ops.not_equal, "operators_Add": ops.add,
        "operators_Subtract": ops.subtract, "operators_Multiply": ops.multiply,
        "operators_Divide": ops.divide, "operators_Exponent": ops.exponent,
        "operators_LessThan": ops.less_than, "operators_LessThanOrEqual": ops.less_than_or_equal,
        "operators_GreaterThan": ops.greater_than,
        "operators_GreaterThanOrEqual": ops.greater_than_or_equal,
        "operators_Negate": ops.negate,
        "envs_DefaultNumberFormat": NF(".", ","),
        "_struct": lambda kind, **kw: NF(**kw),
        "types_NewXErrorf": lambda m, *a: XError(m),
    })
    ok = total = 0

    def report(good, what):
        nonlocal ok, total
        total += 1
        ok += bool(good)
        if not good and verbose:
            print("FAIL", what)

    for op, a, b, want in load_table("excellent/operators/builtin_test.go", "testCases :=", ns):
        got = op(env, a, b)
        report(x_equal(want, got), f"{op.__name__}({a!r}, {b!r}) want {want!r} got {got!r}")
    for op, a, want in load_table("excellent/operators/builtin_test.go", "testCases :=", ns,
                                  after="func TestUnaryOperators"):
        got = op(env, a)
        report(x_equal(want, got), f"{op.__name__}({a!r}) want {want!r} got {got!r}")
    for value, as_number, as_int, err in load_table(
        "excellent/types/number_test.go", "tests = ", ns, after="func TestToXNumberAndInteger"
    ):
        got_i = to_integer(env, value) if value is not None else XError("null")
        got_n = to_number(env, value) if value is not None else XError("null")
        if err:
            report(isinstance(got_i, XError), f"to_integer({value!r}) should fail, got {got_i!r}")
        else:
            report(got_n == as_number and got_i == as_int,
                   f"to_number({value!r}) {got_n!r} {got_i!r}")
    for inp, nf, places, group, want in load_table(
        "excellent/types/number_test.go", "fmtTests :=", ns
    ):
        e = make_env(number_decimal=nf.decimal, number_grouping=nf.grouping)
        got = nums.format_number(e, inp, places, group)
        report(got == want, f"format({inp}, {places}, {group}) want {want!r} got {got!r}")
    # range checks (goflow's CheckDecimalRange table, values as text)
    for text, bad in [("0", 0), ("1", 0), ("-1", 0), ("9" * 36, 0), ("1" * 37, 1),
                      ("-" + "1" * 37, 1),
                      ("123456789517168" + "0" * 25, 0), ("1" * 37 + "0" * 7, 1),
                      ("0." + "0" * 35 + "1", 0), ("1E100", 0), ("1E200", 1), ("1E-100", 0),
                      ("1E-200", 1)]:
        report(nums.in_range(Decimal(text)) != bool(bad), f"in_range({text})")
    # checked arithmetic
    n = Decimal
    nine36 = n("9" * 36)
    cases = [
        (ops.add(env, nine36, nine36), ERROR), (ops.subtract(env, -nine36, nine36), ERROR),
        (ops.multiply(env, nine36, n("1" + "0" * 66)), ERROR),
        (ops.exponent(env, n(2), n(400)), ERROR), (ops.exponent(env, n(10), n(101)), ERROR),
        (ops.exponent(env, n(1), n(101)), ERROR), (ops.exponent(env, n(2), n(10**9)), ERROR),
        (ops.exponent(env, n(10), n(100)), n("1" + "0" * 100)),
        (ops.exponent(env, n(2), n(8)), n(256)),
        (ops.divide(env, n("1" + "0" * 100), n("0." + "0" * 49 + "1")), ERROR),
        (ops.divide(env, n(3), n(0)), ERROR),
    ]
    for got, want in cases:
        report(x_equal(want, got), f"arith want {want!r} got {got!r}")
    print(f"numbers (operators, conversion, range, formatting): {ok}/{total} agree")


if __name__ == "__main__":
    main("-v" in sys.argv)
