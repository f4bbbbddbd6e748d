"""The service on a real server (``turnflow serve`` under uvicorn, httpx as the client), on
SQLite and on PostgreSQL: a conversation through each channel for goflow and Rasa, workspaces
kept apart, malformed requests answered 4xx, flow starts, and conversations that go on
across a restart (also after SIGKILL)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import pytest

from turnflow.generators import SystemClock
from turnflow.service.loading import load_paths
from turnflow.store import Store, upgrade

from .conftest import SHARED, require_fixtures
from .service_support import EXAMPLES, TIMERS_FLOW, Server, database, free_port, wait_for

COFFEE = EXAMPLES / "coffee.json"
# a RapidPro legacy flow (ActionSets and RuleSets), read in place from the shared fixtures
BASIC_FORM = (SHARED / "fixtures" / "rapidpro" / "flows" / "common" / "test_flows"
              / "basic-form.json")
TRANSFER = EXAMPLES / "rasa" / "transfer"
BACKENDS = ["sqlite", "postgresql"]


class Receiver:
    """A channel's send URL: records what the outbox posts; the first post fails (500), so
    every message arrives through a retry."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.failed = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.failed == 0:
                    receiver.failed += 1
                    self.send_response(500)
                else:
                    receiver.posts.append(json.loads(body))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module", params=BACKENDS)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[Server, Receiver]]:
    """One server per backend: coffee (goflow) and transfer (Rasa) in workspace 'default',
    and the timers flow in workspace 'other' with its own token."""
    with database(request.param, tmp_path_factory.mktemp("db")) as url:
        store = Store(url)
        upgrade(store)
        load_paths(store, [TIMERS_FLOW], "other", SystemClock(), token="token-b")
        store.close()
        receiver = Receiver()
        paths = [COFFEE, TRANSFER, require_fixtures(BASIC_FORM)]
        server = Server(url, paths, extra=["--send-url", receiver.url]).start()
        yield server, receiver
        server.stop()
        server.assert_clean()
        receiver.close()


def test_goflow_conversation_through_the_json_api(served: tuple[Server, Receiver]) -> None:
    server, _ = served
    urn = "tel:+250788100001"
    assert server.texts(urn, "hi", "coffee") == ["Hi ! What can I get you: coffee or tea?"]
    assert server.texts(urn, "a latte please", "coffee") == [
        "Coffee it is. How many cups (1-10)?"]
    assert server.texts(urn, "2", "coffee") == [
        "2 x coffee, coming up. That's 5.00 EUR. Thanks !"]
    contact = server.get("contacts", urn=urn)["results"][0]
    assert contact["urns"] == [urn]
    runs = server.get("runs", contact=contact["uuid"])["results"]
    assert [(r["flow"]["name"], r["exit_type"], r["responded"]) for r in runs] == [
        ("Coffee Order", "completed", True)]
    assert {k: v["category"] for k, v in runs[0]["values"].items()} == {
        "drink": "Coffee", "cups": "Valid"}
    assert len(runs[0]["path"]) == 3 and runs[0]["path"][0]["exit"]
    messages = server.get("messages", contact=contact["uuid"])["results"]
    assert [(m["direction"], m["text"]) for m in reversed(messages)][:2] == [
        ("in", "hi"), ("out", "Hi ! What can I get you: coffee or tea?")]
    session = server.get("sessions", contact=contact["uuid"])["results"][0]
    assert (session["family"], session["status"], session["turns"]) == ("goflow", "completed", 3)
    # RapidPro's before/after: the runs modified since the run ended are none
    modified = dt.datetime.fromisoformat(runs[0]["modified_on"].replace("Z", "+00:00"))
    later = (modified + dt.timedelta(milliseconds=1)).isoformat()
    assert server.get("runs", contact=contact["uuid"], after=runs[0]["modified_on"])["results"]
    assert server.get("runs", contact=contact["uuid"], after=later)["results"] == []
    assert server.get("messages", contact=contact["uuid"], before="2000-01-01T00:00:00Z",
                      )["results"] == []
    assert session["state"]["runs"][0]["flow"]["name"] == "Coffee Order"


def test_legacy_flow_conversation_through_the_json_api(served: tuple[Server, Receiver]
                                                       ) -> None:
    server, _ = served
    urn = "tel:+250788100005"
    assert server.texts(urn, "hi", "basic-form") == []  # the flow starts waiting
    assert server.texts(urn, "m 34 88", "basic-form") == [
        "Your details:\nGender: Male\nAge: 34\nWeight: 88"]
    run = server.get("runs", urn=urn)["results"][0]
    assert (run["flow"]["name"], run["exit_type"]) == ("Basic Form", "completed")


