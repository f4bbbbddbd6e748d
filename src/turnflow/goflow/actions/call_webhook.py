"""Calls a URL over HTTP and records the call (a webhook_called event and ``@webhook``), and
the response's status as a result when the action names one.

Example:

    {"type": "call_webhook", "uuid": "...", "method": "GET",
     "url": "http://api.example.com/orders/42", "headers": {"Accept": "application/json"},
     "result_name": "Order"}

Events:

    [{"type": "webhook_called", "url": "http://api.example.com/orders/42", "status": "success",
      "status_code": 200},
     {"type": "run_result_changed", "name": "Order", "value": "200", "category": "Success",
      "extra": {"status": "shipped"}}]
"""

from __future__ import annotations

import dataclasses

from ...core.runtime import Runtime
from .. import services as svc
from .base import BaseAction
from .run_state import current_run
from .webhook_calls import log_call, save_webhook_result, webhook_service


def evaluate_untruncated(rt: Runtime, template: str) -> str:
    """Evaluate a template without the output length limit (webhook bodies aren't truncated,
    as that could break their JSON)."""
    limits = getattr(rt.env, "limits", None)
    if limits is None or not dataclasses.is_dataclass(limits):
        return rt.evaluate(template, truncate=False)
    saved = rt.env
    rt.env = dataclasses.replace(saved, limits=dataclasses.replace(limits, max_output_length=10**9))
    try:
        return rt.evaluate(template, truncate=False)
    finally:
        rt.env = saved


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
            rt.error(
                f"Webhook URL evaluated to an invalid URL: '{shown}'",
                code="url:invalid",
                extra={"url": shown},
            )
            return
        host = svc.blocked_host(url)
        if host is not None:
            rt.error(
                f"Webhook calls to {host} are not allowed",
                code="url:blocked",
                extra={"hostname": host},
            )
            return
        method = self.data["method"].upper()
        headers = {
            key: rt.evaluate(value) for key, value in (self.data.get("headers") or {}).items()
        }
        body = self.data.get("body") or ""
        if body:
            body = evaluate_untruncated(rt, body)
        limit = getattr(webhook_service(rt), "max_request_bytes", svc.MAX_REQUEST_BYTES)
        size = svc.request_size(method, url, headers, body)
        if size > limit:
            rt.error(
                f"Webhook request evaluated to {size} bytes, exceeding the limit of {limit}",
                code="webhook:request_size",
                extra={"limit": str(limit), "size": str(size)},
            )
            return
        call = webhook_service(rt).call(method, url, headers, body)
        status = call.status()
        log_call(rt, call, status)
        if self.data.get("result_name"):
            save_webhook_result(rt, self.data["result_name"], call, status)
        current_run(rt).webhook = call.webhook()
