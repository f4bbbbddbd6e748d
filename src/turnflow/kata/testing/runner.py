"""Running a Kata bot's tests on turnflow's Kata engine: spec suites through the engine's
exec endpoints (as Kata's ``/bot/exec/{intent,state-mapper,action,flow}``) and conversation
tests through ``converse`` with a clock that moves only on ``wait``.

A test never stops the run: an error in the bot (a method that throws, an api call that
fails...) fails that test with its one-line message.
"""

from __future__ import annotations

import copy
import dataclasses
from collections import deque
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ...errors import TurnflowError
from .clock import TestClock
from .conversation_files import is_conversation_document, read_conversation_file
from .files import TestFileError, read_yaml
from .matching import first_difference, show
from .model import Conversation, ConversationFile, Outcome, SpecCase, SpecSuite, Step
from .spec_files import is_spec_file, read_spec_file

TEST_USER = "test-user"


class BotTestError(TurnflowError):
    """The tests cannot run at all (no such bot, a bot with errors): one line."""


def load_engine(bot_dir: str | Path, config: Mapping[str, Any] | None = None,
                clock: Any = None) -> Any:
    """The engine for a bot directory, its ``config`` overridden by ``config``; a bot that
    cannot be read or has errors raises :class:`BotTestError` naming the first problem."""
    from ..engine import KataEngine
    from ..reading import read_bot
    from ..validation import check_bot

    bot, problems = read_bot(bot_dir)
    if bot is not None and not problems:
        problems = check_bot(bot)
    if bot is None or problems:
        shown = [str(p) for p in sorted(problems, key=lambda p: (p.file, p.line))]
        raise BotTestError(_first_problem(bot_dir, shown or ["cannot be read"]))
    if config:
        bot = dataclasses.replace(bot, config={**bot.config, **config})
    try:
        return KataEngine(bot, clock=clock or TestClock())
    except TurnflowError as exc:
        raise BotTestError(_one_line(exc)) from None


def _first_problem(bot_dir: str | Path, problems: list[str]) -> str:
    more = len(problems) - 1
    rest = f" (and {more} more: turnflow validate {bot_dir})" if more else ""
    return f"{bot_dir}: the bot has errors: {problems[0]}{rest}"


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _failure(exc: BaseException) -> str:
    if isinstance(exc, TurnflowError):
        return _one_line(exc)
    if isinstance(exc, RecursionError):
        return "internal error: nested too deeply"
    return f"internal error: {type(exc).__name__}: {_one_line(exc)}"


# -- finding tests --

def find_test_files(bot_dir: str | Path) -> list[Path]:
    """The bot's test files: every YAML file in its ``test/`` folder and the folders below it
    (authors group specs in subfolders; hidden folders are skipped), by path."""
    folder = Path(bot_dir) / "test"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*")
                  if p.suffix in (".yml", ".yaml") and p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def bot_of_test_file(path: Path) -> Path | None:
    """The bot a test file inside a bot belongs to (``BOT/x.yml``, ``BOT/test/x.yml`` or
    deeper under ``BOT/test/``): the nearest folder above it that is a bot."""
    from ..reading import is_kata_bot

    folder = path.parent
    if is_kata_bot(folder):
        return folder
    for above in folder.parents if "test" in folder.parts else ():
        if above.name != "test" and is_kata_bot(above) and (above / "test") in path.parents:
            return above
    return None


def _relative(path: Path, bot_dir: Path) -> str:
    """How reports name a test file: as found under the bot directory as given
    (``examples/kata/pizza/test/x.yml``), else as given."""
    try:
        return str(bot_dir / path.relative_to(bot_dir))
    except ValueError:
        return str(path)


# -- running --

def run_bot_tests(bot_dir: str | Path, config: Mapping[str, Any] | None = None,
                  files: list[Path] | None = None) -> list[Outcome]:
    """Run a bot's spec and conversation tests (``files``, else all in its ``test/``)."""
    bot_dir = Path(bot_dir)
    clock = TestClock()
    engine = load_engine(bot_dir, config, clock)
    outcomes: list[Outcome] = []
    for path in files if files is not None else find_test_files(bot_dir):
        name = _relative(path, bot_dir)
        outcomes.extend(_run_file(engine, clock, path, name))
    return outcomes


