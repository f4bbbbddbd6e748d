"""The compact stored form of goflow sessions (turnflow.goflow.session_store): a session read
back from it behaves as one read back from goflow's session JSON, goflow's JSON can be made
from it without the assets, older sessions stored as goflow's JSON still read, and a damaged
document is a SessionReadError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from turnflow.generators import SeededUUIDs, SequentialClock
from turnflow.goflow.assets import Assets
from turnflow.goflow.engine import GoflowEngine, Services, session_to_json
from turnflow.goflow.services import (
    MockEmailService,
    MockHTTPService,
    TestAirtimeService,
    TestLLMService,
)
from turnflow.goflow.session_json import SessionReadError
from turnflow.goflow.session_store import (
    RUN_FIELDS,
    SESSION_FIELDS,
    _as_version_1,
    is_stored_form,
    to_goflow_json,
)
from turnflow.testing.goflow_runner import _environment, find_runner_tests, read_contact

from .test_engine_core import CONTACT, engine, manual, msg, question_flow

RUNNER = Path(__file__).resolve().parents[2] / "shared/fixtures/goflow/test/testdata/runner"
MANUAL = manual("flow-1", "Question")


def _runner_engine(test_file: Path, spec: dict) -> tuple[GoflowEngine, Assets]:
    stem = test_file.name.split(".")[0]
    assets = Assets.from_file(test_file.with_name(f"{stem}.json"))
    clock = SequentialClock()
    env = _environment(spec.get("environment"))
    env.now = clock.now
    env.locations = assets.location_hierarchy
    services = Services(
        http=MockHTTPService(spec.get("http_mocks"), clock=clock), email=MockEmailService(),
        airtime=TestAirtimeService(env.random), llm=TestLLMService(),
    )
    return GoflowEngine(assets, env, clock=clock, uuids=SeededUUIDs(123456, clock),
                        services=services), assets  # fmt: skip


def _run(test_file: Path, compact: bool) -> tuple[list, list]:
    """A runner test's conversation, stored between sprints in one form or the other: the
    events of each sprint and goflow's JSON of the session after each."""
    spec = json.loads(test_file.read_text())
    eng, assets = _runner_engine(test_file, spec)
    contact = read_contact(spec["contact"], assets)
    session, sprint = eng.start(contact, spec["trigger"], call=spec.get("call"))
    events, stored = [sprint.events], [session_to_json(session)]
    for resume in spec.get("resumes") or []:
        if session.status != "waiting":
            break
        text = eng.dump_session(session) if compact else json.dumps(eng.session_to_json(session))
        if compact:
            assert to_goflow_json(json.loads(text)) == stored[-1]
        session = eng.read_session(text, contact)
        events.append(eng.resume(session, resume).events)
        stored.append(session_to_json(session))
    return json.loads(json.dumps(events, default=str)), stored


def first_run(document: dict) -> list:
    """The first run's array of a version-2 document (changing it changes the document)."""
    return document["session"][SESSION_FIELDS.index("runs")][0]


def run_field(document: dict, name: str) -> object:
    return first_run(document)[RUN_FIELDS.index(name)]


RUNNER_TESTS = find_runner_tests(RUNNER) if RUNNER.exists() else []


@pytest.mark.skipif(not RUNNER_TESTS, reason="goflow's runner tests are not in ../shared")
def test_every_runner_test_runs_the_same_stored_in_either_form():
    compared = 0
    for test_file in RUNNER_TESTS:
        try:
            goflow_form = _run(test_file, compact=False)
        except Exception:  # noqa: BLE001  (a test the plain harness can't set up)
            continue
        assert _run(test_file, compact=True) == goflow_form, test_file.name
        compared += 1
    assert compared >= 30  # the runner tests bench_runner_mix.py runs


