"""The one place Kata's ``api`` and ``asyncApi`` actions make an HTTP call, always through
turnflow's safe client ``turnflow.http.SafeHTTPClient`` (docs/security.md); a test swaps the
network with an ``httpx.MockTransport``.

What a bot gets back follows the Kata FAQ: an API must answer with status 200 and a JSON body,
otherwise the action's result is null. A call that fails (refused, timed out, not JSON) is a
null result too, and the converse result carries a warning saying why; the conversation goes
on (the bot can test ``result`` and say sorry).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ..js import JsRuntimeError, to_js_string
from ..js.jsjson import parse as parse_json

# the FAQ: "Kata put 5 seconds for timeout condition when hit API"
DEFAULT_TIMEOUT_MS = 5000
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


@dataclass(frozen=True, slots=True)
class ApiRequest:
    method: str
    uri: str
    headers: dict[str, str]
    query: dict[str, Any]
    body: Any  # sent as JSON (unless form)
    form: dict[str, Any] | None
    timeout_ms: float

    def record(self) -> dict[str, Any]:
        return {"method": self.method, "uri": self.uri, "headers": self.headers,
                "query": self.query, "body": self.body, "form": self.form,
                "timeout_ms": self.timeout_ms}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> ApiRequest:
        return cls(record["method"], record["uri"], dict(record.get("headers") or {}),
                   dict(record.get("query") or {}), record.get("body"), record.get("form"),
                   record.get("timeout_ms") or DEFAULT_TIMEOUT_MS)


@dataclass(frozen=True, slots=True)
class ApiAnswer:
    result: Any  # the JSON body, or None
    status: int | None = None
    problem: str | None = None  # why the result is null


def check_http(http: Any) -> None:
    """Refuse an ``http=`` that would bypass turnflow's safe client (a plain
    ``httpx.Client``)."""
    if http is None:
        return
    import httpx

    from ...http import SafeHTTPClient

    if not isinstance(http, (SafeHTTPClient, httpx.BaseTransport)):
        raise TypeError(f"http= must be a turnflow.http.SafeHTTPClient or an httpx transport, "
                        f"not {type(http).__name__}")


def call_api(http: Any, request: ApiRequest) -> ApiAnswer:
    """Make the call through turnflow's safe client (``turnflow.http``: public addresses only
    unless ``TURNFLOW_HTTP_ALLOW`` or the client's ``allow`` names them, a total time limit,
    a body limit, no redirects). ``http``: a ``SafeHTTPClient`` (its allow-list and body
    limit; the action's own time limit), an httpx transport that replaces the network (tests),
    or None for a client reading the allow-list from the environment."""
    import httpx  # (imported here: heavy, and only bots that call APIs need it)

    from ...http import CallTimeout, HTTPError, SafeHTTPClient

    timeout = max(request.timeout_ms, 1) / 1000
    if isinstance(http, SafeHTTPClient):
        client = copy.copy(http)
        client.timeout = timeout
    else:
        transport = http if isinstance(http, httpx.BaseTransport) else None
        client = SafeHTTPClient(timeout=timeout, transport=transport)
    headers = dict(request.headers)
    content: bytes = b""
    if request.method not in ("GET", "HEAD"):
        if request.form is not None:
            content = urlencode({k: to_text(v) for k, v in request.form.items()}).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif request.body is not None:
            content = json.dumps(request.body, ensure_ascii=False).encode()
            headers.setdefault("Content-Type", "application/json")
    try:
        url = str(httpx.URL(request.uri).copy_merge_params(request.query)) if request.query \
            else request.uri
        response = client.request(request.method, url, headers=headers, content=content)
    except CallTimeout:
        return ApiAnswer(None, None, f"timed out after {request.timeout_ms:g} ms")
    except (HTTPError, httpx.InvalidURL, ValueError) as exc:
        return ApiAnswer(None, None, f"failed: {exc}")
    if response.status_code != 200:
        return ApiAnswer(None, response.status_code, f"answered {response.status_code}")
    if response.truncated:
        return ApiAnswer(None, 200, f"answered with a body over {client.max_body_bytes} bytes")
    try:
        return ApiAnswer(parse_json(response.body.decode("utf-8")), 200)
    except (JsRuntimeError, UnicodeDecodeError):
        return ApiAnswer(None, 200, "answered with a body that is not JSON")


def to_text(value: Any) -> str:
    """A form field as JavaScript would print it (objects as JSON)."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return to_js_string(value)
