"""The Kata test readers (four spec schemas, conversation tests), partial matching and the
runner, on an engine stand-in that records what it was asked (the real engine runs the
example bots in tests/test_kata_examples.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from turnflow.kata.testing import (
    TestClock,
    TestFileError,
    first_difference,
    read_conversation_file,
    read_spec_file,
)
from turnflow.kata.testing.runner import run_conversations, run_spec_suite


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# -- matching --

@pytest.mark.parametrize("expected, actual", [
    ({"a": 1}, {"a": 1, "b": 2}),
    ({"a": {"b": "x"}}, {"a": {"b": "x", "c": 1}}),
    ([{"action": "ask"}], [{"action": "ask", "type": "text"}, {"action": "more"}]),
    ({"n": 26}, {"n": 26.0}),
    ({"gone": None}, {}),
    ({"gone": None}, {"gone": None}),
    ({}, {"anything": 1}),
])  # fmt: skip
def test_partial_matches(expected: Any, actual: Any) -> None:
    assert first_difference(expected, actual) is None


@pytest.mark.parametrize("expected, actual, difference", [
    ({"a": 1}, {"a": 2}, "a: expected 1, got 2"),
    ({"a": "1"}, {"a": 1}, 'a: expected "1", got 1'),
    ({"a": True}, {"a": 1}, "a: expected true, got 1"),
    ({"a": {"b": "x"}}, {"a": {}}, 'a.b: expected "x", got nothing'),
    ({"r": [{"x": 1}, {"x": 2}]}, {"r": [{"x": 1}]},
     'r[1]: expected {"x": 2}, got nothing (only 1 item)'),
    ({"r": [{"x": 1}]}, {"r": [{"x": 3}]}, "r[0].x: expected 1, got 3"),
    ({"a": None}, {"a": 0}, "a: expected null, got 0"),
    ({"a": [1]}, {"a": {"0": 1}}, 'a: expected [1], got {"0": 1}'),
])  # fmt: skip
def test_differences_say_where(expected: Any, actual: Any, difference: str) -> None:
    assert first_difference(expected, actual) == difference


# -- spec files --

def test_each_schema_and_both_spellings(tmp_path: Path) -> None:
    for n, (spelling, kind) in enumerate([("kata-ml", "intents"), ("kataml", "states"),
                                          ("kata-ml", "actions"), ("kataml", "flow")]):
        state = "    state: s\n" if kind in ("states", "actions") else ""
        path = write(tmp_path, f"f{n}.spec.yml", f"""\
schema: kata.ai/schema/{spelling}/1.0/test/{kind}
flow: f
test:
  one:
{state}    expect: {{}}
""")
        assert read_spec_file(path).kind == kind


def test_spec_fields_defaults_and_merging(tmp_path: Path) -> None:
    path = write(tmp_path, "welcome_states.spec.yml", """\
schema: kata.ai/schema/kata-ml/1.0/test/states
desc: Welcome
flow: welcome
context: {a: 1, b: 1}
data: {lang: en}
test:
  'goes on':
    state: langSel
    intent: selectLanguage
    attributes:
      language: english
    context: {b: 2}
    message:
      type: text
      content: 'english please'
    expect:
      data:
        lang: en
      state: mainMenu
  'no message':
    state: langSel
    expect: {end: false}
""")
    suite = read_spec_file(path)
    first, second = suite.cases
    assert (suite.flow, suite.desc, first.name) == ("welcome", "Welcome", "goes on")
    assert first.where.endswith("welcome_states.spec.yml:7")
    assert first.context == {"a": 1, "b": 2} and first.data == {"lang": "en"}
    assert first.attributes == {"language": "english"} and first.intent == "selectLanguage"
    assert first.message == {"type": "text", "content": "english please", "payload": {}}
    assert second.message == {"type": "text", "content": "", "payload": {}}  # kata-cli's default


def test_actions_expect_both_forms(tmp_path: Path) -> None:
    path = write(tmp_path, "a.spec.yml", """\
schema: kata.ai/schema/kata-ml/1.0/test/actions
flow: welcome
test:
  listed:
    state: mainMenu
    expect:
      - action: sendMainMenu
  keyed:
    state: mainMenu
    expect:
      responses:
        - action: sendMainMenu
""")
    listed, keyed = read_spec_file(path).cases
    assert listed.expect == [{"action": "sendMainMenu"}]
    assert keyed.expect == {"responses": [{"action": "sendMainMenu"}]}


def test_the_docs_flow_spec_example_under_the_actions_schema_is_a_flow_spec(
        tmp_path: Path) -> None:
    path = write(tmp_path, "welcome_flow.spec.yml", """\
