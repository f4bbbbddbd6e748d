"""Changes the contact's status: active, blocked, stopped or archived. A contact that
isn't active leaves all its groups.

Example:

    {"type": "set_contact_status", "uuid": "...", "status": "blocked"}

Events:

    [{"type": "contact_status_changed", "status": "blocked"},
     {"type": "contact_groups_changed",
      "groups_removed": [{"uuid": "f091da6a-d763-438d-8bda-f8844ec75e8b", "name": "Adults"},
                         {"uuid": "03e7785b-efb9-4542-81a2-bad548f5f2e4", "name": "Subscribers"}]}]
"""

from __future__ import annotations

from ...core.runtime import Runtime
from .base import BaseAction
from .contact import modify


class SetContactStatus(BaseAction):
    type = "set_contact_status"
    required = ("status",)

    def execute(self, rt: Runtime) -> None:
        modify(rt, {"type": "status", "status": self.data["status"]})
