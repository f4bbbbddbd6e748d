"""The one outbound HTTP client of turnflow (webhooks, and any family's API calls).

Every connection it makes resolves the host itself and connects to a checked address, so a
URL (or a DNS answer that changes between two look-ups) cannot reach loopback, private,
link-local, multicast or reserved addresses unless the allow-list names them. A call has a
total time limit (name resolution, connecting, sending and the whole body: a server sending
one byte every few seconds is cut at the limit), the body is limited while it streams, gzip
and deflate bodies are decompressed under the same limit, and redirects are not followed
(a 3xx comes back as it is).

    client = SafeHTTPClient(timeout=10, max_body_bytes=100_000)
    response = client.request("GET", "https://api.example.com/orders/42")
    response.status_code, response.headers, response.body, response.truncated

Failures are :class:`HTTPError` (a TurnflowError): :class:`AddressRefused`,
:class:`CallTimeout`, or the connection's own failure with httpx's message.
"""

from __future__ import annotations

import concurrent.futures
import socket
import ssl
import time
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from ..errors import TurnflowError
from .addresses import AllowList, parse_address, refusal

DEFAULT_TIMEOUT = 10.0  # seconds for the whole call
DEFAULT_MAX_BODY_BYTES = 100_000  # goflow's webhook response limit


class HTTPError(TurnflowError):
    """An outbound call that got no (usable) response."""


class AddressRefused(HTTPError):
    """The host resolves only to addresses outbound HTTP may not reach."""


class CallTimeout(HTTPError):
    """The call took longer than its total time limit."""


@dataclass
class HTTPResponse:
    """What came back. ``body`` is decompressed and holds at most ``max_body_bytes + 1``
    bytes; ``truncated`` says the server sent more than the limit (the rest was not read)."""

    status_code: int
    headers: dict[str, str]
    body: bytes
    http_version: str = "HTTP/1.1"
    truncated: bool = False
    elapsed: float = 0.0  # seconds
    raw_headers: list[tuple[str, str]] = field(default_factory=list)


_resolver = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="tf-dns")
_ssl_context: ssl.SSLContext | None = None


def _default_ssl_context() -> ssl.SSLContext:
    global _ssl_context
    if _ssl_context is None:  # made once: loading the CA bundle costs ~10 ms
        import certifi

        _ssl_context = ssl.create_default_context(cafile=certifi.where())
    return _ssl_context


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self, cap: float | None = None) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise CallTimeout(f"the call took longer than its limit of {self.seconds:g} seconds")
        return left if cap is None else min(cap, left)


