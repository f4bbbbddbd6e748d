"""Timers: a goflow wait's timeout and a run's expiration, a Rasa session's expiry, set by
turns (the ``timers`` table) and fired here, each as a turn of its own.

A timer fires under its contact's lock, and is marked fired in the same transaction as the
turn it makes, so it fires once whichever process gets it first, and a timer that came due
while no server ran fires when one starts. It is *stale* (only marked) when its session has
moved on since it was set or has ended; a contact's pending messages go before its timers.
"""

from __future__ import annotations

from sqlalchemy import select

from ..store.models import Conversation, Timer
from .families.base import TIMER, Input
from .turns import OPEN, Turns


def due_timers(turns: Turns, limit: int = 100) -> list[tuple[int, int]]:
    """(timer id, contact id) of unfired timers whose time has come, oldest first."""
    with turns.store.reading() as session:
        rows = session.execute(select(Timer.id, Timer.contact_id).where(
            Timer.fired_on.is_(None), Timer.fire_at <= turns.now()).order_by(
            Timer.fire_at).limit(limit)).all()
    return [(row[0], row[1]) for row in rows]


def fire_timer(turns: Turns, timer_id: int, contact_id: int) -> str:
    """Fire a timer once: 'fired', 'stale' (the session moved on or ended), 'later' (the
    contact has messages waiting: they go first) or 'done' (fired already)."""
    with turns.store.transaction() as session:
        contact = turns.lock_contact(session, contact_id)
        timer = session.scalar(select(Timer).where(Timer.id == timer_id).execution_options(
            populate_existing=True))
        if timer is None or timer.fired_on is not None:
            return "done"
        if turns.next_pending(session, contact_id) is not None:
            return "later"
        conversation = session.get(Conversation, timer.session_id)
        now = turns.now()
        stale = (conversation is None or conversation.status not in OPEN
                 or conversation.sprints != timer.sprint)
        timer.fired_on = now
        timer.outcome = "stale" if stale else "fired"
        session.flush()  # marked before the turn drops the session's unfired timers
        if not stale:
            assert conversation is not None
            turns.turn(session, contact, conversation.definition_id,
                       Input(TIMER, now, timer=timer.kind), conversation=conversation)
        return timer.outcome
