"""Reading and validating Rasa projects: real flow files read cleanly, the example project
reads with the right shapes and Rasa's default step ids, broken projects report every
problem with its file and line, and `turnflow validate` on a project directory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from turnflow.rasa.flows import END, ActionStep, CallStep, CollectStep, LinkStep, SetSlotsStep
from turnflow.rasa.problems import Problems
from turnflow.rasa.reading import load_project, read_flows_data
from turnflow.rasa.validation import validate_project
from turnflow.rasa.yaml_io import YamlError, line_of, load_yaml, parse_yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "rasa" / "transfer"
FIXTURES = Path("/work/shared/fixtures/rasa")
ORACLE_EXAMPLE = Path("/work/shared/tools/rasa-oracle/example-project")


def turnflow(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "turnflow.cli", *args], capture_output=True,
                          text=True, timeout=60)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def line(text: str, marker: str) -> int:
    """The 1-based line of the first line of ``text`` that holds ``marker``."""
    return next(n for n, row in enumerate(text.splitlines(), 1) if marker in row)


# -- YAML as Rasa reads it --

def test_yaml_is_read_with_the_1_2_core_schema_and_lines():
    data = parse_yaml("a: yes\nb: [on, 0o17, 1_000, .5, ~, True]\nc:\n  - x: 1\n")
    assert data == {"a": "yes", "b": ["on", 15, 1000, 0.5, None, True], "c": [{"x": 1}]}
    assert data.key_lines == {"a": 1, "b": 2, "c": 3} and data["c"].item_lines == [4]
    assert line_of("a: 1\nc:\n  - x: 1\n    y: 2\n", "c[0].y") == 4
    assert line_of("a: 1\nc:\n  - x: 1\n    y: 2\n", ["c", 0, "x"]) == 3


def test_yaml_errors_name_file_and_line(monkeypatch):
    with pytest.raises(YamlError, match=r"^f.yml:2: duplicate key 'a'"):
        parse_yaml("a: 1\na: 2\n", "f.yml")
    with pytest.raises(YamlError, match=r"^f.yml:2: invalid YAML"):
        parse_yaml("a: [1\n", "f.yml")
    monkeypatch.setenv("TF_TEST_URL", "http://x")
    assert parse_yaml("u: ${TF_TEST_URL}/a\nq: '${TF_TEST_URL}'\n") == {
        "u": "http://x/a", "q": "${TF_TEST_URL}"}  # (quoted: as written, as Rasa)
    unset = r"^f.yml:1: environment variable not set: \$\{TF_UNSET_X\}"
    with pytest.raises(YamlError, match=unset):
        parse_yaml("u: ${TF_UNSET_X}\n", "f.yml")


# -- real projects' files --

def _flow_files() -> list[Path]:
    files = [p for p in sorted(FIXTURES.rglob("*.y*ml")) if "flows:" in p.read_text()]
    return files + [ORACLE_EXAMPLE / "data" / "flows.yml"]


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="shared fixtures not on this machine")
@pytest.mark.parametrize("path", _flow_files() if FIXTURES.is_dir() else [],
                         ids=lambda p: p.name)
def test_real_flow_files_read_without_problems(path):
    problems = Problems()
    flows = read_flows_data(load_yaml(path), str(path), problems)
    assert flows and not problems, [str(p) for p in problems]


@pytest.mark.skipif(not ORACLE_EXAMPLE.is_dir(), reason="oracle example not here")
def test_oracle_example_project_reads_and_validates_cleanly():
    project = load_project(ORACLE_EXAMPLE)
    assert list(project.flows) == ["transfer_money", "show_balance", "check_balance"]
    assert not validate_project(project).errors


# -- the example project --

def test_example_project_shapes():
    project = load_project(EXAMPLE)
    assert not validate_project(project), [str(p) for p in validate_project(project)]
    domain = project.domain
    assert domain.intents == ("send_money", "see_balance", "give_feedback")
    assert domain.session_config.session_expiration_time == 30
    assert domain.session_config.carry_over_slots_to_new_session is False
    assert domain.slots["speed"].values == ("standard", "instant")
    assert domain.slots["funds"].initial_value == 250
    assert domain.slots["sum"].min_value == 0
    assert domain.slots["sent"].mappings[0].type == "controlled"
    ask = domain.responses["utter_ask_go_ahead"]
    assert [v.condition for v in ask.variants] == ['slots.speed == "instant"', None]
    assert ask.variants[0].buttons[0] == {"title": "Send it", "payload": "/SetSlots(go_ahead=true)"}
    assert project.config["pipeline"] == [{"name": "NLUCommandAdapter"}]
    assert project.endpoints["action_endpoint"]["url"].startswith("http://")

    assert list(project.flows) == ["show_funds", "see_balance", "rate_us", "send_money"]
    helpers, transfer = project.flow_files
    assert project.flows["show_funds"].guard is False
    assert project.flows["show_funds"].location.file == helpers
    flow = project.flows["send_money"]
    assert flow.persisted_slots == ("sent",)
    assert flow.nlu_trigger[0].intent == "send_money"
    text = Path(transfer).read_text()
    # The default ids below are the ones Rasa 3.21 makes for this file (checked on the
    # oracle: YAMLFlowsReader.read_from_file, then each step's id in flow.steps order).
    payee, ask_sum, call, noop, speed, go_ahead, rate = flow.steps
    assert isinstance(payee, CollectStep) and payee.id == "send_money_0_collect_payee"
    assert payee.location.line == line(text, "- collect: payee")
    assert ask_sum.id == "ask_sum" and ask_sum.custom_id == "ask_sum"
    assert ask_sum.description == "the amount of money, in dollars"
    assert ask_sum.rejections[0].condition == "slots.sum <= 0"
    assert ask_sum.rejections[0].utter == "utter_sum_not_positive"
    assert isinstance(call, CallStep) and call.id == "send_money_2_call_show_funds"
    assert noop.id == "send_money_3_noop" and noop.next is not None
    above, otherwise = noop.next.branches
    assert above.condition == "slots.sum > slots.funds"
    assert isinstance(above.target, tuple)
    assert above.target[0].id == "send_money_4_utter_sum_above_funds"
    assert above.target[1].id == "send_money_5_set_slots"
    assert above.target[1].next.target == "ask_sum"
    assert otherwise.condition is None and otherwise.target == "pick_speed"
    assert speed.id == "pick_speed"
    assert go_ahead.id == "send_money_7_collect_go_ahead" and go_ahead.ask_before_filling
    yes, no = go_ahead.next.branches
    set_sent, sent = yes.target
    assert isinstance(set_sent, SetSlotsStep) and set_sent.id == "send_money_8_set_slots"
    assert set_sent.slots == (("sent", True),)
    assert isinstance(sent, ActionStep) and sent.id == "send_money_9_utter_sent"
    assert no.target[0].id == "send_money_10_utter_not_sent"
    assert no.target[0].next.target == END
    assert isinstance(rate, LinkStep) and rate.id == "rate" and rate.link == "rate_us"


def test_nested_default_ids_follow_rasas_depth_first_numbering(tmp_path):
    # (checked on the oracle: Rasa 3.21 gives exactly these ids to this flow)
    text = """flows:
  nest:
    description: nested branches
    steps:
      - collect: a
        next:
          - if: slots.a > 1
            then:
              - action: utter_x
                next:
                  - if: slots.b
                    then:
                      - set_slots:
                          - b: null
                        next: END
                  - else:
                      - noop: true
                        next:
                          - if: true
                            then: END
                          - else: done
          - if: False
            then: done
          - else:
              - link: other
      - id: done
        action: utter_done
      - call: other
      - action: "{{context.x}}"
