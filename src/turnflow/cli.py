"""The ``turnflow`` command line.

Errors a user can cause are printed as one line (``error: ...``) without a traceback, and
the exit code says what happened: 0 ok, 1 evaluation errors, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
from collections.abc import Callable, Sequence
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
            text = Path(args.context_file).read_bytes().decode("utf-8")
        except OSError as exc:
            raise TurnflowError(
                f"cannot read context file {args.context_file}: {exc.strerror}"
            ) from None
        except UnicodeDecodeError:
            raise TurnflowError(f"context file {args.context_file} is not UTF-8 text") \
                from None
    if not text:
        return {}
    from .json_input import JSONInputError, loads

    try:
        data = loads(text)
    except JSONInputError as exc:
        raise TurnflowError(f"context is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise TurnflowError(
            "context must be a JSON object, e.g. {\"contact\": {\"name\": \"Bob\"}}"
        )
    return data


def cmd_eval(args: argparse.Namespace) -> int:
    # (imported here: each command loads only what it uses, so the CLI starts fast)
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from .expressions import Environment, compile_template, from_python, to_json

    context = from_python(_load_context(args))
    try:
        timezone = ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
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


def _is_transcripts(path: Path) -> bool:
    """A RapidPro transcript file: by name (NAME.runs.json) or by content."""
    # (imported here: each command loads only what it uses, so the CLI starts fast)
    from . import json_input
    from .goflow.export import file_kind
    from .testing.rapidpro_transcripts import is_transcript_file

    if is_transcript_file(path):
        return True
    try:
        return file_kind(json_input.loads(path.read_bytes())) == "rapidpro_runs"
    except (OSError, json_input.JSONInputError):
        return False


def cmd_test(args: argparse.Namespace) -> int:
    """Runner tests (NAME.json + NAME.test.json) and RapidPro transcripts (NAME.runs.json)."""
    # (imported here: each command loads only what it uses, so the CLI starts fast)
    from .kata.reading import is_kata_bot
    from .rasa.reading import is_rasa_project
    from .testing.goflow_runner import find_runner_tests, run_test
    from .testing.rapidpro_transcripts import find_transcripts, is_transcript_file, run_transcripts

    runner_files: list[Path] = []
    transcript_files: list[Path] = []
    rasa_runs: list[tuple[Path, list[Path]]] = []  # (project, its test paths)
    kata_runs: list[tuple[Path | None, list[Path]]] = []  # (bot or None, its test files)
    for name in args.paths:
        path = Path(name)
        if not path.exists():
            raise TurnflowError(f"no such file or directory: {name}")
        if path.is_dir() and is_kata_bot(path):
            kata_runs.append((path, []))
        elif path.is_dir() and path.name == "test" and is_kata_bot(path.parent):
            kata_runs.append((path.parent, []))  # a bot's test folder: its tests
        elif path.is_file() and _is_kata_test_file(path):
            if kata_runs and kata_runs[-1][0] is not None:
                kata_runs[-1][1].append(path)  # tests of the bot before them
            else:
                kata_runs.append((None, [path]))  # a file naming its bot (bot:)
        elif path.is_dir() and is_rasa_project(path):
            rasa_runs.append((path, []))
        elif rasa_runs and (path.suffix in (".yml", ".yaml") or path.is_dir()):
            rasa_runs[-1][1].append(path)  # e2e tests of the project before them
        elif path.is_file():
            (transcript_files if _is_transcripts(path) else runner_files).append(path)
        else:
            runner_files.extend(p for p in find_runner_tests(path) if not is_transcript_file(p))
            transcript_files.extend(find_transcripts(path))
            # a folder of Kata bots (examples/kata): each bot's tests
            kata_runs.extend((sub, []) for sub in sorted(path.iterdir())
                             if sub.is_dir() and is_kata_bot(sub))
    passed = failed = 0

    def report(name: str, ok: bool, message: str) -> None:
        nonlocal passed, failed
        if ok:
            passed += 1
            if args.verbose:
                print(f"PASS {name}")
        elif message.startswith("broken test file:") and "\n" not in message:
            failed += 1  # one line: the test can't run at all
            print(f"FAIL {name}: {message}")
        else:
            failed += 1
            print(f"FAIL {name}")
            if not args.quiet:
                print("    " + message.replace("\n", "\n    "))

    for test_file in runner_files:
        result = run_test(test_file, exact=args.exact)
        report(result.name, result.passed, result.message)
    for runs_file in transcript_files:
        transcripts = run_transcripts(runs_file)
        for conversation in transcripts.conversations:
            report(f"{transcripts.name}[{conversation.index}]", conversation.passed,
                   conversation.message)
    for project_dir, test_paths in rasa_runs:
        for name, ok, message in _rasa_e2e(project_dir, test_paths):
            report(name, ok, message)
    for outcome in _kata_tests(kata_runs, args.config or []):
        if outcome.passed:
            report(outcome.name, True, "")
        else:  # one line: the test and what differed
            failed += 1
            print(f"FAIL {outcome.name}" + ("" if args.quiet else f": {outcome.message}"))
    print(f"{passed} passed, {failed} failed")
    if passed + failed == 0:  # (a wrong path is not a green run)
        return _fail(f"no tests found in {', '.join(args.paths)}")
    return EXIT_OK if failed == 0 else EXIT_EVAL_ERRORS


def _rasa_e2e(project_dir: Path, test_paths: list[Path]) -> list[tuple[str, bool, str]]:
    """Run a Rasa project's e2e tests (those under ``test_paths``, else all in the project):
    (test case, passed, what differed)."""
    # (imported here: each command loads only what it uses, so the CLI starts fast)
    from .rasa.e2e import read_tests
    from .rasa.e2e.model import TestSuite
    from .rasa.e2e.runner import run_suite
    from .rasa.reading import load_project

    project = load_project(project_dir)
    errors = project.problems.errors
    if errors:
        shown = "\n".join(str(problem) for problem in errors[:10])
        raise TurnflowError(f"{project_dir}: the project has errors:\n{shown}")
    suites = [read_tests(path) for path in (test_paths or [project_dir])]
    suite = TestSuite(tuple(f for s in suites for f in s.files))
    results = []
    for result in run_suite(project, suite):
        message = "\n".join(result.problems + result.notes)
        results.append((result.name, result.passed, message))
    return results


def _is_kata_test_file(path: Path) -> bool:
    """A Kata test spec (NAME.spec.yml) or a conversation test file (``conversations:``)."""
    if path.name.endswith((".spec.yml", ".spec.yaml")):
        return True
    if path.suffix not in (".yml", ".yaml"):
        return False
    try:
        head = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(line.startswith("conversations:") for line in head.splitlines())


def _kata_config(items: list[str]) -> dict[str, Any]:
    """``--config KEY=VALUE`` overrides of a Kata bot's config (VALUE as JSON, else text)."""
    from . import json_input

    config: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise TurnflowError(f"--config {item}: expected KEY=VALUE")
        try:  # (turnflow's JSON limits: `[[[...` 100,000 deep is text, not a crash)
            config[key] = json_input.loads(value)
        except json_input.JSONInputError:
            config[key] = value
    return config


