"""Rasa projects written the way Rasa's docs and tutorials teach (tests/data/rasa_docs/), not
from turnflow's examples: their e2e tests pass on real Rasa 3.21 (``oracle.py e2e``) and must
pass on turnflow. Also the focused checks of what writing them showed turnflow did not do as
Rasa does (each checked on Rasa with the oracle)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from turnflow.rasa.chat import load_engine, tolerated_errors
from turnflow.rasa.domain import Response, ResponseVariant
from turnflow.rasa.e2e import read_tests
from turnflow.rasa.e2e.runner import run_suite
from turnflow.rasa.engine import RasaEngine
from turnflow.rasa.reading import load_project
from turnflow.rasa.responses import candidate_variants
from turnflow.rasa.slot_filling import slot_commands
from turnflow.rasa.validation import validate_project

from .conftest import REPO

DOCS = Path(__file__).resolve().parent / "data" / "rasa_docs"
NAMES = sorted(path.name for path in DOCS.iterdir() if (path / "domain.yml").exists())


def test_there_are_docs_projects() -> None:
    assert NAMES == ["contacts", "helpdesk", "hotel", "restaurant"]


@pytest.mark.parametrize("name", NAMES)
def test_docs_project_is_valid_and_its_e2e_tests_pass(name: str) -> None:
    project = load_project(DOCS / name)
    assert [str(p) for p in validate_project(project).errors] == []
    results = run_suite(project, read_tests(DOCS / name / "e2e_tests"))
    assert len(results) >= 4
    assert [(r.name, r.problems) for r in results if not r.passed] == []


def test_cli_runs_a_docs_project() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "turnflow.cli", "test", str(DOCS / "contacts")],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().splitlines()[-1] == "6 passed, 0 failed"


# -- legacy steps: Rasa looks each one up among the turn's events --------------------------


def _suite(tmp_path: Path, steps: str) -> list[tuple[str, list[str]]]:
    tests = tmp_path / "legacy.yml"
    # (its custom action stubbed, as without an action server it would fail)
    stub = "stub_custom_actions:\n  action_list_contacts:\n    events: []\n    responses: []\n"
    tests.write_text(stub + "test_cases:\n  - test_case: legacy\n    steps:\n" + steps)
    project = load_project(DOCS / "contacts")
    return [(r.name, r.problems) for r in run_suite(project, read_tests(tests))]


def test_legacy_steps_in_any_order_and_unnamed_messages_pass(tmp_path: Path) -> None:
    # the turn says utter_contact_count then utter_ask_continue_conversation
    steps = (
        '      - user: "/list_contacts"\n'
        '      - utter: utter_ask_continue_conversation\n'
        '      - bot: "You have no contacts yet."\n'
        '      - utter: utter_contact_count\n'
        '      - user: "/greet"\n'
        '      - utter: utter_greet\n'  # utter_ask_continue_conversation not named: fine
    )
    assert _suite(tmp_path, steps) == [("legacy", [])]


def test_a_legacy_step_no_event_matches_fails(tmp_path: Path) -> None:
    steps = '      - user: "/greet"\n      - utter: utter_contact_added\n'
    [(_, problems)] = _suite(tmp_path, steps)
    assert len(problems) == 1 and "- utter: utter_contact_added" in problems[0]
    assert "utter_greet" in problems[0]


def test_assertions_on_a_payload_rasa_voids_fail(tmp_path: Path) -> None:
    """Rasa logs a payload naming an unknown intent or slot without its slash: its e2e runner
    finds no such user message and fails the step (checked on Rasa)."""
    steps = (
        '      - user: "/no_such_intent"\n'
        "        assertions:\n"
        "          - bot_did_not_utter:\n"
        "              utter_name: utter_greet\n"
    )
    [(_, problems)] = _suite(tmp_path, steps)
    assert len(problems) == 1 and "voids this payload" in problems[0]


def test_assertions_check_the_first_message_with_the_steps_text(tmp_path: Path) -> None:
    """Rasa's e2e runner finds a step's user message by its text: a text sent twice has its
    assertions checked against the first one's turn (checked on Rasa)."""
    steps = (
        '      - user: "/add_contact"\n'
        '      - user: "/SetSlots(handle=@kim)"\n'
        '      - user: "/add_contact"\n'  # (the flow in progress: nothing happens now)
        "        assertions:\n"
        "          - flow_started: add_contact\n"
        "          - bot_uttered:\n"
        "              utter_name: utter_ask_handle\n"
    )
    assert _suite(tmp_path, steps) == [("legacy", [])]


def test_the_first_steps_assertions_see_the_fixtures_slots(tmp_path: Path) -> None:
    """Rasa sets a case's fixtures as slot events before the first message, and checks the
    first step's assertions against those events too (checked on Rasa)."""
    tests = tmp_path / "fixtures.yml"
    tests.write_text(
        "fixtures:\n  - three:\n      - contact_count: 3\n"
        "test_cases:\n"
        "  - test_case: seen\n    fixtures: [three]\n    steps:\n"
        '      - user: "/greet"\n        assertions:\n'
        "          - slot_was_set:\n              - name: contact_count\n"
        "                value: 3\n"
        "  - test_case: not_in_later_steps\n    fixtures: [three]\n    steps:\n"
        '      - user: "/greet"\n      - user: "/list_contacts"\n        assertions:\n'
        "          - slot_was_set:\n              - name: contact_count\n"
    )
    results = run_suite(load_project(DOCS / "contacts"), read_tests(tests))
    assert [(r.name, r.passed) for r in results] == [("seen", True),
                                                     ("not_in_later_steps", False)]


