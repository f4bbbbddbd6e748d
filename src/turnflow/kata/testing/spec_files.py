"""Reading Kata's test specs (``test/<flow>_<kind>.spec.yml``): the four schemas
``kata.ai/schema/kata-ml/1.0/test/intents|states|actions|flow`` (and the ``kataml``
spelling), with the fields Kata's docs give them and kata-cli sends.

Defaults are kata-cli's: a test's message starts from ``{type: text, content: "",
payload: {}}``, and a suite's ``context``/``data`` are merged under each test's own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .files import (
    TestFileError,
    check_keys,
    line,
    line_of,
    need_mapping,
    need_string,
    plain,
    read_message,
    read_yaml,
)
from .model import SPEC_SCHEMAS, SpecCase, SpecSuite

DEFAULT_MESSAGE = {"type": "text", "content": "", "payload": {}}

_SUITE_KEYS = frozenset({"schema", "flow", "desc", "test", "context", "data", "state"})
# each kind's test fields (kata-cli also takes intent/attributes in every kind but intents)
_CASE_KEYS = {
    "intents": frozenset({"desc", "context", "data", "message", "intent", "expect"}),
    "states": frozenset({"desc", "state", "context", "data", "intent", "attributes", "message",
                         "expect"}),
    "actions": frozenset({"desc", "state", "context", "data", "intent", "attributes",
                          "message", "expect"}),
    "flow": frozenset({"desc", "message", "intent", "attributes", "expect"}),
}
_EXPECT_KEYS = {
    "intents": frozenset({"intent", "match", "attributes"}),
    "states": frozenset({"state", "context", "data", "end"}),
    "actions": frozenset({"responses"}),
    "flow": frozenset({"state", "intent", "attributes", "context", "data", "end",
                       "responses"}),
}


def is_spec_file(path: Path) -> bool:
    return path.name.endswith((".spec.yml", ".spec.yaml"))


def read_spec_file(path: str | Path, name: str | None = None) -> SpecSuite:
    """Read one spec file; raises :class:`TestFileError` (``file:line: what``)."""
    path = Path(path)
    file = name or str(path)
    document = read_yaml(path, file)
    if not isinstance(document, dict):
        raise TestFileError(file, line(document), "a test spec must be a mapping with schema, "
                            "flow and test")
    schema = document.get("schema")
    kind = SPEC_SCHEMAS.get(schema) if isinstance(schema, str) else None
    if kind is None:
        known = "kata.ai/schema/kata-ml/1.0/test/intents (or states, actions, flow)"
        got = f"{schema!r}" if "schema" in document else "no schema"
        raise TestFileError(file, line_of(document, "schema") or 1,
                            f"not a Kata test spec: {got} (expected {known})")
    check_keys(file, document, _SUITE_KEYS, "test spec")
    if kind == "actions" and _written_as_flow_spec(document):
        kind = "flow"  # the docs' own flow-spec example carries the actions schema
    flow = need_string(file, document.get("flow"), line_of(document, "flow") or line(document) or 1,
                       "flow")
    desc = document.get("desc")
    state = document.get("state")
    if state is not None:
        state = need_string(file, state, line_of(document, "state"), "state")
    context = need_mapping(file, document.get("context"), line_of(document, "context"),
                           "context")
    data = need_mapping(file, document.get("data"), line_of(document, "data"), "data")
    tests = document.get("test")
    if not isinstance(tests, dict) or not tests:
        raise TestFileError(file, line_of(document, "test") or line(document) or 1,
                            "test must be a mapping of test names to tests")
    cases = tuple(_read_case(file, kind, str(key), value, line_of(tests, key), context, data,
                             state) for key, value in tests.items())
    return SpecSuite(file=file, kind=kind, flow=flow, desc=str(desc or ""), cases=cases,
                     state=state, context=context, data=data)


def _written_as_flow_spec(document: Any) -> bool:
    """An actions spec whose tests name no state but expect what a flow spec gives (a state,
    an intent...): the flow-spec example of Kata's docs, written under the actions schema."""
    tests = document.get("test")
    if not isinstance(tests, dict) or not tests:
        return False
    flow_only = _EXPECT_KEYS["flow"] - _EXPECT_KEYS["actions"]
    for test in tests.values():
        if not isinstance(test, dict) or "state" in test:
            return False
    return any(isinstance(test.get("expect"), dict) and flow_only & set(test["expect"])
               for test in tests.values())


def _read_case(file: str, kind: str, name: str, test: Any, where: int,
               suite_context: dict[str, Any], suite_data: dict[str, Any],
               suite_state: str | None) -> SpecCase:
    if not isinstance(test, dict):
        raise TestFileError(file, where, f"test {name!r} must be a mapping")
    check_keys(file, test, _CASE_KEYS[kind], f"test {name!r}")
    if "expect" not in test:
        raise TestFileError(file, where, f"test {name!r} has no expect")
    expect = _read_expect(file, kind, name, test["expect"], line_of(test, "expect"))
    message = read_message(file, test.get("message"), line_of(test, "message") or where,
                           DEFAULT_MESSAGE)
    state = test.get("state", suite_state)  # (a states/actions suite may give one for all)
    if kind in ("states", "actions"):
        state = need_string(file, state, line_of(test, "state") or where,
                            f"test {name!r}: state")
    intent = test.get("intent")
    if intent is not None and not isinstance(intent, str):
        raise TestFileError(file, line_of(test, "intent"), f"test {name!r}: intent must be "
                            "an intent name")
    attributes = test.get("attributes")
    if attributes is not None:
        attributes = need_mapping(file, attributes, line_of(test, "attributes"),
                                  f"test {name!r}: attributes")
    context = {**suite_context, **need_mapping(file, test.get("context"),
                                               line_of(test, "context"), "context")}
    data = {**suite_data, **need_mapping(file, test.get("data"), line_of(test, "data"), "data")}
    return SpecCase(name=name, where=f"{file}:{where}", message=message, expect=expect,
                    state=state, intent=intent, attributes=attributes, context=context,
                    data=data)


def _read_expect(file: str, kind: str, name: str, expect: Any, where: int) -> Any:
    if kind == "actions" and isinstance(expect, list):
        for index, item in enumerate(expect):
            if not isinstance(item, dict):
                raise TestFileError(file, line_of(expect, index), f"test {name!r}: each "
                                    "expected response must be a mapping (e.g. action: name)")
        return plain(expect)
    if not isinstance(expect, dict):
        form = " or a list of responses" if kind == "actions" else ""
        raise TestFileError(file, where, f"test {name!r}: expect must be a mapping{form}")
    check_keys(file, expect, _EXPECT_KEYS[kind], f"test {name!r}: expect")
    responses = expect.get("responses")
    if responses is not None and not (
            isinstance(responses, list) and all(isinstance(r, dict) for r in responses)):
        raise TestFileError(file, line_of(expect, "responses"), f"test {name!r}: responses "
                            "must be a list of (partial) responses")
    for key in ("context", "data", "attributes"):
        if key in expect and expect[key] is not None and not isinstance(expect[key], dict):
            raise TestFileError(file, line_of(expect, key), f"test {name!r}: expect {key} "
                                "must be a mapping")
    for key in ("end", "match"):
        if key in expect and not isinstance(expect[key], bool):
            raise TestFileError(file, line_of(expect, key), f"test {name!r}: expect {key} "
                                "must be true or false")
    return plain(expect)
