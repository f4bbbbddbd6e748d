"""The Python example of docs/kata.md's runtime section runs as written."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_python_example_of_docs_kata_md(monkeypatch):
    text = (REPO / "docs" / "kata.md").read_text()
    section = text[text.index("## Running a conversation: decisions"):]
    [block] = re.findall(r"```python\n(.*?)```", section, re.S)
    monkeypatch.chdir(REPO)
    exec(compile(block, "docs/kata.md", "exec"), {})


def test_the_docstring_examples_of_the_runtime():
    import doctest

    from turnflow.kata import nlu, runtime_errors, store

    for module in (nlu, runtime_errors, store):
        result = doctest.testmod(module)
        assert result.attempted and not result.failed, module.__name__


def test_the_runtimes_test_bots_are_valid():
    from turnflow.kata.validation import validate_bot

    for name in ("stack", "lifecycle", "nlus", "actions"):
        problems = validate_bot(REPO / "tests" / "data" / "kata" / name)
        assert not [p for p in problems if "warning" not in str(p)], (name, problems)
