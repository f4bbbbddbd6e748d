"""goflow's runner-test format: ``NAME.json`` holds assets, ``NAME.test*.json`` a conversation.

A test gives a contact, a trigger and resumes; ``outputs`` holds, per sprint, the session
JSON, the events and the path segments goflow produced. turnflow runs the same conversation
with goflow's test clock, seeded UUIDs and seeded random, and compares:

* canonical mode (default): every UUID and timestamp is replaced by the order in which it
  first appears, so identity links and ordering are checked but not goflow's exact call
  order of the clock and the UUID generator;
* exact mode: byte for byte (after parsing the JSON, so key order doesn't matter).

Between sprints the session is stored as JSON and read back before it is resumed, as goflow's
own harness does, so every test also checks that sessions restore.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import json_input
from ..errors import TurnflowError
from ..expressions import Environment
from ..expressions.dates import load_location
from ..generators import SeededRandom, SeededUUIDs, SequentialClock
from ..goflow.actions.contact import contact_assets_of
from ..goflow.assets import Assets
from ..goflow.contact import Contact, json_default
from ..goflow.engine import GoflowEngine, Services
from ..goflow.services import (
    MockEmailService,
    MockHTTPService,
    TestAirtimeService,
    TestLLMService,
)
from ..goflow.session_json import session_to_dict

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@dataclass
class RunnerResult:
    name: str
    passed: bool
    message: str = ""
    outputs: list[dict[str, Any]] = field(default_factory=list)


def find_runner_tests(path: Path) -> list[Path]:
    """Runner test files under a path (a file or a directory)."""
    if path.is_file():
        return [path]
    # a test is NAME.VARIANT.json beside its assets NAME.json (NAME.test.json, NAME.busy.json ...)
    return sorted(
        p for p in path.rglob("*.json") if p.name.count(".") >= 2 and _assets_for(p).exists()
    )


def _assets_for(test_file: Path) -> Path:
    return test_file.with_name(test_file.name.split(".", 1)[0] + ".json")


def canonical(data: Any) -> Any:
    """Replace UUIDs and timestamps with ``uuid#N`` / ``time#N`` by first appearance."""
    seen: dict[str, str] = {}

    def numbered(kind: str) -> str:  # the next of its kind: uuid#1, uuid#2 ...
        return f"{kind}#{sum(1 for v in seen.values() if v.startswith(kind)) + 1}"

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: walk(v) for k, v in sorted(value.items())}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str):
            if _UUID.match(value):
                return seen.setdefault(value, numbered("uuid"))
            if _TIME.match(value):
                return seen.setdefault(value, numbered("time"))
        return value

    return walk(data)


def _environment(data: dict[str, Any] | None) -> Environment:
    env = Environment(default_country="US", random=SeededRandom(123456))
    if data:
        if data.get("date_format"):
            env.date_format = data["date_format"]
        if data.get("time_format"):
            env.time_format = data["time_format"]
        if data.get("timezone"):
            zone = load_location(data["timezone"]) if isinstance(data["timezone"], str) else None
            if zone is None:
                raise TurnflowError(f"environment.timezone: unknown time zone {data['timezone']!r}")
            env.timezone = zone
        if data.get("allowed_languages"):
            env.allowed_languages = tuple(data["allowed_languages"])
        if data.get("default_country"):
            env.default_country = data["default_country"]
        if data.get("redaction_policy"):
            env.redaction_policy = data["redaction_policy"]
    return env


