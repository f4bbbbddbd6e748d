"""Plays a recording (its URL a template) to the contact in a voice flow.

Example:

    {"type": "play_audio", "uuid": "...", "audio_url": "http://media.example.com/menu.mp3"}

Events:

    [{"type": "ivr_created",
      "msg": {"urn": "tel:+12065551212",
              "channel": {"uuid": "2ce9a49c-af7d-4a85-9aaf-48ceab99b1b7", "name": "Android Phone"},
              "text": "", "attachments": ["audio:http://media.example.com/menu.mp3"],
              "locale": "eng-US"}}]
"""

from __future__ import annotations

from ...core.runtime import Runtime
from .base import BaseAction, evaluate_checked
from .message_locale import locale
from .message_route import destination


class PlayAudio(BaseAction):
    type = "play_audio"

    def execute(self, rt: Runtime) -> None:
        audio, ok = evaluate_checked(
            rt, self.localized(rt, "audio_url", self.data.get("audio_url", ""))
        )
        if not ok:
            return
        if not audio:
            rt.error("Audio URL evaluated to empty, skipping")
            return
        urn, channel = destination(rt)
        msg = {
            "urn": urn, "channel": channel, "text": "", "attachments": [f"audio:{audio}"],
            "locale": locale(rt, self.uuid, "audio_url"),
        }  # fmt: skip
        rt.new_event("ivr_created", msg={k: v for k, v in msg.items() if v is not None})
