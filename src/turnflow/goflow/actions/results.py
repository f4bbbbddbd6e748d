"""Actions on the run's own data: set_run_result and set_run_local."""

from __future__ import annotations

import re

from ...core.runtime import Runtime
from ..results import save_result, snakify
from .base import BaseAction, evaluate_checked

_INTEGER = re.compile(r"[+-]?\d+")


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


class SetRunLocal(BaseAction):
    """Run locals are text; ``increment`` adds an integer to the current value (0 if unset)."""

    type = "set_run_local"
    required = ("local",)

    def execute(self, rt: Runtime) -> None:
        run = rt.run
        assert run is not None
        name = self.data["local"]
        operation = self.data.get("operation", "set")
        if operation == "clear":
            run.locals.pop(name, None)
            return
        value, ok = evaluate_checked(rt, self.data.get("value", ""))
        if not ok:
            return
        if operation == "increment":
            step = value.strip()
            if not _INTEGER.fullmatch(step):
                rt.error("Increment value is not an integer")
                return
            current = str(run.locals.get(name) or "0").strip()
            start = int(current) if _INTEGER.fullmatch(current) else 0
            run.locals[name] = str(start + int(step))
        else:
            run.locals[name] = value
