"""The switch router's prepared shortcuts route exactly as evaluating everything would.

A switch router prepares what it can when it is read: an ``@input`` or ``@input.text``
operand is read as the input's text without building the template context, number tests
with literal bounds compare against numbers read once, and case arguments without
expressions are taken as written. Each session here is routed twice, once with the router as
prepared and once with those shortcuts turned off (the general path: the operand evaluated
in the context, every argument evaluated, each test called as a function), and both must
give the same events, results and path, byte for byte.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from turnflow.goflow.contact import json_default

from .test_router_wait_examples import CONTACT, start

YES = "e4816898-93d7-47da-a3ba-a4db126756cf"
OTHER = "f321f747-0bad-44e2-9ae6-3904a66add95"


def router(operand: str, cases: list[tuple[str, list[str]]]) -> dict[str, Any]:
    return {
        "type": "switch",
        "operand": operand,
        "result_name": "Answer",
        "wait": {"type": "msg"},
        "cases": [
            {"uuid": f"e0c71faa-32b7-48a2-9ea3-42c1a060{index:04d}", "type": test,
             "arguments": arguments, "category_uuid": YES}
            for index, (test, arguments) in enumerate(cases)
        ],
        "categories": [
            {"uuid": YES, "name": "Yes", "exit_uuid": "9c60f661-bb31-4c78-90cb-a6ecf23b2971"},
            {"uuid": OTHER, "name": "Other", "exit_uuid": "96b6634e-55a1-4f92-b3b5-d4e083bcc752"},
        ],
        "default_category_uuid": OTHER,
    }  # fmt: skip


def general_path(switch: Any) -> None:
    """Turn the router's prepared shortcuts off: it then evaluates everything each time."""
    switch._input_operand = None
    switch._cases = tuple(
        (case, test, category, None, accept, False)
        for case, test, category, _, accept, _ in switch._cases
    )


def routed(definition: dict[str, Any], msg: dict[str, Any], shortcuts: bool) -> str:
    engine, session, _ = start(definition)
    assert session.status == "waiting"
    if not shortcuts:
        [node] = session.runs[0].flow.nodes
        general_path(node.router)
    received = {
        "type": "msg_received",
        "uuid": "77fa946a-2f2a-45da-9a6a-0ff66e08fd35",
        "created_on": "2024-05-02T10:05:00Z",
        "msg": {"urn": CONTACT["urns"][0], **msg},
    }
    sprint = engine.resume(
        session, {"type": "msg", "resumed_on": "2024-05-02T10:05:00Z", "event": received}
    )
    run = session.runs[0]
    return json.dumps(
        {"events": sprint.events, "results": run.results, "path": [
            (step.node_uuid, step.exit_uuid, step.value) for step in run.path
        ]},
        default=json_default, sort_keys=True,
    )  # fmt: skip


CASES = [
    [("has_number_between", ["1", "8"])],
    [("has_number_gt", ["2"]), ("has_number_lt", ["-1.5"])],
    [("has_number_between", ["1", "@(2 * 4)"])],
    [("has_any_word", ["yes yeah"]), ("has_only_text", ["no"])],
    [("has_text", []), ("has_pattern", ["^(\\d+)$"])],
    [("has_phrase", ["lots of cats"]), ("has_number", [])],
    [("has_error", []), ("has_any_word", ["cats"])],  # has_error reads the value itself
    [("has_beginning", ["I have"]), ("has_email", [])],
]
MESSAGES = [
    {"text": "I have 7 cats"},
    {"text": "yes"},
    {"text": "  42  "},
    {"text": ""},
    {"text": "no", "attachments": ["image/jpeg:http://example.com/cat.jpg"]},
    {"text": "١٢ lots of cats"},
    {"attachments": ["audio:http://example.com/a.mp3"]},
]


@pytest.mark.parametrize("operand", ["@input", "@input.text", "@(input)", "@INPUT.Text"])
@pytest.mark.parametrize("cases", CASES)
def test_shortcuts_route_as_evaluating_does(operand: str, cases: list[Any]) -> None:
    definition = router(operand, cases)
    for msg in MESSAGES:
        assert routed(definition, msg, True) == routed(definition, msg, False), msg
