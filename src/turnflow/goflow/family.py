"""goflow as a family of the engine core: its sessions, runs, evaluator (Excellent),
template context, per-sprint state and policy (resume the waiting run).

:class:`~turnflow.goflow.engine.GoflowEngine` is the public way in; this is what it plugs
into :class:`turnflow.core.Engine`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..core.engine import Engine
from ..core.family import BaseFamily
from ..core.graph import Flow
from ..core.runtime import Runtime
from ..core.session import WAITING, Run
from ..generators import NanoTime, RandomUUIDs, UUIDSource
from .actions.contact import contact_assets
from .assets import AssetsError, AssetSet
from .contact import Contact, normalize_timestamp
from .evaluator import ExcellentEvaluator
from .modifiers import ModifierContext, reevaluate_groups
from .policy import GoflowStart, ResumeWaitingRun
from .run_context import RootCache, build_context
from .runtime import GoflowRuntime
from .services import HTTPWebhookService
from .session import GoflowRun, GoflowSession
from .sprint import GoflowSprint


@dataclass
class Services:
    """Outside services actions use; tests inject doubles (see turnflow.testing)."""

    http: Any = None  # webhooks: an object with request(method, url, headers, body) -> response
    email: Any = None
    airtime: Any = None
    tickets: Any = None
    llm: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


class GoflowFamily(BaseFamily):
    name = "goflow"
    runtime_type = GoflowRuntime

    def __init__(
        self,
        assets: Any,
        uuids: UUIDSource,
        services: Services,
        *,
        send_check: Callable[[dict[str, Any]], str | None] | None = None,
        cache_contexts: bool = True,
    ) -> None:
        super().__init__()
        self.assets = assets
        self.uuids = uuids
        self.services = services
        # goflow's engine option: a content check on outgoing messages (a reason or None)
        self.send_check = send_check
        self.evaluator = ExcellentEvaluator()
        self.policy = ResumeWaitingRun(self)
        self.roots: RootCache | None = RootCache() if cache_contexts else None
        # the template context: build_context called straight from the runtime
        self.context = functools.partial(build_context, self)  # type: ignore[method-assign]
        self._http: HTTPWebhookService | None = None
        # the group list last checked for query groups, its length, and the answer
        self._query_groups: tuple[Any, int, bool] | None = None

    # -- the core's hooks ---------------------------------------------------------------------

    def flow(self, uuid: str) -> Flow | None:
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

    def new_session(
        self, engine: Engine, contact: Any, flow: Flow, start: GoflowStart
    ) -> GoflowSession:
        new_uuid_at = engine.new_uuid_at
        if new_uuid_at is not None:  # the real clock: one reading for the UUID and the time
            ns = engine.now_ns()
            uuid, created_on = new_uuid_at(ns), NanoTime(ns)
        else:
            uuid = engine.uuids.new_v7()
            created_on = engine.clock.now_time()
        return GoflowSession(
            uuid=uuid,
            type=flow.type,
            created_on=created_on,
            trigger=stored_trigger(start.trigger),
            contact=contact,
            call_uuid=(start.call or {}).get("uuid"),
        )

    def new_run(self, rt: Runtime, flow: Flow, parent: Run | None) -> GoflowRun:
        new_uuid_at = rt.new_uuid_at
        if new_uuid_at is not None:  # the real clock: one reading for the UUID and the time
            ns = rt.now_ns()
            return GoflowRun(
                uuid=new_uuid_at(ns), flow=flow, created_on=NanoTime(ns), parent=parent
            )
        created_on = rt.now()  # goflow reads the clock before drawing the run's UUID
        return GoflowRun(uuid=rt.new_uuid(), flow=flow, created_on=created_on, parent=parent)

    def sprint_state(self, rt: Runtime) -> GoflowSprint:
        return GoflowSprint()

    def begin_sprint(self, rt: Runtime) -> GoflowSprint:
        uuids = rt.uuids
        if not isinstance(uuids, RandomUUIDs):
            # the sprint's UUID, as goflow draws it: turnflow writes it nowhere, so only a
            # source whose later UUIDs depend on it (a seeded one) needs to draw it
            uuids.new_v4()
        return GoflowSprint()

    def end_sprint(self, rt: Runtime) -> None:
        session = rt.session
        if session.status != WAITING:
            # the session is over: what was kept to evaluate its templates refers back to
            # itself, so let it go now rather than leaving it to the garbage collector
            root = rt.state.root
            if root is not None:
                rt.state.root = None
                if self.roots is not None:
                    self.roots.forget(root)
                root.release()
            contact = session.contact
            if isinstance(contact, Contact):
                contact.release_context()

    # -- what goflow's policy and actions use -------------------------------------------------

    def input_from_event(self, event: dict[str, Any]) -> dict[str, Any]:
        """The session input a msg_received event makes."""
        msg = event.get("msg") or {}
        data: dict[str, Any] = {"type": "msg", "uuid": event.get("uuid")}
        # as goflow: the channel only if the assets have it, the URN as its identity (no query
        # or display), the text always, the rest when there is some
        channel = msg.get("channel")
        if channel and hasattr(self.assets, "channel"):
            known = self.assets.channel(channel.get("uuid"))
            if known is not None:
                data["channel"] = {"uuid": known["uuid"], "name": known["name"]}
        urn = msg.get("urn")
        if urn:
            if "#" in urn or "?" in urn:
                urn = urn.split("#", 1)[0].split("?", 1)[0]
            data["urn"] = urn
        data["text"] = msg.get("text") or ""
        if not _MSG_EXTRA_KEYS.isdisjoint(msg):  # (most messages are text alone)
            for key in _MSG_EXTRAS:
                value = msg.get(key)
                if value:
                    data[key] = value
        data["created_on"] = event.get("created_on")
        return data

    @staticmethod
    def seen(contact: Any, event: dict[str, Any]) -> None:
        """An incoming message means the contact was last seen when it was sent."""
        if event.get("created_on") and hasattr(contact, "last_seen_on"):
            contact.last_seen_on = event["created_on"]

    def reevaluate_groups(self, rt: Runtime, contact: Any = None) -> None:
        """Bring the contact's (default: the session's) query-based groups up to date (a
        session starts with it, and every resume does it after routing)."""
        if contact is None:
            contact = rt.session.contact
        if isinstance(contact, Contact):
            if contact.status == "active" and not self.has_query_groups(rt.assets):
                return  # nothing to re-check: no query groups, and an active contact stays
            ctx = ModifierContext(env=rt.env, assets=contact_assets(rt), events=rt.events)
            reevaluate_groups(ctx, contact)
            rt.emitted.extend(ctx.log)

    def has_query_groups(self, assets: Any) -> bool:
        """Whether the assets have a query-based group (every sprint asks). Worked out once
        per group list: kept with the list and its length (asset items don't change)."""
        groups = getattr(assets, "groups", None)
        if isinstance(groups, AssetSet):
            groups = groups.items
        if groups is None:
            return False
        if not isinstance(groups, (list, tuple)):  # some other collection: no memo
            return _has_query_group(groups)
        memo = self._query_groups
        if memo is not None and memo[0] is groups and memo[1] == len(groups):
            return memo[2]
        found = _has_query_group(groups)
        self._query_groups = (groups, len(groups), found)
        return found

    def service(self, name: str) -> Any:
        """An outside service by name (``http``, ``email``...), or None."""
        return getattr(self.services, name, None)

    def webhook_service(self, rt: Runtime) -> Any:
        """The webhook service: the one given, else real HTTP (made once)."""
        found = self.services.http
        if found is None:
            found = self._http
            if found is None:
                found = self._http = HTTPWebhookService(clock=rt.clock)
        return found


# the parts of an incoming message its session input keeps besides the text, in goflow's order
_MSG_EXTRAS = ("attachments", "external_id", "payload")
_MSG_EXTRA_KEYS = frozenset(_MSG_EXTRAS)


def stored_trigger(trigger: dict[str, Any]) -> dict[str, Any]:
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


def _has_query_group(groups: list[dict[str, Any]]) -> bool:
    for group in groups:
        if group.get("query"):
            return True
    return False
