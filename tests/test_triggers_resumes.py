"""goflow triggers and resumes: reading, refusing, writing back, @trigger / @resume."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from turnflow.expressions import Environment, XObject, evaluate_template
from turnflow.goflow.resumes import ResumeError, check_accepted, read_resume
from turnflow.goflow.triggers import TriggerReadError, read_trigger

FLOW = {"uuid": "bead76f5-dac4-4c9d-996c-c62b326e8c0a", "name": "Trigger Tester"}
ON = "2000-01-01T00:00:00Z"


def trigger_json(trigger, assets=None):
    context = XObject({"trigger": trigger.context(assets)})
    return json.loads(evaluate_template("@(json(trigger))", context, Environment()).text)


def test_manual_trigger_context_has_user_from_assets():
    data = {"type": "manual", "flow": FLOW, "triggered_on": ON, "params": {"foo": "bar"},
            "user": {"uuid": "0c78ef47-7d56-44d8-8f57-96e0f30e8f44", "name": "Bob"},
            "origin": "api"}
    assets = SimpleNamespace(users=[{"uuid": "0c78ef47-7d56-44d8-8f57-96e0f30e8f44",
                                     "name": "Bob Smith", "email": "bob@example.com"}])
    trigger = read_trigger(data)
    assert trigger.to_json() == data
    assert trigger_json(trigger, assets) == {
        "type": "manual", "params": {"foo": "bar"}, "keyword": "", "origin": "api",
        "user": {"email": "bob@example.com", "name": "Bob Smith", "first_name": "Bob"},
        "ticket": None, "campaign": None,
    }


def test_msg_trigger_keyword_and_event():
    event = {"uuid": "0197b335-6ded-79a4-95a6-3af85b57f108", "type": "msg_received",
             "created_on": ON, "msg": {"urn": "tel:+12065551212", "text": "start"}}
    trigger = read_trigger({"type": "msg", "flow": FLOW, "triggered_on": ON, "event": event,
                            "keyword_match": {"type": "first_word", "keyword": "start"}})
    assert trigger.msg_event == event
    assert trigger_json(trigger)["keyword"] == "start"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"foo": 1}, "field 'type' is required"),
        ({"type": "magic", "flow": FLOW, "triggered_on": ON}, "unknown type: 'magic'"),
        ({"type": "manual", "triggered_on": ON}, "field 'flow' is required"),
        ({"type": "flow_action", "triggered_on": ON},
         "field 'flow' is required, field 'run_summary' is required"),
        ({"type": "campaign", "flow": FLOW, "triggered_on": ON},
         "campaign trigger event must be of type campaign_fired"),
        ({"type": "msg", "flow": FLOW, "triggered_on": ON, "keyword_match": {"keyword": "x"},
          "event": {"uuid": "0197b335-6ded-79a4-95a6-3af85b57f108", "type": "msg_received",
                    "created_on": ON, "msg": {"text": "x"}}},
         "field 'keyword_match.type' is required"),
    ],
)
def test_invalid_triggers_are_refused(data, message):
    with pytest.raises(TriggerReadError) as info:
        read_trigger(data)
    assert info.value.message == message


def test_chat_trigger_params_come_from_the_event():
    event = {"uuid": "0197b335-6ded-79a4-95a6-3af85b57f108", "type": "chat_started",
             "created_on": ON, "channel": FLOW, "params": {"referrer_id": "acme"}}
    trigger = read_trigger({"type": "chat", "flow": FLOW, "triggered_on": ON, "event": event})
    assert trigger_json(trigger)["params"] == {"referrer_id": "acme"}


def test_dial_resume_context_and_acceptance():
    resume = read_resume({"type": "dial", "resumed_on": ON, "event": {
        "uuid": "0197b335-6ded-79a4-95a6-3af85b57f108", "type": "dial_ended", "created_on": ON,
        "dial": {"status": "answered", "duration": 5}}})
    context = XObject({"resume": resume.context()})
    assert evaluate_template('@(default(resume.dial.status, ""))', context).text == "answered"
    check_accepted(resume, SimpleNamespace(type="dial", timeout=None))
    with pytest.raises(ResumeError, match="not accepted by wait of type msg"):
        check_accepted(resume, SimpleNamespace(type="msg", timeout=None))


def test_wait_timeout_needs_a_timeout():
    resume = read_resume({"type": "wait_timeout", "resumed_on": ON, "event": {
        "uuid": "0197b335-6ded-79a4-95a6-3af85b57f108", "type": "wait_timed_out",
        "created_on": ON,
    }})
    check_accepted(resume, SimpleNamespace(type="msg", timeout=object()))
    with pytest.raises(ResumeError) as info:
        check_accepted(resume, SimpleNamespace(type="msg", timeout=None))
    assert info.value.message == "resume of type wait_timeout not accepted by wait of type msg"


def test_legacy_msg_resume_gets_an_event():
    resume = read_resume({"type": "msg", "resumed_on": ON, "msg": {"uuid": "u1", "text": "hi"}})
    assert resume.to_engine()["event"] == {"uuid": "u1", "type": "msg_received", "created_on": ON,
                                           "msg": {"text": "hi"}}


def test_invalid_resumes_are_refused():
    with pytest.raises(ResumeError, match="field 'resumed_on' is required"):
        read_resume({"type": "msg", "event": {}})
    with pytest.raises(ResumeError, match="unknown type: 'nap'"):
        read_resume({"type": "nap"})


def test_data_sets():
    from turnflow.conformance.goflow_resumes import run_resumes
    from turnflow.conformance.goflow_routers import run_routers
    from turnflow.conformance.goflow_triggers import run_triggers

    from .conftest import GOFLOW_FIXTURES, require_fixtures

    root = require_fixtures(GOFLOW_FIXTURES)
    assert run_triggers(root).passed >= 33
    assert run_routers(root).passed >= 8
    assert run_resumes(root).passed >= 4
