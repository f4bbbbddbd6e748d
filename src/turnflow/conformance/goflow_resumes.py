"""goflow's resume tests (``flows/resumes/testdata/*.json``) as a data set.

Each case puts its ``wait`` on the router of the first node of flow ``flow_uuid``, starts a
session for a new contact "Bob" with a manual trigger (it waits there), then reads the
``resume`` and resumes the session with it, under goflow's mocked clock and UUIDs. It compares
the run's and the session's status, and the events of the resume's sprint (without the run
bookends run_started / run_ended): exactly, or failing that with UUIDs and times canonicalised
(the case passes either way; ``result.exact`` counts the exact ones). A case with
``resume_error`` must be refused with that message and leave the session waiting.
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
from ..goflow.contact import Contact, ContactAssets
from ..goflow.engine import GoflowEngine
from ..goflow.resumes import ResumeError, check_accepted, read_resume
from ..testing.goflow_runner import canonical
from . import DataSetResult, testdata_cases
from .goflow_routers import run_events

TESTDATA = "flows/resumes/testdata"


def run_case(assets_json: dict[str, Any], case: dict[str, Any]) -> tuple[str, bool]:
    """('' or what differed, whether the events matched exactly, UUIDs and times included)."""
    problem, exact = _run_case(assets_json, case)
    return problem, exact and not problem


def _run_case(assets_json: dict[str, Any], case: dict[str, Any]) -> tuple[str, bool]:
    data = copy.deepcopy(assets_json)
    flow = next(f for f in data["flows"] if f["uuid"] == case["flow_uuid"])
    flow["nodes"][0]["router"]["wait"] = copy.deepcopy(case["wait"])
    try:
        resume = read_resume(case["resume"])
    except ResumeError as exc:
        expected = case.get("read_error")
        return ("" if exc.message == expected else f"resume refused: {exc.message}"), True
    if "read_error" in case:
        return f"resume accepted; expected read error {case['read_error']!r}", True
    if resume.to_json() != case["resume"]:
        return f"resume written back as {json.dumps(resume.to_json(), sort_keys=True)}", False

    clock = SequentialClock()
    uuids = SeededUUIDs(123456, clock)
    env = Environment(random=SeededRandom(123456))  # goflow's default environment
    env.now = clock.now
    assets = Assets.from_json(data, "_assets.json")
    contact_json = {  # goflow's NewEmptyContact(sa, "Bob", "eng", nil)
        "uuid": uuids.new_v4(),
        "name": "Bob",
        "language": "eng",
        "status": "active",
        "created_on": format_rfc3339_nano(clock.now_time()),
    }
    contact = Contact.from_json(contact_json, ContactAssets.from_json(data))
    trigger = {
        "type": "manual",
        "flow": {"uuid": flow["uuid"], "name": flow["name"]},
        "triggered_on": format_rfc3339_nano(clock.now_time()),
    }
    engine = GoflowEngine(assets, env, clock=clock, uuids=uuids, limits=Limits())
    session, _ = engine.start(contact, trigger)
    if session.status != "waiting":
        return f"session didn't wait (status {session.status})", False

    problems = []
    events: list[dict[str, Any]] = []
    try:
        node = session.top.flow.node(session.top.current_step.node_uuid)  # type: ignore[union-attr]
        check_accepted(resume, node.router.wait if node and node.router else None)
        sprint = engine.resume(session, resume.to_engine())
        resume_uuid = (resume.event or {}).get("uuid")
        events = [e for e in run_events(sprint.events) if e.get("uuid") != resume_uuid]
        if "resume_error" in case:
            problems.append(f"resumed; expected error {case['resume_error']!r}")
    except TurnflowError as exc:
        message = getattr(exc, "message", str(exc))
        if message != case.get("resume_error"):
            problems.append(f"resume failed: {message}")
    run_status, session_status = session.runs[0].status, session.status
    if run_status != case["run_status"]:
        problems.append(f"run status {run_status}, expected {case['run_status']}")
    if session_status != case["session_status"]:
        problems.append(f"session status {session_status}, expected {case['session_status']}")
    expected = case.get("events", [])
    exact = events == expected
    if "resume_error" not in case and not exact and canonical(events) != canonical(expected):
        problems.append(
            f"events {json.dumps(events, sort_keys=True)},"
            f" expected {json.dumps(expected, sort_keys=True)}"
        )
    return "; ".join(problems), exact


def run_resumes(goflow_dir: Path) -> DataSetResult:
    result = DataSetResult("resumes")
    folder = goflow_dir / TESTDATA
    assets_json = json.loads((folder / "_assets.json").read_text())
    exact = 0
    for label, case in testdata_cases(folder):
        try:
            problem, was_exact = run_case(assets_json, case)
        except Exception as exc:  # a crash fails that case only
            problem, was_exact = f"crashed: {type(exc).__name__}: {exc}", False
        exact += was_exact
        result.record(not problem, f"{label}: {problem}" if problem else label)
    result.exact = exact  # type: ignore[attr-defined]  # cases whose events matched exactly
    return result
