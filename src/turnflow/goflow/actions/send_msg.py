"""Sends the contact a message: text, attachments and quick replies (in the contact's language
where the flow translates them), or a preview of a channel template, on the first URN and
channel that can reach the contact.

Example:

    {"type": "send_msg", "uuid": "...",
     "text": "Hi @contact.first_name, are you coming on Saturday?", "quick_replies": ["Yes", "No"]}

Events:

    [{"type": "msg_created",
      "msg": {"urn": "tel:+12065551212",
              "channel": {"uuid": "2ce9a49c-af7d-4a85-9aaf-48ceab99b1b7", "name": "Android Phone"},
              "text": "Hi Ana, are you coming on Saturday?",
              "quick_replies": [{"type": "text", "text": "Yes"}, {"type": "text", "text": "No"}],
              "locale": "eng-US"}}]
"""

from __future__ import annotations

import re
from typing import Any

from ...core.runtime import Runtime
from .base import BaseAction
from .message_locale import _locale_of, contact_language, text_language
from .message_route import message_route, unsendable_reason

MAX_ATTACHMENT_LENGTH = 2048


MAX_QUICK_REPLY_TEXT = 64


MAX_QUICK_REPLY_EXTRA = 1000


_CONTENT_TYPE = re.compile(r"(image|audio|video|application|geo|unavailable|(\w+/[-+.\w]+))")


_MEDIA_VARIABLES = ("image", "video", "document")


_TEXT_COMPONENTS = ("header/text", "body/text", "footer/text")


def _plain_msg(
    rt: Runtime,
    urn: str | None,
    channel: dict[str, Any] | None,
    text: str,
    locale: str | None,
    attachments: list[str] | None = None,
    quick_replies: list[dict[str, Any]] | None = None,
    topic: str | None = None,
) -> dict[str, Any]:
    """The usual message (no template, no send check), built as goflow writes it: no empty
    parts, in goflow's key order."""
    msg: dict[str, Any] = {}
    if urn is not None:
        msg["urn"] = urn
    if channel:
        msg["channel"] = {"uuid": channel["uuid"], "name": channel["name"]}
    msg["text"] = text
    if attachments:
        msg["attachments"] = attachments
    if quick_replies:
        msg["quick_replies"] = quick_replies
    if topic:
        msg["topic"] = topic
    if locale is not None:
        msg["locale"] = locale
    if urn is None:
        msg["unsendable_reason"] = unsendable_reason(rt)
    return msg


def is_valid_attachment(value: str) -> bool:
    """goflow's attachment check: a known content type, a colon, then a non-empty URL."""
    content_type, sep, url = value.partition(":")
    return bool(sep) and bool(url) and _CONTENT_TYPE.fullmatch(content_type.lower()) is not None


def truncate_ellipsis(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 3] + "..."


def quick_reply(text: str) -> dict[str, Any]:
    """A quick reply; ``text<extra>more`` carries extra content after the marker."""
    label, marker, extra = text.partition("<extra>")
    reply: dict[str, Any] = {"type": "text", "text": truncate_ellipsis(label, MAX_QUICK_REPLY_TEXT)}
    if marker:
        reply["extra"] = truncate_ellipsis(extra, MAX_QUICK_REPLY_EXTRA)
    return reply


