"""The flow graph every family compiles into.

A flow is a set of nodes. A node runs its actions in order, then either waits for input and
routes on it, routes straight away, or leaves by its first exit. A router picks a category,
and a category names the exit to take; an exit with no destination ends the run.

Actions, routers and waits are protocols: each family brings its own types (goflow's switch
router, Rasa's step conditions, a Kata state's transitions) and prepares them when it reads
a flow, so the graph is immutable once built and shared by every session that runs it.

>>> node = Node("n1", actions=(), exits=(Exit("x1", destination_uuid=None),))
>>> flow = Flow("f1", "Hello", (node,))
>>> flow.node("n1") is node, flow.ref
(True, {'uuid': 'f1', 'name': 'Hello'})
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .runtime import Runtime
    from .session import Run


class Waiting:
    """What a router returns when its node must wait for input first (see :data:`WAIT`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "WAIT"


WAIT = Waiting()


class Action(Protocol):
    """One step of work inside a node: send a message, set a slot, call a webhook..."""

    uuid: str
    type: str

    def execute(self, runtime: Runtime) -> None:
        """Do the action for the current run, emitting events through the runtime."""

    def to_json(self) -> dict[str, Any]:
        """The action's definition as it was read (for writing flows back out)."""


class Wait(Protocol):
    """How a node waits for input (a message, a dial result, a user's turn)."""

    def begin(self, runtime: Runtime, run: Run, node: Node) -> None:
        """The run starts waiting here: emit the family's wait event, set an expiry."""


class Router(Protocol):
    """Picks the category a node leaves by.

    ``route`` is asked when the run arrives at the node (``arriving``) and again after a
    wait or a child run ends there. It returns the category, None (leave by the first
    exit) or :data:`WAIT` (only when arriving: the node waits first, with ``wait``)."""

    categories: Sequence[Category]
    wait: Wait | None

    def route(
        self, runtime: Runtime, run: Run, node: Node, arriving: bool
    ) -> Category | Waiting | None:
        ...


@dataclass(frozen=True, slots=True)
class Exit:
    uuid: str
    destination_uuid: str | None = None


@dataclass(frozen=True, slots=True)
class Category:
    uuid: str
    name: str
    exit_uuid: str


@dataclass(frozen=True, slots=True)
class Node:
    uuid: str
    actions: tuple[Action, ...]
    exits: tuple[Exit, ...]
    router: Router | None = None
    # exit(uuid): the exit with this UUID, or None (a dict's lookup, made once: see Flow.node)
    exit: Callable[[str | None], Exit | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        exits: dict[str | None, Exit] = {}
        for exit_ in self.exits:
            exits.setdefault(exit_.uuid, exit_)  # (the first of a UUID, as a search would)
        object.__setattr__(self, "exit", exits.get)


@dataclass(slots=True)
class Flow:
    """A flow graph: its nodes, the first being where a run starts.

    ``type`` says what kind of conversation it serves (messaging, voice...); ``definition``
    keeps what it was read from, for writing it back out. Families with more to say about
    a flow (goflow's spec version and translations) subclass it."""

    uuid: str
    name: str
    nodes: tuple[Node, ...]
    type: str = "messaging"
    definition: dict[str, Any] = field(default_factory=dict)
    # node(uuid): the node with this UUID, or None. The lookup of a dict of the nodes made
    # once (the loop asks a dozen times a session: a method forwarding to it doubles the calls)
    node: Callable[[str], Node | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.node = {node.uuid: node for node in self.nodes}.get

    @property
    def ref(self) -> dict[str, Any]:
        """The ``{"uuid", "name"}`` reference events and runs use."""
        return {"uuid": self.uuid, "name": self.name}
