"""The test formats themselves, as an outside author writes them from Kata's test-spec page
and turnflow's conversation-test format: partial expectations of each spec schema, messages
of type data and command, preconditions, state carried through flow specs, and conversation
tests (exact `bot:` text, partial mappings, unmatched responses, stack order, `bot:` path).
The library bot (tests/data/kata_docs2/) must pass; the probes written here must fail, each
with the line that says what differed, so a check that silently passes shows up."""

from __future__ import annotations

from pathlib import Path

import pytest

from turnflow.cli import main

from .conftest import REPO

BOT = REPO / "tests" / "data" / "kata_docs2" / "library"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).splitlines()


def test_the_library_bot_passes_its_tests(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(capsys, "test", str(BOT))
    assert code == 0, lines
    assert lines[-1] == "39 passed, 0 failed"


def probe_bot(tmp_path: Path, name: str, spec: str) -> Path:
    bot = tmp_path / "bot"
    (bot / "test").mkdir(parents=True, exist_ok=True)
    (bot / "bot.yml").write_text((BOT / "bot.yml").read_text())
    (bot / "test" / name).write_text(spec)
    return bot


INTENT_PROBES = """\
schema: kata.ai/schema/kata-ml/1.0/test/intents
flow: borrow
test:
  match false but matches:
    message: {type: text, content: borrow}
    expect: {match: false}
  match true but nothing:
    message: {type: text, content: "??"}
    expect: {match: true}
  attribute absent:
    message: {type: text, content: Dune}
    expect: {attributes: {author: X}}
  data precondition not met:
    data: {count: 1}
    message: {type: text, content: vip}
    expect: {intent: vip}
"""

STATE_PROBES = """\
schema: kata.ai/schema/kata-ml/1.0/test/states
flow: borrow
test:
  end true but not:
    state: askTitle
    intent: nothing
    expect: {end: true}
  wrong context:
    state: askTitle
    intent: title
    attributes: {title: Dune}
    expect: {context: {title: Emma}}
"""

ACTION_PROBES = """\
schema: kata.ai/schema/kata-ml/1.0/test/actions
flow: borrow
context: {title: Dune}
test:
  one response too many:
    state: done
    expect:
      - action: confirm
      - action: menu
  wrong order:
    state: done2
    expect:
      responses:
        - action: menu
        - action: confirm
"""

FLOW_PROBES = """\
schema: kata.ai/schema/kata-ml/1.0/test/flow
flow: borrow
state: askTitle
test:
  ends:
    message: {type: text, content: Dune}
    expect: {end: false}
  wrong attribute:
    message: {type: text, content: Dune}
    expect: {attributes: {title: Emma}}
"""


@pytest.mark.parametrize(("name", "spec", "failures"), [
    ("borrow_intents.spec.yml", INTENT_PROBES, [
        "match: expected false, got true", "match: expected true, got false",
        'attributes.author: expected "X", got nothing', 'intent: expected "vip"']),
    ("borrow_states.spec.yml", STATE_PROBES, [
        "end: expected true, got false", 'context.title: expected "Emma", got "Dune"']),
    ("borrow_actions.spec.yml", ACTION_PROBES, [
        "responses[1]", 'responses[0].action: expected "menu", got "confirm"']),
    ("borrow_flow.spec.yml", FLOW_PROBES, [
        "end: expected false, got true", 'attributes.title: expected "Emma", got "Dune"']),
])
def test_spec_probes_fail_with_what_differed(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             name: str, spec: str, failures: list[str]) -> None:
    code, lines = run(capsys, "test", str(probe_bot(tmp_path, name, spec)))
    assert code != 0
    assert lines[-1] == f"0 passed, {len(failures)} failed", lines
    for line, failure in zip(lines, failures, strict=False):
        assert line.startswith("FAIL ") and failure in line, (line, failure)


CONVERSATION_PROBES = """\
bot: {bot}
conversations:
  - name: a response left unmatched before the next user step
    steps:
      - user: borrow
      - user: hours
      - bot: We open at nine.
  - name: a bot string is the exact text
    steps:
      - user: borrow
      - bot: Which book
  - name: a response left unmatched at the end
    steps:
      - user: borrow
  - name: the stack is most recent first
    steps:
      - user: borrow
      - bot: Which book?
      - user: help
      - bot: Need help? Say yes.
      - user: rate
      - bot: Your score?
      - expect: {{stack: [borrow, help]}}
  - name: initial data is checked
    data: {{count: 1}}
    steps:
      - expect: {{data: {{count: 2}}}}
  - name: passes
    steps:
      - user: {{type: data, payload: {{book: Emma}}}}
      - expect: {{flow: null, stack: []}}
"""


def test_conversation_probes_given_as_a_file(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    # A file given directly, its `bot:` path relative to the file.
    (tmp_path / "probes").mkdir()
    relative = Path("..") / Path(*[".."] * len(tmp_path.parts[1:])) / BOT.relative_to("/")
    file = tmp_path / "probes" / "conv.yml"
    file.write_text(CONVERSATION_PROBES.format(bot=relative.as_posix()))
    code, lines = run(capsys, "test", str(file))
    assert code != 0
    expected = [
        'the bot also said "Which book?", which no bot: step matched',
        'expected the bot to say "Which book", got "Which book?"',
        'at the end: the bot also said "Which book?"',
        'expect stack: expected ["borrow", "help"], got ["help", "borrow"]',
        "expect data.count: expected 2, got 1",
    ]
    assert lines[-1] == "1 passed, 5 failed", lines
    for line, failure in zip(lines[:-1], expected, strict=True):
        assert line.startswith("FAIL ") and failure in line, (line, failure)


def test_specs_in_subfolders_of_test_are_run(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    # An author who groups specs (test/actions/...) must not get them silently skipped.
    bot = probe_bot(tmp_path, "borrow_flow.spec.yml", FLOW_PROBES)
    (bot / "test" / "actions").mkdir()
    (bot / "test" / "actions" / "borrow_actions.spec.yml").write_text(ACTION_PROBES)
    (bot / "test" / ".hidden").mkdir()
    (bot / "test" / ".hidden" / "x.spec.yml").write_text("not: a spec")
    code, lines = run(capsys, "test", str(bot))
    assert lines[-1] == "0 passed, 4 failed", lines
    assert sum("actions/borrow_actions.spec.yml" in line for line in lines) == 2
    # given on its own, a file in a subfolder still finds its bot
    code, lines = run(capsys, "test", str(bot / "test" / "actions" / "borrow_actions.spec.yml"))
    assert code != 0
    assert lines[-1] == "0 passed, 2 failed", lines


def test_a_number_written_for_an_nlu_text_fails_with_a_hint() -> None:
    # Kata compares with JavaScript's types: an NLU's "4" is not 4, but the report says why.
    from turnflow.kata.testing import first_difference

    assert first_difference({"n": 4}, {"n": "4"}) == (
        'n: expected 4, got "4" (a text, not a number: write "4")')
    assert first_difference({"ok": True}, {"ok": "true"}) == (
        'ok: expected true, got "true" (a text, not a boolean: write "true")')
    assert first_difference({"n": 4}, {"n": "5"}) == 'n: expected 4, got "5"'
    assert first_difference({"n": "4"}, {"n": "4"}) is None


def test_a_step_with_two_keys_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "conv.yml"
    file.write_text(f"bot: {BOT}\nconversations:\n  - name: x\n    steps:\n"
                    "      - user: borrow\n        bot: Which book?\n")
    code, lines = run(capsys, "test", str(file))
    assert code != 0
    assert f"{file}:5: a step has one key, this one has user:, bot:" in lines[0]


EMPTY_PROBES = """\
schema: kata.ai/schema/kata-ml/1.0/test/actions
flow: borrow
context: {title: Dune}
test:
  list form:
    state: done
    expect: []
  responses form:
    state: askTitle
    expect: {responses: []}
"""


def test_an_empty_responses_list_expects_silence(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # Lists match partially; an empty one would check nothing, so it means "no responses".
    bot = probe_bot(tmp_path, "borrow_actions.spec.yml", EMPTY_PROBES)
    code, lines = run(capsys, "test", str(bot))
    assert lines[-1] == "0 passed, 2 failed", lines
    assert 'responses: expected none, got [{"type": "text", "content": "Booked Dune."' in lines[0]
    assert 'responses: expected none, got [{"type": "text", "content": "Which book?"' in lines[1]
