"""Kata bots in the service, on a real server, on SQLite and PostgreSQL: a conversation through
Kata's generic channel (the replies posted to a webhook the test runs, which is down at first)
and through the JSON API, with a flow-stack interruption; a restart mid-conversation; a
flow's ``expire`` and a ``schedule`` firing on time on a running server and after a restart,
once; ``api`` actions through turnflow's safe client. The server's clock runs 60 times
faster than real time (TURNFLOW_CLOCK): the bot's one-minute times take a second."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from .service_support import REPO, Server, database, wait_for

BOT = REPO / "tests" / "data" / "kata" / "service"
SPEED = 60
LATE = dt.timedelta(seconds=90)  # (see test_service_timers.py)


class Receiver:
    """A webhook on 127.0.0.1 that records what is posted to it: JSON bodies, in order. It
    answers 503 to the first ``down`` posts (a channel that is down), then 200. GET /n
    answers ``{"n": 42}`` (for the bot's API call)."""

    def __init__(self, down: int = 0) -> None:
        self.posts: list[dict[str, Any]] = []
        self.refused = 0
        self.down = down
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                if receiver.refused < receiver.down:
                    receiver.refused += 1
                    self.send_response(503)
                else:
                    receiver.posts.append(json.loads(body))
                    self.send_response(200)
                self.end_headers()

            def do_GET(self) -> None:
                body = b'{"n": 42}'
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def of(self, user: str) -> list[list[dict[str, Any]]]:
        """The message lists posted for a user, in order."""
        return [post["messages"] for post in list(self.posts) if post.get("userId") == user]

    def texts(self, user: str) -> list[list[str]]:
        return [[m.get("content") for m in messages] for messages in self.of(user)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver(down=1)
    yield found
    found.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path: Path, receiver: Receiver
           ) -> Iterator[Server]:
    with database(request.param, tmp_path) as url:
        server = Server(url, [BOT], clock=f"scaled:{time.time()}:{SPEED}",
                        extra=["--send-url", f"{receiver.url}/webhook"])
        server.start()
        yield server
        server.stop()
        server.assert_clean()


def webhook_url(server: Server) -> str:
    found = re.search(r"POST (/receive_message/[0-9a-f-]{36})", server.log())
    assert found, server.log()
    return server.url + found.group(1)


def send(server: Server, user: str, *messages: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(webhook_url(server), json={"userId": user, "messages": list(messages)},
                          timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def text(content: str) -> dict[str, Any]:
    return {"type": "text", "content": content}


def posted(receiver: Receiver, user: str, count: int) -> list[list[str]]:
    """Wait until ``count`` posts came for the user; they and no more."""
    found = wait_for(lambda: (lambda t: t if len(t) >= count else None)(receiver.texts(user)),
                     timeout=15)
    return found


def test_a_conversation_through_the_generic_channel_and_the_api(
        server: Server, receiver: Receiver) -> None:
    # the first post is refused (the channel is down): the outbox tries again, nothing lost
    assert send(server, "ann", text("order"))["status"] == "ok"
    assert posted(receiver, "ann", 1) == [["What size?"]]
    assert receiver.refused == 1
    # a flow-stack interruption: the FAQ answers, then the order asks again (reenter), both
    # replies of the turn in one post as Kata's generic channel posts them
    send(server, "ann", text("faq"))
    assert posted(receiver, "ann", 2)[1] == ["FAQ answer.", "What size?"]

    server.restart()  # mid-conversation: the order flow still waits for the size
    send(server, "ann", text("size L"))
    assert posted(receiver, "ann", 3)[2] == ["Order 1 for size L."]
    # a data message (a postback) and two messages in one request, taken in order
    send(server, "ann", {"type": "data", "payload": {"button": "x"}}, text("order"))
    assert posted(receiver, "ann", 5)[3:] == [["Sorry."], ["What size?"]]
    assert receiver.of("ann")[0] == [{"type": "text", "content": "What size?"}]

    # the JSON API, for the same user (ext:ann): the same session, its data kept
    assert server.texts("ext:ann", "size M") == ["Order 2 for size M."]
    assert server.texts("ext:bob", "order") == ["What size?"]
    assert server.texts("ext:bob", "faq") == ["FAQ answer.", "What size?"]
    assert server.texts("ext:bob", "size S") == ["Order 1 for size S."]
    reply = server.converse("ext:bob", "hello")["replies"][0]
    assert reply["type"] == "text" and reply["flow"] == "fallback" and reply["text"] == "Sorry."
    time.sleep(0.5)
    assert len(receiver.of("ann")) == 5 and not receiver.of("bob")  # (API replies: answered)

    # runs are flows, steps are states
    runs = {(r["flow"]["name"], r["exit_type"]) for r in server.all("runs", urn="ext:bob")}
    assert runs >= {("order", "completed"), ("faq", "completed"), ("fallback", "completed")}
    order = [r for r in server.all("runs", urn="ext:ann") if r["flow"]["name"] == "order"][-1]
    assert [step["node"] for step in order["path"]] == ["ask", "ask"]  # (before and after faq)
    messages = server.all("messages", urn="ext:ann", direction="out")
    assert {m["status"] for m in messages if m["text"] != "Order 2 for size M."} == {"wired"}
    session = server.get("sessions", urn="ext:ann")["results"][0]
    assert session["state"]["kata"]["data"] == {"orders": 2}

    # bad requests: 4xx saying what is wrong
    url = webhook_url(server)
    for body, wanted in [({"messages": [text("x")]}, "userId"),
                         ({"userId": "a", "messages": []}, "messages"),
                         ({"userId": "a", "messages": [{"type": "photo"}]}, "messages[0]"),
                         ({"userId": "a", "messages": [{"type": "text"}]}, "content")]:
        response = httpx.post(url, json=body, timeout=10)
        assert response.status_code == 400 and wanted in response.json()["error"], response.text
    response = httpx.post(url.rsplit("/", 1)[0] + "/" + "0" * 36, json={}, timeout=10)
    assert response.status_code == 404


def reminders(server: Server, urn: str) -> list[dict[str, Any]]:
    return [m for m in server.all("messages", urn=urn, direction="out")
            if m["text"] == "Reminder!"]


def when(message: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(message["created_on"].replace("Z", "+00:00"))


def test_expire_and_schedule_fire_on_time_and_after_a_restart_once(
        server: Server, receiver: Receiver) -> None:
    # a schedule a minute ahead, set through the generic channel: the reminder is posted
    send(server, "cy", text("remind me"))
    assert posted(receiver, "cy", 1) == [["In a minute."]]
    assert posted(receiver, "cy", 2)[1] == ["Reminder!"]
    said = server.all("messages", urn="ext:cy", direction="out")
    by_text = {m["text"]: m for m in said}
    delay = when(by_text["Reminder!"]) - when(by_text["In a minute."])
    assert dt.timedelta(minutes=1) <= delay <= dt.timedelta(minutes=1) + LATE

    # a flow that expires a minute after its last message: closed on time, silently
    assert server.texts("ext:dee", "promo") == ["Offer!"]

    def expired() -> dict[str, Any] | None:
        runs = [r for r in server.all("runs", urn="ext:dee") if r["flow"]["name"] == "promo"]
        return runs[0] if runs and runs[0]["exit_type"] == "expired" else None

    run = wait_for(expired, timeout=15)
    exited = dt.datetime.fromisoformat(run["exited_on"].replace("Z", "+00:00"))
    offered = when(server.all("messages", urn="ext:dee", direction="out")[0])
    assert dt.timedelta(minutes=1) <= exited - offered <= dt.timedelta(minutes=1) + LATE
    assert server.get("sessions", urn="ext:dee")["results"][0]["state"]["kata"]["flows"] == []
    assert server.texts("ext:dee", "yes") == ["Sorry."]  # (the offer is gone)

    # set before a stop, due while no server runs: fired when one starts, once
    assert server.texts("ext:eve", "remind me") == ["In a minute."]
    server.stop()
    time.sleep(1.5)  # 90 clock seconds
    server.start()
    wait_for(lambda: reminders(server, "ext:eve"), timeout=15)
    time.sleep(1.5)  # nothing fires twice
    assert len(reminders(server, "ext:eve")) == 1 and len(reminders(server, "ext:cy")) == 1
    assert receiver.texts("eve") == [["Reminder!"]]  # (a timer's replies: the channel's)
    assert receiver.texts("cy") == [["In a minute."], ["Reminder!"]]


def test_api_actions_go_through_the_safe_client(tmp_path: Path, receiver: Receiver,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # refused by default: 127.0.0.1 is a loopback address; the bot gets a null result
    bot = tmp_path / "bot"
    shutil.copytree(BOT, bot)
    config = (bot / "bot.yml").read_text().replace("http://127.0.0.1:9", receiver.url)
    (bot / "bot.yml").write_text(config)
    monkeypatch.delenv("TURNFLOW_HTTP_ALLOW", raising=False)
    with database("sqlite", tmp_path) as url:
        server = Server(url, [bot]).start()
        try:
            assert server.texts("ext:fay", "lookup") == ["result none"]
            events = server.all("messages", urn="ext:fay")
            assert events  # (the turn went through)
        finally:
            server.stop()
        # allowed by the setting: the call is made
        monkeypatch.setenv("TURNFLOW_HTTP_ALLOW", "127.0.0.1")
        server.start()
        try:
            assert server.texts("ext:fay", "lookup") == ["result 42"]
        finally:
            server.stop()
        server.assert_clean()