"""
    problems = Problems()
    (flow,) = read_flows_data(parse_yaml(text), "f.yml", problems)
    ids = []

    def walk(steps):
        for step in steps:
            ids.append(step.id)
            for branch in step.next.branches if step.next else ():
                if isinstance(branch.target, tuple):
                    walk(branch.target)

    walk(flow.steps)
    assert ids == ["nest_0_collect_a", "nest_1_utter_x", "nest_2_set_slots", "nest_3_noop",
                   "nest_4_link_other", "done", "nest_6_call_other", "nest_7_{{context.x}}"]
    assert flow.steps[0].next.branches[1].condition is False and not problems


# -- broken projects: every problem, with file and line --

BROKEN_DOMAIN = """version: "3.1"
intents: [start]
slots:
  asked:
    type: text
  tags:
    type: list
  odd:
    type: number
responses:
  utter_ask_asked:
    - text: "What?"
  utter_hi:
    - text: "Hi"
      buttons:
        - title: "Go"
          payload: "/SetSlots(nope=1)"
  utter_when:
    - condition: slots.missing_in_condition == 1
      text: "When"
"""

BROKEN_FLOWS = """flows:
  broken:
    description: A flow with many mistakes.
    if: slots.unknown_guard
    steps:
      - collect: nowhere_slot
      - action: utter_missing
      - collect: asked
        foo: bar
        next: nowhere
      - action: utter_hi
        next:
          - if: slots.ghost > 1
            then: END
      - set_slots:
          - tags: [a]
        next: END
  no_description:
    steps:
      - link: not_a_flow
  my-flow:
    description: hyphen id
    bogus: 1
    steps:
      - noop: true
  caller:
    description: calls things
    steps:
      - call: absent_flow
      - call: no_description
