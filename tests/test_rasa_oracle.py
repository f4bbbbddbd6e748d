"""turnflow against the real Rasa, turn by turn: each recorded transcript (what Rasa 3.21
uttered, which slots it set, which flows started and ended, the stack, the actions it ran,
per turn of each e2e test case) must equal what turnflow does with the same project.

The transcripts in tests/data/rasa_oracle/ were recorded with ../shared/tools/rasa-oracle;
``test_recordings_are_current`` records them again where the oracle's venv exists (it is
skipped, saying so, where it does not).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from turnflow.rasa.e2e import UserStep, read_tests
from turnflow.rasa.e2e.runner import run_suite, stubs_for
from turnflow.rasa.engine import RasaEngine, Turn
from turnflow.rasa.reading import load_project

from .conftest import REPO, SHARED

DATA = Path(__file__).resolve().parent / "data" / "rasa_oracle"
ORACLE = SHARED / "tools" / "rasa-oracle"
ORACLE_PYTHON = Path(
    os.environ.get("RASA_ORACLE_VENV", Path.home() / ".cache/turnflow/rasa-oracle")
) / "bin" / "python"

# recording -> the project it was recorded on
PROJECTS = {
    "example_project": ORACLE / "example-project",
    "transfer": REPO / "examples" / "rasa" / "transfer",
    "pizza": REPO / "examples" / "rasa" / "pizza",
    "booking": REPO / "examples" / "rasa" / "booking",
    "library": REPO / "examples" / "rasa" / "library",
    # written from Rasa's docs, not from the examples (tests/test_rasa_docs_projects.py)
    "docs_helpdesk": DATA.parent / "rasa_docs" / "helpdesk",
    "docs_restaurant": DATA.parent / "rasa_docs" / "restaurant",
    # written from Rasa's docs to try what the others don't: nlu_trigger thresholds, the
    # type check failing on a corrected value (pattern_internal_error), overridden patterns
    "docs3_clinic": DATA.parent / "rasa_docs3" / "clinic",
    # (nested calls, corrections by the same value written differently, string conditions
    # in responses, overridden pattern_correction and pattern_completed)
    "docs3_garage": DATA.parent / "rasa_docs3" / "garage",
    # (a custom action no action server answers: it fails, in a flow, a called and a linked
    # one, and in a flow that interrupted another)
    "docs3_kiosk": DATA.parent / "rasa_docs3" / "kiosk",
    # (initial values the collect step leaves alone, an action_listen step, a categorical
    # slot of numbers, overridden session start, search and chitchat patterns, two flows
    # interrupted and the one to go back to named)
    "docs3_bank": DATA.parent / "rasa_docs3" / "bank",
    # (conditions: matches, contains, and/or with brackets; a conditional question; a Jinja
    # response; a loop back to a question that asks before filling, and its correction)
    "docs3_quiz": DATA.parent / "rasa_docs3" / "quiz",
    # (an answer and a correction in one payload, odd payloads, a called flow also started
    # on its own, skip and cancel with no flow, a button with an intent)
    "docs3_travel": DATA.parent / "rasa_docs3" / "travel",
    # (a slot's own validation, corrected; a custom action's value for a categorical slot;
    # links from a flow that interrupted another, to a flow and to the handoff pattern)
    "docs3_support": DATA.parent / "rasa_docs3" / "support",
    # (a controlled slot filled by a custom action at every turn: run_action_every_turn)
    "docs3_cafe": DATA.parent / "rasa_docs3" / "cafe",
}


# recording -> (project, conversations whose messages carry commands), recorded with
# tests/rasa_oracle/drive_commands.py
COMMAND_CONVERSATIONS = {
    "library_commands": (PROJECTS["library"], DATA.parent / "rasa_commands" / "library.yml"),
}
DRIVER = Path(__file__).resolve().parent / "rasa_oracle" / "drive_commands.py"


def oracle_turn(turn: Turn, user: Any) -> dict[str, Any]:
    """A turnflow turn in the oracle's transcript shape."""
    slots: dict[str, Any] = {}
    for name, value in turn.slots:
        slots[name] = value
    return {
        "user": user,
        "bot": [
            {"utter": b["utter_action"], "text": b.get("text"),
             "buttons": (b.get("data") or {}).get("buttons") or []}
            for b in turn.bot
        ],
        "slots": slots,
        "flows": [[kind, flow] for kind, flow in turn.flows],
        "actions": [name for name in turn.actions if name != "action_listen"],
        "stack": turn.stack,
    }


def comparable(turn: dict[str, Any]) -> dict[str, Any]:
    """What is compared of a recorded turn (the stack by flow ids; Rasa adds frame types)."""
    return {**turn, "stack": [entry.split(":")[0] for entry in turn["stack"]]}


def cases(name: str) -> list[tuple[str, dict[str, Any]]]:
    lines = (DATA / f"{name}.jsonl").read_text().splitlines()
    return [(name, json.loads(line)) for line in lines if line.strip()]


