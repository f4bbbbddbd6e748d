"""Sets, increments or clears a run local: a text value the run keeps as ``@locals.<name>``
without recording it as a result.

Example:

    {"type": "set_run_local", "uuid": "...", "local": "attempts", "value": "1",
     "operation": "increment"}

Events:

    []
"""

from __future__ import annotations

import re

from ...core.runtime import Runtime
from .base import BaseAction, evaluate_checked

_INTEGER = re.compile(r"[+-]?\d+")


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
