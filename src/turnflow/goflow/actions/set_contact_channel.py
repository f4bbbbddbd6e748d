"""Makes a channel the contact's preferred one: the URNs the channel can send on are tied
to it and moved to the front (no channel unties them all).

Example:

    {"type": "set_contact_channel", "uuid": "...",
     "channel": {"uuid": "2ce9a49c-af7d-4a85-9aaf-48ceab99b1b7", "name": "Android Phone"}}

Events:

    [{"type": "contact_urns_changed",
      "urns": ["tel:+12065551212?channel=2ce9a49c-af7d-4a85-9aaf-48ceab99b1b7"]}]
"""

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
