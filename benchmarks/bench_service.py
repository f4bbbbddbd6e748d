"""Persisted turns per second through the service's HTTP API, on SQLite and PostgreSQL,
against the same turns in memory; and flow starts per second for 10,000 contacts.

    PYTHONPATH=src python benchmarks/bench_service.py [--messages 2000] [--contacts 100]
        [--starts 10000] [--backends sqlite,postgresql]

Each backend gets a fresh database and a real ``turnflow serve`` (uvicorn) process. Turns go
through turnflow's JSON API (``POST /api/converse``: stored, handled, replies returned) with
one client per contact, all contacts at once. The in-memory figure runs the same echo flow on
the goflow engine alone, with the session kept as JSON between turns, as the store keeps it.
PostgreSQL is skipped, with a note, when it isn't reachable at 127.0.0.1:5432.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.service_support import Server, database, postgres_reachable  # noqa: E402

ECHO = ROOT / "tests" / "data" / "service" / "echo.json"


async def turns_over_http(server: Server, messages: int, contacts: int) -> float:
    per_contact = max(1, messages // contacts)
    url = f"{server.url}/api/converse"

    async def contact(client: httpx.AsyncClient, number: int) -> None:
        for seq in range(per_contact):
            answer = await client.post(url, headers=server.headers(), json={
                "urn": f"tel:+2507884{number:05d}", "text": str(seq)})
            answer.raise_for_status()
            assert answer.json()["replies"][0]["text"] == f"echo {seq}"

    limits = httpx.Limits(max_connections=contacts)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(contact(client, n) for n in range(contacts)))
        return per_contact * contacts / (time.perf_counter() - started)


def flow_starts(server: Server, count: int) -> float:
    urns = [f"tel:+2507885{n:05d}" for n in range(count)]
    started = time.perf_counter()
    answer = httpx.post(f"{server.url}/api/v2/flow_starts.json", headers=server.headers(),
                        json={"flow": "Echo", "urns": urns}, timeout=120)
    answer.raise_for_status()
    uuid = answer.json()["uuid"]
    while True:
        found = server.get("flow_starts", uuid=uuid)["results"][0]
        if found["status"] == "complete":
            assert found["progress"]["started"] == count
            return count / (time.perf_counter() - started)
        time.sleep(0.2)


def turns_in_memory(messages: int, contacts: int) -> float:
    """The same turns on the goflow engine alone, the session kept as JSON between turns."""
    import datetime as dt

    from turnflow.generators import SystemClock
    from turnflow.service.families.base import MSG, ContactData, Input
    from turnflow.service.families.goflow import GoflowFamily

    family = GoflowFamily()
    bot = family.build(family.read(ECHO), "echo", SystemClock())
    per_contact = max(1, messages // contacts)
    people = [ContactData(f"00000000-0000-4000-8000-{n:012d}", "", "", "active",
                          [f"tel:+2507884{n:05d}"], {}, [], "2025-01-01T00:00:00Z")
              for n in range(contacts)]
    states: list = [None] * contacts
    started = time.perf_counter()
    for seq in range(per_contact):
        for n, person in enumerate(people):
            now = dt.datetime.now(dt.UTC)
            outcome = bot.handle(person, states[n], Input(MSG, now, text=str(seq),
                                                          urn=person.urns[0]))
            states[n] = outcome.state
    return per_contact * contacts / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--contacts", type=int, default=100)
    parser.add_argument("--starts", type=int, default=10_000)
    parser.add_argument("--backends", default="sqlite,postgresql",
                        help="sqlite, postgresql, and postgresql-N for N worker processes")
    args = parser.parse_args()
    memory = turns_in_memory(args.messages, args.contacts)
    print(f"in memory: {memory:,.0f} turns/s ({args.messages} turns, {args.contacts} "
          "contacts, session JSON kept between turns)")
    for name in args.backends.split(","):
        backend, _, workers = name.partition("-")
        if backend == "postgresql" and postgres_reachable() is not None:
            print(f"postgresql: skipped ({postgres_reachable()})")
            continue
        extra = ["--workers", workers] if workers else []
        backend_name = f"{backend} ({workers} workers)" if workers else backend
        with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url:
            server = Server(url, [ECHO], extra=extra).start()
            try:
                rate = asyncio.run(turns_over_http(server, args.messages, args.contacts))
                print(f"{backend_name}: {rate:,.0f} persisted turns/s over HTTP "
                      f"({memory / rate:.0f}x slower than in memory)")
                if args.starts:
                    starts = flow_starts(server, args.starts)
                    print(f"{backend_name}: {starts:,.0f} flow starts/s ({args.starts} "
                          "contacts)")
            finally:
                server.stop()


if __name__ == "__main__":
    main()