class _GuardedStream(httpcore.NetworkStream):
    """A connection whose every read and write waits at most until the call's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self.inner = inner
        self.deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, self.deadline.remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, self.deadline.remaining(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:  # fmt: skip
        inner = self.inner.start_tls(ssl_context, server_hostname, self.deadline.remaining(timeout))
        return _GuardedStream(inner, self.deadline)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves names itself and connects only to addresses the policy lets through."""

    def __init__(self, allow: AllowList, deadline: _Deadline) -> None:
        self.allow = allow
        self.deadline = deadline

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:  # fmt: skip
        candidates = self._addresses(host, port)
        allowed = []
        reasons = []
        for family, sockaddr in candidates:
            address = parse_address(sockaddr[0])
            if address is None:
                continue
            why = refusal(address)
            if why is None or self.allow.permits(host, address):
                allowed.append((family, sockaddr))
            else:
                reasons.append(f"{address} is {why}")
        if not allowed:
            detail = "; ".join(dict.fromkeys(reasons)) or "no address"
            raise AddressRefused(f"request to {host} refused: {detail}")
        last: Exception | None = None
        for family, sockaddr in allowed:
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(self.deadline.remaining(timeout))
                sock.connect(sockaddr)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except TimeoutError as exc:
                sock.close()
                last = httpcore.ConnectTimeout(str(exc) or "connection timed out")
            except OSError as exc:
                sock.close()
                last = httpcore.ConnectError(str(exc))
            else:
                return _GuardedStream(httpcore._backends.sync.SyncStream(sock), self.deadline)
        assert last is not None
        raise last

    def _addresses(self, host: str, port: int) -> list[tuple[int, tuple[Any, ...]]]:
        future = _resolver.submit(socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM)
        try:
            infos = future.result(timeout=self.deadline.remaining())
        except concurrent.futures.TimeoutError:
            raise CallTimeout(f"resolving {host} took longer than the call's limit") from None
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
        return [
            (info[0], info[4]) for info in infos if info[0] in (socket.AF_INET, socket.AF_INET6)
        ]

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise AddressRefused("unix sockets are not reachable")


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over a pool that connects through _GuardedBackend (httpx has no
    public way to pass a network backend, so the pool it made is replaced)."""

    def __init__(self, backend: _GuardedBackend, ssl_context: ssl.SSLContext) -> None:
        super().__init__(verify=ssl_context, trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context, network_backend=backend, max_connections=4, retries=0
        )


class _BoundedDecoder:
    """Decompresses gzip / deflate bodies without ever holding more than the limit."""

    def __init__(self, encoding: str, limit: int) -> None:
        encoding = encoding.strip().lower()
        self.limit = limit
        self.inflater: Any = None
        self.raw_deflate = False
        if encoding in ("gzip", "x-gzip"):
            self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.inflater = zlib.decompressobj()
            self.raw_deflate = True  # servers send zlib-wrapped or raw deflate: try both

    def feed(self, data: bytes, room: int) -> bytes:
        """At most ``room`` bytes of decoded output for the next chunk of ``data``."""
        if self.inflater is None:
            return data[:room]
        out: list[bytes] = []
        while data and room > 0:
            try:
                piece = self.inflater.decompress(data, room)
            except zlib.error as exc:
                if self.raw_deflate:  # first chunk wasn't zlib-wrapped: raw deflate
                    self.raw_deflate = False
                    self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise httpcore.ReadError(f"bad compressed body: {exc}") from None
            self.raw_deflate = False
            out.append(piece)
            room -= len(piece)
            data = self.inflater.unconsumed_tail
            if self.inflater.eof:
                break
        return b"".join(out)


class SafeHTTPClient:
    """Outbound HTTP with turnflow's policy (see the module text).

    ``allow``: hosts and networks reachable although not public (``["localhost",
    "10.0.0.0/8"]``); when None, the ``TURNFLOW_HTTP_ALLOW`` environment variable (comma or
    space separated) is read. ``transport``: an httpx transport that replaces the network
    (``httpx.MockTransport`` in tests; no address checks then)."""

    def __init__(
        self,
        *,
        allow: Iterable[str] | str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.allow = AllowList.from_environment() if allow is None else AllowList.parse(allow)
        self.timeout = timeout
        self.max_body_bytes = max_body_bytes
        self.transport = transport

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content: bytes | str = b"",
    ) -> HTTPResponse:
        """Make one call; raises HTTPError when there is no response."""
        try:
            scheme = urlsplit(url).scheme.lower()
        except ValueError as exc:
            raise HTTPError(f"invalid URL: {exc}") from None
        if scheme not in ("http", "https"):
            raise HTTPError(f"unsupported URL scheme '{scheme}'")
        deadline = _Deadline(self.timeout)
        began = time.monotonic()
        transport = self.transport or _GuardedTransport(
            _GuardedBackend(self.allow, deadline), _default_ssl_context()
        )
        if isinstance(content, str):
            content = content.encode()
        try:
            with httpx.Client(
                transport=transport, timeout=self.timeout, follow_redirects=False, trust_env=False
            ) as client:
                request = client.build_request(method, url, headers=dict(headers or {}),
                                               content=content)  # fmt: skip
                response = client.send(request, stream=True)
                try:
                    body, truncated = self._read(response, deadline)
                finally:
                    response.close()
        except HTTPError:
            raise
        except httpx.TimeoutException:
            raise CallTimeout(
                f"the call took longer than its limit of {self.timeout:g} seconds"
            ) from None
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, httpcore.ProtocolError,
                ValueError, UnicodeError) as exc:  # fmt: skip
            raise HTTPError(str(exc) or type(exc).__name__) from None
        return HTTPResponse(
            status_code=response.status_code,
            headers=dict(response.headers),
            body=body,
            http_version=response.http_version or "HTTP/1.1",
            truncated=truncated,
            elapsed=time.monotonic() - began,
            raw_headers=list(response.headers.multi_items()),
        )

    def _read(self, response: httpx.Response, deadline: _Deadline) -> tuple[bytes, bool]:
        limit = self.max_body_bytes
        if response.is_stream_consumed:  # a test transport that answered with bytes it read
            return response.content[: limit + 1], len(response.content) > limit
        decoder = _BoundedDecoder(response.headers.get("content-encoding", ""), limit + 1)
        chunks: list[bytes] = []
        size = 0
        for raw in response.iter_raw():
            deadline.remaining()
            piece = decoder.feed(raw, limit + 1 - size)
            chunks.append(piece)
            size += len(piece)
            if size > limit:
                return b"".join(chunks), True
        return b"".join(chunks), False
