"""The HTTP service: an ASGI app (Starlette, served by uvicorn) over the store.

Starlette rather than FastAPI: the API is a handful of routes whose bodies are checked by
hand (each error says which field and why), so FastAPI's pydantic models and OpenAPI pages
would add a dependency and a second error format for little.

Blocking work (the store, the engines) runs in worker threads; per contact an asyncio lock
keeps this process's turns in order, and the store's locks keep several processes in order.
Request checks are in request_checks.py; what runs in the background (timers, the outbox,
flow starts, messages left pending by a crash) in background.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..store.db import Store
from ..store.models import ApiToken, Channel, Definition, Message
from . import background, flow_starts, read_api
from .clock import clock_from_setting
from .loading import API, EXTERNAL, GENERIC, REST, token_digest
from .rasa_rest import rest_messages
from .request_checks import (
    ERROR_HANDLERS,
    has_nul,
    parse_json_object,
    read_body,
    text_field,
    urn_field,
)
from .turns import FAILED, Received, RequestError, Turns

log = logging.getLogger("turnflow.service")
T = TypeVar("T")
CHANNEL_CHECK = 2.0  # seconds a request's channel is kept before it is looked up again
MAX_KATA_MESSAGES = 50  # messages in one request of Kata's generic channel


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

    def to_environment(self) -> dict[str, str]:
        """The settings as environment variables, for worker processes
        (see :func:`app_from_environment`)."""
        env = {"TURNFLOW_MAX_BODY": str(self.max_body)}
        if self.db:
            env["TURNFLOW_DB"] = self.db
        return env


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

    async def json_object(self, request: Request, limit: int | None = None) -> dict[str, Any]:
        return parse_json_object(await read_body(request, limit or self.settings.max_body))

    def text_field(self, data: dict[str, Any], key: str, required: bool = True) -> str:
        return text_field(data, key, self.settings.max_text, required)

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
        urn = urn_field(data.get("urn"))
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
            raw = await read_body(request, self.settings.max_body)
            kind = request.headers.get("content-type", "").split(";")[0].strip()
            if kind == "application/json":
                fields.update(parse_json_object(raw))
            elif raw:
                from urllib.parse import parse_qsl

                try:
                    fields.update(parse_qsl(raw.decode(), keep_blank_values=True))
                except UnicodeDecodeError:
                    raise RequestError("body is not UTF-8 form data") from None
        if has_nul(fields):
            raise RequestError("text can't hold NUL characters")
        sender = fields.get("from") or fields.get("sender")
        if not isinstance(sender, str) or not sender:
            raise RequestError("field 'from' is required")
        urn = sender if ":" in sender else f"{channel.config.get('scheme', 'tel')}:{sender}"
        urn = urn_field(urn, "from")
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

    async def kata_receive(self, request: Request) -> Response:
        """Kata's generic channel: ``{"userId", "messages": [message objects]}`` posted to
        the channel's webhook URL (its UUID stands for Kata's webhook id). Answered once
        stored; handled in the background, the replies posted to the channel's webhook as
        ``{"messages", "userId"}`` through the outbox."""
        from ..kata.policy import check_message
        from ..kata.runtime_errors import KataRuntimeError

        channel_uuid = request.path_params["uuid"]

        def find() -> Channel | None:
            with self.store.reading() as session:
                return session.scalar(select(Channel).where(
                    Channel.uuid == channel_uuid, Channel.kind == GENERIC))
        channel = await self.run(find)
        if channel is None:
            raise RequestError(f"no Kata generic channel {channel_uuid}", 404)
        data = await self.json_object(request)
        user = data.get("userId")
        if not isinstance(user, str | int) or isinstance(user, bool) or str(user) == "":
            raise RequestError("field 'userId' is required (the user's id)")
        user = str(user)
        if len(user) > 200:
            raise RequestError("field 'userId' is over 200 characters")
        messages = data.get("messages")
        if not isinstance(messages, list) or not messages:
            raise RequestError("field 'messages' must be a non-empty list of message objects")
        if len(messages) > MAX_KATA_MESSAGES:
            raise RequestError(f"field 'messages' has over {MAX_KATA_MESSAGES} messages")
        items: list[tuple[str, dict[str, Any] | None]] = []
        for index, message in enumerate(messages):
            try:
                check_message(message)
            except KataRuntimeError as exc:
                raise RequestError(f"messages[{index}]: {exc}") from None
            content = message.get("content")
            text = content if isinstance(content, str) else ""
            if len(text) > self.settings.max_text:
                raise RequestError(f"messages[{index}]: content is over "
                                   f"{self.settings.max_text} characters", 413)
            items.append((text, {"kata": message}))
        received = await self.run(lambda: self.turns.receive_many(
            channel, f"ext:{user}", items))
        self.drain_later(received[0].contact_id)
        return JSONResponse({"status": "ok", "userId": user,
                             "messages": [r.message_uuid for r in received]})

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
        self.spawn(background.run_start(self, start.id))
        return JSONResponse(read_api.flow_start_json(start), status_code=201)

    def app(self) -> Starlette:
        routes = [
            Route("/health", self.health),
            Route("/api/converse", self.api_converse, methods=["POST"]),
            Route("/api/v2/flow_starts.json", self.post_flow_start, methods=["POST"]),
            Route("/api/v2/{name}.json", self.read, methods=["GET"]),
            Route("/webhooks/rest/webhook", self.rasa_rest, methods=["POST"]),
            Route("/webhooks/rest/", self.rasa_rest_health, methods=["GET"]),
            Route("/c/ex/{uuid}/receive", self.external_receive, methods=["GET", "POST"]),
            Route("/receive_message/{uuid}", self.kata_receive, methods=["POST"]),
        ]
        return Starlette(routes=routes, lifespan=lambda app: background.lifespan(self),
                         exception_handlers=ERROR_HANDLERS)  # type: ignore[arg-type]


def app_from_environment() -> Starlette:
    """The app of a worker process of ``turnflow serve --workers N`` (uvicorn's factory):
    the database from ``TURNFLOW_DB``, the body limit from ``TURNFLOW_MAX_BODY``."""
    max_body = int(os.environ.get("TURNFLOW_MAX_BODY") or Settings.max_body)
    return Service(Settings(db=os.environ.get("TURNFLOW_DB"), max_body=max_body)).app()
