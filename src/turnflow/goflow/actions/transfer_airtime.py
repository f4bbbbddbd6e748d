"""Sends mobile airtime to the contact's phone number through the airtime service, in the
amount the action gives for the service's currency.

Example:

    {"type": "transfer_airtime", "uuid": "...", "amounts": {"USD": 5, "RWF": 5000}}

Events:

    [{"type": "airtime_created", "sender": "tel:+12065550100", "recipient": "tel:+12065551212",
      "currency": "USD", "amount": 5}]
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...core.runtime import Runtime
from ...generators import format_rfc3339_nano
from .asset_refs import asset_items, find_asset
from .base import BaseAction
from .contact import _contact_urns
from .run_state import current_run
from .service_lookup import service


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


class TransferAirtime(BaseAction):
    type = "transfer_airtime"
    required = ("amounts",)

    def execute(self, rt: Runtime) -> None:
        run = current_run(rt)
        run.locals["_new_transfer"] = ""
        recipient = next((u for u in _contact_urns(rt) if u.scheme == "tel"), None)
        if recipient is None:
            rt.error("can't transfer airtime to contact without a phone number")
            return
        airtime = service(rt, "airtime")
        if airtime is None:
            rt.error("no airtime service is configured")
            return
        sender = ""
        channel = find_asset(rt, "channels", recipient.channel) or next(
            (
                c
                for c in asset_items(rt, "channels")
                if "tel" in c.get("schemes", []) and "send" in c.get("roles", ["send"])
            ),
            None,
        )
        if channel is not None and channel.get("address"):
            sender = f"tel:{channel['address']}"
        transfer_uuid = rt.uuids.new_v7()
        amounts = {cur: Decimal(str(v)) for cur, v in self.data["amounts"].items()}
        transfer = airtime.transfer(sender, recipient.identity, amounts)
        if transfer.error:
            rt.error(transfer.error)
            return
        # the transfer's UUID is its event's UUID, as in goflow
        event: dict[str, Any] = {
            "uuid": transfer_uuid,
            "type": "airtime_created",
            "created_on": format_rfc3339_nano(rt.now()),
            "external_id": transfer.external_id,
            "sender": transfer.sender,
            "recipient": transfer.recipient,
            "currency": transfer.currency,
            "amount": _json_number(transfer.amount),
            "http_logs": transfer.http_logs,
        }
        rt.emit(event)
        run.locals["_new_transfer"] = transfer_uuid
