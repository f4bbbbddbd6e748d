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


def time_text(value: NanoTime | None) -> str | None:
    return format_rfc3339_nano(value) if value is not None else None


@dataclass(slots=True)
class Step:
    """One arrival at a node (the seed's FlowStep): when, and which exit it left by."""

    node_uuid: str
    arrived_on: NanoTime
    exit_uuid: str | None = None
    left_on: NanoTime | None = None
    value: str | None = None  # the input or operand that moved it on, if any

    def to_json(self) -> dict[str, Any]:
        return {"node_uuid": self.node_uuid, "arrived_on": time_text(self.arrived_on)}


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
        if self.had_input:
            data["had_input"] = True
        if not self.path or self.ended:
            del data["path"]  # ended runs are stored compacted, as goflow does
        return data


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
                step.left_on = None
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
