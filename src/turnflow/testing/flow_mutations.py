"""A mutation fuzzer for the promise of ``turnflow validate``: a flow file it accepts runs.

Each mutant is a valid flow file with one change (a value of another JSON type, a key
removed, a ``null`` in a list). The invariant checked for every mutant: either validation
refuses it, or the engine runs its flows (start, a few messages, a timeout, stored and read
back between sprints) raising nothing but turnflow's own errors.

Used by tests/test_flow_mutations.py (a few hundred mutants, fixed seed) and by
benchmarks/fuzz_flows.py (as many as you like).
"""

from __future__ import annotations

import copy
import json
import random
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import TurnflowError
from ..expressions import Environment
from ..generators import SeededRandom, SeededUUIDs, SequentialClock
from ..goflow.contact import json_default
from ..goflow.engine import GoflowEngine, Services
from ..goflow.services import MockEmailService, MockHTTPService, TestAirtimeService, TestLLMService
from .goflow_runner import read_contact

JSONPath = tuple[str | int, ...]

# replacements of other JSON types, and values at the edge of what readers expect
REPLACEMENTS: tuple[Any, ...] = (
    None, True, 0, -1, 2.5, 1e300, 2**63, 10**30, "", "x", "@(1 / 0)", "@(", "x" * 5000, [], {},
    [None], ["x"], [[]], {"x": None}, {"x": []},
)  # fmt: skip
DELETE = object()  # a mutation that removes a key

CONTACT = {
    "uuid": "ba96bf7f-bc2a-4873-a7c7-254d1927c4e3",
    "name": "Ryan Lewis",
    "language": "eng",
    "urns": ["tel:+12065551212", "twitterid:54784326227#nyaruka"],
    "created_on": "2018-06-20T11:40:30.123456789Z",
}
INPUTS = ("yes", "1", "red", "/timeout", "stop")


@dataclass
class Outcome:
    """What became of one mutant: refused by validation, ran, or crashed (a Python error
    other than turnflow's own: the bug this fuzzer looks for)."""

    kind: str  # "refused", "ran" or "crashed"
    detail: str = ""


def valid_flow_files(root: Path) -> list[Path]:
    """Every JSON file under ``root`` that validation accepts (flows, assets, exports)."""
    found = []
    for path in sorted(root.rglob("*.json")):
        if "_extracted" in path.parts or path.name.count(".") != 1:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and validate(data) == [] and _flow_count(data) > 0:
            found.append(path)
    return found


def _flow_count(data: dict[str, Any]) -> int:
    flows = data.get("flows")
    return len(flows) if isinstance(flows, list) else 1


def validate(data: Any) -> list[str]:
    """What ``turnflow validate`` reports for a file's JSON (empty: valid)."""
    from ..goflow.assets import Assets
    from ..goflow.export import assets_json_for

    try:
        assets = Assets.from_json(assets_json_for(copy.deepcopy(data), source="<mutant>"))
        refs = assets.flow_refs()
        if not refs:
            return ["no flows"]
        problems = []
        for ref in refs:
            problems += assets.check_flow(ref["uuid"], recursive=False)
        return problems
    except TurnflowError as exc:
        return [str(exc)]


def run(data: Any, inputs: tuple[str, ...] = INPUTS) -> None:
    """Run every flow of a file's JSON as ``turnflow chat`` would, with test services."""
    from ..goflow.assets import Assets
    from ..goflow.export import assets_json_for
    from ..goflow.resumes import msg_resume

    assets = Assets.from_json(assets_json_for(copy.deepcopy(data), source="<mutant>"))
    for ref in assets.flow_refs():
        engine = _engine(assets)
        contact = read_contact(CONTACT, assets)
        trigger = {"type": "manual", "flow": ref, "triggered_on": "2025-01-01T00:00:00Z"}
        session, _ = engine.start(contact, trigger)
        for text in inputs:
            if session.status != "waiting":
                break
            stored = json.dumps(engine.session_to_json(session))
            contact_json = json.loads(json.dumps(contact.to_json(), default=json_default))
            contact = read_contact(contact_json, assets)
            session = engine.read_session(stored, contact)
            if text == "/timeout":
                resume: dict[str, Any] = {"type": "wait_timeout",
                                          "event": {"type": "wait_timed_out"}}  # fmt: skip
            else:
                resume = msg_resume(text, CONTACT["urns"][0])
            engine.resume(session, resume)


