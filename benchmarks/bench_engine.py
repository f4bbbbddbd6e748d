"""Engine speed: a multi-step flow with waits and routers, start to finish, in memory.

Runs the example coffee flow (3 sprints, 6 steps: ask, wrong answer loops back, ask again,
then the number question and the summary) many times and prints sessions and steps per
second. For scale: the legacy Python RapidPro engine ran about 940 sessions/s (7,500 steps/s)
on a 3-sprint, 8-step flow on this kind of machine.

    .venv/bin/python benchmarks/bench_engine.py [--sessions 2000]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from turnflow.chat import DEFAULT_CONTACT
from turnflow.goflow import msg_resume
from turnflow.goflow.assets import Assets
from turnflow.goflow.engine import GoflowEngine
from turnflow.testing.goflow_runner import read_contact

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "coffee.json"
ANSWERS = ["latte please", "3"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=2000)
    args = parser.parse_args()

    assets = Assets.from_file(EXAMPLE)
    engine = GoflowEngine(assets)
    engine.env.default_country = "US"
    flow = assets.flow_refs()[0]
    trigger = {"type": "manual", "flow": flow, "triggered_on": "2025-01-01T00:00:00Z"}
    resumes = [msg_resume(text, "tel:+12065551212") for text in ANSWERS]

    steps = 0
    start = time.perf_counter()
    for _ in range(args.sessions):
        contact = read_contact(DEFAULT_CONTACT, assets)
        session, _ = engine.start(contact, trigger)
        for resume in resumes:
            engine.resume(session, resume)
        assert session.status == "completed"
        steps += len(session.runs[0].path)
    elapsed = time.perf_counter() - start
    print(
        f"{args.sessions} sessions, {steps} steps, {len(resumes) + 1} sprints each,"
        f" in {elapsed:.2f}s"
    )
    print(f"sessions/s: {args.sessions / elapsed:,.0f}")
    print(f"steps/s:    {steps / elapsed:,.0f}")
    print(
        "(for scale: the legacy RapidPro engine ran ~940 sessions/s on greatwall.json;"
        " see bench_legacy.py)"
    )


if __name__ == "__main__":
    main()
