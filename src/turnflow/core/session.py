"""Sessions and runs: the state of one contact's conversation.

A session holds every run it has started (in order, for the record) and a **stack** of the
runs that are still in play, the top one being the run that input goes to. goflow's
sub-flows, Rasa's dialogue frames and Kata's flow stack are all operations on that stack,
so it offers all of them: push on top, push below the top, pop, remove, move to the top and
rewind a run to an earlier node.

Runs and sessions write themselves out in goflow's JSON shapes, so a session can be saved
between sprints and read back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import TurnflowError
from ..generators import NanoTime, format_rfc3339_nano
from .graph import Flow

# statuses goflow uses for sessions and runs
ACTIVE, WAITING, COMPLETED, FAILED, EXPIRED, INTERRUPTED = (
    "active", "waiting", "completed", "failed", "expired", "interrupted",
)  # fmt: skip
ENDED = frozenset({COMPLETED, FAILED, EXPIRED, INTERRUPTED})


class StackError(TurnflowError):
    """A run stack operation that doesn't make sense (e.g. popping an empty stack)."""


class SessionReadError(TurnflowError):
    """Session JSON that can't be read back; ``path`` is the JSON path of the problem."""

    def __init__(self, message: str, path: str = "") -> None:
        self.message = message
        self.path = path
        super().__init__(f"{message} (at {path})" if path else message)


# uuid -> the flow (or None if it's not known)
FlowLookup = Callable[[str], "Flow | None"]


def time_text(value: NanoTime | None) -> str | None:
    return format_rfc3339_nano(value) if value is not None else None


def _time(data: Mapping[str, Any], key: str, path: str, required: bool = False) -> NanoTime | None:
    value = data.get(key)
    if value is None:
        if required:
            raise SessionReadError(f"field '{key}' is required", f"{path}.{key}")
        return None
    if not isinstance(value, str):
        raise SessionReadError(f"field '{key}' must be a time string", f"{path}.{key}")
    try:
        return NanoTime.parse(value)
    except ValueError:
        raise SessionReadError(f"field '{key}' is not an RFC3339 time: {value!r}", f"{path}.{key}") from None


# a run stores its last webhook call only if the response's JSON is this small (as goflow)
PERSISTED_WEBHOOK_BYTES = 10_000


def _persisted_webhook(webhook: Any) -> bool:
    if not isinstance(webhook, Mapping):
        return False
    import json

    body = webhook.get("json")
    size = len(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()) if body is not None else 0
    return size <= PERSISTED_WEBHOOK_BYTES


