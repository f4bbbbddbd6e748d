"""Actions that change the contact. Each evaluates its templates, then applies goflow's
matching contact modifier, which emits the change events and re-evaluates smart groups."""

from __future__ import annotations

import re
from typing import Any

from ...core.runtime import Runtime
from ..contact import Contact, ContactAssets, normalize_urn, urn_error, urn_identity
from ..languages import is_language
from ..modifiers import ModifierContext, apply_modifier
from .base import BaseAction, evaluate_checked
from .messages import merged_country
from .services import dependency_error

HAS_URN_LOCAL = "_has_urn"  # add_contact_urn leaves the URN it made sure of here ('' if none)
# Off until ended runs stop serializing their locals (goflow's runner sessions never show them;
# see /work/notes/requests.md): turning it on passes add_contact_urn[1-5] in the actions data set.
SET_HAS_URN_LOCAL = True
_NON_TEL = re.compile(r"[^0-9A-Za-z]")


def contact_assets_of(assets: Any) -> ContactAssets:
    """The contact-related part of an asset bundle (fields, groups, channels).

    Kept on the bundle (every sprint asks) while its fields, groups and channels stay the
    same lists of the same lengths."""
    cache = getattr(assets, "__dict__", None)
    asset_sets = cache.get("_sets") if cache is not None else None
    if asset_sets is not None:  # an Assets bundle: its sets are fixed, check their sizes
        sets = (asset_sets["fields"], asset_sets["groups"], asset_sets["channels"])
        # the sets' item lists, measured directly (not through AssetSet.__len__)
        fields, groups, channels = sets[0].items, sets[1].items, sets[2].items
    else:
        sets = (
            getattr(assets, "fields", None),
            getattr(assets, "groups", None),
            getattr(assets, "channels", None),
        )
        fields, groups, channels = sets
    key = (
        id(fields), len(fields) if fields is not None else 0,
        id(groups), len(groups) if groups is not None else 0,
        id(channels), len(channels) if channels is not None else 0,
    )  # fmt: skip
    cached = cache.get("_contact_assets") if cache is not None else None
    if cached is not None and cached[0] == key:
        return cached[1]
    result = ContactAssets.from_json(
        {
            "fields": list(sets[0] or []),
            "groups": list(sets[1] or []),
            "channels": list(sets[2] or []),
            "locations": getattr(assets, "locations", None) and list(assets.locations),
        }
    )
    if cache is not None:
        cache["_contact_assets"] = (key, result)
    return result


def contact_assets(rt: Runtime) -> ContactAssets:
    state = rt.state
    cached = state.contact_assets
    if cached is None:
        cached = state.contact_assets = contact_assets_of(rt.assets)
    return cached


def modify(rt: Runtime, modifier: dict[str, Any]) -> None:
    """Apply a modifier to the session's contact, recording its events in the sprint."""
    contact = rt.session.contact
    if not isinstance(contact, Contact):
        rt.error("the session's contact can't be modified")
        return
    ctx = ModifierContext(
        env=rt.env, assets=contact_assets(rt), events=rt.events,
        max_value_length=rt.limits.max_field_length,
    )  # fmt: skip
    apply_modifier(ctx, contact, modifier)
    rt.emitted.extend(ctx.log)


class SetContactName(BaseAction):
    type = "set_contact_name"

    def execute(self, rt: Runtime) -> None:
        name, ok = evaluate_checked(rt, self.data.get("name", ""))
        if not ok:
            return  # goflow skips the change when the name has an expression error
        modify(rt, {"type": "name", "name": name.strip()})


def language_error(code: str) -> str | None:
    """Why ``code`` isn't an ISO 639-3 language code (goflow's wording), or None."""
    if len(code) != 3:
        return f"iso-639-3 codes must be 3 characters, got: {code}"
    if not is_language(code):
        return f"unrecognized language code: {code}"
    return None


class SetContactLanguage(BaseAction):
    type = "set_contact_language"

    def execute(self, rt: Runtime) -> None:
        language, ok = evaluate_checked(rt, self.data.get("language", ""))
        if not ok:
            return
        language = language.strip()
        problem = language_error(language) if language else None
        if problem:
            rt.error(problem)
            return
        modify(rt, {"type": "language", "language": language})


def is_timezone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


