"""`turnflow chat` and `turnflow test`, driven as a person (or a pipe) would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import GOFLOW_FIXTURES, REPO

EXAMPLE = REPO / "examples" / "coffee.json"


def turnflow(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "turnflow.cli", *args],
        input=stdin, capture_output=True, text=True, timeout=120,
    )


def test_chat_through_the_example_flow():
    run = turnflow("chat", str(EXAMPLE), stdin="hmm\nlatte please\n3\n")
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stdout.splitlines() if line.startswith("bot>")]
    assert lines == [
        "bot> Hi Ryan! What can I get you: coffee or tea?",
        "bot> Sorry, we only have coffee and tea today.",
        "bot> Hi Ryan! What can I get you: coffee or tea?",
        "bot> Coffee it is. How many cups (1-10)?",
        "bot> 3 x coffee, coming up. That's 7.50 EUR. Thanks Ryan!",
    ]
    assert "[Coffee] | [Tea]" in run.stdout
    assert run.stdout.strip().endswith("(conversation completed)")


def test_chat_timeout_command():
    run = turnflow("chat", str(EXAMPLE), stdin="/timeout\n")
    assert "bot> No worries, come back any time." in run.stdout


def test_chat_events_option():
    run = turnflow("chat", str(EXAMPLE), "--events", stdin="/quit\n")
    assert "[run_started]" in run.stdout and "[msg_wait]" in run.stdout


def test_chat_rejects_a_broken_flow_clearly(tmp_path: Path):
    data = json.loads(EXAMPLE.read_text())
    exit_ = data["flows"][0]["nodes"][0]["exits"][0]
    exit_["destination_uuid"] = "00000000-0000-4000-8000-000000000000"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data))
    run = turnflow("chat", str(broken))
    assert run.returncode == 2
    assert run.stderr.startswith("error: ")
    assert "destination" in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) <= 2


def test_chat_missing_file():
    run = turnflow("chat", "no/such/flow.json")
    assert run.returncode == 2
    assert run.stderr == "error: no such flow file: no/such/flow.json\n"


def test_runner_tests_report_a_summary_line():
    empty = GOFLOW_FIXTURES / "test" / "testdata" / "runner" / "empty.test.json"
    run = turnflow("test", str(empty))
    assert run.stdout.strip().splitlines()[-1] == "1 passed, 0 failed"
    assert run.returncode == 0
