"""Kata runtime: state mapping (the order of the mappings, meta context, transitions,
floating states, what a mapping may write) and the exec endpoints
(tests/data/kata/lifecycle)."""

from __future__ import annotations

from pathlib import Path

import pytest

from turnflow.kata.engine import KataEngine
from turnflow.kata.model import Bot, Where
from turnflow.kata.reading import load_bot
from turnflow.kata.runtime_errors import KataRuntimeError
from turnflow.kata.testing.clock import TEST_START, TestClock

BOT = Path(__file__).parent / "data" / "kata" / "lifecycle"


@pytest.fixture(scope="module")
def engine() -> KataEngine:
    return KataEngine(BOT, clock=TestClock())


def say(engine: KataEngine, session, text: str) -> list[str]:
    result = engine.converse(session, {"type": "text", "content": text})
    return [r["content"] for r in result.responses]


def test_the_mappings_run_in_the_documented_order_with_the_meta_context(engine):
    session = engine.new_session("ann")
    # transit (of the initial state, $start and $init true), the transition's mapping, exit
    # ($to), then the next state's enter ($from; $start and $end of that state)
    assert say(engine, session, "go") == [
        "a transit:init:true:true;mapping;exit:a;enter:init:false:false;"]
    assert session.context["meta"] == {
        "flow": "main", "user": "ann", "last": None, "now": TEST_START.ns // 1_000_000}
    assert session.data == {"visits": 1}
    # the next message: $init is false now
    assert say(engine, session, "say hi") == ["a transit:a:false;enter:a:false:false;"]
    assert session.context["said"] == "hi"


def test_meta_context_is_not_kept_in_the_context(engine):
    session = engine.new_session("ann")
    say(engine, session, "go")
    assert not [key for key in session.context if key.startswith("$")]


def test_transitions_by_condition_priority_then_order(engine):
    session = engine.new_session("ann")
    say(engine, session, "go")
    assert say(engine, session, "next") == ["b"]  # priority 1 and written first
    session = engine.new_session("ann")
    say(engine, session, "go")
    assert say(engine, session, "twin") == ["c2"]  # equal priority: the first written


def test_the_fallback_transition_when_no_condition_holds(engine):
    session = engine.new_session("ann")
    say(engine, session, "go")
    assert say(engine, session, "say x")[0].startswith("a ")
    assert session.state == "a"


def test_a_floating_state_is_reachable_from_every_other_state(engine):
    for path in (["go"], ["go", "next"], ["go", "twin"]):
        session = engine.new_session("ann")
        for text in path:
            say(engine, session, text)
        before = session.state
        replies = say(engine, session, "quit")
        assert replies[0].startswith("bye ")
        assert session.data["quitFrom"] == before
        assert session.data["lastLog"].endswith(f"enter:{before}:true")
        assert (session.flow, session.context) == (None, {})  # an end state closes the flow


def test_last_flow_and_state_are_remembered(engine):
    session = engine.new_session("ann")
    say(engine, session, "go")
    say(engine, session, "quit")
    assert (session.last_flow, session.last_state) == ("main", "done")
    say(engine, session, "go")
    assert session.context["meta"]["last"] == "main"


def test_a_guardian_initial_state_is_revisited(engine):
    session = engine.new_session("ann")
    assert say(engine, session, "guard") == ["Your name?"]
    assert say(engine, session, "guard") == ["Your name?"]
    assert session.state == "askName"
    assert say(engine, session, "name Ann") == ["Hello Ann! false"]


def test_a_message_no_flow_takes_changes_nothing(engine):
    session = engine.new_session("ann")
    say(engine, session, "guard")
    result = engine.converse(session, {"type": "text", "content": "nonsense"})
    assert result.responses == []
    assert result.messages[0]["intent"] is None
    assert (session.flow, session.state) == ("guard", "askName")


def test_what_mappings_write(engine):
    session = engine.new_session("ann")
    assert say(engine, session, "write") == ["added yes 1 "]
    assert session.data["copy"] == {"b": {"c": 1}}


def test_data_is_the_sessions_and_context_the_flows(engine):
    one, two = engine.new_session("a"), engine.new_session("b")
    say(engine, one, "go")
    say(engine, two, "go")
    say(engine, one, "quit")
    assert one.data["visits"] == 1 and two.data["visits"] == 1
    assert two.context["log"]


def test_data_shared_through_a_data_key(engine):
    one = engine.new_session("a", data_key="k")
    two = engine.new_session("b", data_key="k")
    say(engine, one, "go")
    say(engine, two, "go")
    assert one.data is two.data and one.data["visits"] == 2


def test_a_session_starts_with_the_data_given(engine):
    given = {"visits": 10}
    session = engine.new_session("a", data=given)
    say(engine, session, "go")
    assert session.data["visits"] == 11 and given == {"visits": 10}


def test_mappings_may_not_write_config_or_meta_context():
    bot = load_bot(BOT)
    for target in ("config.x", "context.$flow", "somewhere"):
        broken = _with_mapping(bot, target)
        with pytest.raises(KataRuntimeError) as error:
            KataEngine(broken)
        assert "\n" not in str(error.value) and "bot.yml:" in str(error.value)


def _with_mapping(bot: Bot, target: str) -> Bot:
    from dataclasses import replace

    from turnflow.kata.model import Expression, MappingEntry, StateMapping

    flow = bot.flows["guard"]
    state = flow.states["askName"]
    mapping = StateMapping((MappingEntry(target, Expression("1", Where("bot.yml", 7)),
                                         Where("bot.yml", 7)),), None, Where("bot.yml", 7))
    states = dict(flow.states)
    states["askName"] = replace(state, enter=mapping)
    return replace(bot, flows={**bot.flows, "guard": replace(flow, states=states)})


# -- the exec endpoints ---------------------------------------------------------------------------


def test_exec_intent(engine):
    assert engine.exec_intent("main", {"type": "text", "content": "next"}) == {
        "intent": "next", "attributes": {}, "match": True}
    assert engine.exec_intent("main", {"type": "text", "content": "zzz"}) == {
        "intent": None, "attributes": {}, "match": False}


def test_exec_state_maps_without_actions(engine):
    result = engine.exec_state("main", "a", "next", {}, {"type": "text", "content": "next"},
                               {"log": ""}, {"n": 1})
    assert result == {"state": "b", "context": {"log": "transit:a:false;"}, "data": {"n": 1},
                      "end": False}
    result = engine.exec_state("main", "b", "quit", {}, {"type": "text", "content": "quit"},
                               {"log": "x;"}, {})
    assert result["state"] == "done" and result["end"] is True
    assert result["data"] == {"quitFrom": "b", "lastLog": "x;enter:b:true"}
    # no state: from the initial state
    result = engine.exec_state("main", None, "go", {}, {"type": "text", "content": "go"},
                               {}, {})
    assert result["state"] == "a" and result["data"] == {"visits": 1}


def test_exec_actions(engine):
    responses = engine.exec_actions("guard", "greet", "name", {}, None,
                                    {"name": "Bo"}, {})
    assert responses == [{"type": "text", "content": "Hello Bo! false", "action": "text",
                          "flow": "guard", "intent": "name"}]


def test_exec_flow(engine):
    result = engine.exec_flow("guard", None, {"type": "text", "content": "guard"}, {}, {})
    assert (result["state"], result["intent"], result["end"]) == ("askName", "start", False)
    assert [r["content"] for r in result["responses"]] == ["Your name?"]
    result = engine.exec_flow("guard", "askName", {"type": "text", "content": "name Cy"},
                              result["context"], result["data"])
    assert (result["state"], result["end"]) == ("greet", True)
    assert result["context"] == {"name": "Cy"}
    # an intent given with the message is taken as it is
    result = engine.exec_flow("main", "a", {"type": "text", "content": "?", "intent": "next"},
                              {}, {})
    assert result["state"] == "b" and result["intent"] == "next"


def test_exec_with_unknown_names(engine):
    with pytest.raises(KataRuntimeError, match="no flow 'nope'"):
        engine.exec_intent("nope", {"type": "text", "content": "x"})
    with pytest.raises(KataRuntimeError, match="no state 'nope'"):
        engine.exec_state("main", "nope", None, {}, None, {}, {})


# -- small bots written inline ------------------------------------------------------------------

HEADER = "schema: kata.ai/schema/kata-ml/1.0\nname: t\n"


def inline(tmp_path: Path, body: str) -> KataEngine:
    (tmp_path / "bot.yml").write_text(HEADER + body)
    return KataEngine(tmp_path, clock=TestClock())


def test_a_mapping_method_may_change_ctx_and_return_nothing(tmp_path):
    engine = inline(tmp_path, """
methods:
  count(ctx): "ctx.context.n = (ctx.context.n || 0) + 1; ctx.data.last = ctx.content;"
flows:
  f:
    intents:
      go: {initial: true, type: text}
    states:
      init:
        initial: true
        transitions: {s: {fallback: true, mapping: count}}
      s:
        enter: count
        action:
          name: text
          options: {text: "n=$(context.n) $(context.$init) $(context.$lastState)"}
        transitions: {s: {fallback: true}}
""")
    session = engine.new_session("u")
    assert [r["content"] for r in engine.converse(
        session, {"type": "text", "content": "a"}).responses] == ["n=2 true "]
    assert [r["content"] for r in engine.converse(
        session, {"type": "text", "content": "b"}).responses] == ["n=3 false s"]
    assert session.data == {"last": "b"}


def test_an_initial_state_that_is_also_an_end_state(tmp_path):
    engine = inline(tmp_path, """
flows:
  f:
    intents:
      go: {initial: true, type: text}
    states:
      only:
        initial: true
        end: true
        action: {name: text, options: {text: "at once"}}
""")
    session = engine.new_session("u")
    result = engine.converse(session, {"type": "text", "content": "x"})
    assert [r["content"] for r in result.responses] == ["at once"]
    assert session.flow is None and result.closed == [("f", "completed")]


def test_a_schedule_time_in_the_bots_timezone(tmp_path):
    engine = inline(tmp_path, """
timezone: 7
flows:
  f:
    intents:
      go: {initial: true, type: text}
      ring: {initial: true, type: command, condition: "content == 'ring'"}
    states:
      init:
        initial: true
        transitions:
          rang: "intent == 'ring'"
          set: {fallback: true}
      set:
        end: true
        action:
          name: schedule
          options: {id: r, message: {type: command, content: ring}, start: '2026-01-05 17:00'}
      rang:
        end: true
        action: {name: text, options: {text: ring}}
""")
    session = engine.new_session("u")
    engine.converse(session, {"type": "text", "content": "x"})
    # 17:00 at UTC+7 is 10:00 UTC, an hour after the test clock's start
    [due] = session.conversation.schedules
    assert due.due_ns == TEST_START.ns + 3600 * 10**9


def test_the_flow_meta_context_and_metadata(tmp_path):
    engine = inline(tmp_path, """
flows:
  f:
    intents:
      go: {initial: true, type: text}
    states:
      init:
        initial: true
        transitions: {s: {fallback: true}}
      s:
        enter:
          context.meta: "[context.$flow, context.$state, context.$sessionId, context.$channelId,
            context.$deploymentId, context.$userId, context.$dataKey, context.$timestamp,
            context.$now]"
        action:
          - name: text
            condition: metadata.channelType == 'line'
            options: {text: "on line"}
        transitions: {s: {fallback: true}}
""")
    clock = engine.clock
    session = engine.new_session("ann", channel_id="c1", deployment_id="d1", data_key="k1")
    start_ms = clock.now_ns() // 1_000_000
    clock.advance(5)
    result = engine.converse(session, {"type": "text", "content": "x",
                                       "metadata": {"channelType": "line"}})
    assert session.context["meta"] == [
        "f", "s", session.id, "c1", "d1", "ann", "k1", start_ms, start_ms + 5000]
    assert [r["content"] for r in result.responses] == ["on line"]
    assert session.record()["timestamp"] == start_ms + 5000
    clock.advance(1)
    result = engine.converse(session, {"type": "text", "content": "y"})
    assert session.context["meta"][7:] == [start_ms + 5000, start_ms + 6000]
    assert result.responses == []