schema: kata.ai/schema/kata-ml/1.0/test/actions
desc: Welcome State Test
flow: welcome
state: initialState
context: # initial context
data: # initial data
test:
  'should select langauge':
    message:
      type: text
      content: 'english please'
    expect:
      state: mainMenu
      intent: selectLanguage
""")
    suite = read_spec_file(path)
    assert (suite.kind, suite.state) == ("flow", "initialState")
    assert suite.cases[0].expect == {"state": "mainMenu", "intent": "selectLanguage"}
    # a real actions spec stays one, also when the suite gives the state for all its tests
    path = write(tmp_path, "a.spec.yml", "schema: kata.ai/schema/kata-ml/1.0/test/actions\n"
                 "flow: f\ntest:\n  t:\n    state: s\n    expect: [{action: a}]\n")
    assert read_spec_file(path).kind == "actions"
    path = write(tmp_path, "b.spec.yml", "schema: kata.ai/schema/kata-ml/1.0/test/actions\n"
                 "flow: f\nstate: s\ntest:\n  t:\n    expect: {responses: [{action: a}]}\n")
    suite = read_spec_file(path)
    assert suite.kind == "actions" and suite.cases[0].state == "s"


@pytest.mark.parametrize("text, where, message", [
    ("schema: kata.ai/schema/kata-ml/1.0/test/nope\nflow: f\ntest: {a: {expect: {}}}\n", 1,
     "not a Kata test spec: 'kata.ai/schema/kata-ml/1.0/test/nope'"),
    ("schema: kata.ai/schema/kata-ml/1.0/test/intents\ntest: {a: {expect: {}}}\n", 1,
     "flow must be a non-empty string"),
    ("schema: kata.ai/schema/kata-ml/1.0/test/intents\nflow: f\ntest:\n  a:\n    expect: {}\n"
     "    mesage: {}\n", 6, "test 'a': unknown key 'mesage'"),
    ("schema: kata.ai/schema/kata-ml/1.0/test/intents\nflow: f\ntest:\n  a:\n"
     "    expect: {intnet: x}\n", 5, "test 'a': expect: unknown key 'intnet'"),
    ("schema: kata.ai/schema/kata-ml/1.0/test/states\nflow: f\ntest:\n  a:\n    expect: {}\n",
     4, "test 'a': state must be a non-empty string"),
    ("schema: kata.ai/schema/kata-ml/1.0/test/flow\nflow: f\ntest:\n  a:\n    message:\n"
     "      type: txt\n    expect: {}\n", 6, "message type must be text, data or command"),
    ("schema: kata.ai/schema/kata-ml/1.0/test/flow\nflow: f\ntest:\n  a:\n    message: {}\n",
     4, "test 'a' has no expect"),
    ("schema: [unclosed\n", 2, "invalid YAML"),
])  # fmt: skip
def test_broken_spec_files_say_file_and_line(tmp_path: Path, text: str, where: int,
                                             message: str) -> None:
    path = write(tmp_path, "x.spec.yml", text)
    with pytest.raises(TestFileError) as caught:
        read_spec_file(path, "x.spec.yml")
    error = str(caught.value)
    assert error.startswith(f"x.spec.yml:{where}: "), error
    assert message in error and "\n" not in error


# -- conversation files --

CONVERSATIONS = """\
bot: ../bot
conversations:
  - name: an order
    data: {lang: en}
    steps:
      - user: hi
      - bot: Hello! Which pizza?
      - bot: {type: data, payload: {template_type: button}}
      - expect: {flow: order, state: askSize, stack: [faq], context: {size: large}}
      - wait: 120
      - user: {type: data, payload: {op: order}}
      - bot: 42
      - user: 2
