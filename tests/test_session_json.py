"""Sessions stored as JSON between sprints and read back, and the engine's order of work."""

from __future__ import annotations

import json

import pytest

from turnflow.core import Exit, Node
from turnflow.generators import NanoTime
from turnflow.goflow.actions import ACTIONS
from turnflow.goflow.engine import session_from_json, session_to_json
from turnflow.goflow.flow import GoflowFlow as Flow
from turnflow.goflow.session import GoflowRun
from turnflow.goflow.session_json import SessionReadError, read_session, run_to_json

from .test_engine_core import CONTACT, engine, manual, msg, question_flow, send, texts

MANUAL = {**manual("flow-1", "Question"), "triggered_on": "2000-01-01T00:00:00.000000000-00:00"}


def test_stored_session_restores_and_resumes_like_the_original():
    # the same conversation twice: once on the live session, once through JSON each sprint
    live_engine, stored_engine = engine(question_flow()), engine(question_flow())
    live, _ = live_engine.start(CONTACT, MANUAL)
    stored, _ = stored_engine.start(CONTACT, MANUAL)
    for text in ("maybe", "yes"):
        stored_json = json.dumps(stored_engine.session_to_json(stored))
        stored = stored_engine.read_session(stored_json, CONTACT)
        assert stored.status == "waiting"
        a = live_engine.resume(live, msg(text))
        b = stored_engine.resume(stored, msg(text))
        assert a.events == b.events
        assert a.segments == b.segments
    assert session_to_json(live) == session_to_json(stored)
    assert stored.status == "completed"
    assert stored.runs[0].results["answer"]["value"] == "yes"


def test_restored_session_has_runs_parents_and_stack():
    child = Flow("child", "Child", (question_flow().nodes[0],))
    enter = ACTIONS["enter_flow"].from_json(
        {"uuid": "e1", "type": "enter_flow", "flow": {"uuid": "child", "name": "Child"}}
    )
    parent = Flow("parent", "Parent", (Node("p1", (enter,), (Exit("px"),)),))
    eng = engine(parent, child)
    session, _ = eng.start(CONTACT, manual("parent", "Parent"))
    data = session_to_json(session)
    restored = session_from_json(eng, data, CONTACT)
    assert [r.uuid for r in restored.runs] == [r.uuid for r in session.runs]
    assert restored.runs[1].parent is restored.runs[0]
    assert [r.uuid for r in restored.stack] == [r.uuid for r in session.stack]
    assert restored.top is restored.runs[1] and restored.top.status == "waiting"
    assert [s.node_uuid for s in restored.runs[1].path] == ["ask"]
    assert restored.sprints == 1
    assert restored.trigger == session.trigger
    assert session_to_json(restored) == data


def test_trigger_time_is_stored_as_go_writes_it():
    eng = engine(question_flow())
    session, _ = eng.start(CONTACT, MANUAL)
    assert session_to_json(session)["trigger"]["triggered_on"] == "2000-01-01T00:00:00Z"


def test_read_errors_name_the_path():
    eng = engine(question_flow())
    session, _ = eng.start(CONTACT, MANUAL)
    data = session_to_json(session)
    with pytest.raises(SessionReadError, match=r"session.runs\[0\].flow"):
        unknown_flow = {**data["runs"][0], "flow": {"uuid": "nope", "name": "X"}}
        session_from_json(eng, {**data, "runs": [unknown_flow]}, CONTACT)
    with pytest.raises(SessionReadError, match="not valid JSON"):
        session_from_json(eng, "{", CONTACT)
    with pytest.raises(SessionReadError, match="not ba96"):
        read_session(data, eng.flow, {"uuid": "ba96"})
    with pytest.raises(SessionReadError, match="created_on"):
        session_from_json(eng, {**data, "created_on": "yesterday"}, CONTACT)


def test_actions_after_enter_flow_run_before_the_child():
    child = Flow("child", "Child", (Node("c1", (send("c-a", "in child"),), (Exit("cx"),)),))
    enter = ACTIONS["enter_flow"].from_json(
        {"uuid": "e1", "type": "enter_flow", "flow": {"uuid": "child", "name": "Child"}}
    )
    parent = Flow(
        "parent", "Parent", (Node("p1", (enter, send("p-a", "after enter")), (Exit("px"),)),)
    )
    eng = engine(parent, child)
    session, sprint = eng.start(CONTACT, manual("parent", "Parent"))
    assert texts(sprint.events) == ["after enter", "in child"]
    assert [e["type"] for e in sprint.events] == [
        "run_started", "msg_created", "run_started", "msg_created", "run_ended", "run_ended",
    ]  # fmt: skip
    assert session.status == "completed"


def test_long_output_is_cut_with_an_ellipsis():
    long_text = send("s", "@(repeat(\"ab\", 4000))@(repeat(\"cd\", 2000))")
    flow = Flow("flow-9", "Long", (Node("n", (long_text,), (Exit("x"),)),))
    eng = engine(flow)
    _, sprint = eng.start(CONTACT, manual("flow-9", "Long"))
    [text] = texts(sprint.events)
    assert text == ("ab" * 4000 + "cd" * 2000)[:9997] + "..."
    assert not [e for e in sprint.events if e["type"] == "error"]


def test_stored_run_keeps_a_small_webhook_only():
    run = GoflowRun(uuid="r", flow=question_flow(), created_on=NanoTime(0), status="waiting")
    run.webhook = {
        "method": "GET", "url": "http://x", "status": 200, "headers": {}, "json": {"a": 1}
    }
    assert run_to_json(run)["webhook"]["json"] == {"a": 1}
    run.webhook = {**run.webhook, "json": {"big": "x" * 10_001}}
    assert "webhook" not in run_to_json(run)


@pytest.mark.parametrize("text", [
    "2025-05-04T12:30:45.123456789Z", "2025-05-04T12:30:45Z", "2025-05-04T12:30:45.1Z",
    "2025-05-04T12:30:45.120Z", "2025-05-04T12:30:45.123+02:00", " 2025-05-04T12:30:45Z",
    "1969-12-31T23:59:59.5Z",
])
def test_parse_time_agrees_with_nanotime(text):
    from turnflow.generators import NanoTime

    parse_time = NanoTime.parse  # with its short path for UTC times
    assert parse_time(text) == NanoTime.parse_general(text)
    assert parse_time(text) == NanoTime.parse_general(text)  # the second time from the cache


@pytest.mark.parametrize("text", ["2025-13-04T12:30:45Z", "2025-05-04T12:30:45.Z",
                                  "2025-05-04T12:30:45.1234567890Z", "2025-05-04T25:00:00Z"])
def test_parse_time_refuses_what_nanotime_refuses(text):
    from turnflow.generators import NanoTime

    parse_time = NanoTime.parse
    with pytest.raises(ValueError):
        parse_time(text)
