"""The flow graph every family compiles into (goflow's model).

A flow is a set of nodes. A node runs its actions in order, then either waits for input and
routes on it, routes straight away, or leaves by its first exit. A router picks a category,
and a category names the exit to take; an exit with no destination ends the run.

Actions are objects with an ``execute(runtime)`` method (see :class:`Action`); each family
provides its own action types. The graph is immutable once built and shared by every
session that runs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .runtime import Runtime


class Action(Protocol):
    """One step of work inside a node: send a message, set a field, call a webhook..."""

    uuid: str
    type: str

    def execute(self, runtime: Runtime) -> None:
        """Do the action for the current run, emitting events through the runtime."""

    def to_json(self) -> dict[str, Any]:
        """The action's definition as it was read (for writing flows back out)."""


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
class Case:
    uuid: str
    type: str  # the case test, e.g. "has_any_word"
    arguments: tuple[str, ...]  # templates
    category_uuid: str


@dataclass(frozen=True, slots=True)
class Timeout:
    seconds: int
    category_uuid: str


@dataclass(frozen=True, slots=True)
class Wait:
    type: str  # "msg" or "dial"
    timeout: Timeout | None = None
    hint: dict[str, Any] | None = None  # msg waits: audio, digits, image, location, video
    phone: str | None = None  # dial waits
    dial_limit_seconds: int | None = None
    call_limit_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class Router:
    type: str  # "switch" or "random"
    categories: tuple[Category, ...]
    wait: Wait | None = None
    result_name: str | None = None
    operand: str | None = None  # switch: the template tested by the cases
    cases: tuple[Case, ...] = ()
    default_category_uuid: str | None = None

    def category(self, uuid: str | None) -> Category | None:
        for category in self.categories:
            if category.uuid == uuid:
                return category
        return None


@dataclass(frozen=True, slots=True)
class Node:
    uuid: str
    actions: tuple[Action, ...]
    exits: tuple[Exit, ...]
    router: Router | None = None

    def exit(self, uuid: str | None) -> Exit | None:
        for exit_ in self.exits:
            if exit_.uuid == uuid:
                return exit_
        return None


@dataclass(slots=True)
class Flow:
    uuid: str
    name: str
    nodes: tuple[Node, ...]
    spec_version: str = "14.4.2"
    language: str = "und"
    type: str = "messaging"  # messaging, messaging_background, messaging_offline, voice
    revision: int = 0
    expire_after_minutes: int = 10080
    localization: dict[str, dict[str, dict[str, list[str]]]] = field(default_factory=dict)
    definition: dict[str, Any] = field(default_factory=dict)  # the JSON it was read from
    _by_uuid: dict[str, Node] = field(default_factory=dict, repr=False)
    # what a family's engine derives from the (immutable) graph once and keeps with it, e.g.
    # routers prepared for routing; keyed by the family's own keys
    prepared: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_uuid = {node.uuid: node for node in self.nodes}

    def node(self, uuid: str) -> Node | None:
        return self._by_uuid.get(uuid)

    @property
    def ref(self) -> dict[str, Any]:
        """The ``{"uuid", "name"}`` reference events and runs use (with the revision if set)."""
        if self.revision:
            return {"uuid": self.uuid, "name": self.name, "revision": self.revision}
        return {"uuid": self.uuid, "name": self.name}

    def localized(self, language: str | None, item_uuid: str, key: str) -> list[str] | None:
        """A localized property of an item (action, case, category) if there is one."""
        if not language or language == self.language:
            return None
        return self.localization.get(language, {}).get(item_uuid, {}).get(key)
