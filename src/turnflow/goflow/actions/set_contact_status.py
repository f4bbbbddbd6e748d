"""Changes the contact's status: active, blocked, stopped or archived."""

from __future__ import annotations

from ...core.runtime import Runtime
from .base import BaseAction
from .contact import modify


class SetContactStatus(BaseAction):
    type = "set_contact_status"
    required = ("status",)

    def execute(self, rt: Runtime) -> None:
        modify(rt, {"type": "status", "status": self.data["status"]})
