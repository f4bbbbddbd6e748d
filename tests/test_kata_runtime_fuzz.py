"""Kata runtime: seeded random conversations with the example and test bots never fail but
with a one-line KataRuntimeError, and the session always stays consistent."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from turnflow.kata.engine import KataEngine
from turnflow.kata.runtime_errors import KataRuntimeError
from turnflow.kata.testing.clock import TestClock

REPO = Path(__file__).resolve().parent.parent
BOTS = [REPO / "examples" / "kata" / "pizza", REPO / "tests" / "data" / "kata" / "stack",
        REPO / "tests" / "data" / "kata" / "lifecycle", REPO / "tests" / "data" / "kata" / "nlus"]
WORDS = [
    "hi", "hello", "order", "pizza", "hawaiian", "large", "2", "yes", "no", "cancel", "menu",
    "faq", "side", "promo", "later", "go", "next", "quit", "twin", "guard", "name Ann",
    "size m", "cmd", "greet", "loop", "sticky", "deaf", "dup", "same", "equal", "what?", "",
    "bahasa indonesia", "reenter", "say hi", "write", "to jkt", "my name is Bo", "I am Cy",
]


def random_message(rng: random.Random) -> dict:
    roll = rng.random()
    if roll < 0.7:
        return {"type": "text", "content": " ".join(rng.sample(WORDS, rng.randint(1, 2)))}
    if roll < 0.85:
        return {"type": "data", "payload": rng.choice([{}, {"op": "order", "pizza": "Veggie"},
                                                       {"op": "claim"}, {"x": [1, None]}])}
    return {"type": "command", "content": rng.choice(["reenter", "next", "login", "again",
                                                      "remind", "x"])}


@pytest.mark.parametrize("bot", BOTS, ids=lambda path: path.name)
def test_random_conversations(bot: Path):
    clock = TestClock()
    engine = KataEngine(bot, clock=clock)
    engine.register_nlu_type("nl", lambda message, options, config: {"intent": "x"})
    flows = set(engine.bot.flows)
    rng = random.Random(7)
    for _ in range(8):
        session = engine.new_session("fuzz")
        for _ in range(40):
            if rng.random() < 0.1:
                clock.advance(rng.choice([1, 30, 61, 3600]))
                engine.fire_due(session)
            try:
                engine.converse(session, random_message(rng))
            except KataRuntimeError as error:
                assert "\n" not in str(error)
            assert session.flow is None or session.flow in flows
            assert set(session.stack) <= flows and session.flow not in session.stack
            conversation = session.conversation
            assert len(conversation.runs) == len(conversation.stack) <= len(flows)
            assert all(len(run.path) == 1 for run in conversation.stack)