"""


def test_conversation_file(tmp_path: Path) -> None:
    path = write(tmp_path, "c.yml", CONVERSATIONS)
    tests = read_conversation_file(path)
    assert tests.bot == str(tmp_path / "../bot")
    (conversation,) = tests.conversations
    assert conversation.name == "an order" and conversation.data == {"lang": "en"}
    kinds = [(step.kind, step.value) for step in conversation.steps]
    assert kinds == [
        ("user", {"type": "text", "content": "hi"}),
        ("bot", "Hello! Which pizza?"),
        ("bot", {"type": "data", "payload": {"template_type": "button"}}),
        ("expect", {"flow": "order", "state": "askSize", "stack": ["faq"],
                    "context": {"size": "large"}}),
        ("wait", 120),
        ("user", {"type": "data", "payload": {"op": "order"}}),
        ("bot", "42"),
        ("user", {"type": "text", "content": "2"}),
    ]
    assert conversation.steps[4].where == f"{path}:10"


@pytest.mark.parametrize("text, where, message", [
    ("conversations: []\n", 1, "conversations must be a non-empty list"),
    ("conversations:\n  - steps: []\n", 2, "steps must be a non-empty list"),
    ("conversations:\n  - steps:\n      - usr: hi\n", 3, "unknown step 'usr'"),
    ("conversations:\n  - steps:\n      - user: hi\n        bot: x\n", 3, "a step has one key"),
    ("conversations:\n  - steps:\n      - wait: soon\n", 3, "wait: must be a number"),
    ("conversations:\n  - steps:\n      - expect: {flw: a}\n", 3, "unknown key 'flw'"),
    ("conversations:\n  - steps:\n      - expect: {stack: faq}\n", 3, "expect stack: must be"),
    ("conversations:\n  - steps:\n      - user: {type: picture}\n", 3, "message type must be"),
    ("conversations:\n  - steps:\n      - bot: [a]\n", 3, "bot: must be a text"),
    ("conversations:\n  - nam: x\n    steps: [{user: hi}]\n", 2, "unknown key 'nam'"),
    ("bot: 3\nconversations:\n  - steps: [{user: hi}]\n", 1, "bot must be the path"),
])  # fmt: skip
def test_broken_conversation_files_say_file_and_line(tmp_path: Path, text: str, where: int,
                                                     message: str) -> None:
    path = write(tmp_path, "c.yml", text)
    with pytest.raises(TestFileError) as caught:
        read_conversation_file(path, "c.yml")
    error = str(caught.value)
    assert error.startswith(f"c.yml:{where}: "), error
    assert message in error and "\n" not in error


# -- the runner, on a stand-in engine --

@dataclass
class FakeResult:
    responses: list[dict[str, Any]]


@dataclass
class FakeSession:
    data: dict[str, Any]
    flow: str | None = None
    state: str | None = None
    stack: list[str] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)


class FakeEngine:
    """Echoes: a text "say A|B" answers texts A and B; "fail" raises; due messages come
    after a wait of 60 s or more."""

    def __init__(self, clock: TestClock) -> None:
        self.clock = clock
        self.calls: list[tuple[Any, ...]] = []

    def new_session(self, user_id: str, data: dict[str, Any] | None = None) -> FakeSession:
        return FakeSession(data=data or {})

    def converse(self, session: FakeSession, message: dict[str, Any]) -> FakeResult:
        content = message.get("content") or ""
        if content == "fail":
            from turnflow.kata.runtime_errors import KataRuntimeError
            raise KataRuntimeError("method 'boom' threw: nope", "bot.yml:3")
        session.flow, session.state = "order", content
        session.context = {"last": content}
        said = content[4:].split("|") if content.startswith("say ") else []
        return FakeResult([{"type": "text", "content": text, "action": "say"} for text in said])

    def fire_due(self, session: FakeSession) -> FakeResult:
        self.calls.append(("fire_due", self.clock.now_ns()))
        waited = self.clock.now_ns() - TestClock().now_ns()
        late = waited >= 60 * 10**9
        return FakeResult([{"type": "text", "content": "reminder"}] if late else [])

    def exec_flow(self, flow: str, state: str | None, message: dict[str, Any],
                  context: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        self.calls.append(("exec_flow", state, dict(context), dict(data), message))
        count = context.get("count", 0) + 1
        return {"state": f"s{count}", "intent": message.get("intent"), "end": count == 2,
                "context": {**context, "count": count}, "data": {**data, "seen": count},
                "responses": [{"type": "text", "content": message.get("content")}]}

    def exec_intent(self, flow: str, message: dict[str, Any], context: Any = None,
                    data: Any = None) -> dict[str, Any]:
        return {"intent": "greet" if message.get("content") == "hi" else None,
                "match": message.get("content") == "hi", "attributes": {}}

    def exec_actions(self, flow: str, state: str, intent: Any, attributes: Any,
                     message: Any, context: Any, data: Any) -> list[dict[str, Any]]:
        return [{"type": "text", "content": "hello", "action": "sayHello"}]


def run_conversation_text(tmp_path: Path, text: str) -> list[Any]:
    clock = TestClock()
    engine = FakeEngine(clock)
    tests = read_conversation_file(write(tmp_path, "c.yml", text), "c.yml")
    return list(run_conversations(engine, clock, tests))


def test_conversation_passes(tmp_path: Path) -> None:
    (outcome,) = run_conversation_text(tmp_path, """\
conversations:
  - name: ok
    steps:
      - user: say one|two
      - bot: one
      - bot: {action: say, content: two}
      - expect: {flow: order, state: say one|two, stack: [], context: {last: say one|two}}
      - wait: 61
      - bot: reminder
