"""Events: the engine's only output.

An event is a plain dict in goflow's JSON shape (``uuid``, ``type``, ``created_on`` and the
type's own fields), so the store, the server, the tests and the simulator all read the same
stream, and writing one out is ``json.dumps``. :class:`EventFactory` stamps new events from
the session's UUID source and clock, in goflow's order (UUID first, then the time), which is
what makes seeded test runs reproduce goflow's snapshots exactly.
"""

from __future__ import annotations

from typing import Any

from ..generators import Clock, UUIDSource, utc_text

Event = dict[str, Any]


class EventFactory:
    """Makes events stamped with a v7 UUID and the current time."""

    __slots__ = ("uuids", "clock")

    def __init__(self, uuids: UUIDSource, clock: Clock) -> None:
        self.uuids = uuids
        self.clock = clock

    def new(self, type_: str, **fields: Any) -> Event:
        event = self.stamp(type_)
        for key, value in fields.items():
            if value is not None:
                event[key] = value
        return event

    def stamp(self, type_: str) -> Event:
        """A new event with only its stamp: the caller writes the type's fields into it (in
        the order goflow writes them). The engine's frequent events are made this way,
        without :meth:`new`'s keyword arguments and null filter."""
        uuid = self.uuids.new_v7()
        return {"uuid": uuid, "type": type_, "created_on": utc_text(self.clock.now_ns())}


def event_type(event: Event) -> str:
    return event["type"]
