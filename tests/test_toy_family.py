"""A second family on the same engine core (tests/toy_family.py): plain-dict flows, Python
predicates, interrupts that hold a flow and take it up again, input to sessions that are not
waiting — and the core itself importing nothing of goflow's or Excellent's."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from turnflow.core import EngineError, Limits

from .toy_family import toy_engine

CORE = Path(__file__).resolve().parent.parent / "src" / "turnflow" / "core"


def valid_size(slots):
    return slots["size"] in ("small", "large")


FLOWS = {
    "pizza": {
        "keyword": "pizza",
        "steps": [
            {"id": "size", "say": "Small or large?", "ask": "size",
             "next": [[valid_size, "name"], [None, "size"]]},
            {"id": "name", "say": "Your name?", "ask": "name"},
            {"id": "done", "say": "One {size} pizza for {name}."},
        ],
    },
    "help": {
        "keyword": "help",
        "steps": [{"id": "help", "say": "Answer the question, or say pizza to order."}],
    },
    "survey": {
        "keyword": "survey",
        "steps": [
            {"id": "score", "say": "Score us 1-5?", "ask": "score"},
            {"id": "thanks", "say": "Thanks for {score}."},
        ],
    },
}


def said(sprint):
    return [e["text"] for e in sprint.events if e["type"] == "bot_said"]


def types(sprint):
    return [e["type"] for e in sprint.events]


def stack(session):
    return [run.flow.uuid for run in session.stack]


def test_a_flow_runs_with_predicates_and_slots():
    engine = toy_engine(FLOWS)
    session, sprint = engine.start({"name": "Ana"}, "pizza")
    assert said(sprint) == ["Small or large?"]
    assert types(sprint) == ["run_started", "bot_said", "waiting_for"]
    assert session.status == "waiting"

    sprint = engine.resume(session, {"text": "huge"})  # the predicate fails: asked again
    assert said(sprint) == ["Small or large?"]
    sprint = engine.resume(session, {"text": "large"})
    assert said(sprint) == ["Your name?"]
    sprint = engine.resume(session, {"text": "Ana"})
    assert said(sprint) == ["One large pizza for Ana."]
    assert types(sprint)[-1] == "run_ended" and session.status == "completed"
    assert [step.node_uuid for step in session.runs[0].path] == ["size", "size", "name", "done"]
    assert session.runs[0].path[0].exit_uuid == "size-exit-1"  # the retry exit
    assert [s["node_uuid"] for s in sprint.segments] == ["name"]


def test_an_interrupt_holds_the_flow_and_takes_it_up_again():
    engine = toy_engine(FLOWS)
    session, _ = engine.start({}, "pizza")
    engine.resume(session, {"text": "small"})
    pizza = session.top

    sprint = engine.resume(session, {"text": "help"})
    assert said(sprint) == ["Answer the question, or say pizza to order.", "Your name?"]
    help_run = session.runs[1]
    assert [e["run_uuid"] for e in sprint.events if e["type"] in ("run_started", "run_ended")] == [
        help_run.uuid,
        help_run.uuid,
    ]
    assert "parent_uuid" not in sprint.events[0]  # an interrupt, not a sub-flow
    assert stack(session) == ["pizza"] and session.top is pizza and pizza.status == "waiting"

    sprint = engine.resume(session, {"text": "Bo"})
    assert said(sprint) == ["One small pizza for Bo."]
    assert session.status == "completed" and session.stack == []


def test_an_interrupting_flow_that_waits_keeps_the_held_one_below():
    engine = toy_engine(FLOWS)
    session, _ = engine.start({}, "pizza")
    sprint = engine.resume(session, {"text": "survey"})
    assert said(sprint) == ["Score us 1-5?"]
    assert stack(session) == ["pizza", "survey"]
    assert [run.status for run in session.stack] == ["active", "waiting"]  # pizza is on hold

    sprint = engine.resume(session, {"text": "5"})  # answers the survey, not the pizza
    assert said(sprint) == ["Thanks for 5.", "Small or large?"]
    assert session.slots == {"score": "5"} and stack(session) == ["pizza"]


def test_the_policy_acts_on_a_session_that_is_not_waiting():
    engine = toy_engine(FLOWS)
    session, _ = engine.start({}, "help")
    assert session.status == "completed" and session.top is None

    sprint = engine.resume(session, {"text": "what now?"})  # nothing starts: said so
    assert types(sprint) == ["nothing_to_do"] and session.status == "completed"

    sprint = engine.resume(session, {"text": "pizza"})  # a keyword starts a flow again
    assert said(sprint) == ["Small or large?"]
    assert session.status == "waiting" and len(session.runs) == 2 and session.sprints == 3


def test_bad_input_is_refused_before_anything_changes():
    engine = toy_engine(FLOWS)
    session, _ = engine.start({}, "pizza")
    with pytest.raises(EngineError, match="toy input"):
        engine.resume(session, "large")
    assert session.sprints == 1 and session.status == "waiting"
    with pytest.raises(EngineError, match="not known"):
        engine.start({}, "nope")


def test_core_limits_and_neutral_events_serve_the_toy_family():
    loop = {"loop": {"steps": [{"id": "a", "say": "again", "next": [[None, "a"]]}]}}
    engine = toy_engine(loop, limits=Limits(max_steps_per_sprint=5))
    session, sprint = engine.start({}, "loop")
    assert said(sprint) == ["again"] * 5
    assert types(sprint)[-2:] == ["failure", "run_ended"]
    assert sprint.events[-2]["text"] == "Reached maximum number of steps per sprint (5)"
    assert session.status == "failed"

    engine = toy_engine(FLOWS, limits=Limits(max_sprints_per_session=2))
    session, _ = engine.start({}, "pizza")
    engine.resume(session, {"text": "x"})
    sprint = engine.resume(session, {"text": "x"})
    assert types(sprint) == ["failure", "run_ended"] and session.status == "failed"


def test_a_failing_predicate_is_an_error_event_not_a_crash():
    fails = [[lambda slots: slots["missing"], "b"], [None, None]]
    flows = {"f": {"steps": [{"id": "a", "say": "hi", "next": fails}, {"id": "b", "say": "never"}]}}
    session, sprint = toy_engine(flows).start({}, "f")
    assert types(sprint) == ["run_started", "bot_said", "error", "run_ended"]
    assert session.status == "completed"


def test_the_toy_family_runs_without_goflow_or_excellent():
    code = (
        "import sys\n"
        "from tests.toy_family import toy_engine\n"
        "from tests.test_toy_family import FLOWS\n"
        "engine = toy_engine(FLOWS)\n"
        "session, _ = engine.start({}, 'pizza')\n"
        "for text in ('help', 'large', 'Ana'):\n"
        "    engine.resume(session, {'text': text})\n"
        "assert session.status == 'completed', session.status\n"
        "families = ('turnflow.goflow', 'turnflow.expressions')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(families))\n"
        "print(loaded)\n"
    )
    root = CORE.parent.parent.parent
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_core_imports_nothing_from_goflow_or_expressions():
    for path in sorted(CORE.glob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                module = "." * node.level + (node.module or "")
                names = [module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                where = f"{path.name}: {name}"
                assert not name.lstrip(".").startswith(("goflow", "expressions")), where
                assert "turnflow.goflow" not in name and "turnflow.expressions" not in name, where
    code = "import sys, turnflow.core; print([m for m in sys.modules if m.startswith('turnflow.')])"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    loaded = run.stdout
    assert run.returncode == 0 and "turnflow.core" in loaded, run.stderr
    assert "turnflow.goflow" not in loaded and "turnflow.expressions" not in loaded
