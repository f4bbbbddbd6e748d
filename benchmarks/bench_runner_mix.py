"""Engine speed on a mix of goflow's runner-test flows, the way a server runs them.

Every runner test in ../shared/fixtures/goflow/test/testdata/runner (read in place) is
started and answered as its test does: its contact and trigger, then each resume, the
session written to JSON text and read back before each one. One round runs every test once;
the script runs rounds until ``--sessions`` sessions have run and prints sessions, sprints and
steps per second. Set up once per test (assets, engine, mocks): a server has them loaded.

    .venv/bin/python benchmarks/bench_runner_mix.py [--sessions 1000]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from turnflow.generators import SeededUUIDs, SequentialClock
from turnflow.goflow.assets import Assets
from turnflow.goflow.engine import GoflowEngine, Services
from turnflow.goflow.services import (
    MockEmailService,
    MockHTTPService,
    TestAirtimeService,
    TestLLMService,
)
from turnflow.testing.goflow_runner import _environment, find_runner_tests, read_contact

RUNNER = Path(__file__).resolve().parents[2] / "shared/fixtures/goflow/test/testdata/runner"


class Case:
    """One runner test, ready to run again and again."""

    def __init__(self, test_file: Path) -> None:
        self.name = test_file.name
        self.spec = json.loads(test_file.read_text())
        stem = test_file.name.split(".")[0]
        self.assets = Assets.from_file(test_file.with_name(f"{stem}.json"))
        clock = SequentialClock()
        env = _environment(self.spec.get("environment"))
        env.now = clock.now
        env.locations = self.assets.location_hierarchy
        services = Services(
            http=MockHTTPService(self.spec.get("http_mocks"), clock=clock),
            email=MockEmailService(), airtime=TestAirtimeService(env.random),
            llm=TestLLMService(),
        )
        self.engine = GoflowEngine(self.assets, env, clock=clock,
                                   uuids=SeededUUIDs(123456, clock), services=services)
        self.contact_json = self.spec["contact"]

    def run(self) -> tuple[int, int]:
        """One session: (sprints, steps)."""
        engine = self.engine
        contact = read_contact(self.contact_json, self.assets)
        session, _ = engine.start(contact, self.spec["trigger"], call=self.spec.get("call"))
        sprints = 1
        for resume in self.spec.get("resumes") or []:
            if session.status != "waiting":
                break
            session = engine.read_session(engine.dump_session(session), contact)
            engine.resume(session, resume)
            sprints += 1
        return sprints, sum(len(run.path) for run in session.runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=1000)
    args = parser.parse_args()
    cases: list[Case] = []
    for test_file in find_runner_tests(RUNNER):
        try:
            cases.append(Case(test_file))
        except Exception as exc:  # noqa: BLE001  (a test this harness can't set up is left out)
            print(f"skipped {test_file.name}: {type(exc).__name__}: {exc}")
    sessions = sprints = steps = 0
    start = time.perf_counter()
    while sessions < args.sessions:
        for case in cases:
            made, walked = case.run()
            sessions += 1
            sprints += made
            steps += walked
    elapsed = time.perf_counter() - start
    print(f"{sessions} sessions of {len(cases)} runner tests, {sprints} sprints, {steps} steps,"
          f" in {elapsed:.2f}s (sessions stored and read back between sprints)")
    print(f"sessions/s: {sessions / elapsed:,.0f}")
    print(f"sprints/s:  {sprints / elapsed:,.0f}")
    print(f"steps/s:    {steps / elapsed:,.0f}")


if __name__ == "__main__":
    main()
