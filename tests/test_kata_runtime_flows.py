"""Kata runtime: flow selection and the flow stack (tests/data/kata/stack)."""

from __future__ import annotations

from pathlib import Path

import pytest

from turnflow.kata.engine import ConverseResult, KataEngine
from turnflow.kata.runtime_errors import KataRuntimeError
from turnflow.kata.testing.clock import TestClock

BOT = Path(__file__).parent / "data" / "kata" / "stack"


@pytest.fixture(scope="module")
def clock() -> TestClock:
    return TestClock()


@pytest.fixture(scope="module")
def engine(clock: TestClock) -> KataEngine:
    return KataEngine(BOT, clock=clock)


def say(engine: KataEngine, session, text: str) -> list[str]:
    result = engine.converse(session, {"type": "text", "content": text})
    return texts(result)


def texts(result: ConverseResult) -> list[str]:
    return [r.get("content") if r["type"] == "text" else r["type"] for r in result.responses]


def test_a_new_flow_starts_from_its_initial_state_without_its_actions(engine):
    session = engine.new_session("u1")
    assert say(engine, session, "order") == ["What size?"]
    assert (session.flow, session.state, session.stack) == ("order", "ask", [])
    assert session.context == {"asked": 1}  # init's transition mapping, then ask's enter


def test_the_current_flows_intents_come_first(engine):
    session = engine.new_session("u1")
    say(engine, session, "order")
    # "size large" is a non-initial intent of order: only the current flow takes it
    assert say(engine, session, "size large") == ["Order for size large."]
    assert (session.flow, session.state, session.stack, session.context) == (None, None, [], {})
    # with no flow open, it is nobody's intent: the fallback flow takes it
    assert say(engine, session, "size small") == ["Sorry."]


def test_held_flows_take_only_their_initial_intents(engine):
    session = engine.new_session("u1")
    say(engine, session, "order")
    say(engine, session, "side")
    # order's non-initial "answer" intent: order is on hold, so it doesn't take it
    assert say(engine, session, "size large") == ["Sorry.", "Side waits."]
    assert (session.flow, session.stack) == ("side", ["order"])


def test_a_current_flow_with_a_fallback_intent_keeps_every_message(engine):
    session = engine.new_session("u1")
    assert say(engine, session, "sticky") == ["Sticky 1."]
    assert say(engine, session, "faq") == ["Sticky 2."]  # not the faq flow
    assert (session.flow, session.stack) == ("sticky", [])


def test_a_flows_context_is_dropped_after_its_invalidate_time(engine, clock):
    session = engine.new_session("u1")
    say(engine, session, "sticky")
    say(engine, session, "x")
    assert session.context == {"seen": 2}
    clock.advance(2 * 3600)  # past 11:00
    assert say(engine, session, "x") == ["Sticky 1."]
    assert say(engine, session, "x") == ["Sticky 2."]  # once


def test_an_interrupting_flow_holds_the_current_one_and_reenter_brings_it_back(engine):
    session = engine.new_session("u1")
    say(engine, session, "order")
    result = engine.converse(session, {"type": "text", "content": "faq"})
    # faq answers and closes; order is current again and asks again (its reenter intent)
    assert texts(result) == ["FAQ answer.", "What size?"]
    assert [m.get("intent") for m in result.messages] == ["q", "reenter"]
    assert result.messages[1]["type"] == "command"
    assert result.responses[1]["intent"] == "reenter"
    assert (session.flow, session.state, session.stack) == ("order", "ask", [])
    assert session.context == {"asked": 2}


def test_a_held_flow_keeps_its_state_and_context(engine):
    session = engine.new_session("u1")
    say(engine, session, "order")
    assert say(engine, session, "side") == ["Side waits."]
    assert (session.flow, session.stack) == ("side", ["order"])
    assert session.contexts == {"order": {"asked": 1}, "side": {}}
    assert say(engine, session, "deaf") == ["Deaf waits."]
    assert session.stack == ["side", "order"]  # the most recent first


def test_a_flow_on_the_stack_selected_again_leaves_it_and_goes_on(engine):
    session = engine.new_session("u1")
    say(engine, session, "order")
    say(engine, session, "side")
    # order's initial intent again: order leaves the stack with its state and context
    assert say(engine, session, "order") == ["What size?"]
    assert (session.flow, session.state, session.stack) == ("order", "ask", ["side"])
    assert session.context == {"asked": 2}
    assert say(engine, session, "size s") == ["Order for size s.", "Side waits."]
    assert (session.flow, session.stack) == ("side", [])


def test_a_volatile_flow_is_closed_not_held(engine):
    session = engine.new_session("u1")
    assert say(engine, session, "hi") == ["Hi!"]
    result = engine.converse(session, {"type": "text", "content": "order"})
    assert texts(result) == ["What size?"]
    assert session.stack == []
    assert ("chat", "interrupted") in result.closed


def test_a_flow_expires_after_its_time_without_a_message(engine, clock):
    session = engine.new_session("u1")
    assert say(engine, session, "promo") == ["Offer!"]
    clock.advance(50)
    assert say(engine, session, "later") == ["Offer!"]
    clock.advance(50)  # 100 s since it opened, but 50 s since its last message
    assert say(engine, session, "yes") == ["Claimed."]
    say(engine, session, "promo")
    clock.advance(61)
    assert engine.due(session) == [{"kind": "expire", "flow": "promo"}]
    assert say(engine, session, "yes") == ["Sorry."]  # it was closed first, silently
    assert session.flow is None