def run_test_file(path: str | Path, config: Mapping[str, Any] | None = None) -> list[Outcome]:
    """Run one test file given on its own: a conversation file names its bot with ``bot:``
    (else, like a spec file, it belongs to the bot it sits in)."""
    path = Path(path)
    try:
        document = read_yaml(path, str(path))
        bot_dir: Path | None = None
        if is_conversation_document(document):
            tests = read_conversation_file(path, str(path), document)
            bot_dir = Path(tests.bot) if tests.bot else None
        if bot_dir is None:
            bot_dir = bot_of_test_file(path.resolve())
        if bot_dir is None:
            raise TestFileError(str(path), 0, "which bot? give the file a top-level bot: "
                                "(the bot directory, relative to the file)")
    except TestFileError as exc:
        return [Outcome(str(path), False, str(exc))]
    clock = TestClock()
    engine = load_engine(bot_dir, config, clock)
    return list(_run_file(engine, clock, path, str(path)))


def _run_file(engine: Any, clock: TestClock, path: Path, name: str) -> Iterator[Outcome]:
    try:
        document = read_yaml(path, name)
        if not is_conversation_document(document):  # (whatever its name: x.spec.yml too)
            if is_spec_file(path) or _has_test_schema(document):
                suite = read_spec_file(path, name)
                yield from run_spec_suite(engine, clock, suite)
            return  # some other YAML file in test/: not a test
        tests = read_conversation_file(path, name, document)
    except TestFileError as exc:
        yield Outcome(name, False, str(exc))
        return
    yield from run_conversations(engine, clock, tests)


def _has_test_schema(document: Any) -> bool:
    """A file with a test-spec schema is a spec, whatever its name (it would otherwise be
    skipped without a word)."""
    schema = document.get("schema") if isinstance(document, dict) else None
    return isinstance(schema, str) and "/test/" in schema and schema.startswith("kata.ai/")


# -- spec suites --

def run_spec_suite(engine: Any, clock: TestClock, suite: SpecSuite) -> Iterator[Outcome]:
    """Each test of a spec file; a flow spec's tests run in order, each starting from the
    state, context and data the one before it left (the flow's start after an end state)."""
    state, context, data = suite.state, dict(suite.context), dict(suite.data)
    for case in suite.cases:
        clock.reset()
        label = f"{case.where} {case.name}"
        try:
            if suite.kind == "intents":
                result = engine.exec_intent(suite.flow, case.message,
                                            context=copy.deepcopy(case.context),
                                            data=copy.deepcopy(case.data))
                result = dict(result)
                expected = case.expect
                asked = case.intent
                if (asked is None and isinstance(expected, dict)
                        and expected.get("match") is False and "intent" in expected):
                    # `expect: {intent: X, match: false}`: "this message is not X" (the
                    # spec page: match is whether the message matches the intent)
                    asked = expected["intent"]
                    expected = {k: v for k, v in expected.items() if k != "intent"}
                if asked is not None:  # "does this message match that intent?"
                    result["match"] = result.get("intent") == asked
                actual = result
            elif suite.kind == "states":
                actual = engine.exec_state(suite.flow, case.state, case.intent,
                                           case.attributes, case.message,
                                           copy.deepcopy(case.context),
                                           copy.deepcopy(case.data))
                expected = case.expect
            elif suite.kind == "actions":
                responses = engine.exec_actions(suite.flow, case.state, case.intent,
                                                case.attributes, case.message,
                                                copy.deepcopy(case.context),
                                                copy.deepcopy(case.data))
                expected, actual = _actions_expectation(case, list(responses))
            else:
                message = dict(case.message)
                if case.intent is not None:
                    message["intent"] = case.intent
                if case.attributes is not None:
                    message["attributes"] = case.attributes
                actual = engine.exec_flow(suite.flow, state, message, copy.deepcopy(context),
                                          copy.deepcopy(data))
                expected = case.expect
                if actual.get("end"):
                    state, context = None, {}
                else:
                    state, context = actual.get("state"), dict(actual.get("context") or {})
                data = dict(actual.get("data") or {})
        except Exception as exc:  # a broken bot fails the test, never the run
            yield Outcome(label, False, _failure(exc))
            continue
        difference = _unexpected_responses(expected, actual) or first_difference(expected,
                                                                                 actual)
        yield Outcome(label, difference is None, difference or "")


