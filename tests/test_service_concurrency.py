"""Per-contact order and exactly-once on a real server: messages from many contacts sent
at once through courier's external channel (answered as soon as stored, handled in the
background), on SQLite and PostgreSQL, also with the server killed (SIGKILL) in the middle
and restarted. Checked in the database: every message that got a 2xx is handled exactly
once, and each contact's replies come in the order its messages were sent.

By default 40 contacts send 10 messages each, with the server killed halfway, to keep the
suite quick; ``TURNFLOW_FULL_CONCURRENCY=1`` runs 2,000 messages over 200 contacts, steady
and killed halfway."""

from __future__ import annotations

import asyncio
import os
import time
from collections import defaultdict
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from turnflow.store import Store
from turnflow.store.models import Channel, ContactURN, Message

from .service_support import REPO, Server, database

ECHO = REPO / "tests" / "data" / "service" / "echo.json"
FULL = os.environ.get("TURNFLOW_FULL_CONCURRENCY") == "1"
CONTACTS, PER_CONTACT = (200, 10) if FULL else (40, 10)
BACKENDS = ["sqlite", "postgresql"]


async def send_all(servers: list[Server], channel: str, kill_after: int | None) -> set[str]:
    """Each contact sends its messages one after another (the next once the last got its
    2xx), all contacts at once, each message to the next server in turn. A message whose
    request failed (the first server was killed) is sent again with the same id once the
    server is back, as a channel would. Returns the ids that got a 2xx."""
    acked: set[str] = set()
    restarted = asyncio.Event()
    killed = False
    limits = httpx.Limits(max_connections=64)

    async def contact(client: httpx.AsyncClient, number: int) -> None:
        nonlocal killed
        for seq in range(PER_CONTACT):
            external_id = f"{number}-{seq}"
            server = servers[(number + seq) % len(servers)]
            url = f"{server.url}/c/ex/{channel}/receive"
            while True:
                try:
                    answer = await client.post(url, data={
                        "from": f"+2507883{number:05d}", "text": str(seq), "id": external_id})
                    if answer.status_code == 200:
                        acked.add(external_id)
                        break
                except httpx.HTTPError:
                    pass
                if killed:  # the server is down: wait for it and send again
                    await restarted.wait()
                else:  # a connection that failed on its own: send again
                    await asyncio.sleep(0.1)
            if kill_after is not None and not killed and len(acked) >= kill_after:
                killed = True
                servers[0].kill()
                await asyncio.to_thread(servers[0].start, [])
                restarted.set()

    if kill_after is None:
        restarted.set()
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        await asyncio.gather(*(contact(client, n) for n in range(CONTACTS)))
    return acked


def check_store(url: str, acked: set[str]) -> None:
    """Every acknowledged message handled once, replies in the order sent, per contact."""
    store = Store(url)
    deadline = time.monotonic() + 60
    try:
        while True:
            with store.reading() as session:
                pending = session.scalar(select(Message.id).where(
                    Message.status == "pending").limit(1))
            if pending is None:
                break
            assert time.monotonic() < deadline, "messages still pending after 60 s"
            time.sleep(0.2)
        with store.reading() as session:
            urns = {row[0]: row[1] for row in session.execute(
                select(ContactURN.contact_id, ContactURN.identity))}
            incoming = list(session.scalars(select(Message).where(
                Message.direction == "in").order_by(Message.id)))
            replies = list(session.scalars(select(Message).where(
                Message.direction == "out").order_by(Message.id)))
    finally:
        store.close()
    ids = [m.external_id for m in incoming]
    assert len(ids) == len(set(ids)), "an external id was stored twice"
    assert acked <= set(ids), f"acknowledged but lost: {sorted(acked - set(ids))[:5]}"
    assert {m.status for m in incoming} == {"handled"}
    by_id = {m.id: m for m in incoming}
    sent: dict[str, list[str]] = defaultdict(list)
    for message in incoming:
        sent[urns[message.contact_id]].append(message.text or "")
    answered: dict[str, list[str]] = defaultdict(list)
    answered_to: list[int] = []
    for reply in replies:
        answered[urns[reply.contact_id]].append(reply.text or "")
        answered_to.append(reply.in_reply_to or 0)
    assert len(answered_to) == len(set(answered_to)) == len(incoming), "not one reply each"
    assert set(answered_to) == set(by_id)
    for urn, texts in sent.items():
        assert texts == [str(n) for n in range(PER_CONTACT)], (urn, texts)
        assert answered[urn] == [f"echo {n}" for n in range(PER_CONTACT)], (urn, answered[urn])
    assert len(sent) == CONTACTS


CASES = [("sqlite", 1, True), ("postgresql", 2, True)]
if FULL:  # also steady (no kill), and PostgreSQL with one server
    CASES += [("sqlite", 1, False), ("postgresql", 1, False), ("postgresql", 1, True),
              ("postgresql", 2, False)]


@pytest.mark.parametrize(("backend", "processes", "kill"), CASES, ids=[
    f"{backend}-{processes}-server{'s' if processes > 1 else ''}-{'sigkill' if kill else 'steady'}"
    for backend, processes, kill in CASES])
def test_every_message_once_and_in_order(backend: str, processes: int, kill: bool,
                                         tmp_path: Path) -> None:
    """On PostgreSQL two server processes share the database; the first is killed."""
    with database(backend, tmp_path) as url:
        servers = [Server(url, [ECHO] if n == 0 else []) for n in range(processes)]
        try:
            for server in servers:
                server.start()
            store = Store(url)
            with store.reading() as session:
                channel = session.scalar(select(Channel.uuid).where(Channel.kind == "external"))
            store.close()
            total = CONTACTS * PER_CONTACT
            acked = asyncio.run(send_all(servers, channel, total // 2 if kill else None))
            assert len(acked) == total
            check_store(url, acked)
            for server in servers:
                server.stop()
                server.assert_clean()
        finally:
            for server in servers:
                server.stop()


def test_serve_with_worker_processes(tmp_path: Path) -> None:
    """``--workers 2`` on PostgreSQL: two uvicorn processes on one port, one store."""
    with database("postgresql", tmp_path) as url:
        server = Server(url, [ECHO], extra=["--workers", "2"]).start()
        try:
            async def talk() -> list[list[str]]:
                async with httpx.AsyncClient(timeout=60) as client:
                    async def contact(number: int) -> list[str]:
                        texts = []
                        for seq in range(5):
                            answer = await client.post(
                                f"{server.url}/api/converse", headers=server.headers(),
                                json={"urn": f"tel:+2507886{number:05d}", "text": str(seq)})
                            assert answer.status_code == 200, answer.text
                            texts += [r["text"] for r in answer.json()["replies"]]
                        return texts
                    return await asyncio.gather(*(contact(n) for n in range(10)))

            for texts in asyncio.run(talk()):
                assert texts == [f"echo {n}" for n in range(5)]
        finally:
            server.stop()
        server.assert_clean()
