"""The engine loop on flows built in Python: waits, routing, sub-flows, limits."""

from __future__ import annotations

from turnflow.core import Category, Exit, Limits, Node
from turnflow.expressions import Environment
from turnflow.generators import SeededRandom, SeededUUIDs, SequentialClock
from turnflow.goflow.actions import ACTIONS
from turnflow.goflow.engine import GoflowEngine
from turnflow.goflow.flow import GoflowFlow as Flow
from turnflow.goflow.routers import Case, SwitchRouter
from turnflow.goflow.waits import MsgWait, Timeout

CONTACT = {
    "uuid": "c1", "name": "Ana", "language": "eng", "urns": ["tel:+12065551212"], "fields": {}
}
CHANNELS = [{"uuid": "ch1", "name": "Phone", "schemes": ["tel"], "roles": ["send", "receive"]}]


def send(uuid: str, text: str):
    return ACTIONS["send_msg"].from_json({"uuid": uuid, "type": "send_msg", "text": text})


def question_flow() -> Flow:
    router = SwitchRouter(
        categories=(
            Category("cat-yes", "Yes", "x-yes"),
            Category("cat-other", "Other", "x-other"),
            Category("cat-none", "No Response", "x-none"),
        ),
        wait=MsgWait(Timeout(60, "cat-none")),
        result_name="Answer",
        operand="@input.text",
        cases=(Case("case-yes", "has_any_word", ("yes",), "cat-yes"),),
        default_category_uuid="cat-other",
    )
    ask = Node(
        "ask",
        (send("a1", "Hi @contact.name, yes?"),),
        (Exit("x-yes", "done"), Exit("x-other", "ask"), Exit("x-none")),
        router,
    )
    done = Node(
        "done",
        (send("a2", "You said @results.answer (@results.answer.category)"),),
        (Exit("x-end"),),
    )
    return Flow("flow-1", "Question", (ask, done))


class FakeAssets:
    def __init__(self, *flows: Flow) -> None:
        self._flows = {f.uuid: f for f in flows}
        self.fields: list = []
        self.channels = CHANNELS
        self.globals: list = []

    def flow(self, uuid: str):
        return self._flows.get(uuid)

    def channel(self, uuid: str):
        return next((c for c in CHANNELS if c["uuid"] == uuid), None)


def engine(*flows: Flow, limits: Limits | None = None) -> GoflowEngine:
    clock = SequentialClock()
    env = Environment(default_country="US", random=SeededRandom(1), now=clock.now)
    return GoflowEngine(
        FakeAssets(*flows), env, clock=clock, uuids=SeededUUIDs(1, clock), limits=limits
    )


def manual(uuid: str, name: str) -> dict:
    return {"type": "manual", "flow": {"uuid": uuid, "name": name}}


def msg(text: str) -> dict:
    return {"type": "msg", "event": {
        "type": "msg_received", "uuid": "m1", "created_on": "2020-01-01T00:00:00Z",
        "msg": {"text": text, "urn": "tel:+12065551212"},
    }}


def texts(events: list[dict]) -> list[str]:
    return [e["msg"]["text"] for e in events if e["type"] == "msg_created"]


def test_wait_route_and_complete():
    eng = engine(question_flow())
    session, sprint = eng.start(CONTACT, manual("flow-1", "Question"))
    assert session.status == "waiting"
    assert texts(sprint.events) == ["Hi Ana, yes?"]
    assert [e["type"] for e in sprint.events] == ["run_started", "msg_created", "msg_wait"]

    sprint = eng.resume(session, msg("maybe"))  # Other loops back to the question
    assert texts(sprint.events) == ["Hi Ana, yes?"]
    assert session.status == "waiting"

    sprint = eng.resume(session, msg("oh YES"))
    assert texts(sprint.events) == ["You said YES (Yes)"]  # the match keeps its case
    assert session.status == "completed"
    assert session.runs[0].results["answer"]["value"] == "YES"
    assert [s["node_uuid"] for s in sprint.segments] == ["ask"]
    assert [step.node_uuid for step in session.runs[0].path] == ["ask", "ask", "done"]


def test_timeout_takes_the_timeout_category():
    eng = engine(question_flow())
    session, _ = eng.start(CONTACT, manual("flow-1", "Question"))
    sprint = eng.resume(session, {"type": "wait_timeout", "event": {"type": "wait_timed_out"}})
    assert session.status == "completed"
    assert session.runs[0].results["answer"]["category"] == "No Response"
    assert [e["type"] for e in sprint.events] == ["run_result_changed", "run_ended"]


def test_steps_limit_fails_the_session():
    loop = Node("loop", (), (Exit("x", "loop"),))
    eng = engine(Flow("flow-2", "Loop", (loop,)), limits=Limits(max_steps_per_sprint=10))
    session, sprint = eng.start(CONTACT, manual("flow-2", "Loop"))
    assert session.status == "failed"
    # as goflow: the failure event, then the run ends as failed
    assert [e["type"] for e in sprint.events[-2:]] == ["failure", "run_ended"]
    assert "maximum number of steps" in sprint.events[-2]["text"]
    assert sprint.events[-1]["status"] == "failed"


def test_sub_flow_runs_then_parent_continues():
    child = Flow("child", "Child", (Node("c1", (send("c-a", "in child"),), (Exit("cx"),)),))
    enter = ACTIONS["enter_flow"].from_json(
        {"uuid": "e1", "type": "enter_flow", "flow": {"uuid": "child", "name": "Child"}}
    )
    parent = Flow("parent", "Parent", (
        Node("p1", (enter,), (Exit("px", "p2"),)),
        Node("p2", (send("p-a", "back in @child.status parent"),), (Exit("py"),)),
    ))
    eng = engine(parent, child)
    session, sprint = eng.start(CONTACT, manual("parent", "Parent"))
    assert texts(sprint.events) == ["in child", "back in completed parent"]
    assert session.status == "completed"
    assert session.runs[1].parent is session.runs[0]


def test_expression_errors_become_error_events():
    flow = Flow("flow-3", "Err", (Node("n", (send("s", "a @(1 / 0) b"),), (Exit("x"),)),))
    eng = engine(flow)
    _, sprint = eng.start(CONTACT, manual("flow-3", "Err"))
    errors = [e for e in sprint.events if e["type"] == "error"]
    assert errors[0]["text"] == "Error evaluating expression: division by zero"
    assert errors[0]["extra"] == {"expression": "@(1 / 0)"}
    assert texts(sprint.events) == ["a  b"]


def test_sprints_limit_fails_the_session():
    eng = engine(question_flow(), limits=Limits(max_sprints_per_session=2))
    session, _ = eng.start(CONTACT, manual("flow-1", "Question"))
    eng.resume(session, msg("maybe"))  # sprint 2: loops back and waits again
    assert session.status == "waiting"
    sprint = eng.resume(session, msg("yes"))  # sprint 3: over the limit
    assert session.status == "failed"
    failure = next(e for e in sprint.events if e["type"] == "failure")
    assert failure["text"] == "Reached maximum number of sprints per session (2)"


def test_policy_is_pluggable():
    """A family decides what an input does; here one that ignores every input."""
    eng = engine(question_flow())

    class Deaf:
        def check(self, session, resume):
            pass

        def apply(self, rt, resume):
            rt.warning("not listening")
            rt.session.status = "waiting"

    session, _ = eng.start(CONTACT, manual("flow-1", "Question"))
    eng.family.policy = Deaf()
    sprint = eng.resume(session, msg("yes"))
    assert [e["type"] for e in sprint.events] == ["warning"]
    assert session.status == "waiting"
