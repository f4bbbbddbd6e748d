"""goflow's ``flows/engine/testdata/templates.json``: templates evaluated in the standard test
session, the real one: turnflow's goflow engine runs the "Registration" flow of
``_extracted/test_session`` for the session contact (entering the "Collect Age" sub-flow and
calling a webhook), then resumes it with the "Hi there" message. Each template is then
evaluated in the context of the session's first run, as goflow's test does, and both its
output and the warning/error events it produced are compared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from ..core.runtime import Runtime
from ..core.session import Session
from ..expressions import Environment
from ..generators import SeededRandom, SeededUUIDs, SequentialClock
from ..goflow.actions.contact import contact_assets_of
from ..goflow.assets import Assets
from ..goflow.contact import Contact
from ..goflow.engine import GoflowEngine, Services
from ..goflow.run_context import session_runtime
from ..goflow.services import MockEmailService, MockHTTPService, TestAirtimeService, TestLLMService
from . import DataSetResult

# goflow's test HTTP server: the flows' "http://localhost" becomes its address
TEST_SERVER = "http://127.0.0.1:49992"
# the Date header goflow's test server answers with (its mocked "now")
TEST_SERVER_DATE = "Wed, 11 Apr 2018 18:24:30 GMT"
# the "categorize" prompt goflow's test engine is configured with
CATEGORIZE_PROMPT = "Categorize the following text into one of the following: {{ .arg1 }}"


class EchoHTTPService:
    """A double of goflow's test HTTP server: answers ``?content=X`` with X as plain text."""

    def __init__(self, clock: Any) -> None:
        self.clock = clock
        self.calls: list[str] = []

    def call(self, method: str, url: str, headers: Any, body: str) -> Any:
        self.calls.append(url)
        content = (parse_qs(urlsplit(url).query).get("content") or [""])[0]
        response = {
            "status": 200,
            "headers": {"Content-Type": "text/plain; charset=utf-8", "Date": TEST_SERVER_DATE},
            "body": content,
        }
        call = MockHTTPService({url: [response]}, clock=self.clock).call(method, url, headers, body)
        if call.headers is not None:  # a real server's response carries its length too
            call.headers["Content-Length"] = str(len(content.encode()))
        return call


@dataclass
class StandardSession:
    """goflow's standard test session after its resume, and what evaluating needs."""

    engine: Any
    session: Session
    env: Environment
    events: list[dict[str, Any]]  # the events of the resume sprint

    def runtime(self) -> Runtime:
        """A runtime positioned on the session's first run (the "Registration" run)."""
        return session_runtime(self.engine, self.session, self.session.runs[0])

    def evaluate(self, template: str) -> tuple[str, list[dict[str, Any]]]:
        """The template's text and the events (warnings, errors) evaluating it produced."""
        rt = self.runtime()
        text = rt.evaluate(template)
        return text, list(rt.emitted)


def standard_environment(redact_urns: bool = False) -> Environment:
    """The environment of goflow's test session trigger."""
    return Environment(
        date_format="DD-MM-YYYY",
        time_format="tt:mm",
        timezone=ZoneInfo("America/Guayaquil"),
        default_country="US",
        allowed_languages=("eng", "spa"),
        redaction_policy="urns" if redact_urns else "none",
        random=SeededRandom(123456),
        llm_prompts={"categorize": CATEGORIZE_PROMPT},
    )


def standard_session(goflow_dir: Path, redact_urns: bool = False) -> StandardSession:
    """Run goflow's standard test session with turnflow's engine (deterministic clock,
    UUIDs and random, as goflow's mock universe)."""
    base = goflow_dir / "_extracted" / "test_session"
    assets_text = (base / "sessionAssets.json").read_text().replace("http://localhost", TEST_SERVER)
    assets = Assets.from_json(json.loads(assets_text), "sessionAssets.json")
    contact_data = json.loads((base / "sessionContact.json").read_text())
    trigger = json.loads((base / "sessionTrigger.json").read_text())
    resume = json.loads((base / "sessionResume.json").read_text())

    clock = SequentialClock()
    env = standard_environment(redact_urns)
    env.now = clock.now
    env.locations = assets.location_hierarchy
    services = Services(
        http=EchoHTTPService(clock),
        email=MockEmailService(),
        airtime=TestAirtimeService(env.random),
        llm=TestLLMService(),
    )
    engine = GoflowEngine(
        assets, env, clock=clock, uuids=SeededUUIDs(123456, clock), services=services
    )
    contact = Contact.from_json(contact_data, contact_assets_of(assets))
    session, _ = engine.start(contact, trigger)
    sprint = engine.resume(session, resume)
    return StandardSession(engine, session, env, list(sprint.events))


def _event_key(event: dict[str, Any]) -> dict[str, Any]:
    # uuids and timestamps depend on how many clock ticks came before; compare the content
    return {k: v for k, v in event.items() if k not in ("uuid", "created_on")}


def check_case(session: StandardSession, case: dict[str, Any]) -> str:
    """'' if the case passes, else what differs."""
    output, events = session.evaluate(case["template"])
    problems = []
    if "output_json" in case:
        try:
            got = json.loads(output)
        except ValueError:
            got = output
        if got != case["output_json"]:
            problems.append(f"json {json.dumps(got, sort_keys=True)[:600]}")
    elif output != case.get("output", ""):
        problems.append(f"output {output!r} != {case.get('output', '')!r}")
    want = [_event_key(e) for e in case.get("events") or []]
    got_events = [_event_key(e) for e in events]
    if want != got_events:
        problems.append(f"events {got_events} != {want}")
    return "; ".join(problems)


def run_templates(goflow_dir: Path) -> DataSetResult:
    result = DataSetResult("templates")
    path = goflow_dir / "flows" / "engine" / "testdata" / "templates.json"
    cases = json.loads(path.read_text())
    sessions: dict[bool, StandardSession | str] = {}
    for index, case in enumerate(cases):
        redact = bool(case.get("redact_urns"))
        desc = f"templates[{index}] {case['template']!r}{' (redacted)' if redact else ''}"
        if redact not in sessions:
            try:
                sessions[redact] = standard_session(goflow_dir, redact)
            except Exception as exc:  # a crash fails the cases that need the session
                sessions[redact] = f"session crashed: {type(exc).__name__}: {exc}"
        session = sessions[redact]
        if isinstance(session, str):
            result.record(False, f"{desc}: {session}")
            continue
        try:
            problem = check_case(session, case)
        except Exception as exc:  # a crash is a failure of that case
            problem = f"crashed: {type(exc).__name__}: {exc}"
        result.record(not problem, f"{desc}: {problem}")
    return result
