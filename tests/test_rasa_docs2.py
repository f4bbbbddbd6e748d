"""A Rasa project written as Rasa's docs teach e2e test files (tests/data/rasa_docs2/pizza):
several files in folders, file-level fixtures, metadata and stub_custom_actions, payloads with
entities, buttons, legacy steps and assertions. Its tests pass on Rasa 3.21 (``oracle.py e2e``)
and on turnflow; the probe cases below give the verdicts Rasa gave (checked with the oracle)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from turnflow.rasa.e2e import read_tests
from turnflow.rasa.e2e.runner import run_suite
from turnflow.rasa.reading import load_project
from turnflow.rasa.validation import validate_project

PIZZA = Path(__file__).resolve().parent / "data" / "rasa_docs2" / "pizza"


def _cli(*args: str, cwd: Path = PIZZA) -> subprocess.CompletedProcess[str]:
    src = Path(__file__).resolve().parents[1] / "src"
    return subprocess.run(
        [sys.executable, "-m", "turnflow.cli", "test", *args], cwd=cwd,
        capture_output=True, text=True, timeout=120, env={"PYTHONPATH": str(src)},
    )


def test_the_project_is_valid_and_its_tests_pass() -> None:
    project = load_project(PIZZA)
    assert [str(p) for p in validate_project(project).errors] == []
    results = run_suite(project, read_tests(PIZZA / "e2e_tests"))
    assert sorted(r.name for r in results) == [
        "greet_known_customer", "greet_new_customer", "order_with_buttons",
        "order_with_entity_payload", "status_legacy_steps", "status_then_greet",
    ]
    assert [(r.name, r.problems) for r in results if not r.passed] == []


@pytest.mark.parametrize(("args", "last"), [
    ((str(PIZZA),), "6 passed, 0 failed"),
    ((".",), "6 passed, 0 failed"),
    ((".", "e2e_tests/orders"), "4 passed, 0 failed"),  # a folder: its subfolders too
    ((".", "e2e_tests/orders/extra/status.yml"), "2 passed, 0 failed"),  # one file
    ((".", "e2e_tests/greet.yml", "e2e_tests/orders/extra/status.yml"), "4 passed, 0 failed"),
])
def test_the_cli_runs_the_project_its_folders_and_single_files(
    args: tuple[str, ...], last: str
) -> None:
    run = _cli(*args)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().splitlines()[-1] == last


def _verdicts(tmp_path: Path, text: str) -> dict[str, list[str]]:
    tests = tmp_path / "probe.yml"
    tests.write_text(text)
    results = run_suite(load_project(PIZZA), read_tests(tests))
    return {r.name: r.problems for r in results}


def test_a_wrong_flow_step_id_names_the_step_the_flow_ended_at(tmp_path: Path) -> None:
    # Rasa: "Flow with id 'greet' did not complete at expected step id '0_utter_greet'. The
    # actual step id was 'greet_0_utter_greet'."
    verdicts = _verdicts(tmp_path, """
test_cases:
  - test_case: wrong_step
    steps:
      - user: "/greet"
        assertions:
          - flow_completed:
              flow_id: greet
              flow_step_id: 0_utter_greet
""")
    [problem] = verdicts["wrong_step"]
    first = problem.splitlines()[0]
    assert "flow_id='greet', flow_step_id='0_utter_greet'" in first
    assert "(the flow completed at step 'greet_0_utter_greet')" in first
    assert "kind=" not in first and "needs_llm" not in first


PROBE = """
fixtures:
  - sized:
      - pizza_size: medium
      - topping: tuna
metadata:
  - m1:
      channel: web
  - m2:
      channel: sms
stub_custom_actions:
  action_check_status:
    events:
      - event: slot
        name: order_status
        value: in the oven
    responses: []
  action_place_order:
    events:
      - event: slot
        name: order_id
        value: P-17
    responses:
      - text: "Placing it now."
  p_stub_named::action_place_order:
    events: []
    responses:
      - text: "Kitchen closed."
