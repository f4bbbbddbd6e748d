"""Conformance counts never go down: each data set must pass at least its committed count.

Raise the numbers in conformance_expected.json when a change passes more cases.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import GOFLOW_FIXTURES, REPO, require_fixtures

EXPECTED = json.loads((Path(__file__).parent / "conformance_expected.json").read_text())


@pytest.fixture(scope="module")
def goflow_lines() -> dict[str, tuple[int, int]]:
    require_fixtures(GOFLOW_FIXTURES)
    run = subprocess.run(
        [sys.executable, "-m", "turnflow.conformance", "goflow", str(GOFLOW_FIXTURES)],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    counts = {}
    for line in run.stdout.splitlines():
        name, rest = line.split(": ", 1)
        passed, failed = rest.replace(" passed", "").replace(" failed", "").split(", ")
        counts[name] = (int(passed), int(failed))
    return counts


@pytest.mark.parametrize("name", sorted(EXPECTED["goflow"]))
def test_goflow_counts_do_not_drop(goflow_lines, name):
    assert name in goflow_lines, f"data set {name} is no longer reported"
    passed, failed = goflow_lines[name]
    assert passed >= EXPECTED["goflow"][name], f"{name}: {passed} passed, committed {EXPECTED['goflow'][name]}"
