"""A Kata conversation on the engine core.

The session's run stack is Kata's flow stack: its top run is the **current flow**, the runs
under it are the flows **on hold** (the most recent just below the top). A run sits at its
flow's current state (the node it waits at) and keeps the flow's ``context``, so closing a
flow (its run leaving the stack) erases its context. The session keeps what outlives flows:
``data``, the ids the meta context shows, the last flow and state, the schedules and the
asynchronous API calls still to deliver.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.session import Run, Session


@dataclass(slots=True)
class KataRun(Run):
    """One open flow: its context, and when it last took a message (for ``expire``)."""

    context: dict[str, Any] = field(default_factory=dict)
    touched_ns: int = 0  # the last time the flow took a message (or was opened)
    fresh: bool = True  # opened by the message being processed ($init)
    invalidated: bool = False  # its context was dropped at the flow's ``invalidate`` time

    @property
    def state(self) -> str | None:
        step = self.current_step
        return step.node_uuid if step is not None else None


@dataclass(slots=True)
class Schedule:
    """A message to inject later (a ``schedule`` action, or an ``asyncApi`` result to fetch):
    ``due_ns`` the next time it is due; ``every_ns`` its period (0: once); ``end_ns`` when
    it stops (0: never). ``request`` is an asynchronous API call to make when it is due (the
    message's payload is then its result)."""

    id: str
    message: dict[str, Any]
    due_ns: int
    every_ns: int = 0
    end_ns: int = 0
    request: dict[str, Any] | None = None

    def record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"id": self.id, "message": self.message, "due_ns": self.due_ns}
        if self.every_ns:
            record["every_ns"] = self.every_ns
        if self.end_ns:
            record["end_ns"] = self.end_ns
        if self.request is not None:
            record["request"] = self.request
        return record


@dataclass(slots=True)
class KataConversation(Session):
    """A user's conversation with a bot, as the engine core keeps it (see
    :class:`KataSession` for the view a bot's user gets)."""

    data: dict[str, Any] = field(default_factory=dict)
    user_id: str = ""
    channel_id: str = ""
    deployment_id: str = ""
    data_key: str | None = None
    last_flow: str | None = None
    last_state: str | None = None
    timestamp_ns: int = 0  # the last time the session changed
    schedules: list[Schedule] = field(default_factory=list)
    async_calls: int = 0  # asyncApi calls made (names their schedules)

    # -- the flow stack as Kata shows it ------------------------------------------------------

    @property
    def current(self) -> KataRun | None:
        top = self.stack[-1] if self.stack else None
        return top if isinstance(top, KataRun) else None

    @property
    def flow(self) -> str | None:
        """The current flow, or None."""
        run = self.current
        return run.flow.uuid if run is not None else None

    @property
    def state(self) -> str | None:
        """The current flow's state, or None."""
        run = self.current
        return run.state if run is not None else None

    @property
    def held(self) -> list[str]:
        """The flows on hold, the most recent first (Kata's flow stack)."""
        return [run.flow.uuid for run in reversed(self.stack[:-1])]

    @property
    def context(self) -> dict[str, Any]:
        """The current flow's context ({} when no flow is open)."""
        run = self.current
        return run.context if run is not None else {}

    @property
    def contexts(self) -> dict[str, dict[str, Any]]:
        """Every open flow's context, by flow."""
        return {run.flow.uuid: run.context for run in self.stack if isinstance(run, KataRun)}

    @property
    def states(self) -> dict[str, str | None]:
        """Every open flow's state, by flow."""
        return {run.flow.uuid: run.state for run in self.stack if isinstance(run, KataRun)}

    def run_of(self, flow: str) -> KataRun | None:
        """The open run of ``flow`` (current or on hold), if any."""
        for run in self.stack:
            if run.flow.uuid == flow and isinstance(run, KataRun):
                return run
        return None

    def record(self) -> dict[str, Any]:
        """The session as Kata's converse result shows it (plain JSON)."""
        return {
            "id": self.uuid,
            "userId": self.user_id,
            "channelId": self.channel_id,
            "deploymentId": self.deployment_id,
            "dataKey": self.data_key,
            "current": self.flow,
            "states": self.states,
            "contexes": self.contexts,  # (sic: Kata's own spelling)
            "history": self.held,
            "meta": {"lastFlow": self.last_flow, "lastState": self.last_state},
            "timestamp": self.timestamp_ns // 1_000_000,
            "data": self.data,
            "schedules": [schedule.record() for schedule in self.schedules],
        }