test_cases:
  - test_case: p_did_not_utter_fails
    steps:
      - user: "/greet"
        assertions:
          - bot_did_not_utter:
              utter_name: utter_greet
  - test_case: p_not_set_value_other
    steps:
      - user: "/check_status"
        assertions:
          - slot_was_not_set:
              - name: order_status
                value: delivered
  - test_case: p_not_set_value_same
    steps:
      - user: "/check_status"
        assertions:
          - slot_was_not_set:
              - name: order_status
                value: in the oven
  - test_case: p_legacy_not_set_mapping
    steps:
      - user: "/check_status"
      - slot_was_not_set:
          - order_status: delivered
      - utter: utter_status
  - test_case: p_legacy_bot_wrong
    steps:
      - user: "/greet"
      - bot: "Hello!"
  - test_case: p_fixture_prefill
    fixtures:
      - sized
    steps:
      - user: "/order_pizza"
        assertions:
          - bot_uttered:
              utter_name: utter_ask_confirm_order
              text_matches: "medium pizza with tuna"
  - test_case: p_step_metadata
    metadata: m1
    steps:
      - user: "/greet"
        metadata: m2
      - utter: utter_greet
  - test_case: p_flow_ids_all
    steps:
      - user: "/greet"
        assertions:
          - flow_started:
              flow_ids:
                - greet
              operator: all
  - test_case: p_flow_ids_any_missing
    steps:
      - user: "/greet"
        assertions:
          - flow_started:
              flow_ids:
                - order_pizza
                - check_status
              operator: any
  - test_case: p_buttons_order
    steps:
      - user: "/order_pizza"
        assertions:
          - bot_uttered:
              buttons:
                - title: "Large"
                  payload: "/SetSlots(pizza_size=large)"
                - title: "Small"
                  payload: "/SetSlots(pizza_size=small)"
  - test_case: p_slot_name_only
    steps:
      - user: '/order_pizza{"size": "large"}'
        assertions:
          - slot_was_set:
              - name: pizza_size
  - test_case: p_stub_named
    fixtures:
      - sized
    steps:
      - user: "/order_pizza"
      - user: "/SetSlots(confirm_order=true)"
        assertions:
          - bot_uttered:
              text_matches: "Kitchen closed"
          - slot_was_not_set:
              - name: order_id
  - test_case: p_stub_response_text
    fixtures:
      - sized
    steps:
      - user: "/order_pizza"
      - user: "/SetSlots(confirm_order=true)"
        assertions:
          - bot_uttered:
              text_matches: "^Placing it now\\\\.$"
          - bot_uttered:
              text_matches: "P-17"
  - test_case: p_bad_entity_value
    steps:
      - user: '/order_pizza{"size": "huge"}'
        assertions:
          - bot_uttered:
              utter_name: utter_ask_pizza_size
  - test_case: p_legacy_set_list_missing
    steps:
      - user: "/greet"
      - slot_was_set:
          - order_status
"""

# Rasa 3.21's verdicts on PROBE (oracle.py e2e)
RASA_FAILED = {
    "p_did_not_utter_fails", "p_not_set_value_same", "p_legacy_bot_wrong",
    "p_flow_ids_any_missing", "p_buttons_order", "p_legacy_set_list_missing",
}


def test_probe_cases_get_the_verdicts_rasa_gave(tmp_path: Path) -> None:
    verdicts = _verdicts(tmp_path, PROBE)
    assert len(verdicts) == 15
    assert {name for name, problems in verdicts.items() if problems} == RASA_FAILED


def test_flow_started_all_with_two_ids_is_refused_as_rasa_refuses_it(tmp_path: Path) -> None:
    tests = tmp_path / "all.yml"
    tests.write_text("""test_cases:
  - test_case: all_two
    steps:
      - user: "/greet"
        assertions:
          - flow_started:
              flow_ids: [greet, pattern_completed]
              operator: all
""")
    run = _cli(".", str(tests))
    assert run.returncode != 0
    assert "all.yml:7" in run.stdout + run.stderr
    assert "Traceback" not in run.stderr


def test_metadata_is_shared_across_a_folders_files_but_stubs_are_not(tmp_path: Path) -> None:
    # Rasa reads a folder as one suite: metadata from any file serves every test case, while
    # a file's stub_custom_actions stand in for its own test cases only (Rasa 3.21: "action
    # `action_check_status` has not been stubbed" for b.yml's case)
    folder = tmp_path / "e2e"
    folder.mkdir()
    (folder / "a.yml").write_text("""metadata:
  - shared_meta:
      channel: web
stub_custom_actions:
  action_check_status:
    events:
      - event: slot
        name: order_status
        value: baked
    responses: []
test_cases:
  - test_case: y_a
    steps:
      - user: "/check_status"
      - utter: utter_status
      - bot: "Your order is baked."
