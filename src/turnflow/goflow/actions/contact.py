"""The session's contact as the contact actions see it: the contact-related assets (kept on
the asset bundle), changing the contact through a modifier, and its URNs."""

from __future__ import annotations

from typing import Any

from ...core.runtime import Runtime
from ..contact import Contact, ContactAssets, ContactURN
from ..modifiers import ModifierContext, apply_modifier
from ..runtime import contact_changed


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
    changed = apply_modifier(ctx, contact, modifier)
    rt.emitted.extend(ctx.log)
    if changed and modifier.get("type") in _ENVIRONMENT_MODIFIERS:
        contact_changed(rt)  # the session's time zone or country may be another now


# the modifiers that can change the contact's time zone or country
_ENVIRONMENT_MODIFIERS = frozenset(("timezone", "urns", "routes", "affinity", "channel"))


def _contact_urns(rt: Runtime) -> list[Any]:
    contact = rt.session.contact
    urns = contact.get("urns", []) if isinstance(contact, dict) else getattr(contact, "urns", [])
    return [u if isinstance(u, ContactURN) else ContactURN.parse(str(u)) for u in urns or []]
