"""The command line, run as a user runs it: a subprocess, output and exit codes."""

from __future__ import annotations

import subprocess
import sys


def turnflow(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "turnflow.cli", *args], capture_output=True, text=True, timeout=60
    )


def test_eval_renders_a_template():
    run = turnflow(
        "eval", "Hi @(contact.name), you are @(contact.age + 1)",
        "--context", '{"contact": {"name": "Ryan", "age": 37}}',
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "Hi Ryan, you are 38\n"


def test_syntax_error_is_one_line_with_column_and_exit_2():
    run = turnflow("eval", "@(1 +)")
    assert run.returncode == 2
    assert run.stderr == "error: syntax error: unexpected end of expression at column 6\n"
    assert "Traceback" not in run.stderr


def test_evaluation_error_exits_1():
    run = turnflow("eval", "@(1 / 0)")
    assert run.returncode == 1
    assert run.stderr.strip() == "error: division by zero"


def test_bad_context_is_reported():
    run = turnflow("eval", "x", "--context", "[1, 2")
    assert run.returncode == 2
    assert run.stderr.startswith("error: context is not valid JSON")
    assert len(run.stderr.strip().splitlines()) == 1


def test_json_output():
    run = turnflow("eval", "@(contact)", "--context", "{\"contact\": [1, \"x\"]}", "--json")
    assert run.stdout == '[1,"x"]\n'


def test_validate_reports_every_problem(tmp_path):
    import json as _json
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / "examples" / "coffee.json"
    ok = turnflow("validate", str(example))
    assert ok.returncode == 0 and "1 flow, valid" in ok.stdout

    data = _json.loads(example.read_text())
    broken = _json.loads(example.read_text())
    exit_ = broken["flows"][0]["nodes"][0]["exits"][0]
    exit_["destination_uuid"] = "00000000-0000-4000-8000-000000000000"
    second = _json.loads(_json.dumps(data["flows"][0]))
    second["uuid"] = "8f2b2d5e-6a59-4f43-9d7e-0c1b1a4e0a02"
    second["name"] = "Copy"
    second["type"] = "not-a-type"
    broken["flows"].append(second)
    path = tmp_path / "broken.json"
    path.write_text(_json.dumps(broken))
    run = turnflow("validate", str(path), str(tmp_path / "missing.json"))
    assert run.returncode == 2
    lines = run.stdout.strip().splitlines()
    assert any("flows[0] 'Coffee Order'" in line and "isn't a known node" in line for line in lines)
    assert any("flows[1] 'Copy'" in line and "not a valid flow type" in line for line in lines)
    assert any("missing.json: no such file" in line for line in lines)
    assert run.stderr.strip() == "3 problems found"
