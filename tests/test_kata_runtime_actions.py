"""Kata runtime: every action type (tests/data/kata/actions); api calls against
``httpx.MockTransport`` and a real local server; schedules and asyncApi on the injected
clock."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from turnflow.http import SafeHTTPClient
from turnflow.kata.engine import ConverseResult, KataEngine
from turnflow.kata.runtime_errors import KataRuntimeError
from turnflow.kata.testing.clock import TEST_START, TestClock

BOT = Path(__file__).parent / "data" / "kata" / "actions"


class Api:
    """A fake of the bot's API: records the requests, answers from the path."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path.startswith("/users/"):
            return httpx.Response(200, json={"email": "ann@x.org", "address": {"city": "Bali"}})
        if path == "/orders":
            return httpx.Response(200, json={"id": "o-" + json.loads(request.content)["item"]})
        if path == "/tickets":
            return httpx.Response(200, json={"id": "T-1", "got": json.loads(request.content)})
        return httpx.Response(404, json={"error": "not here"})


@pytest.fixture()
def api() -> Api:
    return Api()


@pytest.fixture()
def clock() -> TestClock:
    return TestClock()


@pytest.fixture()
def engine(api: Api, clock: TestClock) -> KataEngine:
    return KataEngine(BOT, clock=clock, http=httpx.MockTransport(api))


def run(engine: KataEngine, session, text: str) -> ConverseResult:
    return engine.converse(session, {"type": "text", "content": text})


def contents(result: ConverseResult) -> list[Any]:
    return [r.get("content", r.get("payload")) for r in result.responses]


def test_text_actions(engine):
    session = engine.new_session("u", data={"name": "Ann"})
    result = run(engine, session, "texts")
    assert contents(result) == ["first", "second 2", "replied", "Hello Ann!"]
    assert [r["action"] for r in result.responses] == ["text", "text", "reply", "hello"]
    assert result.responses[0] == {"type": "text", "content": "first", "action": "text",
                                   "flow": "main", "intent": "run"}


def test_text_from_a_message_dictionary(engine):
    session = engine.new_session("u", data={"name": "Ann"})
    assert contents(run(engine, session, "dictionary")) == [
        "Hello Ann!", "Halo Ann!", "one", "two"]
    session = engine.new_session("u", data={"name": "Budi", "lang": "id"})
    assert contents(run(engine, session, "dictionary"))[0] == "Halo Budi!"


def test_action_conditions(engine):
    assert contents(run(engine, engine.new_session("u"), "conditional")) == ["no name"]
    session = engine.new_session("u", data={"name": "Ann"})
    assert contents(run(engine, session, "conditional")) == ["name Ann"]


def test_templates(engine):
    session = engine.new_session("u", data={"name": "Ann"})
    responses = run(engine, session, "templates").responses
    assert all(r["type"] == "data" and r["payload"]["type"] == "template" for r in responses)
    kinds = [r["payload"]["template_type"] for r in responses]
    assert kinds == ["button", "carousel", "image", "imagemap", "sticker", "video", "audio",
                     "location", "confirm", "image"]
    button = responses[0]["payload"]["items"]
    assert button["text"] == "Pick one, Ann"
    assert button["quickreply"][1] == {"type": "text", "label": "Hi", "payload": {"op": "hi"}}
    assert responses[1]["payload"]["items"][1]["title"] == "B"
    assert responses[3]["payload"]["items"]["baseSize"] == {"width": 1040, "height": 1040}
    assert responses[-1]["action"] == "image"
    assert responses[-1]["payload"]["items"]["previewImageUrl"] == "https://x/p.png"


def test_a_dynamic_carousel(engine):
    session = engine.new_session("u", data={"currency": "IDR"})
    [response] = run(engine, session, "dynamic").responses
    items = response["payload"]["items"]
    assert [item["text"] for item in items] == ["Tea for 2 IDR", "Cake for 3 IDR"]
    assert items[1]["actions"][0] == {"type": "postback", "label": "Buy Cake",
                                      "payload": {"buy": "Cake", "price": 3}}


def test_api_actions_and_their_result(engine, api):
    session = engine.new_session("u", data={"user": "ann"})
    result = run(engine, session, "api")
    assert contents(result) == ["email ann@x.org, city Bali", "city Bali",
                                'gotUser {"city":"Bali"}']
    first = api.requests[0]
    assert str(first.url) == "https://api.example.com/users/ann?full=true"
    assert first.method == "GET" and first.headers["X-Token"] == "secret"
    result = run(engine, session, "apiPost")
    assert contents(result) == ["order o-tea"]
    assert json.loads(api.requests[-1].content) == {"item": "tea", "count": 2}


def test_an_api_that_fails_gives_a_null_result_and_a_warning(engine):
    result = run(engine, engine.new_session("u"), "apiFail")
    assert contents(result) == ["result null"]
    assert len(result.warnings) == 1
    assert "GET https://api.example.com/missing answered 404" in result.warnings[0]
    assert "bot.yml:" in result.warnings[0]


def test_an_api_that_times_out(clock):
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("too slow", request=request)

    engine = KataEngine(BOT, clock=clock, http=httpx.MockTransport(slow))
    result = run(engine, engine.new_session("u"), "apiFail")
    assert contents(result) == ["result null"]
    assert "timed out after 5000 ms" in result.warnings[0]


