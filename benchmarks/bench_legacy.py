"""Engine speed on a legacy RapidPro flow: greatwall.json, migrated once, then run in memory.

The flow (RapidPro's own test flow, legacy spec) is read with
:func:`turnflow.goflow.export.load_assets`, which migrates it to goflow's current spec; that
cost is paid once and counted in the total. Each session then starts the flow, answers "9"
(out of range: asked again) and "7": 3 sprints. Prints sessions and steps per second. For
scale: the legacy Python RapidPro engine ran about 1,030 sessions/s on this flow, measured
beside turnflow in one process on this kind of machine (docs/goflow.md, Speed and memory).

With ``--stored`` the session is written as JSON text (the compact stored form a server keeps,
``engine.dump_session``) and read back before each answer, as a server keeps it between
messages (the legacy engine: ~810 sessions/s that way).

Steps are goflow's path steps, one per node visit: 6 per session here (2 action sets and the
wait, the retry message and the wait again, the expression split and the last action set).
The legacy engine's measurement counted 8 steps for the same conversation.

With ``--memory`` it measures instead how much memory a waiting session holds (with its
contact, as a server keeps both between messages): ``--sessions`` sessions are started and
kept waiting at the first question, and tracemalloc counts what they hold (the legacy engine:
~2,200 bytes a waiting session, measured the same way beside turnflow).

    .venv/bin/python benchmarks/bench_legacy.py [--sessions 2000] [--stored] [--memory]
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from pathlib import Path

from turnflow.chat import DEFAULT_CONTACT
from turnflow.goflow import msg_resume
from turnflow.goflow.engine import GoflowEngine
from turnflow.goflow.export import load_assets
from turnflow.testing.goflow_runner import read_contact

FIXTURES = Path(__file__).resolve().parents[2] / "shared/fixtures/rapidpro/flows/common/test_flows"
FLOW = FIXTURES / "greatwall.json"
ANSWERS = ["9", "7"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--flow", type=Path, default=FLOW)
    parser.add_argument("--stored", action="store_true",
                        help="store the session as JSON text and read it back before each answer")
    parser.add_argument("--memory", action="store_true",
                        help="measure the memory a waiting session holds instead of speed")
    args = parser.parse_args()

    start = time.perf_counter()
    assets = load_assets(args.flow)  # the legacy flow is migrated here, once
    migrated = time.perf_counter()
    engine = GoflowEngine(assets)
    engine.env.default_country = "US"
    flow = assets.flow_refs()[0]
    trigger = {"type": "manual", "flow": flow, "triggered_on": "2025-01-01T00:00:00Z"}
    resumes = [msg_resume(text, "tel:+12065551212") for text in ANSWERS]
    if args.memory:
        measure_memory(engine, assets, trigger, args.sessions)
        return

    steps = 0
    for _ in range(args.sessions):
        contact = read_contact(DEFAULT_CONTACT, assets)
        session, _ = engine.start(contact, trigger)
        for resume in resumes:
            if args.stored:
                session = engine.read_session(engine.dump_session(session), contact)
            engine.resume(session, resume)
        assert session.status == "completed", session.status
        steps += sum(len(run.path) for run in session.runs)
    elapsed = time.perf_counter() - start
    print(
        f"{args.sessions} sessions, {steps} steps, {len(resumes) + 1} sprints each,"
        f" in {elapsed:.2f}s"
        f" (migration and loading {1000 * (migrated - start):.1f} ms of it)"
    )
    print(f"sessions/s: {args.sessions / elapsed:,.0f}")
    print(f"steps/s:    {steps / elapsed:,.0f}")
    if args.stored:
        print("(legacy RapidPro Python engine, stored between sprints: ~810 sessions/s; goal 10x)")
    else:
        print("(legacy RapidPro Python engine: ~1,030 sessions/s; goal 10x)")


def measure_memory(engine: GoflowEngine, assets: object, trigger: dict, sessions: int) -> None:
    for _ in range(50):  # caches filled before counting
        engine.start(read_contact(DEFAULT_CONTACT, assets), trigger)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    waiting = []
    for _ in range(sessions):
        session, _ = engine.start(read_contact(DEFAULT_CONTACT, assets), trigger)
        assert session.status == "waiting", session.status
        waiting.append(session)
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    print(f"{sessions} waiting sessions with their contacts hold {held:,} bytes")
    print(f"bytes per waiting session: {held / sessions:,.0f}")
    print("(legacy RapidPro Python engine: ~2,200 bytes per waiting session)")


if __name__ == "__main__":
    main()
