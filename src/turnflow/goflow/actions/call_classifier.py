"""Deprecated: NLU classifiers are gone, so the action only warns and saves a failed result.

Example:

    {"type": "call_classifier", "uuid": "...",
     "classifier": {"uuid": "7265ebd4-5ecf-4020-8410-bac99ec52b76", "name": "Intents"},
     "input": "@input.text", "result_name": "Intent"}

Events:

    [{"type": "warning", "text": "NLU classifiers are no longer supported"},
     {"type": "run_result_changed", "name": "Intent", "value": "0", "category": "Failure"}]
"""

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