def test_fire_due_closes_expired_flows(engine, clock):
    session = engine.new_session("u1")
    say(engine, session, "order")
    say(engine, session, "promo")
    clock.advance(60)
    result = engine.fire_due(session)
    assert result.closed == [("promo", "expired")]
    assert result.responses == []  # no reenter: nobody is told
    assert (session.flow, session.stack) == ("order", [])
    assert engine.due(session) == []


def test_a_held_flow_expires_too(engine, clock):
    session = engine.new_session("u1")
    say(engine, session, "promo")
    say(engine, session, "order")
    assert session.stack == ["promo"]
    clock.advance(61)
    assert say(engine, session, "size xl") == ["Order for size xl."]  # no reenter to promo
    assert (session.flow, session.stack) == (None, [])


def test_inactive_flows_are_never_selected(engine):
    session = engine.new_session("u1")
    assert say(engine, session, "hidden") == ["Sorry."]


def test_among_other_flows_the_flow_priority_decides_first(engine):
    session = engine.new_session("u1")
    # low's intent has priority 10, high's 0; high is the flow with the higher priority
    assert say(engine, session, "dup") == ["high"]


def test_among_equal_flows_the_intent_priority_then_the_first_written(engine):
    session = engine.new_session("u1")
    assert say(engine, session, "same") == ["first"]
    assert say(engine, session, "equal") == ["eq2"]


def test_a_reenter_the_uncovered_flow_does_not_take_is_dropped(engine):
    session = engine.new_session("u1")
    say(engine, session, "deaf")
    result = engine.converse(session, {"type": "text", "content": "faq"})
    assert texts(result) == ["FAQ answer."]  # not the fallback flow's "Sorry."
    assert result.messages[1]["content"] == "reenter"
    assert result.messages[1]["intent"] is None
    assert (session.flow, session.state) == ("deaf", "wait")


def test_a_command_action_reconverses_after_the_states_actions(engine):
    session = engine.new_session("u1")
    result = engine.converse(session, {"type": "text", "content": "cmd"})
    assert texts(result) == ["one", "still one", "two"]
    assert [(m["type"], m.get("intent")) for m in result.messages] == [
        ("text", "c"), ("command", "next")]
    assert result.messages[1]["payload"] == {"n": 2}
    assert session.flow is None


def test_a_command_from_an_end_state_opens_another_flow(engine):
    session = engine.new_session("u1")
    assert say(engine, session, "greet") == ["Hello!", "Password?"]
    assert session.flow == "login"
    assert say(engine, session, "secret") == ["Logged in."]


def test_max_recursion_stops_a_command_loop(engine):
    session = engine.new_session("u1")
    with pytest.raises(KataRuntimeError) as error:
        engine.converse(session, {"type": "text", "content": "loop"})
    text = str(error.value)
    assert "Max Recursion of 3 is reached" in text and "\n" not in text
    assert text.startswith(str(BOT / "bot.yml"))
    # the session is as it was before the converse
    assert (session.flow, session.stack, session.data) == (None, [], {})


def test_max_recursion_default_is_three():
    engine = KataEngine(BOT, config={"maxRecursion": None})  # (None: not a number)
    assert engine.family.max_recursion == 3


def test_a_data_message_and_the_message_types(engine):
    session = engine.new_session("u1")
    result = engine.converse(session, {"type": "data", "payload": {"op": "x"}})
    assert texts(result) == ["Sorry."]  # the fallback intent takes any type
    assert result.messages[0]["payload"] == {"op": "x"}


@pytest.mark.parametrize("message, problem", [
    ("hi", "a message is an object"),
    ({"type": "voice"}, "text, data or command"),
    ({"type": "text"}, "needs its content"),
    ({"type": "data", "payload": [1]}, "payload is an object"),
])
def test_bad_messages_are_refused_in_one_line(engine, message, problem):
    session = engine.new_session("u1")
    with pytest.raises(KataRuntimeError, match=problem):
        engine.converse(session, message)


def test_a_converse_costs_the_same_however_long_the_conversation(engine):
    session = engine.new_session("u1")
    say(engine, session, "order")
    for _ in range(50):
        say(engine, session, "faq")
        say(engine, session, "side")
        say(engine, session, "order")
    conversation = session.conversation
    # only the open flows are kept, each with its current step only
    assert len(conversation.runs) == len(conversation.stack) == 2
    assert all(len(run.path) == 1 for run in conversation.runs)


def test_a_session_saved_and_taken_up_again_goes_on_the_same(engine, clock):
    import json

    def script(session, other: KataEngine) -> list[list[str]]:
        return [say(other, session, text) for text in ("size m", "side", "order", "size s")]

    session = engine.new_session("u1", data={"lang": "id"})
    say(engine, session, "order")
    say(engine, session, "promo")
    say(engine, session, "side")
    record = json.loads(json.dumps(engine.save_session(session)))
    assert [flow["flow"] for flow in record["flows"]] == ["order", "promo", "side"]
    again = KataEngine(BOT, clock=clock).load_session(record)
    assert (again.flow, again.state, again.stack, again.contexts, again.data) == (
        session.flow, session.state, session.stack, session.contexts, session.data)
    assert again.id == session.id
    assert script(again, engine) == script(session, engine)
    assert again.record()["history"] == session.record()["history"]


def test_a_session_record_for_another_bot_is_refused(engine):
    record = engine.save_session(engine.new_session("u"))
    record["flows"] = [{"flow": "nope", "state": "x", "context": {}}]
    with pytest.raises(KataRuntimeError, match="flow 'nope' at state 'x'"):
        engine.load_session(record)
    with pytest.raises(KataRuntimeError, match="not a Kata session record"):
        engine.load_session({"flows": []})
