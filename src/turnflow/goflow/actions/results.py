"""Actions on the run's own data: set_run_result and set_run_local."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ...core.runtime import Runtime
from ..routing import save_result, snakify
from .base import BaseAction


class SetRunResult(BaseAction):
    type = "set_run_result"
    required = ("name",)

    def execute(self, rt: Runtime) -> None:
        run = rt.run
        assert run is not None
        value = rt.evaluate(self.data.get("value", ""))
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
        value = rt.evaluate(self.data.get("value", ""))
        if operation == "increment":
            try:
                current = Decimal(str(run.locals.get(name) or 0))
                step = Decimal(value or "0")
            except InvalidOperation:
                rt.error(f"unable to increment local '{name}' by '{value}'")
                return
            total = current + step
            run.locals[name] = int(total) if total == total.to_integral_value() else float(total)
        else:
            run.locals[name] = value
