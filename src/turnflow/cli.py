"""The ``turnflow`` command line.

Errors a user can cause are printed as one line (``error: ...``) without a traceback, and
the exit code says what happened: 0 ok, 1 evaluation errors, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import ExpressionSyntaxError, TurnflowError

EXIT_OK = 0
EXIT_EVAL_ERRORS = 1
EXIT_BAD_INPUT = 2


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _load_context(args: argparse.Namespace) -> dict[str, Any]:
    text = args.context
    if args.context_file:
        try:
            text = Path(args.context_file).read_text()
        except OSError as exc:
            raise TurnflowError(f"cannot read context file {args.context_file}: {exc.strerror}") from None
    if not text:
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TurnflowError(f"context is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(data, dict):
        raise TurnflowError("context must be a JSON object, e.g. {\"contact\": {\"name\": \"Bob\"}}")
    return data


def cmd_eval(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from .expressions import Environment, compile_template, from_python, to_json

    context = from_python(_load_context(args))
    try:
        timezone = ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise TurnflowError(f"unknown time zone {args.timezone!r}") from None
    env = Environment(date_format=args.date_format, timezone=timezone, default_country=args.country)
    template = compile_template(args.template, strict=True)
    if args.json:
        value = template.value(context, env)
        out = to_json(env, value)
        errors = [out] if not isinstance(out, str) else []
        text = out if isinstance(out, str) else ""
    else:
        result = template.render(context, env)
        text, errors = result.text, result.errors
    print(text)
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    return EXIT_EVAL_ERRORS if errors else EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    from .testing.goflow_runner import find_runner_tests, run_test

    files: list[Path] = []
    for name in args.paths:
        path = Path(name)
        if not path.exists():
            raise TurnflowError(f"no such file or directory: {name}")
        files.extend(find_runner_tests(path))
    passed = failed = 0
    for test_file in files:
        result = run_test(test_file, exact=args.exact)
        if result.passed:
            passed += 1
            if args.verbose:
                print(f"PASS {result.name}")
        else:
            failed += 1
            print(f"FAIL {result.name}")
            if not args.quiet:
                print("    " + result.message.replace("\n", "\n    "))
    print(f"{passed} passed, {failed} failed")
    return EXIT_OK if failed == 0 else EXIT_EVAL_ERRORS


def cmd_chat(args: argparse.Namespace) -> int:
    from .chat import run_chat

    path = Path(args.flow_file)
    if not path.is_file():
        raise TurnflowError(f"no such flow file: {args.flow_file}")
    contact = None
    if args.contact:
        try:
            contact = json.loads(Path(args.contact).read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise TurnflowError(f"cannot read contact file {args.contact}: {exc}") from None
    interactive = sys.stdin.isatty()

    def read_line() -> str | None:
        try:
            return input("you> ") if interactive else (sys.stdin.readline() or None)
        except EOFError:
            return None

    return run_chat(path, read_line, sys.stdout, args.flow, contact, args.events)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="turnflow", description="Run conversational flows.")
    sub = parser.add_subparsers(dest="command", required=True)

    ev = sub.add_parser("eval", help="evaluate an Excellent template, e.g. 'Hi @(upper(contact.name))'")
    ev.add_argument("template", help="the template text")
    ev.add_argument("--context", help="the context as a JSON object")
    ev.add_argument("--context-file", help="a file holding the context as a JSON object")
    ev.add_argument("--timezone", default="UTC", help="time zone name (default UTC)")
    ev.add_argument("--date-format", default="YYYY-MM-DD", help="date format (default YYYY-MM-DD)")
    ev.add_argument("--country", default="", help="default country code for phone numbers")
    ev.add_argument("--json", action="store_true", help="print the typed value as JSON")
    ev.set_defaults(handler=cmd_eval)

    ch = sub.add_parser("chat", help="talk to a flow in the terminal")
    ch.add_argument("flow_file", help="a goflow assets file (with \"flows\") or export")
    ch.add_argument("--flow", help="which flow to start (name or UUID; default: the first)")
    ch.add_argument("--contact", help="a JSON file with the contact (goflow's contact format)")
    ch.add_argument("--events", action="store_true", help="print every event")
    ch.set_defaults(handler=cmd_chat)

    te = sub.add_parser("test", help="run conversation tests (goflow runner tests: NAME.json + NAME.test.json)")
    te.add_argument("paths", nargs="+", help="test files or directories to search")
    te.add_argument("--exact", action="store_true", help="compare UUIDs and times exactly (seeded)")
    te.add_argument("-v", "--verbose", action="store_true", help="list passing tests too")
    te.add_argument("-q", "--quiet", action="store_true", help="don't print diffs of failures")
    te.set_defaults(handler=cmd_test)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except ExpressionSyntaxError as exc:
        return _fail(f"syntax error: {exc}")
    except TurnflowError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