def test_api_against_a_real_local_server(clock, monkeypatch):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = json.dumps({"email": "real@x.org", "address": {"city": "Ubud"}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        engine = KataEngine(BOT, clock=clock, config={"api": base})
        # api actions go through turnflow.http: a loopback address is refused...
        monkeypatch.delenv("TURNFLOW_HTTP_ALLOW", raising=False)
        result = run(engine, engine.new_session("u"), "api")
        assert "127.0.0.1 is a loopback address" in result.warnings[0]
        # ...unless the allow-list names it
        monkeypatch.setenv("TURNFLOW_HTTP_ALLOW", "127.0.0.1")
        result = run(engine, engine.new_session("u"), "api")
        assert contents(result)[0] == "email real@x.org, city Ubud"
        # a SafeHTTPClient given to the engine brings its own allow-list
        monkeypatch.delenv("TURNFLOW_HTTP_ALLOW")
        engine = KataEngine(BOT, clock=clock, config={"api": base},
                            http=SafeHTTPClient(allow=["127.0.0.1"]))
        result = run(engine, engine.new_session("u"), "api")
        assert contents(result)[0] == "email real@x.org, city Ubud"
    finally:
        server.shutdown()
        server.server_close()


def test_an_async_api_answers_later_as_a_command(engine, api):
    session = engine.new_session("u")
    result = run(engine, session, "async")
    assert contents(result) == ["filed"]
    assert api.requests == []  # not called during the converse
    due = engine.due(session)
    assert [(d["kind"], d["message"]) for d in due] == [
        ("asyncApi", {"type": "command", "content": "ticketFiled"})]
    result = engine.fire_due(session)
    assert contents(result) == ['ticketFiled {"id":"T-1","got":{"problem":"async"}}']
    assert result.messages[0]["payload"] == {"id": "T-1", "got": {"problem": "async"}}
    assert engine.due(session) == [] and session.conversation.schedules == []


def test_method_actions(engine):
    session = engine.new_session("u")
    assert contents(run(engine, session, "methods")) == ["sum 3"]
    # a returned {data}, and data changed in place by a method that returns nothing
    assert session.data == {"remembered": "tea for run",
                            "mutated": "https://api.example.com"}


def test_a_method_action_changes_the_context(engine):
    result = engine.exec_flow("main", None, {"type": "text", "content": "methods"}, {}, {})
    assert result["context"] == {"touched": 1}


def test_a_method_returning_messages(engine):
    result = run(engine, engine.new_session("u"), "methodReply")
    assert contents(result) == ["from method 7", {"n": 7}, 'afterMethod {"n":7}']
    assert [r["action"] for r in result.responses] == ["replyIt", "replyIt", "text"]


def test_a_schedule_fires_on_the_clock(engine, clock):
    session = engine.new_session("u")
    run(engine, session, "schedule")
    assert engine.due(session) == []
    clock.advance(59)
    assert engine.fire_due(session).responses == []
    clock.advance(1)
    [due] = engine.due(session)
    assert due["kind"] == "schedule" and due["id"] == "remind"
    assert due["due"] == TEST_START.ns // 1_000_000 + 60_000
    assert contents(engine.fire_due(session)) == ["remind {}"]
    clock.advance(3600)
    assert engine.fire_due(session).responses == []  # once only


def test_a_schedule_added_again_replaces_it_and_remove_drops_it(engine, clock):
    session = engine.new_session("u")
    run(engine, session, "schedule")
    clock.advance(30)
    run(engine, session, "schedule")
    clock.advance(40)
    assert engine.fire_due(session).responses == []  # moved to 90 s
    run(engine, session, "unschedule")
    clock.advance(60)
    assert engine.fire_due(session).responses == [] and engine.due(session) == []


def test_a_repeating_schedule_until_its_end(engine, clock):
    session = engine.new_session("u")
    run(engine, session, "repeat")  # at 1, 3, 5 minutes; ends at 5
    fired = []
    for _ in range(10):
        clock.advance(60)
        fired.append(len(engine.fire_due(session).responses))
    assert fired == [1, 0, 1, 0, 1, 0, 0, 0, 0, 0]
    assert session.conversation.schedules == []


def test_missed_repeats_are_skipped(engine, clock):
    session = engine.new_session("u")
    run(engine, session, "repeat")
    clock.advance(200)
    assert len(engine.fire_due(session).responses) == 1
    assert engine.due(session) == []


def test_a_schedule_at_a_date_and_time(engine, clock):
    session = engine.new_session("u")
    run(engine, session, "at")  # 2026-01-05 10:00:00 UTC; the test clock starts at 09:00
    clock.advance(3599)
    assert engine.due(session) == []
    clock.advance(1)
    assert contents(engine.fire_due(session)) == ["remind {}"]


def test_a_method_that_throws_fails_the_converse_in_one_line(engine):
    session = engine.new_session("u", data={"keep": 1})
    with pytest.raises(KataRuntimeError) as error:
        run(engine, session, "boom")
    text = str(error.value)
    assert "\n" not in text and "boom" in text and "bot.yml:" in text
    assert "action 'boomIt'" in text
    assert session.data == {"keep": 1} and session.flow is None


def test_a_method_that_loops_is_stopped(engine):
    session = engine.new_session("u")
    with pytest.raises(KataRuntimeError, match="timed out"):
        run(engine, session, "spin")
    # the bot goes on afterwards
    assert contents(run(engine, session, "conditional")) == ["no name"]
