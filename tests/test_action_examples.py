"""Every goflow action module's docstring example runs as documented.

Each module in ``turnflow.goflow.actions`` that registers an action type is named after the
type and its docstring holds an example in this shape (4 spaces under each label)::

    Example:

        {"type": "set_run_result", "uuid": "...", "name": "Gender", "value": "m"}

    Events:

        [{"type": "run_result_changed", "name": "Gender", "value": "m"}]

The test puts the action alone in the one node of a flow, starts a session for a contact
with a message, and compares the events the action emitted (the sprint's events without the
session's own run_started and run_ended) with the listed ones: the same number, in the same
order, each with the listed fields (compared recursively: a listed object's unlisted keys,
such as the contact in a run summary, aren't compared). The action's ``"uuid": "..."`` is
given a real UUID. The assets below hold what the examples refer to (a second flow, groups,
fields, a channel, ...); outside services are the doubles goflow's action tests use
(:mod:`turnflow.goflow.services`), with the HTTP responses in ``HTTP_MOCKS``.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
import types
from typing import Any

import pytest

import turnflow.goflow.actions as actions_package
from turnflow.core.runtime import Limits
from turnflow.expressions import Environment
from turnflow.generators import SeededRandom, SeededUUIDs, SequentialClock
from turnflow.goflow.actions import ACTIONS, BaseAction
from turnflow.goflow.assets import Assets
from turnflow.goflow.contact import Contact, ContactAssets, json_default
from turnflow.goflow.engine import GoflowEngine, Services
from turnflow.goflow.services import (
    MockEmailService,
    MockHTTPService,
    TestAirtimeService,
    TestLLMService,
)

ACTION_UUID = "a4a54e7f-4456-4729-bc70-e6ef317a73f8"
FLOW = {"uuid": "35d9b684-67e7-4fe3-90aa-70dd041d78b5", "name": "Example"}
NODE_UUID = "0adaff89-1682-4ee8-9b87-26a6b0158d7c"
VOICE_ACTIONS = {"say_msg", "play_audio"}  # these need a voice flow

# a flow for enter_flow and start_session to refer to
REGISTRATION = {
    "uuid": "49a80bb1-ad31-4b9d-9d22-70ef94f94fec",
    "name": "Registration",
    "spec_version": "14.3.0",
    "language": "eng",
    "type": "messaging",
    "nodes": [
        {
            "uuid": "2f1728a8-949c-42ce-9ebf-2f0fe344bad7",
            "actions": [
                {
                    "type": "send_msg",
                    "uuid": "d45e9b15-e6f4-44a3-ae50-8284fa8bbf6d",
                    "text": "Welcome to the registration!",
                }
            ],
            "exits": [{"uuid": "01e79d38-fbb1-44a1-9964-4caa0f1d0ae7"}],
        }
    ],
}

ASSETS: dict[str, Any] = {
    "classifiers": [
        {"uuid": "7265ebd4-5ecf-4020-8410-bac99ec52b76", "name": "Intents", "type": "wit"}
    ],
    "channels": [
        {
            "uuid": "2ce9a49c-af7d-4a85-9aaf-48ceab99b1b7",
            "name": "Android Phone",
            "address": "+12065550100",
            "schemes": ["tel"],
            "roles": ["send", "receive"],
            "country": "US",
        }
    ],
    "fields": [
        {
            "uuid": "4aa27262-a891-4884-b2fb-98693b555f3a",
            "key": "age",
            "name": "Age",
            "type": "number",
        },
        {
            "uuid": "a939efd8-f555-496e-8ffa-7125b29a6c0b",
            "key": "city",
            "name": "City",
            "type": "text",
        },
    ],
    "groups": [
        {"uuid": "03e7785b-efb9-4542-81a2-bad548f5f2e4", "name": "Subscribers"},
        {"uuid": "928efcc2-bbe1-417d-8750-0244c63ebccc", "name": "Volunteers"},
        {"uuid": "f091da6a-d763-438d-8bda-f8844ec75e8b", "name": "Adults", "query": "age >= 18"},
    ],
    "labels": [{"uuid": "48bf4533-e1dc-45a0-995b-303544a55548", "name": "Registration"}],
    "llms": [
        {"uuid": "dc1b47e0-63ad-4221-b679-dd96145f9248", "name": "Assistant", "type": "openai"}
    ],
    "optins": [{"uuid": "3722362f-9a57-4923-99ca-83365ef3b400", "name": "Newsletter"}],
    "resthooks": [{"slug": "new-member", "subscribers": ["http://crm.example.com/members"]}],
    "topics": [
        {"uuid": "6179edda-c8da-4b12-a187-da2432631664", "name": "General"},
        {"uuid": "f65d210c-0260-4075-9b4b-d8774cbbcfe1", "name": "Billing"},
    ],
    "users": [
        {"uuid": "a3cebba4-eead-4798-b6e7-f5bde7ffcb4b", "name": "Mia", "email": "mia@example.com"}
    ],
}

CONTACT = {
    "uuid": "cd58d23d-0ca7-4da6-9651-4e713f8c60da",
    "name": "Ana Souza",
    "language": "eng",
    "status": "active",
    "created_on": "2024-03-01T09:00:00Z",
    "urns": ["tel:+12065551212"],
    "groups": [
        {"uuid": "03e7785b-efb9-4542-81a2-bad548f5f2e4", "name": "Subscribers"},
        {"uuid": "f091da6a-d763-438d-8bda-f8844ec75e8b", "name": "Adults"},
    ],
    "fields": {"age": {"text": "34", "number": 34}, "city": {"text": "Recife"}},
}

# what the webhook double answers, by action type and URL (each response is used once)
HTTP_MOCKS = {
    "call_webhook": {
        "http://api.example.com/orders/42": [
            {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": '{"status": "shipped"}',
            }
        ]
    },
    "call_resthook": {"http://crm.example.com/members": [{"status": 200, "body": '{"ok": true}'}]},
}


# -- reading the examples -------------------------------------------------------------------


def example_block(doc: str, label: str) -> Any:
    """The JSON under ``label:`` in a docstring: the lines after a blank line, indented 4
    spaces more than the label, up to the next line that isn't."""
    match = re.search(rf"^( *){label}:\n\n((?:\1    .*\n|\n)+)", doc + "\n", re.MULTILINE)
    assert match, f"no {label} block"
    return json.loads(inspect.cleandoc(match.group(2)))


