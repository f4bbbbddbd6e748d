"""Saves a result on the run (a name, a value template and an optional category), which later
steps read under the name in snake case (``@results.request`` here).

Example:

    {"type": "set_run_result", "uuid": "...", "name": "Request", "value": "@input.text",
     "category": "Join"}

Events:

    [{"type": "run_result_changed", "name": "Request", "value": "I want to join",
      "category": "Join"}]
"""

from __future__ import annotations

from ...core.runtime import Runtime
from ..results import save_result, snakify
from .base import BaseAction, evaluate_checked


class SetRunResult(BaseAction):
    type = "set_run_result"
    required = ("name",)

    def execute(self, rt: Runtime) -> None:
        run = rt.run
        assert run is not None
        value, ok = evaluate_checked(rt, self.data.get("value", ""))
        if not ok:
            return  # goflow skips the action when the value has an expression error
        category = self.data.get("category", "")
        localized = self.localized(rt, "category", category) if category else ""
        result = {
            "name": self.data["name"],
            "value": value[: rt.limits.max_result_length],
            "category": category,
            "category_localized": localized if localized != category else None,
            "node_uuid": run.current_step.node_uuid if run.current_step else None,
            "created_on": None,
        }
        save_result(rt, run, snakify(self.data["name"]), result)
