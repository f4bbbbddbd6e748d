"""The run stack: every operation the flow families need (goflow, Rasa frames, Kata stack)."""

from __future__ import annotations

import pytest

from turnflow.core import Exit, Flow, Node, Run, Session, StackError, Step
from turnflow.generators import NanoTime

T0 = NanoTime(0)
FLOW = Flow("f1", "Flow", (Node("n1", (), (Exit("e1", "n2"),)), Node("n2", (), (Exit("e2"),))))


def make_session() -> tuple[Session, list[Run]]:
    session = Session(uuid="s", type="messaging", created_on=T0, trigger={}, contact={"uuid": "c"})
    runs = [Run(uuid=f"r{i}", flow=FLOW, created_on=T0) for i in range(3)]
    return session, runs


def test_push_and_pop():
    session, (a, b, _) = make_session()
    session.push(a)
    session.push(b)
    assert session.top is b
    assert session.pop() is b
    assert session.top is a
    assert session.runs == [a, b]  # the record keeps every run
    session.pop()
    with pytest.raises(StackError, match="empty"):
        session.pop()


def test_push_below_the_top():
    session, (a, b, c) = make_session()
    session.push(a)
    session.push(b)
    session.push_below(c)
    assert [r.uuid for r in session.stack] == ["r0", "r2", "r1"]
    assert session.top is b


def test_push_below_on_empty_stack():
    session, (a, _, _) = make_session()
    session.push_below(a)
    assert session.top is a


def test_remove_and_move_to_top():
    session, (a, b, c) = make_session()
    for run in (a, b, c):
        session.push(run)
    session.move_to_top(a)
    assert [r.uuid for r in session.stack] == ["r1", "r2", "r0"]
    session.remove(c)
    assert [r.uuid for r in session.stack] == ["r1", "r0"]
    with pytest.raises(StackError, match="not on the session's run stack"):
        session.remove(c)


def test_rewind_to_an_earlier_node():
    session, (a, _, _) = make_session()
    a.path = [Step("n1", T0, "e1"), Step("n2", T0, "e2"), Step("n1", T0, "e1"), Step("n2", T0)]
    session.rewind(a, "n1")
    assert [s.node_uuid for s in a.path] == ["n1", "n2", "n1"]
    assert a.path[-1].exit_uuid is None
    record = a.record()
    assert [(s["node_uuid"], s["exit_uuid"]) for s in record["steps"]] == [
        ("n1", "e1"), ("n2", "e2"), ("n1", None)]
    assert record["uuid"] == "r0" and record["steps"][0]["arrived_on"]
    with pytest.raises(StackError, match="never been at node"):
        session.rewind(a, "n9")