def _kata_tests(runs: list[tuple[Path | None, list[Path]]], config_items: list[str]) -> Any:
    """The outcomes of Kata bots' tests (a bot's own, or the files given after it) and of
    test files given alone."""
    # (imported here: each command loads only what it uses, so the CLI starts fast)
    from .kata.testing import run_bot_tests, run_test_file

    config = _kata_config(config_items)
    for bot_dir, files in runs:
        if bot_dir is not None:
            yield from run_bot_tests(bot_dir, config, files or None)
        else:
            for path in files:
                yield from run_test_file(path, config)


def _chat_assets_file(args: argparse.Namespace, path: Path,
                      tmp_dir: str) -> tuple[Path, str | None, list[Any] | None]:
    """The goflow assets file to chat with (legacy flows and exports converted), the flow to
    start (``--flow``) and, with ``--keyword``, the export's triggers to start it by."""
    # (imported here: each command loads only what it uses, so the CLI starts fast)
    from .goflow.export import assets_json_for, file_kind, read_json_file, read_triggers

    data = read_json_file(path)
    kind = file_kind(data)
    triggers = None
    if args.keyword:
        if kind != "export":
            raise TurnflowError(f"{path}: --keyword needs a RapidPro export (with triggers)")
        triggers = read_triggers(data)
    if kind in ("export", "legacy_flow") or (kind == "flow" and "flows" not in data):
        converted = Path(tmp_dir) / "assets.json"
        with _semantics(args):
            converted.write_text(json.dumps(assets_json_for(data, source=str(path))))
        return converted, args.flow, triggers
    return path, args.flow, triggers


