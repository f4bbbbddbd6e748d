"""RapidPro legacy-engine test data (rapidpro/flows common/) as conformance data sets.

``root`` is the folder holding ``flows/common/test_flows`` and ``flows/common/test_runs``
(``/work/shared/fixtures/rapidpro``):

- ``rapidpro-legacy-flows``: each test flow file loads as assets (legacy versions 7 to 9
  upgraded, then migrated to goflow) with every flow readable and its dependencies present;
  the two deliberately invalid files (no version, version 6) are refused with a clear error;
- ``rapidpro-transcripts``: each scripted conversation of ``test_runs/*.runs.json``.
"""

from __future__ import annotations

from pathlib import Path

from ..goflow.contact import Contact
from ..goflow.engine import GoflowEngine
from ..goflow.export import load_assets
from ..testing.rapidpro_transcripts import find_transcripts, run_transcripts
from . import DataSet, DataSetResult

# files the legacy suite expects to be rejected, and what the error must say
_REFUSED = {
    "missing-version.json": "has no 'version'",
    "unsupported-version.json": "version 6, which is not supported",
}


def run_rapidpro_legacy_flows(root: Path) -> DataSetResult:
    result = DataSetResult("rapidpro-legacy-flows")
    folder = root / "flows" / "common" / "test_flows"
    files = sorted(folder.glob("*.json"))
    if not files:
        result.record(False, f"no test flows in {folder}")
    for path in files:
        expected_error = _REFUSED.get(path.name)
        try:
            assets = load_assets(path)
            problems = [p for ref in assets.flow_refs() for p in assets.check_flow(ref["uuid"])]
        except Exception as exc:  # a refusal, or a crash: either way this case's outcome
            ok = expected_error is not None and expected_error in str(exc)
            result.record(ok, f"{path.name}: {type(exc).__name__}: {exc}")
            continue
        if expected_error is not None:
            result.record(False, f"{path.name}: loaded, but should be refused ({expected_error})")
        elif problems:
            result.record(False, f"{path.name}: {'; '.join(problems)}")
        else:
            failure = _start_every_flow(assets)
            result.record(failure is None, f"{path.name}: {failure}")
    return result


def _start_every_flow(assets: object) -> str | None:
    """Start each flow of a loaded file for a test contact: it must run until it waits or
    ends, without failing. Returns what went wrong, or None."""
    contact_json = {
        "uuid": "ba96bf7f-bc2a-4873-a7c7-254d1927c4e3", "name": "Ben Haggerty", "language": "eng",
        "created_on": "2018-01-01T00:00:00Z", "urns": ["tel:+250788123123"],
    }  # fmt: skip
    for ref in assets.flow_refs():  # type: ignore[attr-defined]
        engine = GoflowEngine(assets)
        contact = Contact.from_json(contact_json)
        session, _ = engine.start(
            contact, {"type": "manual", "flow": ref, "triggered_on": "2018-01-01T00:00:00Z"}
        )
        if session.status not in ("waiting", "completed"):
            return f"flow {ref['name']!r} ended {session.status}"
    return None


def run_rapidpro_transcripts(root: Path) -> DataSetResult:
    result = DataSetResult("rapidpro-transcripts")
    folder = root / "flows" / "common" / "test_runs"
    files = find_transcripts(folder) if folder.is_dir() else []
    if not files:
        result.record(False, f"no transcripts in {folder}")
    for runs_file in files:
        transcripts = run_transcripts(runs_file)
        for conversation in transcripts.conversations:
            result.record(conversation.passed,
                          f"{transcripts.name}[{conversation.index}]: {conversation.message}")
    return result


def rapidpro_data_sets() -> list[DataSet]:
    return [run_rapidpro_legacy_flows, run_rapidpro_transcripts]
