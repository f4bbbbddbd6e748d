"""Makes a channel the contact's preferred one: its URNs that the channel can send to get
that channel and move to the front."""

from __future__ import annotations

from ...core.runtime import Runtime
from .asset_refs import dependency_error
from .base import BaseAction
from .contact import contact_assets, modify


class SetContactChannel(BaseAction):
    type = "set_contact_channel"

    def execute(self, rt: Runtime) -> None:
        ref = self.data.get("channel")
        if ref and contact_assets(rt).channel(ref.get("uuid")) is None:
            dependency_error(rt, "channel", ref)
            return
        modify(rt, {"type": "channel", "channel": ref})
