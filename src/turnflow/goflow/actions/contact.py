"""Actions that change the contact. Each evaluates its templates, then applies goflow's
matching contact modifier, which emits the change events and re-evaluates smart groups."""

from __future__ import annotations

from typing import Any

from ...core.runtime import Runtime
from ..contact import Contact, ContactAssets
from ..modifiers import ModifierContext, apply_modifier
from .base import BaseAction


def contact_assets_of(assets: Any) -> ContactAssets:
    """The contact-related part of an asset bundle (fields, groups, channels)."""
    return ContactAssets.from_json(
        {
            "fields": list(getattr(assets, "fields", []) or []),
            "groups": list(getattr(assets, "groups", []) or []),
            "channels": list(getattr(assets, "channels", []) or []),
            "locations": getattr(assets, "locations", None) and list(assets.locations),
        }
    )


def contact_assets(rt: Runtime) -> ContactAssets:
    cached = rt.services.get("_contact_assets")
    if cached is None:
        cached = contact_assets_of(rt.assets)
        rt.services["_contact_assets"] = cached
    return cached


def modify(rt: Runtime, modifier: dict[str, Any]) -> None:
    """Apply a modifier to the session's contact, recording its events in the sprint."""
    contact = rt.session.contact
    if not isinstance(contact, Contact):
        rt.error("the session's contact can't be modified")
        return
    ctx = ModifierContext(env=rt.env, assets=contact_assets(rt), events=rt.events)
    apply_modifier(ctx, contact, modifier)
    rt.emitted.extend(ctx.log)


class SetContactName(BaseAction):
    type = "set_contact_name"

    def execute(self, rt: Runtime) -> None:
        name = rt.evaluate(self.data.get("name", ""))
        if any(e["type"] == "error" and e.get("extra", {}).get("expression") for e in rt.emitted[-1:]):
            return  # goflow skips the change when the name has an expression error
        modify(rt, {"type": "name", "name": name})


class SetContactLanguage(BaseAction):
    type = "set_contact_language"

    def execute(self, rt: Runtime) -> None:
        modify(rt, {"type": "language", "language": rt.evaluate(self.data.get("language", ""))})


class SetContactTimezone(BaseAction):
    type = "set_contact_timezone"

    def execute(self, rt: Runtime) -> None:
        modify(rt, {"type": "timezone", "timezone": rt.evaluate(self.data.get("timezone", ""))})


class SetContactStatus(BaseAction):
    type = "set_contact_status"
    required = ("status",)

    def execute(self, rt: Runtime) -> None:
        modify(rt, {"type": "status", "status": self.data["status"]})


class SetContactField(BaseAction):
    type = "set_contact_field"
    required = ("field",)

    def execute(self, rt: Runtime) -> None:
        value = rt.evaluate(self.data.get("value", ""))
        modify(rt, {"type": "field", "field": self.data["field"], "value": value})


class SetContactChannel(BaseAction):
    type = "set_contact_channel"

    def execute(self, rt: Runtime) -> None:
        modify(rt, {"type": "channel", "channel": self.data.get("channel")})


class AddContactGroups(BaseAction):
    type = "add_contact_groups"
    required = ("groups",)

    def execute(self, rt: Runtime) -> None:
        modify(rt, {"type": "groups", "groups": self.data["groups"], "modification": "add"})


class RemoveContactGroups(BaseAction):
    type = "remove_contact_groups"

    def execute(self, rt: Runtime) -> None:
        groups = self.data.get("groups") or []
        if self.data.get("all_groups"):
            contact = rt.session.contact
            groups = [g for g in getattr(contact, "groups", []) if not _is_query_group(rt, g)]
        modify(rt, {"type": "groups", "groups": groups, "modification": "remove"})


def _is_query_group(rt: Runtime, group: dict[str, Any]) -> bool:
    known = next((g for g in contact_assets(rt).groups if g.get("uuid") == group.get("uuid")), None)
    return bool(known and known.get("query"))


class AddContactUrn(BaseAction):
    type = "add_contact_urn"
    required = ("scheme", "path")

    def execute(self, rt: Runtime) -> None:
        path = rt.evaluate(self.data["path"]).strip()
        if not path:
            return
        modify(rt, {"type": "urns", "urns": [f"{self.data['scheme']}:{path}"], "modification": "append"})