def test_stored_form_is_tagged_and_smaller_than_goflow_json():
    eng = engine(question_flow())
    session, _ = eng.start(CONTACT, MANUAL)
    text = eng.dump_session(session)
    assert is_stored_form(text) and is_stored_form(json.loads(text))
    assert not is_stored_form(json.dumps(eng.session_to_json(session)))
    assert not is_stored_form(eng.session_to_json(session))
    assert len(text) < len(json.dumps(eng.session_to_json(session)))
    # a document (as a JSON column keeps it) reads back like the text
    restored = eng.read_session(eng.stored_session(session), CONTACT)
    assert session_to_json(restored) == session_to_json(session)


def test_ended_runs_are_compacted_as_goflow_does():
    eng = engine(question_flow())
    session, _ = eng.start(CONTACT, MANUAL)
    eng.resume(session, msg("yes"))
    assert session.status == "completed"
    stored = eng.stored_session(session)
    assert run_field(stored, "nodes") is None and run_field(stored, "locals") is None
    assert to_goflow_json(stored) == session_to_json(session)


def test_sessions_stored_as_goflow_json_by_older_code_still_read():
    eng = engine(question_flow())
    session, _ = eng.start(CONTACT, MANUAL)
    old = json.dumps(eng.session_to_json(session), indent=2)
    restored = eng.read_session(old, CONTACT)
    assert eng.dump_session(restored) == eng.dump_session(session)
    eng.resume(restored, msg("yes"))
    assert restored.status == "completed" and restored.runs[0].results["answer"]["value"] == "yes"


@pytest.mark.parametrize("damage", [
    lambda d: "{" + json.dumps(d)[1:40],  # cut short
    lambda d: {**d, "turnflow_session": 99},  # a form this code doesn't know
    lambda d: {**d, "runs": [{**d["runs"][0], "created_on": "yesterday"}]},
    lambda d: {**d, "runs": [{**d["runs"][0], "flow": 5}]},
    lambda d: {**d, "runs": [{**d["runs"][0], "flow": -1}]},
    lambda d: {**d, "runs": [{**d["runs"][0], "path": ["ask"]}]},
    lambda d: {**d, "runs": [{**d["runs"][0], "path": [7, 1]}]},
    lambda d: {**d, "runs": [{**d["runs"][0], "path": ["ask", "1"]}]},
    lambda d: {**d, "runs": [{**d["runs"][0], "path": ["ask", 1.5]}]},
    lambda d: {**d, "runs": [{**d["runs"][0], "modified_on": "1"}]},
    lambda d: {**d, "runs": [{**d["runs"][0], "status": "asleep"}]},
    lambda d: {**d, "flows": [{"uuid": "gone", "name": "Gone"}]},
    lambda d: {**d, "runs": "nope"},
    lambda d: {k: v for k, v in d.items() if k != "uuid"},
])
def test_a_damaged_version_1_session_is_a_read_error(damage):
    # version 1: what older code stored, an object per session and run
    eng = engine(question_flow())
    session, _ = eng.start(CONTACT, MANUAL)
    data = damage(_as_version_1(eng.stored_session(session)))
    with pytest.raises(SessionReadError):
        eng.read_session(data, CONTACT)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("uuid", 5, r"field 'uuid' must be str \(at session\.runs\[0\]\.uuid\)"),
    ("flow", 1, r"flow 1 is not an index into the session's 1 flows \(at session\.runs\[0\]\.flow"),
    ("flow", -1, r"at session\.runs\[0\]\.flow\)"),
    ("flow", True, r"field 'flow' must be int \(at session\.runs\[0\]\.flow\)"),
    ("status", "asleep", r"not a run status: 'asleep' \(at session\.runs\[0\]\.status\)"),
    ("created_on", "yesterday", r"at session\.runs\[0\]\.created_on\)"),
    ("modified_on", None, r"field 'modified_on' must be int \(at session\.runs\[0\]\.modified_on"),
    ("exited_on", 1.5, r"field 'exited_on' must be int or null"),
    ("results", [], r"field 'results' must be dict or null \(at session\.runs\[0\]\.results\)"),
    ("parent", 3, r"parent run 3 is not in the session \(at session\.runs\[0\]\.parent\)"),
    ("parent", -1, r"at session\.runs\[0\]\.parent\)"),
    ("had_input", 1, r"field 'had_input' must be bool \(at session\.runs\[0\]\.had_input\)"),
])
def test_a_damaged_run_is_a_read_error_naming_its_field(field, value, message):
    eng = engine(question_flow())
    session, _ = eng.start(CONTACT, MANUAL)
    data = eng.stored_session(session)
    first_run(data)[RUN_FIELDS.index(field)] = value
    for form in (data, json.dumps(data)):
        with pytest.raises(SessionReadError, match=message):
            eng.read_session(form, CONTACT)