def _object(data: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise SessionReadError("must be a JSON object", path)
    return data


def _required(data: Mapping[str, Any], key: str, path: str) -> Any:
    value = data.get(key)
    if value is None or value == "":
        raise SessionReadError(f"field '{key}' is required", f"{path}.{key}")
    return value


@dataclass(slots=True)
class Step:
    """One arrival at a node (the seed's FlowStep): when, and which exit it left by."""

    node_uuid: str
    arrived_on: NanoTime
    exit_uuid: str | None = None
    value: str | None = None  # the input or operand that moved it on, if any

    def to_json(self) -> dict[str, Any]:
        """goflow's session JSON for a step (goflow keeps no exit or value there)."""
        return {"node_uuid": self.node_uuid, "arrived_on": time_text(self.arrived_on)}

    def record(self) -> dict[str, Any]:
        """The whole step, as a store keeps it: node, arrival, exit taken, what moved it."""
        return {"node_uuid": self.node_uuid, "arrived_on": time_text(self.arrived_on),
                "exit_uuid": self.exit_uuid, "value": self.value}

    @classmethod
    def from_json(cls, data: Any, path: str) -> Step:
        data = _object(data, path)
        arrived_on = _time(data, "arrived_on", path, required=True)
        assert arrived_on is not None
        return cls(node_uuid=_required(data, "node_uuid", path), arrived_on=arrived_on)


@dataclass(slots=True)
class Run:
    """One pass of a contact through one flow."""

    uuid: str
    flow: Flow
    created_on: NanoTime
    status: str = ACTIVE
    path: list[Step] = field(default_factory=list)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)  # snakified name -> result
    locals: dict[str, Any] = field(default_factory=dict)
    parent: Run | None = None
    modified_on: NanoTime | None = None
    exited_on: NanoTime | None = None
    expires_on: NanoTime | None = None
    webhook: Any = None  # the last @webhook (call details), set by webhook actions
    had_input: bool = False
    parent_summary: dict[str, Any] | None = None  # a parent in another session (flow_action triggers)

    @property
    def current_step(self) -> Step | None:
        return self.path[-1] if self.path else None

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "uuid": self.uuid,
            "flow": self.flow.ref,
            "path": [step.to_json() for step in self.path],
            "status": self.status,
            "created_on": time_text(self.created_on),
            "modified_on": time_text(self.modified_on or self.created_on),
            "exited_on": time_text(self.exited_on),
        }
        if self.results:
            data["results"] = self.results
        if self.locals and not self.ended:
            data["locals"] = self.locals  # ended runs are stored without them, as goflow does
        if self.parent is not None:
            data["parent_uuid"] = self.parent.uuid
        if not self.ended and _persisted_webhook(self.webhook):  # compacted when ended
            data["webhook"] = self.webhook
        if self.had_input:
            data["had_input"] = True
        if not self.path or self.ended:
            del data["path"]  # ended runs are stored compacted, as goflow does
        return data

    def record(self) -> dict[str, Any]:
        """The run as a store keeps it (the seed's FlowRun): unlike goflow's session JSON,
        which drops the path of ended runs, every step is kept with its exit and value."""
        return {
            "uuid": self.uuid,
            "flow": self.flow.ref,
            "status": self.status,
            "parent_uuid": self.parent.uuid if self.parent is not None else None,
            "created_on": time_text(self.created_on),
            "modified_on": time_text(self.modified_on or self.created_on),
            "exited_on": time_text(self.exited_on),
            "steps": [step.record() for step in self.path],
            "results": {key: dict(value) for key, value in self.results.items()},
        }

    @classmethod
    def from_json(cls, data: Any, flows: FlowLookup, path: str = "run") -> Run:
        """Read a run written by :meth:`to_json` (its parent is linked by the session)."""
        data = _object(data, path)
        ref = _object(_required(data, "flow", path), f"{path}.flow")
        flow = flows(_required(ref, "uuid", f"{path}.flow"))
        if flow is None:
            raise SessionReadError(f"flow {ref.get('uuid')} ({ref.get('name', '')}) is not in the assets", f"{path}.flow")
        created_on = _time(data, "created_on", path, required=True)
        assert created_on is not None
        steps = data.get("path") or []
        if not isinstance(steps, list):
            raise SessionReadError("field 'path' must be a list", f"{path}.path")
        results = data.get("results") or {}
        locals_ = data.get("locals") or {}
        for key, value in (("results", results), ("locals", locals_)):
            _object(value, f"{path}.{key}")
        return cls(
            uuid=_required(data, "uuid", path),
            flow=flow,
            created_on=created_on,
            status=data.get("status") or ACTIVE,
            path=[Step.from_json(step, f"{path}.path[{i}]") for i, step in enumerate(steps)],
            results={key: dict(value) for key, value in results.items()},
            locals=dict(locals_),
            modified_on=_time(data, "modified_on", path),
            exited_on=_time(data, "exited_on", path),
            had_input=bool(data.get("had_input")),
            webhook=data.get("webhook"),
        )


