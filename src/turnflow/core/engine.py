"""The engine: the session lifecycle for any family.

:class:`Engine` starts sessions and takes input for them; one call is a **sprint**. It makes
a fresh :class:`~turnflow.core.runtime.Runtime` for each sprint, counts sprints against the
limit, hands the input to the family's policy (which moves the run stack and lets the
:class:`~turnflow.core.loop.FlowLoop` advance it), and returns what the sprint emitted.
What is family-specific comes from the family object (see :mod:`turnflow.core.family`).
"""

from __future__ import annotations

from typing import Any

from ..errors import TurnflowError
from ..generators import Clock, RandomUUIDs, SystemClock, UUIDSource, v7_at_reading
from .events import Event, EventFactory
from .family import Family
from .graph import Flow
from .loop import FlowLoop, segment_json
from .runtime import Limits, Runtime
from .session import ACTIVE, Session


class EngineError(TurnflowError):
    """The engine was asked for something impossible (an input a session can't take, a flow
    it doesn't know)."""


class Sprint:
    """What one start or resume produced: its events and the exits it took (``segments``,
    as JSON: made from the loop's records of them when first asked for, as a server often
    doesn't ask)."""

    __slots__ = ("events", "_exits", "_segments")

    def __init__(
        self, events: list[Event] | None = None, segments: list[dict[str, Any]] | None = None,
        *, exits: list[tuple[Any, ...]] | None = None,
    ) -> None:
        self.events = events if events is not None else []
        if segments is None and exits is None:
            segments = []
        self._segments = segments  # (None: not made yet, from exits)
        self._exits = exits

    @property
    def segments(self) -> list[dict[str, Any]]:
        if self._segments is None:
            self._segments = [segment_json(*exit_) for exit_ in self._exits or ()]
        return self._segments

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sprint):
            return NotImplemented
        return self.events == other.events and self.segments == other.segments

    __hash__ = None  # type: ignore[assignment]  # (mutable, as the dataclass it was)

    def __repr__(self) -> str:
        return f"Sprint(events={self.events!r}, segments={self.segments!r})"


class Engine:
    """Runs the flows of one family."""

    __slots__ = (
        "family", "env", "assets", "clock", "uuids", "events", "limits", "loop", "now", "now_ns",
        "new_uuid", "new_uuid_at",
    )  # fmt: skip

    def __init__(
        self,
        family: Family,
        *,
        env: Any = None,
        assets: Any = None,
        clock: Clock | None = None,
        uuids: UUIDSource | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.family = family
        self.env = env
        self.assets = assets
        self.clock = clock or SystemClock()
        self.uuids = uuids or RandomUUIDs(self.clock)
        self.events = EventFactory(self.uuids, self.clock)
        # bound once, for every runtime (see Runtime.now)
        self.now = self.clock.now_time
        self.now_ns = self.clock.now_ns
        self.new_uuid = self.uuids.new_v7
        # on the real clock, one reading serves an event's UUID and its time (else None)
        self.new_uuid_at = v7_at_reading(self.uuids, self.clock)
        self.limits = limits or Limits()
        self.loop = FlowLoop()

    def start(
        self, contact: Any, flow: Flow | str | None, start: Any = None
    ) -> tuple[Session, Sprint]:
        """Start a session for ``contact`` with ``flow`` (or its UUID); ``start`` is the
        family's start details (goflow: the trigger). With no flow the session starts with no
        run, for families whose conversations begin with the user's first message."""
        if isinstance(flow, str):
            found = self.family.flow(flow)
            if found is None:
                raise EngineError(f"flow {flow!r} is not known")
            flow = found
        family = self.family
        session = family.new_session(self, contact, flow, start)
        # the sprint: self.sprint, then the policy, then self.finish (inline, as in resume)
        session.sprints += 1
        rt = family.runtime_type(self, session, start)
        rt.state = family.begin_sprint(rt)
        family.policy.start(rt, flow, start)
        family.end_sprint(rt)
        return session, Sprint(rt.emitted, exits=rt.segments)

    def resume(self, session: Session, input: Any) -> Sprint:
        """Give a session one input (a message, a timeout, an intent, a command...). The
        family's policy decides what it does, whether or not a run waits for it."""
        family = self.family
        policy = family.policy
        policy.check(session, input)
        # self.sprint and (at the end) self.finish, inline: a call less each, every sprint
        session.sprints += 1
        rt = family.runtime_type(self, session, input)
        rt.state = family.begin_sprint(rt)
        stack = session.stack
        if stack:
            path = stack[-1].path
            if path:
                rt.last_node_uuid = path[-1].node_uuid
        session.status = ACTIVE
        limit = self.limits.max_sprints_per_session
        if session.sprints > limit:
            self.loop.fail(rt, f"Reached maximum number of sprints per session ({limit})")
        else:
            policy.apply(rt, input)
        family.end_sprint(rt)
        return Sprint(rt.emitted, exits=rt.segments)

    def sprint(self, session: Session, input: Any = None) -> Runtime:
        """A fresh runtime for the session's next sprint (counted against its limit)."""
        session.sprints += 1
        rt = self.family.runtime_type(self, session, input)
        rt.state = self.family.begin_sprint(rt)
        return rt

    def runtime(self, session: Session, run: Any = None) -> Runtime:
        """A runtime positioned on ``run`` (default: the top or last run) for evaluating
        templates against a session outside a sprint (nothing is counted)."""
        rt = self.family.runtime_type(self, session)
        rt.state = self.family.sprint_state(rt)
        rt.run = run or session.top or (session.runs[-1] if session.runs else None)
        return rt

    def finish(self, rt: Runtime) -> Sprint:
        """The sprint is over: the family lets go of what it held; its output."""
        self.family.end_sprint(rt)
        return Sprint(rt.emitted, exits=rt.segments)

    def flow(self, uuid: str) -> Flow | None:
        return self.family.flow(uuid)