@pytest.mark.parametrize(("damage", "message"), [
    (lambda d: {**d, "turnflow_session": 99}, "form 99 is not known"),
    (lambda d: {**d, "session": d["session"][:-1]}, r"damaged .* \(at session\)"),
    (lambda d: {**d, "session": {"uuid": "x"}}, r"damaged .* \(at session\)"),
    (lambda d: {k: v for k, v in d.items() if k != "status"}, r"damaged .* \(at session\)"),
    (lambda d: {**d, "session": [*d["session"][:2], "today", *d["session"][3:]]},
     r"created_on and sprints are integers \(at session\)"),
    (lambda d: {**d, "session": [*d["session"][:6], [{"uuid": "gone"}], *d["session"][7:]]},
     r"flow gone \(\) is not in the assets \(at session\.flows\[0\]\)"),
    (lambda d: {**d, "session": [*d["session"][:7], [["a", 0]], *d["session"][8:]]},
     r"a run is an array of 13 fields \(at session\.runs\[0\]\)"),
])
def test_a_damaged_session_is_a_read_error_saying_where(damage, message):
    eng = engine(question_flow())
    session, _ = eng.start(CONTACT, MANUAL)
    data = damage(eng.stored_session(session))
    for form in (data, json.dumps(data)):
        with pytest.raises(SessionReadError, match=message):
            eng.read_session(form, CONTACT)


def test_sessions_stored_in_version_1_by_older_code_still_read_and_resume():
    eng = engine(question_flow())
    session, _ = eng.start(CONTACT, MANUAL)
    session.runs[0].locals["x"] = "1"
    version_1 = _as_version_1(eng.stored_session(session))
    assert version_1["turnflow_session"] == 1 and version_1["runs"][0]["locals"] == {"x": "1"}
    assert to_goflow_json(version_1) == session_to_json(session)
    for form in (version_1, json.dumps(version_1)):
        restored = eng.read_session(form, CONTACT)
        assert eng.dump_session(restored) == eng.dump_session(session)
        eng.resume(restored, msg("yes"))
        assert restored.status == "completed"
        assert restored.runs[0].results["answer"]["value"] == "yes"


@pytest.mark.parametrize(("nodes", "times"), [
    (["ask"], []), (["ask"], [1, 2]), ([], []), ([7], [1]), (["ask"], ["1"]), (["ask"], [1.5]),
    (["ask"], [True]), (["ask"], None), (None, [1]), ("ask", [1]), (["ask"], {"a": 1}),
])
def test_a_damaged_version_2_path_is_a_read_error_naming_the_path(nodes, times):
    eng = engine(question_flow())
    session, _ = eng.start(CONTACT, MANUAL)
    data = eng.stored_session(session)
    first_run(data)[RUN_FIELDS.index("nodes")] = nodes
    first_run(data)[RUN_FIELDS.index("times")] = times
    for form in (data, json.dumps(data)):
        with pytest.raises(SessionReadError, match=r"at session\.runs\[0\]\.path\)"):
            eng.read_session(form, CONTACT)


