"""Removes the contact from the groups named, or from all its groups (except query-based
ones) when ``all_groups`` is set.

Example:

    {"type": "remove_contact_groups", "uuid": "...",
     "groups": [{"uuid": "03e7785b-efb9-4542-81a2-bad548f5f2e4", "name": "Subscribers"}]}

Events:

    [{"type": "contact_groups_changed",
      "groups_removed": [{"uuid": "03e7785b-efb9-4542-81a2-bad548f5f2e4", "name": "Subscribers"}]}]
"""

from __future__ import annotations

from ...core.runtime import Runtime
from .base import BaseAction
from .contact import contact_assets, modify
from .contact_groups import resolve_groups


class RemoveContactGroups(BaseAction):
    type = "remove_contact_groups"

    def execute(self, rt: Runtime) -> None:
        if self.data.get("all_groups"):
            # in the workspace's order of groups, as goflow removes them
            member = {g.get("uuid") for g in getattr(rt.session.contact, "groups", [])}
            groups = [
                {"uuid": g["uuid"], "name": g.get("name", "")}
                for g in contact_assets(rt).groups
                if g.get("uuid") in member and not g.get("query")
            ]
        else:
            groups = resolve_groups(rt, self.data.get("groups") or [])
        if groups:
            modify(rt, {"type": "groups", "groups": groups, "modification": "remove"})