""")
    assert outcome.passed, outcome.message
    assert outcome.name == "c.yml:2 ok"


@pytest.mark.parametrize("steps, message", [
    ("      - user: say one|two\n      - bot: one\n      - user: hi\n",
     'before c.yml:6: the bot also said "two", which no bot: step matched'),
    ("      - user: say one\n",
     'at the end: the bot also said "one", which no bot: step matched'),
    ("      - user: say one\n      - bot: two\n",
     'c.yml:5: expected the bot to say "two", got "one"'),
    ("      - user: say one\n      - bot: one\n      - bot: two\n",
     'c.yml:6: expected the bot to say "two", but it said nothing more'),
    ("      - user: say one\n      - bot: {action: ask}\n",
     'c.yml:5: bot: action: expected "ask", got "say"'),
    ("      - user: hi\n      - expect: {state: bye}\n",
     'c.yml:5: expect state: expected "bye", got "hi"'),
    ("      - user: hi\n      - expect: {stack: [faq]}\n",
     'c.yml:5: expect stack: expected ["faq"], got []'),
    ("      - user: hi\n      - expect: {context: {last: x}}\n",
     'c.yml:5: expect context.last: expected "x", got "hi"'),
    ("      - user: hi\n      - expect: {data: {lang: en}}\n",
     'c.yml:5: expect data.lang: expected "en", got nothing'),
    ("      - user: fail\n", "c.yml:4: bot.yml:3: method 'boom' threw: nope"),
    ("      - wait: 120\n      - user: hi\n",
     'before c.yml:5: the bot also said "reminder", which no bot: step matched'),
])  # fmt: skip
def test_conversation_failures_say_what_differed(tmp_path: Path, steps: str,
                                                 message: str) -> None:
    (outcome,) = run_conversation_text(
        tmp_path, "conversations:\n  - name: n\n    steps:\n" + steps)
    assert not outcome.passed
    assert outcome.message == message


def test_flow_spec_carries_state_context_and_data(tmp_path: Path) -> None:
    path = write(tmp_path, "f.spec.yml", """\
schema: kata.ai/schema/kata-ml/1.0/test/flow
flow: order
state: init
context: {start: 1}
data: {lang: en}
test:
  first:
    message: {type: text, content: a}
    intent: pick
    expect: {state: s1, context: {count: 1}, responses: [{content: a}]}
  second:
    message: {type: text, content: b}
    expect: {state: s2, end: true, data: {seen: 2, lang: en}}
  third:
    message: {type: text, content: c}
    expect: {state: s9}
""")
    clock = TestClock()
    engine = FakeEngine(clock)
    outcomes = list(run_spec_suite(engine, clock, read_spec_file(path, "f.spec.yml")))
    assert [o.passed for o in outcomes] == [True, True, False]
    assert outcomes[2].message == 'state: expected "s9", got "s1"'
    first, second, third = [call for call in engine.calls if call[0] == "exec_flow"]
    assert first[1:4] == ("init", {"start": 1}, {"lang": "en"})
    assert first[4]["intent"] == "pick"
    assert second[1:4] == ("s1", {"start": 1, "count": 1}, {"lang": "en", "seen": 1})
    # after an end state the flow starts afresh; the data stays
    assert third[1:4] == (None, {}, {"lang": "en", "seen": 2})


def test_intent_and_action_specs(tmp_path: Path) -> None:
    path = write(tmp_path, "i.spec.yml", """\
schema: kata.ai/schema/kata-ml/1.0/test/intents
flow: f
test:
  greets:
    message: {type: text, content: hi}
    expect: {intent: greet, match: true}
  asked intent does not match:
    intent: bye
    message: {type: text, content: hi}
    expect: {match: false}
  wrong:
    message: {type: text, content: ho}
    expect: {intent: greet}
""")
    clock = TestClock()
    outcomes = list(run_spec_suite(FakeEngine(clock), clock, read_spec_file(path, "i.spec.yml")))
    assert [o.passed for o in outcomes] == [True, True, False]
    assert outcomes[2].message == 'intent: expected "greet", got null'
    path = write(tmp_path, "a.spec.yml", """\
schema: kata.ai/schema/kata-ml/1.0/test/actions
flow: f
test:
  listed: {state: s, expect: [{action: sayHello}]}
  keyed: {state: s, expect: {responses: [{content: hello}]}}
  wrong: {state: s, expect: [{action: sayHello}, {action: more}]}
""")
    outcomes = list(run_spec_suite(FakeEngine(clock), clock, read_spec_file(path, "a.spec.yml")))
    assert [o.passed for o in outcomes] == [True, True, False]
    assert outcomes[2].message == 'responses[1]: expected {"action": "more"}, got nothing ' \
                                  "(only 1 item)"
