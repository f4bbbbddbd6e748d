"""Deprecated: NLU classifiers are gone, so the action only warns and saves a failed result."""

from __future__ import annotations

from ...core.runtime import Runtime
from .action_results import save_action_result
from .base import BaseAction


class CallClassifier(BaseAction):
    """Deprecated: classifiers are gone, so the result is always a failure."""

    type = "call_classifier"
    required = ("result_name",)

    def execute(self, rt: Runtime) -> None:
        rt.warning("NLU classifiers are no longer supported")
        save_action_result(rt, self.data["result_name"], "0", "Failure")