def run_test(
    test_file: Path, exact: bool = False, *, store_between: bool = True, cache_contexts: bool = True
) -> RunnerResult:
    """Run one runner test; never raises for a failing or broken test.

    As goflow's harness, the session is stored and read back before each resume
    (``store_between=False`` resumes the live session); ``cache_contexts`` is the engine's
    option of the same name."""
    name = test_file.name.removesuffix(".json")
    try:
        spec = read_test_file(test_file)
        assets = Assets.from_file(_assets_for(test_file))
    except TurnflowError as exc:
        return RunnerResult(name, False, f"broken test file: {exc}")
    try:
        clock = SequentialClock()
        env = _environment(spec.get("environment"))
        env.now = clock.now
        env.locations = assets.location_hierarchy
        services = Services(
            http=MockHTTPService(spec.get("http_mocks"), clock=clock),
            email=MockEmailService(),
            airtime=TestAirtimeService(env.random),
            llm=TestLLMService(),
        )
        engine = GoflowEngine(
            assets, env, clock=clock, uuids=SeededUUIDs(123456, clock), services=services,
            cache_contexts=cache_contexts,
        )
        contact = read_contact(spec["contact"], assets)
        outputs: list[dict[str, Any]] = []
        session, sprint = engine.start(contact, spec["trigger"], call=spec.get("call"))
        outputs.append(_output(session, sprint))
        for index, resume in enumerate(spec.get("resumes") or []):
            # as goflow's harness: store the session, read it back, and resume what was read,
            # so every test also checks that a stored session restores
            if store_between:
                # indented as goflow's harness writes it (what a result's extra reads back as)
                stored = json.dumps(engine.session_to_json(session), indent=4)
                contact_json = json.loads(json.dumps(contact.to_json(), default=json_default))
                contact = read_contact(contact_json, assets)
                session = engine.read_session(stored, contact)
            if session.status != "waiting":
                left = len(spec["resumes"]) - index
                return RunnerResult(
                    name, False, f"session is {session.status}, not waiting; {left} resumes unused"
                )
            sprint = engine.resume(session, resume)
            outputs.append(_output(session, sprint))
    except TurnflowError as exc:  # the test's contact, trigger or resumes can't be used
        return RunnerResult(name, False, f"broken test file: {exc}")
    except Exception as exc:  # a crash is a failure of that test, reported as such
        return RunnerResult(name, False, f"crashed: {type(exc).__name__}: {exc}")
    expected = spec.get("outputs", [])
    message = compare_outputs(expected, outputs, exact)
    return RunnerResult(name, not message, message, outputs)


_SPEC_PARTS = (("contact", dict, True), ("trigger", dict, True), ("resumes", list, False),
               ("http_mocks", dict, False), ("environment", dict, False),
               ("outputs", list, False))  # fmt: skip


def read_test_file(test_file: Path) -> dict[str, Any]:
    """A runner test's JSON, its parts checked: TurnflowError saying what is wrong."""
    try:
        spec = json_input.loads(test_file.read_bytes())
    except OSError as exc:
        raise TurnflowError(f"can't read {test_file}: {exc.strerror}") from None
    if not isinstance(spec, dict):
        raise TurnflowError("must be a JSON object with a contact, a trigger and resumes")
    for key, kind, required in _SPEC_PARTS:
        value = spec.get(key)
        if value is None:
            if required:
                raise TurnflowError(f"field '{key}' is required")
            continue
        if not isinstance(value, kind):
            what = "an object" if kind is dict else "an array"
            raise TurnflowError(f"field '{key}' must be {what}")
    for index, resume in enumerate(spec.get("resumes") or []):
        if not isinstance(resume, dict):
            raise TurnflowError(f"field 'resumes[{index}]' must be an object")
    for url, responses in (spec.get("http_mocks") or {}).items():
        if not isinstance(responses, list) or not all(isinstance(r, dict) for r in responses):
            raise TurnflowError(f"field 'http_mocks[{url}]' must be an array of objects")
        for index, mock in enumerate(responses):
            where = f"http_mocks[{url}][{index}]"
            for key, kind in (("status", int), ("body_repeat", int), ("body", str),
                              ("headers", dict)):  # fmt: skip
                value = mock.get(key)
                if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
                    raise TurnflowError(f"field '{where}.{key}' has the wrong type")
    return spec


def read_contact(data: dict[str, Any], assets: Any) -> Any:
    """A test's contact JSON as a contact of the assets (also what ``turnflow chat`` and the
    transcripts use)."""
    return Contact.from_json(data, contact_assets_of(assets))


def _output(session: Any, sprint: Any) -> dict[str, Any]:
    # JSON round trip: what is compared is what would be stored
    data = {
        "session": session_to_dict(session), "events": sprint.events, "segments": sprint.segments
    }
    return json.loads(json.dumps(data, default=json_default))


def compare_outputs(
    expected: list[dict[str, Any]], actual: list[dict[str, Any]], exact: bool
) -> str:
    """'' if they match, else a readable diff of the first differing sprint."""
    if len(expected) != len(actual):
        return f"expected {len(expected)} sprints, got {len(actual)}"
    norm = (lambda x: x) if exact else canonical
    parts = ("session", "events", "segments")
    whole_expected = norm([{k: o.get(k) for k in parts} for o in expected])
    whole_actual = norm([{k: o.get(k) for k in parts} for o in actual])
    for index, (want, got) in enumerate(zip(whole_expected, whole_actual, strict=True)):
        for part in ("events", "segments", "session"):
            if want[part] != got[part]:
                diff = difflib.unified_diff(
                    json.dumps(want[part], indent=1, sort_keys=True).splitlines(),
                    json.dumps(got[part], indent=1, sort_keys=True).splitlines(),
                    f"expected sprint {index + 1} {part}", f"actual sprint {index + 1} {part}",
                    lineterm="", n=2,
                )
                return "\n".join(list(diff)[:60])
    return ""
