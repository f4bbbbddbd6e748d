"""Command line: ``python -m turnflow.conformance SUITE DIR [--failures]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import SUITES, run_suite


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m turnflow.conformance")
    parser.add_argument("suite", choices=sorted(SUITES), help="which project's test data")
    parser.add_argument("directory", type=Path, help="the test data, laid out as upstream")
    parser.add_argument("--failures", action="store_true", help="list every failed case")
    args = parser.parse_args(argv)
    if not args.directory.is_dir():
        print(f"error: {args.directory} is not a directory", file=sys.stderr)
        return 2
    for result in run_suite(args.suite, args.directory):
        print(result.line, flush=True)
        if args.failures:
            for failure in result.failures:
                print(f"  FAIL {failure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
