"""Sessions and runs: the state of one contact's conversation.

A session holds every run it has started (in order, for the record) and a **stack** of the
runs that are still in play, the top one being the run that input goes to. goflow's
sub-flows, Rasa's dialogue frames and Kata's flow stack are all operations on that stack,
so it offers all of them: push on top, push below the top, pop, remove, move to the top and
rewind a run to an earlier node.

How a session is stored is the family's business (goflow writes its own session JSON);
:meth:`Run.record` gives the family-neutral record a store keeps of a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import TurnflowError
from ..generators import NanoTime, format_rfc3339_nano
from .graph import Flow

# the statuses of sessions and runs
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
    value: str | None = None  # the input or operand that moved it on, if any

    def record(self) -> dict[str, Any]:
        """The whole step, as a store keeps it: node, arrival, exit taken, what moved it."""
        return {"node_uuid": self.node_uuid, "arrived_on": time_text(self.arrived_on),
                "exit_uuid": self.exit_uuid, "value": self.value}


@dataclass(slots=True)
class Run:
    """One pass of a contact through one flow. Families that keep more per run (goflow's
    last webhook call) subclass it and make runs through their family object."""

    uuid: str
    flow: Flow
    created_on: NanoTime
    status: str = ACTIVE
    path: list[Step] = field(default_factory=list)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> saved result
    locals: dict[str, Any] = field(default_factory=dict)
    parent: Run | None = None
    modified_on: NanoTime | None = None
    exited_on: NanoTime | None = None
    expires_on: NanoTime | None = None
    had_input: bool = False  # input has reached this run

    @property
    def current_step(self) -> Step | None:
        return self.path[-1] if self.path else None

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    def record(self) -> dict[str, Any]:
        """The run as a store keeps it (the seed's FlowRun): every step, with its exit and
        value, whether or not the run has ended."""
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


@dataclass(slots=True)
class Session:
    """One contact's conversation: its runs, the stack of those in play, the last input.

    ``trigger`` is what started it (the family's own shape); ``contact`` is the family's
    contact object. Families that keep more per session subclass it."""

    uuid: str
    type: str
    created_on: NanoTime
    trigger: dict[str, Any]
    contact: Any
    status: str = ACTIVE
    runs: list[Run] = field(default_factory=list)
    stack: list[Run] = field(default_factory=list)  # runs still in play, top is last
    input: dict[str, Any] | None = None
    sprints: int = 0

    # -- the run stack ------------------------------------------------------------------------

    @property
    def top(self) -> Run | None:
        return self.stack[-1] if self.stack else None

    def waiting_run(self) -> Run | None:
        """The run that waits for input, if one does."""
        for run in self.runs:
            if run.status == WAITING:
                return run
        return None

    def push(self, run: Run) -> None:
        """Start a run on top of the stack (it gets the input from now on)."""
        if _position(self.runs, run) < 0:
            self.runs.append(run)
        self.stack.append(run)

    def push_below(self, run: Run) -> None:
        """Put a run just under the top one: it takes over when the top run ends."""
        if _position(self.runs, run) < 0:
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
        position = _position(self.stack, run)
        if position < 0:
            raise StackError(f"run {run.uuid} is not on the session's run stack")
        del self.stack[position]

    def discard(self, run: Run) -> None:
        """Take a run off the stack if it is there (an ending run, usually the top one)."""
        stack = self.stack
        if stack and stack[-1] is run:
            stack.pop()
            return
        position = _position(stack, run)
        if position >= 0:
            del stack[position]

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


def _position(runs: list[Run], run: Run) -> int:
    """Where ``run`` itself is in ``runs``, or -1: runs are told apart by identity (``in``
    and ``list.remove`` would call the dataclass's ``==``, which compares every field)."""
    for index, other in enumerate(runs):
        if other is run:
            return index
    return -1
