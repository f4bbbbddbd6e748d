"""Messaging actions: send_msg (and, for voice flows, say_msg and play_audio)."""

from __future__ import annotations

from typing import Any

from ...core.runtime import Runtime
from .base import BaseAction


def contact_language(rt: Runtime) -> str | None:
    contact = rt.session.contact
    return contact.get("language") if isinstance(contact, dict) else getattr(contact, "language", None)


def contact_urns(rt: Runtime) -> list[str]:
    """The contact's URNs as text, channel affinity included (``tel:+1?channel=...``)."""
    contact = rt.session.contact
    urns = contact.get("urns", []) if isinstance(contact, dict) else getattr(contact, "urns", [])
    return [u.encode() if hasattr(u, "encode") and not isinstance(u, str) else str(u) for u in urns]


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
        if scheme in channel.get("schemes", []) and "send" in channel.get("roles", ["send"]):
            return channel
    return None


def destination(rt: Runtime) -> tuple[str | None, dict[str, Any] | None]:
    """The URN and channel to reach the contact on (the first URN a channel can send to)."""
    for urn in contact_urns(rt):
        channel = _channel_for(rt, urn)
        if channel is not None:
            clean = urn.split("?", 1)[0]
            return clean, {"uuid": channel["uuid"], "name": channel["name"]}
    return None, None


def locale(rt: Runtime, item_uuid: str | None = None, key: str = "text") -> str | None:
    """``language-COUNTRY`` of a message: the contact's language where the flow translates
    the item, else the flow's language."""
    from ..routing import translation_language

    run = rt.run
    language = None
    if run is not None:
        language = translation_language(rt, run)
        if language and item_uuid and run.flow.localized(language, item_uuid, key) is None:
            language = None
        language = language or run.flow.language
    language = language or rt.env.default_language
    if not language:
        return None
    return f"{language}-{rt.env.default_country}" if rt.env.default_country else language


def unsendable_reason(rt: Runtime) -> str:
    contact = rt.session.contact
    status = contact.get("status") if isinstance(contact, dict) else getattr(contact, "status", "active")
    if status in ("blocked", "stopped", "archived"):
        return f"contact_{status}"
    return "no_route" if contact_urns(rt) else "no_destination"


class SendMsg(BaseAction):
    type = "send_msg"

    def execute(self, rt: Runtime) -> None:
        text = rt.evaluate(self.localized(rt, "text", self.data.get("text", "")))
        attachments = []
        for template in self.localized(rt, "attachments", list(self.data.get("attachments", []))):
            value = rt.evaluate(template)
            if value and ":" in value:
                attachments.append(value)
        quick_replies = []
        for template in self.localized(rt, "quick_replies", list(self.data.get("quick_replies", []))):
            value = rt.evaluate(template)
            if value:
                quick_replies.append({"text": value, "type": "text"})
        urn, channel = destination(rt)
        msg: dict[str, Any] = {"urn": urn, "channel": channel, "text": text}
        if attachments:
            msg["attachments"] = attachments
        if quick_replies:
            msg["quick_replies"] = quick_replies
        msg["locale"] = locale(rt, self.uuid)
        if urn is None:
            msg["unsendable_reason"] = unsendable_reason(rt)
        rt.new_event("msg_created", msg={k: v for k, v in msg.items() if v is not None})


class SayMsg(BaseAction):
    type = "say_msg"

    def execute(self, rt: Runtime) -> None:
        text = rt.evaluate(self.localized(rt, "text", self.data.get("text", "")))
        msg: dict[str, Any] = {"text": text, "locale": locale(rt, self.uuid)}
        audio = self.localized(rt, "audio_url", self.data.get("audio_url") or "")
        if audio:
            msg["attachments"] = [f"audio:{audio}"]
        urn, channel = destination(rt)
        msg.update({"urn": urn, "channel": channel})
        rt.new_event("ivr_created", msg={k: v for k, v in msg.items() if v is not None})


class PlayAudio(BaseAction):
    type = "play_audio"

    def execute(self, rt: Runtime) -> None:
        audio = rt.evaluate(self.localized(rt, "audio_url", self.data.get("audio_url", "")))
        urn, channel = destination(rt)
        msg = {"urn": urn, "channel": channel, "text": "", "attachments": [f"audio:{audio}"], "locale": locale(rt, self.uuid, "audio_url")}
        rt.new_event("ivr_created", msg={k: v for k, v in msg.items() if v is not None})
