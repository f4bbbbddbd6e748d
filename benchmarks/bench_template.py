"""Template evaluation speed: turnflow's compiled Excellent template against Jinja2.

Renders the same greeting with both engines, each compiled once, and prints evaluations per
second and their ratio. Goal (issue 2): turnflow at least half as fast as Jinja2. For scale:
the legacy Python RapidPro evaluator managed about 3,200 evaluations/s for this template.

    .venv/bin/python benchmarks/bench_template.py [--seconds 2]
"""

from __future__ import annotations

import argparse

import jinja2

from timing import rate
from turnflow.expressions import Environment, compile_template, from_python
from turnflow.generators import SeededRandom

TURNFLOW_TEMPLATE = "Hi @(upper(contact.name)), next year you will be @(contact.age + 1)"
JINJA_TEMPLATE = "Hi {{ contact.name|upper }}, next year you will be {{ contact.age + 1 }}"
EXPECTED = "Hi RYAN LEWIS, next year you will be 38"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0, help="time per engine")
    args = parser.parse_args()

    env = Environment(random=SeededRandom(1))
    context = from_python({"contact": {"name": "Ryan Lewis", "age": 37}})
    template = compile_template(TURNFLOW_TEMPLATE)

    def turnflow_render() -> str:
        return template.render(context, env).text

    jinja = jinja2.Environment().from_string(JINJA_TEMPLATE)
    jinja_context = {"contact": {"name": "Ryan Lewis", "age": 37}}

    def jinja_render() -> str:
        return jinja.render(jinja_context)

    assert turnflow_render() == EXPECTED, turnflow_render()
    assert jinja_render() == EXPECTED, jinja_render()

    ours = rate(turnflow_render, args.seconds, 2000)
    theirs = rate(jinja_render, args.seconds, 2000)
    print(f"turnflow: {ours:,.0f} evaluations/s")
    print(f"jinja2:   {theirs:,.0f} evaluations/s")
    print(f"ratio:    {ours / theirs:.2f} (turnflow / jinja2; goal >= 0.5)")


if __name__ == "__main__":
    main()
