from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import base_namespace, go_source, load_table, make_env, new_object  # noqa: E402

from turnflow.expressions import evaluate_template  # noqa: E402
from turnflow.expressions.functions import FUNCTIONS  # noqa: E402
from turnflow.expressions.values import XError  # noqa: E402


def message(res):
    return ", ".join(f"error evaluating {src}: {err.message}" for src, err in res.failures())


def main(verbose):
    env = make_env()
    ns = base_namespace()
    ns["types_NewXError"] = lambda e: e
    ns["fmt_Errorf"] = lambda m: XError(m)
    ns["functions_Lookup"] = lambda n: FUNCTIONS[n]
    ok = total = 0
    src = go_source("excellent/base_test.go")
    start = src.index("func TestEvaluateTemplate(t")
    ctx_text = src[start:]
    from gotable import extract_literal, to_python
    lit = extract_literal(ctx_text, "ctx := types.NewXObject(")
    ctx = new_object(eval("{" + to_python(lit)[1:-1].strip() + "}", ns))  # noqa: S307
    for template, expected, has_error in load_table(
        "excellent/base_test.go", "evaluateAsStringTests :=", ns
    ):
        total += 1
        res = evaluate_template(template, ctx, env)
        good = bool(res.errors) if has_error else (not res.errors and res.text == expected)
        ok += good
        if not good and verbose:
            print(f"FAIL {template!r}: want {expected!r} err={has_error} "
                  f"got {res.text!r} {res.errors}")
    ctx2 = new_object({"foo": "bar"})
    for template, expected in load_table("excellent/base_test.go", "tcs :=", ns,
                                         after="func TestEvaluationErrors"):
        total += 1
        res = evaluate_template(template, ctx2, env)
        got = message(res)
        good = got == expected and res.text == ""
        ok += good
        if not good and verbose:
            print(f"FAIL {template!r}:\n   want {expected!r}\n   got  {got!r} text={res.text!r}")
    print(f"templates (evaluation, errors): {ok}/{total} agree")


if __name__ == "__main__":
    main("-v" in sys.argv)
