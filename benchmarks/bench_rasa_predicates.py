"""Condition speed: turnflow's compiled Rasa conditions against Rasa's own pypred.

Rasa builds a new ``Predicate(text)`` (a parse with PLY's tables regenerated) every time it
evaluates a condition; turnflow parses each text once and caches it. Printed per condition:

* evaluate: an already compiled condition, evaluated;
* per use: what a flow step costs each time (Rasa: Jinja render + construct + evaluate;
  turnflow: render (skipped without tags) + cache look-up + evaluate);
* cold compile: turnflow parsing a text it has not seen (cache emptied) + evaluating.

Rasa's figures come from the rasa-pro venv when it is there (run in a subprocess, it is never a
dependency); otherwise research §10's figures are printed: 3.1 ms per construct + evaluate,
2 µs per evaluate of a parsed predicate.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_rasa_predicates.py [--seconds 1]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from turnflow.rasa import predicates
from turnflow.rasa.predicates import compile_condition, compile_predicate

ORACLE_PYTHON = Path.home() / ".cache/turnflow/rasa-oracle/bin/python"
CONTEXT = {"context": {"collect": "age", "flow_id": "signup", "step_id": "ask_age"}}
DOCUMENT = {
    **CONTEXT,
    "slots": {"age": 37.0, "confirm": True, "name": "Ryan", "country": "FR", "tags": ["vip"]},
}
CONDITIONS = [
    "slots.age > 18",
    "slots.confirm is true",
    'slots.name is not null and slots.country = "FR"',
    'slots.age >= 18 and (slots.country = "FR" or slots.tags contains "vip")',
    "slots.{{context.collect}} is not null",
]

# run by the oracle's interpreter: Rasa's per-use path (Jinja + Predicate + evaluate)
ORACLE_SCRIPT = """
import json, sys, time
from jinja2 import Template
from rasa.utils.pypred import Predicate
conditions, context, document, seconds = json.loads(sys.stdin.read())

def best(fn, n):
    fn()
    result, deadline = float("inf"), time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        result = min(result, (time.perf_counter() - start) / n)
    return result

out = {}
for text in conditions:
    parsed = Predicate(Template(text).render(context))
    out[text] = {
        "evaluate": best(lambda: parsed.evaluate(document), 2000),
        "per use": best(
            lambda: Predicate(Template(text).render(context)).evaluate(document), 20
        ),
    }
print(json.dumps(out))
"""


def best(fn: Callable[[], object], n: int, seconds: float) -> float:
    """Seconds per call: the best of the timed rounds."""
    fn()
    result, deadline = float("inf"), time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        result = min(result, (time.perf_counter() - start) / n)
    return result


def ours(text: str, seconds: float) -> dict[str, float]:
    compiled = compile_condition(text, CONTEXT)
    rendered = compiled.text

    def cold() -> bool:
        predicates._cache.clear()
        return compile_predicate(rendered).evaluate(DOCUMENT)

    return {
        "evaluate": best(lambda: compiled.evaluate(DOCUMENT), 20000, seconds),
        "per use": best(
            lambda: compile_condition(text, CONTEXT).evaluate(DOCUMENT), 20000, seconds
        ),
        "cold compile": best(cold, 2000, seconds),
    }


def oracle(seconds: float) -> dict[str, dict[str, float]] | None:
    if not ORACLE_PYTHON.exists():
        return None
    run = subprocess.run(
        [str(ORACLE_PYTHON), "-c", ORACLE_SCRIPT],
        input=json.dumps([CONDITIONS, CONTEXT, DOCUMENT, seconds]),
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"},
    )  # fmt: skip
    if run.returncode != 0:
        print("(the rasa-pro venv failed:", run.stderr.strip().splitlines()[-1:], ")")
        return None
    return json.loads(run.stdout)


def us(seconds: float) -> str:
    return f"{seconds * 1e6:9.2f} µs"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    args = parser.parse_args()

    rasa = oracle(args.seconds)
    source = "rasa-pro venv" if rasa else "research §10 (rasa-pro 3.21, 2-core EPYC)"
    print(f"Rasa figures from: {source}")
    header = f"{'condition':<62} {'what':<13} {'turnflow':>12} {'Rasa':>12} {'ratio':>8}"
    print(header)
    print("-" * len(header))
    for text in CONDITIONS:
        mine = ours(text, args.seconds)
        theirs = rasa[text] if rasa else {"evaluate": 2e-6, "per use": 3.1e-3}
        for what, value in mine.items():
            other = theirs.get(what)
            ratio = f"{other / value:7.0f}x" if other else ""
            peer = us(other) if other else ""
            print(f"{text[:62]:<62} {what:<13} {us(value):>12} {peer:>12} {ratio:>8}")


if __name__ == "__main__":
    main()
