"""The examples in docs/ are tests: every `TEMPLATE → OUTPUT` line and Python block runs."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from turnflow.expressions import Environment, evaluate_template, from_python
from turnflow.generators import FixedClock, SeededRandom

DOCS = Path(__file__).resolve().parent.parent / "docs"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)


def blocks(name: str, language: str) -> list[str]:
    text = (DOCS / name).read_text()
    return [body for lang, body in BLOCK.findall(text) if lang == language]


def expression_examples(name: str) -> list[tuple[str, str]]:
    examples = []
    for body in blocks(name, "excellent"):
        for line in body.splitlines():
            template, _, expected = line.partition(" → ")
            examples.append((template, expected))
    return examples


def docs_context(name: str):
    return from_python(json.loads(blocks(name, "json")[0]))


def docs_env() -> Environment:
    tz = ZoneInfo("America/Guayaquil")
    return Environment(
        date_format="DD-MM-YYYY",
        timezone=tz,
        now=FixedClock(dt.datetime(2018, 4, 11, 13, 24, 30, 123456, tzinfo=tz)).now,
        random=SeededRandom(1),
    )


@pytest.mark.parametrize(("template", "expected"), expression_examples("expressions.md"))
def test_expression_doc_examples(template, expected):
    result = evaluate_template(template, docs_context("expressions.md"), docs_env())
    if expected == "ERROR":
        assert result.errors, f"{template} should fail, gave {result.text!r}"
    else:
        assert not result.errors, result.errors
        assert result.text == expected


PYTHON_DOCS = ("expressions.md", "goflow.md", "legacy.md", "architecture.md", "rasa.md",
               "security.md")


@pytest.mark.parametrize(
    ("name", "code"),
    [(name, code) for name in PYTHON_DOCS for code in blocks(name, "python")],
)
def test_python_doc_examples(name, code, monkeypatch):
    monkeypatch.chdir(DOCS.parent)  # examples use paths relative to the repository
    exec(compile(code, f"docs/{name}", "exec"), {})


def console_examples(name: str) -> list[tuple[str, str]]:
    """``$ command`` lines of console blocks with the output that follows them."""
    examples = []
    for body in blocks(name, "console"):
        lines = body.rstrip("\n").split("\n")
        command, output = lines[0].removeprefix("$ "), "\n".join(lines[1:])
        examples.append((command, output))
    return examples


@pytest.mark.parametrize(
    ("command", "output"),
    [ex for name in ("goflow.md", "expressions.md", "rasa.md") for ex in console_examples(name)],
)
def test_console_doc_examples(command, output):
    import os
    import subprocess
    import sys

    bin_dir = str(Path(sys.executable).parent)
    run = subprocess.run(
        command, shell=True, capture_output=True, text=True, timeout=120, cwd=DOCS.parent,
        env={**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")},
    )  # fmt: skip
    assert (run.stdout + run.stderr).rstrip("\n") == output
