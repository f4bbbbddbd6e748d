"""Reading Rasa e2e test files (turnflow.rasa.e2e) and the YAML loader under it (yaml_io).

Expected values were checked against Rasa 3.21's own reader
(``rasa.e2e_test.utils.io.read_test_cases``, run in the oracle's venv): for the RasaHQ
fixture files, the oracle's example project and the rasa-pro project templates it found the
same test cases, with the same names, lines, fixtures, metadata, steps (actor, text,
response, slot) and the same assertion kinds and lines. Rasa differs only where noted in
the tests below (the older ``user: {text: ...}`` form, which Rasa 3.21 refuses).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from turnflow.rasa.e2e import (
    ANY_VALUE,
    ActionExecuted,
    BotDidNotUtter,
    BotStep,
    BotUttered,
    E2eTestError,
    FlowCancelled,
    FlowCompleted,
    FlowStarted,
    GenerativeResponseIsGrounded,
    GenerativeResponseIsRelevant,
    PatternClarificationContains,
    SlotStep,
    SlotWasNotSet,
    SlotWasSet,
    UnsupportedAssertion,
    UserStep,
    UtterStep,
    find_test_files,
    read_test_file,
    read_tests,
)
from turnflow.rasa.yaml_io import YamlError, line_of, load_yaml, load_yaml_located, parse_yaml

FIXTURES = Path("/work/shared/fixtures/rasa/RasaHQ-rasa/data/end_to_end_testing_input_files")
EXAMPLE = Path("/work/shared/tools/rasa-oracle/example-project")
TEMPLATES = Path(
    "/root/.cache/turnflow/rasa-oracle/lib/python3.11/site-packages/rasa/cli/project_templates"
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(E2eTestError) as caught:
        read_test_file(path)
    return list(caught.value.problems)


# --- YAML as Rasa reads it ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", "yes"), ("No", "No"), ("on", "on"), ("OFF", "OFF"), ("y", "y"),
        ("true", True), ("False", False), ("TRUE", True), ("tRue", "tRue"),
        ("~", None), ("null", None), ("NULL", None), ("", None), ("nULL", "nULL"),
        ("0o17", 15), ("017", 17), ("08", 8), ("0o8", "0o8"), ("0x1F", 31), ("+0x1", 1),
        ("0b101", 5), ("-0b101", -5), ("1_000", 1000), ("0x1_F", 31),
        ("1:20", "1:20"), ("190:20:30", "190:20:30"),
        ("12.", 12.0), ("1e3", 1000.0), ("1E-3", 0.001), (".5e+3", 500.0), (".5e3", ".5e3"),
        ("1_0.5", 10.5), ("-.inf", -math.inf), (".Inf", math.inf), ("+.nan", "+.nan"),
        ("2024-01-05", "2024-01-05"), ("2024-01-05 10:00:00", "2024-01-05 10:00:00"),
        ("'1'", "1"), ('"true"', "true"),
    ],
)  # fmt: skip
def test_yaml_scalars_resolve_as_rasa_reads_them(text: str, expected: object) -> None:
    value = parse_yaml(f"v: {text}\n")["v"]
    assert value == expected and type(value) is type(expected)


def test_yaml_nan_merge_keys_and_empty_documents() -> None:
    assert math.isnan(parse_yaml("v: .NaN\n")["v"])
    data = parse_yaml("base: &b {x: 1, y: 1}\nm:\n  <<: *b\n  y: 2\n")
    assert data["m"] == {"x": 1, "y": 2}
    assert parse_yaml("") == {} and parse_yaml("# nothing\n") == {}


def test_yaml_errors_say_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yml", 'a: 1\nb: "open\n')
    with pytest.raises(YamlError) as caught:
        load_yaml(path)
    assert str(caught.value).startswith(f"{path}:3: invalid YAML: found unexpected end of stream")
    assert "starts at line 2" in str(caught.value)
    with pytest.raises(YamlError, match=r"^x\.yml:3: duplicate key 'a'"):
        parse_yaml("a: 1\nb: 2\na: 3\n", "x.yml")
    with pytest.raises(YamlError, match=r"^x\.yml:1: .*'!thing'"):
        parse_yaml("a: !thing 1\n", "x.yml")
    with pytest.raises(YamlError, match=r"^x\.yml:2: .*another document"):
        parse_yaml("a: 1\n---\nb: 2\n", "x.yml")


def test_yaml_env_vars_expand_in_plain_scalars(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TF_TEST_HOST", "example.org")
    monkeypatch.delenv("TF_TEST_UNSET", raising=False)
    data = parse_yaml(
        "url: https://${TF_TEST_HOST}/api\n"
        "quoted: '${TF_TEST_HOST}'\n"
        "dollar_only: $TF_TEST_HOST\n"
        "both: ${TF_TEST_HOST} and $TF_TEST_HOST\n"
        "${TF_TEST_HOST}: as key\n"
        "api_key: ${TF_TEST_HOST}\n"  # secrets stay unexpanded, as in Rasa
        "client_secret: ${TF_TEST_UNSET}\n"  # resolved later: an unset variable is fine
        "glued: a${TF_TEST_UNSET}b\n"  # Rasa only notices unset variables starting a word
        "items:\n  - ${TF_TEST_HOST}\n"
    )
    assert data["url"] == "https://example.org/api"
    assert data["quoted"] == "${TF_TEST_HOST}"
    assert data["dollar_only"] == "$TF_TEST_HOST"
    assert data["both"] == "example.org and example.org"
    assert data["example.org"] == "as key"
    assert data["api_key"] == "${TF_TEST_HOST}"
    assert data["client_secret"] == "${TF_TEST_UNSET}"
    assert data["glued"] == "a${TF_TEST_UNSET}b"
    assert data["items"] == ["example.org"]
    with pytest.raises(YamlError, match=r"^f\.yml:2: environment variable not set"):
        parse_yaml("a: 1\nb: ${TF_TEST_UNSET}\n", "f.yml")
    assert parse_yaml("b: ${TF_TEST_UNSET}\n", expand_env=False) == {"b": "${TF_TEST_UNSET}"}


def test_yaml_lines_of_keys_and_items(tmp_path: Path) -> None:
    text = "a:\n  b:\n    - x\n    - y: 1\n      z: 2\n"
    assert line_of(text, ["a"]) == 1
    assert line_of(text, ["a", "b", 1]) == 4
    assert line_of(text, ["a", "b", 1, "z"]) == 5
    assert line_of(text, ["a", "missing", 3]) == 1  # the deepest node reached
    path = write(tmp_path, "f.yml", text)
    assert line_of(path, ["a", "b", 0]) == 3 and line_of(str(path), ["a", "b"]) == 2
    data, lines = load_yaml_located(path)
    item = data["a"]["b"][1]
    assert lines.of(data["a"]["b"]) == 3 and lines.of(item) == 4 and lines.of_key(item, "z") == 5


# --- files from other projects, read in place -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "cases"),
    [("e2e_test_cases.yml", 2), ("e2e_test_cases_with_fixtures.yml", 2),
     ("e2e_test_cases_with_metadata.yml", 2)],
)  # fmt: skip
def test_rasa_repository_files(name: str, cases: int) -> None:
    assert len(read_test_file(FIXTURES / name).test_cases) == cases


def test_rasa_repository_folder() -> None:
    suite = read_tests(FIXTURES.parent.parent.parent)  # the whole fixtures/rasa tree
    assert [Path(f.path).name for f in suite.files] == [
        "e2e_test_cases.yml", "e2e_test_cases_with_fixtures.yml",
        "e2e_test_cases_with_metadata.yml",
    ]  # fmt: skip
    assert len(suite.test_cases) == 6
    booking = suite.test_cases[2]
    assert booking.name == "test_standard_booking" and booking.location.line == 8
    assert [f.slots for f in suite.fixtures_of(booking)] == [{"membership_type": "standard"}]
    assert isinstance(booking.steps[1], UtterStep) and booking.steps[1].utter_name == "utter_greet"
    assert booking.steps[1].location.line == 13
    # the older `user: {text, metadata}` form: Rasa 3.21 refuses it, turnflow reads it
    with_metadata = suite.test_cases[4]
    assert with_metadata.metadata == "user_info"
    assert with_metadata.steps[1] == UserStep("No, thanks2.", "device_info")
    assert suite.metadata["device_info"].values == {"os": "linux"}


def test_oracle_example_project() -> None:
    suite = read_tests(EXAMPLE)
    assert [c.name for c in suite.test_cases] == [
        "transfer_happy_path_payloads", "old_style_steps", "deliberately_failing",
    ]  # fmt: skip
    happy = suite.test_cases[0]
    first = happy.steps[0]
    assert isinstance(first, UserStep) and first.text == "/transfer_money"
    assert first.assertions is not None
    assert [(a.kind, a.location.line) for a in first.assertions] == [
        ("flow_started", 6), ("bot_uttered", 7),
    ]  # fmt: skip
    assert first.assertions[0] == FlowStarted(("transfer_money",), None)  # lines not compared
    confirm = happy.steps[3].assertions[1]
    assert isinstance(confirm, BotUttered) and [b.title for b in confirm.buttons] == ["Yes", "No"]
    last = happy.steps[4].assertions
    assert last[0].slots[0].value is True
    assert last[1] == FlowCompleted("transfer_money", None)
    assert last[2].text_matches == "All done\\. 50\\.0 has been sent to John\\."
    old = suite.test_cases[1]
    assert old.steps[0].assertions is None and not old.uses_assertions
    assert [s.utter_name for s in old.steps[1:]] == [
        "utter_balance",
        "utter_ask_continue_conversation",
    ]


@pytest.mark.skipif(not TEMPLATES.is_dir(), reason="the rasa oracle is not installed")
@pytest.mark.parametrize(
    ("template", "files", "cases"),
    [("basic", 7, 10), ("default", 8, 8), ("finance", 11, 20), ("telco", 9, 13)],
)
def test_rasa_pro_project_templates(template: str, files: int, cases: int) -> None:
    suite = read_tests(TEMPLATES / template)
    assert (len(suite.files), len(suite.test_cases)) == (files, cases)


# --- each assertion kind --------------------------------------------------------------------

ALL_KINDS = """\
test_cases:
  - test_case: every_kind
    steps:
      - user: "/start"
        assertion_order_enabled: true
        assertions:
          - flow_started: open_account
          - flow_started:
              flow_ids: [open_account, close_account]
              operator: ANY
          - flow_completed:
              flow_id: open_account
              flow_step_id: ask_name
          - flow_cancelled:
              flow_id: close_account
          - pattern_clarification_contains: [Open account, Close account]
          - pattern_clarification_contains:
              flow_ids: [open_account]
              operator: all
          - action_executed: action_lookup
          - slot_was_set:
              - name: owner
                value: Ada
              - name: anything
          - slot_was_not_set:
              - name: closed
                value: null
          - bot_uttered:
              utter_name: utter_welcome
              text_matches: "^Welcome"
              buttons:
                - title: Go
                  payload: /go
          - bot_did_not_utter:
              utter_name: utter_goodbye
          - generative_response_is_relevant:
              threshold: 0.8
          - generative_response_is_grounded:
              threshold: 1
              ground_truth: Accounts open in a day.
              utter_source: EnterpriseSearchPolicy
          - skill_activated:
              skill_id: banking