def _unexpected_responses(expected: Any, actual: Any) -> str | None:
    """``responses: []`` (or an actions ``expect: []``) says the bot answers nothing: lists
    match partially, so without this the empty list would check nothing at all."""
    if (isinstance(expected, dict) and expected.get("responses") == []
            and isinstance(actual, dict) and actual.get("responses")):
        return f"responses: expected none, got {show(actual['responses'])}"
    return None


def _actions_expectation(case: SpecCase, responses: list[Any]) -> tuple[Any, Any]:
    # both forms of the docs: a list of partial responses, or {responses: [...]}
    if isinstance(case.expect, list):
        return {"responses": case.expect}, {"responses": responses}
    return case.expect, {"responses": responses}


# -- conversations --

def run_conversations(engine: Any, clock: TestClock, tests: ConversationFile
                      ) -> Iterator[Outcome]:
    for conversation in tests.conversations:
        clock.reset()
        label = f"{conversation.where} {conversation.name}"
        try:
            problem = _run_conversation(engine, clock, conversation)
        except Exception as exc:
            problem = _failure(exc)
        yield Outcome(label, problem is None, problem or "")


def _run_conversation(engine: Any, clock: TestClock, conversation: Conversation) -> str | None:
    session = engine.new_session(user_id=TEST_USER, data=copy.deepcopy(conversation.data))
    pending: deque[dict[str, Any]] = deque()
    for step in conversation.steps:
        if step.kind in ("user", "wait"):
            left = _left_over(pending, step)
            if left:
                return left
            try:
                if step.kind == "user":
                    result = engine.converse(session, copy.deepcopy(step.value))
                else:
                    clock.advance(step.value)
                    result = engine.fire_due(session)
            except Exception as exc:
                return f"{step.where}: {_failure(exc)}"
            pending = deque(result.responses)
        elif step.kind == "bot":
            problem = _match_response(pending, step)
            if problem:
                return problem
        else:
            problem = _check_session(session, step)
            if problem:
                return problem
    return _left_over(pending, None)


def _left_over(pending: deque[dict[str, Any]], step: Step | None) -> str | None:
    if not pending:
        return None
    when = f"before {step.where}" if step is not None else "at the end"
    extra = f" (and {len(pending) - 1} more)" if len(pending) > 1 else ""
    return f"{when}: the bot also said {_response_text(pending[0])}{extra}, which no bot: " \
           "step matched"


def _response_text(response: Any) -> str:
    if isinstance(response, dict) and response.get("type") == "text":
        return show(response.get("content"))
    return show(response, 120)


def _match_response(pending: deque[dict[str, Any]], step: Step) -> str | None:
    expected = step.value
    wanted = show(expected) if isinstance(expected, str) else show(expected, 120)
    if not pending:
        return f"{step.where}: expected the bot to say {wanted}, but it said nothing more"
    response = pending.popleft()
    if isinstance(expected, str):
        if not (isinstance(response, dict) and response.get("type") == "text"
                and response.get("content") == expected):
            return f"{step.where}: expected the bot to say {wanted}, got " \
                   f"{_response_text(response)}"
        return None
    difference = first_difference(expected, response)
    if difference is not None:
        return f"{step.where}: bot: {difference}"
    return None


def _check_session(session: Any, step: Step) -> str | None:
    expected = step.value
    actual: dict[str, Any] = {
        "flow": session.flow, "state": session.state, "stack": list(session.stack),
        "context": session.context or {}, "data": session.data,
    }
    for key in ("flow", "state"):
        if key in expected and expected[key] != actual[key]:
            return f"{step.where}: expect {key}: expected {show(expected[key])}, got " \
                   f"{show(actual[key])}"
    if "stack" in expected and expected["stack"] != actual["stack"]:
        return f"{step.where}: expect stack: expected {show(expected['stack'])}, got " \
               f"{show(actual['stack'])}"
    for key in ("context", "data"):
        if key in expected:
            difference = first_difference(expected[key], actual[key], key)
            if difference is not None:
                return f"{step.where}: expect {difference}"
    return None
