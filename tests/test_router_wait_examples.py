"""Every goflow router and wait module's docstring example runs as documented.

As the actions' (see ``tests/test_action_examples.py``), each router or wait type has a module
named after it whose docstring holds an example, 4 spaces under each label. A router's::

    Example:

        {"type": "switch", "operand": "@input.text", "wait": {"type": "msg"}, ...}

    Input:

        I'd like yes please

    Result:

        {"name": "Answer", "value": "yes", "category": "Yes", "input": "I'd like yes please"}

The router is the one node of a flow whose exits are its categories' exits. A session starts
on it (a manual trigger); when the router waits, the session must be waiting and is resumed
with a message of the ``Input`` text (which only a waiting router has). The run's saved
result must have the listed fields, and the run must have left the node by the exit of the
category the result names.

A wait's example lists the events the session's start emits after ``run_started``::

    Example:

        {"type": "msg", "timeout": {"seconds": 300, "category_uuid": "..."}}

    Events:

        [{"type": "msg_wait", "timeout_seconds": 300}]

The wait is put in a switch router with an "All Responses" category and a "No Response" one,
which a timeout's ``"category_uuid": "..."`` becomes. A dial wait's flow is a voice flow and
its session starts on a call. Fields are compared as the actions' events are (only the listed
ones), so times like ``expires_on`` may be left out.

The module doctests of these modules and of a few the examples lean on run here as well.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import io
import json
import re
import types
from typing import Any

import pytest

from turnflow.core.runtime import Limits
from turnflow.expressions import Environment
from turnflow.generators import SeededRandom, SeededUUIDs, SequentialClock
from turnflow.goflow.assets import Assets
from turnflow.goflow.contact import Contact, ContactAssets, json_default
from turnflow.goflow.engine import GoflowEngine
from turnflow.goflow.results import snakify
from turnflow.goflow.routers import ROUTER_TYPES
from turnflow.goflow.waits import WAIT_TYPES

from .test_action_examples import ASSETS, CONTACT, FLOW, NODE_UUID, differences, example_block

DOCTEST_MODULES = [
    "turnflow.goflow.routers.switch",
    "turnflow.goflow.routers.random",
    "turnflow.goflow.waits.msg",
    "turnflow.goflow.waits.dial",
    "turnflow.core.graph",
    "turnflow.core.events",
    "turnflow.goflow.flow",
    "turnflow.goflow.results",
]

VOICE_WAITS = {"dial"}  # these need a voice flow, started on a call
CHANNEL = ASSETS["channels"][0]
CALL = {
    "uuid": "0f3ac7c1-3b6c-4b8e-a4a4-5b1c46e3d2a7",
    "channel": {"uuid": CHANNEL["uuid"], "name": CHANNEL["name"]},
    "urn": "tel:+12065551212",
}
# the router a wait's example is put in
ALL_RESPONSES = {
    "uuid": "b5890b36-f217-456b-bc84-a88c6983a236",
    "name": "All Responses",
    "exit_uuid": "f8799164-ddfc-47f0-bf46-23d36dcab07f",
}
NO_RESPONSE = {
    "uuid": "86c39944-9c8e-4215-a617-4974b5eed03e",
    "name": "No Response",
    "exit_uuid": "28582532-cebc-474b-81e3-59f283bacf94",
}


# -- reading the examples -------------------------------------------------------------------


def text_block(doc: str, label: str) -> str | None:
    """The text under ``label:`` in a docstring (as ``example_block`` finds it, unparsed), or
    None when there is no such label."""
    match = re.search(rf"^( *){label}:\n\n((?:\1    .*\n|\n)+)", doc + "\n", re.MULTILINE)
    return inspect.cleandoc(match.group(2)) if match else None


def type_module(cls: type, kind: str) -> types.ModuleType:
    """The module a router or wait class is defined in, which must be named after its type."""
    module = importlib.import_module(cls.__module__)
    assert module.__name__.rsplit(".", 1)[1] == cls.type, f"{kind} {cls.type} in {module}"
    return module


# -- running an example ---------------------------------------------------------------------


def start(router: dict[str, Any], voice: bool = False) -> tuple[GoflowEngine, Any, list[Any]]:
    """Start a session on a flow whose one node has this router: the engine, the session
    and the sprint's events as JSON."""
    exits: list[dict[str, Any]] = []
    for category in router["categories"]:
        if {"uuid": category["exit_uuid"]} not in exits:
            exits.append({"uuid": category["exit_uuid"]})
    flow = {
        **FLOW,
        "spec_version": "14.3.0",
        "language": "eng",
        "type": "voice" if voice else "messaging",
        "nodes": [{"uuid": NODE_UUID, "router": router, "exits": exits}],
    }
    data = {**ASSETS, "flows": [flow]}
    assets = Assets.from_json(data)
    clock = SequentialClock()
    env = Environment(default_country="US", random=SeededRandom(1), now=clock.now)
    engine = GoflowEngine(assets, env, clock=clock, uuids=SeededUUIDs(1, clock), limits=Limits())
    contact = Contact.from_json(json.loads(json.dumps(CONTACT)), ContactAssets.from_json(data))
    trigger = {"type": "manual", "flow": FLOW, "triggered_on": "2024-05-02T10:00:00Z"}
    session, sprint = engine.start(contact, trigger, call=CALL if voice else None)
    events = json.loads(json.dumps(sprint.events, default=json_default))
    assert events[0]["type"] == "run_started" and events[0]["flow"]["uuid"] == FLOW["uuid"]
    return engine, session, events


