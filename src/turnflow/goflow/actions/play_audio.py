"""Plays a recording (its URL a template) to the contact in a voice flow."""

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
