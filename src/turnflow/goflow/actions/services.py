"""Actions that call outside services: call_webhook, call_resthook, call_llm,
transfer_airtime, open_ticket, send_email and the deprecated call_classifier.

The services come from the engine (:class:`turnflow.goflow.engine.Services`): tests inject the
doubles in :mod:`turnflow.goflow.services`; a missing webhook service defaults to real HTTP.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

from ...core.runtime import Runtime
from ...core.session import Run
from ...generators import NanoTime, format_rfc3339_nano
from .. import services as svc
from ..results import save_result, snakify
from .base import BaseAction

# -- shared helpers -----------------------------------------------------------------------------


def service(rt: Runtime, name: str) -> Any:
    """A service by name, from the engine's Services."""
    return rt.family.service(name)


def asset_items(rt: Runtime, kind: str) -> list[dict[str, Any]]:
    return list(getattr(rt.assets, kind, None) or []) if rt.assets is not None else []


def find_asset(rt: Runtime, kind: str, uuid: str | None) -> dict[str, Any] | None:
    return next((a for a in asset_items(rt, kind) if a.get("uuid") == uuid), None) if uuid else None


def dependency_error(rt: Runtime, kind: str, ref: dict[str, Any]) -> None:
    identity = ref.get("uuid") or ref.get("key") or ref.get("email") or ""
    label = "key" if "key" in ref and "uuid" not in ref else "uuid"
    rt.error(
        f"Missing dependency: {kind}[{label}={identity},name={ref.get('name', '')}]",
        code="dependency:missing",
        extra={"type": kind, "identity": identity},
    )


def ref_of(asset: dict[str, Any]) -> dict[str, Any]:
    return {"uuid": asset["uuid"], "name": asset.get("name", "")}


def current_run(rt: Runtime) -> Run:
    assert rt.run is not None, "actions run inside a run"
    return rt.run


def is_batch(rt: Runtime) -> bool:
    return bool((rt.session.trigger or {}).get("batch"))