def _semantics(args: argparse.Namespace) -> Any:
    """Migration with RapidPro's legacy engine behaviour (--legacy-engine), else goflow's."""
    # (imported here: each command loads only what it uses, so the CLI starts fast)
    from .goflow.legacy.semantics import legacy_engine_semantics

    return legacy_engine_semantics(bool(getattr(args, "legacy_engine", False)))


def _line_reader(prompt: str) -> Callable[[], str | None]:
    """Reads the user's lines: with a prompt at a terminal, else one line at a time."""
    interactive = sys.stdin.isatty()

    def read_line() -> str | None:
        try:
            return input(prompt) if interactive else (sys.stdin.readline() or None)
        except EOFError:
            return None

    return read_line


def _chat_rasa(args: argparse.Namespace, path: Path) -> int:
    # (imported here: each command loads only what it uses, so the CLI starts fast)
    from .rasa.chat import run_rasa_chat

    goflow_only = [f"--{name.replace('_', '-')}" for name in
                   ("flow", "keyword", "contact", "steps", "legacy_engine")
                   if getattr(args, name)]
    if goflow_only:
        raise TurnflowError(f"{', '.join(goflow_only)}: for goflow flows, not Rasa projects")
    # a terminal shows what was typed; a pipe doesn't, so the chat echoes it
    return run_rasa_chat(path, _line_reader("you: "), sys.stdout, args.events,
                         echo=not sys.stdin.isatty())


def _chat_kata(args: argparse.Namespace, path: Path) -> int:
    # (imported here: each command loads only what it uses, so the CLI starts fast)
    from .kata.chat import run_kata_chat

    goflow_only = [f"--{name.replace('_', '-')}" for name in
                   ("flow", "keyword", "contact", "steps", "legacy_engine", "events")
                   if getattr(args, name)]
    if goflow_only:
        raise TurnflowError(f"{', '.join(goflow_only)}: not for Kata bots")
    # a terminal shows what was typed; a pipe doesn't, so the chat echoes it
    return run_kata_chat(path, _line_reader("you: "), sys.stdout,
                         _kata_config(args.config or []), echo=not sys.stdin.isatty())


def cmd_chat(args: argparse.Namespace) -> int:
    # (imported here: each command loads only what it uses, so the CLI starts fast)
    import tempfile

    from .chat import run_chat
    from .kata.reading import is_kata_bot
    from .rasa.reading import is_rasa_project

    path = Path(args.flow_file)
    if path.is_dir() and is_kata_bot(path):
        return _chat_kata(args, path)
    if path.is_dir() and is_rasa_project(path):
        return _chat_rasa(args, path)
    if path.is_dir():
        raise TurnflowError(f"{args.flow_file}: a directory, but not a Rasa project (no "
                            "config.yml, domain or data/)")
    if not path.is_file():
        raise TurnflowError(f"no such flow file: {args.flow_file}")
    contact = None
    if args.contact:
        from .json_input import JSONInputError, loads

        try:
            contact = loads(Path(args.contact).read_bytes())
        except (OSError, JSONInputError) as exc:
            raise TurnflowError(f"cannot read contact file {args.contact}: {exc}") from None
    read_line = _line_reader("you> ")
    with tempfile.TemporaryDirectory(prefix="turnflow-chat-") as tmp_dir:
        assets_file, flow, triggers = _chat_assets_file(args, path, tmp_dir)
        return run_chat(assets_file, read_line, sys.stdout, flow, contact, args.events,
                        show_steps=args.steps, legacy_dates=args.legacy_engine,
                        first_message=args.keyword, triggers=triggers)


