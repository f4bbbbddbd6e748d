"""The booking, ticket and status services the support bot talks to, for its tests and for
trying the bot by hand:

    python examples/kata/support/service.py 8765    # then: turnflow chat examples/kata/support

Answers are made from the request alone, so tests can expect them: a booking's id is made of
its day and hour, a ticket is always T-1001, the status is up unless ?detail=full is asked.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class ServiceHandler(BaseHTTPRequestHandler):
    def _reply(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            return {}
        return body if isinstance(body, dict) else {}

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        url = urlsplit(self.path)
        if url.path == "/status":
            if parse_qs(url.query).get("detail") == ["full"]:
                self._reply(200, {"state": "down", "down": ["mail", "billing"]})
            else:
                self._reply(200, {"state": "up", "down": []})
        else:
            self._reply(404, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802
        body = self._body()
        if self.path == "/bookings":
            day = str(body.get("day") or "?")[:3].upper()
            self._reply(200, {"id": f"B-{day}{body.get('hour')}", "desk": self.headers["X-Desk"]})
        elif self.path == "/tickets":
            self._reply(200, {"id": "T-1001", "contact": body.get("contact")})
        else:
            self._reply(404, {"error": "not found"})

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # quiet


def start(port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Serve in a background thread; returns the server (call .shutdown()) and its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", port), ServiceHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


if __name__ == "__main__":
    server, url = start(int(sys.argv[1]) if len(sys.argv) > 1 else 8765)
    print(f"serving on {url} (Ctrl-C stops)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()
