"""``turnflow validate`` keeps its promise: a flow file it accepts runs without a Python
error. A mutation fuzzer (turnflow.testing.flow_mutations) changes one field of every valid
goflow fixture file (read in place) and checks each mutant is refused or runs; a longer run
is benchmarks/fuzz_flows.py."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from turnflow.testing import flow_mutations as fm

GOFLOW = Path("/work/shared/fixtures/goflow")
RUNNER = GOFLOW / "test/testdata/runner"

pytestmark = pytest.mark.skipif(not GOFLOW.exists(), reason="goflow fixtures not present")


def test_mutants_of_every_valid_fixture_are_refused_or_run() -> None:
    files = fm.valid_flow_files(GOFLOW)
    assert len(files) >= 40
    report = fm.fuzz(files, per_file=12, seed=20261205)
    assert report.crashes == []
    assert report.tried == 12 * len(files)
    assert report.ran > 50 and report.refused > 50  # both sides of the invariant exercised


def _load(name: str) -> dict:
    return json.loads((RUNNER / name).read_text())


def _set(data: dict, path: tuple, value: object) -> dict:
    return fm.mutate(data, path, value)


def _first_action(data: dict, kind: str) -> tuple:
    for n, node in enumerate(data["flows"][0]["nodes"]):
        for a, action in enumerate(node.get("actions") or []):
            if action["type"] == kind:
                return ("flows", 0, "nodes", n, "actions", a)
    raise AssertionError(kind)


def _case(data: dict) -> tuple:
    for n, node in enumerate(data["flows"][0]["nodes"]):
        if (node.get("router") or {}).get("cases"):
            return ("flows", 0, "nodes", n, "router", "cases")
    raise AssertionError("no cases")


ISSUE_CASES = {
    # the one-field changes the hostile-input report found passing validate, then crashing
    "channel without a name": ("two_questions.json", lambda d: fm.mutate(
        d, ("channels", 0, "name"), fm.DELETE)),
    "quick_replies [null]": ("all_actions.json", lambda d: _set(
        d, (*_first_action(d, "send_msg"), "quick_replies"), [None])),
    "localized text true": ("all_actions.json", lambda d: _localized_text(d, True)),
    "localized text []": ("all_actions.json", lambda d: _localized_text(d, [])),
    "resthook subscriber of the wrong type": ("resthook.json", lambda d: _set(
        d, ("resthooks", 0, "subscribers", 0), 5)),
    "a cases entry of null": ("two_questions.json", lambda d: _set(d, (*_case(d), 0), None)),
    "an airtime amount of null": ("airtime.json", lambda d: _set(
        d, (*_first_action(d, "transfer_airtime"), "amounts", "USD"), None)),
    "a group query of the wrong type": ("smart_groups.json", lambda d: _set(
        d, ("groups", 0, "query"), ["x"])),
    "channel roles null": ("two_questions.json", lambda d: _set(
        d, ("channels", 0, "roles"), None)),
    "a set_contact_field value of null": ("all_actions.json", lambda d: _set(
        d, (*_first_action(d, "set_contact_field"), "value"), None)),
}  # fmt: skip


def _localized_text(data: dict, value: object) -> dict:
    data = copy.deepcopy(data)
    for translations in data["flows"][0]["localization"].values():
        for item in translations.values():
            if "text" in item:
                item["text"] = value
                return data
    raise AssertionError("no localized text")


@pytest.mark.parametrize("name", sorted(ISSUE_CASES))
def test_the_reported_validate_lies(name: str) -> None:
    file_name, change = ISSUE_CASES[name]
    outcome = fm.check(change(_load(file_name)))
    assert outcome.kind in ("refused", "ran"), outcome.detail


def test_refusals_say_what_and_where() -> None:
    data = _load("two_questions.json")
    mutant = _set(data, (*_case(data), 0), None)
    problems = fm.validate(mutant)
    assert problems and "cases[0]" in problems[0] and "must not be null" in problems[0]
    mutant = _set(_load("resthook.json"), ("resthooks", 0, "subscribers", 0), 5)
    assert "resthooks[0].subscribers[0]" in fm.validate(mutant)[0]


def test_mutants_of_stored_sessions_are_refused_or_resume() -> None:
    files = fm.valid_flow_files(GOFLOW)
    report = fm.fuzz_sessions(files, per_session=12, seed=20261205)
    assert report.crashes == []
    assert report.tried > 200 and report.ran > 20 and report.refused > 20


def test_mutants_of_runner_tests_fail_as_broken_or_run() -> None:
    """Triggers, resumes, contacts and mocks of the wrong shape: what callers hand the
    engine is checked too."""
    report = fm.fuzz_runner_tests(RUNNER, per_test=6, seed=20261205)
    assert report.crashes == []
    assert report.tried > 200 and report.refused > 20


def test_mutants_of_rapidpro_transcripts_fail_as_broken_or_run() -> None:
    runs = Path("/work/shared/fixtures/rapidpro/flows/common/test_runs")
    if not runs.exists():
        pytest.skip("RapidPro fixtures not present")
    report = fm.fuzz_transcripts(runs, per_file=25, seed=20261205)
    assert report.crashes == []
    assert report.tried == 100 and report.refused > 10
