"""Kata runtime: what goes wrong is one line naming the flow, state or action and file:line,
and a converse that fails leaves the session as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from turnflow.kata.engine import KataEngine
from turnflow.kata.runtime_errors import KataRuntimeError
from turnflow.kata.testing.clock import TestClock

HEADER = "schema: kata.ai/schema/kata-ml/1.0\nname: t\n"


def make(tmp_path: Path, body: str) -> KataEngine:
    (tmp_path / "bot.yml").write_text(HEADER + body)
    return KataEngine(tmp_path, clock=TestClock())


FLOW = """
flows:
  main:
    intents:
      go: {initial: true, type: text, condition: "content == 'go'"}
      any: {type: text}
    states:
      init:
        initial: true
        transitions:
          ask: {fallback: true, mapping: {context.n: 1}}
      ask:
        action: {name: text, options: {text: "asked"}}
        transitions:
          %s
"""


def test_an_expression_that_does_not_parse_is_refused_when_the_engine_is_made(tmp_path):
    with pytest.raises(KataRuntimeError) as error:
        make(tmp_path, FLOW % "ask: {condition: 'intent == (', fallback: false}")
    text = str(error.value)
    assert text.startswith(f"{tmp_path / 'bot.yml'}:17: ")
    assert "flow 'main' state 'ask' transition to 'ask'" in text and "does not parse" in text
    assert "\n" not in text


def test_no_transition_and_no_fallback(tmp_path):
    engine = make(tmp_path, FLOW % "ask: \"content == 'again'\"")
    session = engine.new_session("u")
    engine.converse(session, {"type": "text", "content": "go"})
    with pytest.raises(KataRuntimeError) as error:
        engine.converse(session, {"type": "text", "content": "other"})
    text = str(error.value)
    assert "flow 'main' state 'ask': no transition holds" in text
    assert text.startswith(f"{tmp_path / 'bot.yml'}:14: ")
    assert error.value.reply == {"type": "text", "content": "Maaf terjadi kesalahan pada sistem",
                                 "action": None}
    # the session is as it was: the flow, its state and context
    assert (session.flow, session.state, session.context) == ("main", "ask", {"n": 1})


def test_the_bots_error_message(tmp_path):
    config = "config: {defaultErrorMessage: Oops}\n"
    engine = make(tmp_path, config + FLOW % "ask: \"content == 'z'\"")
    session = engine.new_session("u")
    engine.converse(session, {"type": "text", "content": "go"})
    with pytest.raises(KataRuntimeError) as error:
        engine.converse(session, {"type": "text", "content": "other"})
    assert error.value.reply["content"] == "Oops"


def test_a_condition_that_throws_is_false_with_a_warning(tmp_path):
    engine = make(tmp_path, FLOW % "ask: {condition: 'payload.a.b.c', priority: 1}\n"
                                   "          ask2: {fallback: true}\n"
                                   "      ask2:\n"
                                   "        action: {name: text, options: {text: two}}\n"
                                   "        transitions: {ask2: {fallback: true}}")
    session = engine.new_session("u")
    engine.converse(session, {"type": "text", "content": "go"})
    result = engine.converse(session, {"type": "text", "content": "x"})
    assert [r["content"] for r in result.responses] == ["two"]
    [warning] = result.warnings
    assert warning.startswith(f"{tmp_path / 'bot.yml'}:17: ")
    assert "payload.a.b.c" in warning and "taken as false" in warning


def test_a_template_reading_a_property_of_undefined_prints_nothing(tmp_path):
    body = FLOW % "ask: {fallback: true}"
    body = body.replace('options: {text: "asked"}', 'options: {text: "[$(data.x.y)]"}')
    engine = make(tmp_path, body)
    result = engine.converse(engine.new_session("u"), {"type": "text", "content": "go"})
    assert [r["content"] for r in result.responses] == ["[]"]


def test_a_template_that_fails_fails_the_converse(tmp_path):
    body = FLOW % "ask: {fallback: true}"
    body = body.replace('options: {text: "asked"}', 'options: {text: "$(data.x())"}')
    engine = make(tmp_path, body)
    session = engine.new_session("u", data={"kept": True})
    with pytest.raises(KataRuntimeError) as error:
        engine.converse(session, {"type": "text", "content": "go"})
    text = str(error.value)
    assert "flow 'main' state 'ask' action 'text'" in text and "data.x()" in text
    assert text.startswith(f"{tmp_path / 'bot.yml'}:")
    assert (session.flow, session.stack, session.data) == (None, [], {"kept": True})


def test_a_mapping_method_that_throws_names_the_mapping(tmp_path):
    body = FLOW % "ask: {fallback: true}"
    body = body.replace("mapping: {context.n: 1}", "mapping: broken")
    body += "    methods:\n      broken(ctx): \"throw new Error('nope')\"\n"
    engine = make(tmp_path, body)
    with pytest.raises(KataRuntimeError) as error:
        engine.converse(engine.new_session("u"), {"type": "text", "content": "go"})
    text = str(error.value)
    assert "flow 'main' state 'init' transition to 'ask': mapping" in text
    assert "method 'broken'" in text and "nope" in text and "\n" not in text


def test_a_mapping_value_that_fails(tmp_path):
    body = FLOW % "ask: {fallback: true}"
    body = body.replace("mapping: {context.n: 1}", "mapping: {context.n: 'attributes.a.b'}")
    engine = make(tmp_path, body)
    with pytest.raises(KataRuntimeError, match="context.n 'attributes.a.b' failed"):
        engine.converse(engine.new_session("u"), {"type": "text", "content": "go"})


def test_an_unknown_action_or_method(tmp_path):
    body = FLOW % "ask: {fallback: true}"
    with pytest.raises(KataRuntimeError, match="action 'nothing': no action of that name"):
        make(tmp_path, body.replace("name: text, options", "name: nothing, options"))
    engine = make(tmp_path, body.replace("mapping: {context.n: 1}", "mapping: missing"))
    with pytest.raises(KataRuntimeError, match="method 'missing' is not defined"):
        engine.converse(engine.new_session("u"), {"type": "text", "content": "go"})


def test_a_failed_converse_leaves_schedules_and_held_flows_alone(tmp_path):
    body = """
flows:
  a:
    intents:
      go: {initial: true, type: text, condition: "content == 'a'"}
    states:
      init:
        initial: true
        transitions: {w: {fallback: true}}
      w:
        action: [{name: later}]
        transitions: {w: {fallback: true}}
    actions:
      later:
        type: schedule
        options: {id: s, message: {type: command, content: s}, start: 1}
  b:
    intents:
      go: {initial: true, type: text, condition: "content == 'b'"}
    states:
      init:
        initial: true
        transitions: {w: {fallback: true, mapping: {data.x: 'data.missing.field'}}}
      w:
        end: true
"""
    engine = make(tmp_path, body)
    session = engine.new_session("u")
    engine.converse(session, {"type": "text", "content": "a"})
    before = session.record()
    with pytest.raises(KataRuntimeError):
        engine.converse(session, {"type": "text", "content": "b"})
    assert session.record() == before
    assert (session.flow, session.stack) == ("a", [])
