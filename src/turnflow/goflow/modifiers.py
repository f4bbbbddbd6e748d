"""Contact modifiers: goflow's typed changes to a contact, each logging the events it causes.

A modifier is goflow's JSON (``{"type": "name", "name": "Bob"}``). :func:`apply_modifier`
changes the contact, logs events through the session's :class:`EventFactory` and, when the
contact changed, re-evaluates query based groups (and takes non-active contacts out of every
group), as goflow's ``modifiers.Apply`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.events import Event, EventFactory
from ..errors import TurnflowError
from ..expressions.environment import Environment
from .contact import (
    MAX_CONTACT_URNS,
    MAX_NAME_LENGTH,
    MAX_VALUE_LENGTH,
    PORTABLE_SCHEMES,
    STATUSES,
    Contact,
    ContactAssets,
    ContactURN,
    channel_can_send,
    channel_supports,
    group_ref,
    normalize_urn,
    parse_field_value,
    reevaluate_query_groups,
    split_urn,
    urn_error,
    values_equal,
)


class ModifierError(TurnflowError):
    """Modifier JSON that can't be applied (unknown type, missing or bad property)."""


def _always_claim(contact: Contact, urn: str) -> bool:
    return True


@dataclass
class ModifierContext:
    """What a modifier needs besides the contact: environment, assets, event stamping and the
    engine's URN claim check (False when another contact already owns the URN)."""

    env: Environment
    assets: ContactAssets
    events: EventFactory
    log: list[Event] = field(default_factory=list)
    claim_urn: Callable[[Contact, str], bool] = _always_claim
    max_value_length: int = MAX_VALUE_LENGTH  # field values are cut to this many characters

    def emit(self, type_: str, **fields: Any) -> Event:
        event = self.events.new(type_, **fields)
        self.log.append(event)
        return event

    def error(self, text: str, code: str | None = None, **extra: str) -> Event:
        return self.emit("error", text=text, code=code, extra=extra or None)


def _truncate(text: str, length: int) -> str:
    return text[:length]


def _require(modifier: Mapping[str, Any], key: str) -> Any:
    if key not in modifier:
        raise ModifierError(f"modifier.{key}: is required for a {modifier.get('type')} modifier")
    return modifier[key]


# -- each modifier: returns whether the contact changed ----------------------------------------


def _name(ctx: ModifierContext, contact: Contact, mod: Mapping[str, Any]) -> bool:
    name = _truncate(mod.get("name") or "", MAX_NAME_LENGTH)
    if name == contact.name:
        return False
    contact.name = name
    ctx.emit("contact_name_changed", name=name)
    return True


def _language(ctx: ModifierContext, contact: Contact, mod: Mapping[str, Any]) -> bool:
    language = mod.get("language") or ""
    if language == contact.language:
        return False
    contact.language = language
    ctx.emit("contact_language_changed")["language"] = language
    return True


def _timezone(ctx: ModifierContext, contact: Contact, mod: Mapping[str, Any]) -> bool:
    timezone = mod.get("timezone") or ""
    if timezone == contact.timezone:
        return False
    contact.timezone = timezone
    ctx.emit("contact_timezone_changed")["timezone"] = timezone
    return True


def _status(ctx: ModifierContext, contact: Contact, mod: Mapping[str, Any]) -> bool:
    status = _require(mod, "status")
    if status not in STATUSES:
        raise ModifierError(f"modifier.status: '{status}' is not a valid contact status")
    if status == contact.status:
        return False
    contact.status = status
    ctx.emit("contact_status_changed", status=status)
    return True


def _seen(ctx: ModifierContext, contact: Contact, mod: Mapping[str, Any]) -> bool:
    seen_on = _require(mod, "seen_on")
    if seen_on == contact.last_seen_on:
        return False
    contact.last_seen_on = seen_on
    ctx.emit("contact_last_seen_changed", last_seen_on=seen_on)
    return True