def cmd_migrate(args: argparse.Namespace) -> int:
    """Print a flow file migrated to goflow's format (or to a legacy version with --to)."""
    # (imported here: each command loads only what it uses, so the CLI starts fast)
    from .goflow.export import MALFORMED, file_kind, malformed, read_json_file

    path = Path(args.file)
    data = read_json_file(path)
    options = {"to_version": args.to, "country": args.country}
    try:
        with _semantics(args):
            out = _migrated(data, file_kind(data), options)
    except TurnflowError as exc:
        raise TurnflowError(f"{path}: {exc}") from None
    except MALFORMED as exc:
        raise malformed(str(path), exc) from None
    try:  # (NaN and Infinity are not JSON: refused rather than printed)
        text = json.dumps(out, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError as exc:
        raise TurnflowError(f"{path}: the migrated flow is not valid JSON: {exc}") from None
    print(text)
    return EXIT_OK


def _migrated(data: Any, kind: str, options: dict[str, Any]) -> Any:
    # (imported here: each command loads only what it uses, so the CLI starts fast)
    from .goflow.export import ExportError, is_legacy_definition, migrate_export, migrate_flow

    if kind == "export":
        return migrate_export(data, **options)
    if kind in ("legacy_flow", "flow"):
        return migrate_flow(data, **options)
    if kind == "assets":
        out = dict(data)
        out["flows"] = [migrate_flow(f, **options) if isinstance(f, dict) and (
            is_legacy_definition(f) or "spec_version" in f) else f for f in data["flows"]]
        return out
    raise ExportError("not a flow definition, assets file or RapidPro export")


def _validate_rasa(name: str, quiet: bool) -> int:
    """Check a Rasa project directory: each problem on one line (``file:line: what``), then
    a summary; 1 when there are errors, 2 when a file cannot be read as YAML."""
    # (imported here: each command loads only what it uses, so the CLI starts fast)
    from .rasa.reading import load_project
    from .rasa.validation import validate_project

    project = load_project(name)
    problems = validate_project(project)
    for problem in problems:
        # (validate stays honest: Rasa's validator reports these too, but they do not stop
        # Rasa, nor turnflow's chat and test, from running the project)
        print(f"{problem} (Rasa runs the project anyway)" if problem.rasa_runs_it
              else problem)
    errors, warnings = len(problems.errors), len(problems.warnings)
    flows = len(project.flows)
    counts = [f"{flows} flow{'s' if flows != 1 else ''}"]
    if errors:
        counts.append(f"{errors} error{'s' if errors != 1 else ''}")
        tolerated = sum(problem.rasa_runs_it for problem in problems.errors)
        if tolerated:
            counts.append(f"{tolerated} of them Rasa runs anyway")
    if warnings:
        counts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    if errors or warnings or not quiet:
        print(f"{name}: Rasa project, {', '.join(counts)}{'' if errors else ', valid'}")
    if project.unreadable:
        return EXIT_BAD_INPUT
    return EXIT_EVAL_ERRORS if errors else EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Check every flow in a file, or a Rasa project directory; print each problem with where
    it is, one per line."""
    # (imported here: each command loads only what it uses, so the CLI starts fast)
    from .kata.reading import is_kata_bot, looks_like_bot
    from .rasa.reading import is_rasa_project

    rasa_dirs = [name for name in args.files if is_rasa_project(name)]
    kata_bots = [name for name in args.files if name not in rasa_dirs
                 and (is_kata_bot(name) or looks_like_bot(name))]
    others = [name for name in args.files if name not in rasa_dirs and name not in kata_bots]
    code = EXIT_OK
    for name in rasa_dirs:
        code = max(code, _validate_rasa(name, args.quiet))
    for name in kata_bots:
        code = max(code, _validate_kata(name, args.quiet))
    if others:
        code = max(code, _validate_goflow(others, args.quiet))
    return code


def _validate_kata(name: str, quiet: bool) -> int:
    """Check a Kata bot (directory or bot.yml): each problem on one line, then a summary."""
    from .kata.validation import validate_bot

    problems = validate_bot(name, warnings=True)
    for problem in problems:
        _print_safe(str(problem))
    count = sum(not problem.warning for problem in problems)
    warnings = len(problems) - count
    if problems or not quiet:
        summary = f"{count} problem{'s' if count != 1 else ''}" if count else "valid"
        if warnings:
            summary += f", {warnings} warning{'s' if warnings != 1 else ''}"
        _print_safe(f"{name}: Kata bot, {summary}")
    return EXIT_EVAL_ERRORS if count else EXIT_OK


def _print_safe(line: str) -> None:
    """Print a line that may hold text the terminal cannot encode (lone surrogates...)."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    print(line.encode(encoding, "backslashreplace").decode(encoding, "replace"))


def _validate_goflow(files: list[str], quiet: bool) -> int:
    from .goflow.export import load_assets

    problems: list[str] = []
    for name in files:
        path = Path(name)
        if not path.is_file():
            problems.append(f"{name}: no such file")
            continue
        try:
            assets = load_assets(path)
        except TurnflowError as exc:
            text = str(exc)
            problems.append(text if text.startswith(f"{name}:") else f"{name}: {text}")
            continue
        refs = assets.flow_refs()
        if not refs:
            problems.append(f"{name}: no flows in this file")
        for index, ref in enumerate(refs):
            for problem in assets.check_flow(ref["uuid"], recursive=False):
                problems.append(f"{name}: flows[{index}] {ref['name']!r}: {problem}")
        if not quiet and not any(p.startswith(f"{name}:") for p in problems):
            print(f"{name}: {len(refs)} flow{'s' if len(refs) != 1 else ''}, valid")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def _store(args: argparse.Namespace) -> Any:
    # (imported here: each command loads only what it uses, so the CLI starts fast)
    from .store import Store, upgrade

    store = Store(args.db)
    upgrade(store)
    return store


def cmd_db(args: argparse.Namespace) -> int:
    """``turnflow db upgrade``: apply the store's migrations."""
    from .store.db import shown_url

    store = _store(args)
    print(f"{shown_url(store.url)}: up to date")
    store.close()
    return EXIT_OK


def _load(args: argparse.Namespace, store: Any) -> Any:
    from .service.clock import clock_from_setting
    from .service.loading import load_paths

    paths = [Path(name) for name in args.paths]
    try:
        loaded, token = load_paths(store, paths, args.workspace, clock_from_setting(),
                                   token=args.token, send_url=args.send_url,
                                   send_body=args.send_body)
    except ValueError as exc:
        raise TurnflowError(str(exc)) from None
    paths = {"api": "POST /api/converse", "rest": "POST /webhooks/rest/webhook",
             "external": "POST /c/ex/{uuid}/receive",
             "generic": "POST /receive_message/{uuid}"}
    for item in loaded:
        where = ", ".join(paths.get(kind, kind).format(uuid=uuid)
                          for kind, uuid in item.channels.items())
        print(f"{item.workspace}/{item.name} ({item.family}, revision {item.revision}): {where}")
    if token:
        print(f"workspace {args.workspace}: new API token {token} (shown once)")
    return loaded


def cmd_load(args: argparse.Namespace) -> int:
    """``turnflow load PATHS``: store definitions in a workspace without serving."""
    store = _store(args)
    _load(args, store)
    store.close()
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """``turnflow serve [PATHS]``: load definitions, then serve every workspace."""
    import uvicorn

    from .service.app import Service, Settings
    from .store.db import shown_url

    if args.workers < 1:
        raise TurnflowError("--workers must be 1 or more")
    store = _store(args)
    if args.workers > 1 and store.sqlite:
        raise TurnflowError("--workers above 1 needs PostgreSQL (SQLite has one writer): "
                            "give --db postgresql://...")
    _load(args, store)
    settings = Settings(db=store.url, max_body=args.max_body)
    print(f"serving {shown_url(store.url)} on http://{args.host}:{args.port} with {args.workers} "
          f"process{'es' if args.workers > 1 else ''} (Ctrl-C stops)", flush=True)
    # keep-alive longer than uvicorn's 5 s: a client's pooled connection closed by the server
    # while a request is on its way fails that request
    options = {"host": args.host, "port": args.port, "log_level": args.log_level,
               "access_log": False, "timeout_keep_alive": 75}
    if args.workers == 1:
        uvicorn.run(Service(settings, store).app(), **options)
        return EXIT_OK
    store.close()  # each worker process opens its own, from the settings in its environment
    os.environ.update(settings.to_environment())
    uvicorn.run("turnflow.service.app:app_from_environment", factory=True,
                workers=args.workers, **options)
    return EXIT_OK


def _store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="database URL: a SQLite file (default ./turnflow.db or "
                        "TURNFLOW_DB) or postgresql://user@host/name")


