"""No longer supported: the action only reports an error.

Example:

    {"type": "request_optin", "uuid": "...",
     "optin": {"uuid": "3722362f-9a57-4923-99ca-83365ef3b400", "name": "Newsletter"}}

Events:

    [{"type": "error", "text": "opt-in requests are no longer supported",
      "code": "action:unsupported"}]
"""

from __future__ import annotations

from ...core.runtime import Runtime
from .base import BaseAction


class RequestOptin(BaseAction):
    """No longer supported by goflow: always an error event."""

    type = "request_optin"
    required = ("optin",)

    def execute(self, rt: Runtime) -> None:
        rt.error("opt-in requests are no longer supported", code="action:unsupported")
