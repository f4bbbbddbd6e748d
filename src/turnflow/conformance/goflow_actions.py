"""goflow's action tests (``flows/actions/testdata/*.json``, 169 cases) as a data set.

Each case puts its action alone in the first node of the "Action Tester" flow (or the voice
flow), starts a session for the default contact with a message trigger (a manual one when the
case has no input or is a batch start) under goflow's mocked clock, UUIDs and random
generator, and compares what the action did: the sprint's events (without run_started and
run_ended), the contact afterwards, the run's locals and ``@webhook``. Events are compared
exactly, then, failing that, with UUIDs and times canonicalised (the case passes either way;
the line says how many were exact). ``read_error`` cases must be rejected by the flow reader.
"""

from __future__ import annotations

import copy
import difflib
import json
from pathlib import Path
from typing import Any

from ..core.runtime import Limits
from ..errors import TurnflowError
from ..expressions import Environment
from ..generators import SeededRandom, SeededUUIDs, SequentialClock, format_rfc3339_nano
from ..goflow.assets import Assets
from ..goflow.contact import Contact, ContactAssets, json_default, reevaluate_query_groups
from ..goflow.engine import GoflowEngine, Services
from ..goflow.reader import read_flow
from ..goflow.services import MockEmailService, MockHTTPService, TestAirtimeService, TestLLMService
from ..testing.goflow_runner import canonical
from . import DataSetResult, testdata_cases

TESTDATA = "flows/actions/testdata"
VOICE_FLOW = 1
MSG_ATTACHMENTS = [
    "image/jpeg:http://http://s3.amazon.com/bucket/test.jpg",
    "audio/mp3:http://s3.amazon.com/bucket/test.mp3",
]


def _plain_json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=json_default))


def _read_error(assets_json: dict[str, Any], action: dict[str, Any], expected: str) -> str:
    """'' if the flow reader rejects the flow holding the action, with the expected message."""
    flow = copy.deepcopy(assets_json["flows"][0])
    flow["nodes"][0]["actions"] = [copy.deepcopy(action)]
    try:
        read_flow(flow, "flows[0]")
    except TurnflowError as exc:
        return "" if expected in str(exc) else f"rejected with {str(exc)!r}, expected {expected!r}"
    return f"accepted; expected read error {expected!r}"


