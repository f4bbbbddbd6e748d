"""An httpx transport that sends every request through :class:`turnflow.http.SafeHTTPClient`
(public addresses only unless the allow-list names them, a total time limit, a body limit, no
redirects), for code that takes an httpx client or transport: Kata's ``api`` and
``asyncApi`` actions in the service. See docs/security.md."""

from __future__ import annotations

from collections.abc import Iterable

import httpx

from ..http import CallTimeout, HTTPError, SafeHTTPClient

# headers that describe the body as it came over the wire: the body handed on is decoded
_WIRE_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection"}


class SafeTransport(httpx.BaseTransport):
    """``allow``: as SafeHTTPClient's (None: the ``TURNFLOW_HTTP_ALLOW`` setting). A
    request's own timeout (httpx's ``timeout`` extension) is used when it is shorter than
    ``timeout``."""

    def __init__(self, allow: Iterable[str] | str | None = None, timeout: float = 10.0,
                 max_body_bytes: int = 100_000) -> None:
        self.client = SafeHTTPClient(allow=allow, timeout=timeout,
                                     max_body_bytes=max_body_bytes)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        client = self.client
        asked = (request.extensions.get("timeout") or {}).get("read")
        if isinstance(asked, int | float) and 0 < asked < client.timeout:
            client = SafeHTTPClient(allow=[], timeout=asked,
                                    max_body_bytes=client.max_body_bytes)
            client.allow = self.client.allow
        try:
            answer = client.request(request.method, str(request.url),
                                    headers=dict(request.headers), content=request.read())
        except CallTimeout as exc:
            raise httpx.ReadTimeout(str(exc), request=request) from None
        except HTTPError as exc:
            # (httpx's own errors, so callers treat a refusal as any failed connection)
            raise httpx.ConnectError(str(exc), request=request) from None
        headers = [(k, v) for k, v in answer.headers.items() if k.lower() not in _WIRE_HEADERS]
        return httpx.Response(answer.status_code, headers=headers, content=answer.body,
                              request=request)
