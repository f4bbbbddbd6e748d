"""The long run of the flow mutation fuzzer (tests/test_flow_mutations.py runs a few hundred
mutants): every valid fixture file, ``--per-file`` one-field mutants each, and the invariant
"validate accepts => the engine runs it without a Python error"; then one-change mutants of
the sessions those flows store, which must be refused or resume. Prints the figures, the
slowest mutant, and every crash as ``file: change: error``; exits 1 if there was any.

    .venv/bin/python benchmarks/fuzz_flows.py [--per-file 300] [--seed 1] [--root DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from turnflow.testing import flow_mutations as fm


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-file", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--root", default="/work/shared/fixtures/goflow")
    parser.add_argument("--rapidpro", default="/work/shared/fixtures/rapidpro")
    args = parser.parse_args()
    files = fm.valid_flow_files(Path(args.root))
    rng = random.Random(args.seed)
    tried = refused = ran = 0
    crashes: list[str] = []
    slowest = (0.0, "")
    began = time.perf_counter()
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        for where, replacement, mutant in fm.mutants(data, rng, args.per_file):
            start = time.perf_counter()
            outcome = fm.check(mutant)
            took = time.perf_counter() - start
            if took > slowest[0]:
                slowest = (took, f"{path.name}: {fm.show(where, replacement)}")
            tried += 1
            refused += outcome.kind == "refused"
            ran += outcome.kind == "ran"
            if outcome.kind == "crashed":
                crashes.append(f"{path.name}: {fm.show(where, replacement)}: {outcome.detail}")
    elapsed = time.perf_counter() - began
    print(f"{len(files)} valid files, {tried} mutants: {refused} refused by validate, {ran} ran, "
          f"{len(crashes)} crashed ({elapsed:.1f} s; slowest {slowest[0] * 1000:.0f} ms: "
          f"{slowest[1]})")  # fmt: skip
    for crash in crashes:
        print(crash)
    began = time.perf_counter()
    sessions = fm.fuzz_sessions(files, args.per_file // 3 or 1, args.seed)
    print(f"stored sessions: {sessions.tried} mutants: {sessions.refused} refused, "
          f"{sessions.ran} resumed, {len(sessions.crashes or [])} crashed "
          f"({time.perf_counter() - began:.1f} s)")  # fmt: skip
    for crash in sessions.crashes or []:
        print(crash)
    began = time.perf_counter()
    runner = fm.fuzz_runner_tests(Path(args.root) / "test/testdata/runner", args.per_file // 5 or 1,
                                  args.seed)  # fmt: skip
    print(f"runner tests: {runner.tried} mutants: {runner.refused} refused as broken, "
          f"{runner.ran} ran, {len(runner.crashes or [])} crashed "
          f"({time.perf_counter() - began:.1f} s)")  # fmt: skip
    for crash in runner.crashes or []:
        print(crash)
    transcripts = fm.FuzzReport(crashes=[])
    runs = Path(args.rapidpro) / "flows/common/test_runs"
    if runs.exists():
        began = time.perf_counter()
        transcripts = fm.fuzz_transcripts(runs, args.per_file, args.seed)
        print(f"RapidPro transcripts: {transcripts.tried} mutants: {transcripts.refused} refused "
              f"as broken, {transcripts.ran} ran, {len(transcripts.crashes or [])} crashed "
              f"({time.perf_counter() - began:.1f} s)")  # fmt: skip
        for crash in transcripts.crashes or []:
            print(crash)
    failed = crashes or sessions.crashes or runner.crashes or transcripts.crashes
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
