"""Running goflow flows: start a session from a trigger, resume it with input.

:class:`GoflowEngine` is goflow's front door to the engine core: it plugs the goflow family
(:mod:`turnflow.goflow.family`) into :class:`turnflow.core.Engine` and speaks goflow's
formats — triggers, resumes, session JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .. import json_input
from ..core.engine import Engine, EngineError, Sprint
from ..core.graph import Flow
from ..core.loop import FlowLoop
from ..core.runtime import Limits, Runtime
from ..core.session import Session
from ..expressions import Environment, XObject
from ..generators import Clock, RandomUUIDs, SystemClock, UUIDSource
from .contact import json_default
from .family import GoflowFamily, Services
from .inputs import CALL, RESUME, TRIGGER, check_shape
from .legacy_extra import keep_stored_extras, stored_indent
from .policy import GoflowStart
from .session import GoflowSession
from .session_json import SessionReadError, read_session, session_to_dict
from .session_store import (
    STORED_TEXT_PREFIX,
    dump_session,
    is_stored_form,
    read_stored,
    stored_session,
)


class GoflowEngine:
    """Runs goflow flows from an asset bundle.

    ``send_check`` is goflow's optional content check on outgoing messages (a reason to
    refuse one, or None); ``cache_contexts=False`` turns off the template-context cache
    (see :class:`~turnflow.goflow.run_context.RootCache`)."""

    def __init__(
        self,
        assets: Any,
        env: Environment | None = None,
        *,
        clock: Clock | None = None,
        uuids: UUIDSource | None = None,
        services: Services | None = None,
        limits: Limits | None = None,
        send_check: Callable[[dict[str, Any]], str | None] | None = None,
        cache_contexts: bool = True,
    ) -> None:
        clock = clock or SystemClock()
        uuids = uuids or RandomUUIDs(clock)
        self.family = GoflowFamily(
            assets, uuids, services or Services(), send_check=send_check,
            cache_contexts=cache_contexts,
        )
        self.core = Engine(
            self.family, env=env or Environment(), assets=assets, clock=clock, uuids=uuids,
            limits=limits,
        )
        # uuid -> flow, each found once through the family and the assets (which keep every
        # flow they read for good): reading a stored session looks up its runs' flows
        self._flows: dict[str, Flow] = {}

    # -- what the engine runs with ------------------------------------------------------------

    @property
    def assets(self) -> Any:
        return self.core.assets

    @property
    def env(self) -> Environment:
        return self.core.env

    @property
    def clock(self) -> Clock:
        return self.core.clock

    @property
    def uuids(self) -> UUIDSource:
        return self.core.uuids

    @property
    def limits(self) -> Limits:
        return self.core.limits

    @property
    def services(self) -> Services:
        return self.family.services

    @property
    def loop(self) -> FlowLoop:
        return self.core.loop

    @property
    def send_check(self) -> Callable[[dict[str, Any]], str | None] | None:
        return self.family.send_check

    @send_check.setter
    def send_check(self, check: Callable[[dict[str, Any]], str | None] | None) -> None:
        self.family.send_check = check

    # -- sessions -----------------------------------------------------------------------------

    def start(
        self, contact: Any, trigger: dict[str, Any], call: dict[str, Any] | None = None
    ) -> tuple[Session, Sprint]:
        """Start a session for a contact (``call``: the voice call of an IVR session). A
        trigger whose parts have the wrong type raises InputShapeError."""
        check_shape(TRIGGER, trigger, "trigger")
        if call is not None:
            check_shape(CALL, call, "call")
        flow_ref = trigger.get("flow") or {}
        flow = self.family.flow(flow_ref.get("uuid", ""))
        if flow is None:
            raise EngineError(f"trigger flow {flow_ref.get('uuid')!r} is not in the assets")
        return self.core.start(contact, flow, GoflowStart(trigger, call))

    def resume(self, session: Session, resume: dict[str, Any]) -> Sprint:
        """Resume a waiting session with a resume (``msg``, ``wait_timeout``,
        ``wait_expiration`` / ``run_expiration`` or ``dial``), in goflow's order: the input is
        set, the waiting run routes its node (or expires), the contact's query groups are
        re-checked, and the flow carries on. A resume whose parts have the wrong type raises
        InputShapeError."""
        check_shape(RESUME, resume, "resume")
        return self.core.resume(session, resume)

    def session_to_json(self, session: Session) -> dict[str, Any]:
        """The session as goflow stores it between sprints (plain JSON values only)."""
        return session_to_json(session)

    def dump_session(self, session: Session) -> str:
        """The session in the compact stored form, as JSON text: what a server keeps between
        sprints (see :mod:`~turnflow.goflow.session_store`); :meth:`read_session` reads it."""
        return dump_session(session)  # type: ignore[arg-type]

    def stored_session(self, session: Session) -> dict[str, Any]:
        """:meth:`dump_session` as a JSON document (plain values), for a JSON column."""
        return stored_session(session)  # type: ignore[arg-type]

    def read_session(self, data: dict[str, Any] | str, contact: Any) -> GoflowSession:
        """Read a stored session back, ready to resume: ``data`` is goflow's session JSON or
        the compact stored form (:meth:`dump_session`), as a document or JSON text.

        Sessions store only the contact's UUID, so the contact is given (it must match)."""
        if data.__class__ is str and data.startswith(STORED_TEXT_PREFIX):
            # the stored form's text, as a server keeps it: read straight away (a session is
            # read for every message; session_from_json tells the forms apart otherwise)
            return read_stored(data, self.flow, contact)
        return session_from_json(self, data, contact)

    def flow(self, uuid: str) -> Flow | None:
        """The flow with this UUID, or None if the assets don't have it (a broken flow
        raises its read error)."""
        flow = self._flows.get(uuid)
        if flow is None:
            flow = self.family.flow(uuid)
            if flow is not None:
                self._flows[uuid] = flow
        return flow

    # -- goflow's input handling, for callers that need it ------------------------------------

    def input_from_event(self, event: dict[str, Any]) -> dict[str, Any]:
        """The session input a msg_received event makes."""
        return self.family.input_from_event(event)

    def seen(self, contact: Any, event: dict[str, Any]) -> None:
        self.family.seen(contact, event)

    def reevaluate_groups(self, rt: Runtime, contact: Any) -> None:
        self.family.reevaluate_groups(rt, contact)

    def context(self, rt: Runtime) -> XObject:
        """The root of ``@...`` for the run being advanced (see run_context.py)."""
        return self.family.context(rt)


def session_to_json(session: Session) -> dict[str, Any]:
    """A session as stored JSON (what :func:`session_from_json` reads back)."""
    return json.loads(json.dumps(session_to_dict(session), default=json_default))  # type: ignore[arg-type]


def session_from_json(
    engine: GoflowEngine, data: dict[str, Any] | str, contact: Any
) -> GoflowSession:
    """Read a session stored by :func:`session_to_json` (or in the compact stored form) for
    ``engine``'s assets."""
    if is_stored_form(data):
        return read_stored(data, engine.flow, contact)
    indent = None
    if isinstance(data, str | bytes):
        try:
            text = data.decode() if isinstance(data, bytes) else data
            data = json_input.loads(text)
        except (json_input.JSONInputError, UnicodeDecodeError) as exc:
            raise SessionReadError(f"session is not valid JSON: {exc}") from None
        indent = stored_indent(text)
    session = read_session(data, engine.flow, contact)
    if indent:
        keep_stored_extras(session, indent)
    return session