def route(router: dict[str, Any], text: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run the router (resumed with a message of ``text`` when it waits): the result it saved
    and the category whose exit the run left by."""
    engine, session, _ = start(router, voice=(router.get("wait") or {}).get("type") in VOICE_WAITS)
    if "wait" in router:
        assert text is not None, "a waiting router's example has an Input"
        assert session.status == "waiting", f"the session is {session.status}, not waiting"
        received = {
            "type": "msg_received",
            "uuid": "77fa946a-2f2a-45da-9a6a-0ff66e08fd35",
            "created_on": "2024-05-02T10:05:00Z",
            "msg": {"urn": CONTACT["urns"][0], "text": text},
        }
        engine.resume(
            session, {"type": "msg", "resumed_on": "2024-05-02T10:05:00Z", "event": received}
        )
    else:
        assert text is None, "only a waiting router's example has an Input"
    assert session.status == "completed", f"the session is {session.status}, not completed"
    run = session.runs[0]
    results = json.loads(json.dumps(run.results, default=json_default))
    key = snakify(router["result_name"])
    assert key in results, f"no result {key!r} saved (results: {results})"
    [step] = run.path
    taken = [c for c in router["categories"] if c["exit_uuid"] == step.exit_uuid]
    assert taken, f"the run left by exit {step.exit_uuid}, no category's"
    return results[key], taken[0]


def wait_events(wait: dict[str, Any]) -> list[dict[str, Any]]:
    """The events starting a session on a node waiting with this wait emits (after
    run_started)."""
    wait = json.loads(json.dumps(wait))
    categories = [ALL_RESPONSES]
    if "timeout" in wait:
        assert wait["timeout"].get("category_uuid") == "...", (
            'the timeout has "category_uuid": "..."'
        )
        wait["timeout"]["category_uuid"] = NO_RESPONSE["uuid"]
        categories.append(NO_RESPONSE)
    router = {
        "type": "switch",
        "wait": wait,
        "operand": "@input.text",
        "categories": categories,
        "default_category_uuid": ALL_RESPONSES["uuid"],
    }
    _, session, events = start(router, voice=wait["type"] in VOICE_WAITS)
    assert session.status == "waiting", f"the session is {session.status}, not waiting"
    return events[1:]


def router_problems(doc: str) -> list[str]:
    """How running a router docstring's example differs from its Result."""
    router = example_block(doc, "Example")
    expected = example_block(doc, "Result")
    result, category = route(router, text_block(doc, "Input"))
    problems = differences(expected, result)
    if "category" in expected and category["name"] != expected["category"]:
        problems.append(
            f"exit of category {category['name']!r} taken, not {expected['category']!r}"
        )
    return problems


# -- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("router_type", sorted(ROUTER_TYPES))
def test_router_example(router_type: str):
    module = type_module(ROUTER_TYPES[router_type], "router")
    doc = module.__doc__ or ""
    assert example_block(doc, "Example")["type"] == router_type
    problems = router_problems(doc)
    assert not problems, f"{module.__name__}'s example: " + "; ".join(problems)


@pytest.mark.parametrize("wait_type", sorted(WAIT_TYPES))
def test_wait_example(wait_type: str):
    module = type_module(WAIT_TYPES[wait_type], "wait")
    doc = module.__doc__ or ""
    wait = example_block(doc, "Example")
    expected = example_block(doc, "Events")
    assert wait["type"] == wait_type
    problems = differences(expected, wait_events(wait))
    assert not problems, f"{module.__name__}'s example: " + "; ".join(problems)


@pytest.mark.parametrize("name", DOCTEST_MODULES)
def test_module_doctests(name: str):
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner()
    out = io.StringIO()
    for test in doctest.DocTestFinder().find(module):
        runner.run(test, out=out.write)
    assert runner.failures == 0, out.getvalue()


def test_wrong_examples_fail():
    doc = importlib.import_module("turnflow.goflow.routers.switch").__doc__ or ""
    assert router_problems(doc) == []
    wrong = doc.replace('"category": "Yes", "input"', '"category": "Other", "input"')
    assert router_problems(wrong) == [
        ".category: 'Yes', expected 'Other'",
        "exit of category 'Yes' taken, not 'Other'",
    ]
    no_input = doc.replace("Input:", "Comment:")
    with pytest.raises(AssertionError, match="a waiting router's example has an Input"):
        router_problems(no_input)
    events = wait_events({"type": "msg", "timeout": {"seconds": 60, "category_uuid": "..."}})
    assert differences([{"type": "msg_wait", "timeout_seconds": 60}], events) == []
    assert differences([{"type": "msg_wait", "timeout_seconds": 30}], events) == [
        "[0].timeout_seconds: 60, expected 30"
    ]
    assert text_block("Picks a category.\n", "Input") is None
    with pytest.raises(AssertionError, match="no Result block"):
        router_problems('Picks.\n\nExample:\n\n    {"type": "random"}\n')
