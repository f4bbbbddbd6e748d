"""The ``@contact``, ``@fields``, ``@urns`` ... objects that goflow templates see.

These build Excellent values from goflow's JSON shapes (contacts, assets), lazily where a
value is costly, so a template only pays for what it reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..expressions.values import Lazy, XObject, XValue, render_text

# URN schemes goflow knows; @urns has one property per scheme
URN_SCHEMES = (
    "bsuid", "ext", "facebook", "fcm", "freshchat", "instagram", "jiochat", "line", "mailto",
    "rocketchat", "slack", "tel", "telegram", "twitter", "twitterid", "viber", "vk", "wechat",
    "webchat", "whatsapp",
)  # fmt: skip


def parse_iso_datetime(text: str) -> dt.datetime:
    """goflow timestamps carry nanoseconds and ``Z``; Python keeps microseconds."""
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    if "." in text:
        head, rest = text.split(".", 1)
        digits = ""
        while rest and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        text = f"{head}.{(digits + '000000')[:6]}{rest}"
    return dt.datetime.fromisoformat(text)


def strip_urn_params(urn: str) -> str:
    """``tel:+123?channel=...#x`` -> ``tel:+123#x`` (the query part is delivery detail)."""
    if "?" not in urn:
        return urn
    head, rest = urn.split("?", 1)
    return head + ("#" + rest.split("#", 1)[1] if "#" in rest else "")


def urn_scheme(urn: str) -> str:
    return urn.split(":", 1)[0].lower()


def redact_urn(urn: str) -> str:
    return urn_scheme(urn) + ":********"


def field_value(field_type: str, value: Mapping[str, Any] | None) -> XValue:
    """A contact field's typed value: number, datetime or location path where set, else text."""
    if not value:
        return None
    if field_type == "number" and value.get("number") is not None:
        return Decimal(str(value["number"]))
    if field_type == "datetime" and value.get("datetime"):
        return parse_iso_datetime(value["datetime"])
    if field_type in ("state", "district", "ward") and value.get(field_type):
        return value[field_type]
    return value.get("text")


def fields_context(field_assets: Sequence[Mapping[str, Any]], values: Mapping[str, Any]) -> XObject:
    """``@fields``: every field known to the workspace (unset ones are null); renders as
    ``Name: value`` lines for the set ones, sorted by name."""
    props: dict[str, XValue] = {}
    shown: list[tuple[str, XValue]] = []
    for asset in field_assets:
        key = asset["key"]
        if key in props:
            continue
        value = field_value(asset.get("type", "text"), values.get(key))
        props[key] = value
        if value is not None:
            shown.append((asset.get("name", key), value))
    return XObject(props, default=Lazy(lambda: _fields_text(shown)))


def _fields_text(shown: list[tuple[str, XValue]]) -> str:
    """How ``@fields`` renders (worked out when it is: templates mostly read one field)."""
    shown.sort(key=lambda item: item[0])
    return "\n".join(f"{name}: {render_text(value)}" for name, value in shown)


def urns_context(urns: Sequence[str], redact: bool = False) -> XObject:
    """``@urns``: the first URN of each scheme (null where the contact has none)."""
    props: dict[str, XValue] = dict.fromkeys(URN_SCHEMES)
    for urn in urns:
        scheme = urn_scheme(urn)
        if props.get(scheme) is None:
            clean = strip_urn_params(urn)
            props[scheme] = redact_urn(clean) if redact else clean
    return XObject(props)


def deprecate(
    obj: XObject, name: str, message: str, warn: Callable[[str], None] | None = None
) -> XObject:
    """Mark ``obj.name`` deprecated: a template path reading it reports ``message`` to the
    object's deprecation hook (``warn``, when given), rendering or ``json()`` doesn't."""
    obj.deprecate(name, message)
    if warn is not None:
        obj.on_deprecated = warn
    return obj


def urn_context_text(urn: str, redact: bool = False) -> str:
    """A URN as templates see it: without its query (channel affinity) but with its display
    part, or ``scheme:********`` when URNs are redacted."""
    clean = strip_urn_params(urn)
    return redact_urn(clean) if redact else clean


def channel_context(channel: Mapping[str, Any] | None) -> XObject | None:
    """A channel asset: renders as its name."""
    if not channel:
        return None
    name = channel.get("name")
    return XObject.of_lowercase(
        {"uuid": channel.get("uuid"), "name": name, "address": channel.get("address")},
        default=name,
    )


