"""The command line on broken input: one line, turnflow's words, no traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from turnflow.cli import main

RUNNER = Path("/work/shared/fixtures/goflow/test/testdata/runner")
LEGACY = Path("/work/shared/fixtures/rapidpro/flows/common/test_flows/media.json")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize(
    "text, message",
    [('{"contact": 5}', "field 'contact' must be an object"),
     ("[1, 2]", "must be a JSON object with a contact, a trigger and resumes"),
     ("{", "invalid JSON at line 1 column 2"),
     ('{"contact": {"uuid": "x"}, "trigger": "no"}', "field 'trigger' must be an object"),
     ('{"contact": {}, "trigger": {}, "resumes": [5]}', "field 'resumes[0]' must be an object"),
     ('{"contact": {"uuid": "x"}, "trigger": {}}', "contact.created_on: is required")],
)  # fmt: skip
def test_broken_test_files_fail_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    shutil.copy(RUNNER / "two_questions.json", tmp_path / "two_questions.json")
    (tmp_path / "two_questions.test.json").write_text(text)
    code, output = cli(capsys, "test", str(tmp_path))
    lines = output.splitlines()
    assert code == 1 and len(lines) == 2 and lines[1] == "0 passed, 1 failed"
    assert lines[0].startswith("FAIL two_questions.test: broken test file: ")
    assert message in output and "Traceback" not in output


@pytest.mark.parametrize(
    "file, version, message",
    [(RUNNER / "two_questions.json", "99.1", "unknown version to migrate to: 99.1 (known: 13.0.0"),
     (RUNNER / "two_questions.json", "13.99.0", "unknown version to migrate to: 13.99.0"),
     (RUNNER / "two_questions.json", "abc", "invalid version to migrate to: 'abc'"),
     (RUNNER / "two_questions.json", "11.12", "can't migrate a goflow definition back"),
     (LEGACY, "11.99", "which RapidPro never had"),
     (LEGACY, "7", "can't migrate back to 7: the definition is already at 8")],
)  # fmt: skip
def test_migrate_to_an_unknown_version_is_an_error(
    capsys: pytest.CaptureFixture[str], file: Path, version: str, message: str
) -> None:
    if not file.exists():
        pytest.skip("fixtures not present")
    code, output = cli(capsys, "migrate", str(file), "--to", version)
    assert code == 2 and message in output and len(output.strip().splitlines()) == 1


def test_migrate_to_a_known_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = cli(capsys, "migrate", str(RUNNER / "two_questions.json"), "--to", "13.1.0")
    assert code == 0 and json.loads(output)["flows"][0]["spec_version"] == "13.1.0"


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_migrate_never_prints_nan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], token: str
) -> None:
    data = (RUNNER / "two_questions.json").read_text().rstrip()
    path = tmp_path / "flow.json"
    path.write_text(data[:-1] + f', "extra": {token}}}')
    code, output = cli(capsys, "migrate", str(path))
    assert code == 2 and "NaN" not in output.replace("NaN is not", "")
    assert output.startswith("error: ") and len(output.strip().splitlines()) == 1


COMMON = Path("/work/shared/fixtures/rapidpro/flows/common")


@pytest.mark.parametrize(
    "change, message",
    [(lambda c: c["org"].update(timezone="x" * 5000), "[0].org.timezone: unknown time zone"),
     (lambda c: c["org"].update(timezone=5), "field 'org.timezone' must be a string"),
     (lambda c: c.update(contact_initial=-1), "field 'contact_initial' must be an object"),
     (lambda c: c["messages"].insert(0, [[]]), "field 'messages[0]' must be an object"),
     (lambda c: c.update(fields_initial=[{}]), "field 'fields_initial[0].key' is required")],
)  # fmt: skip
def test_broken_transcripts_fail_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change, message: str
) -> None:
    runs = COMMON / "test_runs" / "basic-form.runs.json"
    if not runs.exists():
        pytest.skip("fixtures not present")
    shutil.copy(COMMON / "test_flows" / "basic-form.json", tmp_path / "basic-form.json")
    conversations = json.loads(runs.read_text())
    change(conversations[0])
    (tmp_path / "basic-form.runs.json").write_text(json.dumps(conversations))
    code, output = cli(capsys, "test", str(tmp_path / "basic-form.runs.json"))
    first = output.splitlines()[0]
    assert code == 1 and first.startswith("FAIL basic-form.runs[0]: broken test file: ")
    assert message in first and "Traceback" not in output
