"""The outside services goflow actions use, and test doubles that behave like goflow's own.

* Webhooks: :class:`HTTPWebhookService` calls over real HTTP (httpx) with goflow's limits
  (256 KiB request, 100 000 byte response); :class:`MockHTTPService` answers from a fixture's
  ``http_mocks`` (URL -> ordered list of ``{status, headers?, body, body_repeat?}``).
  Both return an :class:`HTTPCall`: the request and response as wire text (what goflow's
  ``webhook_called`` event stores), sizes, elapsed time and the response body.
* LLMs: :class:`TestLLMService` (``\\error x`` fails with x, ``\\return x`` returns x,
  "Categorize..." instructions return the last category, otherwise the input leetified;
  tokens 45 in / 78 out).
* Airtime: :class:`TestAirtimeService` (fixed currency, 10 character external id drawn from
  the environment's random generator, a fixed HTTP log).
* Email: :class:`MockEmailService` records what it sends (or fails with a set error);
  :class:`SMTPEmailService` sends with smtplib.

Timing: a call reads the engine clock when it starts and when it ends, so under goflow's
sequential test clock ``elapsed_ms`` is 1000, as in goflow's fixtures.
"""

from __future__ import annotations

import http
import json
import re
import smtplib
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from email.message import EmailMessage
from typing import Any, Protocol
from urllib.parse import urlsplit

from .. import json_input
from ..errors import TurnflowError
from ..expressions import Lazy, XObject, from_python
from ..generators import Clock

MAX_REQUEST_BYTES = 256 * 1024
MAX_RESPONSE_BYTES = 100_000
MAX_TRACE_CHARS = 10_000  # request / response text kept on a webhook_called event
RESULT_EXTRA_MAX_BYTES = 10_000  # a webhook result's extra holds JSON bodies smaller than this
BLOCKED_HOSTS = ("graph.facebook.com",)  # goflow refuses to call these from flows


class ServiceError(TurnflowError):
    """A service that failed (its message is what goflow puts in the error event)."""


# ---------------------------------------------------------------------------------------------
# Webhooks
# ---------------------------------------------------------------------------------------------


@dataclass
class HTTPCall:
    """One HTTP request and what came back. ``status_code`` 0 means there was no response."""

    method: str
    url: str
    request: str
    request_size: int
    status_code: int = 0
    response: str = ""
    response_size: int = 0
    headers: dict[str, str] | None = None  # response headers (None when no response)
    body: bytes = b""
    elapsed_ms: int = 0
    retries: int = 0
    error: str | None = None  # why the call failed, if it did
    error_code: str | None = None  # "webhook:response_size" for an oversized response

    @property
    def has_response(self) -> bool:
        return self.status_code > 0

    def status(self, resthook: bool = False) -> str:
        """goflow's call status: success, response_error, connection_error, subscriber_gone."""
        if not self.has_response or self.error:
            return "connection_error"
        if resthook and self.status_code == 410:
            return "subscriber_gone"
        return "success" if self.status_code // 100 == 2 else "response_error"

    def json_text(self) -> str | None:
        """The body as JSON text when it is valid JSON (after goflow's clean up), else None."""
        if not self.body:
            return None
        text = self.body.decode("utf-8", errors="ignore").replace("\x00", "")
        text = re.sub(r"(?<!\\)\\u0000", "", text)
        try:
            json_input.loads(text, parse_float=json_input.decimal)
        except json_input.JSONInputError:
            return None  # not JSON, or JSON nested too deeply to use (shown as text)
        return text

    def json(self) -> Any:
        text = self.json_text()
        return json.loads(text, parse_float=Decimal) if text is not None else None

    def webhook(self) -> dict[str, Any]:
        """What a webhook action stores as the run's ``@webhook``."""
        text = self.json_text()
        return {
            "method": self.method,
            "url": self.url,
            "status": self.status_code,
            "headers": dict(self.headers) if self.headers is not None else None,
            "json": json.loads(text) if text is not None else None,
        }

    def event_fields(self, status: str) -> dict[str, Any]:
        """The fields of goflow's webhook_called event (without ``resthook``)."""
        fields: dict[str, Any] = {"url": self.url}
        if self.status_code:
            fields["status_code"] = self.status_code
        fields["request"] = truncate_ellipsis(self.request, MAX_TRACE_CHARS)
        if self.response:
            fields["response"] = truncate_ellipsis(self.response, MAX_TRACE_CHARS)
        fields["elapsed_ms"] = self.elapsed_ms
        fields["retries"] = self.retries
        fields["sizes"] = {"request": self.request_size, "response": self.response_size}
        fields["status"] = status
        return fields


