"""Rasa conversations kept as JSON between turns go on exactly as if kept in memory."""

from __future__ import annotations

import pytest
import yaml

from turnflow.generators import SeededUUIDs, SequentialClock
from turnflow.rasa.engine import RasaEngine
from turnflow.rasa.session_json import RasaStateError, read_session, session_to_json

from .conftest import REPO

EXAMPLES = REPO / "examples" / "rasa"
# (its collect steps leave initial values alone: which slots were set is kept too; an
# absolute path, so EXAMPLES / BANK is BANK)
BANK = REPO / "tests" / "data" / "rasa_docs3" / "bank"


def conversations(project: str) -> list[list[str]]:
    out = []
    for path in sorted((EXAMPLES / project / "e2e_tests").glob("*.yml")):
        for case in yaml.safe_load(path.read_text())["test_cases"]:
            out.append([step["user"] for step in case["steps"] if "user" in step])
    return out


def talk(project: str, turns: list[str], stored: bool) -> list[tuple]:
    clock = SequentialClock()
    engine = RasaEngine.load(EXAMPLES / project, clock=clock, uuids=SeededUUIDs(1, clock))
    session = engine.new_session("ana")
    seen = []
    for text in turns:
        if stored:
            session = read_session(session_to_json(session), engine.family.flow)
        turn = engine.handle(session, text)
        seen.append(([b.get("text") for b in turn.bot], turn.slots, turn.flows, turn.stack,
                     dict(session.slots)))
    return seen


@pytest.mark.parametrize("project", ["transfer", "pizza", "booking", str(BANK)])
def test_stored_between_turns_is_the_same_conversation(project: str) -> None:
    cases = conversations(project)
    assert cases
    for turns in cases:
        assert talk(project, turns, stored=True) == talk(project, turns, stored=False)


def test_bad_state_says_what_is_wrong() -> None:
    engine = RasaEngine.load(EXAMPLES / "transfer")
    state = session_to_json(engine.new_session("ana"))
    with pytest.raises(RasaStateError, match="unknown state format"):
        read_session(dict(state, format=99), engine.family.flow)
    state["runs"] = [{"flow": "no_such_flow"}]
    with pytest.raises(RasaStateError, match="no_such_flow"):
        read_session(state, engine.family.flow)
    with pytest.raises(RasaStateError, match="can't be read"):
        read_session({"format": 1}, engine.family.flow)
