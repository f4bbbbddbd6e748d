"""Posts the run's data (contact, flow, path, results, input) to every subscriber of a
resthook, recording each call and one of them as ``@webhook`` and the result.

Example:

    {"type": "call_resthook", "uuid": "...", "resthook": "new-member", "result_name": "CRM"}

Events:

    [{"type": "resthook_called", "resthook": "new-member",
      "payload": {"contact": {"name": "Ana Souza", "urn": "tel:+12065551212"},
                  "flow": {"name": "Example"}, "input": {"text": "I want to join"}}},
     {"type": "webhook_called", "url": "http://crm.example.com/members", "resthook": "new-member",
      "status": "success", "status_code": 200},
     {"type": "run_result_changed", "name": "CRM", "value": "200", "category": "Success",
      "extra": {"ok": true}}]
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ...core.runtime import Runtime
from ...expressions.functions.misc import format_urn_text
from ...generators import NanoTime
from .. import services as svc
from ..contact import split_urn
from .asset_refs import asset_items, find_asset
from .base import BaseAction
from .contact import _contact_urns
from .run_state import current_run
from .webhook_calls import log_call, save_webhook_result, webhook_service


def _contact_attr(rt: Runtime, name: str) -> Any:
    contact = rt.session.contact
    return contact.get(name) if isinstance(contact, dict) else getattr(contact, name, None)


def _micros(value: NanoTime | str | None) -> str | None:
    """goflow's JSON for a datetime in an expression: UTC with 6 fraction digits."""
    if value is None:
        return None
    if isinstance(value, str):
        value = NanoTime.parse(value)
    return value.to_datetime(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _channel_json(rt: Runtime, ref: dict[str, Any] | None) -> dict[str, Any] | None:
    if not ref:
        return None
    asset = find_asset(rt, "channels", ref.get("uuid")) or ref
    return {
        "address": asset.get("address", ""),
        "name": asset.get("name", ""),
        "uuid": asset["uuid"],
    }


def resthook_payload(rt: Runtime) -> dict[str, Any]:
    """What a resthook posts: the contact, flow, path, results, run and input, as goflow's
    payload template renders them."""
    run = current_run(rt)
    redact = rt.env.redaction_policy == "urns"
    urns = _contact_urns(rt)
    contact_urn = None
    if urns:
        contact_urn = f"{urns[0].scheme}:********" if redact else urns[0].identity
    data: dict[str, Any] = {
        "contact": {
            "uuid": _contact_attr(rt, "uuid"),
            "name": _contact_attr(rt, "name") or "",
            "urn": contact_urn,
            "language": _contact_attr(rt, "language") or None,
        },
        # goflow's payload template writes the flow with its revision, 0 included
        "flow": {"name": run.flow.name, "revision": run.flow.revision, "uuid": run.flow.uuid},
        "path": [{"arrived_on": _micros(s.arrived_on), "node_uuid": s.node_uuid} for s in run.path],
        "results": {
            key: {
                "category": r.get("category", ""),
                "category_localized": r.get("category_localized") or r.get("category", ""),
                "created_on": _micros(r.get("created_on")),
                "input": r.get("input", ""),
                "name": r.get("name", ""),
                "node_uuid": r.get("node_uuid", ""),
                "value": r.get("value", ""),
            }
            for key, r in run.results.items()
        },
        "run": {"uuid": run.uuid, "created_on": _micros(run.created_on)},
        "input": None,
        "channel": None,
    }
    given = rt.session.input
    if given:
        channel = _channel_json(rt, given.get("channel"))
        urn = None
        if given.get("urn"):
            scheme, path, _, display = split_urn(given["urn"])
            shown = format_urn_text(scheme, path, display) or ""
            urn = {
                "display": "********" if redact else shown,
                "path": "********" if redact else path,
                "scheme": scheme,
            }
        data["input"] = {
            "attachments": [
                {"content_type": a.split(":", 1)[0], "url": a.split(":", 1)[1] if ":" in a else ""}
                for a in given.get("attachments") or []
            ],
            "channel": channel,
            "created_on": _micros(given.get("created_on")),
            "text": given.get("text") or "",
            "type": given.get("type", "msg"),
            "urn": urn,
            "uuid": given.get("uuid"),
        }
        data["channel"] = channel
    return data


def _pick_result_call(calls: list[svc.HTTPCall]) -> svc.HTTPCall | None:
    """The call a resthook's result describes: the last failure, else the last success,
    else the last 410."""
    last: dict[str, svc.HTTPCall] = {}
    for call in calls:
        status = call.status(resthook=True)
        kind = status if status in ("success", "subscriber_gone") else "failure"
        last[kind] = call
    return last.get("failure") or last.get("success") or last.get("subscriber_gone")


class CallResthook(BaseAction):
    type = "call_resthook"
    required = ("resthook",)

    def execute(self, rt: Runtime) -> None:
        slug = self.data["resthook"]
        resthook = next((r for r in asset_items(rt, "resthooks") if r.get("slug") == slug), None)
        if resthook is None:
            return
        payload = resthook_payload(rt)
        body = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        rt.new_event("resthook_called", resthook=slug, payload=json.loads(body))
        calls = []
        for url in resthook.get("subscribers") or []:
            call = webhook_service(rt).call("POST", url, {"Content-Type": "application/json"}, body)
            calls.append(call)
            log_call(rt, call, call.status(resthook=True), resthook=slug)
        picked = _pick_result_call(calls)
        if picked is None:
            return
        if self.data.get("result_name"):
            save_webhook_result(rt, self.data["result_name"], picked, picked.status(resthook=True))
        current_run(rt).webhook = picked.webhook()
