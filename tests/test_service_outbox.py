"""The outbox: replies for a callback channel are posted (JSON or a form, as courier posts
them), retried with backoff while the channel fails, and given up after MAX_ATTEMPTS."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs

import httpx
from sqlalchemy import select

from turnflow.http import SafeHTTPClient
from turnflow.service import outbox
from turnflow.service.loading import load_paths
from turnflow.service.turns import Turns
from turnflow.store import Store, upgrade
from turnflow.store.models import Channel, Message, OutboxItem

from .service_support import EXAMPLES


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now_value = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    def now_time(self):
        from turnflow.generators import NanoTime

        return NanoTime.from_datetime(self.now_value)

    def now_ns(self) -> int:
        return self.now_time().ns


def setup(tmp_path: Path, body: str) -> tuple[Turns, Clock]:
    store = Store(f"sqlite:///{tmp_path / 'outbox.db'}")
    upgrade(store)
    clock = Clock()
    load_paths(store, [EXAMPLES / "coffee.json"], "default", clock, token="t",
               send_url="http://channel.test/send", send_body=body)
    turns = Turns(store, clock)
    with store.reading() as session:
        channel = session.scalar(select(Channel).where(Channel.kind == "external"))
    received = turns.receive(channel, "tel:+250788500001", "hi", external_id="1")
    turns.handle_pending(received.contact_id)
    return turns, clock


def deliver(turns: Turns, status: int, seen: list[httpx.Request]) -> int:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status)

    client = SafeHTTPClient(transport=httpx.MockTransport(answer))
    items = outbox.claim_due(turns)
    for item in items:
        outbox.mark(turns, item.id, outbox.post(client, item))
    return len(items)


def state(turns: Turns) -> tuple[str, int, str]:
    with turns.store.reading() as session:
        item = session.scalar(select(OutboxItem))
        message = session.get(Message, item.message_id)
        return item.status, item.attempts, message.status


def test_posted_as_a_form_after_retries(tmp_path: Path) -> None:
    turns, clock = setup(tmp_path, "form")
    seen: list[httpx.Request] = []
    assert deliver(turns, 503, seen) == 1
    assert state(turns) == ("pending", 1, "errored")
    assert deliver(turns, 200, seen) == 0  # not due again yet: backoff
    clock.now_value += dt.timedelta(seconds=2)
    assert deliver(turns, 200, seen) == 1
    assert state(turns) == ("sent", 2, "wired")
    form = parse_qs(seen[-1].content.decode())
    assert form["text"] == ["Hi ! What can I get you: coffee or tea?"]
    assert form["to"] == ["+250788500001"] and form["quick_replies"] == ["Coffee,Tea"]
    assert seen[-1].headers["content-type"] == "application/x-www-form-urlencoded"


def test_given_up_after_max_attempts(tmp_path: Path) -> None:
    turns, clock = setup(tmp_path, "json")
    seen: list[httpx.Request] = []
    for _ in range(outbox.MAX_ATTEMPTS):
        assert deliver(turns, 500, seen) == 1
        clock.now_value += dt.timedelta(seconds=outbox.BACKOFF_CAP_SECONDS)
    assert state(turns) == ("failed", outbox.MAX_ATTEMPTS, "failed")
    assert deliver(turns, 200, seen) == 0
    assert seen[0].headers["content-type"] == "application/json"


def test_posts_go_through_the_safe_client(monkeypatch) -> None:
    # the channel's own host is allowed (the operator configured it); another private or
    # loopback address is refused unless TURNFLOW_HTTP_ALLOW names it
    monkeypatch.delenv("TURNFLOW_HTTP_ALLOW", raising=False)
    item = outbox.Claimed(1, "http://127.0.0.1:9/send", {"text": "x"}, False)
    error = outbox.post(outbox.client_for("http://channel.test/send"), item)
    assert error is not None and error.startswith("AddressRefused") and "loopback" in error
    assert str(outbox.client_for(item.url).allow.networks[0]) == "127.0.0.1/32"
    monkeypatch.setenv("TURNFLOW_HTTP_ALLOW", "10.0.0.0/8")
    assert len(outbox.client_for("http://channel.test/send").allow.networks) == 1
