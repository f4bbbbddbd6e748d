"""Which behaviour a migrated legacy flow keeps where goflow and the legacy engine differ.

By default a legacy flow migrates as RapidPro migrated it for goflow (what RapidPro runs
today). RapidPro's legacy Python engine (rapidpro-flows), which the legacy transcript tests were
written for, ran version 7/8 definitions as they were, and differs in two visible ways:

* ``@flow.x.category`` was the rule's base category name; goflow's migration reads
  ``@results.x.category_localized`` (the name in the contact's language);
* a date result in a message was printed as saved, the date alone ("28-05-1981");
  RapidPro's version 11.0 migration wraps it in ``format_date``, which goflow prints with the
  time of day ("28-05-1981 09:48"). (Location results keep their ``format_location``: the
  legacy engine printed a place's name too.)

``legacy_engine_semantics()`` turns the legacy engine's behaviour on for the migrations run
inside it. A context variable carries it because the migration is many small functions, each
migrating one template; the variable is read only while migrating, never while running. The
run-time half (dates read with month names, a date result saved as the date alone) is the
environment's ``legacy_dates`` setting.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_LEGACY_ENGINE: ContextVar[bool] = ContextVar("turnflow_legacy_engine", default=False)


@contextmanager
def legacy_engine_semantics(enabled: bool = True) -> Iterator[None]:
    """Migrate legacy flows with the legacy engine's behaviour inside this block."""
    token = _LEGACY_ENGINE.set(enabled)
    try:
        yield
    finally:
        _LEGACY_ENGINE.reset(token)


def legacy_engine_on() -> bool:
    return _LEGACY_ENGINE.get()
