"""turnflow.http: the address policy, and the client against real local servers."""

from __future__ import annotations

import gzip
import http.server
import ipaddress
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from turnflow.goflow import services as svc
from turnflow.http import AddressRefused, AllowList, CallTimeout, HTTPError, SafeHTTPClient, refusal

# -- the address policy ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address, reason",
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "not a public"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "private"),
        ("255.255.255.255", "private"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("::127.0.0.1", "loopback"),
        ("64:ff9b::7f00:1", "loopback"),
        ("2002:7f00:1::", "loopback"),
        ("2002:a9fe:a9fe::", "link-local"),
    ],
)
def test_non_public_addresses_are_refused(address: str, reason: str) -> None:
    assert reason in (refusal(ipaddress.ip_address(address)) or "")


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


def test_allow_list() -> None:
    allow = AllowList.parse("localhost, 10.0.0.0/8 ::1")
    assert allow.permits("LOCALHOST", ipaddress.ip_address("127.0.0.1"))
    assert allow.permits("x", ipaddress.ip_address("10.9.9.9"))
    assert allow.permits("x", ipaddress.ip_address("::ffff:10.9.9.9"))
    assert allow.permits("x", ipaddress.ip_address("::1"))
    assert not allow.permits("x", ipaddress.ip_address("127.0.0.1"))
    with pytest.raises(ValueError):
        AllowList.parse("10.0.0.0/99")


def test_allow_list_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TURNFLOW_HTTP_ALLOW", "127.0.0.1")
    assert SafeHTTPClient().allow.permits("x", ipaddress.ip_address("127.0.0.1"))
    assert not SafeHTTPClient(allow=[]).allow.permits("x", ipaddress.ip_address("127.0.0.1"))


# -- real local servers ------------------------------------------------------------------------

SECRET = b'{"secret": "internal"}'
BOMB = gzip.compress(b"0" * 20_000_000)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/drip":  # one byte every 0.3 s, forever
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(1000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.3)
            except OSError:
                pass
        elif self.path == "/bomb":
            self._send(200, BOMB, Content_Encoding="gzip")
        elif self.path == "/gzip":
            self._send(200, gzip.compress(b'{"ok": true}'), Content_Encoding="gzip")
        elif self.path == "/redirect":
            self._send(302, b"", Location="http://127.0.0.1/elsewhere")
        else:
            self._send(200, SECRET, Content_Type="application/json")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_an_allowed_local_server_answers(server: str) -> None:
    response = SafeHTTPClient(allow=["127.0.0.1"]).request("GET", f"http://{server}/")
    assert response.status_code == 200 and response.body == SECRET and not response.truncated


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "2130706433", "0x7f000001", "017700000001", "127.1", "0.0.0.0",
     "[::ffff:127.0.0.1]"],
)  # fmt: skip
def test_loopback_in_any_spelling_is_refused(server: str, host: str) -> None:
    port = server.split(":")[1]
    with pytest.raises(AddressRefused, match="refused"):
        SafeHTTPClient(allow=[]).request("GET", f"http://{host}:{port}/")


def test_the_check_is_made_on_the_resolved_address(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name that resolves to loopback at connect time (DNS rebinding) is refused."""
    real = socket.getaddrinfo

    def rebinding(host: str, *args: object, **kwargs: object) -> list:
        return real("127.0.0.1" if host == "public.example" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    port = server.split(":")[1]
    with pytest.raises(AddressRefused, match="127.0.0.1 is a loopback address"):
        SafeHTTPClient(allow=[]).request("GET", f"http://public.example:{port}/")
    allowed = SafeHTTPClient(allow=["public.example"]).request(
        "GET", f"http://public.example:{port}/"
    )
    assert allowed.body == SECRET


def test_a_dripping_server_is_cut_at_the_total_limit(server: str) -> None:
    client = SafeHTTPClient(allow=["127.0.0.1"], timeout=1.0)
    with pytest.raises(CallTimeout):
        client.request("GET", f"http://{server}/drip")


def test_a_gzip_bomb_is_decompressed_only_up_to_the_limit(server: str) -> None:
    client = SafeHTTPClient(allow=["127.0.0.1"], max_body_bytes=100_000)
    bomb = client.request("GET", f"http://{server}/bomb")
    assert bomb.truncated and len(bomb.body) == 100_001
    small = client.request("GET", f"http://{server}/gzip")
    assert small.body == b'{"ok": true}' and not small.truncated


def test_redirects_are_not_followed(server: str) -> None:
    response = SafeHTTPClient(allow=["127.0.0.1"]).request("GET", f"http://{server}/redirect")
    assert response.status_code == 302 and response.headers["location"].endswith("/elsewhere")


@pytest.mark.parametrize("host", ["0177.0.0.1", "127.000.000.001", "①②⑦.0.0.1", "[::1"])
def test_urls_httpx_cannot_read_are_errors(host: str) -> None:
    with pytest.raises(HTTPError):
        SafeHTTPClient(allow=[]).request("GET", f"http://{host}:8080/")


def test_other_schemes_are_refused() -> None:
    with pytest.raises(HTTPError, match="scheme"):
        SafeHTTPClient().request("GET", "file:///etc/passwd")


def test_the_webhook_service_refuses_loopback_and_keeps_the_body_out(server: str) -> None:
    call = svc.HTTPWebhookService(allow=[]).call("GET", f"http://{server}/", {}, "")
    assert call.status() == "connection_error" and "loopback" in (call.error or "")
    assert call.body == b"" and call.webhook()["json"] is None
    allowed = svc.HTTPWebhookService(allow=["127.0.0.1"]).call("GET", f"http://{server}/", {}, "")
    assert allowed.status() == "success" and allowed.json() == {"secret": "internal"}


def test_the_webhook_service_over_gzip(server: str) -> None:
    call = svc.HTTPWebhookService(allow=["127.0.0.1"]).call("GET", f"http://{server}/gzip", {}, "")
    assert call.json() == {"ok": True} and "Content-Encoding" not in call.response


def test_a_flow_cannot_read_a_local_server(
    server: str, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """End to end, as `turnflow chat` runs it: the default webhook service, no allow-list."""
    import io
    from pathlib import Path

    from turnflow.chat import run_chat

    fixture = Path("/work/shared/fixtures/goflow/test/testdata/runner/webhook_results.json")
    if not fixture.exists():
        pytest.skip("goflow fixtures not present")
    monkeypatch.delenv("TURNFLOW_HTTP_ALLOW", raising=False)
    flow = tmp_path / "flow.json"
    text = fixture.read_text()
    flow.write_text(text.replace("http://temba.io/", f"http://localhost:{server.split(':')[1]}/"))
    out = io.StringIO()
    run_chat(flow, iter(["hi", None]).__next__, out, show_events=True)
    assert "webhook_called" in out.getvalue()
    assert "internal" not in out.getvalue() and '"status_code"' not in out.getvalue()