@pytest.mark.parametrize(
    ("name", "recorded"), [case for name in PROJECTS for case in cases(name)],
    ids=lambda value: value["test_case"] if isinstance(value, dict) else value,
)
def test_turnflow_matches_rasa_turn_by_turn(name: str, recorded: dict[str, Any]) -> None:
    project = PROJECTS[name]
    suite = read_tests(project / "e2e_tests")
    case = next(c for c in suite.test_cases if c.name == recorded["test_case"])
    engine = RasaEngine.load(project, custom_actions=stubs_for(case, suite.stub_custom_actions))
    session = engine.new_session()
    users = [step.text for step in case.steps if isinstance(step, UserStep)]
    assert len(users) == len(recorded["turns"])
    for number, (text, expected) in enumerate(zip(users, recorded["turns"], strict=True), 1):
        actual = oracle_turn(engine.handle(session, text), text)
        assert actual == comparable(expected), f"turn {number} ({text!r}) differs from Rasa"


@pytest.mark.parametrize("name", ["transfer", "pizza", "booking", "library"])
def test_the_examples_e2e_tests_pass_on_turnflow(name: str) -> None:
    """They pass on real Rasa (``oracle.py e2e``) too."""
    project = PROJECTS[name]
    results = run_suite(load_project(project), read_tests(project / "e2e_tests"))
    assert results and [(r.name, r.problems) for r in results if not r.passed] == []


@pytest.mark.parametrize(
    ("name", "recorded"), [case for name in COMMAND_CONVERSATIONS for case in cases(name)],
    ids=lambda value: value["test_case"] if isinstance(value, dict) else value,
)
def test_commands_given_with_messages_match_rasa(name: str, recorded: dict[str, Any]) -> None:
    project, conversations = COMMAND_CONVERSATIONS[name]
    spec = yaml.safe_load(conversations.read_text())
    stubs = {
        action: (lambda view, stub=stub: {"events": stub.get("events") or [],
                                          "responses": stub.get("responses") or []})
        for action, stub in (spec.get("stub_custom_actions") or {}).items()
    }
    conversation = next(c for c in spec["conversations"] if c["name"] == recorded["test_case"])
    engine = RasaEngine.load(project, custom_actions=stubs)
    session = engine.new_session()
    assert len(conversation["turns"]) == len(recorded["turns"])
    for number, (given, expected) in enumerate(
        zip(conversation["turns"], recorded["turns"], strict=True), 1
    ):
        if isinstance(given, str):
            turn = engine.handle(session, given)
        else:
            turn = engine.handle(session, given.get("text", ""), commands=given["commands"])
        assert oracle_turn(turn, given) == comparable(expected), (
            f"turn {number} ({given!r}) differs from Rasa"
        )


def test_recordings_are_current(tmp_path: Path) -> None:
    if not ORACLE_PYTHON.exists():
        pytest.skip(f"the Rasa oracle is not installed ({ORACLE_PYTHON}): run "
                    f"{ORACLE}/setup.sh to record the transcripts again")
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    jobs: list[tuple[str, Path, list[str], dict[str, str]]] = []  # (recording, copy, argv, env)
    # (the loops project is compared in tests/test_rasa_loops.py, where turnflow differs)
    for name, project in {**PROJECTS, "loops": DATA.parent / "rasa_loops"}.items():
        copy = tmp_path / name
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".oracle"))
        # (one run trains the model and records)
        command = ["transcript", str(copy), str(copy / "e2e_tests")]
        jobs.append((name, copy, [str(ORACLE_PYTHON), str(ORACLE / "oracle.py"), *command], env))
    for name, (project, conversations) in COMMAND_CONVERSATIONS.items():
        copy = tmp_path / f"{name}-project"
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".oracle"))
        jobs.append((name, copy, [str(ORACLE_PYTHON), str(DRIVER), str(copy), str(conversations)],
                     {**env, "RASA_ORACLE_DIR": str(ORACLE)}))

    def record(job: tuple[str, Path, list[str], dict[str, str]]) -> tuple[str, Any]:
        name, copy, argv, job_env = job
        # (from the copy, as Rasa writes its .rasa/ cache where it runs)
        run = subprocess.run(argv, capture_output=True, text=True, env=job_env, timeout=900,
                             cwd=copy)
        if run.returncode != 0:
            return name, run.stderr[-2000:]
        # (Rasa may print a banner before the transcript: only the JSON lines count)
        return name, [json.loads(line) for line in run.stdout.splitlines()
                      if line.startswith("{")]

    # two at a time: each run is one busy process (training, then the conversations)
    with ThreadPoolExecutor(max_workers=2) as pool:
        for name, recorded in pool.map(record, jobs):
            assert isinstance(recorded, list), f"{name}: the oracle failed: {recorded}"
            committed = [case for _, case in cases(name)]
            assert recorded == committed, f"{name}: Rasa's transcript changed; record it again"


def test_cli_runs_a_projects_e2e_tests_with_a_readable_difference() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "turnflow.cli", "test", str(ORACLE / "example-project")],
        capture_output=True, text=True, timeout=120,
    )
    lines = run.stdout.strip().splitlines()
    assert lines[-1] == "2 passed, 1 failed" and run.returncode == 1
    assert "FAIL deliberately_failing" in run.stdout
    assert "- utter: utter_transfer_complete" in run.stdout
    assert "+ bot said: utter_balance" in run.stdout
