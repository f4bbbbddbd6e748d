"""goflow's ``flows/definition/legacy/expressions/testdata/legacy_tests.json``: the 107 template
tests of rapidpro/expressions (the legacy evaluator), which goflow runs through its legacy
expression migrator.

Each case is checked as goflow's test checks it:

* the template is migrated with the default options;
* if a piece of it doesn't parse, the migrated template must equal the case's ``output``
  (the legacy evaluator also left such templates as written);
* otherwise the migrated template is evaluated in a migrated context (top-level keys
  lowercased, ``flow`` -> ``run.results``, ``contact`` -> ``contact`` with its other keys under
  ``fields``, plus empty ``fields`` and ``results``), with date format DD-MM-YYYY and the case's
  time zone, and when the case lists errors the evaluation must report at least one.

goflow asserts nothing more: the legacy outputs came from a different evaluator and context.
Two things differ from goflow's harness: a case without ``now`` uses a fixed clock
(2018-04-11T13:24:30Z) instead of the real one, so runs are deterministic, and a Python
exception while migrating or evaluating fails the case.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..expressions import Environment, evaluate_template, from_python
from ..goflow.legacy.expressions import try_migrate_template
from . import DataSetResult

DATA = "flows/definition/legacy/expressions/testdata/legacy_tests.json"
DEFAULT_NOW = dt.datetime(2018, 4, 11, 13, 24, 30, tzinfo=dt.UTC)


def _lowered(value: Any) -> Any:
    if isinstance(value, dict):
        return {k.lower(): _lowered(v) for k, v in value.items()}
    return value


def migrate_variables(variables: dict[str, Any]) -> dict[str, Any]:
    """The new-style context goflow's test builds from a case's legacy variables."""
    migrated: dict[str, Any] = {"fields": {}, "results": {}}
    for key, value in variables.items():
        key = key.lower()
        if key == "flow":
            migrated["run"] = {"results": value}
        elif key == "contact" and isinstance(value, dict):
            contact: dict[str, Any] = {"fields": {}}
            for k, v in value.items():
                k = k.lower()
                if k in ("*", "name"):
                    contact[k] = v
                else:
                    contact["fields"][k] = v
            migrated["contact"] = contact
        else:
            migrated[key] = value
    return _lowered(migrated)


def _parse_now(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def run_case(case: dict[str, Any]) -> tuple[bool, str]:
    """``(passed, description of what happened)`` for one case."""
    template = case["template"]
    migrated, errors = try_migrate_template(template)
    if errors:
        expected = case.get("output")
        ok = migrated == expected
        return ok, f"migration failed ({errors[0]}); kept {migrated!r}, legacy output {expected!r}"

    context = case["context"]
    now = _parse_now(context["now"]) if context.get("now") else DEFAULT_NOW
    env = Environment(
        date_format="DD-MM-YYYY",
        timezone=ZoneInfo(context["timezone"]),
        now=lambda: now,
    )
    variables = from_python(migrate_variables(context.get("variables") or {}))
    result = evaluate_template(migrated, variables, env)
    if case.get("errors"):
        ok = bool(result.errors)
        return ok, f"migrated to {migrated!r}, expected an error, evaluated to {result.text!r}"
    return True, f"migrated to {migrated!r}"


def run_legacy_expressions(goflow_dir: Path) -> DataSetResult:
    result = DataSetResult("legacy-expressions")
    path = goflow_dir / DATA
    cases = json.loads(path.read_text(), parse_float=Decimal, parse_int=Decimal)
    for index, case in enumerate(cases):
        label = f"legacy_tests[{index}] {case.get('template')!r}"
        try:
            ok, description = run_case(case)
        except Exception as exc:  # a crash is a failed case, never a skipped one
            ok, description = False, f"raised {type(exc).__name__}: {exc}"
        result.record(ok, f"{label}: {description}")
    return result
