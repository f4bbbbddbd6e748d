"""Where a message to the contact goes: its URNs, the URN and channel that can reach it,
its country, and why a message can't be sent when nothing can reach it."""

from __future__ import annotations

import functools
from typing import Any

import phonenumbers

from ...core.runtime import Runtime
from ..contact import Contact, ContactURN


def contact_urns(rt: Runtime) -> list[str]:
    """The contact's URNs as text, channel affinity included (``tel:+1?channel=...``)."""
    contact = rt.session.contact
    if type(contact) is Contact:  # (the usual contact: its own URNs' texts)
        return contact.encoded_urns()
    urns = contact.get("urns", []) if isinstance(contact, dict) else getattr(contact, "urns", [])
    return [
        u.encode() if type(u) is ContactURN or (hasattr(u, "encode") and not isinstance(u, str))
        else str(u)
        for u in urns
    ]  # fmt: skip


def _channel_for(rt: Runtime, urn: str) -> dict[str, Any] | None:
    """The channel a message to this URN goes out on: its affinity, else the first channel
    that can send to the URN's scheme."""
    channels = getattr(rt.assets, "channels", []) or []
    scheme = urn.split(":", 1)[0]
    if "channel=" in urn:
        wanted = urn.split("channel=", 1)[1].split("&", 1)[0]
        for channel in channels:
            if channel.get("uuid") == wanted:
                return channel
    for channel in channels:
        roles = channel.get("roles", ["send"]) or []  # (no roles given: it sends; null: not)
        if scheme in (channel.get("schemes") or []) and "send" in roles:
            return channel
    return None


def _destination_channel(
    rt: Runtime, urns: list[str] | None = None
) -> tuple[str | None, dict[str, Any] | None]:
    for urn in contact_urns(rt) if urns is None else urns:
        channel = _channel_for(rt, urn)
        if channel is not None:
            return urn.split("?", 1)[0], channel
    return None, None


def destination(rt: Runtime) -> tuple[str | None, dict[str, Any] | None]:
    """The URN and channel to reach the contact on (the first URN a channel can send to)."""
    urn, channel = _destination_channel(rt)
    if channel is None:
        return None, None
    return urn, {"uuid": channel["uuid"], "name": channel["name"]}


def contact_country(rt: Runtime, urns: list[str] | None = None) -> str:
    """goflow's contact country: its preferred channel's country, else the country of its
    first tel URN that has one ('' if neither). ``urns``: the contact's, if already at hand."""
    if urns is None:
        urns = contact_urns(rt)
    for urn in urns:
        if "channel=" in urn:
            wanted = urn.split("channel=", 1)[1].split("&", 1)[0]
            channels = getattr(rt.assets, "channels", []) or []
            channel = next((c for c in channels if c.get("uuid") == wanted), None)
            if channel is not None and channel.get("country"):
                return str(channel["country"])
            break
    for urn in urns:
        if urn.startswith("tel:"):
            region = _tel_region(urn[4:].split("?", 1)[0].split("#", 1)[0])
            if region:
                return region
    return ""


@functools.lru_cache(maxsize=4096)
def _tel_region(path: str) -> str:
    """The country of a phone number ('' if unknown); parsing one is slow and every message
    asks, so the answers are kept."""
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(path, None))
    except phonenumbers.NumberParseException:
        return ""
    return region if region and region != "ZZ" else ""


def merged_country(rt: Runtime, urns: list[str] | None = None) -> str:
    """The session's merged environment country: the contact's, else the environment's."""
    country = getattr(rt, "country", None)  # (a goflow runtime's, worked out with its env)
    if country is not None:
        return country  # type: ignore[no-any-return]
    return contact_country(rt, urns) or (rt.env.default_country or "")


def message_route(rt: Runtime) -> tuple[str, str | None, dict[str, Any] | None]:
    """The merged country, and the URN and channel a message goes out on; kept on the contact
    (``Contact._route``) while it, the assets and the environment stay."""
    contact = rt.session.contact
    if not isinstance(contact, Contact):
        return _message_route(rt)
    env = rt.env
    assets, default_country = rt.assets, env.default_country
    kept = contact._route
    if (
        kept is not None and kept[0] is assets and kept[1] is env
        and kept[2] is default_country
    ):  # fmt: skip
        return kept[3:]  # type: ignore[return-value]
    route = _message_route(rt)
    # one flat tuple: a waiting session holds its contact, and this with it
    object.__setattr__(contact, "_route", (assets, env, default_country, *route))
    return route


def _message_route(rt: Runtime) -> tuple[str, str | None, dict[str, Any] | None]:
    if not getattr(rt.assets, "channels", None):  # no channels: no destination to look for
        return merged_country(rt), None, None  # (which lists the URNs only if it needs them)
    urns = contact_urns(rt)
    return (merged_country(rt, urns), *_destination_channel(rt, urns))


def unsendable_reason(rt: Runtime) -> str:
    contact = rt.session.contact
    status = (
        contact.get("status") if isinstance(contact, dict) else getattr(contact, "status", "active")
    )
    if status in ("blocked", "stopped", "archived"):
        return f"contact_{status}"
    return "no_route"
