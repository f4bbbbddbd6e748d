"""Conformance counts never go down: each data set must pass at least its committed count.

Raise the numbers in conformance_expected.json when a change passes more cases.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import GOFLOW_FIXTURES, REPO, SHARED, require_fixtures

EXPECTED = json.loads((Path(__file__).parent / "conformance_expected.json").read_text())
SUITE_DIRS = {
    "goflow": GOFLOW_FIXTURES,
    "rapidpro": SHARED / "fixtures" / "rapidpro",
    "kata": SHARED / "reference" / "kata" / "extracted-yaml",
}
LINE = re.compile(r"(.+): (\d+) \w+, (\d+) \w+\Z")  # NAME: N passed, M failed (or read, refused)


def run_suite(suite: str) -> dict[str, tuple[int, int]]:
    require_fixtures(SUITE_DIRS[suite])
    run = subprocess.run(
        [sys.executable, "-m", "turnflow.conformance", suite, str(SUITE_DIRS[suite])],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    counts = {}
    for line in run.stdout.splitlines():
        found = LINE.match(line)
        assert found, f"not a conformance line: {line!r}"
        counts[found.group(1)] = (int(found.group(2)), int(found.group(3)))
    return counts


@pytest.fixture(scope="module")
def suite_lines() -> dict[str, dict[str, tuple[int, int]]]:
    return {suite: run_suite(suite) for suite in EXPECTED}


@pytest.mark.parametrize(
    ("suite", "name"),
    [(suite, name) for suite in sorted(EXPECTED) for name in sorted(EXPECTED[suite])],
)
def test_counts_do_not_drop(suite_lines, suite, name):
    lines = suite_lines[suite]
    assert name in lines, f"{suite} data set {name} is no longer reported"
    passed, _ = lines[name]
    floor = EXPECTED[suite][name]
    assert passed >= floor, f"{suite} {name}: {passed} passed, committed floor {floor}"
