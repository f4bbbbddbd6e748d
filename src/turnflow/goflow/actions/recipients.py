"""The recipients of a send_broadcast or start_session action: groups, contacts, a contact
query and URNs, including legacy variables."""

from __future__ import annotations

import re
from typing import Any

import phonenumbers

from ...core.runtime import Runtime
from ...expressions import XError, compile_template, to_text
from ...expressions.compiler import Scope
from ..contact import normalize_urn, split_urn, urn_error
from .asset_refs import asset_items, ref_of, resolve_groups
from .message_route import merged_country

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def evaluate_query(rt: Runtime, template: str) -> str:
    """Render a contact query template, quoting each evaluated value as a query string
    (goflow's contact query escaping), so ``gender = @fields.gender`` gives ``gender = "Male"``."""
    if "@" not in template:
        return template
    compiled = compile_template(template, max_length=rt.limits.max_template_length)
    parts = getattr(compiled, "_parts", None)
    if parts is None:  # the template API changed: fall back to plain rendering
        return rt.evaluate(template)
    context = rt.context()
    scope = Scope(rt.env, context)
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        top = getattr(part, "top_level", None)
        if top is not None and not context.has(top):
            out.append(part.source)
            continue
        error = getattr(part, "error", None)
        value = error if error is not None else part.fn(scope)
        text = value if isinstance(value, str) else to_text(rt.env, value)
        if isinstance(text, XError):
            rt.error(
                f"Error evaluating expression: {text.message}",
                code="expression",
                extra={"expression": part.source},
            )
            text = ""
        out.append('"' + text.replace('"', '\\"') + '"')
    return "".join(out)


def _normalize_tel(rt: Runtime, text: str) -> str | None:
    """A phone number as an E.164 tel URN (None when it isn't a possible number)."""
    # goflow parses with the session's merged country: the contact's, else the workspace's
    country = (merged_country(rt) or "").upper() or None
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _normalize_urn(rt: Runtime, urn: str) -> str:
    scheme, path, _, _ = split_urn(urn)
    if scheme == "tel" and not path.startswith("+"):
        return _normalize_tel(rt, path) or normalize_urn(urn)
    return normalize_urn(urn)


def resolve_recipients(
    rt: Runtime, data: dict[str, Any]
) -> tuple[list[Any], list[Any], str, list[str]]:
    """Groups, contacts, contact query and URNs of a broadcast or session start, including
    legacy variables (a UUID is a contact, a name a group, else a URN or phone number)."""
    groups = resolve_groups(rt, list(data.get("groups") or []))
    contacts = [dict(c) for c in data.get("contacts") or []]
    urns = list(data.get("urns") or [])
    for template in data.get("legacy_vars") or []:
        value = rt.evaluate(template).strip()
        group = (
            next(
                (
                    g
                    for g in asset_items(rt, "groups")
                    if g.get("name", "").lower() == value.lower()
                ),
                None,
            )
            if value
            else None
        )
        if _UUID.match(value):
            contacts.append({"uuid": value, "name": ""})
        elif group is not None:
            groups.append(ref_of(group))
        elif _looks_like_urn(value):
            urns.append(_normalize_urn(rt, value))
        elif tel := _normalize_tel(rt, value) if re.fullmatch(r"[\d\s()+.-]+", value) else None:
            urns.append(tel)
        else:
            rt.error(f"'{value}' couldn't be resolved to a contact, group or URN")
    query = evaluate_query(rt, data.get("contact_query") or "").strip()
    return groups, contacts, query, urns


def _looks_like_urn(value: str) -> bool:
    return ":" in value and urn_error(value) is None