def action_modules() -> dict[str, types.ModuleType]:
    """The package's modules that define a registered action type, by type."""
    found = {}
    for info in pkgutil.iter_modules(actions_package.__path__):
        module = importlib.import_module(f"{actions_package.__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type) and issubclass(value, BaseAction) and value.type
                and value.__module__ == module.__name__
            ):  # fmt: skip
                assert value.type not in found, f"{value.type} is defined twice"
                found[value.type] = module
    return found


MODULES = action_modules()


# -- running an action ----------------------------------------------------------------------


def run_action(action: dict[str, Any]) -> list[dict[str, Any]]:
    """The events running the action produces (without the session's run_started and
    run_ended), as JSON."""
    voice = action["type"] in VOICE_ACTIONS
    flow = {
        **FLOW,
        "spec_version": "14.3.0",
        "language": "eng",
        "type": "voice" if voice else "messaging",
        "nodes": [
            {
                "uuid": NODE_UUID,
                "actions": [action],
                "exits": [{"uuid": "28eb3dd0-a7d7-4a5e-9f9a-f3efff0f9e84"}],
            }
        ],
    }
    data = {**ASSETS, "flows": [flow, REGISTRATION]}
    assets = Assets.from_json(data)
    clock = SequentialClock()
    env = Environment(default_country="US", random=SeededRandom(1), now=clock.now)
    mocks = json.loads(json.dumps(HTTP_MOCKS.get(action["type"], {})))
    http = MockHTTPService(mocks, clock=clock)
    services = Services(
        http=http,
        email=MockEmailService(),
        airtime=TestAirtimeService(env.random, currency="USD"),
        llm=TestLLMService(),
    )
    engine = GoflowEngine(
        assets, env, clock=clock, uuids=SeededUUIDs(1, clock), services=services, limits=Limits()
    )
    contact = Contact.from_json(json.loads(json.dumps(CONTACT)), ContactAssets.from_json(data))
    trigger = {
        "type": "msg",
        "flow": FLOW,
        "event": {
            "type": "msg_received",
            "uuid": "77fa946a-2f2a-45da-9a6a-0ff66e08fd35",
            "created_on": "2024-05-02T10:00:00Z",
            "msg": {"urn": "tel:+12065551212", "text": "I want to join"},
        },
    }
    _, sprint = engine.start(contact, trigger)
    events = json.loads(json.dumps(sprint.events, default=json_default))
    first, last = events[0], events[-1]
    assert first["type"] == "run_started" and first["flow"]["uuid"] == FLOW["uuid"]
    assert last["type"] == "run_ended" and last["run_uuid"] == first["run_uuid"]
    assert http.all_used, f"HTTP mocks not all used (unmatched: {http.unmatched})"
    return events[1:-1]


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where ``actual`` differs from ``expected`` in the keys ``expected`` lists."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing")
            else:
                problems += differences(value, actual[key], f"{path}.{key}")
        return problems
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(actual)} items, expected {len(expected)}: {actual!r}"]
        return [
            p for i, e in enumerate(expected) for p in differences(e, actual[i], f"{path}[{i}]")
        ]
    return [] if expected == actual else [f"{path}: {actual!r}, expected {expected!r}"]


# -- the tests ------------------------------------------------------------------------------


def test_every_action_type_has_its_own_module():
    assert set(MODULES) == set(ACTIONS)
    for action_type, module in MODULES.items():
        assert module.__name__.rsplit(".", 1)[1] == action_type


@pytest.mark.parametrize("action_type", sorted(ACTIONS))
def test_docstring_example(action_type: str):
    module = MODULES.get(action_type)
    assert module is not None, f"no module defines {action_type}"
    doc = module.__doc__ or ""
    action = example_block(doc, "Example")
    expected = example_block(doc, "Events")
    assert action["type"] == action_type
    assert action["uuid"] == "...", 'the example\'s action has "uuid": "..."'
    action["uuid"] = ACTION_UUID
    events = run_action(action)
    problems = differences(expected, events)
    assert not problems, f"{module.__name__}'s example: " + "; ".join(problems)


def test_wrong_or_missing_examples_fail():
    action = {"type": "set_run_result", "uuid": ACTION_UUID, "name": "Age", "value": "34"}
    events = run_action(action)
    assert differences([{"type": "run_result_changed", "name": "Age"}], events) == []
    assert differences([], events) == [": 1 items, expected 0: " + repr(events)]
    assert differences([{"type": "run_result_changed", "value": "35"}], events) == [
        "[0].value: '34', expected '35'"
    ]
    assert differences([{"type": "run_result_changed", "input": "34"}], events) == [
        "[0].input: missing"
    ]
    with pytest.raises(AssertionError, match="no Events block"):
        example_block('Sets a result.\n\nExample:\n\n    {"type": "x"}\n', "Events")