class SendMsg(BaseAction):
    type = "send_msg"

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        # what the message is made of, read once: goflow resolves one language for it from
        # the first part the author filled in
        self._text = data.get("text", "")
        self._attachments = data.get("attachments") or []
        self._quick_replies = data.get("quick_replies") or []
        self._language_key = next(
            (key for key in ("text", "attachments", "quick_replies") if data.get(key)), None
        )
        # text alone (no attachments, quick replies, template or topic): most messages, which
        # :meth:`_send_text` makes without the general path's steps
        self._text_only = not (
            self._attachments or self._quick_replies or data.get("template") or data.get("topic")
        )
        # no expression: the text renders as written
        self._plain_text = type(self._text) is str and "@" not in self._text

    def _content(self, rt: Runtime) -> tuple[str, list[str], list[dict[str, Any]]]:
        run = rt.run
        if run is None or not run.flow.localization:  # nothing translated: no copies needed
            text = rt.evaluate(self._text)
            attachment_templates = self._attachments
            reply_templates = self._quick_replies
        else:
            text = rt.evaluate(self.localized(rt, "text", self.data.get("text", "")))
            attachment_templates = self.localized(rt, "attachments", list(self._attachments))
            reply_templates = self.localized(rt, "quick_replies", list(self._quick_replies))
        attachments = []
        for template in attachment_templates:
            value = rt.evaluate(template).strip()
            if not is_valid_attachment(value):
                rt.error("Attachment evaluated to invalid value and will be ignored")
            elif len(value) > MAX_ATTACHMENT_LENGTH:
                rt.error(
                    f"Evaluated attachment is longer than the {MAX_ATTACHMENT_LENGTH} limit "
                    "and will be ignored"
                )
            else:
                attachments.append(value)
        quick_replies = []
        for template in reply_templates:
            value = rt.evaluate(template)
            if not value:
                rt.error("Quick reply evaluated to empty string and will be ignored")
                continue
            quick_replies.append(quick_reply(value))
        return text, attachments, quick_replies

    def _language(self, rt: Runtime) -> str | None:
        """goflow resolves one language for the message from the part the author filled in."""
        key = self._language_key
        if key is not None:
            return text_language(rt, self.uuid, key)
        return text_language(rt, None)

    def execute(self, rt: Runtime) -> None:
        run = rt.run
        if not (
            self._text_only
            and run is not None
            and not run.flow.localization
            and rt.family.send_check is None  # (_has_send_check, without the call)
        ):
            self._send(rt)
            return
        # a message of text alone in a flow without translations (its language is the flow's
        # own): made here as _send makes it, with the same result (every message of most flows)
        text = self._text
        if not self._plain_text or len(text) > rt.limits.max_template_length:
            text = rt.evaluate(text)  # (plain text within the limit renders as itself)
        country, urn, channel = message_route(rt)
        language = run.flow.language or rt.env.default_language
        msg: dict[str, Any] = {}  # (as _plain_msg makes it)
        if urn is not None:
            msg["urn"] = urn
        if channel:
            msg["channel"] = {"uuid": channel["uuid"], "name": channel["name"]}
        msg["text"] = text
        if language:
            msg["locale"] = f"{language}-{country}" if country else language
        if urn is None:
            msg["unsendable_reason"] = unsendable_reason(rt)
        rt.stamp_event("msg_created")["msg"] = msg

    def _send(self, rt: Runtime) -> None:
        """The message, in general: translated, with attachments, quick replies, a template
        or a topic, or checked before it's sent."""
        text, attachments, quick_replies = self._content(rt)
        # the contact doesn't change while the message is made
        country, urn, channel = message_route(rt)
        language = self._language(rt)
        msg_locale = (f"{language}-{country}" if country else language) if language else None
        if not self.data.get("template") and not _has_send_check(rt):
            rt.stamp_event("msg_created")["msg"] = _plain_msg(
                rt,
                urn,
                channel,
                text,
                msg_locale,
                attachments,
                quick_replies,
                self.data.get("topic"),
            )
            return
        msg = {
            "urn": urn,
            "channel": {"uuid": channel["uuid"], "name": channel["name"]} if channel else None,
            "text": text,
            "attachments": attachments or None,
            "quick_replies": quick_replies or None,
        }
        if channel is not None and self.data.get("template"):
            templated = self._template_msg(rt, channel)
            if templated is not None:
                msg.update(templated)
                msg_locale = templated["locale"]
        if self.data.get("topic"):
            msg["topic"] = self.data["topic"]
        msg["locale"] = msg_locale
        if urn is None:
            msg["unsendable_reason"] = unsendable_reason(rt)
        else:
            reason = _send_check(rt, msg)
            if reason:
                msg["unsendable_reason"] = reason
        rt.new_event("msg_created", msg={k: v for k, v in msg.items() if v is not None})

    def _template_msg(self, rt: Runtime, channel: dict[str, Any]) -> dict[str, Any] | None:
        """The message previewing the action's WhatsApp-style template, if the template has a
        translation for the channel."""
        ref = self.data["template"]
        templates = getattr(rt.assets, "templates", None)
        template = templates.get(ref.get("uuid")) if templates is not None else None
        if template is None:
            return None
        candidates = [
            t for t in template.get("translations") or []
            if (t.get("channel") or {}).get("uuid") == channel.get("uuid")
        ]  # fmt: skip
        if not candidates:
            return None
        contact_locale = _locale_of(rt, contact_language(rt) or rt.env.default_language)
        env_locale = _env_locale(rt)
        translation = _match_locale(candidates, [contact_locale, env_locale])
        values = [rt.evaluate(v) for v in self.data.get("template_variables") or []]
        variables = []
        for index, variable in enumerate(translation.get("variables") or []):
            value = values[index] if index < len(values) else ""
            variables.append({"type": variable.get("type", "text"), "value": value})
        components = [
            {"name": c.get("name"), "type": c.get("type"), "variables": c["variables"]}
            for c in translation.get("components") or []
            if c.get("variables")
        ]
        text, attachments, quick_replies = _preview(translation, variables)
        templating: dict[str, Any] = {
            "template": {"uuid": ref.get("uuid"), "name": ref.get("name")}
        }
        if components:
            templating["components"] = components
        if variables:
            templating["variables"] = variables
        return {
            "text": text,
            "attachments": attachments or None,
            "quick_replies": quick_replies or None,
            "templating": templating,
            "locale": translation.get("locale"),
        }