class SetContactTimezone(BaseAction):
    type = "set_contact_timezone"

    def execute(self, rt: Runtime) -> None:
        timezone, ok = evaluate_checked(rt, self.data.get("timezone", ""))
        if not ok:
            return
        timezone = timezone.strip()
        if timezone and not is_timezone(timezone):
            rt.error(
                f"Unrecognized timezone: '{timezone}'", code="timezone:invalid",
                extra={"timezone": timezone},
            )  # fmt: skip
            return
        modify(rt, {"type": "timezone", "timezone": timezone})


class SetContactStatus(BaseAction):
    type = "set_contact_status"
    required = ("status",)

    def execute(self, rt: Runtime) -> None:
        modify(rt, {"type": "status", "status": self.data["status"]})


class SetContactField(BaseAction):
    type = "set_contact_field"
    required = ("field",)

    def execute(self, rt: Runtime) -> None:
        ref = self.data["field"]
        value, ok = evaluate_checked(rt, self.data.get("value", ""))
        if not ok:
            return
        if contact_assets(rt).field(ref.get("key", "")) is None:
            dependency_error(rt, "field", {"key": ref.get("key", ""), "name": ref.get("name", "")})
            return
        value = value.strip()[: rt.limits.max_field_length]
        modify(rt, {"type": "field", "field": ref, "value": value})


class SetContactChannel(BaseAction):
    type = "set_contact_channel"

    def execute(self, rt: Runtime) -> None:
        ref = self.data.get("channel")
        if ref and contact_assets(rt).channel(ref.get("uuid")) is None:
            dependency_error(rt, "channel", ref)
            return
        modify(rt, {"type": "channel", "channel": ref})


def resolve_groups(rt: Runtime, refs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Group references as groups: fixed ones by UUID (a missing one is a dependency error),
    ``name_match`` ones by evaluating the template and finding the group with that name."""
    known = contact_assets(rt).groups
    groups = []
    for ref in refs:
        if ref.get("uuid"):
            group = next((g for g in known if g.get("uuid") == ref["uuid"]), None)
            if group is None:
                dependency_error(rt, "group", ref)
        else:
            name, ok = evaluate_checked(rt, ref.get("name_match", ""))
            if not ok:
                continue
            wanted = name.strip().lower()
            group = next(
                (g for g in known if str(g.get("name", "")).strip().lower() == wanted), None
            )
            if group is None:
                rt.error(
                    f"No such group with name '{name}'", code="group:missing", extra={"name": name}
                )
        if group is not None:
            groups.append({"uuid": group["uuid"], "name": group.get("name", "")})
    return groups


class AddContactGroups(BaseAction):
    type = "add_contact_groups"
    required = ("groups",)

    def execute(self, rt: Runtime) -> None:
        groups = resolve_groups(rt, self.data["groups"])
        if groups:
            modify(rt, {"type": "groups", "groups": groups, "modification": "add"})


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


def parse_phone(raw: str, country: str) -> str:
    """A phone number path as goflow stores it: E.164 when it parses as a possible number for
    the country, a national short code when it is one, else the cleaned digits."""
    import phonenumbers

    raw = raw.strip()
    plus = raw.startswith("+")
    raw = ("+" if plus else "") + _NON_TEL.sub("", raw)
    if len(raw) >= 11 and not raw.startswith(("0", "+")):
        raw = "+" + raw
    try:
        number = phonenumbers.parse(raw, country.upper() or None)
    except phonenumbers.NumberParseException:
        return raw
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == phonenumbers.ValidationResult.IS_POSSIBLE:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if country and phonenumbers.is_possible_short_number_for_region(number, country.upper()):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return raw


class AddContactUrn(BaseAction):
    type = "add_contact_urn"
    required = ("scheme", "path")

    def execute(self, rt: Runtime) -> None:
        path = rt.evaluate(self.data["path"]).strip()
        if not path:
            rt.error("Can't add URN with empty path")
            return
        scheme = self.data["scheme"]
        if scheme == "tel":
            path = parse_phone(path, merged_country(rt))
        urn = normalize_urn(f"{scheme}:{path}")
        modify(rt, {"type": "urns", "urns": [urn], "modification": "append"})
        contact = rt.session.contact
        has = urn_error(urn) is None and isinstance(contact, Contact) and contact.has_urn(urn)
        if SET_HAS_URN_LOCAL and rt.run is not None:
            rt.run.locals[HAS_URN_LOCAL] = urn_identity(urn) if has else ""
