"""A flow's webhooks on a running server: calls to loopback, private and link-local
addresses are refused by default (the flow sees a failed call and nothing of the local
server's answer), and reach a local server only when ``TURNFLOW_HTTP_ALLOW`` names it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .service_support import Server

SECRET = "s3cret-from-a-local-service"


def _node(uuid: str, actions: list[dict], destination: str | None, wait: bool) -> dict:
    exit_uuid = f"{uuid[:-3]}4{uuid[-2:]}"
    node: dict = {"uuid": uuid, "actions": actions,
                  "exits": [{"uuid": exit_uuid, "destination_uuid": destination}]}
    if wait:
        category = f"{uuid[:-3]}2{uuid[-2:]}"
        node["router"] = {"type": "switch", "wait": {"type": "msg"}, "operand": "@input.text",
                          "cases": [], "categories": [{"uuid": category, "name": "All Responses",
                                                       "exit_uuid": exit_uuid}],
                          "default_category_uuid": category}
    return node


def probe_flow(path: Path) -> Path:
    """A flow that waits for a URL, calls it and says what came back."""
    asking = "00000000-0000-4000-9000-000000000001"
    calling = "00000000-0000-4000-9000-000000000002"
    flow = {
        "uuid": "5d7a6c1e-3333-4000-8000-000000000001", "name": "Probe",
        "spec_version": "14.4.2", "language": "eng", "type": "messaging", "revision": 1,
        "expire_after_minutes": 60, "localization": {},
        "nodes": [
            _node(asking, [], calling, wait=True),
            _node(calling, [
                {"uuid": "00000000-0000-4000-9000-000000000101", "type": "call_webhook",
                 "method": "GET", "url": "@input.text", "headers": {}, "body": "",
                 "result_name": "probe"},
                {"uuid": "00000000-0000-4000-9000-000000000102", "type": "send_msg",
                 "text": "@results.probe.category @webhook.status @webhook.json.secret"},
            ], asking, wait=False),
        ],
    }
    path.write_text(json.dumps(flow))
    return path


@pytest.fixture(scope="module")
def local_service() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            body = json.dumps({"secret": SECRET}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/secret"
    server.shutdown()


def test_webhooks_to_non_public_addresses_are_refused_by_default(
        tmp_path: Path, local_service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TURNFLOW_HTTP_ALLOW", raising=False)
    flow = probe_flow(tmp_path / "probe.json")
    server = Server(f"sqlite:///{tmp_path / 'db.sqlite'}", [flow]).start()
    try:
        urn = "tel:+250788200001"
        assert server.texts(urn, "hi", "probe") == []
        for url in [local_service, "http://localhost:9/", "http://2130706433/",
                    "http://10.0.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest/"]:
            replies = server.texts(urn, url, "probe")
            assert len(replies) == 1 and replies[0].startswith("Failure"), (url, replies)
            assert SECRET not in replies[0]
    finally:
        server.stop()
    server.assert_clean()


def test_an_allow_listed_local_service_is_reached(
        tmp_path: Path, local_service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TURNFLOW_HTTP_ALLOW", "127.0.0.1")
    flow = probe_flow(tmp_path / "probe.json")
    server = Server(f"sqlite:///{tmp_path / 'db.sqlite'}", [flow]).start()
    try:
        urn = "tel:+250788200002"
        assert server.texts(urn, "hi", "probe") == []
        assert server.texts(urn, local_service, "probe") == [f"Success 200 {SECRET}"]
    finally:
        server.stop()
    server.assert_clean()