def _load_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", default="default", help="the workspace to load into "
                        "(made if new; default 'default')")
    parser.add_argument("--token", help="an API token for the workspace (else one is made "
                        "and shown when the workspace has none)")
    parser.add_argument("--send-url", help="where the external channel of goflow flows "
                        "posts replies (courier's external channel send URL), and the "
                        "webhook URL Kata bots' generic channel posts replies to")
    parser.add_argument("--send-body", choices=["json", "form"], help="how replies are "
                        "posted to the send URL: JSON (default) or a form, as courier does")


LEGACY_ENGINE_HELP = ("run legacy flows as RapidPro's legacy engine did where goflow differs: "
                      "@flow.x.category is the base category, date results are dates, month "
                      "names are read (see docs/legacy.md)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="turnflow", description="Run conversational flows.")
    sub = parser.add_subparsers(dest="command", required=True)

    ev = sub.add_parser(
        "eval", help="evaluate an Excellent template, e.g. 'Hi @(upper(contact.name))'"
    )
    ev.add_argument("template", help="the template text")
    ev.add_argument("--context", help="the context as a JSON object")
    ev.add_argument("--context-file", help="a file holding the context as a JSON object")
    ev.add_argument("--timezone", default="UTC", help="time zone name (default UTC)")
    ev.add_argument("--date-format", default="YYYY-MM-DD", help="date format (default YYYY-MM-DD)")
    ev.add_argument("--country", default="", help="default country code for phone numbers")
    ev.add_argument("--json", action="store_true", help="print the typed value as JSON")
    ev.set_defaults(handler=cmd_eval)

    ch = sub.add_parser("chat", help="talk to a flow, a Rasa project or a Kata bot in the "
                        "terminal")
    ch.add_argument("flow_file", help="a goflow assets file, a flow (goflow or legacy), a "
                    "RapidPro export, a Rasa project directory or a Kata bot directory")
    ch.add_argument("--flow", help="which flow to start (name or UUID; default: the first)")
    ch.add_argument("--keyword", help="start as the export's triggers start a flow for this "
                    "incoming message, e.g. 'join' (the message is the session's first input)")
    ch.add_argument("--contact", help="a JSON file with the contact (goflow's contact format)")
    ch.add_argument("--events", action="store_true", help="print every event (Rasa: the "
                    "flows started and ended and the slots set, also /events)")
    ch.add_argument("--steps", action="store_true", help="print every run's steps (node, "
                    "arrival, exit, value) when the conversation ends (also: /steps)")
    ch.add_argument("--legacy-engine", action="store_true", help=LEGACY_ENGINE_HELP)
    ch.add_argument("--config", action="append", metavar="KEY=VALUE", help="Kata bots: "
                    "override a value of the bot's config (JSON or text)")
    ch.set_defaults(handler=cmd_chat)

    te = sub.add_parser("test", help="run conversation tests: goflow runner tests (NAME.json + "
                        "NAME.test.json), RapidPro transcripts (NAME.runs.json) and a Rasa "
                        "project's e2e tests (PROJECT_DIR [TEST_FILES_OR_DIRS])")
    te.add_argument("paths", nargs="+", help="test files or directories to search")
    te.add_argument("--exact", action="store_true", help="compare UUIDs and times exactly (seeded)")
    te.add_argument("-v", "--verbose", action="store_true", help="list passing tests too")
    te.add_argument("-q", "--quiet", action="store_true", help="don't print diffs of failures")
    te.add_argument("--config", action="append", metavar="KEY=VALUE", help="Kata bots: "
                    "override a value of the bot's config (JSON or text), e.g. "
                    "apiBase=http://127.0.0.1:8765")
    te.set_defaults(handler=cmd_test)

    mi = sub.add_parser("migrate", help="print a flow file migrated to goflow's current spec "
                        "(legacy flows, exports, older goflow flows)")
    mi.add_argument("file", help="a flow definition (legacy or goflow), assets file or export")
    mi.add_argument("--to", help="the version to migrate to: a goflow spec version (e.g. "
                    "13.0.0; default the latest) or a legacy version (e.g. 11.12)")
    mi.add_argument("--country", help="the RapidPro workspace's country (for legacy language "
                    "codes, e.g. NG maps 'cpe' to 'pcm')")
    mi.add_argument("--legacy-engine", action="store_true", help=LEGACY_ENGINE_HELP)
    mi.set_defaults(handler=cmd_migrate)

    va = sub.add_parser("validate", help="check flow files, Rasa projects or Kata bots and "
                        "report every problem found")
    va.add_argument("files", nargs="+", help="flow definitions, assets files or exports, "
                    "Rasa project directories, or Kata bot directories")
    va.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    va.set_defaults(handler=cmd_validate)

    se = sub.add_parser("serve", help="serve flows, Rasa projects and Kata bots over HTTP, "
                        "stored in SQLite or PostgreSQL (see docs/service.md)")
    se.add_argument("paths", nargs="*", help="flow files, Rasa project directories and Kata "
                    "bot directories to load first (the store keeps what was loaded before)")
    _store_options(se)
    _load_options(se)
    se.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    se.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    se.add_argument("--max-body", type=int, default=64 * 1024, help="largest request body "
                    "in bytes (65536)")
    se.add_argument("--log-level", default="warning", help="uvicorn's log level (warning)")
    se.add_argument("--workers", type=int, default=1, help="server processes sharing the "
                    "port (PostgreSQL only; default 1)")
    se.set_defaults(handler=cmd_serve)

    lo = sub.add_parser("load", help="store flow files, Rasa projects and Kata bots in a "
                        "workspace (a new revision when they changed)")
    lo.add_argument("paths", nargs="+", help="flow files, Rasa project directories and Kata "
                    "bot directories")
    _store_options(lo)
    _load_options(lo)
    lo.set_defaults(handler=cmd_load)

    db = sub.add_parser("db", help="manage the store's database")
    db.add_argument("action", choices=["upgrade"], help="upgrade: apply the migrations")
    _store_options(db)
    db.set_defaults(handler=cmd_db)
    return parser


# the arguments that name files or directories, by command
_PATH_ARGUMENTS = ("files", "paths", "flow_file", "file", "contact", "context_file")


def _check_paths(args: argparse.Namespace) -> None:
    """Refuse a path that is neither a regular file nor a directory: a FIFO or a device
    (``/dev/zero``, also through a link) would block the command or never end."""
    for name in _PATH_ARGUMENTS:
        value = getattr(args, name, None)
        for path in value if isinstance(value, list) else [value]:
            if not isinstance(path, str):
                continue
            try:
                mode = os.stat(path.split("::")[0]).st_mode
            except (OSError, ValueError):
                continue  # missing: the command says so in its own words
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                raise TurnflowError(f"{path}: not a regular file or a directory")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _check_paths(args)
        return int(args.handler(args))
    except ExpressionSyntaxError as exc:
        return _fail(f"syntax error: {exc}")
    except TurnflowError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