"""


def test_broken_project_reports_every_problem_with_file_and_line(tmp_path):
    root = write(tmp_path, {"config.yml": "recipe: default.v1\n", "domain.yml": BROKEN_DOMAIN,
                            "data/flows.yml": BROKEN_FLOWS})
    problems = validate_project(load_project(root))
    flows_file, domain_file = str(root / "data" / "flows.yml"), str(root / "domain.yml")
    found = [str(p) for p in problems.errors]

    def expect(file: str, text: str, marker: str, words: str) -> None:
        where = f"{file}:{line(text, marker)}: "
        assert any(p.startswith(where) and words in p for p in found), (where, words, found)

    f, d = BROKEN_FLOWS, BROKEN_DOMAIN
    expect(flows_file, f, "if: slots.unknown_guard", "slot 'unknown_guard'")
    expect(flows_file, f, "collect: nowhere_slot", "slot 'nowhere_slot' is not in the domain")
    expect(flows_file, f, "action: utter_missing", "action 'utter_missing'")
    expect(flows_file, f, "foo: bar", "unknown key `foo`")
    expect(flows_file, f, "collect: asked", "`next` goes to step 'nowhere'")
    expect(flows_file, f, "action: utter_hi", "can never be reached")
    expect(flows_file, f, "action: utter_hi", "no `else`")
    expect(flows_file, f, "if: slots.ghost", "slot 'ghost'")
    expect(flows_file, f, "- set_slots:", "list slot")
    expect(flows_file, f, "no_description:", "`description` is required")
    expect(flows_file, f, "link: not_a_flow", "flow 'not_a_flow', which does not exist")
    expect(flows_file, f, "bogus: 1", "unknown key `bogus`")  # (Rasa checks nothing here)
    expect(flows_file, f, "noop: true", "a noop step needs `next`")
    expect(flows_file, f, "call: absent_flow", "calls flow 'absent_flow'")
    expect(flows_file, f, "call: no_description", "has a link step")
    expect(domain_file, d, "type: number", "unknown slot type 'number'")
    expect(domain_file, d, "- title: \"Go\"", "sets slot 'nope'")
    expect(domain_file, d, "- condition:", "slot 'missing_in_condition'")
    expect(flows_file, f, "- set_slots:", "can never be reached")  # (only utter_hi leads here)
    expect(flows_file, f, "collect: asked", "`next` goes to step 'nowhere'")
    assert len(found) == 19, "\n".join(found)
    assert any("my-flow" in str(p) for p in problems.warnings)


def test_domain_directory_is_merged_as_rasa_merges_it(tmp_path):
    root = write(tmp_path, {
        "domain/a.yml": "intents: [one]\nslots:\n  x:\n    type: text\n"
                        "responses:\n  utter_ask_x:\n    - text: X?\n",
        "domain/sub/b.yml": "intents: [two, one]\nsession_config:\n"
                            "  session_expiration_time: 5\nslots:\n  x:\n    type: bool\n",
        "domain/notes.yml": "just: a note\n",
        "data/nlu.yml": "version: '3.1'\nnlu:\n- intent: one\n  examples: |\n"
                        "    - hello [Bob](name)\n    - hi\n",
    })
    project = load_project(root)
    domain = project.domain
    assert domain.intents == ("one", "two") and domain.slots["x"].type == "text"
    assert domain.session_config.session_expiration_time == 5
    assert len(domain.files) == 2  # (notes.yml has no domain key)
    (problem,) = project.problems
    assert str(problem).startswith(f"{root / 'domain' / 'sub' / 'b.yml'}:5: slot 'x' is "
                                   f"defined twice (first at {root / 'domain' / 'a.yml'}:3)")
    examples = project.nlu.intents["one"]
    assert [e.text for e in examples] == ["hello Bob", "hi"]
    assert examples[0].raw == "hello [Bob](name)" and examples[0].location.line == 5


def test_collect_that_can_never_ask_and_duplicate_ids(tmp_path):
    root = write(tmp_path, {
        "domain.yml": "slots:\n  quiet:\n    type: text\n  preset:\n    type: text\n"
                      "    initial_value: x\n",
        "data/f.yml": "flows:\n  f:\n    description: d\n    persisted_slots: [other]\n"
                      "    steps:\n      - collect: quiet\n        id: same\n"
                      "      - collect: preset\n        id: same\n        next: END\n",
    })
    found = [str(p) for p in validate_project(load_project(root)).errors]
    flows_file = root / "data" / "f.yml"
    assert any(p.startswith(f"{flows_file}:6: ") and "nothing asks for slot 'quiet'" in p
               for p in found), found
    assert not any("slot 'preset'" in p and "nothing asks" in p for p in found)
    assert any(p.startswith(f"{flows_file}:8: ") and "used twice" in p for p in found)
    assert any(p.startswith(f"{flows_file}:2: ") and "'other'" in p for p in found)


def test_invalid_conditions_are_reported_with_their_column(tmp_path):
    root = write(tmp_path, {
        "domain.yml": "slots:\n  a:\n    type: float\nresponses:\n  utter_ask_a:\n"
                      "    - text: A?\n  utter_x:\n    - text: X\n",
        "data/f.yml": "flows:\n  f:\n    description: d\n    steps:\n      - collect: a\n"
                      "        next:\n          - if: slots.a >>> 3\n            then: END\n"
                      "          - else: END\n",
    })
    found = [str(p) for p in validate_project(load_project(root)).errors]
    flows_file = root / "data" / "f.yml"
    assert any(p.startswith(f"{flows_file}:7: ") and "condition 'slots.a >>> 3' is not valid"
               in p and "column" in p for p in found), found


# -- the command line --

def test_cli_validates_a_good_project():
    run = turnflow("validate", str(EXAMPLE))
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip() == f"{EXAMPLE}: Rasa project, 4 flows, valid"


def test_cli_reports_a_broken_project_one_problem_a_line(tmp_path):
    root = write(tmp_path, {"domain.yml": BROKEN_DOMAIN, "data/flows.yml": BROKEN_FLOWS})
    run = turnflow("validate", str(root))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    lines = run.stdout.strip().splitlines()
    assert lines[-1] == (f"{root}: Rasa project, 4 flows, 19 errors, 5 of them Rasa runs "
                         f"anyway, 1 warning")
    assert "(Rasa runs the project anyway)" in run.stdout
    flows_file = root / "data" / "flows.yml"
    assert (f"{flows_file}:{line(BROKEN_FLOWS, 'foo: bar')}: flow 'broken', step "
            f"'broken_2_collect_asked' (collect): unknown key `foo`") in run.stdout
    assert all(row.startswith(str(root)) for row in lines)


def test_cli_unreadable_yaml_exits_2(tmp_path):
    root = write(tmp_path, {"domain.yml": "slots: [\n", "data/flows.yml": "flows: {}\n"})
    run = turnflow("validate", str(root))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stdout.startswith(f"{root / 'domain.yml'}:2: invalid YAML")