def test_rasa_conversation_through_the_json_api(served: tuple[Server, Receiver]) -> None:
    server, _ = served
    answer = server.converse("ext:leo", "/send_money", "transfer")
    assert [r["text"] for r in answer["replies"]] == ["Who should receive the money?"]
    answer = server.converse("ext:leo", "/SetSlots(payee=Mia)", "transfer")
    assert [r["text"] for r in answer["replies"]] == ["How much do you want to send?"]
    # the same conversation goes on through Rasa's REST channel (the sender is ext:leo)
    assert server.rest("leo", "/SetSlots(sum=10)")[0]["text"] == "You have 250 available."


def test_a_repeated_external_id_is_taken_once(served: tuple[Server, Receiver]) -> None:
    server, _ = served
    first = server.converse("tel:+250788100002", "hi", "coffee", external_id="wamid.1")
    again = server.converse("tel:+250788100002", "hi", "coffee", external_id="wamid.1")
    assert (first["message"]["duplicate"], again["message"]["duplicate"]) == (False, True)
    assert again["message"]["uuid"] == first["message"]["uuid"]
    assert again["replies"] == first["replies"]
    incoming = server.get("messages", urn="tel:+250788100002", direction="in")["results"]
    assert len(incoming) == 1


def test_rasa_conversation_through_the_rest_channel(served: tuple[Server, Receiver]) -> None:
    server, _ = served
    assert server.rest("mia", "/send_money") == [
        {"recipient_id": "mia", "text": "Who should receive the money?"}]
    assert server.rest("mia", "/SetSlots(payee=Ana)") == [
        {"recipient_id": "mia", "text": "How much do you want to send?"}]
    assert server.rest("mia", "/SetSlots(sum=40)") == [
        {"recipient_id": "mia", "text": "You have 250 available."},
        {"recipient_id": "mia", "text": "Standard or instant transfer?", "buttons": [
            {"title": "Standard (free)", "payload": "/SetSlots(speed=standard)"},
            {"title": "Instant", "payload": "/SetSlots(speed=instant)"}]}]
    health = httpx.get(f"{server.url}/webhooks/rest/", timeout=5)
    assert health.json() == {"status": "ok"}
    session = server.get("sessions", urn="ext:mia")["results"][0]
    assert session["family"] == "rasa"
    assert session["state"]["rasa"]["slots"]["payee"] == "Ana"
    flows = {r["flow"]["uuid"] for r in server.get("runs", urn="ext:mia")["results"]}
    assert "send_money" in flows


