"""``turnflow migrate``, and ``chat`` / ``test`` with legacy flows, exports and transcripts."""

from __future__ import annotations

import io
import json

import pytest

from turnflow.cli import main

from .conftest import SHARED, require_fixtures
from .test_export import export_with_triggers

COMMON = SHARED / "fixtures" / "rapidpro" / "flows" / "common"
FLOWS = COMMON / "test_flows"
RUNS = COMMON / "test_runs"


def run(capsys, *args: str, stdin: str = "", monkeypatch=None) -> tuple[int, str, str]:
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_migrate_a_legacy_flow(capsys):
    code, out, err = run(capsys, "migrate", str(require_fixtures(FLOWS) / "greatwall.json"))
    assert code == 0, err
    flow = json.loads(out)
    assert flow["spec_version"] == "14.4.2"
    assert flow["uuid"] == "3e486456-c551-44cf-b149-d9643b1109e8"
    assert flow["nodes"][0]["actions"][0]["text"] == "How many people are you?"


def test_migrate_is_reproducible(capsys):
    first = run(capsys, "migrate", str(FLOWS / "mushrooms.json"))[1]
    assert run(capsys, "migrate", str(FLOWS / "mushrooms.json"))[1] == first


def test_migrate_to_versions(capsys):
    code, out, _ = run(capsys, "migrate", str(FLOWS / "mushrooms.json"), "--to", "11.12")
    assert code == 0 and json.loads(out)["version"] == "11.12"
    code, out, _ = run(capsys, "migrate", str(FLOWS / "mushrooms.json"), "--to", "13.0.0")
    assert code == 0 and json.loads(out)["spec_version"] == "13.0.0"


def test_migrate_an_export_migrates_every_flow(capsys):
    code, out, err = run(capsys, "migrate", str(FLOWS / "subflow.json"))
    assert code == 0, err
    export = json.loads(out)
    assert [f["spec_version"] for f in export["flows"]] == ["14.4.2", "14.4.2"]
    assert export["site"] == "https://textit.in"


def test_migrate_country_maps_language_codes(capsys, tmp_path):
    flow = json.loads((FLOWS / "registration.json").read_text())
    path = tmp_path / "registration.json"
    path.write_text(json.dumps(flow))
    out = run(capsys, "migrate", str(path), "--to", "11.12", "--country", "NG")[1]
    langs = [a["lang"] for s in json.loads(out)["action_sets"] for a in s["actions"]
             if a["type"] == "lang"]
    assert "pcm" in langs and "cpe" not in langs


@pytest.mark.parametrize("name, message", [
    ("missing-version.json", "legacy flow has no 'version'"),
    ("unsupported-version.json", "legacy flow has version 6, which is not supported"),
])
def test_migrate_refuses_bad_versions_in_one_line(capsys, name, message):
    code, out, err = run(capsys, "migrate", str(FLOWS / name))
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err
    assert len(err.strip().splitlines()) == 1


def test_migrate_errors(capsys, tmp_path):
    assert run(capsys, "migrate", str(tmp_path / "nope.json"))[0] == 2
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}')
    code, _, err = run(capsys, "migrate", str(other))
    assert code == 2 and "not a flow definition" in err


def test_chat_with_a_legacy_flow(capsys, monkeypatch):
    code, out, err = run(capsys, "chat", str(FLOWS / "greatwall.json"), stdin="9\n3\n",
                         monkeypatch=monkeypatch)
    assert code == 0, err
    assert "bot> How many people are you?" in out
    assert "bot> Please choose a number between 1 and 8" in out
    assert "bot> Would you prefer Hot & Sour or Egg & Tomato soup?" in out


def test_chat_with_an_export_and_flow(capsys, monkeypatch):
    code, out, err = run(capsys, "chat", str(FLOWS / "subflow.json"), "--flow", "Child Flow",
                         stdin="", monkeypatch=monkeypatch)
    assert "Chatting with flow 'Child Flow'" in out, err


def test_chat_keyword_picks_the_flow(capsys, monkeypatch, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export_with_triggers()))
    code, out, err = run(capsys, "chat", str(path), "--keyword", "JOIN", monkeypatch=monkeypatch)
    assert code == 0, err
    assert "bot> Welcome!" in out
    code, out, err = run(capsys, "chat", str(path), "--keyword", "anything",
                         monkeypatch=monkeypatch)
    assert "bot> Eh?" in out  # the catch-all trigger
    code, _, err = run(capsys, "chat", str(FLOWS / "greatwall.json"), "--keyword", "x",
                       monkeypatch=monkeypatch)
    assert code == 2 and "--keyword needs a RapidPro export" in err