def save_action_result(
    rt: Runtime, name: str, value: str, category: str, input_: str | None = None,
    extra: Any = None,
) -> None:  # fmt: skip
    run = current_run(rt)
    result: dict[str, Any] = {
        "name": name,
        "value": value,
        "category": category,
        "node_uuid": run.current_step.node_uuid if run.current_step else None,
        "input": input_,
        "created_on": None,
    }
    if extra is not None:
        result["extra"] = extra
    save_result(rt, run, snakify(name), result)


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _plain(value: Any) -> Any:
    """JSON data with Decimals turned into plain numbers (events hold plain JSON)."""
    if isinstance(value, Decimal):
        return _json_number(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _contact_urns(rt: Runtime) -> list[Any]:
    from ..contact import ContactURN

    contact = rt.session.contact
    urns = contact.get("urns", []) if isinstance(contact, dict) else getattr(contact, "urns", [])
    return [u if isinstance(u, ContactURN) else ContactURN.parse(str(u)) for u in urns or []]


def _contact_attr(rt: Runtime, name: str) -> Any:
    contact = rt.session.contact
    return contact.get(name) if isinstance(contact, dict) else getattr(contact, name, None)


def evaluate_untruncated(rt: Runtime, template: str) -> str:
    """Evaluate a template without the output length limit (webhook bodies aren't truncated,
    as that could break their JSON)."""
    import dataclasses

    limits = getattr(rt.env, "limits", None)
    if limits is None or not dataclasses.is_dataclass(limits):
        return rt.evaluate(template, truncate=False)
    saved = rt.env
    rt.env = dataclasses.replace(saved, limits=dataclasses.replace(limits, max_output_length=10**9))
    try:
        return rt.evaluate(template, truncate=False)
    finally:
        rt.env = saved


# -- webhooks -----------------------------------------------------------------------------------


def webhook_service(rt: Runtime) -> Any:
    return rt.family.webhook_service(rt)


def log_call(rt: Runtime, call: svc.HTTPCall, status: str, resthook: str | None = None) -> None:
    if call.error_code == "webhook:response_size":
        limit = getattr(webhook_service(rt), "max_response_bytes", svc.MAX_RESPONSE_BYTES)
        rt.new_event("warning", text=call.error, code=call.error_code, extra={"limit": str(limit)})
    rt.new_event("webhook_called", **call.event_fields(status), resthook=resthook)


def save_webhook_result(rt: Runtime, name: str, call: svc.HTTPCall, status: str) -> None:
    value = str(call.status_code) if call.has_response else "0"
    extra = None
    text = call.json_text() if call.has_response else None
    if text is not None and len(text.encode()) < svc.RESULT_EXTRA_MAX_BYTES:
        extra = json.loads(text)
    category = "Success" if status == "success" else "Failure"
    save_action_result(rt, name, value, category, f"{call.method} {call.url}", extra)


class CallWebhook(BaseAction):
    type = "call_webhook"
    required = ("method", "url")

    def execute(self, rt: Runtime) -> None:
        url = rt.evaluate(self.data.get("url", "")).strip()
        if not url:
            rt.error("Webhook URL evaluated to empty string")
            return
        if not svc.is_valid_url(url):
            shown = svc.truncate_ellipsis(url, 255)
            rt.error(f"Webhook URL evaluated to an invalid URL: '{shown}'", code="url:invalid",
                     extra={"url": shown})
            return
        host = svc.blocked_host(url)
        if host is not None:
            rt.error(f"Webhook calls to {host} are not allowed", code="url:blocked",
                     extra={"hostname": host})
            return
        method = self.data["method"].upper()
        headers = {key: rt.evaluate(value) for key, value in (self.data.get("headers") or {}).items()}
        body = self.data.get("body") or ""
        if body:
            body = evaluate_untruncated(rt, body)
        limit = getattr(webhook_service(rt), "max_request_bytes", svc.MAX_REQUEST_BYTES)
        size = svc.request_size(method, url, headers, body)
        if size > limit:
            rt.error(f"Webhook request evaluated to {size} bytes, exceeding the limit of {limit}",
                     code="webhook:request_size", extra={"limit": str(limit), "size": str(size)})
            return
        call = webhook_service(rt).call(method, url, headers, body)
        status = call.status()
        log_call(rt, call, status)
        if self.data.get("result_name"):
            save_webhook_result(rt, self.data["result_name"], call, status)
        current_run(rt).webhook = call.webhook()


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
    return {"address": asset.get("address", ""), "name": asset.get("name", ""), "uuid": asset["uuid"]}


def resthook_payload(rt: Runtime) -> dict[str, Any]:
    """What a resthook posts: the contact, flow, path, results, run and input, as goflow's
    payload template renders them."""
    from ...expressions.functions.misc import format_urn_text
    from ..contact import split_urn

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
            urn = {"display": "********" if redact else shown,
                   "path": "********" if redact else path, "scheme": scheme}
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


# -- LLMs, classifiers ----------------------------------------------------------------------------


class CallLLM(BaseAction):
    type = "call_llm"
    required = ("llm", "instructions", "output_local")
    max_tokens = 2500

    def execute(self, rt: Runtime) -> None:
        run = current_run(rt)
        local = self.data["output_local"]
        ref = self.data["llm"]
        llm = find_asset(rt, "llms", ref.get("uuid"))
        if llm is None:
            dependency_error(rt, "llm", ref)
            run.locals[local] = "<ERROR>"
            return
        instructions = rt.evaluate(self.data.get("instructions", ""))
        given = rt.evaluate(self.data.get("input", ""))
        llm_service = service(rt, "llm")
        if llm_service is None:
            rt.error("no LLM service is configured")
            run.locals[local] = "<ERROR>"
            return
        started = rt.clock.now_ns()
        try:
            response = llm_service.respond(llm, instructions, given, self.max_tokens)
        except svc.ServiceError as exc:
            rt.error(str(exc))
            run.locals[local] = "<ERROR>"
            return
        elapsed = (rt.clock.now_ns() - started) // 1_000_000
        rt.new_event(
            "llm_called",
            llm=ref_of(llm),
            instructions=instructions,
            input=given,
            output=response.output,
            tokens={"input": response.input_tokens, "output": response.output_tokens},
            elapsed_ms=elapsed,
        )
        run.locals[local] = response.output


class CallClassifier(BaseAction):
    """Deprecated: classifiers are gone, so the result is always a failure."""

    type = "call_classifier"
    required = ("result_name",)

    def execute(self, rt: Runtime) -> None:
        rt.warning("NLU classifiers are no longer supported")
        save_action_result(rt, self.data["result_name"], "0", "Failure")


# -- airtime --------------------------------------------------------------------------------------


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
            (c for c in asset_items(rt, "channels")
             if "tel" in c.get("schemes", []) and "send" in c.get("roles", ["send"])), None)
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


