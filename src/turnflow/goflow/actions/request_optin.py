"""No longer supported: the action only reports an error."""

from __future__ import annotations

from ...core.runtime import Runtime
from .base import BaseAction


class RequestOptin(BaseAction):
    """No longer supported by goflow: always an error event."""

    type = "request_optin"
    required = ("optin",)

    def execute(self, rt: Runtime) -> None:
        rt.error("opt-in requests are no longer supported", code="action:unsupported")
