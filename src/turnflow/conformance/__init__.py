"""Conformance runs against other projects' test data, read in place.

``python -m turnflow.conformance goflow DIR`` prints one ``NAME: N passed, M failed`` line
per data set. Every case counts as passed or failed; nothing is skipped. (The Kata doc
fragments are counted as ``N read, M refused``: a refusal is a fragment turnflow reads as
not valid KataML, with its reason.)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class DataSetResult:
    name: str
    passed: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)  # one line per failed case
    # what the two counts are called on the line (a reader's suite says "read, refused")
    labels: tuple[str, str] = ("passed", "failed")

    def record(self, ok: bool, description: str) -> None:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            self.failures.append(description)

    @property
    def line(self) -> str:
        passed, failed = self.labels
        return f"{self.name}: {self.passed} {passed}, {self.failed} {failed}"


DataSet = Callable[[Path], DataSetResult]


def testdata_cases(folder: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(label, case)`` for every case of goflow's per-type test files in a folder (JSON lists
    of cases; files starting with ``_`` hold shared assets, not cases)."""
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith("_"):
            continue
        for index, case in enumerate(json.loads(path.read_text())):
            yield f"{path.stem}[{index}] {case.get('description', '')}", case


def goflow_data_sets() -> list[DataSet]:
    # (imported here: the data set modules import DataSetResult from this package, and a
    # suite loads only its own data sets)
    from .goflow_actions import run_actions
    from .goflow_broken_flows import run_broken_flows
    from .goflow_events import run_events
    from .goflow_excellent import run_excellent_examples
    from .goflow_legacy_expressions import run_legacy_expressions
    from .goflow_legacy_flows import run_legacy_flows
    from .goflow_migrations import run_migrations
    from .goflow_modifiers import run_modifiers
    from .goflow_resumes import run_resumes
    from .goflow_routers import run_routers
    from .goflow_runner_tests import run_runner_tests, run_runner_tests_exact
    from .goflow_smart_groups import run_smart_groups
    from .goflow_templates import run_templates
    from .goflow_triggers import run_triggers

    return [
        run_excellent_examples,
        run_runner_tests,
        run_runner_tests_exact,
        run_actions,
        run_templates,
        run_routers,
        run_resumes,
        run_triggers,
        run_migrations,
        run_legacy_flows,
        run_legacy_expressions,
        run_modifiers,
        run_events,
        run_broken_flows,
        run_smart_groups,
    ]


def rapidpro_data_sets() -> list[DataSet]:
    from .rapidpro_legacy import rapidpro_data_sets as data_sets  # (imported here: as above)

    return data_sets()


def kata_data_sets() -> list[DataSet]:
    from .kata_doc_fragments import run_doc_fragments  # (imported here: as above)

    return [run_doc_fragments]


SUITES: dict[str, Callable[[], list[DataSet]]] = {
    "goflow": goflow_data_sets,
    "rapidpro": rapidpro_data_sets,
    "kata": kata_data_sets,
}


def run_suite(suite: str, root: Path) -> list[DataSetResult]:
    return [data_set(root) for data_set in SUITES[suite]()]
