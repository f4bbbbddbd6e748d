"""What the service does besides answering requests: fire due timers, post the outbox,
pick up messages left pending (a crash, a lost task) and finish flow starts. Each runs in a
loop for the server's life (see :func:`lifespan`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..store.models import Message
from . import flow_starts, outbox, timers

if TYPE_CHECKING:
    from .app import Service

log = logging.getLogger("turnflow.service")


async def run_start(service: Service, start_id: int) -> None:
    """Finish a flow start (this process runs each start once at a time)."""
    if start_id in service.running_starts:
        return
    service.running_starts.add(start_id)
    try:
        await service.run(flow_starts.fix_targets, service.turns, start_id)
        while await service.run(flow_starts.start_some, service.turns, start_id):
            await asyncio.sleep(0)
    except Exception:
        log.exception("flow start %s failed", start_id)
    finally:
        service.running_starts.discard(start_id)


async def fire_timers(service: Service) -> None:
    """Fire the due timers, each under its contact's lock (a contact with messages pending
    has them handled first)."""
    for timer_id, contact_id in await service.run(timers.due_timers, service.turns):
        async with service.locks.hold(contact_id):
            outcome = await service.run(timers.fire_timer, service.turns, timer_id, contact_id)
        if outcome == "later":
            service.drain_later(contact_id)


async def post_outbox(service: Service) -> None:
    """Post the outbox's due items (see outbox.py), each in a worker thread."""
    items = await service.run(outbox.claim_due, service.turns)
    for item in items:
        error = await service.run(outbox.post, outbox.client_for(item.url), item)
        await service.run(outbox.mark, service.turns, item.id, error)


async def sweep(service: Service) -> None:
    """Messages left pending (a crash, a lost task) and unfinished flow starts."""
    def pending() -> list[int]:
        with service.store.reading() as session:
            return list(session.scalars(select(Message.contact_id).where(
                Message.status == "pending").distinct().limit(1000)))
    for contact_id in await service.run(pending):
        if not service.locks.busy(contact_id) and contact_id not in service.draining:
            service.drain_later(contact_id)
    for start_id in await service.run(flow_starts.unfinished_starts, service.turns):
        if start_id not in service.running_starts:
            service.spawn(run_start(service, start_id))


async def loop(every: float, step: Callable[[], Any], name: str) -> None:
    """Run ``step`` every ``every`` seconds; an error is logged and the loop goes on."""
    while True:
        try:
            await step()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s failed", name)
        await asyncio.sleep(every)


@contextlib.asynccontextmanager

async def lifespan(service: Service) -> AsyncIterator[None]:
    """The loops run while the server does; at its end they stop, then the store closes."""
    tick, every = service.settings.tick, service.settings.sweep
    loops = [
        asyncio.ensure_future(loop(tick, partial(fire_timers, service), "timers")),
        asyncio.ensure_future(loop(tick, partial(post_outbox, service), "outbox")),
        asyncio.ensure_future(loop(every, partial(sweep, service), "sweep")),
    ]
    try:
        yield
    finally:
        for task in loops + list(service.tasks):
            task.cancel()
        await asyncio.gather(*loops, *service.tasks, return_exceptions=True)
        service.store.close()
