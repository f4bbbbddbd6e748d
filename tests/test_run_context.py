"""The goflow run context (@contact, @results, @child, @parent ...) in goflow's standard test
session, run by turnflow's engine."""

from __future__ import annotations

import json

import pytest

from turnflow.conformance.goflow_templates import run_templates, standard_session
from turnflow.expressions import XObject, compile_template
from turnflow.goflow.context import (
    contact_ref,
    deprecate,
    strip_urn_params,
    ticket_context,
    urn_context_text,
    user_context,
)

from .conftest import GOFLOW_FIXTURES, require_fixtures


@pytest.fixture(scope="module")
def session():
    return standard_session(require_fixtures(GOFLOW_FIXTURES))


@pytest.fixture(scope="module")
def redacted():
    return standard_session(require_fixtures(GOFLOW_FIXTURES), redact_urns=True)


def texts(events):
    return [(e["type"], e["text"]) for e in events]


def test_session_ran_the_registration_flow(session):
    assert session.session.status == "completed"
    assert [r.flow.name for r in session.session.runs] == ["Registration", "Collect Age"]
    assert session.evaluate("@run.status") == ("completed", [])
    assert session.evaluate("@fields.age") == ("23", [])  # set by the Collect Age sub-flow


def test_contact(session, redacted):
    assert session.evaluate("@contact") == ("Ryan Lewis", [])
    assert session.evaluate("@contact.urn")[0] == "tel:+12024561111"
    assert session.evaluate("@(contact.urns[1])")[0] == "twitterid:54784326227#nyaruka"
    assert session.evaluate("@contact.channel")[0] == "My Android Phone"
    assert redacted.evaluate("@contact.urns")[0] == "[tel:********, twitterid:********, mailto:********]"
    assert redacted.evaluate("@urns.tel")[0] == "tel:********"


def test_deprecated_properties_warn_on_paths_only(session):
    _, events = session.evaluate("@contact.id")
    assert texts(events) == [("warning", "@contact.id is deprecated, use @contact.ref instead")]
    assert events[0]["code"] == "context:deprecated"
    # serializing the whole contact reads id and tickets without warning
    text, events = session.evaluate("@(json(contact))")
    assert json.loads(text)["id"] == "1234567" and events == []
    # a template using a deprecated property twice warns once
    _, events = session.evaluate('@(legacy_extra["foo"])@(legacy_extra["bar"])')
    assert texts(events) == [("warning", "@legacy_extra is deprecated")]
    _, events = session.evaluate("@child.run.status")
    assert texts(events) == [("warning", "@child.run.status is deprecated, use @child.status instead")]
    assert session.evaluate("@child.status") == ("completed", [])


def test_tickets(session):
    assert session.evaluate("@ticket")[0] == (
        "{assignee: Bob, topic: Weather, uuid: 78d1fe0d-7e39-461e-81c3-a6a25f15ed69}"
    )
    assert session.evaluate("@ticket.assignee.email")[0] == "bob@nyaruka.com"


def test_results_input_webhook(session):
    assert session.evaluate("@results.favorite_color.category") == ("Red", [])
    assert session.evaluate("@results.webhook.input")[0].startswith("GET http://127.0.0.1:49992/")
    assert session.evaluate("@input.channel.name")[0] == "My Android Phone"
    assert session.evaluate("@(webhook.json.results[1].state)")[0] == "IN"
    assert session.evaluate('@(webhook.headers["Content-Length"])')[0] == "43"


def test_parent_from_trigger_summary(session):
    text, events = session.evaluate("@(json(parent))")
    parent = json.loads(text)
    assert events == []
    assert parent["flow"] == {"name": "Parent", "revision": 0, "uuid": "fece6eac-9127-4343-9269-56e88f391562"}
    assert parent["contact"]["name"] == "Jasmine" and parent["contact"]["ref"] == ""
    assert parent["fields"]["age"] == 33
    assert session.evaluate("@parent.results.role.category")[0] == "Reporter"


def test_templates_data_set():
    result = run_templates(require_fixtures(GOFLOW_FIXTURES))
    assert result.passed >= 97, "\n".join(result.failures)


def test_deprecate_keeps_get_silent():
    calls: list[str] = []
    obj = deprecate(XObject({"old": "x", "new": "y"}), "old", lambda: calls.append("old"))
    assert obj.get("old") == "x" and obj.items() == [("new", "y"), ("old", "x")]
    assert calls == []
    compiled = compile_template("@obj.old @obj.new")
    from turnflow.expressions import Environment

    assert compiled.render(XObject({"obj": obj}), Environment()).text == "x y"
    assert calls == ["old"]


def test_small_builders():
    assert strip_urn_params("tel:+1?channel=abc#disp") == "tel:+1#disp"
    assert urn_context_text("twitterid:5478#nyaruka", redact=True) == "twitterid:********"
    assert contact_ref(0) == "" and contact_ref(12) == "12"
    users = [{"uuid": "u1", "name": "Bob Smith", "email": "bob@x.com"}]
    user = user_context({"uuid": "u1", "name": "Bob Smith"}, users)
    assert (user.get("email"), user.get("first_name"), user.default) == ("bob@x.com", "Bob", "Bob Smith")
    ticket = ticket_context({"uuid": "t", "topic": {"uuid": "p", "name": "Weather"}}, users)
    assert ticket.get("assignee") is None and ticket.get("topic").default == "Weather"
