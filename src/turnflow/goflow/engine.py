"""Running goflow flows: start a session from a trigger, resume it with input.

goflow's conversation policy is simple: a message, a timeout or an expiration resumes the
waiting run. The node-by-node work is the core :class:`~turnflow.core.engine.FlowLoop`; this
module supplies goflow's context (``@contact``, ``@results``, ``@input`` ...), routers, waits
and the trigger and resume formats.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from ..core.engine import EngineError, FlowLoop, Sprint
from ..core.events import EventFactory
from ..core.policy import Policy
from ..core.runtime import Limits, Runtime
from ..core.session import ACTIVE, WAITING, Run, Session, SessionReadError
from ..expressions import Environment, XObject
from ..generators import Clock, RandomUUIDs, SystemClock, UUIDSource
from .actions.contact import contact_assets
from .assets import AssetsError, AssetSet
from .contact import Contact, normalize_timestamp
from .modifiers import ModifierContext, reevaluate_groups
from .policy import RESUME_TYPES, ResumeWaitingRun
from .routing import begin_wait, route
from .run_context import build_context


@dataclass
class Services:
    """Outside services actions use; tests inject doubles (see turnflow.testing)."""

    http: Any = None  # webhooks: an object with request(method, url, headers, body) -> response
    email: Any = None
    airtime: Any = None
    tickets: Any = None
    llm: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


class GoflowEngine:
    """Runs goflow flows from an asset bundle."""

    def __init__(
        self,
        assets: Any,
        env: Environment | None = None,
        *,
        clock: Clock | None = None,
        uuids: UUIDSource | None = None,
        services: Services | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.assets = assets
        self.env = env or Environment()
        self.clock = clock or SystemClock()
        self.uuids = uuids or RandomUUIDs(self.clock)
        self.services = services or Services()
        self.limits = limits or Limits()
        self.loop = FlowLoop(route, begin_wait)
        self.policy: Policy = ResumeWaitingRun(self)
        self._last_runtime: Runtime | None = None  # kept for the session's next sprint
        # the group list last checked for query groups, its length, and the answer
        self._query_groups: tuple[Any, int, bool] | None = None
        # what runtimes build @... with: :meth:`context` without its extra call
        self._context_builder = functools.partial(build_context, self)

    # -- public API ---------------------------------------------------------------------------

    def start(
        self, contact: Any, trigger: dict[str, Any], call: dict[str, Any] | None = None
    ) -> tuple[Session, Sprint]:
        """Start a session for a contact (``call``: the voice call of an IVR session)."""
        flow_ref = trigger.get("flow") or {}
        flow = self.flow(flow_ref.get("uuid", ""))
        if flow is None:
            raise EngineError(f"trigger flow {flow_ref.get('uuid')!r} is not in the assets")
        session = Session(
            uuid=self.uuids.new_v7(),
            type=flow.type,
            created_on=self.clock.now_time(),
            trigger=_stored_trigger(trigger),
            contact=contact,
            call_uuid=(call or {}).get("uuid"),
        )
        self.uuids.new_v4()  # the sprint's UUID, as goflow draws it
        rt = self._runtime(session)
        if trigger.get("type") == "msg" and trigger.get("event"):
            session.input = self.input_from_event(trigger["event"])
            _seen(contact, trigger["event"])
            rt.record_input_on_visit = True  # the first node visited records the input
        self.reevaluate_groups(rt, contact)
        summary = trigger.get("run_summary") if trigger.get("type") == "flow_action" else None
        run = self.loop.start_run(rt, flow, parent_uuid=(summary or {}).get("uuid"))
        assert run is not None
        run.parent_summary = summary
        self.loop.run_until_wait(rt)
        return session, self._finish(rt)

    def resume(self, session: Session, resume: dict[str, Any]) -> Sprint:
        """Resume a waiting session with a resume (``msg``, ``wait_timeout``,
        ``wait_expiration`` / ``run_expiration`` or ``dial``), in goflow's order: the input is
        set, the waiting run routes its node (or expires), the contact's query groups are
        re-checked, and the flow carries on."""
        run = _waiting_run(session)
        if session.status != WAITING or run is None:
            raise EngineError(f"session {session.uuid} is not waiting (status {session.status})")
        kind = resume.get("type")
        if kind not in RESUME_TYPES:
            raise EngineError(f"unknown resume type {kind!r}")
        self.uuids.new_v4()  # the sprint's UUID, as goflow draws it
        rt = self._runtime(session)
        rt.services["_resume_obj"] = resume
        if run.path:
            rt.last_node_uuid = run.path[-1].node_uuid
        session.status = ACTIVE
        if session.sprints > self.limits.max_sprints_per_session:
            limit = self.limits.max_sprints_per_session
            self.loop.fail(rt, f"reached maximum number of sprints per session ({limit})")
        else:
            self.policy.apply(rt, session, run, resume)
        return self._finish(rt)

    # hooks the policy uses (the implementations themselves: each resume calls them)
    def input_from_event(self, event: dict[str, Any]) -> dict[str, Any]:
        """The session input a msg_received event makes."""
        msg = event.get("msg") or {}
        channel = msg.get("channel")
        if channel and hasattr(self.assets, "channel"):
            known = self.assets.channel(channel.get("uuid"))
            if known is not None:
                channel = {"uuid": known["uuid"], "name": known["name"]}
        data: dict[str, Any] = {"type": "msg", "uuid": event.get("uuid")}
        for key in ("urn", "text", "attachments", "external_id"):
            value = msg.get(key)
            if value:
                data[key] = value
        if channel:
            data["channel"] = channel
        data["created_on"] = event.get("created_on")
        return data

    def seen(self, contact: Any, event: dict[str, Any]) -> None:
        _seen(contact, event)

    def reevaluate_groups(self, rt: Runtime, contact: Any) -> None:
        """Bring the contact's query-based groups up to date (a session starts with it, and
        every resume does it after routing)."""
        if isinstance(contact, Contact):
            if contact.status == "active" and not self._has_query_groups(rt.assets):
                return  # nothing to re-check: no query groups, and an active contact stays
            ctx = ModifierContext(env=rt.env, assets=contact_assets(rt), events=rt.events)
            reevaluate_groups(ctx, contact)
            rt.emitted.extend(ctx.log)

    def session_to_json(self, session: Session) -> dict[str, Any]:
        """The session as goflow stores it between sprints (plain JSON values only)."""
        return session_to_json(session)

    def read_session(self, data: dict[str, Any] | str, contact: Any) -> Session:
        """Read a stored session back (``data``: its JSON or JSON text), ready to resume.

        Sessions store only the contact's UUID, so the contact is given (it must match).
        """
        return session_from_json(self, data, contact)

    def flow(self, uuid: str) -> Any:
        """The flow with this UUID, or None if the assets don't have it (a broken flow
        raises its read error)."""
        try:
            try:
                # a legacy flow is migrated when first read, with UUIDs from this engine's
                # generator (as goflow, whose migrations draw from the same sequence)
                return self.assets.flow(uuid, uuids=self.uuids)
            except TypeError:  # an asset bundle without migrations
                return self.assets.flow(uuid)
        except AssetsError:
            return None

    # -- internals ----------------------------------------------------------------------------

    def _has_query_groups(self, assets: Any) -> bool:
        """Whether the assets have a query-based group (every sprint asks). Worked out once
        per group list: kept with the list and its length (asset items don't change)."""
        groups = getattr(assets, "groups", None)
        if isinstance(groups, AssetSet):
            groups = groups.items
        if groups is None:
            return False
        if not isinstance(groups, list | tuple):  # some other collection: no memo
            return _has_query_group(groups)
        memo = self._query_groups
        if memo is not None and memo[0] is groups and memo[1] == len(groups):
            return memo[2]
        found = _has_query_group(groups)
        self._query_groups = (groups, len(groups), found)
        return found

    def _runtime(self, session: Session) -> Runtime:
        session.sprints += 1
        rt = self._last_runtime
        if (
            rt is not None and rt.session is session and rt.env is self.env and rt.clock is self.clock
            and rt.uuids is self.uuids and rt.limits is self.limits and rt.assets is self.assets
        ):  # fmt: skip
            # the next sprint of the session the last sprint was for (the usual case): the
            # runtime is taken over, keeping the session's root context
            rt.next_sprint(keep=("engine", "_root"))
            return rt
        rt = Runtime(
            session=session,
            env=self.env,
            clock=self.clock,
            uuids=self.uuids,
            events=EventFactory(self.uuids, self.clock),
            context_builder=self._context_builder,
            services={"engine": self},
            limits=self.limits,
            assets=self.assets,
        )
        self._last_runtime = rt
        return rt

    def _finish(self, rt: Runtime) -> Sprint:
        session = rt.session
        if session.status != WAITING:
            # the session is over: what was kept to evaluate its templates refers back to
            # itself, so let it go now rather than leaving it to the garbage collector
            root = rt.services.pop("_root", None)
            if root is not None:
                if getattr(self, "_last_root", None) is root:
                    self._last_root = None
                root.release()
            contact = session.contact
            if isinstance(contact, Contact):
                contact.release_context()
            if self._last_runtime is rt:  # no further sprint: don't keep the session alive
                self._last_runtime = None
        return Sprint(events=rt.emitted, segments=rt.segments)

    # -- the template context -----------------------------------------------------------------

    def context(self, rt: Runtime) -> XObject:
        """The root of ``@...`` for the run being advanced (see run_context.py)."""
        return build_context(self, rt)


def session_to_json(session: Session) -> dict[str, Any]:
    """A session as stored JSON (what :func:`session_from_json` reads back)."""
    import json

    from .contact import json_default

    return json.loads(json.dumps(session.to_json(), default=json_default))


def session_from_json(engine: GoflowEngine, data: dict[str, Any] | str, contact: Any) -> Session:
    """Read a session stored by :func:`session_to_json` for ``engine``'s assets."""
    import json

    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise SessionReadError(f"session is not valid JSON: {exc}") from None
    session = Session.from_json(data, engine.flow, contact)
    trigger = session.trigger
    if trigger.get("type") == "flow_action" and session.runs:
        # the first run's parent is in another session: the trigger carries its summary
        session.runs[0].parent_summary = trigger.get("run_summary")
    return session


def _stored_trigger(trigger: dict[str, Any]) -> dict[str, Any]:
    """The trigger as goflow writes it back: its time in Go's RFC3339 form."""
    data = dict(trigger)
    event = data.get("event")
    if isinstance(event, dict) and isinstance(event.get("msg"), dict) and "uuid" in event["msg"]:
        # goflow's incoming message has no UUID of its own any more (its event has one)
        msg = {k: v for k, v in event["msg"].items() if k != "uuid"}
        data["event"] = {**event, "msg": msg}
    if isinstance(data.get("triggered_on"), str):
        try:
            data["triggered_on"] = _normalized_time(data["triggered_on"])
        except ValueError:
            pass
    return data


# triggers of one kind often carry the same time text: normalising it is pure, so keep answers
_normalized_time = functools.lru_cache(maxsize=1024)(normalize_timestamp)


def _waiting_run(session: Session) -> Run | None:
    for run in session.runs:
        if run.status == WAITING:
            return run
    return None


def _has_query_group(groups: list[dict[str, Any]]) -> bool:
    for group in groups:
        if group.get("query"):
            return True
    return False


def _seen(contact: Any, event: dict[str, Any]) -> None:
    """An incoming message means the contact was last seen when it was sent."""
    if event.get("created_on") and hasattr(contact, "last_seen_on"):
        contact.last_seen_on = event["created_on"]



