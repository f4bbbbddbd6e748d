"""goflow's router tests (``flows/routers/testdata/{switch,random}.json``) as a data set.

Each case puts its router on the first node of the "Router Tester" flow. ``read_error`` cases
must be rejected by the flow reader with goflow's message; the others start a session with a
manual trigger for goflow's router-test contact, under goflow's mocked clock, UUIDs and random
generator, and compare the run's results and the run's events (the sprint's events without
run_started / run_ended) exactly.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from ..core.runtime import Limits
from ..errors import TurnflowError
from ..expressions import Environment
from ..generators import SeededRandom, SeededUUIDs, SequentialClock, format_rfc3339_nano
from ..goflow.assets import Assets
from ..goflow.contact import Contact, ContactAssets, json_default
from ..goflow.engine import GoflowEngine
from ..goflow.reader import read_flow
from . import DataSetResult

TESTDATA = "flows/routers/testdata"
FILES = ("switch.json", "random.json")

# the contact goflow's router tests read (flows/routers/base_test.go)
CONTACT = {
    "uuid": "5d76d86b-3bb9-4d5a-b822-c9d86f5d8e4f",
    "name": "Ryan Lewis",
    "language": "eng",
    "timezone": "America/Guayaquil",
    "urns": [],
    "fields": {"gender": {"text": "Male"}},
    "created_on": "2018-06-20T11:40:30.123456789-00:00",
}


def plain_json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=json_default))


def run_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What goflow's ``run.Events()`` holds: the sprint's events without the run bookends."""
    return [e for e in plain_json(events) if e.get("type") not in ("run_started", "run_ended")]


def _read_error(data: dict[str, Any], expected: str) -> str:
    try:
        read_flow(data["flows"][0], "flows[0]")
    except TurnflowError as exc:
        message = getattr(exc, "message", str(exc))
        return "" if message == expected or message.endswith(": " + expected) else (
            f"rejected with {message!r}, expected {expected!r}"
        )
    return f"accepted; expected read error {expected!r}"


def run_case(assets_json: dict[str, Any], case: dict[str, Any]) -> str:
    """'' if the case passes, else what differed."""
    data = copy.deepcopy(assets_json)
    flow = data["flows"][0]
    flow["nodes"][0]["router"] = copy.deepcopy(case["router"])
    if "read_error" in case:
        return _read_error(data, case["read_error"])

    clock = SequentialClock()
    uuids = SeededUUIDs(123456, clock)
    env = Environment(random=SeededRandom(123456))  # goflow's default environment
    env.now = clock.now
    contact = Contact.from_json(CONTACT, ContactAssets.from_json(data))
    trigger = {
        "type": "manual",
        "flow": {"uuid": flow["uuid"], "name": flow["name"]},
        "triggered_on": format_rfc3339_nano(clock.now_time()),  # the trigger builder's now()
    }
    engine = GoflowEngine(
        Assets.from_json(data, "_assets.json"), env, clock=clock, uuids=uuids, limits=Limits()
    )
    session, sprint = engine.start(contact, trigger)
    actual = {"results": plain_json(session.runs[0].results), "events": run_events(sprint.events)}
    problems = []
    for key in ("results", "events"):
        if actual[key] != case.get(key):
            problems.append(
                f"{key}: expected {json.dumps(case.get(key), sort_keys=True)}, "
                f"got {json.dumps(actual[key], sort_keys=True)}"
            )
    return "; ".join(problems)


def run_routers(goflow_dir: Path) -> DataSetResult:
    result = DataSetResult("routers")
    folder = goflow_dir / TESTDATA
    assets_json = json.loads((folder / "_assets.json").read_text())
    for name in FILES:
        for index, case in enumerate(json.loads((folder / name).read_text())):
            label = f"{Path(name).stem}[{index}] {case.get('description', '')}"
            try:
                problem = run_case(assets_json, case)
            except Exception as exc:  # a crash fails that case only
                problem = f"crashed: {type(exc).__name__}: {exc}"
            result.record(not problem, f"{label}: {problem}" if problem else label)
    return result
