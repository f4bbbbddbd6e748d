"""Rasa flows compiled into the core graph: nodes per step (inline branches too), exits per
``next`` target, routing by the first branch that holds; run on the core engine."""

from __future__ import annotations

import doctest

import pytest

import turnflow.rasa.compiler as compiler
from turnflow.core import BaseFamily, Engine, Runtime
from turnflow.generators import SeededUUIDs, SequentialClock
from turnflow.rasa.compiler import FlowCompileError, compile_flow
from turnflow.rasa.flows import ActionStep, Branch, LinkStep, Next, NoopStep, RasaFlow


class Visit:
    """A test action: records the step in a ``visited`` event."""

    type = "visit"

    def __init__(self, uuid: str) -> None:
        self.uuid = uuid

    def execute(self, rt: Runtime) -> None:
        rt.stamp_event("visited")["step"] = self.uuid

    def to_json(self) -> dict:
        return {}


class Truths:
    """Conditions are names looked up in a dict of truths (the Rasa evaluator comes later)."""

    def __init__(self, truths: dict[str, bool]) -> None:
        self.truths = truths

    def render(self, rt, template, context=None):
        return template

    def check(self, rt, condition, context=None):
        return self.truths[condition]


def run(flow: RasaFlow, truths: dict[str, bool]) -> list[str]:
    compiled = compile_flow(flow, lambda step: (Visit(step.id),))
    family = BaseFamily({compiled.uuid: compiled})
    family.evaluator = Truths(truths)

    class Start:
        def start(self, rt, flow, start):
            rt.engine.loop.start_run(rt, flow)
            rt.engine.loop.run_until_wait(rt)

    family.policy = Start()  # type: ignore[assignment]
    clock = SequentialClock()
    session, sprint = Engine(family, clock=clock, uuids=SeededUUIDs(1, clock)).start({}, flow.id)
    assert session.status == "completed"
    return [e["step"] for e in sprint.events if e["type"] == "visited"]


BRANCHING = RasaFlow(
    "order", "Orders.",
    (
        NoopStep("check", next=Next(branches=(
            Branch("slots.vip", (
                ActionStep("order_1_utter_vip", action="utter_vip", next=Next(target="done")),
            )),
            Branch("slots.blocked", "END"),
            Branch(None, "plain"),
        ))),
        ActionStep("plain", action="utter_plain"),
        ActionStep("done", action="utter_done"),
    ),
)  # fmt: skip


def test_branches_pick_the_first_that_holds():
    assert run(BRANCHING, {"slots.vip": True, "slots.blocked": False}) == [
        "check", "order_1_utter_vip", "done",
    ]
    assert run(BRANCHING, {"slots.vip": False, "slots.blocked": True}) == ["check"]
    assert run(BRANCHING, {"slots.vip": False, "slots.blocked": False}) == [
        "check", "plain", "done",
    ]


def test_nodes_and_exits():
    flow = compile_flow(BRANCHING, lambda step: ())
    assert [node.uuid for node in flow.nodes] == ["check", "plain", "done", "order_1_utter_vip"]
    check = flow.node("check")
    assert [e.destination_uuid for e in check.exits] == ["order_1_utter_vip", None, "plain"]
    assert [e.destination_uuid for e in flow.node("order_1_utter_vip").exits] == ["done"]


def test_no_branch_holding_ends_the_flow_and_bools_are_constants():
    flow = RasaFlow("f", "F.", (
        NoopStep("a", next=Next(branches=(Branch(False, "b"), Branch("x", "b")))),
        ActionStep("b", action="utter_b"),
    ))  # fmt: skip
    assert run(flow, {"x": False}) == ["a"]
    assert run(flow, {"x": True}) == ["a", "b"]


def test_a_link_is_the_last_step_of_its_branch():
    flow = RasaFlow("f", "F.", (LinkStep("go", link="other"), ActionStep("after", action="x")))
    compiled = compile_flow(flow, lambda step: ())
    assert [e.destination_uuid for e in compiled.node("go").exits] == [None]


def test_a_next_to_a_missing_step_is_an_error():
    flow = RasaFlow("f", "F.", (ActionStep("a", action="x", next=Next(target="nowhere")),))
    with pytest.raises(FlowCompileError, match="'a' goes to step 'nowhere'"):
        compile_flow(flow, lambda step: ())


def test_module_doctest():
    assert doctest.testmod(compiler).failed == 0