class WebhookService(Protocol):
    def call(self, method: str, url: str, headers: Mapping[str, str], body: str) -> HTTPCall: ...


def truncate_ellipsis(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def canonical_header(name: str) -> str:
    """Go's canonical header key: "content-type" -> "Content-Type"."""
    if not re.fullmatch(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+", name):
        return name
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


def request_size(method: str, url: str, headers: Mapping[str, str], body: str) -> int:
    """goflow's estimate of a request's size on the wire, checked before calling."""
    size = len(method.encode()) + len(url.encode()) + 12
    for key, value in headers.items():
        size += len(key.encode()) + len(value.encode()) + 4
    return size + 2 + len(body.encode())


def is_valid_url(url: str) -> bool:
    """Whether Go's url.Parse would accept the URL (and it isn't over 8192 characters)."""
    if len(url) > 8192 or any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return False
    if url.startswith(":"):
        return False  # missing protocol scheme
    scheme_end = url.find(":")
    slash = url.find("/")
    if scheme_end > 0 and (slash < 0 or scheme_end < slash):
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", url[:scheme_end]):
            return False
    if re.search(r"%(?![0-9A-Fa-f]{2})", url):
        return False
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return False
    return " " not in parts.netloc


def blocked_host(url: str, blocked: Iterable[str] = BLOCKED_HOSTS) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    return host if host in blocked else None


def request_text(
    method: str, url: str, headers: Mapping[str, str], body: str, user_agent: str
) -> str:
    """The request as Go's HTTP client writes it (request line, Host, User-Agent,
    Content-Length, the other headers sorted, then Accept-Encoding)."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if "?" in url:
        target += "?" + parts.query
    lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}"]
    own = {canonical_header(k): v for k, v in headers.items()}
    lines.append(f"User-Agent: {own.pop('User-Agent', user_agent)}")
    size = len(body.encode())
    if size or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {size}")
    own.pop("Content-Length", None)
    lines += [f"{key}: {own[key]}" for key in sorted(own)]
    lines.append("Accept-Encoding: gzip")
    return "\r\n".join(lines) + "\r\n\r\n" + body


def response_head(version: str, status: int, headers: Mapping[str, str], length: int) -> str:
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    lines = [f"{version} {status} {reason}".rstrip(), f"Content-Length: {length}"]
    others = {canonical_header(k): v for k, v in headers.items() if k.lower() != "content-length"}
    lines += [f"{key}: {others[key]}" for key in sorted(others)]
    return "\r\n".join(lines) + "\r\n\r\n"


def _elapsed(clock: Clock | None) -> Callable[[], int]:
    """Start timing; the returned function gives the milliseconds since."""
    if clock is not None:
        start = clock.now_ns()
        return lambda: (clock.now_ns() - start) // 1_000_000
    begin = time.monotonic()
    return lambda: int((time.monotonic() - begin) * 1000)


def _finish(
    call: HTTPCall, version: str, status: int, headers: Mapping[str, str], body: bytes,
    max_response: int,
) -> HTTPCall:  # fmt: skip
    head = response_head(version, status, headers, len(body))
    call.status_code = status
    call.headers = {
        canonical_header(k): v for k, v in headers.items() if k.lower() != "content-length"
    }
    call.response_size = len(head.encode()) + len(body)
    if len(body) > max_response:
        call.response = head
        call.error = f"Webhook response exceeded the limit of {max_response} bytes"
        call.error_code = "webhook:response_size"
        return call
    call.body = body
    call.response = head + body.decode("utf-8", errors="replace")
    return call


class HTTPWebhookService:
    """Calls webhooks over real HTTP through turnflow's one outbound client
    (:class:`turnflow.http.SafeHTTPClient`: public addresses only unless ``allow`` or the
    ``TURNFLOW_HTTP_ALLOW`` setting names them, a total time limit per call, the response
    limit applied while the body streams)."""

    def __init__(
        self,
        *,
        user_agent: str = "turnflow",
        timeout: float = 10.0,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        clock: Clock | None = None,
        transport: Any = None,
        allow: Iterable[str] | str | None = None,
    ) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self.clock = clock
        from ..http import SafeHTTPClient  # (imported here: httpx is heavy, few runs call out)

        self.client = SafeHTTPClient(
            allow=allow, timeout=timeout, max_body_bytes=max_response_bytes, transport=transport
        )  # transport: an httpx transport replacing the network (httpx.MockTransport in tests)

    def call(self, method: str, url: str, headers: Mapping[str, str], body: str) -> HTTPCall:
        from ..http import HTTPError

        text = request_text(method, url, headers, body, self.user_agent)
        call = HTTPCall(method, url, text, len(text.encode()))
        send_headers = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip"}
        send_headers.update({canonical_header(k): v for k, v in headers.items()})
        elapsed = _elapsed(self.clock)
        try:
            response = self.client.request(method, url, headers=send_headers, content=body)
        except HTTPError as exc:
            call.elapsed_ms = elapsed()
            call.error = str(exc) or type(exc).__name__
            return call
        call.elapsed_ms = elapsed()
        headers_in = dict(response.headers)
        if response.headers.get("content-encoding", "").strip().lower() in ("gzip", "x-gzip"):
            headers_in.pop("content-encoding", None)  # Go's client hides what it decoded
        return _finish(call, response.http_version, response.status_code, headers_in,
                       response.body, self.max_response_bytes)


class MockHTTPService:
    """Answers webhook calls from goflow's ``http_mocks``; every mock should be used once."""

    def __init__(
        self,
        mocks: Mapping[str, list[Mapping[str, Any]]] | None = None,
        *,
        clock: Clock | None = None,
        user_agent: str = "goflow-testing",
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.mocks = {url: list(responses) for url, responses in (mocks or {}).items()}
        self.clock = clock
        self.user_agent = user_agent
        self.max_response_bytes = max_response_bytes
        self.unmatched: list[str] = []  # URLs called with no mock left

    @property
    def all_used(self) -> bool:
        return not self.unmatched and all(not r for r in self.mocks.values())

    def call(self, method: str, url: str, headers: Mapping[str, str], body: str) -> HTTPCall:
        text = request_text(method, url, headers, body, self.user_agent)
        call = HTTPCall(method, url, text, len(text.encode()))
        elapsed = _elapsed(self.clock)
        queue = self.mocks.get(url)
        mock = queue.pop(0) if queue else None
        call.elapsed_ms = elapsed()
        if mock is None:
            self.unmatched.append(url)
            call.error = f"no mock response for {url}"
            return call
        status = int(mock.get("status") or 0)
        if status == 0:
            call.error = "unable to connect to server"
            return call
        body = str(mock.get("body") or "") * int(mock.get("body_repeat") or 1)
        return _finish(call, "HTTP/1.0", status, dict(mock.get("headers") or {}), body.encode(),
                       self.max_response_bytes)


def webhook_context(webhook: Mapping[str, Any] | None) -> XObject | None:
    """``@webhook``: shows as its parsed JSON body (text and JSON alike), or as "METHOD url"
    when the response wasn't JSON; with ``status``, ``headers`` and ``json`` properties."""
    if webhook is None:
        return None
    body = from_python(webhook.get("json"))
    if body is None:
        return XObject(
            {"status": Decimal(int(webhook.get("status") or 0)),
             "headers": Lazy(lambda: from_python(webhook.get("headers") or {})), "json": None},
            default=f"{webhook.get('method', '')} {webhook.get('url', '')}",
        )  # fmt: skip
    return XObject(
        {
            "status": Decimal(int(webhook.get("status") or 0)),
            "headers": Lazy(lambda: from_python(webhook.get("headers") or {})),
            "json": body,
        },
        default=body,
        json_default=True,
    )


# ---------------------------------------------------------------------------------------------
# LLMs
# ---------------------------------------------------------------------------------------------


@dataclass
class LLMResponse:
    output: str
    input_tokens: int = 0
    output_tokens: int = 0


class LLMService(Protocol):
    def respond(
        self, llm: Mapping[str, Any], instructions: str, input: str, max_tokens: int
    ) -> LLMResponse: ...


_LEET = str.maketrans({"a": "4", "A": "4", "e": "3", "E": "3", "i": "1", "I": "1", "o": "0",
                       "O": "0", "s": "5", "S": "5", "t": "7", "T": "7"})  # fmt: skip


class TestLLMService:
    """goflow's test LLM: answers are a function of the instructions and input."""

    __test__ = False  # not a pytest class

    def respond(
        self, llm: Mapping[str, Any], instructions: str, input: str, max_tokens: int
    ) -> LLMResponse:
        directive = _first_array_item(input)
        if directive.startswith("\\error "):
            raise ServiceError(directive[7:])
        if directive.startswith("\\return "):
            output = directive[8:]
        elif instructions.startswith("Categorize"):
            words = instructions.split()
            output = words[-1].strip("[](),.'\"") if words else ""
        else:
            output = input.translate(_LEET)
        return LLMResponse(output, 45, 78)


def _first_array_item(text: str) -> str:
    """A JSON array input carries a directive in its first item."""
    if text.startswith("["):
        try:
            items = json.loads(text)
        except ValueError:
            return text
        if isinstance(items, list) and items and isinstance(items[0], str):
            if items[0].startswith(("\\error ", "\\return ")):
                return items[0]
    return text


# ---------------------------------------------------------------------------------------------
# Airtime
# ---------------------------------------------------------------------------------------------


@dataclass
class AirtimeTransfer:
    sender: str
    recipient: str
    currency: str = ""
    amount: Decimal = Decimal(0)
    external_id: str = ""
    http_logs: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


class AirtimeService(Protocol):
    def transfer(
        self, sender: str, recipient: str, amounts: Mapping[str, Decimal]
    ) -> AirtimeTransfer: ...


_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class TestAirtimeService:
    """goflow's test airtime service: one currency, numbers containing 666 fail."""

    __test__ = False

    def __init__(self, random: Any, currency: str = "RWF") -> None:
        self.random = random  # anything with int_n(n) (the environment's generator)
        self.currency = currency

    def transfer(
        self, sender: str, recipient: str, amounts: Mapping[str, Decimal]
    ) -> AirtimeTransfer:
        result = AirtimeTransfer(sender, recipient)
        if "666" in recipient:
            result.error = "invalid recipient number"
            return result
        result.http_logs.append(
            {
                "url": "http://send.airtime.com",
                "status_code": 200,
                "request": "GET / HTTP/1.1\r\nHost: send.airtime.com"
                "\r\nUser-Agent: Go-http-client/1.1\r\nAccept-Encoding: gzip\r\n\r\n",
                "response": 'HTTP/1.0 200 OK\r\nContent-Length: 15\r\n\r\n{"status":"ok"}',
                "elapsed_ms": 0,
                "retries": 0,
                "sizes": {"request": 0, "response": 0},
                "status": "success",
                "created_on": "2019-10-16T13:59:30.123456789Z",
            }
        )
        if self.currency not in amounts:
            result.error = f"no amount configured for transfers in {self.currency}"
            return result
        result.external_id = "".join(
            _ID_CHARS[self.random.int_n(len(_ID_CHARS))] for _ in range(10)
        )
        result.currency = self.currency
        result.amount = Decimal(amounts[self.currency])
        return result


# ---------------------------------------------------------------------------------------------
# Email
# ---------------------------------------------------------------------------------------------


class EmailService(Protocol):
    def send(self, to: list[str], subject: str, body: str) -> None: ...


class MockEmailService:
    """Records emails instead of sending them; fails every send when ``error`` is set."""

    def __init__(self, error: str | None = None) -> None:
        self.error = error
        self.sent: list[dict[str, Any]] = []

    def send(self, to: list[str], subject: str, body: str) -> None:
        if self.error:
            raise ServiceError(self.error)
        self.sent.append({"to": list(to), "subject": subject, "body": body})


class SMTPEmailService:
    """Sends emails through an SMTP server (``smtp://user:pass@host:port/?from=...`` style
    settings are split into arguments here)."""

    def __init__(
        self, host: str, port: int = 25, *, sender: str, username: str | None = None,
        password: str | None = None, starttls: bool = False, timeout: float = 10.0,
    ) -> None:  # fmt: skip
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, timeout

    def send(self, to: list[str], subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, ", ".join(to), subject
        message.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise ServiceError(str(exc)) from exc
