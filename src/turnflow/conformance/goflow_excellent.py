"""Data set ``excellent-examples``: the examples in goflow's function, test, operator and
type documentation."""

from __future__ import annotations

import json
from pathlib import Path

from ..expressions import compile_template
from . import DataSetResult
from .goflow_session import standard_session


def run_excellent_examples(goflow_dir: Path) -> DataSetResult:
    result = DataSetResult("excellent-examples")
    data = json.loads((goflow_dir / "_extracted" / "docstring_examples.json").read_text())
    context, env = standard_session(goflow_dir)
    # one random source for the whole run, in document order, as goflow's doc generator does
    for item in data["items"]:
        for example in item["examples"]:
            template = example["template"]
            try:
                rendered = compile_template(template).render(context, env)
            except Exception as exc:  # a crash is a failed case, and shown as such
                result.record(False, f"{template} -> crashed: {type(exc).__name__}: {exc}")
                continue
            if example["error"]:
                ok = bool(rendered.errors)
                result.record(ok, f"{template} -> expected an error, got {rendered.text!r}")
            else:
                ok = not rendered.errors and rendered.text == example["expected"]
                if rendered.errors:
                    detail = f"errors {[e.message for e in rendered.errors]}"
                else:
                    detail = repr(rendered.text)
                result.record(ok, f"{template} -> expected {example['expected']!r}, got {detail}")
    return result