def _field(ctx: ModifierContext, contact: Contact, mod: Mapping[str, Any]) -> bool:
    ref = _require(mod, "field")
    asset = ctx.assets.field(ref.get("key", "")) if isinstance(ref, Mapping) else None
    if asset is None:
        return False  # goflow drops modifiers on fields the workspace doesn't have
    raw = mod.get("value")
    if isinstance(raw, Mapping):  # the old shape: a value object
        raw = raw.get("text")
    raw = raw if isinstance(raw, str) else ""
    key = asset["key"]
    new = parse_field_value(ctx.env, asset.get("type", "text"), raw, contact.fields, ctx.assets)
    if new is not None:
        new["text"] = _truncate(new["text"], ctx.max_value_length)
    if values_equal(new, contact.fields.get(key)):
        return False
    if new is None:
        contact.fields.pop(key, None)
    else:
        contact.fields[key] = new
    event = ctx.emit("contact_field_changed", field={"key": key, "name": asset.get("name", "")})
    event["value"] = dict(new) if new is not None else None
    return True


def _groups(ctx: ModifierContext, contact: Contact, mod: Mapping[str, Any]) -> bool:
    modification = _require(mod, "modification")
    if modification not in ("add", "remove"):
        raise ModifierError(f"modifier.modification: '{modification}' must be add or remove")
    groups = [
        g
        for g in (ctx.assets.group(r.get("uuid", "")) for r in mod.get("groups") or [])
        if g is not None
    ]
    if contact.status in ("blocked", "stopped"):
        ctx.error("Can't add blocked or stopped contacts to groups")
        return False
    diff = []
    for group in groups:
        if group.get("query"):
            verb = "add contacts to" if modification == "add" else "remove contacts from"
            ctx.error(f"Can't {verb} the query based group '{group.get('name', '')}'")
            continue
        changed = contact.add_group(group) if modification == "add" else contact.remove_group(group)
        if changed:
            diff.append(group_ref(group))
    if not diff:
        return False
    key = "groups_added" if modification == "add" else "groups_removed"
    ctx.emit("contact_groups_changed", **{key: diff})
    return True


def _emit_urns(ctx: ModifierContext, contact: Contact) -> bool:
    ctx.emit("contact_urns_changed")["urns"] = contact.encoded_urns()
    return True


def _routes_apply(
    ctx: ModifierContext, contact: Contact, routes: list[tuple[str, str | None]], modification: str
) -> bool:
    """Shared by the urns and routes modifiers: (urn, channel uuid or None) pairs."""
    if modification not in ("append", "remove", "set"):
        raise ModifierError(
            f"modifier.modification: '{modification}' must be append, remove or set"
        )
    valid: list[tuple[str, str | None]] = []
    for raw, channel in routes:
        urn = normalize_urn(raw)
        if urn_error(urn) is not None:
            ctx.error(f"'{urn}' is not valid URN", "urn:invalid", urn=urn)
            continue
        if (
            modification != "remove"
            and not contact.has_urn(urn)
            and not ctx.claim_urn(contact, urn)
        ):
            ctx.error("URN is taken by another contact", "urn:taken", urn=urn)
            continue
        valid.append((urn, channel))

    changed = False
    if modification == "append":
        for urn, channel in valid:
            if contact.has_urn(urn):
                continue  # appending never changes an existing URN's channel
            if len(contact.urns) >= MAX_CONTACT_URNS:
                ctx.error(f"Contact has too many URNs, limit is {MAX_CONTACT_URNS}")
                break
            scheme, path, _, _ = split_urn(urn)
            contact.urns.append(ContactURN(scheme, path, channel=channel))
            changed = True
    elif modification == "remove":
        for urn, _ in valid:
            index = contact.find_urn(urn)
            if index >= 0:
                del contact.urns[index]
                changed = True
    else:
        new_urns = []
        for urn, channel in valid:
            scheme, path, _, _ = split_urn(urn)
            if channel is None:  # keep the affinity a URN already has
                index = contact.find_urn(urn)
                channel = contact.urns[index].channel if index >= 0 else None
            if all(u.identity != f"{scheme}:{path}" for u in new_urns):
                new_urns.append(ContactURN(scheme, path, channel=channel))
        old = [(u.identity, u.channel) for u in contact.urns]
        if old != [(u.identity, u.channel) for u in new_urns]:
            contact.urns = new_urns
            changed = True
    return _emit_urns(ctx, contact) if changed else False


