"""What the service asks of a flow family, and the registry of families.

A family adapter reads a definition from disk into JSON the store keeps (``read``), and
builds a :class:`Bot` from that JSON (``build``). A bot takes one input for one contact with
the conversation's stored state and returns an :class:`Outcome`: the new state (opaque JSON
for the store), the replies, the events, the runs, the contact as changed and the timers to
set. The service never looks inside the state, so a family added later (Kata) plugs in by
registering its adapter
(as Kata's does, kata.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ...errors import TurnflowError

MSG, TIMER, START = "msg", "timer", "start"


class DefinitionError(TurnflowError):
    """A definition that can't be read or run (says which file and what)."""


class StateError(TurnflowError):
    """A conversation's stored state that the definition can't take up any more (its flow
    was removed or changed): the service ends it and starts afresh."""


@dataclass(slots=True)
class ContactData:
    """A contact as the store keeps it (goflow's contact JSON shape)."""

    uuid: str
    name: str
    language: str
    status: str
    urns: list[str]
    fields: dict[str, Any]
    groups: list[dict[str, Any]]
    created_on: str

    def to_json(self) -> dict[str, Any]:
        return {"uuid": self.uuid, "name": self.name, "language": self.language,
                "status": self.status, "urns": list(self.urns), "fields": dict(self.fields),
                "groups": list(self.groups), "created_on": self.created_on}


@dataclass(slots=True)
class Input:
    """One thing for a conversation to take: a message, a timer firing, or a flow start."""

    kind: str  # MSG, TIMER or START
    now: dt.datetime
    text: str = ""
    urn: str = ""
    data: dict[str, Any] = field(default_factory=dict)  # msg: attachments, metadata...
    msg_uuid: str = ""
    timer: str = ""  # TIMER: its kind
    flow: str = ""  # START: the flow's UUID (or name)
    params: dict[str, Any] = field(default_factory=dict)  # START: @trigger.params


@dataclass(slots=True)
class Outcome:
    """What a turn did. ``state`` is None when nothing was started (no flow for the
    message); ``replies`` are the messages out: ``{"text", ...}`` with the family's extras."""

    state: dict[str, Any] | None
    session_uuid: str = ""
    status: str = ""
    replies: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)  # Run.record() of changed runs
    contact: ContactData | None = None  # the contact after the turn, if the family changes it
    timers: list[tuple[str, dt.datetime]] = field(default_factory=list)
    new_session: bool = False  # the state is a new session (the old one is over)


class Bot(Protocol):
    family: str

    def flows(self) -> list[dict[str, str]]:
        """The flows a flow start can name: ``{"uuid", "name"}``."""
        ...

    def handle(self, contact: ContactData, state: dict[str, Any] | None, given: Input
               ) -> Outcome: ...


class Family(Protocol):
    name: str
    channel: str  # the callback channel kind its bots answer on besides the JSON API

    def detect(self, path: Path) -> bool: ...

    def read(self, path: Path) -> dict[str, Any]: ...

    def build(self, content: dict[str, Any], name: str, clock: Any) -> Bot: ...


FAMILIES: dict[str, Family] = {}


def register(family: Family) -> Family:
    FAMILIES[family.name] = family
    return family


def family_named(name: str) -> Family:
    _load_builtin()
    try:
        return FAMILIES[name]
    except KeyError:
        raise DefinitionError(f"no flow family called {name!r} (known: "
                              f"{', '.join(sorted(FAMILIES))})") from None


def family_of(path: Path) -> Family:
    """The family whose definitions look like ``path``."""
    _load_builtin()
    if not path.exists():
        raise DefinitionError(f"{path}: no such file or directory")
    for family in FAMILIES.values():
        if family.detect(path):
            return family
    raise DefinitionError(f"{path}: not a flow file (goflow, legacy, export), a Rasa project or a "
                          "Kata bot")


def _load_builtin() -> None:
    from . import goflow, kata, rasa  # noqa: F401  (they register themselves)
