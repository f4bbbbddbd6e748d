"""The one place Kata's ``api`` and ``asyncApi`` actions make an HTTP call (so that the client
can be swapped: a test's ``httpx.MockTransport``, a shared safe client).

What a bot gets back follows the Kata FAQ: an API must answer with status 200 and a JSON body,
otherwise the action's result is null. A call that fails (refused, timed out, not JSON) is a
null result too, and the converse result carries a warning saying why; the conversation goes
on (the bot can test ``result`` and say sorry).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


def call_api(http: Any, request: ApiRequest) -> ApiAnswer:
    """Make the call with ``http`` (an ``httpx.Client``, an httpx transport, or None for a
    plain client made for the call)."""
    import httpx  # (imported here: heavy, and only bots that call APIs need it)

    timeout = max(request.timeout_ms, 1) / 1000
    kwargs: dict[str, Any] = {"headers": request.headers, "params": request.query or None,
                              "timeout": timeout}
    if request.method not in ("GET", "HEAD"):
        if request.form is not None:
            kwargs["data"] = request.form
        elif request.body is not None:
            kwargs["json"] = request.body
    try:
        if isinstance(http, httpx.Client):
            response = http.request(request.method, request.uri, **kwargs)
        else:
            transport = http if isinstance(http, httpx.BaseTransport) else None
            with httpx.Client(transport=transport, timeout=timeout) as client:
                response = client.request(request.method, request.uri, **kwargs)
    except httpx.TimeoutException:
        return ApiAnswer(None, None, f"timed out after {request.timeout_ms:g} ms")
    except (httpx.HTTPError, ValueError) as exc:
        return ApiAnswer(None, None, f"failed: {type(exc).__name__}: {exc}")
    if response.status_code != 200:
        return ApiAnswer(None, response.status_code, f"answered {response.status_code}")
    try:
        return ApiAnswer(response.json(), 200)
    except ValueError:
        return ApiAnswer(None, 200, "answered with a body that is not JSON")