def _env_locale(rt: Runtime) -> str | None:
    language = rt.env.default_language or (rt.env.allowed_languages or (None,))[0]
    if not language:
        return None
    country = rt.env.default_country or ""
    return f"{language}-{country}" if country else language


def _match_locale(candidates: list[dict[str, Any]], wanted: list[str | None]) -> dict[str, Any]:
    """The translation best matching the preferred locales (exact, then same language),
    else the first one (as a BCP47 matcher falls back to its default)."""
    for preferred in wanted:
        if not preferred:
            continue
        language = preferred.split("-", 1)[0]
        for candidate in candidates:
            if candidate.get("locale") == preferred:
                return candidate
        for candidate in candidates:
            if str(candidate.get("locale", "")).split("-", 1)[0] == language:
                return candidate
    return candidates[0]


def _preview(
    translation: dict[str, Any], variables: list[dict[str, Any]]
) -> tuple[str, list[str], list[dict[str, Any]]]:
    """Approximate content of the templated message, as the channel would send it."""
    texts: list[str] = []
    attachments: list[str] = []
    quick_replies: list[dict[str, Any]] = []
    for component in translation.get("components") or []:
        content = component.get("content") or ""
        for key, index in (component.get("variables") or {}).items():
            if index >= len(variables):
                continue
            variable = variables[index]
            if variable["type"] == "text":
                content = content.replace("{{" + key + "}}", variable["value"])
            elif variable["type"] in _MEDIA_VARIABLES and is_valid_attachment(variable["value"]):
                attachments.append(variable["value"])
        if not content:
            continue
        kind = component.get("type") or ""
        if kind in _TEXT_COMPONENTS:
            texts.append(content)
        elif kind.startswith("button/"):
            quick_replies.append(
                {"type": "text", "text": truncate_ellipsis(content, MAX_QUICK_REPLY_TEXT)}
            )
    return "\n\n".join(texts), attachments, quick_replies


def _has_send_check(rt: Runtime) -> bool:
    return rt.family.send_check is not None


def _send_check(rt: Runtime, msg: dict[str, Any]) -> str | None:
    """The engine's optional content check (goflow's engine option): a reason or None."""
    check = rt.family.send_check
    return check(msg) if check is not None else None
