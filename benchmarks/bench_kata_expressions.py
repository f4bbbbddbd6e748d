"""Kata expression speed: typical bot conditions, mappings and ``$(...)`` templates, each
compiled once and evaluated many times (evaluations per second), plus the cost of compiling
one and of calling a JavaScript method in the QuickJS sandbox.

    .venv/bin/python benchmarks/bench_kata_expressions.py [--seconds 1]
"""

from __future__ import annotations

import argparse
from typing import Any

from timing import rate
from turnflow.kata.js import compile_expression, compile_template, compile_value
from turnflow.kata.methods import MethodRuntime, MethodSource

SCOPE: dict[str, Any] = {
    "type": "text",
    "content": "I want a large pepperoni pizza",
    "intent": "order",
    "attributes": {"size": "large", "topping": "pepperoni"},
    "context": {"type": "pepperoni", "crust": None, "count": 2, "$state": "askCrust"},
    "data": {"lang": "en", "name": "Ann", "orders": [{"n": 1}, {"n": 2}, {"n": 3}]},
    "payload": {},
    "config": {"maxRecursion": 3},
}

EXPRESSIONS = {
    "intent == 'yes'": "intent == 'order'",
    "condition with &&, !": "intent == 'order' && context.type && !context.crust",
    "type/content check": "type == 'text' && content.toLowerCase().indexOf('pizza') >= 0",
    "mapping with ||": "attributes.size || context.size || 'medium'",
    "arithmetic": "(context.count || 0) + 1",
    "array method": "data.orders.map(o => o.n).indexOf(2) > -1",
    "ternary + concat": "data.lang == 'en' ? 'Hello ' + data.name : 'Halo ' + data.name",
    "parseInt + Math": "Math.max(parseInt('42px'), context.count) * 2",
}
TEMPLATES = {
    "text template": "Hi $(data.name), your $(attributes.size) $(context.type) is coming!",
    "lone value": "$(data.orders)",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=1.0, help="time per case")
    args = parser.parse_args()
    print(f"{'case':<28} {'evaluations/s':>14}")
    for label, source in EXPRESSIONS.items():
        expr = compile_expression(source)
        print(f"{label:<28} {rate(lambda e=expr: e.evaluate(SCOPE), args.seconds, 5000):>14,.0f}")
    for label, text in TEMPLATES.items():
        template = compile_template(text)
        print(f"{label:<28} {rate(lambda t=template: t.render(SCOPE), args.seconds, 5000):>14,.0f}")
    options = compile_value({
        "type": "button",
        "items": {"title": "Hi $(data.name)", "text": "Size: $(attributes.size)",
                  "actions": [{"type": "postback", "label": "Yes",
                               "payload": {"size": "$(attributes.size)"}}]},
    })  # fmt: skip
    button = rate(lambda: options.render(SCOPE), args.seconds, 5000)
    print(f"{'button options value':<28} {button:>14,.0f}")

    sources = list(EXPRESSIONS.values())

    def compile_fresh() -> None:
        for s in sources:
            compile_expression.__wrapped__(s)  # past the cache: the real parse + compile

    per_compile = rate(compile_fresh, args.seconds, 5000) * len(sources)
    print(f"{'compile (parse + closures)':<28} {per_compile:>14,.0f}")

    runtime = MethodRuntime({
        "double": MethodSource("double", ("x",), "return x * 2;"),
        "mapping": MethodSource("mapping", ("ctx",), "ctx.data.name = ctx.attributes.size;"
                                                     " return ctx;"),
    })  # fmt: skip
    print(f"{'method call (number)':<28} "
          f"{rate(lambda: runtime.call('double', [21]), args.seconds, 5000):>14,.0f}")
    ctx = {k: SCOPE[k] for k in ("intent", "attributes", "context", "data", "content")}
    print(f"{'method call (mapping ctx)':<28} "
          f"{rate(lambda: runtime.call('mapping', [ctx]), args.seconds, 5000):>14,.0f}")
    via = compile_expression("double(context.count) + 1")
    print(f"{'expression calling method':<28} "
          f"{rate(lambda: via.evaluate(SCOPE, runtime.call), args.seconds, 5000):>14,.0f}")


if __name__ == "__main__":
    main()