def test_bot_assertions_are_checked_criterion_by_criterion_as_rasa_does() -> None:
    """bot_uttered: each of utter_name / text_matches / buttons may match a different
    message; listed buttons are compared with a message's first ones, title and payload as
    written. bot_did_not_utter: any one criterion matching fails it. (Verdicts of Rasa 3.21
    on tests/data/rasa_docs/bot_assertions.yml.)"""
    results = run_suite(load_project(DOCS / "contacts"),
                        read_tests(DOCS / "bot_assertions.yml"))
    assert [(r.name, r.passed) for r in results] == [
        ("criteria_on_different_messages", True),
        ("buttons_prefix", True),
        ("button_without_payload_fails", False),
        ("did_not_utter_any_criterion_fails", False),
        ("ordered_with_did_not_utter", True),
    ]


# -- responses -----------------------------------------------------------------------------


def test_list_form_conditions_compare_slot_values_as_rasa_does() -> None:
    variants = (
        ResponseVariant(text="vip", condition=[{"type": "slot", "name": "tier",
                                                "value": "Gold"}]),
        ResponseVariant(text="zero", condition=[{"type": "slot", "name": "n", "value": 0}]),
        ResponseVariant(text="plain"),
    )
    responses = {"utter_x": Response("utter_x", variants)}

    def texts(slots: dict[str, object]) -> list[str | None]:
        chosen = candidate_variants("utter_x", responses, slots, lambda c, s: False)
        return [variant.text for variant in chosen]

    assert texts({"tier": "gold", "n": 1}) == ["vip"]  # strings: case does not matter
    assert texts({"tier": None, "n": 0.0}) == ["zero"]
    assert texts({"tier": "silver", "n": 2}) == ["plain"]


# -- Rasa's own language slot --------------------------------------------------------------


def test_the_language_slot_is_rasas_own(tmp_path: Path) -> None:
    engine = RasaEngine.load(DOCS / "contacts")
    assert engine.new_session().slots["language"] == "en"  # config.yml's language
    (tmp_path / "data").mkdir()
    (tmp_path / "config.yml").write_text("language: en\n")
    (tmp_path / "domain.yml").write_text(
        "slots:\n  language:\n    type: text\n    mappings:\n      - type: from_llm\n")
    (tmp_path / "data" / "flows.yml").write_text(
        "flows:\n  f:\n    description: d\n    steps:\n      - action: action_listen\n")
    errors = [str(p) for p in validate_project(load_project(tmp_path)).errors]
    assert len(errors) == 1 and "slot 'language' is one of Rasa's own" in errors[0]
    assert "domain.yml:2:" in errors[0]


# -- errors Rasa reports but runs anyway ---------------------------------------------------


@pytest.mark.parametrize("name", ["library", "pizza"])
def test_chat_runs_a_project_whose_errors_rasa_runs_anyway(name: str) -> None:
    path = REPO / "examples" / "rasa" / name
    project = load_project(path)
    errors = validate_project(project).errors
    assert errors and all(problem.rasa_runs_it for problem in errors)  # validate stays honest
    assert "list slot" in str(tolerated_errors(project)[-1])
    assert load_engine(path) is not None


def test_validate_marks_the_errors_rasa_runs_anyway() -> None:
    path = REPO / "examples" / "rasa" / "library"
    run = subprocess.run([sys.executable, "-m", "turnflow.cli", "validate", str(path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "(Rasa runs the project anyway)" in run.stdout
    assert run.stdout.strip().splitlines()[-1].endswith("1 error, 1 of them Rasa runs anyway")


# -- slots filled from an intent's entities ------------------------------------------------


def _commands(**message: object) -> list[dict[str, object]]:
    project = load_project(DOCS / "helpdesk")
    slots = project.domain.slots
    options = {"intent": "report_issue", "entities": (), "text": "", "values": {},
               "entity_types": frozenset(project.domain.entities), **message}
    return slot_commands(slots, frozenset({"device", "ticket_number"}), **options)  # type: ignore[arg-type]


def test_an_entity_fills_the_slot_mapped_to_it() -> None:
    entities = ({"entity": "device", "value": "phone"}, {"entity": "device", "value": "laptop"})
    assert _commands(entities=entities) == [
        {"command": "set slot", "name": "device", "value": "laptop"},  # the last one
    ]
    # a slot no flow collects without asking first is not filled
    slots = load_project(DOCS / "helpdesk").domain.slots
    assert slot_commands(slots, frozenset(), intent="report_issue", entities=entities,
                         text="", values={}) == []
    # unless the collect step asking now is for that slot
    assert slot_commands(slots, frozenset(), intent="report_issue", entities=entities,
                         text="", values={}, asking="device") != []
    # an entity with a role the mapping does not name fills nothing
    assert _commands(entities=({"entity": "device", "value": "x", "role": "old"},)) == []


def test_mapping_conditions_and_intents() -> None:
    from turnflow.rasa.domain import Slot, SlotMapping

    slots = {
        "size": Slot("size", "text", mappings=(SlotMapping("from_entity", {
            "entity": "size", "not_intent": "chitchat",
            "conditions": [{"active_flow": "order"}]}),)),
        "wants_help": Slot("wants_help", "bool", mappings=(SlotMapping("from_intent", {
            "intent": ["help", "stuck"], "value": True}),)),
    }
    fillable = frozenset(slots)
    entity = ({"entity": "size", "value": "big"},)

    def names(**message: object) -> list[object]:
        options = {"entities": entity, "text": "", "values": {}, **message}
        return [c["name"] for c in slot_commands(slots, fillable, **options)]  # type: ignore[arg-type]

    assert names(intent="order", active_flow="order") == ["size"]
    assert names(intent="order", active_flow="other") == []
    assert names(intent="order") == ["size"]  # no flow active: the condition does not apply
    assert names(intent="chitchat") == []
    assert names(intent="stuck") == ["size", "wants_help"]
