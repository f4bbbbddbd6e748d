"""A mutation fuzzer for Rasa projects and Kata bots, as :mod:`.flow_mutations` is for goflow
files: the promise of ``turnflow validate`` (a project or bot it accepts runs) checked on
one-change mutants of valid ones.

Each mutant is a copy of a project (or bot) directory with one value of one YAML file
changed: another type, a key removed, a ``null`` in a list, or text aimed at the readers
(Jinja, ``$(...)``, a regex, an ``$include`` out of the directory). The invariant: either
validation refuses it with turnflow's own error, or the engine runs a short conversation
raising nothing but turnflow's own errors.

Used by tests/test_bot_mutations.py (fixed seed, a few seconds) and
benchmarks/hostile_inputs.py ``--fuzz-bots N`` (as many as you like).
"""

from __future__ import annotations

import random
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from ..errors import TurnflowError
from ..located_yaml import parse_yaml
from .flow_mutations import DELETE, REPLACEMENTS, FuzzReport, Outcome, _describe, get, mutate
from .flow_mutations import paths as value_paths
from .flow_mutations import show as show_change

# text aimed at what reads a bot: templates, expressions, patterns, includes
BOT_REPLACEMENTS: tuple[Any, ...] = (
    *REPLACEMENTS, "{{ ''.__class__ }}", "{% for i in range(10**9) %}x{% endfor %}", "{{",
    "$(", "$(content.repeat(1e9))", "$(data.x.y.z)", "/(a+)+$/", "a{100000}", "slots.x ==",
    "$include(/etc/passwd)", "$include(../../x.yml)", "${UNSET_TURNFLOW_VARIABLE}",
    "\ud800", "x\x00y",
)  # fmt: skip
RASA_INPUTS = ("hello", "/SetSlots(x=1)", "/restart", "yes", "")
KATA_MESSAGES: tuple[dict[str, Any], ...] = (
    {"type": "text", "content": "hi"}, {"type": "text", "content": "yes"},
    {"type": "text", "content": "2"}, {"type": "command", "content": "x"},
    {"type": "text", "content": ""},
)  # fmt: skip


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def yaml_files(root: Path) -> list[Path]:
    """The YAML files of a project or bot directory (tests and e2e tests left out)."""
    return sorted(p for p in root.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file()
                  and not {"test", "tests", "e2e_tests"} & set(p.relative_to(root).parts))


def _dump(value: Any) -> str:
    try:
        return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, UnicodeEncodeError):
        return yaml.safe_dump(value, allow_unicode=False, sort_keys=False)


def _run_rasa(root: Path) -> Outcome:
    from ..rasa.chat import load_engine

    try:
        engine = load_engine(root)
    except TurnflowError:
        return Outcome("refused")
    session = engine.new_session("fuzz")
    intents = [f"/{name}" for name in list(engine.project.domain.intents)[:4]] if getattr(
        engine.project, "domain", None) else []  # fmt: skip
    for text in (*intents, *RASA_INPUTS):
        try:
            engine.handle(session, text)
        except TurnflowError:
            pass
    return Outcome("ran")


def _run_kata(root: Path) -> Outcome:
    import httpx

    from ..kata.engine import KataEngine
    from ..kata.testing.clock import TestClock
    from ..kata.validation import validate_bot

    if validate_bot(root):
        return Outcome("refused")
    try:
        api = httpx.MockTransport(lambda request: httpx.Response(200, json={"ok": True}))
        engine = KataEngine(root, clock=TestClock(), http=api)
    except TurnflowError:
        return Outcome("refused")
    session = engine.new_session("fuzz")
    for message in KATA_MESSAGES:
        try:
            engine.converse(session, message)
        except TurnflowError:
            pass
    return Outcome("ran")


def check_directory(root: Path, run: Callable[[Path], Outcome]) -> Outcome:
    try:
        return run(root)
    except TurnflowError:
        return Outcome("refused")
    except Exception as exc:  # noqa: BLE001 (what the fuzzer looks for)
        return Outcome("crashed", _describe(exc))


def fuzz_directories(roots: list[Path], family: str, per_dir: int, seed: int = 1
                     ) -> FuzzReport:
    """``per_dir`` one-change mutants of each project (``family`` "rasa") or bot ("kata");
    every crash listed as ``dir/file: change: error``."""
    run = _run_rasa if family == "rasa" else _run_kata
    rng = random.Random(seed)
    report = FuzzReport(crashes=[])
    for root in roots:
        files = {f: _plain(parse_yaml(f.read_text(encoding="utf-8"), str(f)))
                 for f in yaml_files(root)}
        targets = [(f, p) for f, data in files.items() for p in value_paths(data)]
        with tempfile.TemporaryDirectory(prefix="turnflow-fuzz-") as tmp:
            for _ in range(per_dir):
                file, path = rng.choice(targets)
                replacement = rng.choice([*BOT_REPLACEMENTS, DELETE])
                current = get(files[file], path)
                if replacement is not DELETE and replacement == current:
                    continue
                copy = Path(tmp) / f"m{report.tried}" / root.name
                shutil.copytree(root, copy)
                target = copy / file.relative_to(root)
                target.write_text(_dump(mutate(files[file], path, replacement)),
                                  encoding="utf-8", errors="surrogatepass")
                outcome = check_directory(copy, run)
                report.tried += 1
                if outcome.kind == "refused":
                    report.refused += 1
                elif outcome.kind == "ran":
                    report.ran += 1
                else:
                    assert report.crashes is not None
                    change = show_change(path, replacement) if replacement is DELETE else (
                        "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
                        + f" = {replacement!r}"[:80])
                    report.crashes.append(f"{root.name}/{file.relative_to(root)}: {change}: "
                                          f"{outcome.detail}")
                shutil.rmtree(copy.parent, ignore_errors=True)
    return report