def _urns(ctx: ModifierContext, contact: Contact, mod: Mapping[str, Any]) -> bool:
    urns = _require(mod, "urns") or []
    return _routes_apply(ctx, contact, [(u, None) for u in urns], _require(mod, "modification"))


def _routes(ctx: ModifierContext, contact: Contact, mod: Mapping[str, Any]) -> bool:
    routes = []
    for route in _require(mod, "routes") or []:
        channel = route.get("channel")
        routes.append((route["urn"], channel.get("uuid") if isinstance(channel, Mapping) else None))
    return _routes_apply(ctx, contact, routes, _require(mod, "modification"))


def _affinity(ctx: ModifierContext, contact: Contact, mod: Mapping[str, Any]) -> bool:
    index = contact.find_urn(normalize_urn(_require(mod, "urn")))
    if index < 0:
        return False
    channel = mod.get("channel")
    uuid = channel.get("uuid") if isinstance(channel, Mapping) else None
    before = [(u.identity, u.channel) for u in contact.urns]
    urn = contact.urns.pop(index)
    urn.channel = uuid
    contact.urns.insert(0, urn)
    if before == [(u.identity, u.channel) for u in contact.urns]:
        return False
    return _emit_urns(ctx, contact)


def _channel(ctx: ModifierContext, contact: Contact, mod: Mapping[str, Any]) -> bool:
    ref = mod.get("channel")
    before = [(u.identity, u.channel) for u in contact.urns]
    if not ref:
        for urn in contact.urns:
            urn.channel = None
    else:
        channel = ctx.assets.channel(ref.get("uuid"))
        if channel is None:
            return False
        if not channel_can_send(channel):
            ctx.error("Can't set channel that can't send as the preferred channel")
            return False
        uuid = channel["uuid"]
        first, rest = [], []
        for urn in contact.urns:
            portable = urn.scheme in PORTABLE_SCHEMES and channel_supports(channel, urn.scheme)
            if portable or (urn.channel is None and channel_supports(channel, urn.scheme)):
                urn.channel = uuid
            (first if urn.channel == uuid else rest).append(urn)
        contact.urns = first + rest
    if before == [(u.identity, u.channel) for u in contact.urns]:
        return False
    return _emit_urns(ctx, contact)


# -- tickets ----------------------------------------------------------------------------------


def _ticket_open(ctx: ModifierContext, contact: Contact, mod: Mapping[str, Any]) -> bool:
    if contact.open_tickets():
        return False  # one open ticket at a time
    ticket: dict[str, Any] = {"uuid": ctx.events.uuids.new_v7(), "status": "open"}
    if mod.get("topic"):
        ticket["topic"] = dict(mod["topic"])
    if mod.get("assignee"):
        ticket["assignee"] = dict(mod["assignee"])
    contact.tickets.append(ticket)
    ctx.emit("ticket_opened", ticket=dict(ticket))
    if mod.get("note"):
        ctx.emit("ticket_note_added", ticket_uuid=ticket["uuid"], note=mod["note"])
    return True


def _find_ticket(contact: Contact, mod: Mapping[str, Any]) -> dict[str, Any] | None:
    return contact.ticket(_require(mod, "ticket_uuid"))


def _ticket_close(ctx: ModifierContext, contact: Contact, mod: Mapping[str, Any]) -> bool:
    ticket = _find_ticket(contact, mod)
    if ticket is None or ticket.get("status") != "open":
        return False
    ticket["status"] = "closed"
    ctx.emit("ticket_closed", ticket_uuid=ticket["uuid"])
    return True


