"""The outbox: replies for callback channels (courier's external channel, one post per
message; Kata's generic channel, one post per turn), posted to the channel's send URL and
retried with backoff until they go or run out of attempts.

An item is claimed by pushing its next attempt a lease ahead in one transaction (row locks
skipped by other processes on PostgreSQL), then posted outside any transaction, then marked.
A crash between posting and marking posts it again: delivery is at least once, as courier's.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from sqlalchemy import select

from ..http import ALLOW_SETTING, HTTPError, SafeHTTPClient
from ..store.models import Message, OutboxItem
from .turns import Turns

LEASE = dt.timedelta(seconds=60)
MAX_ATTEMPTS = 8
BACKOFF_CAP_SECONDS = 300
POST_TIMEOUT = 10.0


@dataclass(slots=True)
class Claimed:
    id: int
    url: str
    payload: dict[str, Any]
    form: bool


def claim_due(turns: Turns, limit: int = 20) -> list[Claimed]:
    now = turns.now()
    with turns.store.transaction() as session:
        query = select(OutboxItem).where(OutboxItem.status == "pending",
                                         OutboxItem.next_attempt_at <= now).order_by(
            OutboxItem.id).limit(limit)
        if not turns.store.sqlite:
            query = query.with_for_update(skip_locked=True)
        items = list(session.scalars(query))
        for item in items:
            item.next_attempt_at = now + LEASE
        return [Claimed(item.id, item.url, dict(item.payload),
                        item.payload.get("_content_type") == "form") for item in items]


def mark(turns: Turns, item_id: int, error: str | None) -> None:
    now = turns.now()
    with turns.store.transaction() as session:
        item = session.get(OutboxItem, item_id)
        if item is None or item.status != "pending":
            return
        item.attempts += 1
        if error is None:
            item.status, item.sent_on, item.last_error = "sent", now, None
            status = "wired"
        else:
            item.last_error = error[:500]
            if item.attempts >= MAX_ATTEMPTS:
                item.status, status = "failed", "failed"
            else:
                delay = min(2 ** item.attempts, BACKOFF_CAP_SECONDS)
                item.next_attempt_at = now + dt.timedelta(seconds=delay)
                status = "errored"
        ids = item.payload.get("_message_ids") or [item.message_id]
        for message_id in ids:  # (a generic channel post carries a turn's replies)
            message = session.get(Message, message_id)
            if message is not None:
                message.status, message.modified_on = status, now


def client_for(url: str) -> SafeHTTPClient:
    """turnflow.http's client for a channel's send URL: its host is allowed (the operator
    configured it; flows can't), other non-public addresses only as TURNFLOW_HTTP_ALLOW says;
    10 s per post in all, the answer read up to 100,000 bytes, no redirects, no proxies."""
    host = urlsplit(url).hostname or ""
    allow = os.environ.get(ALLOW_SETTING, "").replace(",", " ").split()
    return SafeHTTPClient(allow=[*allow, host] if host else allow, timeout=POST_TIMEOUT)


def post(client: SafeHTTPClient, item: Claimed) -> str | None:
    """Post one item (blocking); None when the channel took it, else what went wrong."""
    payload = {k: v for k, v in item.payload.items() if not k.startswith("_")}
    if item.form:
        form = {k: ",".join(v) if isinstance(v, list) else str(v) for k, v in payload.items()}
        body, kind = urlencode(form).encode(), "application/x-www-form-urlencoded"
    else:
        body, kind = json.dumps(payload, ensure_ascii=False).encode(), "application/json"
    try:
        response = client.request("POST", item.url, headers={"content-type": kind},
                                  content=body)
    except HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}: {response.body[:200].decode(errors='replace')}"
