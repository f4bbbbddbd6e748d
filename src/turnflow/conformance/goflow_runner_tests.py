"""Data set A: goflow's end-to-end runner tests (canonical comparison)."""

from __future__ import annotations

from pathlib import Path

from ..testing.goflow_runner import find_runner_tests, run_test
from . import DataSetResult


def run_runner_tests(goflow_dir: Path) -> DataSetResult:
    result = DataSetResult("runner-tests")
    for test_file in find_runner_tests(goflow_dir / "test" / "testdata" / "runner"):
        outcome = run_test(test_file)
        first_line = outcome.message.splitlines()[0] if outcome.message else ""
        result.record(outcome.passed, f"{outcome.name}: {first_line}")
    return result
