"""Making webhook calls and recording them: the HTTP service, the webhook_called event and
the result a call_webhook or call_resthook action saves."""

from __future__ import annotations

import json
from typing import Any

from ...core.runtime import Runtime
from .. import services as svc
from ..legacy_extra import keep_text
from .action_results import save_action_result


def webhook_service(rt: Runtime) -> Any:
    """The webhook service: the engine's, else real HTTP (made once per engine)."""
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
        extra = keep_text(json.loads(text), text)  # (@legacy_extra shows the text as it came)
    category = "Success" if status == "success" else "Failure"
    save_action_result(rt, name, value, category, f"{call.method} {call.url}", extra)
