"""The mutation fuzzer over Rasa projects and Kata bots (turnflow.testing.bot_mutations): a
one-change mutant is refused by validation or runs a short conversation, raising nothing but
turnflow's own errors. Fixed seed; a few seconds. benchmarks/hostile_inputs.py --fuzz-bots N
runs more."""

from __future__ import annotations

from pathlib import Path

from turnflow.testing.bot_mutations import fuzz_directories

REPO = Path(__file__).resolve().parent.parent
# (examples/rasa/pizza is left out: it runs things Rasa's validation refuses, on purpose)
RASA = [p for p in sorted((REPO / "examples" / "rasa").iterdir()) if p.name != "pizza"]
KATA = sorted((REPO / "examples" / "kata").iterdir()) + sorted(
    (REPO / "tests" / "data" / "kata").iterdir())


def test_rasa_mutants_are_refused_or_run() -> None:
    report = fuzz_directories(RASA, "rasa", per_dir=40, seed=7)
    assert report.crashes == []
    assert report.tried >= 100 and report.refused > 0 and report.ran > 0


def test_kata_mutants_are_refused_or_run() -> None:
    report = fuzz_directories(KATA, "kata", per_dir=25, seed=7)
    assert report.crashes == []
    assert report.tried >= 150 and report.refused > 0 and report.ran > 0