def test_goflow_conversation_through_the_external_channel(served: tuple[Server, Receiver]
                                                          ) -> None:
    server, receiver = served
    definitions = server.get("definitions")["results"]
    coffee = next(d for d in definitions if d["name"] == "coffee")
    channel = next(c["uuid"] for c in coffee["channels"] if c["kind"] == "external")
    receive = f"{server.url}/c/ex/{channel}/receive"
    answer = httpx.post(receive, data={"from": "+250788100003", "text": "hi", "id": "41"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["message"] == "Message Accepted"
    posted = wait_for(lambda: [p for p in receiver.posts if p["to"] == "+250788100003"])
    assert posted[0]["text"] == "Hi ! What can I get you: coffee or tea?"
    assert posted[0]["channel"] == channel and posted[0]["quick_replies"] == ["Coffee", "Tea"]
    assert receiver.failed == 1  # the first post failed and was retried
    again = httpx.post(receive, data={"from": "+250788100003", "text": "hi", "id": "41"})
    assert again.json()["data"][0]["duplicate"] is True
    httpx.post(receive, json={"from": "+250788100003", "text": "tea", "id": "42"})
    wait_for(lambda: len([p for p in receiver.posts if p["to"] == "+250788100003"]) == 2)
    texts = [p["text"] for p in receiver.posts if p["to"] == "+250788100003"]
    assert texts[1] == "Tea it is. How many cups (1-10)?"
    out = server.get("messages", urn="tel:+250788100003", direction="out")["results"]
    assert {m["status"] for m in out} == {"wired"}


def test_tokens_see_only_their_workspace(served: tuple[Server, Receiver]) -> None:
    server, _ = served
    server.texts("tel:+250788100004", "hi", "coffee")
    for endpoint in ("contacts", "runs", "messages", "sessions", "flow_starts"):
        assert server.get(endpoint, token="token-b")["results"] == [], endpoint
    assert [d["name"] for d in server.get("definitions", token="token-b")["results"]] == [
        "timers"]
    # the other workspace can't talk to this one's definitions either
    answer = httpx.post(f"{server.url}/api/converse", headers=server.headers("token-b"),
                        json={"urn": "tel:+250788100004", "text": "hi",
                              "definition": "coffee"})
    assert answer.status_code == 404 and "no definition 'coffee'" in answer.json()["error"]
    answer = httpx.post(f"{server.url}/webhooks/rest/webhook?token=token-b",
                        json={"sender": "mia", "message": "/send_money"})
    assert answer.status_code == 404
    for headers in ({"Authorization": "Token nope"}, {"Authorization": "Bearer x"}, {}):
        answer = httpx.get(f"{server.url}/api/v2/contacts.json", headers=headers)
        assert answer.status_code == 401 and "error" in answer.json()


MALFORMED = [
    ("POST", "/api/converse", b"{not json", 400, "not valid JSON"),
    ("POST", "/api/converse", b"[1, 2]", 400, "must be a JSON object"),
    ("POST", "/api/converse", b'{"text": "hi"}', 400, "'urn' must be a URN"),
    ("POST", "/api/converse", b'{"urn": "nocolon", "text": "hi"}', 400, "must be a URN"),
    ("POST", "/api/converse", b'{"urn": "tel:", "text": "hi"}', 400, "not a valid URN"),
    ("POST", "/api/converse", b'{"urn": "tel:+1", "text": 5}', 400, "'text' is required"),
    ("POST", "/api/converse", b'{"urn": "tel:+1", "text": "hi"}', 400, "say which definition"),
    ("POST", "/api/converse", json.dumps({"urn": "tel:+1", "text": "x" * 5000}).encode(), 413,
     "over 4096 characters"),
    ("POST", "/api/converse", b'{"urn": "tel:+1", "text": "' + b"x" * 70_000 + b'"}', 413,
     "request body over"),
    ("POST", "/api/converse", b'{"urn": "tel:+1", "text": "hi", "definition": 3}', 400,
     "'definition' must be a string"),
    ("POST", "/webhooks/rest/webhook", b'{"message": "hi"}', 400, "'sender' is required"),
    ("POST", "/webhooks/rest/webhook", b'{"sender": "a", "message": null}', 400,
     "'message' is required"),
    ("POST", "/webhooks/rest/webhook", b'{"sender": "a", "message": "hi", "metadata": 1}', 400,
     "'metadata' must be an object"),
    ("POST", "/api/converse", b'{"urn": "tel:+1", "text": "a\\u0000b", "definition": "coffee"}',
     400, "NUL"),
    ("POST", "/api/converse", b"[" * 20_000 + b"]" * 20_000, 400, "nested too deep"),
    # (hostile input: values PostgreSQL's JSONB refuses, or that no JSON holds, are turned
    # down before anything is stored; JSON 101 levels deep fits in the body limit)
    ("POST", "/webhooks/rest/webhook", b'{"sender": "a", "message": "hi", "metadata": {"n": '
     b'NaN}}', 400, "NaN is not a JSON value"),
    ("POST", "/webhooks/rest/webhook", b'{"sender": "a", "message": "hi", "metadata": {"n": '
     b'1e999}}', 400, "too large"),
    ("POST", "/webhooks/rest/webhook", b'{"sender": "a", "message": "hi", "metadata": '
     + b'{"a": ' * 101 + b"1" + b"}" * 102, 400, "nested too deep"),
    ("POST", "/webhooks/rest/webhook", b'{"sender": "a", "n": ' + b"9" * 5000 + b"}", 400,
     "digits"),
    ("GET", "/api/v2/runs.json?cursor=zzz", b"", 400, "bad cursor"),
    ("GET", "/api/v2/runs.json?page_size=0", b"", 400, "page_size"),
    ("GET", "/api/v2/runs.json?after=yesterday", b"", 400, "not an ISO 8601 time"),
    ("GET", "/api/v2/nothing.json", b"", 404, "no endpoint nothing.json"),
    ("GET", "/api/converse", b"", 405, "Method Not Allowed"),
    ("GET", "/no/such/path", b"", 404, "Not Found"),
    ("POST", "/api/v2/flow_starts.json", b'{"flow": "No Such Flow", "urns": ["tel:+1"]}', 404,
     "no flow 'No Such Flow'"),
    ("POST", "/api/v2/flow_starts.json", b'{"flow": "Coffee Order"}', 400, "give 'contacts'"),
    ("POST", "/api/v2/flow_starts.json", b'{"flow": "Coffee Order", "urns": "tel:+1"}', 400,
     "'urns' must be a list"),
    ("POST", "/api/v2/flow_starts.json", b'{"flow": "send_money", "urns": ["tel:+1"]}', 422,
     "only goflow flows"),
    ("POST", "/c/ex/00000000-0000-4000-8000-000000000000/receive", b"from=1&text=hi", 404,
     "no external channel"),
]


def test_malformed_requests_get_a_4xx_that_says_why(served: tuple[Server, Receiver]) -> None:
    server, _ = served
    before = len(server.all("messages"))
    for method, path, body, status, error in MALFORMED:
        answer = httpx.request(method, f"{server.url}{path}", content=body,
                               headers=server.headers(), timeout=10)
        assert answer.status_code == status, (path, body[:60], answer.text)
        assert error in answer.json()["error"], (path, answer.json())
    coffee = next(d for d in server.get("definitions")["results"] if d["name"] == "coffee")
    channel = next(c["uuid"] for c in coffee["channels"] if c["kind"] == "external")
    for body, error in ((b"text=hi", "'from' is required"),
                        (b"\xff\xfe", "not UTF-8")):
        answer = httpx.post(f"{server.url}/c/ex/{channel}/receive", content=body, headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        assert answer.status_code == 400 and error in answer.json()["error"], answer.text
    assert len(server.all("messages")) == before  # nothing half-written


def test_a_lone_surrogate_is_read_as_a_replacement_character(served: tuple[Server, Receiver]
                                                             ) -> None:
    # (it used to pass the JSON reader and fail with a 500 when the message was stored)
    server, _ = served
    answer = httpx.post(f"{server.url}/webhooks/rest/webhook", headers=server.headers(),
                        content=b'{"sender": "lone", "message": "hi \\ud800"}', timeout=10)
    assert answer.status_code == 200, answer.text
    texts = [m["text"] for m in server.all("messages") if m["urn"] == "ext:lone"]
    assert "hi \ufffd" in texts


def test_flow_starts_run_in_the_background_with_progress(served: tuple[Server, Receiver]
                                                         ) -> None:
    server, _ = served
    urns = [f"tel:+25078820{n:04d}" for n in range(30)]
    answer = httpx.post(f"{server.url}/api/v2/flow_starts.json", headers=server.headers(),
                        json={"flow": "Coffee Order", "urns": urns})
    assert answer.status_code == 201, answer.text
    start = answer.json()
    assert start["status"] in ("pending", "starting", "complete")

    def done() -> dict[str, Any] | None:
        found = server.get("flow_starts", uuid=start["uuid"])["results"][0]
        return found if found["status"] == "complete" else None

    finished = wait_for(done, timeout=30)
    assert finished["progress"] == {"total": 30, "started": 30}
    for urn in urns[:3]:
        out = server.get("messages", urn=urn, direction="out")["results"]
        assert [m["text"] for m in out] == ["Hi ! What can I get you: coffee or tea?"]
    # the started flow goes on with the contact's reply
    assert server.texts(urns[0], "tea", "coffee") == ["Tea it is. How many cups (1-10)?"]


def test_conversations_go_on_after_a_restart(served: tuple[Server, Receiver]) -> None:
    """Stopped (SIGTERM) or killed (SIGKILL) mid-conversation, the server started again
    with no paths (the store has the definitions) goes on where each conversation was."""
    server, _ = served
    urn = "tel:+250788300001"
    assert server.texts(urn, "hi", "coffee") == ["Hi ! What can I get you: coffee or tea?"]
    assert server.rest("ana", "/send_money")[0]["text"] == "Who should receive the money?"
    server.kill()
    server.start([])
    assert server.texts(urn, "tea", "coffee") == ["Tea it is. How many cups (1-10)?"]
    assert server.rest("ana", "/SetSlots(payee=Mia)") == [
        {"recipient_id": "ana", "text": "How much do you want to send?"}]
    server.stop()
    server.start([])
    assert server.texts(urn, "3", "coffee") == [
        "3 x tea, coming up. That's 7.50 EUR. Thanks !"]
    assert server.rest("ana", "/SetSlots(sum=20)")[0]["text"] == "You have 250 available."