"""


def test_every_assertion_kind(tmp_path: Path) -> None:
    (case,) = read_test_file(write(tmp_path, "kinds.yml", ALL_KINDS)).test_cases
    (step,) = case.steps
    assert isinstance(step, UserStep) and step.assertion_order_enabled and case.uses_assertions
    a = step.assertions
    assert a is not None
    assert (a[0].flow_ids, a[0].operator) == (("open_account",), None)
    assert (a[1].flow_ids, a[1].operator) == (("open_account", "close_account"), "any")
    assert isinstance(a[2], FlowCompleted) and a[2].flow_step_id == "ask_name"
    assert isinstance(a[3], FlowCancelled) and (a[3].flow_id, a[3].flow_step_id) == (
        "close_account", None,
    )  # fmt: skip
    assert isinstance(a[4], PatternClarificationContains)
    assert a[4].flow_names == ("Open account", "Close account") and a[4].operator is None
    assert (a[5].flow_ids, a[5].operator) == (("open_account",), "all")
    assert a[6] == ActionExecuted("action_lookup")
    assert isinstance(a[7], SlotWasSet)
    assert [(s.name, s.value, s.has_value) for s in a[7].slots] == [
        ("owner", "Ada", True), ("anything", ANY_VALUE, False),
    ]  # fmt: skip
    assert isinstance(a[8], SlotWasNotSet) and a[8].slots[0].value is None
    assert a[8].slots[0].has_value
    assert isinstance(a[9], BotUttered) and a[9].utter_name == "utter_welcome"
    assert a[9].text_matches == "^Welcome" and a[9].buttons[0].payload == "/go"
    assert isinstance(a[10], BotDidNotUtter) and a[10].buttons == ()
    assert isinstance(a[11], GenerativeResponseIsRelevant) and a[11].threshold == 0.8
    assert isinstance(a[12], GenerativeResponseIsGrounded) and a[12].threshold == 1.0
    assert a[12].ground_truth == "Accounts open in a day."
    assert isinstance(a[13], UnsupportedAssertion) and a[13].name == "skill_activated"
    assert [x.needs_llm for x in a].count(True) == 2
    assert [x.location.line for x in a][:3] == [7, 8, 11]


def test_legacy_steps(tmp_path: Path) -> None:
    path = write(
        tmp_path, "legacy.yml",
        "test_cases:\n"
        "  - test_case: legacy\n"
        "    steps:\n"
        "      - user: '  hello  '\n"
        "      - bot: Hi there!\n"
        "      - utter: utter_greet\n"
        "      - slot_was_set:\n"
        "          - name_given\n"
        "          - mood: great\n"
        "      - slot_was_not_set:\n"
        "          - angry\n",
    )  # fmt: skip
    user, bot, utter, was_set, not_set = read_test_file(path).test_cases[0].steps
    assert isinstance(user, UserStep) and user.text == "hello" and user.assertions is None
    assert isinstance(bot, BotStep) and bot.text == "Hi there!"
    assert isinstance(utter, UtterStep) and utter.location.line == 6
    assert isinstance(was_set, SlotStep) and not was_set.negated
    assert [(s.name, s.value) for s in was_set.slots] == [
        ("name_given", ANY_VALUE),
        ("mood", "great"),
    ]
    assert isinstance(not_set, SlotStep) and not_set.negated and not_set.slots[0].name == "angry"


def test_fixtures_metadata_and_stubs(tmp_path: Path) -> None:
    path = write(
        tmp_path, "tests/stubs.yml",
        "fixtures:\n"
        "  - premium:\n"
        "      - tier: gold\n"
        "      - mocked_datetime: '2024-01-15 14:30:00'\n"
        "metadata:\n"
        "  - device:\n"
        "      os: linux\n"
        "stub_custom_actions:\n"
        "  check_balance:\n"
        "    events:\n"
        "      - event: slot\n"
        "        name: balance\n"
        "        value: 1200\n"
        "    responses:\n"
        "      - text: You have 1200.\n"
        "  shared::check_balance:\n"
        "    events: []\n"
        "test_cases:\n"
        "  - test_case: stubbed\n"
        "    fixtures: [premium]\n"
        "    metadata: device\n"
        "    steps:\n"
        "      - user: /balance\n"
        "        metadata: device\n",
    )  # fmt: skip
    file = read_test_file(path)
    assert file.fixtures["premium"].slots == {
        "tier": "gold", "mocked_datetime": "2024-01-15T14:30:00+00:00",
    }  # fmt: skip
    assert file.metadata["device"].values == {"os": "linux"}
    stubs = file.stub_custom_actions
    assert stubs["check_balance"].key == "stubs.yml::check_balance"
    assert stubs["check_balance"].events[0]["value"] == 1200
    assert stubs["check_balance"].responses == ({"text": "You have 1200."},)
    # a name holding `::` is kept as is (Rasa's name pattern has no room for a `.yml`)
    assert stubs["shared::check_balance"].key == "shared::check_balance"
    case = file.test_cases[0]
    assert (case.fixtures, case.metadata, case.steps[0].metadata) == (
        ("premium",),
        "device",
        "device",
    )


# --- finding files, conftest files ----------------------------------------------------------

CASE = (
    "test_cases:\n  - test_case: {name}\n    fixtures: [{fixtures}]\n    steps:\n      - user: hi\n"
)


def test_conftest_chain_and_discovery(tmp_path: Path) -> None:
    write(tmp_path, "conftest.yml", (
        "fixtures:\n  - tier: [{level: gold}]\n  - shared: [{x: 1}]\n"
        "llm_judge:\n  llm: {provider: openai, model: some-model}\n"
    ))  # fmt: skip
    # a conftest may hold test cases too (Rasa 3.21 refuses that)
    write(tmp_path, "sub/conftest.yaml", "fixtures:\n  - shared: [{x: 2}]\n"
          + CASE.format(name="in_conftest", fixtures="tier"))  # fmt: skip
    write(tmp_path, "sub/deeper/flows_test.yaml", CASE.format(name="deep", fixtures="shared"))
    write(tmp_path, "sub/notes.yml", "nothing: here\n")  # no test_cases: not a test file
    write(tmp_path, "sub/data.json", '{"test_cases": []}')
    # configures Rasa's evaluations, not e2e tests: not in the chain
    write(tmp_path, "project/domain.yml", "version: '3.1'\n")
    write(tmp_path, "project/eval/conftest.yml", "fixtures:\n  - tier: [{level: none}]\n")
    write(tmp_path, "project/eval/t.yml", CASE.format(name="evaluated", fixtures="tier"))
    found = [Path(p).relative_to(tmp_path).as_posix() for p in find_test_files(tmp_path)]
    assert found == ["project/eval/t.yml", "sub/conftest.yaml", "sub/deeper/flows_test.yaml"]
    suite = read_tests(tmp_path)
    assert [c.name for c in suite.test_cases] == ["evaluated", "in_conftest", "deep"]
    evaluated, in_conftest, deep = suite.test_cases
    assert suite.fixtures_of(evaluated)[0].slots == {"level": "gold"}
    assert suite.fixtures_of(in_conftest)[0].slots == {"level": "gold"}
    assert suite.fixtures_of(deep)[0].slots == {"x": 2}  # the nearer conftest wins
    assert [Path(c).name for c in suite.files[2].conftests] == ["conftest.yml", "conftest.yaml"]
    only = read_tests(f"{tmp_path}::deep")
    assert [c.name for c in only.test_cases] == ["deep"]
    with pytest.raises(E2eTestError, match="no test case named 'nope'"):
        read_tests(f"{tmp_path}::nope")


# --- bad files ------------------------------------------------------------------------------


def test_every_problem_of_a_file_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path, "bad.yml",
        "fixtures:\n"                                     # 1
        "  - premium: [{tier: gold}]\n"                   # 2
        "  - premium: [{tier: silver}]\n"                 # 3
        "extra: 1\n"                                      # 4
        "test_cases:\n"                                   # 5
        "  - steps:\n"                                    # 6
        "      - user: hi\n"                              # 7
        "  - test_case: 42\n"                             # 8
        "    steps: []\n"                                 # 9
        "  - test_case: kinds\n"                          # 10
        "    fixtures: [missing]\n"                       # 11
        "    steps:\n"                                    # 12
        "      - user: hi\n"                              # 13
        "        bot: hello\n"                            # 14
        "      - user:\n"                                 # 15
        "          text: hi\n"                            # 16
        "          metadata: device\n"                    # 17
        "        metadata: device\n"                      # 18
        "      - user: go\n"                              # 19
        "        assertions:\n"                           # 20
        "          - flow_begun: x\n"                     # 21
        "          - flow_started: {flow_ids: [a, b], operator: all}\n"  # 22
        "          - bot_uttered: {}\n"                   # 23
        "          - bot_uttered: {text_matches: '(unclosed'}\n"  # 24
        "          - slot_was_set: [{value: 1}]\n"        # 25
        "          - action_executed: x\n"                # 26
        "            flow_started: y\n"                   # 27
        "          - flow_completed: {flow_step_id: s}\n"  # 28
        "          - generative_response_is_relevant: {threshold: high}\n"  # 29
        "      - utter: utter_x\n"                        # 30
        "        assertions: []\n"                        # 31
        "      - bot: 3\n"                                # 32
        "      - user: ok\n"                              # 33
        "        assertion_order_enabled: true\n"         # 34
        "      - {}\n",                                   # 35
    )  # fmt: skip
    problems = problems_of(path)
    expected = [
        (3, "fixture 'premium' is defined twice"),
        (4, "unknown key 'extra' in a test file"),
        (6, "a test case needs a name"),
        (8, "'test_case' must be text, not a number"),
        (10, "fixture 'missing' is not defined here or in a conftest file"),
        (14, "unknown key 'bot'"),
        (17, "metadata 'device' is not defined"),
        (18, "metadata given both in 'user' and on the step"),
        (21, "unknown assertion 'flow_begun'"),
        (22, "with 'all', give exactly one flow id"),
        (23, "needs at least one of 'utter_name', 'text_matches' or 'buttons'"),
        (24, "not a regular expression"),
        (25, "needs 'name'"),
        (26, "each assertion is a mapping of one assertion kind"),
        (28, "needs 'flow_id'"),
        (29, "'threshold' must be a number, not text"),
        (31, "a 'utter' step cannot have 'assertions'"),
        (32, "'bot' must be text, not a number"),
        (34, "'assertion_order_enabled' needs 'assertions'"),
        (35, "a step has one of 'user', 'bot', 'utter'"),
    ]
    assert len(problems) == len(expected), "\n".join(problems)
    for problem, (line, what) in zip(problems, expected, strict=True):
        assert problem.startswith(f"{path}:{line}: ") and what in problem, (problem, line, what)


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("- just a list\n", 1, "must be a mapping"),
        ("test_cases: {a: 1}\n", 1, "'test_cases' must be a list"),
        ("test_cases:\n  - test_case: a\n    steps:\n      - user: [hi]\n", 4, "user text"),
        ("metadata:\n  - bad-name: {a: 1}\n", 2, "not a valid name"),
        ("fixtures:\n  - f: {a: 1}\n", 2, "fixture 'f' must be a list"),
        ("fixtures:\n  - f: [{mocked_datetime: soon}]\n", 2, "not a date and time"),
        ("stub_custom_actions:\n  act:\n    events: [{event: teleport}]\n", 3, "unknown event"),
        ("test_cases:\n  - test_case: a\n    steps:\n      - slot_was_set: [{a: 1, b: 2}]\n",
         4, "one `name: value`"),
        ("test_cases:\n  - test_case: a\n    steps:\n      - user: x\n        assertions:\n"
         "          - pattern_clarification_contains: []\n", 6, "non-empty list"),
        ("test_cases:\n  - test_case: a\n    steps:\n      - user: x\n        assertions:\n"
         "          - flow_started: {flow_ids: [a], operator: some}\n", 6, "'any' or 'all'"),
        ("test_cases:\n  - test_case: a\n    steps:\n      - user: x\n        assertions:\n"
         "          - bot_uttered: {buttons: []}\n", 6, "'buttons' is empty"),
        ("test_cases:\n  - test_case: a\n    steps:\n      - user: x\n        assertions:\n"
         "          - action_executed:\n", 6, "needs a value"),
        ('test_cases:\n  - test_case: "a\n', 3, "end of stream"),
    ],
)  # fmt: skip
def test_bad_files(tmp_path: Path, text: str, line: int, what: str) -> None:
    path = write(tmp_path, "bad.yml", text)
    problems = problems_of(path)
    assert len(problems) == 1 and problems[0].startswith(f"{path}:{line}: "), problems
    assert what in problems[0]


def test_missing_path() -> None:
    with pytest.raises(E2eTestError, match="no such file or folder"):
        read_tests("/nonexistent/e2e_tests")
