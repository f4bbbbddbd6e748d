"""Sends a message to other contacts, groups, URNs or a contact query. Like goflow, the action
only emits a broadcast_created event (with the message in each flow language) that the
host application sends.

Example:

    {"type": "send_broadcast", "uuid": "...", "text": "@contact.name has joined the team!",
     "groups": [{"uuid": "928efcc2-bbe1-417d-8750-0244c63ebccc", "name": "Volunteers"}],
     "urns": ["tel:+12065550123"]}

Events:

    [{"type": "broadcast_created",
      "translations": {"eng": {"text": "Ana Souza has joined the team!"}}, "base_language": "eng",
      "groups": [{"uuid": "928efcc2-bbe1-417d-8750-0244c63ebccc", "name": "Volunteers"}],
      "urns": ["tel:+12065550123"]}]
"""

from __future__ import annotations

from typing import Any

from ...core.runtime import Runtime
from .asset_refs import find_asset, ref_of
from .base import BaseAction
from .recipients import resolve_recipients
from .run_state import current_run, is_batch


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
            fields["template_variables"] = [
                rt.evaluate(v) for v in self.data.get("template_variables") or []
            ] or None
        rt.new_event("broadcast_created", **fields)

    def _content(self, rt: Runtime, language: str) -> dict[str, Any]:
        flow = current_run(rt).flow

        def local(key: str, default: list[str]) -> list[str]:
            found = flow.localized(language, self.uuid, key)
            return found if found is not None else default

        texts = local("text", [self.data.get("text", "")])
        text = rt.evaluate(texts[0] if texts else self.data.get("text", ""))
        content: dict[str, Any] = {"text": text}
        attachments = [
            a
            for a in (
                rt.evaluate(t)
                for t in local("attachments", list(self.data.get("attachments") or []))
            )
            if a
        ]
        if attachments:
            content["attachments"] = attachments
        replies = [
            q
            for q in (
                rt.evaluate(t)
                for t in local("quick_replies", list(self.data.get("quick_replies") or []))
            )
            if q
        ]
        if replies:
            content["quick_replies"] = [{"type": "text", "text": q} for q in replies]
        return content