@dataclass(slots=True)
class Session:
    uuid: str
    type: str
    created_on: NanoTime
    trigger: dict[str, Any]
    contact: Any  # the family's contact object (goflow: goflow.contact.Contact)
    status: str = ACTIVE
    runs: list[Run] = field(default_factory=list)
    stack: list[Run] = field(default_factory=list)  # runs still in play, top is last
    wait: dict[str, Any] | None = None
    input: dict[str, Any] | None = None
    sprints: int = 0
    call_uuid: str | None = None

    # -- the run stack ------------------------------------------------------------------------

    @property
    def top(self) -> Run | None:
        return self.stack[-1] if self.stack else None

    def push(self, run: Run) -> None:
        """Start a run on top of the stack (it gets the input from now on)."""
        if run not in self.runs:
            self.runs.append(run)
        self.stack.append(run)

    def push_below(self, run: Run) -> None:
        """Put a run just under the top one: it takes over when the top run ends."""
        if run not in self.runs:
            self.runs.append(run)
        if not self.stack:
            self.stack.append(run)
        else:
            self.stack.insert(len(self.stack) - 1, run)

    def pop(self) -> Run:
        if not self.stack:
            raise StackError("cannot pop a run: the session's run stack is empty")
        return self.stack.pop()

    def remove(self, run: Run) -> None:
        try:
            self.stack.remove(run)
        except ValueError:
            raise StackError(f"run {run.uuid} is not on the session's run stack") from None

    def move_to_top(self, run: Run) -> None:
        self.remove(run)
        self.stack.append(run)

    def rewind(self, run: Run, node_uuid: str) -> None:
        """Send a run back to its last visit of an earlier node (dropping the later steps)."""
        for index in range(len(run.path) - 1, -1, -1):
            if run.path[index].node_uuid == node_uuid:
                step = run.path[index]
                del run.path[index + 1 :]
                step.exit_uuid = None
                step.value = None
                return
        raise StackError(f"run {run.uuid} has never been at node {node_uuid}")

    def find_run(self, uuid: str) -> Run | None:
        for run in self.runs:
            if run.uuid == uuid:
                return run
        return None

    # -- JSON ---------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "uuid": self.uuid,
            "type": self.type,
            "created_on": time_text(self.created_on),
            "trigger": self.trigger,
            "contact_uuid": self.contact.get("uuid") if isinstance(self.contact, dict) else getattr(self.contact, "uuid", None),
            "runs": [run.to_json() for run in self.runs],
            "status": self.status,
            "sprints": self.sprints,
        }
        if self.call_uuid:
            data["call_uuid"] = self.call_uuid
        if self.wait is not None:
            data["wait"] = self.wait
        if self.input is not None:
            data["input"] = self.input
        return data

    @classmethod
    def from_json(cls, data: Any, flows: FlowLookup, contact: Any) -> Session:
        """Read a session written by :meth:`to_json` back, ready to be resumed.

        ``flows`` finds a run's flow by UUID; ``contact`` is the session's contact (sessions
        store only its UUID, as goflow does). Runs are linked to their parents, and the stack
        is rebuilt: the runs still in play, in the order they started, the waiting one on top.
        """
        data = _object(data, "session")
        created_on = _time(data, "created_on", "session", required=True)
        assert created_on is not None
        trigger = data.get("trigger")
        if not isinstance(trigger, Mapping):
            raise SessionReadError("field 'trigger' is required", "session.trigger")
        stored_uuid = data.get("contact_uuid")
        contact_uuid = contact.get("uuid") if isinstance(contact, Mapping) else getattr(contact, "uuid", None)
        if stored_uuid and contact_uuid and stored_uuid != contact_uuid:
            raise SessionReadError(
                f"session is for contact {stored_uuid}, not {contact_uuid}", "session.contact_uuid"
            )
        runs_data = data.get("runs") or []
        if not isinstance(runs_data, list):
            raise SessionReadError("field 'runs' must be a list", "session.runs")
        runs = [Run.from_json(item, flows, f"session.runs[{i}]") for i, item in enumerate(runs_data)]
        by_uuid = {run.uuid: run for run in runs}
        for index, (run, item) in enumerate(zip(runs, runs_data, strict=True)):
            parent_uuid = item.get("parent_uuid")
            if parent_uuid:
                parent = by_uuid.get(parent_uuid)
                if parent is None:
                    raise SessionReadError(
                        f"parent run {parent_uuid} is not in the session", f"session.runs[{index}].parent_uuid"
                    )
                run.parent = parent
        in_play = [run for run in runs if not run.ended]
        waiting = [run for run in in_play if run.status == WAITING]
        stack = [run for run in in_play if run not in waiting] + waiting
        session = cls(
            uuid=_required(data, "uuid", "session"),
            type=data.get("type") or "messaging",
            created_on=created_on,
            trigger=dict(trigger),
            contact=contact,
            status=_required(data, "status", "session"),
            runs=runs,
            stack=stack,
            wait=data.get("wait"),
            input=dict(data["input"]) if isinstance(data.get("input"), Mapping) else None,
            sprints=int(data.get("sprints") or 0),
            call_uuid=data.get("call_uuid"),
        )
        if session.status == WAITING and not waiting:
            raise SessionReadError("session is waiting but none of its runs is", "session.status")
        return session
