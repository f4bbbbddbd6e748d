from __future__ import annotations

import sys
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    ERROR,
    FixedRandom,
    base_namespace,
    contains_unrepresentable,
    load_table,
    make_env,
    x_equal,
)

from turnflow.expressions.functions import FUNCTIONS  # noqa: E402
from turnflow.expressions.values import XError  # noqa: E402
from turnflow.generators import SeededRandom  # noqa: E402

PROMPTS = {"categorize": "Categorize the following text into one of the following: {{ .arg1 }}"}


def main(verbose: bool) -> None:
    # goflow's test seeds its random generator with 123456 (turnflow's SeededRandom is Go's)
    dmy = make_env(date_format="DD-MM-YYYY", llm_prompts=PROMPTS, random=SeededRandom(123456))
    mdy = make_env(
        date_format="MM-DD-YYYY", time_format="h:mm aa",
        timezone=ZoneInfo("America/Los_Angeles"), random=FixedRandom(),
    )
    ns = base_namespace()
    ns.update(dmy=dmy, mdy=mdy, xf=lambda name: FUNCTIONS[name])
    ns["xitems"] = lambda n: ["x"] * n
    rows = load_table("excellent/functions/builtin_test.go", "var funcTests =", ns)
    ok = skipped = 0
    by_fn: dict[str, list[int]] = {}
    for name, env, args, expected in rows:
        if contains_unrepresentable(args) or contains_unrepresentable(expected):
            skipped += 1
            continue
        fn = FUNCTIONS.get(name)
        if fn is None:
            actual = "NO SUCH FUNCTION"
        else:
            try:
                actual = fn.call(env, list(args))
            except Exception as exc:  # noqa: BLE001
                actual = f"CRASH {exc!r}"
        good = x_equal(expected, actual)
        stat = by_fn.setdefault(name, [0, 0])
        stat[1] += 1
        if good:
            ok += 1
            stat[0] += 1
        elif verbose:
            shown = [a if not (isinstance(a, (list, str)) and len(a) > 50) else f"<{len(a)} long>"
                     for a in args] if len(args) < 10 else [f"<{len(args)} args>"]
            long = isinstance(expected, (list, str)) and len(expected) > 50
            exp = "<long>" if long else expected
            act = actual if not (isinstance(actual, (list, str)) and len(actual) > 50) else "<long>"
            print(f"FAIL {name}{tuple(shown)!r}: expected {exp!r} got {act!r}")
    total = len(rows) - skipped
    print(f"functions: {ok}/{total} agree ({skipped} rows not representable skipped)")
    _ = ERROR, XError


if __name__ == "__main__":
    main("-v" in sys.argv)