""")
    (folder / "b.yml").write_text("""test_cases:
  - test_case: y_b_uses_a
    metadata: shared_meta
    steps:
      - user: "/check_status"
        assertions:
          - slot_was_set:
              - name: order_status
                value: baked
""")
    results = run_suite(load_project(PIZZA), read_tests(folder))
    assert {r.name: r.passed for r in results} == {"y_a": True, "y_b_uses_a": False}


def test_a_parent_conftest_fixture_and_typed_slot_values(tmp_path: Path) -> None:
    # Rasa 3.21: a conftest.yml above the test file gives fixtures; a slot's value compares
    # with its type (true is not "true", 42 is not "42")
    (tmp_path / "sub").mkdir()
    (tmp_path / "conftest.yml").write_text("""fixtures:
  - big_tuna:
      - pizza_size: large
      - topping: tuna
""")
    (tmp_path / "sub" / "c.yml").write_text("""stub_custom_actions:
  action_place_order:
    events:
      - event: slot
        name: order_id
        value: 42
    responses: []
test_cases:
  - test_case: z_conftest_fixture_legacy_types
    fixtures:
      - big_tuna
    steps:
      - user: "/order_pizza"
      - utter: utter_ask_confirm_order
      - user: "/SetSlots(confirm_order=true)"
      - slot_was_set:
          - confirm_order: true
      - slot_was_set:
          - order_id: 42
      - bot: "Order 42 is on its way."
  - test_case: z_legacy_bool_string
    fixtures:
      - big_tuna
    steps:
      - user: "/order_pizza"
      - user: "/SetSlots(confirm_order=true)"
      - slot_was_set:
          - confirm_order: "true"
  - test_case: z_id_string
    fixtures:
      - big_tuna
    steps:
      - user: "/order_pizza"
      - user: "/SetSlots(confirm_order=true)"
        assertions:
          - slot_was_set:
              - name: order_id
                value: "42"
  - test_case: z_legacy_bot_buttons
    steps:
      - user: "/order_pizza"
      - bot: "Which size?"
      - user: "/SetSlots(pizza_size=small)"
      - utter: utter_ask_topping
""")
    results = run_suite(load_project(PIZZA), read_tests(tmp_path / "sub"))
    assert {r.name: r.passed for r in results} == {
        "z_conftest_fixture_legacy_types": True, "z_legacy_bool_string": False,
        "z_id_string": False, "z_legacy_bot_buttons": True,
    }


FIXTURE_PROBE = """
fixtures:
  - sized:
      - pizza_size: medium
test_cases:
  - test_case: f_assert_fixture_slot
    fixtures: [sized]
    steps:
      - user: "/greet"
        assertions:
          - slot_was_set:
              - name: pizza_size
                value: medium
  - test_case: f_legacy_fixture_slot
    fixtures: [sized]
    steps:
      - user: "/greet"
      - slot_was_set:
          - pizza_size: medium
  - test_case: f_legacy_fixture_not_set
    fixtures: [sized]
    steps:
      - user: "/greet"
      - slot_was_not_set:
          - pizza_size
  - test_case: f_assert_fixture_not_set
    fixtures: [sized]
    steps:
      - user: "/greet"
        assertions:
          - slot_was_not_set:
              - name: pizza_size
  - test_case: f_entity_legacy
    steps:
      - user: '/order_pizza{"size": "large"}'
      - slot_was_set:
          - pizza_size: large
      - utter: utter_ask_topping
  - test_case: f_second_turn_fixture
    fixtures: [sized]
    steps:
      - user: "/greet"
      - user: "/greet"
        assertions:
          - slot_was_set:
              - name: pizza_size
"""


def test_fixture_slots_count_as_set_in_the_first_turn_for_assertions_only(
    tmp_path: Path,
) -> None:
    # Rasa 3.21: assertions see a fixture's slots among turn 1's events, legacy steps do not;
    # a later turn does not see them either
    verdicts = _verdicts(tmp_path, FIXTURE_PROBE)
    assert {name: not problems for name, problems in verdicts.items()} == {
        "f_assert_fixture_slot": True, "f_legacy_fixture_slot": False,
        "f_legacy_fixture_not_set": True, "f_assert_fixture_not_set": False,
        "f_entity_legacy": True, "f_second_turn_fixture": False,
    }