def test_test_runs_transcripts(capsys):
    code, out, _ = run(capsys, "test", str(require_fixtures(RUNS) / "mushrooms.runs.json"), "-v")
    assert "PASS mushrooms.runs[0]" in out and "PASS mushrooms.runs[2]" in out
    assert out.strip().splitlines()[-1] == "3 passed, 0 failed" and code == 0


def test_test_reports_a_summary_for_a_directory(capsys):
    code, out, _ = run(capsys, "test", str(RUNS), "-q")
    last = out.strip().splitlines()[-1]
    assert last == "8 passed, 0 failed" and code == 0


def test_migrate_with_legacy_engine_semantics(capsys):
    def texts(out: str) -> str:
        return " ".join(action.get("value", "") for node in json.loads(out)["nodes"]
                        for action in node.get("actions", [])
                        if action["type"] == "set_contact_field")

    plain = run(capsys, "migrate", str(require_fixtures(FLOWS) / "mushrooms.json"))[1]
    legacy = run(capsys, "migrate", str(FLOWS / "mushrooms.json"), "--legacy-engine")[1]
    assert texts(plain) == "@results.response_1.category_localized"
    assert texts(legacy) == "@results.response_1.category"


def test_chat_prints_steps_and_runs_as_the_legacy_engine(capsys, monkeypatch):
    flow = str(require_fixtures(FLOWS) / "birthdate-check.json")
    code, out, err = run(capsys, "chat", flow, "--legacy-engine", "--steps",
                         stdin="born 28th May 1981\n", monkeypatch=monkeypatch)
    assert code == 0, err
    assert 'which is 1981-05-28 and is saved as 1981-05-28.' in out  # the chat's date format
    steps = [line.strip() for line in out.splitlines() if line.startswith("    ")]
    assert steps[0].startswith("1. node ") and "[send_msg]" in steps[0]
    assert "[wait 'birthdate']" in steps[1] and steps[1].endswith("on 'born 28th May 1981'")
    code, out, _ = run(capsys, "chat", flow, stdin="born 28th May 1981\n/steps\n/quit\n",
                       monkeypatch=monkeypatch)
    assert "That didn't appear to be a date" in out  # goflow reads numeric dates only
    assert "  run 1: Birthdate Check (waiting)" in out


def test_chat_keyword_starts_with_a_msg_trigger(capsys, monkeypatch, tmp_path):
    flow_uuid = "a1f3c2d4-0000-4000-8000-000000000001"
    node, wait_node = "a1f3c2d4-0000-4000-8000-000000000002", "a1f3c2d4-0000-4000-8000-000000000003"
    export = {
        "version": "13", "site": "https://app.rapidpro.io", "campaigns": [], "fields": [],
        "groups": [],
        "flows": [{
            "uuid": flow_uuid, "name": "Join", "spec_version": "13.1.0", "language": "eng",
            "type": "messaging", "nodes": [{
                "uuid": node,
                "actions": [{"uuid": "a1f3c2d4-0000-4000-8000-000000000004", "type": "send_msg",
                             "text": "Keyword @trigger.keyword, message '@input.text'"}],
                "exits": [{"uuid": "a1f3c2d4-0000-4000-8000-000000000005",
                           "destination_uuid": wait_node}]}, {
                "uuid": wait_node,
                "actions": [{"uuid": "a1f3c2d4-0000-4000-8000-000000000006", "type": "send_msg",
                             "text": "And now?"}],
                "router": {"type": "switch", "operand": "@input.text", "wait": {"type": "msg"},
                           "categories": [{"uuid": "a1f3c2d4-0000-4000-8000-000000000007",
                                           "name": "All", "exit_uuid":
                                           "a1f3c2d4-0000-4000-8000-000000000008"}],
                           "default_category_uuid": "a1f3c2d4-0000-4000-8000-000000000007",
                           "cases": []},
                "exits": [{"uuid": "a1f3c2d4-0000-4000-8000-000000000008"}]}]}],
        "triggers": [{"trigger_type": "K", "keywords": ["join"], "match_type": "F",
                      "flow": {"uuid": flow_uuid, "name": "Join"}, "groups": []}],
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export))
    code, out, err = run(capsys, "chat", str(path), "--keyword", "JOIN now", stdin="later\n",
                         monkeypatch=monkeypatch)
    assert code == 0, err
    assert "you> JOIN now\nbot> Keyword join, message 'JOIN now'\n" in out
    # the wait isn't the flow's first node, so the trigger's message doesn't answer it
    assert "bot> And now?\nyou> later\n(conversation completed)" in out
    code, _, err = run(capsys, "chat", str(path), "--keyword", "hello", monkeypatch=monkeypatch)
    assert code == 2 and "no trigger starts a flow for 'hello'" in err
