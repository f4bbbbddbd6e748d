"""Custom actions as Python functions the project registers (actions.py or actions/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from turnflow.rasa.custom_actions import load_actions, normalise, response, slot_set
from turnflow.rasa.engine import ProjectError, RasaEngine

from .conftest import REPO

LIBRARY = REPO / "examples" / "rasa" / "library"

DOMAIN = """
intents: [hello]
actions: [action_greet, action_missing]
slots:
  name: {type: text, initial_value: Ann, mappings: [{type: controlled}]}
  greeted: {type: bool, mappings: [{type: controlled}]}
responses:
  utter_done: [{text: "Done, {name}."}]
"""
FLOWS = """
flows:
  greet:
    description: Greet.
    nlu_trigger: [{intent: hello}]
    run_pattern_completed: false
    steps:
      - action: action_greet
      - action: action_missing
      - action: utter_done
"""


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "domain.yml").write_text(DOMAIN)
    (tmp_path / "data" / "flows.yml").write_text(FLOWS)
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def warnings(turn: Any) -> list[str]:
    return [e["text"] for e in turn.events if e["type"] == "warning"]


# what Rasa 3.21 says when an action fails (checked with the oracle,
# tests/data/rasa_docs3/kiosk): the internal error, then the flow is cancelled
FAILED = ["Sorry, I am having trouble with that. Please try again in a few minutes.",
          "Okay, stopping greet."]


def test_the_library_checks_cards_with_its_own_action() -> None:
    engine = RasaEngine.load(LIBRARY)
    turn = engine.handle(engine.new_session("ada"), "/borrow")
    assert turn.slots == [("member", True)] and "action_check_card" in turn.actions
    assert [b["utter_action"] for b in turn.bot] == ["utter_card_ok", "utter_ask_title"]
    turn = engine.handle(engine.new_session("bob"), "/borrow")
    assert turn.slots == [("member", False)]


def test_a_package_registers_by_decorator_and_by_name(tmp_path: Path) -> None:
    path = project(tmp_path, {
        "actions/__init__.py": "from .greeting import *  # noqa\n",
        "actions/greeting.py": (
            "from turnflow.rasa.custom_actions import action, slot_set\n"
            "from .words import hello\n"
            "@action('action_greet')\n"
            "def greet(tracker):\n"
            "    return {'events': [slot_set('greeted', True)],\n"
            "            'responses': [{'text': hello(tracker['slots']['name']),\n"
            "                           'buttons': [{'title': 'Hi', 'payload': '/hello'}]}]}\n"
            "def action_wave(tracker):\n"
            "    return None\n"
        ),
        "actions/words.py": "def hello(name):\n    return f'Hello {name}!'\n",
    })
    actions, warned = load_actions(path)
    assert sorted(actions) == ["action_greet", "action_wave"] and warned == []
    engine = RasaEngine.load(path)
    turn = engine.handle(engine.new_session(), "/hello")
    # declared in the domain, defined nowhere: it fails, as in Rasa with no action server
    assert [b["text"] for b in turn.bot] == ["Hello Ann!", *FAILED]
    assert turn.bot[0]["data"]["buttons"] == [{"title": "Hi", "payload": "/hello"}]
    assert turn.slots == [("greeted", True)]
    assert warnings(turn) == ["custom action 'action_missing' is not registered (no actions "
                              "module of the project defines it): it fails"]
    assert turn.stack == []


def test_actions_given_to_the_engine_stand_in_for_the_projects(tmp_path: Path) -> None:
    path = project(tmp_path, {"actions.py": (
        "def action_greet(tracker):\n    return [{'text': 'real'}]\n")})
    stub = {"action_greet": lambda tracker: {"responses": [{"text": "stub"}]}}
    engine = RasaEngine.load(path, custom_actions=stub)
    assert engine.handle(engine.new_session(), "/hello").bot[0]["text"] == "stub"


def test_an_action_server_project_runs_as_rasa_without_its_server(tmp_path: Path) -> None:
    path = project(tmp_path, {"actions/__init__.py": "", "actions/actions.py": "",
                              "actions.py": ""})
    (path / "actions" / "__init__.py").write_text(
        "from rasa_sdk import Action  # an action-server project\n")
    engine = RasaEngine.load(path)
    assert len(engine.warnings) == 1 and "cannot import rasa_sdk" in engine.warnings[0]
    assert engine.warnings[0].startswith(str(path / "actions" / "__init__.py") + ":1:")
    turn = engine.handle(engine.new_session(), "/hello")
    assert [b["text"] for b in turn.bot] == FAILED  # its first action fails


def test_a_broken_actions_module_names_file_and_line(tmp_path: Path) -> None:
    path = project(tmp_path, {"actions.py": "x = 1\ndef action_greet(tracker)\n    pass\n"})
    with pytest.raises(ProjectError, match=r"actions\.py:2: "):
        RasaEngine.load(path)
    (path / "actions.py").write_text("ok = 1\nraise RuntimeError('no database')\n")
    with pytest.raises(ProjectError, match=r"actions\.py:2: RuntimeError: no database"):
        RasaEngine.load(path)


def test_a_failing_action_loses_its_events_and_the_flow_is_cancelled(tmp_path: Path) -> None:
    path = project(tmp_path, {"actions.py": (
        "def action_greet(tracker):\n    return 1 / 0\n")})
    engine = RasaEngine.load(path)
    turn = engine.handle(engine.new_session(), "/hello")
    assert [b["text"] for b in turn.bot] == FAILED and turn.slots == []
    assert warnings(turn)[0] == ("custom action 'action_greet' failed: ZeroDivisionError: "
                                 "division by zero")


def test_results_in_every_shape() -> None:
    assert normalise(None) == {"events": [], "responses": []}
    assert normalise([slot_set("a", 1), response("utter_x")]) == {
        "events": [{"event": "slot", "name": "a", "value": 1}],
        "responses": [{"response": "utter_x"}]}
    assert normalise({"events": [slot_set("a", 1)]})["responses"] == []
    assert normalise(response(text="hi")) == {"events": [], "responses": [{"text": "hi"}]}