def _ticket_reopen(ctx: ModifierContext, contact: Contact, mod: Mapping[str, Any]) -> bool:
    ticket = _find_ticket(contact, mod)
    if ticket is None or ticket.get("status") == "open" or contact.open_tickets():
        return False
    ticket["status"] = "open"
    ctx.emit("ticket_reopened", ticket_uuid=ticket["uuid"])
    return True


def _ticket_assignee(ctx: ModifierContext, contact: Contact, mod: Mapping[str, Any]) -> bool:
    ticket = _find_ticket(contact, mod)
    assignee = mod.get("assignee") or None
    if ticket is None:
        return False
    previous = ticket.get("assignee")
    if (previous or {}).get("uuid") == (assignee or {}).get("uuid"):
        return False
    if assignee:
        ticket["assignee"] = dict(assignee)
    else:
        ticket.pop("assignee", None)
    ctx.emit(
        "ticket_assignee_changed",
        ticket_uuid=ticket["uuid"],
        assignee=dict(assignee) if assignee else None,
        previous=dict(previous) if previous else None,
    )
    return True


def _ticket_topic(ctx: ModifierContext, contact: Contact, mod: Mapping[str, Any]) -> bool:
    ticket = _find_ticket(contact, mod)
    topic = mod.get("topic") or None
    if ticket is None or (ticket.get("topic") or {}).get("uuid") == (topic or {}).get("uuid"):
        return False
    if topic:
        ticket["topic"] = dict(topic)
    else:
        ticket.pop("topic", None)
    ctx.emit(
        "ticket_topic_changed", ticket_uuid=ticket["uuid"], topic=dict(topic) if topic else None
    )
    return True


def _ticket_note(ctx: ModifierContext, contact: Contact, mod: Mapping[str, Any]) -> bool:
    ticket = _find_ticket(contact, mod)
    if ticket is None:
        return False
    ctx.emit("ticket_note_added", ticket_uuid=ticket["uuid"], note=mod.get("note") or "")
    return False  # a note doesn't change the contact


_APPLIERS: dict[str, Callable[[ModifierContext, Contact, Mapping[str, Any]], bool]] = {
    "affinity": _affinity, "channel": _channel, "field": _field, "groups": _groups,
    "language": _language, "name": _name, "routes": _routes, "seen": _seen, "status": _status,
    "ticket_assignee": _ticket_assignee, "ticket_close": _ticket_close,
    "ticket_note": _ticket_note, "ticket_open": _ticket_open, "ticket_reopen": _ticket_reopen,
    "ticket_topic": _ticket_topic, "timezone": _timezone, "urns": _urns,
}  # fmt: skip


def reevaluate_groups(ctx: ModifierContext, contact: Contact) -> None:
    """Re-check query based groups; a contact that isn't active also leaves its other groups.
    Logs one contact_groups_changed event for whatever changed."""
    added, removed = reevaluate_query_groups(ctx.env, contact, ctx.assets)
    if contact.status != "active":
        removed.extend(g for g in contact.groups if not _uses_query(ctx.assets, g["uuid"]))
        contact.groups = []
    if added or removed:
        ctx.emit(
            "contact_groups_changed", groups_added=added or None, groups_removed=removed or None
        )


def _uses_query(assets: ContactAssets, uuid: str) -> bool:
    group = assets.group(uuid)
    return bool(group and group.get("query"))


def apply_modifier(ctx: ModifierContext, contact: Contact, modifier: Mapping[str, Any]) -> bool:
    """Apply one modifier (goflow JSON) and re-evaluate groups if the contact changed; returns
    whether it changed. Events go to ``ctx.log``."""
    if not isinstance(modifier, Mapping) or "type" not in modifier:
        raise ModifierError("modifier.type: field 'type' is required")
    applier = _APPLIERS.get(modifier["type"])
    if applier is None:
        raise ModifierError(f"modifier.type: unknown type: '{modifier['type']}'")
    changed = applier(ctx, contact, modifier)
    contact.changed()  # modifiers change fields, URNs and tickets in place
    if changed:
        reevaluate_groups(ctx, contact)
    return changed
