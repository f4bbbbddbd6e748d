"""Adds the contact to groups, named by UUID or by a name template evaluated now."""

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