def user_context(
    user: Mapping[str, Any] | None, users: Sequence[Mapping[str, Any]] = ()
) -> XObject | None:
    """A user (e.g. a ticket's assignee), completed from the workspace's user assets."""
    if not user:
        return None
    asset = next(
        (u for u in users if (user.get("uuid") and u.get("uuid") == user.get("uuid"))
         or (user.get("email") and u.get("email") == user.get("email"))),
        None,
    )  # fmt: skip
    data = {**(asset or {}), **{k: v for k, v in user.items() if v}}
    name = data.get("name") or ""
    first = name.split()[0] if name.split() else ""
    return XObject.of_lowercase(
        {"email": data.get("email") or "", "name": name, "first_name": first}, default=name
    )


def topic_context(topic: Mapping[str, Any] | None) -> XObject | None:
    if not topic:
        return None
    return XObject.of_lowercase(
        {"uuid": topic.get("uuid"), "name": topic.get("name")}, default=topic.get("name")
    )


def ticket_context(
    ticket: Mapping[str, Any] | None, users: Sequence[Mapping[str, Any]] = ()
) -> XObject | None:
    """``@ticket`` (and each of the deprecated ``@contact.tickets``)."""
    if not ticket:
        return None
    return XObject(
        {
            "uuid": ticket.get("uuid"),
            "topic": topic_context(ticket.get("topic")),
            "assignee": user_context(ticket.get("assignee"), users),
        }
    )


# goflow's @contact.ref: the id scrambled by a 4-round Feistel network keyed by the workspace's
# obfuscation key, written in a 32-letter alphabet without look-alikes (6 letters below 2^30,
# 7 letters up to 9,999,999,999). DEFAULT_OBFUSCATION_KEY is the key goflow's tests run with.
DEFAULT_OBFUSCATION_KEY = (0xA3B1C, 0xD2E3F, 0x1A2B3, 0xC0FFEE)
_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_SIX_LETTER_LIMIT = 1 << 30
_MAX_REF_ID = 9_999_999_999


def _feistel(number: int, key: Sequence[int], bits: int) -> int:
    half = bits // 2
    mask = (1 << half) - 1
    left, right = (number >> half) & mask, number & mask
    for round_key in key:
        mixed = (right ^ round_key) * 0x45D9F3B
        mixed = (mixed ^ (mixed >> 16)) & mask
        left, right = right, left ^ mixed
    return (left << half) | right


def contact_ref(contact_id: int | None, key: Sequence[int] | None = None) -> str:
    """``@contact.ref`` (e.g. 1234567 -> "PLZGVS"); "" for a contact without a valid id."""
    if not contact_id or contact_id < 0 or contact_id > _MAX_REF_ID:
        return ""
    key = key or DEFAULT_OBFUSCATION_KEY
    if contact_id < _SIX_LETTER_LIMIT:
        code, length = _feistel(contact_id, key, 30), 6
    else:
        code, length = _feistel(contact_id - _SIX_LETTER_LIMIT, key, 34), 7
    letters = []
    for _ in range(length):
        code, digit = divmod(code, 32)
        letters.append(_REF_ALPHABET[digit])
    return "".join(reversed(letters))


def group_context(group: Mapping[str, Any]) -> XObject:
    return XObject({"uuid": group.get("uuid"), "name": group.get("name")})


def contact_context(
    contact: Mapping[str, Any],
    field_assets: Sequence[Mapping[str, Any]],
    redact: bool = False,
) -> XObject:
    """``@contact`` from a goflow contact JSON object; renders as the contact's name."""
    urns = [strip_urn_params(u) for u in contact.get("urns", [])]
    shown_urns = [redact_urn(u) for u in urns] if redact else urns
    name = contact.get("name") or ""
    fields = contact.get("fields", {})
    created_on = contact.get("created_on")
    props: dict[str, XValue] = {
        "uuid": contact.get("uuid"),
        "id": str(contact["id"]) if contact.get("id") is not None else None,
        "ref": contact_ref(contact.get("id")),
        "name": name,
        "first_name": name.split(" ")[0] if name else None,
        "language": contact.get("language"),
        "timezone": contact.get("timezone"),
        "status": contact.get("status", "active"),
        "created_on": Lazy(lambda: parse_iso_datetime(created_on)) if created_on else None,
        "last_seen_on": None,
        "urns": shown_urns,
        "urn": shown_urns[0] if shown_urns else None,
        "groups": Lazy(lambda: [group_context(g) for g in contact.get("groups", [])]),
        "fields": Lazy(lambda: fields_context(field_assets, fields)),
        "channel": None,
        "tickets": Lazy(lambda: [XObject(t) for t in contact.get("tickets", [])]),
    }
    return XObject(props, default=name or (shown_urns[0] if shown_urns else ""))
