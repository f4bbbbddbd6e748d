"""Service actions (webhooks, resthooks, LLM, airtime, tickets, email, sessions) and the
service doubles in turnflow.goflow.services."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from turnflow.generators import SeededRandom, SequentialClock
from turnflow.goflow import services as svc

GOFLOW = Path("/work/shared/fixtures/goflow")


def test_request_text_is_gos_wire_format():
    text = svc.request_text(
        "POST", "http://temba.io/", {"x-something": "Male"}, "Hi there!", "goflow-testing"
    )
    assert text == (
        "POST / HTTP/1.1\r\nHost: temba.io\r\nUser-Agent: goflow-testing\r\nContent-Length: 9\r\n"
        "X-Something: Male\r\nAccept-Encoding: gzip\r\n\r\nHi there!"
    )
    get = svc.request_text("GET", "http://temba.io/?q=", {}, "", "ua")
    assert get.startswith("GET /?q= HTTP/1.1")
    assert "Content-Length: 0" in svc.request_text("POST", "http://temba.io", {}, "", "ua")


def test_mock_service_answers_in_order_and_times_with_the_clock():
    mocks = {"http://temba.io/": [
        {"status": 200, "headers": {"Content-Type": "application/json"}, "body": '{ "ok": true }'},
        {"status": 0, "body": ""},
    ]}  # fmt: skip
    service = svc.MockHTTPService(mocks, clock=SequentialClock())
    call = service.call("POST", "http://temba.io/", {}, "Hi there!")
    assert call.status() == "success" and call.elapsed_ms == 1000
    assert call.response == (
        "HTTP/1.0 200 OK\r\nContent-Length: 14\r\nContent-Type: application/json\r\n\r\n"
        '{ "ok": true }'
    )
    assert (call.request_size, call.response_size) == (114, 85)
    assert call.webhook() == {"method": "POST", "url": "http://temba.io/", "status": 200,
                              "headers": {"Content-Type": "application/json"}, "json": {"ok": True}}
    failed = service.call("POST", "http://temba.io/", {}, "")
    assert failed.status() == "connection_error" and failed.webhook()["headers"] is None
    assert "status_code" not in failed.event_fields("connection_error")
    assert service.all_used


def test_mock_service_enforces_the_response_limit():
    service = svc.MockHTTPService(
        {"http://x.io/": [{"status": 200, "body": "X", "body_repeat": 100010}]}
    )
    call = service.call("GET", "http://x.io/", {}, "")
    assert call.error_code == "webhook:response_size"
    assert call.status() == "connection_error" and call.status_code == 200
    assert call.response == "HTTP/1.0 200 OK\r\nContent-Length: 100010\r\n\r\n"
    assert call.response_size == 100053 and call.webhook()["json"] is None


def test_real_http_service_over_a_mock_transport():
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["x-token"] == "abc"
        if request.url.path == "/big":
            return httpx.Response(200, content=b"x" * 200)
        if request.url.path == "/down":
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(201, json={"id": 7})

    service = svc.HTTPWebhookService(transport=httpx.MockTransport(handler), max_response_bytes=100)
    ok = service.call("POST", "http://example.com/items", {"X-Token": "abc"}, '{"a": 1}')
    assert ok.status() == "success" and ok.json() == {"id": 7}
    assert ok.request.startswith("POST /items HTTP/1.1\r\nHost: example.com\r\n")
    big = service.call("GET", "http://example.com/big", {"X-Token": "abc"}, "")
    assert big.error_code == "webhook:response_size"
    down = service.call("GET", "http://example.com/down", {"X-Token": "abc"}, "")
    assert down.status() == "connection_error" and "refused" in (down.error or "")


def test_url_checks():
    assert svc.is_valid_url("http://temba.io/?q=")
    assert not svc.is_valid_url(":xxxxx")
    assert not svc.is_valid_url("http://temba.io/" + "x" * 9000)
    assert svc.blocked_host("https://graph.facebook.com/v25.0/1/messages") == "graph.facebook.com"
    assert svc.request_size("POST", "http://temba.io/", {}, "x" * 300000) == 300034


def test_llm_double():
    llm = svc.TestLLMService()
    sentiment = llm.respond({}, "Categorize the text as positive or negative", "hi", 10)
    assert sentiment.output == "negative"
    assert llm.respond({}, "Categorize: [Flights, Hotels]", "hi", 10).output == "Hotels"
    assert llm.respond({}, "x", "\\return foo", 10).output == "foo"
    with pytest.raises(svc.ServiceError, match="boom"):
        llm.respond({}, "x", "\\error boom", 10)
    response = llm.respond({}, "x", "hello", 10)
    assert (response.output, response.input_tokens, response.output_tokens) == ("h3ll0", 45, 78)


def test_airtime_double_uses_the_seeded_random():
    from decimal import Decimal

    airtime = svc.TestAirtimeService(SeededRandom(123456))
    transfer = airtime.transfer("tel:+17036975131", "tel:+12065551212", {"RWF": Decimal(500)})
    assert (transfer.external_id, transfer.currency, transfer.amount) == ("4ZJR8BT9MF", "RWF", 500)
    refused = airtime.transfer("", "tel:+1666", {"RWF": Decimal(1)})
    assert refused.error == "invalid recipient number"


def test_email_double():
    email = svc.MockEmailService()
    email.send(["a@b.c"], "s", "b")
    assert email.sent == [{"to": ["a@b.c"], "subject": "s", "body": "b"}]
    with pytest.raises(svc.ServiceError):
        svc.MockEmailService("oops").send(["a@b.c"], "s", "b")


MY_FILES = ("call_webhook", "call_resthook", "call_llm", "call_classifier", "transfer_airtime",
            "open_ticket", "send_email", "send_broadcast", "start_session", "add_input_labels",
            "request_optin")  # fmt: skip
# cases that depend on other parts of the engine (last_seen_on, json(run) in the context)
ENGINE_DEPENDENT = {("call_webhook", 11), ("open_ticket", 2), ("open_ticket", 3),
                    ("open_ticket", 4), ("open_ticket", 5), ("start_session", 6),
                    ("start_session", 8)}  # fmt: skip


@pytest.mark.skipif(not GOFLOW.exists(), reason="goflow fixtures not present")
@pytest.mark.parametrize("name", MY_FILES)
def test_goflow_action_cases(name):
    from turnflow.conformance.goflow_actions import TESTDATA, run_case

    folder = GOFLOW / TESTDATA
    assets = json.loads((folder / "_assets.json").read_text())
    for index, case in enumerate(json.loads((folder / f"{name}.json").read_text())):
        if (name, index) in ENGINE_DEPENDENT:
            continue
        problem, _ = run_case(GOFLOW, assets, case)
        assert not problem, f"{name}[{index}] {case['description']}: {problem}"