def _engine(assets: Any) -> GoflowEngine:
    """An engine as chat's, with goflow's test services and a seeded clock and UUIDs."""
    clock = SequentialClock()
    env = Environment(default_country="US", random=SeededRandom(1), now=clock.now)
    services = Services(
        http=MockHTTPService({}, clock=clock), email=MockEmailService(),
        airtime=TestAirtimeService(env.random), llm=TestLLMService(),
    )  # fmt: skip
    return GoflowEngine(assets, env, clock=clock, uuids=SeededUUIDs(1, clock), services=services)


def stored_sessions(files: list[Path]) -> Iterator[tuple[str, Any, GoflowEngine]]:
    """(file name, stored session JSON, its engine) for every flow of the files that waits
    after it starts."""
    from ..goflow.assets import Assets
    from ..goflow.export import assets_json_for

    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        assets = Assets.from_json(assets_json_for(data, source=str(path)))
        for ref in assets.flow_refs():
            engine = _engine(assets)
            trigger = {"type": "manual", "flow": ref, "triggered_on": "2025-01-01T00:00:00Z"}
            try:
                session, _ = engine.start(read_contact(CONTACT, assets), trigger)
            except TurnflowError:
                continue
            if session.status == "waiting":
                stored = json.loads(json.dumps(engine.session_to_json(session)))
                yield path.name, stored, engine


def check_session(engine: GoflowEngine, stored: Any) -> Outcome:
    """Read a stored session back and resume it with a few messages."""
    from ..goflow.resumes import msg_resume

    try:
        session = engine.read_session(
            json.dumps(stored), read_contact(CONTACT, engine.family.assets)
        )
        for text in INPUTS[:3]:
            if session.status != "waiting":
                break
            engine.resume(session, msg_resume(text, CONTACT["urns"][0]))
            json.dumps(engine.session_to_json(session))
    except TurnflowError as exc:
        return Outcome("refused", str(exc))
    except Exception as exc:
        return Outcome("crashed", _describe(exc))
    return Outcome("ran")


def fuzz_sessions(files: list[Path], per_session: int, seed: int = 1) -> FuzzReport:
    """``per_session`` one-change mutants of each stored session: each must be refused with
    turnflow's error or resume without a Python error."""
    rng = random.Random(seed)
    report = FuzzReport(crashes=[])
    for name, stored, engine in stored_sessions(files):
        for where, replacement, mutant in mutants(stored, rng, per_session):
            outcome = check_session(engine, mutant)
            report.tried += 1
            report.refused += outcome.kind == "refused"
            report.ran += outcome.kind == "ran"
            if outcome.kind == "crashed":
                assert report.crashes is not None
                report.crashes.append(f"{name}: {show(where, replacement)}: {outcome.detail}")
    return report


def check(data: Any) -> Outcome:
    """Validate a file's JSON, and run it if it is valid."""
    try:
        problems = validate(data)
    except Exception as exc:  # a crash of validation itself is a finding too
        return Outcome("crashed", _describe(exc))
    if problems:
        return Outcome("refused", problems[0])
    try:
        run(data)
    except TurnflowError as exc:
        return Outcome("ran", f"stopped with turnflow's error: {exc}")
    except Exception as exc:
        return Outcome("crashed", _describe(exc))
    return Outcome("ran")


def _describe(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(exc).__name__}: {str(exc)[:200]} (at {where})"


