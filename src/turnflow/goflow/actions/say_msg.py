"""Speaks a text to the contact in a voice flow, or plays a recording of it when the action
gives an audio URL.

Example:

    {"type": "say_msg", "uuid": "...", "text": "Thanks for calling, @contact.first_name."}

Events:

    [{"type": "ivr_created",
      "msg": {"urn": "tel:+12065551212",
              "channel": {"uuid": "2ce9a49c-af7d-4a85-9aaf-48ceab99b1b7", "name": "Android Phone"},
              "text": "Thanks for calling, Ana.", "locale": "eng-US"}}]
"""

from __future__ import annotations

from typing import Any

from ...core.runtime import Runtime
from .base import BaseAction
from .message_locale import locale
from .message_route import destination


class SayMsg(BaseAction):
    type = "say_msg"

    def execute(self, rt: Runtime) -> None:
        text = rt.evaluate(self.localized(rt, "text", self.data.get("text", "")))
        audio = self.localized(rt, "audio_url", self.data.get("audio_url") or "")
        if not text and not audio:
            rt.error("Can't say message without audio URL or backdown text")
            return
        msg: dict[str, Any] = {"text": text, "locale": locale(rt, self.uuid)}
        if audio:
            msg["attachments"] = [f"audio:{audio}"]
        urn, channel = destination(rt)
        msg.update({"urn": urn, "channel": channel})
        rt.new_event("ivr_created", msg={k: v for k, v in msg.items() if v is not None})