# -- tickets --------------------------------------------------------------------------------------


def _contact_assets(rt: Runtime) -> Any:
    from ..contact import ContactAssets

    return ContactAssets(asset_items(rt, "fields"), asset_items(rt, "groups"), asset_items(rt, "channels"))


def apply_contact_modifier(rt: Runtime, modifier: dict[str, Any]) -> bool:
    """Apply a contact modifier, its events going to the sprint."""
    from ..modifiers import ModifierContext, apply_modifier

    ctx = ModifierContext(rt.env, _contact_assets(rt), rt.events, log=rt.emitted)
    return apply_modifier(ctx, rt.session.contact, modifier)


class OpenTicket(BaseAction):
    type = "open_ticket"

    def execute(self, rt: Runtime) -> None:
        run = current_run(rt)
        run.locals["_new_ticket"] = ""
        if is_batch(rt):
            rt.error("Can't open tickets during batch starts")
            return
        topic_ref = self.data.get("topic")
        if topic_ref:
            topic = find_asset(rt, "topics", topic_ref.get("uuid"))
            if topic is None:
                dependency_error(rt, "topic", topic_ref)
                return
        else:
            topics = asset_items(rt, "topics")
            topic = next((t for t in topics if t.get("name") == "General"), topics[0] if topics else None)
        contact = rt.session.contact
        if getattr(contact, "open_tickets", lambda: [])():
            return  # one open ticket at a time
        assignee = self._assignee(rt)
        note = rt.evaluate(self.data.get("note") or "") if self.data.get("note") else ""
        modifier = {"type": "ticket_open", "topic": ref_of(topic) if topic else None,
                    "assignee": assignee, "note": note}
        before = len(getattr(contact, "tickets", []))
        apply_contact_modifier(rt, modifier)
        tickets = getattr(contact, "tickets", [])
        if len(tickets) > before:
            run.locals["_new_ticket"] = tickets[-1]["uuid"]

    def _assignee(self, rt: Runtime) -> dict[str, Any] | None:
        ref = self.data.get("assignee")
        if not ref:
            return None
        if ref.get("uuid"):
            user = find_asset(rt, "users", ref["uuid"])
            if user is None:
                dependency_error(rt, "user", ref)
                return None
            return ref_of(user)
        email = rt.evaluate(ref.get("email") or "")
        user = next((u for u in asset_items(rt, "users") if u.get("email", "").lower() == email.lower()), None)
        if user is None:
            rt.error(f"No such user with email '{email}'", code="user:missing", extra={"email": email})
            return None
        return ref_of(user)


# -- email ----------------------------------------------------------------------------------------


class SendEmail(BaseAction):
    type = "send_email"
    required = ("addresses", "subject", "body")

    def execute(self, rt: Runtime) -> None:
        addresses = []
        for template in self.data.get("addresses") or []:
            address = rt.evaluate(template).strip().removeprefix("mailto:")
            if not address:
                rt.error("Email address evaluated to empty string, skipping")
                continue
            addresses.append(address)
        subject = rt.evaluate(self.localized(rt, "subject", self.data.get("subject", "")))
        subject = re.sub(r"\s+", " ", subject).strip()
        if not subject:
            rt.error("Email subject evaluated to empty string, skipping")
            return
        body = rt.evaluate(self.localized(rt, "body", self.data.get("body", "")))
        if not body:
            rt.error("Email body evaluated to empty string, skipping")
            return
        if not addresses:
            return
        email = service(rt, "email")
        if email is None:
            rt.error("Unable to send email: no email service is configured")
            return
        try:
            email.send(addresses, subject, body)
        except svc.ServiceError as exc:
            rt.error(f"Unable to send email: {exc}")
            return
        rt.new_event("email_sent", to=addresses, subject=subject, body=body)


__all__ = [
    "CallClassifier", "CallLLM", "CallResthook", "CallWebhook", "OpenTicket", "SendEmail",
    "TransferAirtime", "apply_contact_modifier", "dependency_error", "find_asset", "service",
]  # fmt: skip
