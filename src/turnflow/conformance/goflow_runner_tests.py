"""Data sets ``runner-tests`` and ``runner-tests-exact``: goflow's end-to-end runner tests
(``test/testdata/runner``), compared canonically and exactly."""

from __future__ import annotations

from pathlib import Path

from ..testing.goflow_runner import find_runner_tests, run_test
from . import DataSetResult


def _run(goflow_dir: Path, exact: bool) -> DataSetResult:
    result = DataSetResult("runner-tests-exact" if exact else "runner-tests")
    for test_file in find_runner_tests(goflow_dir / "test" / "testdata" / "runner"):
        outcome = run_test(test_file, exact=exact)
        first_line = outcome.message.splitlines()[0] if outcome.message else ""
        result.record(outcome.passed, f"{outcome.name}: {first_line}")
    return result


def run_runner_tests(goflow_dir: Path) -> DataSetResult:
    """Canonical comparison: UUIDs and times by order of first appearance."""
    return _run(goflow_dir, exact=False)


def run_runner_tests_exact(goflow_dir: Path) -> DataSetResult:
    """Exact comparison: seeded UUIDs and the sequential clock, byte for byte."""
    return _run(goflow_dir, exact=True)
