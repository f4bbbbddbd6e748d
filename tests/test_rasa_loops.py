"""Flows that loop: Rasa's circuit breakers (250 steps without an action, 1000 actions a
turn) stop them; turnflow stops them at the same limits and tells the user, as Rasa does for
the first (where Rasa says it twice) and not for the second (where Rasa goes silent for good).
What Rasa did is the recording tests/data/rasa_oracle/loops.jsonl (re-recorded by
tests/test_rasa_oracle.py where the oracle is installed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from turnflow.rasa.engine import RasaEngine

DATA = Path(__file__).resolve().parent / "data"
PROJECT = DATA / "rasa_loops"
ERROR = "Sorry, I am having trouble with that. Please try again in a few minutes."
ANYTHING_ELSE = "Is there anything else I can help you with?"


def rasa(case: str) -> list[dict[str, Any]]:
    for line in (DATA / "rasa_oracle" / "loops.jsonl").read_text().splitlines():
        recorded = json.loads(line)
        if recorded["test_case"] == case:
            return recorded["turns"]  # type: ignore[no-any-return]
    raise KeyError(case)


def test_steps_without_an_action_end_the_flow_with_an_error_message() -> None:
    engine = RasaEngine.load(PROJECT)
    session = engine.new_session()
    turn = engine.handle(session, "/spin")
    assert [b["text"] for b in turn.bot] == [ERROR, ANYTHING_ELSE]
    assert [w["text"] for w in turn.events if w["type"] == "warning"] == [
        "flow 'spin' loops (more than 250 steps without an action): stopped"]
    assert turn.flows == [
        ("started", "spin"), ("started", "pattern_internal_error"),
        ("completed", "pattern_internal_error"), ("completed", "spin"),
        ("started", "pattern_completed"), ("started", "pattern_collect_information")]
    assert dict(turn.slots) == {"laps": 0, "continue_conversation": None}
    # Rasa: the same, but its breaker trips twice and says the error twice
    recorded = rasa("spin")[0]
    assert [b["text"] for b in recorded["bot"]] == [ERROR, ERROR, ANYTHING_ELSE]
    assert recorded["slots"] == dict(turn.slots)
    assert [f.split(":")[0] for f in recorded["stack"]] == turn.stack
    turn = engine.handle(session, "/hours")  # and the conversation goes on, as in Rasa
    assert [b["text"] for b in turn.bot] == [b["text"] for b in rasa("spin")[1]["bot"]]


def test_a_turn_of_endless_actions_ends_with_an_error_message_not_silence() -> None:
    engine = RasaEngine.load(PROJECT)
    session = engine.new_session()
    assert [b["text"] for b in engine.handle(session, "/ask_again").bot] == ["Which color?"]
    turn = engine.handle(session, "/SetSlots(color=red)")  # back to a question answered
    assert [b["text"] for b in turn.bot] == [ERROR, ANYTHING_ELSE]
    assert "more than 1000 actions in one turn" in next(
        e["text"] for e in turn.events if e["type"] == "warning")
    assert [b["text"] for b in engine.handle(session, "/hours").bot] == [
        "Open all day.", ANYTHING_ELSE]
    # Rasa: silence, and nothing more from it in this conversation
    assert [turn["bot"] for turn in rasa("ask_again")[1:]] == [[], []]


def test_a_long_turn_without_a_loop_is_not_stopped(tmp_path: Path) -> None:
    # 200 steps, an action, 200 more, an action: over 250 in the turn, never between actions
    block = "\n".join(f"      - set_slots: [{{laps: {n}}}]" for n in range(200))
    (tmp_path / "data").mkdir()
    (tmp_path / "domain.yml").write_text(
        "intents: [go]\nslots:\n  laps: {type: float, mappings: [{type: controlled}]}\n"
        "responses:\n  utter_done: [{text: Done.}]\n")
    (tmp_path / "data" / "flows.yml").write_text(
        "flows:\n  long:\n    description: Many steps, an action, many more.\n"
        "    nlu_trigger: [{intent: go}]\n    run_pattern_completed: false\n"
        f"    steps:\n{block}\n      - action: utter_done\n{block}\n"
        "      - action: utter_done\n")
    engine = RasaEngine.load(tmp_path)
    turn = engine.handle(engine.new_session(), "/go")
    assert [b["text"] for b in turn.bot] == ["Done.", "Done."]
