"""The command line, run as a user runs it: a subprocess, output and exit codes."""

from __future__ import annotations

import subprocess
import sys


def turnflow(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "turnflow.cli", *args], capture_output=True, text=True, timeout=60
    )


def test_eval_renders_a_template():
    run = turnflow("eval", "Hi @(contact.name), you are @(contact.age + 1)", "--context", '{"contact": {"name": "Ryan", "age": 37}}')
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