def run_case(root: Path, assets_json: dict[str, Any], case: dict[str, Any]) -> tuple[str, bool]:
    """Run one case: ('' or a description of the difference, whether events matched exactly)."""
    if "read_error" in case:
        return _read_error(assets_json, case["action"], case["read_error"]), True

    data = copy.deepcopy(assets_json)
    flow_index = VOICE_FLOW if case.get("in_flow_type") == "voice" else 0
    flow = data["flows"][flow_index]
    flow["nodes"][0]["actions"] = [copy.deepcopy(case["action"])]
    if case.get("localization"):
        flow["localization"] = case["localization"]
    assets = Assets.from_json(data, "_assets.json")

    clock = SequentialClock()
    uuids = SeededUUIDs(123456, clock)
    env = Environment(
        allowed_languages=("eng", "spa"), default_country="RW", random=SeededRandom(123456)
    )
    env.now = clock.now
    if case.get("redact_urns"):
        env.redaction_policy = "urns"

    contact_json = copy.deepcopy(case.get("contact") or _default_contact(root))
    if case.get("localization"):
        contact_json["language"] = "spa"
    if case.get("has_ticket"):
        topic_uuid = "0d9a2c56-6fc2-4f27-93c5-a6322e26b740"
        topic = next(t for t in data["topics"] if t["uuid"] == topic_uuid)
        contact_json["tickets"] = [{"uuid": uuids.new_v7(), "status": "open", "topic": topic}]
    contact = Contact.from_json(contact_json, ContactAssets.from_json(data))
    if case.get("has_ticket"):
        # a stored contact with an open ticket is already in its query groups (e.g. tickets > 0)
        reevaluate_query_groups(env, contact, ContactAssets.from_json(data))

    flow_ref = {"uuid": flow["uuid"], "name": flow["name"]}
    if case.get("no_input") or case.get("as_batch"):
        trigger: dict[str, Any] = {"type": "manual", "flow": flow_ref, "params": {}}
        if case.get("as_batch"):
            trigger["batch"] = True
    else:
        msg_uuid = uuids.new_v7()
        received = format_rfc3339_nano(clock.now_time())
        trigger = {
            "type": "msg",
            "flow": flow_ref,
            "event": {
                "uuid": msg_uuid,
                "type": "msg_received",
                "created_on": received,
                "msg": {
                    "urn": "tel:+12065551212",
                    "text": "Hi everybody",
                    "attachments": MSG_ATTACHMENTS,
                },
            },
        }
    trigger["triggered_on"] = format_rfc3339_nano(clock.now_time())

    http = MockHTTPService(case.get("http_mocks"), clock=clock)
    services = Services(
        http=http,
        email=MockEmailService(case.get("smtp_error")),
        airtime=TestAirtimeService(env.random),
        llm=TestLLMService(),
    )
    engine = GoflowEngine(assets, env, clock=clock, uuids=uuids, services=services, limits=Limits())
    engine.send_check = _forbidden_content  # type: ignore[attr-defined]  # goflow's test option
    session, sprint = engine.start(contact, trigger)

    events = _plain_json(sprint.events)
    if events and events[0]["type"] == "run_started":
        events = events[1:]
    if events and events[-1]["type"] == "run_ended":
        events = events[:-1]
    run = session.runs[0]
    expected: dict[str, Any] = {"events": case.get("events", [])}
    actual: dict[str, Any] = {"events": events}
    for key, value in (
        ("locals_after", lambda: run.locals),
        ("webhook", lambda: run.webhook),
        ("contact_after", lambda: session.contact.to_json()),
    ):
        if key in case:
            expected[key] = case[key]
            actual[key] = _plain_json(value())
    problems = []
    exact = expected == actual
    # canonical: UUIDs and times replaced by first appearance across all the parts together
    want, got = canonical(expected), canonical(actual)
    if not exact and want != got:
        problems += [
            _diff(key, want[key], got.get(key)) for key in want if want[key] != got.get(key)
        ]
    if case.get("http_mocks") and not http.all_used:
        problems.append(f"http mocks not all used (unmatched: {http.unmatched})")
    return "; ".join(problems), exact


def _forbidden_content(msg: dict[str, Any]) -> str | None:
    """goflow's action tests configure the engine to refuse content containing FORBIDDEN."""
    return "forbidden_content" if "FORBIDDEN" in (msg.get("text") or "") else None


_CONTACT_CACHE: dict[Path, dict[str, Any]] = {}


def _default_contact(root: Path) -> dict[str, Any]:
    if root not in _CONTACT_CACHE:
        path = root / "_extracted" / "actions_default_contact.json"
        _CONTACT_CACHE[root] = json.loads(path.read_text())
    return _CONTACT_CACHE[root]


def _diff(what: str, expected: Any, actual: Any) -> str:
    lines = difflib.unified_diff(
        json.dumps(expected, indent=1, sort_keys=True).splitlines(),
        json.dumps(actual, indent=1, sort_keys=True).splitlines(),
        f"expected {what}", f"actual {what}", lineterm="", n=1,
    )
    return " | ".join(list(lines)[2:14])


def run_actions(goflow_dir: Path) -> DataSetResult:
    """goflow's action test cases: every case passes or fails (a crash is a failure)."""
    result = DataSetResult("actions")
    folder = goflow_dir / TESTDATA
    assets_json = json.loads((folder / "_assets.json").read_text())
    exact = 0
    for label, case in testdata_cases(folder):
        try:
            problem, was_exact = run_case(goflow_dir, assets_json, case)
        except Exception as exc:  # a crash fails that case only
            problem, was_exact = f"crashed: {type(exc).__name__}: {exc}", False
        if not problem and was_exact:
            exact += 1
        result.record(not problem, f"{label}: {problem}" if problem else label)
    result.exact = exact  # type: ignore[attr-defined]  # cases whose events matched exactly
    return result