def paths(data: Any, prefix: JSONPath = ()) -> Iterator[JSONPath]:
    """Every path inside a JSON value, parents before children (the root excluded)."""
    stack: list[tuple[Any, JSONPath]] = [(data, prefix)]
    while stack:
        value, path = stack.pop()
        if path:
            yield path
        if isinstance(value, dict):
            stack.extend((item, (*path, key)) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((item, (*path, index)) for index, item in reversed(list(enumerate(value))))


def get(data: Any, path: JSONPath) -> Any:
    for part in path:
        data = data[part]
    return data


def mutate(data: Any, path: JSONPath, replacement: Any) -> Any:
    """A copy of ``data`` with the value at ``path`` replaced (or its key deleted)."""
    out = copy.deepcopy(data)
    parent = get(out, path[:-1])
    if replacement is DELETE:
        if isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent.pop(path[-1])  # type: ignore[arg-type]
    else:
        parent[path[-1]] = copy.deepcopy(replacement)
    return out


def _kind(value: Any) -> str:
    return type(value).__name__ if not isinstance(value, bool) else "bool"


def mutants(data: Any, rng: random.Random, count: int) -> Iterator[tuple[JSONPath, Any, Any]]:
    """``count`` one-change mutants (path, replacement, mutated data), drawn with ``rng``."""
    every = list(paths(data))
    for _ in range(count):
        path = rng.choice(every)
        current = get(data, path)
        choices = [r for r in REPLACEMENTS if _kind(r) != _kind(current) or r != current]
        choices.append(DELETE)
        replacement = rng.choice(choices)
        yield path, replacement, mutate(data, path, replacement)


def show(path: JSONPath, replacement: Any) -> str:
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    what = "deleted" if replacement is DELETE else f"= {json.dumps(replacement)}"
    return f"{where} {what}"


@dataclass
class FuzzReport:
    tried: int = 0
    refused: int = 0
    ran: int = 0
    crashes: list[str] | None = None


def fuzz(files: list[Path], per_file: int, seed: int = 1) -> FuzzReport:
    """``per_file`` mutants of each file; every crash listed as ``file: change: error``."""
    rng = random.Random(seed)
    report = FuzzReport(crashes=[])
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        for where, replacement, mutant in mutants(data, rng, per_file):
            outcome = check(mutant)
            report.tried += 1
            if outcome.kind == "refused":
                report.refused += 1
            elif outcome.kind == "ran":
                report.ran += 1
            else:
                assert report.crashes is not None
                report.crashes.append(f"{path.name}: {show(where, replacement)}: {outcome.detail}")
    return report


def fuzz_runner_tests(root: Path, per_test: int, seed: int = 1) -> FuzzReport:
    """``per_test`` one-change mutants of each goflow runner test under ``root`` (contact,
    trigger, resumes, mocks: what callers hand the engine): each must fail as a broken test
    or run, never crash."""
    import shutil
    import tempfile

    from .goflow_runner import find_runner_tests, run_test

    rng = random.Random(seed)
    report = FuzzReport(crashes=[])
    with tempfile.TemporaryDirectory(prefix="turnflow-fuzz-") as tmp:
        for test in find_runner_tests(root):
            assets = test.with_name(test.name.split(".", 1)[0] + ".json")
            shutil.copy(assets, Path(tmp) / assets.name)
            spec = json.loads(test.read_text(encoding="utf-8"))
            spec.pop("outputs", None)  # (not compared: only crashes matter here)
            for where, replacement, mutant in mutants(spec, rng, per_test):
                target = Path(tmp) / test.name
                target.write_text(json.dumps(mutant), encoding="utf-8")
                result = run_test(target)
                report.tried += 1
                if result.message.startswith("crashed"):
                    assert report.crashes is not None
                    report.crashes.append(
                        f"{test.name}: {show(where, replacement)}: {result.message[:300]}"
                    )
                elif result.message.startswith("broken test file"):
                    report.refused += 1
                else:
                    report.ran += 1
    return report


def fuzz_transcripts(runs_dir: Path, per_file: int, seed: int = 1) -> FuzzReport:
    """``per_file`` one-change mutants of each RapidPro transcript (``NAME.runs.json``) in
    ``runs_dir``, run against its flow: each conversation must fail as broken or run."""
    import tempfile

    from .rapidpro_transcripts import flow_file_for, run_transcripts

    rng = random.Random(seed)
    report = FuzzReport(crashes=[])
    with tempfile.TemporaryDirectory(prefix="turnflow-fuzz-") as tmp:
        for runs in sorted(runs_dir.glob("*.runs.json")):
            flow = flow_file_for(runs)
            data = json.loads(runs.read_text(encoding="utf-8"))
            for where, replacement, mutant in mutants(data, rng, per_file):
                target = Path(tmp) / runs.name
                target.write_text(json.dumps(mutant), encoding="utf-8")
                result = run_transcripts(target, flow)
                report.tried += 1
                messages = [c.message for c in result.conversations if not c.passed]
                crashed = [m for m in messages if m.startswith("crashed")]
                if crashed:
                    assert report.crashes is not None
                    report.crashes.append(
                        f"{runs.name}: {show(where, replacement)}: {crashed[0][:300]}"
                    )
                elif any(m.startswith(("broken test file", "can't run")) for m in messages):
                    report.refused += 1
                else:
                    report.ran += 1
    return report
