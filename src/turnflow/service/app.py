"""The HTTP service: an ASGI app (Starlette, served by uvicorn) over the store.

Starlette rather than FastAPI: the API is a handful of routes whose bodies are checked by
hand (each error says which field and why), so FastAPI's pydantic models and OpenAPI pages
would add a dependency and a second error format for little.

Blocking work (the store, the engines) runs in worker threads; per contact an asyncio lock
keeps this process's turns in order, and the store's locks keep several processes in order.
Background tasks fire timers, post the outbox, finish flow starts and pick up messages
left pending by a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
import httpx
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..store.db import Store
from ..store.models import ApiToken, Channel, Definition, Message
from . import flow_starts, outbox, read_api
from .clock import clock_from_setting
from .loading import API, EXTERNAL, REST, token_digest
from .rasa_rest import rest_messages
from .turns import FAILED, Received, RequestError, Turns

log = logging.getLogger("turnflow.service")
T = TypeVar("T")
CHANNEL_CHECK = 2.0  # seconds a request's channel is kept before it is looked up again


@dataclass
class Settings:
    db: str | None = None
    max_body: int = 64 * 1024  # bytes of a request body
    max_start_body: int = 4 * 1024 * 1024  # bytes of a flow start (lists of contacts)
    max_text: int = 4096  # characters of a message
    tick: float = 0.2  # seconds between looks for due timers and outbox items
    sweep: float = 1.0  # seconds between looks for pending messages and flow starts
    threads: int = 16
    clock: str | None = None  # see clock.py (TURNFLOW_CLOCK)


class ContactLocks:
    """One asyncio lock per contact while anyone holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, contact_id: int) -> AsyncIterator[None]:
        lock, users = self._locks.get(contact_id) or (asyncio.Lock(), 0)
        self._locks[contact_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[contact_id]
            if users <= 1:
                del self._locks[contact_id]
            else:
                self._locks[contact_id] = (lock, users - 1)

    def busy(self, contact_id: int) -> bool:
        return contact_id in self._locks


class Service:
    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self.store = store or Store(settings.db)
        self.clock = clock_from_setting(settings.clock)
        self.turns = Turns(self.store, self.clock)
        self.locks = ContactLocks()
        self.urn_locks = ContactLocks()  # (for requests that know the URN, not the contact)
        self.limiter = anyio.CapacityLimiter(settings.threads)
        self.tasks: set[asyncio.Task[Any]] = set()
        self.running_starts: set[int] = set()
        self.draining: dict[int, bool] = {}  # contact id -> look again (see drain_later)
        self._workspaces: dict[str, int] = {}  # token digest -> workspace id
        self._channels: dict[tuple[Any, ...], tuple[Channel, float]] = {}  # see channel_for

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return await anyio.to_thread.run_sync(fn, *args, limiter=self.limiter)

    def spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    # -- requests -----------------------------------------------------------------------------

    async def workspace(self, request: Request) -> int:
        header = request.headers.get("authorization", "")
        token = header[6:].strip() if header.lower().startswith("token ") else None
        token = token or request.query_params.get("token")
        if not token:
            raise RequestError("authentication required: 'Authorization: Token ...' or "
                               "?token=...", 401)
        digest = token_digest(token)
        if digest not in self._workspaces:
            def find() -> int | None:
                with self.store.reading() as session:
                    return session.scalar(select(ApiToken.workspace_id).where(
                        ApiToken.digest == digest))
            found = await self.run(find)
            if found is None:
                raise RequestError("invalid token", 401)
            self._workspaces[digest] = found
        return self._workspaces[digest]

    async def body(self, request: Request, limit: int | None = None) -> bytes:
        length = request.headers.get("content-length")
        limit = limit or self.settings.max_body
        if length is not None and length.isdigit() and int(length) > limit:
            raise RequestError(f"request body over {limit} bytes", 413)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise RequestError(f"request body over {limit} bytes", 413)
            chunks.append(chunk)
        return b"".join(chunks)

    async def json_object(self, request: Request, limit: int | None = None) -> dict[str, Any]:
        return parse_json_object(await self.body(request, limit))

    def text_field(self, data: dict[str, Any], key: str, required: bool = True) -> str:
        value = data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            raise RequestError(f"field '{key}' is required and must be a string")
        if len(value) > self.settings.max_text:
            raise RequestError(f"field '{key}' is over {self.settings.max_text} characters", 413)
        return value

    def urn_field(self, value: Any, key: str = "urn") -> str:
        if not isinstance(value, str) or ":" not in value:
            raise RequestError(f"field '{key}' must be a URN like 'tel:+250788123123' or "
                               "'ext:ana'")
        scheme, _, path = value.partition(":")
        if not scheme or not path or len(value) > 255 or not scheme.isalnum():
            raise RequestError(f"field '{key}': {value[:60]!r} is not a valid URN")
        return value

    # -- taking messages ----------------------------------------------------------------------

    async def drain(self, contact_id: int) -> None:
        async with self.locks.hold(contact_id):
            await self.run(self.turns.handle_pending, contact_id)

    def drain_later(self, contact_id: int) -> None:
        """Handle the contact's pending messages in the background. One task per contact:
        a message that comes while it runs marks it to look again rather than starting
        another task (each look is a transaction)."""
        if contact_id in self.draining:
            self.draining[contact_id] = True
            return
        self.draining[contact_id] = True

        async def work() -> None:
            try:
                while self.draining.get(contact_id):
                    self.draining[contact_id] = False
                    await self.drain(contact_id)
            finally:
                self.draining.pop(contact_id, None)
        self.spawn(work())

    async def converse(self, channel: Channel, urn: str, text: str,
                       **options: Any) -> tuple[Received, list[Message], Message | None]:
        """Receive a message, handle it (after any the contact has pending) and return its
        replies. The whole of it holds the contact's lock of this process; the contact is
        found by URN in the worker thread, so the lock is taken per URN."""
        async with self.urn_locks.hold(hash((channel.workspace_id, urn))):
            received, message, replies = await self.run(
                lambda: self.turns.converse(channel, urn, text, **options))
        return received, replies, message

    async def channel_for(self, workspace_id: int, kind: str, name: str | None,
                          family: str | None = None) -> Channel:
        key = (workspace_id, kind, name, family)
        cached = self._channels.get(key)
        if cached is not None and time.monotonic() - cached[1] < CHANNEL_CHECK:
            return cached[0]

        def find() -> Channel:
            with self.store.reading() as session:
                query = select(Definition).where(Definition.workspace_id == workspace_id)
                if family:
                    query = query.where(Definition.family == family)
                definitions = list(session.scalars(query.order_by(Definition.id)))
                if name:
                    definitions = [d for d in definitions if d.name == name]
                    if not definitions:
                        raise RequestError(f"no definition {name!r} in this workspace", 404)
                if not definitions:
                    what = f"{family} definitions" if family else "definitions"
                    raise RequestError(f"this workspace has no {what}", 404)
                if len(definitions) > 1:
                    names = ", ".join(d.name for d in definitions)
                    raise RequestError(f"say which definition: one of {names}")
                channel = session.scalar(select(Channel).where(
                    Channel.definition_id == definitions[0].id, Channel.kind == kind))
                if channel is None:
                    raise RequestError(f"definition {definitions[0].name!r} has no {kind} "
                                       "channel", 404)
                return channel
        channel = await self.run(find)
        self._channels[key] = (channel, time.monotonic())
        return channel

    # -- routes -------------------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def api_converse(self, request: Request) -> Response:
        """turnflow's JSON API: one message for a contact, the replies in the answer."""
        workspace_id = await self.workspace(request)
        data = await self.json_object(request)
        urn = self.urn_field(data.get("urn"))
        text = self.text_field(data, "text")
        name = data.get("definition")
        if name is not None and not isinstance(name, str):
            raise RequestError("field 'definition' must be a string")
        external_id = data.get("external_id")
        if external_id is not None and (not isinstance(external_id, str)
                                        or not 0 < len(external_id) <= 255):
            raise RequestError("field 'external_id' must be a string of 1 to 255 characters")
        metadata = data.get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise RequestError("field 'metadata' must be an object")
        channel = await self.channel_for(workspace_id, API, name)
        received, replies, message = await self.converse(
            channel, urn, text, external_id=external_id,
            data={"metadata": metadata} if metadata else None)
        status = message.status if message is not None else "pending"
        body: dict[str, Any] = {
            "message": {"uuid": received.message_uuid, "status": status,
                        "duplicate": received.duplicate},
            "contact": {"uuid": received.contact_uuid, "urn": urn},
            "replies": [dict(r.data, text=r.text) for r in replies],
        }
        if status == FAILED and message is not None:
            body["message"]["error"] = message.data.get("error")
        return JSONResponse(body)

    async def rasa_rest(self, request: Request) -> Response:
        """Rasa's REST channel: ``{"sender", "message"}`` in, the bot's messages out."""
        workspace_id = await self.workspace(request)
        data = await self.json_object(request)
        sender = data.get("sender")
        if not isinstance(sender, str | int) or isinstance(sender, bool) or str(sender) == "":
            raise RequestError("field 'sender' is required (the conversation's id)")
        sender = str(sender)
        if len(sender) > 200:
            raise RequestError("field 'sender' is over 200 characters")
        text = self.text_field(data, "message")
        metadata = data.get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise RequestError("field 'metadata' must be an object")
        channel = await self.channel_for(workspace_id, REST,
                                         request.query_params.get("definition"), "rasa")
        _, replies, _ = await self.converse(
            channel, f"ext:{sender}", text, data={"metadata": metadata} if metadata else None)
        out: list[dict[str, Any]] = []
        for reply in replies:
            out.extend(rest_messages(sender, dict(reply.data, text=reply.text)))
        return JSONResponse(out)

    async def rasa_rest_health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def external_receive(self, request: Request) -> Response:
        """courier's external channel: ``from`` and ``text`` (form, JSON or query), ``id``
        as the channel's message id. Answered once stored; handled in the background."""
        channel_uuid = request.path_params["uuid"]

        def find() -> Channel | None:
            with self.store.reading() as session:
                return session.scalar(select(Channel).where(
                    Channel.uuid == channel_uuid, Channel.kind == EXTERNAL))
        channel = await self.run(find)
        if channel is None:
            raise RequestError(f"no external channel {channel_uuid}", 404)
        fields: dict[str, Any] = dict(request.query_params)
        if request.method == "POST":
            raw = await self.body(request)
            kind = request.headers.get("content-type", "").split(";")[0].strip()
            if kind == "application/json":
                fields.update(parse_json_object(raw))
            elif raw:
                from urllib.parse import parse_qsl

                try:
                    fields.update(parse_qsl(raw.decode(), keep_blank_values=True))
                except UnicodeDecodeError:
                    raise RequestError("body is not UTF-8 form data") from None
        if _has_nul(fields):
            raise RequestError("text can't hold NUL characters")
        sender = fields.get("from") or fields.get("sender")
        if not isinstance(sender, str) or not sender:
            raise RequestError("field 'from' is required")
        urn = sender if ":" in sender else f"{channel.config.get('scheme', 'tel')}:{sender}"
        urn = self.urn_field(urn, "from")
        text = self.text_field(fields, "text", required=False)
        external_id = fields.get("id")
        if external_id is not None and not isinstance(external_id, str | int):
            raise RequestError("field 'id' must be a string")
        external_id = str(external_id)[:255] if external_id not in (None, "") else None
        received = await self.run(lambda: self.turns.receive(
            channel, urn, text, external_id=external_id))
        if not received.duplicate:
            self.drain_later(received.contact_id)
        return JSONResponse({"message": "Message Accepted", "data": [{
            "type": "msg", "channel_uuid": channel.uuid, "msg_uuid": received.message_uuid,
            "text": text, "urn": urn, "external_id": external_id,
            "duplicate": received.duplicate}]})

    async def read(self, request: Request) -> Response:
        workspace_id = await self.workspace(request)
        name = request.path_params["name"]
        reader = read_api.READERS.get(name)
        if reader is None:
            raise RequestError(f"no endpoint {name}.json (there are: "
                               f"{', '.join(sorted(read_api.READERS))})", 404)
        params = dict(request.query_params)
        url = str(request.url).split("?", 1)[0]

        def run() -> dict[str, Any]:
            with self.store.reading() as session:
                return reader(session, workspace_id, params, url)
        return JSONResponse(await self.run(run))

    async def post_flow_start(self, request: Request) -> Response:
        workspace_id = await self.workspace(request)
        data = await self.json_object(request, self.settings.max_start_body)
        start = await self.run(flow_starts.create_start, self.turns, workspace_id, data)
        self.spawn(self.run_start(start.id))
        return JSONResponse(read_api.flow_start_json(start), status_code=201)

    # -- background ---------------------------------------------------------------------------

    async def run_start(self, start_id: int) -> None:
        if start_id in self.running_starts:
            return
        self.running_starts.add(start_id)
        try:
            await self.run(flow_starts.fix_targets, self.turns, start_id)
            while await self.run(flow_starts.start_some, self.turns, start_id):
                await asyncio.sleep(0)
        except Exception:
            log.exception("flow start %s failed", start_id)
        finally:
            self.running_starts.discard(start_id)

    async def fire_timers(self) -> None:
        for timer_id, contact_id in await self.run(self.turns.due_timers):
            async with self.locks.hold(contact_id):
                outcome = await self.run(self.turns.fire_timer, timer_id, contact_id)
            if outcome == "later":
                self.drain_later(contact_id)

    async def post_outbox(self, client: httpx.AsyncClient) -> None:
        items = await self.run(outbox.claim_due, self.turns)
        for item in items:
            error = await outbox.post(client, item)
            await self.run(outbox.mark, self.turns, item.id, error)

    async def sweep(self) -> None:
        """Messages left pending (a crash, a lost task) and unfinished flow starts."""
        def pending() -> list[int]:
            with self.store.reading() as session:
                return list(session.scalars(select(Message.contact_id).where(
                    Message.status == "pending").distinct().limit(1000)))
        for contact_id in await self.run(pending):
            if not self.locks.busy(contact_id) and contact_id not in self.draining:
                self.drain_later(contact_id)
        for start_id in await self.run(flow_starts.unfinished_starts, self.turns):
            if start_id not in self.running_starts:
                self.spawn(self.run_start(start_id))

    async def loop(self, every: float, step: Callable[[], Any], name: str) -> None:
        while True:
            try:
                await step()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s failed", name)
            await asyncio.sleep(every)

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        client = httpx.AsyncClient(timeout=10, follow_redirects=False)
        loops = [
            asyncio.ensure_future(self.loop(self.settings.tick, self.fire_timers, "timers")),
            asyncio.ensure_future(self.loop(self.settings.tick,
                                            lambda: self.post_outbox(client), "outbox")),
            asyncio.ensure_future(self.loop(self.settings.sweep, self.sweep, "sweep")),
        ]
        try:
            yield
        finally:
            for task in loops + list(self.tasks):
                task.cancel()
            await asyncio.gather(*loops, *self.tasks, return_exceptions=True)
            await client.aclose()
            self.store.close()

    def app(self) -> Starlette:
        routes = [
            Route("/health", self.health),
            Route("/api/converse", self.api_converse, methods=["POST"]),
            Route("/api/v2/flow_starts.json", self.post_flow_start, methods=["POST"]),
            Route("/api/v2/{name}.json", self.read, methods=["GET"]),
            Route("/webhooks/rest/webhook", self.rasa_rest, methods=["POST"]),
            Route("/webhooks/rest/", self.rasa_rest_health, methods=["GET"]),
            Route("/c/ex/{uuid}/receive", self.external_receive, methods=["GET", "POST"]),
        ]
        handlers = {RequestError: _request_error, HTTPException: _http_error,
                    Exception: _server_error}
        return Starlette(routes=routes, lifespan=self.lifespan,
                         exception_handlers=handlers)  # type: ignore[arg-type]


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """A request body that must be a JSON object (no NUL characters: PostgreSQL's text and
    JSONB refuse them)."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RequestError(f"body is not valid JSON: {exc}") from None
    except RecursionError:
        raise RequestError("body is not valid JSON: nested too deep") from None
    if not isinstance(data, dict):
        raise RequestError("body must be a JSON object")
    if _has_nul(data):
        raise RequestError("body can't hold NUL characters (\\u0000)")
    return data


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


async def _request_error(request: Request, exc: Exception) -> Response:
    status = exc.status if isinstance(exc, RequestError) else 400
    return JSONResponse({"error": str(exc)}, status_code=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("internal error on %s", request.url.path, exc_info=exc)
    return JSONResponse({"error": "internal error"}, status_code=500)