@pytest.mark.parametrize("path", [{"a": 1}, "ab", 5, True, ["a", 1, "b"], [["a"], 1],
                                  ["a", True], ["a", 1.0]])
def test_a_damaged_path_is_a_read_error_naming_the_path(path):
    # the reader checks a path's nodes and times in bulk: every shape it refuses names where
    eng = engine(question_flow())
    session, _ = eng.start(CONTACT, MANUAL)
    version_2 = eng.stored_session(session)
    version_1 = _as_version_1(version_2)
    version_1["runs"][0]["path"] = path
    for form in (version_1, json.dumps(version_1)):
        with pytest.raises(SessionReadError, match=r"at session\.runs\[0\]\.path\)"):
            eng.read_session(form, CONTACT)


def test_a_session_read_from_text_does_not_share_what_it_was_read_from():
    # a session read from a document copies its results, locals, trigger and input (the
    # engine changes them in place); one read from text keeps the dicts it parsed
    eng = engine(question_flow())
    session, _ = eng.start(CONTACT, MANUAL)
    session.runs[0].locals["x"] = "1"
    document = eng.stored_session(session)
    restored = eng.read_session(document, CONTACT)
    restored.runs[0].locals["x"] = "2"
    restored.trigger["extra"] = True
    assert run_field(document, "locals") == {"x": "1"}
    assert "extra" not in document["session"][SESSION_FIELDS.index("trigger")]
    from_text = eng.read_session(eng.dump_session(session), CONTACT)
    assert session_to_json(from_text) == session_to_json(session)


def test_stored_session_is_for_its_contact():
    eng = engine(question_flow())
    session, _ = eng.start(CONTACT, MANUAL)
    with pytest.raises(SessionReadError, match="not ba96"):
        eng.read_session(eng.dump_session(session), {"uuid": "ba96"})


@pytest.mark.parametrize("value", [2**70, -(2**64), "lone \udc80 surrogate", 1e300, 0.1])
def test_values_orjson_cannot_write_exactly_are_stored_exactly(value):
    # orjson (the fast path) refuses big integers and lone surrogates: such a session is
    # written by json instead, and read back by json, so nothing turns into a float
    eng = engine(question_flow())
    session, _ = eng.start(CONTACT, MANUAL)
    session.runs[0].locals["x"] = {"v": [value]}
    restored = eng.read_session(eng.dump_session(session), CONTACT)
    kept = restored.runs[0].locals["x"]["v"][0]
    assert kept == value and type(kept) is type(value)
    document = eng.stored_session(session)
    assert eng.read_session(document, CONTACT).runs[0].locals == {"x": {"v": [value]}}


def test_the_service_stores_the_compact_form_and_still_reads_older_goflow_json():
    import datetime as dt

    from turnflow.service.families.base import MSG, ContactData, Input
    from turnflow.service.families.goflow import GoflowBot

    coffee = json.loads((Path(__file__).resolve().parents[1] / "examples/coffee.json").read_text())
    bot = GoflowBot({"file": coffee}, "coffee.json", SequentialClock())
    contact = ContactData(uuid="1b9a2c3d-0000-4000-8000-000000000001", name="Ana",
                          language="eng", status="active", urns=["tel:+12065551212"],
                          fields={}, groups=[], created_on="2025-01-01T00:00:00Z")  # fmt: skip
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)

    def say(text: str, state: dict | None):
        return bot.handle(contact, state, Input(MSG, now, text=text, urn="tel:+12065551212"))

    first = say("hi", None)
    assert is_stored_form(first.state) and first.status == "waiting"
    older = to_goflow_json(first.state)  # as the service stored it before the compact form
    assert not is_stored_form(older)
    from_older, from_compact = say("tea", older), say("tea", first.state)
    assert is_stored_form(from_older.state)
    assert [r["text"] for r in from_older.replies] == [r["text"] for r in from_compact.replies]
    assert from_older.replies and from_older.status == from_compact.status == "waiting"
