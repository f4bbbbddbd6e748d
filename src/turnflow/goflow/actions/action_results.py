"""Saving a result on the run for actions that record one (webhooks, classifiers)."""

from __future__ import annotations

from typing import Any

from ...core.runtime import Runtime
from ..results import save_result, snakify
from .run_state import current_run


def save_action_result(
    rt: Runtime, name: str, value: str, category: str, input_: str | None = None,
    extra: Any = None,
) -> None:  # fmt: skip
    run = current_run(rt)
    result: dict[str, Any] = {
        "name": name,
        "value": value,
        "category": category,
        "node_uuid": run.current_step.node_uuid if run.current_step else None,
        "input": input_,
        "created_on": None,
    }
    if extra is not None:
        result["extra"] = extra
    save_result(rt, run, snakify(name), result)