class KataSession:
    """A conversation with a bot (what :meth:`KataEngine.new_session` gives): where it is
    (``flow``, ``state``, ``stack`` of flows on hold, most recent first), the current flow's
    ``context``, every open flow's ``contexts``, and the session's ``data``. The engine
    core's own record of it is ``conversation``."""

    __slots__ = ("conversation",)

    def __init__(self, conversation: KataConversation) -> None:
        self.conversation = conversation

    @property
    def id(self) -> str:
        return self.conversation.uuid

    @property
    def user_id(self) -> str:
        return self.conversation.user_id

    @property
    def flow(self) -> str | None:
        return self.conversation.flow

    @property
    def state(self) -> str | None:
        return self.conversation.state

    @property
    def stack(self) -> list[str]:
        return self.conversation.held

    @property
    def context(self) -> dict[str, Any]:
        return self.conversation.context

    @property
    def contexts(self) -> dict[str, dict[str, Any]]:
        return self.conversation.contexts

    @property
    def states(self) -> dict[str, str | None]:
        return self.conversation.states

    @property
    def data(self) -> dict[str, Any]:
        return self.conversation.data

    @property
    def last_flow(self) -> str | None:
        return self.conversation.last_flow

    @property
    def last_state(self) -> str | None:
        return self.conversation.last_state

    @property
    def schedules(self) -> list[Schedule]:
        return list(self.conversation.schedules)

    def record(self) -> dict[str, Any]:
        return self.conversation.record()

    def __repr__(self) -> str:
        return f"KataSession(flow={self.flow!r}, state={self.state!r}, stack={self.stack!r})"


# the meta context's keys are written with this prefix; a mapping may not write them
META_PREFIX = "$"


def copy_json(value: Any) -> Any:
    """A deep copy of a JSON-like value (dicts, lists, scalars), faster than copy.deepcopy."""
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_json(item) for item in value]
    return value


@dataclass(slots=True)
class Snapshot:
    """What a converse may change, taken before it so that a failing converse leaves the
    session as it was (cost: the open flows' contexts and the data, never the history)."""

    runs: list[Run]
    stack: list[Run]
    runs_state: list[tuple[KataRun, str, list[Any], dict[str, Any], int, bool, bool]]
    data: dict[str, Any]
    meta: tuple[Any, ...]
    schedules: list[Schedule]

    @classmethod
    def take(cls, session: KataConversation) -> Snapshot:
        runs_state = [
            (run, run.status, list(run.path), copy_json(run.context), run.touched_ns, run.fresh,
             run.invalidated)
            for run in session.stack if isinstance(run, KataRun)
        ]  # fmt: skip
        meta = (
            session.last_flow, session.last_state, session.timestamp_ns, session.status,
            session.sprints, session.async_calls,
        )  # fmt: skip
        schedules = [
            Schedule(s.id, s.message, s.due_ns, s.every_ns, s.end_ns, s.request)
            for s in session.schedules
        ]
        return cls(list(session.runs), list(session.stack), runs_state,
                   copy_json(session.data), meta, schedules)

    def restore(self, session: KataConversation) -> None:
        session.runs = self.runs
        session.stack = self.stack
        for run, status, path, context, touched, fresh, invalidated in self.runs_state:
            run.status, run.path, run.context = status, path, context
            run.touched_ns, run.fresh, run.invalidated = touched, fresh, invalidated
            run.exited_on = None
        # (data may be shared with other sessions through a data key: restored in place)
        session.data.clear()
        session.data.update(self.data)
        (session.last_flow, session.last_state, session.timestamp_ns, session.status,
         session.sprints, session.async_calls) = self.meta
        session.schedules = self.schedules
