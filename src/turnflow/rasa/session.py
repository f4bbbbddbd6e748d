"""A Rasa conversation on the engine core: the session keeps the slots; each run is a frame
of Rasa's dialogue stack (a user flow started as ``regular``, ``interrupt``, ``call`` or
``link``, or a pattern) with the frame's own context (``collect``, ``utter``...)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.session import Run, Session

REGULAR, INTERRUPT, CALL, LINK, PATTERN = "regular", "interrupt", "call", "link", "pattern"


@dataclass(slots=True)
class RasaRun(Run):
    frame_type: str = REGULAR
    context: dict[str, Any] = field(default_factory=dict)  # the frame's own fields


@dataclass(slots=True)
class RasaSession(Session):
    slots: dict[str, Any] = field(default_factory=dict)
    # the slots set since the conversation (re)started, to an initial value too (Rasa's
    # Slot.has_been_set: a collect step checks no value the slot was never set to)
    slots_set: set[str] = field(default_factory=set)
    turns: int = 0  # user messages taken
    restarting: bool = False  # action_restart ran: the conversation starts afresh
    terminated: bool = False  # the session ended (action_hangup): messages are ignored
    last_bot: list[dict[str, Any]] = field(default_factory=list)  # what "repeat" repeats
