"""Adds the contact to groups, named by UUID or by a name template evaluated now.

Example:

    {"type": "add_contact_groups", "uuid": "...",
     "groups": [{"uuid": "928efcc2-bbe1-417d-8750-0244c63ebccc", "name": "Volunteers"}]}

Events:

    [{"type": "contact_groups_changed",
      "groups_added": [{"uuid": "928efcc2-bbe1-417d-8750-0244c63ebccc", "name": "Volunteers"}]}]
"""

from __future__ import annotations

from ...core.runtime import Runtime
from .base import BaseAction
from .contact import modify
from .contact_groups import resolve_groups


class AddContactGroups(BaseAction):
    type = "add_contact_groups"
    required = ("groups",)

    def execute(self, rt: Runtime) -> None:
        groups = resolve_groups(rt, self.data["groups"])
        if groups:
            modify(rt, {"type": "groups", "groups": groups, "modification": "add"})
