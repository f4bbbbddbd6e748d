"""Actions that reach other contacts or sessions: send_broadcast, start_session; and
add_input_labels and request_optin (which act on the input and opt-ins).

None of them does the work itself: like goflow they emit an event (broadcast_created,
session_triggered, input_labels_added) that the host application acts on.
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers

from ...core.runtime import Runtime
from ...expressions import XError, XObject, compile_template, to_text
from .base import BaseAction
from .services import asset_items, current_run, dependency_error, find_asset, is_batch, ref_of

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
    from ...expressions.compiler import Scope

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
            rt.error(f"Error evaluating expression: {text.message}", code="expression",
                     extra={"expression": part.source})
            text = ""
        out.append('"' + text.replace('"', '\\"') + '"')
    return "".join(out)


def _normalize_tel(rt: Runtime, text: str) -> str | None:
    """A phone number as an E.164 tel URN (None when it isn't a possible number)."""
    from .messages import merged_country

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
    from ..contact import normalize_urn, split_urn

    scheme, path, _, _ = split_urn(urn)
    if scheme == "tel" and not path.startswith("+"):
        return _normalize_tel(rt, path) or normalize_urn(urn)
    return normalize_urn(urn)


def resolve_groups(rt: Runtime, refs: list[dict[str, Any]], missing_code: str = "group:missing",
                   kind: str = "group", plural: str = "groups") -> list[dict[str, Any]]:  # fmt: skip
    """Group (or label) references to assets: by UUID (a missing one is a dependency error) or
    by a name template (``name_match``) evaluated now."""
    found = []
    for ref in refs:
        if ref.get("uuid"):
            asset = find_asset(rt, plural, ref["uuid"])
            if asset is None:
                dependency_error(rt, kind, ref)
                continue
        else:
            template = ref.get("name_match") or ""
            before = len(rt.emitted)
            name = rt.evaluate(template)
            if any(e["type"] == "error" for e in rt.emitted[before:]):
                continue
            asset = next((a for a in asset_items(rt, plural) if a.get("name", "").lower() == name.lower()), None)
            if asset is None:
                rt.error(f"No such {kind} with name '{name}'", code=missing_code, extra={"name": name})
                continue
        found.append(ref_of(asset))
    return found


def resolve_recipients(rt: Runtime, data: dict[str, Any]) -> tuple[list[Any], list[Any], str, list[str]]:
    """Groups, contacts, contact query and URNs of a broadcast or session start, including
    legacy variables (a UUID is a contact, a name a group, else a URN or phone number)."""
    groups = resolve_groups(rt, list(data.get("groups") or []))
    contacts = [dict(c) for c in data.get("contacts") or []]
    urns = list(data.get("urns") or [])
    for template in data.get("legacy_vars") or []:
        value = rt.evaluate(template).strip()
        group = next((g for g in asset_items(rt, "groups") if g.get("name", "").lower() == value.lower()), None) if value else None
        if _UUID.match(value):
            contacts.append({"uuid": value, "name": ""})
        elif group is not None:
            groups.append(ref_of(group))
        elif _looks_like_urn(value):
            urns.append(_normalize_urn(rt, value))
        elif (tel := _normalize_tel(rt, value) if re.fullmatch(r"[\d\s()+.-]+", value) else None):
            urns.append(tel)
        else:
            rt.error(f"'{value}' couldn't be resolved to a contact, group or URN")
    query = evaluate_query(rt, data.get("contact_query") or "").strip()
    return groups, contacts, query, urns


def _looks_like_urn(value: str) -> bool:
    from ..contact import urn_error

    return ":" in value and urn_error(value) is None


# -- the actions ----------------------------------------------------------------------------------


class SendBroadcast(BaseAction):
    type = "send_broadcast"
    required = ("text",)

    def execute(self, rt: Runtime) -> None:
        if is_batch(rt) and self.data.get("groups"):
            rt.error("Can't send broadcasts to groups during batch starts")
            return
        groups, contacts, query, urns = resolve_recipients(rt, self.data)
        if not (groups or contacts or query or urns):
            return
        run = current_run(rt)
        flow = run.flow
        languages = [flow.language, *[lang for lang in flow.localization if lang != flow.language]]
        translations: dict[str, Any] = {}
        for language in languages:
            translations[language] = self._content(rt, language)
        fields: dict[str, Any] = {
            "translations": translations,
            "base_language": flow.language,
            "groups": groups or None,
            "contacts": contacts or None,
            "contact_query": query or None,
            "urns": urns or None,
        }
        template_ref = self.data.get("template")
        template = find_asset(rt, "templates", template_ref.get("uuid")) if template_ref else None
        if template is not None:
            fields["template"] = ref_of(template)
            fields["template_variables"] = [rt.evaluate(v) for v in self.data.get("template_variables") or []] or None
        rt.new_event("broadcast_created", **fields)

    def _content(self, rt: Runtime, language: str) -> dict[str, Any]:
        flow = current_run(rt).flow

        def local(key: str, default: list[str]) -> list[str]:
            found = flow.localized(language, self.uuid, key)
            return found if found is not None else default

        text = rt.evaluate(local("text", [self.data.get("text", "")])[0])
        content: dict[str, Any] = {"text": text}
        attachments = [a for a in (rt.evaluate(t) for t in local("attachments", list(self.data.get("attachments") or []))) if a]
        if attachments:
            content["attachments"] = attachments
        replies = [q for q in (rt.evaluate(t) for t in local("quick_replies", list(self.data.get("quick_replies") or []))) if q]
        if replies:
            content["quick_replies"] = [{"type": "text", "text": q} for q in replies]
        return content


class StartSession(BaseAction):
    type = "start_session"
    required = ("flow",)

    def execute(self, rt: Runtime) -> None:
        ref = self.data["flow"]
        flow = self._flow(rt, ref.get("uuid"))
        if flow is None:
            dependency_error(rt, "flow", ref)
            return
        if is_batch(rt) and (self.data.get("groups") or self.data.get("contact_query")):
            rt.error("Can't start new sessions for groups or queries during batch starts")
            return
        groups, contacts, query, urns = resolve_recipients(rt, self.data)
        create = bool(self.data.get("create_contact"))
        if not (groups or contacts or query or urns or create):
            return
        run = current_run(rt)
        exclusions = {"in_a_flow": True} if (self.data.get("exclusions") or {}).get("in_a_flow") else {}
        contact = rt.session.contact
        contact_json = contact.to_json() if hasattr(contact, "to_json") else dict(contact or {})
        rt.new_event(
            "session_triggered",
            flow={"uuid": flow.uuid, "name": flow.name},
            groups=groups or None,
            contacts=contacts or None,
            contact_query=query or None,
            exclusions=exclusions,
            create_contact=True if create else None,
            urns=urns or None,
            run_summary={
                "uuid": run.uuid,
                "flow": run.flow.ref,
                "contact": contact_json,
                "status": run.status,
                "results": {k: dict(v) for k, v in run.results.items()},
            },
            history=self._history(rt),
        )

    @staticmethod
    def _flow(rt: Runtime, uuid: str | None) -> Any:
        if not uuid or rt.assets is None:
            return None
        try:
            return rt.assets.flow(uuid)
        except Exception:  # a missing or unreadable flow is a missing dependency here
            return None

    @staticmethod
    def _history(rt: Runtime) -> dict[str, Any]:
        previous = (rt.session.trigger or {}).get("history") or {}
        since_input = 0 if rt.session.input else int(previous.get("ancestors_since_input", 0)) + 1
        return {
            "parent_uuid": rt.session.uuid,
            "ancestors": int(previous.get("ancestors", 0)) + 1,
            "ancestors_since_input": since_input,
        }


class AddInputLabels(BaseAction):
    type = "add_input_labels"
    required = ("labels",)

    def execute(self, rt: Runtime) -> None:
        given = rt.session.input
        if not given:
            rt.error("No input to add labels to")
            return
        labels = resolve_groups(rt, list(self.data.get("labels") or []), "label:missing", "label", "labels")
        if labels:
            rt.new_event("input_labels_added", input_uuid=given.get("uuid"), labels=labels)


class RequestOptin(BaseAction):
    """No longer supported by goflow: always an error event."""

    type = "request_optin"
    required = ("optin",)

    def execute(self, rt: Runtime) -> None:
        rt.error("opt-in requests are no longer supported", code="action:unsupported")


__all__ = ["AddInputLabels", "RequestOptin", "SendBroadcast", "StartSession", "XObject"]
