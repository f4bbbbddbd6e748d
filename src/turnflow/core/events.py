"""Events: the engine's only output.

An event is a plain dict: ``uuid``, ``type``, ``created_on`` and the type's own fields, so
the store, the server, the tests and the simulator all read the same stream, and writing one
out is ``json.dumps``. :class:`EventFactory` stamps new events from the session's UUID
source and clock (UUID first, then the time).

The core emits only the family-neutral events below; each family adds its own types
(goflow's ``msg_created``, ``contact_field_changed``...; Rasa's ``slot_set``...).

====================  =====================================================================
type                  fields
====================  =====================================================================
``run_started``       ``flow`` (the flow's ref), ``run_uuid``, ``parent_uuid``?, ``terminal``?
``run_ended``         ``run_uuid``, ``flow``, ``status`` (completed, failed, expired...)
``failure``           ``text``: the session (or a run) failed, and why
``error``             ``text``, ``code``?, ``extra``?: something went wrong, the flow goes on
``warning``           ``text``, ``code``?: something is worth knowing (a deprecated name...)
====================  =====================================================================

>>> from turnflow.generators import FixedClock, SeededUUIDs
>>> clock = FixedClock("2024-01-02T03:04:05Z")
>>> event = EventFactory(SeededUUIDs(1, clock), clock).new(WARNING, text="careful")
>>> event["type"], event["created_on"], event["text"]
('warning', '2024-01-02T03:04:05Z', 'careful')
"""

from __future__ import annotations

from typing import Any

from ..generators import Clock, UUIDSource, utc_text

Event = dict[str, Any]

RUN_STARTED = "run_started"
RUN_ENDED = "run_ended"
FAILURE = "failure"
ERROR = "error"
WARNING = "warning"
CORE_EVENT_TYPES = (RUN_STARTED, RUN_ENDED, FAILURE, ERROR, WARNING)


class EventFactory:
    """Makes events stamped with a v7 UUID and the current time."""

    __slots__ = ("uuids", "clock")

    def __init__(self, uuids: UUIDSource, clock: Clock) -> None:
        self.uuids = uuids
        self.clock = clock

    def new(self, type_: str, **fields: Any) -> Event:
        """A stamped event with the given fields (those that are None are left out)."""
        event = self.stamp(type_)
        for key, value in fields.items():
            if value is not None:
                event[key] = value
        return event

    def stamp(self, type_: str) -> Event:
        """A new event with only its stamp: the caller writes the type's fields into it (in
        the order the family writes them). Frequent events are made this way, without
        :meth:`new`'s keyword arguments and null filter."""
        uuid = self.uuids.new_v7()
        return {"uuid": uuid, "type": type_, "created_on": utc_text(self.clock.now_ns())}


def event_type(event: Event) -> str:
    return event["type"]
