"""Reading Rasa e2e test files into :mod:`turnflow.rasa.e2e.model`.

Every problem of a file is reported at once, each as ``file:line: what``, in one
:class:`E2eTestError`. Files are found as ``rasa test e2e`` finds them, and fixtures come from
the ``conftest.yml`` files above a test file as well as from the file itself.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from turnflow.errors import TurnflowError
from turnflow.rasa.domain import Location
from turnflow.rasa.e2e.model import (
    ANY_VALUE,
    ActionExecuted,
    AssertedButton,
    AssertedSlot,
    Assertion,
    BotDidNotUtter,
    BotStep,
    BotUttered,
    Fixture,
    FlowCancelled,
    FlowCompleted,
    FlowStarted,
    GenerativeResponseIsGrounded,
    GenerativeResponseIsRelevant,
    Metadata,
    Operator,
    PatternClarificationContains,
    SlotStep,
    SlotWasNotSet,
    SlotWasSet,
    Step,
    StubCustomAction,
    TestCase,
    TestFile,
    TestSuite,
    UnsupportedAssertion,
    UserStep,
    UtterStep,
)
from turnflow.rasa.yaml_io import Lines, YamlError, load_yaml_located

__all__ = ["E2eTestError", "find_test_files", "read_test_file", "read_tests"]

YAML_SUFFIXES = (".yml", ".yaml")
CONFTEST_NAMES = ("conftest.yml", "conftest.yaml")
# a folder holding one of these is a project root; its eval/conftest.yml is not for e2e tests
_PROJECT_ROOT_ENTRIES = ("domain", "config.yml", "domain.yml", "config")

_FIXTURE_NAME = re.compile(r"[a-zA-Z_]+[a-zA-Z0-9_\-]*")
_METADATA_NAME = re.compile(r"[a-zA-Z_]+[a-zA-Z0-9_]*")
_STUB_NAME = re.compile(r"[a-zA-Z_]+(?:[a-zA-Z0-9_]*::?)*[a-zA-Z0-9_]*")

_TOP_KEYS = ("fixtures", "metadata", "stub_custom_actions", "test_cases")
_CONFTEST_ONLY_KEYS = ("llm_judge", "llm_e2e_test_conversion")
_CASE_KEYS = ("test_case", "fixtures", "metadata", "steps")
_USER_KEYS = ("user", "metadata", "assertion_order_enabled", "assertions")
_LEGACY_KEYS = ("bot", "utter", "slot_was_set", "slot_was_not_set")
_STUB_EVENTS = frozenset({
    "user", "bot", "slot", "session_started", "action", "reset_slots", "restart", "reminder",
    "cancel_reminder", "pause", "resume", "followup", "export", "undo", "rewind", "entities",
    "active_loop", "agent", "loop_interrupted", "action_execution_rejected",
})  # fmt: skip
# assertion kinds of Rasa's agent ("mantle") features: read, not checked by turnflow
_UNSUPPORTED_KINDS = frozenset({
    "skill_activated", "skill_completed", "skill_cancelled", "skill_interrupted",
    "skill_resumed", "memory_was_set", "memory_was_not_set", "memory_was_cleared",
    "ordered_block_entered", "ordered_block_completed", "ordered_block_cancelled",
    "ordered_block_interrupted", "ordered_block_resumed", "tool_executed",
    "tools_within_one_turn",
})  # fmt: skip
_MOCKED_DATETIME = "mocked_datetime"
_DATETIME_FORMATS = ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")


class E2eTestError(TurnflowError):
    """Problems in e2e test files, each ``file:line: what`` (one per line of the message)."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


_Problem = tuple[str, int, str]  # file, line, what


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


class _FileReader:
    """Reads one file; problems pile up in ``problems`` instead of stopping the reading."""

    def __init__(self, path: str, data: Any, lines: Lines) -> None:
        self.path = path
        self.data = data
        self.lines = lines
        self.problems: list[_Problem] = []
        # (name, line, what refers to it) of metadata names to look up once all files are read
        self.metadata_refs: list[tuple[str, int, str]] = []

    # --- reporting --------------------------------------------------------------------------

    def line(self, container: Any, key: Any = None) -> int:
        return self.lines.of(container) if key is None else self.lines.of_key(container, key)

    def at(self, container: Any, key: Any = None) -> Location:
        return Location(self.path, self.line(container, key))

    def problem(self, container: Any, key: Any, message: str) -> None:
        self.problems.append((self.path, self.line(container, key), message))

    def expect(
        self, container: Any, key: Any, value: Any, kind: type | tuple[type, ...], what: str
    ) -> bool:
        ok = isinstance(value, kind) and not (isinstance(value, bool) and bool not in _tuple(kind))
        if not ok:
            self.problem(container, key, f"{what} must be {_wanted(kind)}, not {_type_name(value)}")
        return ok

    def unknown_keys(self, mapping: dict[Any, Any], allowed: Sequence[str], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                known = ", ".join(allowed)
                self.problem(mapping, key, f"unknown key {key!r} in {where} (known: {known})")

    def name(self, container: Any, key: Any, value: Any, pattern: re.Pattern[str]) -> bool:
        if not self.expect(container, key, value, str, f"{key!r}"):
            return False
        if not pattern.fullmatch(value):
            self.problem(container, key, f"{value!r} is not a valid name for {key!r}")
            return False
        return True

    # --- the file ---------------------------------------------------------------------------

    def read(self, conftest: bool) -> TestFile:
        data = self.data
        if not isinstance(data, dict):
            self.problems.append((self.path, 1, "an e2e test file must be a mapping"))
            return TestFile(self.path)
        allowed = _TOP_KEYS + _CONFTEST_ONLY_KEYS if conftest else _TOP_KEYS
        self.unknown_keys(data, allowed, "a test file")
        return TestFile(
            path=self.path,
            fixtures=self.fixtures(data.get("fixtures"), data),
            metadata=self.metadata(data.get("metadata"), data),
            stub_custom_actions=self.stubs(data.get("stub_custom_actions"), data),
            test_cases=tuple(self.test_cases(data.get("test_cases"), data)),
        )

    def named_items(
        self, items: Any, parent: dict[str, Any], key: str, pattern: re.Pattern[str]
    ) -> list[tuple[str, Any, dict[str, Any]]]:
        """``- name: value`` items of a list: (name, value, item)."""
        if items is None or not self.expect(parent, key, items, list, f"{key!r}"):
            return []
        found = []
        for item in items:
            if not isinstance(item, dict) or len(item) != 1:
                self.problem(
                    items if not isinstance(item, dict) else item,
                    None,
                    f"each entry of {key!r} must be a mapping of one name to its value",
                )
                continue
            ((name, value),) = item.items()
            if self.name(item, name, name, pattern):
                found.append((name, value, item))
        return found

    def fixtures(self, items: Any, parent: dict[str, Any]) -> dict[str, Fixture]:
        fixtures: dict[str, Fixture] = {}
        for name, value, item in self.named_items(items, parent, "fixtures", _FIXTURE_NAME):
            if not self.expect(item, name, value, list, f"fixture {name!r}"):
                continue
            slots: dict[str, Any] = {}
            for entry in value:
                if not isinstance(entry, dict):
                    self.problem(value, None, f"fixture {name!r}: each slot is `- name: value`")
                    continue
                for slot, slot_value in entry.items():
                    if self.name(entry, slot, slot, _FIXTURE_NAME):
                        slots[slot] = slot_value
            if _MOCKED_DATETIME in slots:
                slots[_MOCKED_DATETIME] = self.mocked_datetime(slots[_MOCKED_DATETIME], item, name)
            if name in fixtures:
                self.problem(item, name, f"fixture {name!r} is defined twice in this file")
            fixtures[name] = Fixture(name, slots, self.at(item, name))
        return fixtures

    def mocked_datetime(self, value: Any, item: dict[str, Any], name: str) -> Any:
        """Rasa turns the ``mocked_datetime`` slot into an ISO 8601 time (UTC unless given)."""
        if value is None:
            return None
        if isinstance(value, str):
            for fmt in _DATETIME_FORMATS:
                try:
                    parsed = datetime.strptime(value, fmt)
                except ValueError:
                    continue
                return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).isoformat()
        self.problem(
            item, name, f"fixture {name!r}: mocked_datetime {value!r} is not a date and time "
            "like 2024-01-15, 2024-01-15 14:30:00 or 2024-01-15T14:30:00+05:30",
        )  # fmt: skip
        return value

    def metadata(self, items: Any, parent: dict[str, Any]) -> dict[str, Metadata]:
        metadata: dict[str, Metadata] = {}
        for name, value, item in self.named_items(items, parent, "metadata", _METADATA_NAME):
            if value is None:
                value = {}
            if self.expect(item, name, value, dict, f"metadata {name!r}"):
                for key in value:
                    self.name(value, key, key, _METADATA_NAME)
                # as in Rasa, a later entry of the same name replaces an earlier one
                metadata[name] = Metadata(name, dict(value), self.at(item, name))
        return metadata

    def stubs(self, stubs: Any, parent: dict[str, Any]) -> dict[str, StubCustomAction]:
        key = "stub_custom_actions"
        if stubs is None or not self.expect(parent, key, stubs, dict, f"{key!r}"):
            return {}
        found: dict[str, StubCustomAction] = {}
        for name, stub in stubs.items():
            if not self.name(stubs, name, name, _STUB_NAME):
                continue
            if stub is None:
                stub = {}
            if not self.expect(stubs, name, stub, dict, f"stub {name!r}"):
                continue
            self.unknown_keys(stub, ("events", "responses"), f"stub {name!r}")
            events = self.dict_list(stub, "events", f"stub {name!r}")
            for event in events:
                kind = event.get("event")
                if "event" in event and kind not in _STUB_EVENTS:
                    self.problem(event, "event", f"stub {name!r}: unknown event type {kind!r}")
            responses = self.dict_list(stub, "responses", f"stub {name!r}")
            found[name] = StubCustomAction(
                name, Path(self.path).name, tuple(events), tuple(responses), self.at(stubs, name)
            )
        return found

    def dict_list(self, parent: dict[str, Any], key: str, what: str) -> list[dict[str, Any]]:
        value = parent.get(key)
        if value is None or not self.expect(parent, key, value, list, f"{what}: {key!r}"):
            return []
        good = [item for item in value if isinstance(item, dict)]
        if len(good) != len(value):
            self.problem(value, None, f"{what}: each of {key!r} must be a mapping")
        return good

    # --- test cases -------------------------------------------------------------------------

    def test_cases(self, cases: Any, parent: dict[str, Any]) -> list[TestCase]:
        if cases is None or not self.expect(parent, "test_cases", cases, list, "'test_cases'"):
            return []
        found = []
        for case in cases:
            if not isinstance(case, dict):
                self.problem(cases, None, f"a test case must be a mapping, not {_type_name(case)}")
                continue
            read = self.test_case(case)
            if read is not None:
                found.append(read)
        return found

    def test_case(self, case: dict[str, Any]) -> TestCase | None:
        self.unknown_keys(case, _CASE_KEYS, "a test case")
        name = case.get("test_case")
        if "test_case" not in case:
            self.problem(case, None, "a test case needs a name: `test_case: <name>`")
        elif self.expect(case, "test_case", name, str, "'test_case'") and not name.strip():
            self.problem(case, "test_case", "the test case name is empty")
        title = f"test case {name!r}" if isinstance(name, str) else "test case"
        fixtures = case.get("fixtures")
        if fixtures is None:
            fixtures = []
        elif self.expect(case, "fixtures", fixtures, list, f"{title}: 'fixtures'"):
            for item in fixtures:
                if not isinstance(item, str) or not _FIXTURE_NAME.fullmatch(item):
                    self.problem(fixtures, None, f"{title}: {item!r} is not a fixture name")
        else:
            fixtures = []
        metadata = case.get("metadata")
        if metadata is not None and self.name(case, "metadata", metadata, _METADATA_NAME):
            self.metadata_refs.append((metadata, self.line(case, "metadata"), title))
        steps = case.get("steps")
        if steps is None:
            steps = []
        elif not self.expect(case, "steps", steps, list, f"{title}: 'steps'"):
            steps = []
        read_steps = [self.step(step, steps, title) for step in steps]
        return TestCase(
            name=name if isinstance(name, str) else "",
            steps=tuple(s for s in read_steps if s is not None),
            fixtures=tuple(f for f in fixtures if isinstance(f, str)),
            metadata=metadata if isinstance(metadata, str) else None,
            location=self.at(case),
            file=self.path,
        )

    def step(self, step: Any, steps: list[Any], title: str) -> Step | None:
        if not isinstance(step, dict):
            self.problem(steps, None, f"{title}: a step must be a mapping, not {_type_name(step)}")
            return None
        if "user" in step:
            return self.user_step(step, title)
        kinds = [k for k in _LEGACY_KEYS if k in step]
        if len(kinds) != 1:
            which = " and ".join(repr(k) for k in kinds) if kinds else "none"
            self.problem(
                step, None, f"{title}: a step has one of 'user', 'bot', 'utter', "
                f"'slot_was_set' or 'slot_was_not_set' (found {which})",
            )  # fmt: skip
            return None
        kind = kinds[0]
        for key in step:
            if key != kind:
                self.problem(step, key, f"{title}: a {kind!r} step cannot have {key!r}")
        value = step[kind]
        if kind in ("bot", "utter"):
            if not self.expect(step, kind, value, str, f"{title}: {kind!r}"):
                return None
            if kind == "bot":
                return BotStep(value.strip(), self.at(step))
            return UtterStep(value, self.at(step))
        if not self.expect(step, kind, value, list, f"{title}: {kind!r}"):
            return None
        slots = []
        for item in value:
            if isinstance(item, str):
                slots.append(AssertedSlot(item, ANY_VALUE, Location(self.path, self.line(value))))
            elif isinstance(item, dict) and len(item) == 1:
                ((name, slot_value),) = item.items()
                if self.name(item, name, name, _FIXTURE_NAME):
                    slots.append(AssertedSlot(name, slot_value, self.at(item)))
            else:
                self.problem(
                    value if not isinstance(item, dict) else item, None,
                    f"{title}: each of {kind!r} is a slot name or one `name: value`",
                )  # fmt: skip
        return SlotStep(tuple(slots), kind == "slot_was_not_set", self.at(step))

    def user_step(self, step: dict[str, Any], title: str) -> UserStep | None:
        self.unknown_keys(step, _USER_KEYS, f"{title}: a user step")
        user = step["user"]
        metadata = step.get("metadata")
        if isinstance(user, dict):
            # the older form `user: {text: ..., metadata: ...}` (Rasa 3.21 refuses it)
            self.unknown_keys(user, ("text", "metadata"), f"{title}: 'user'")
            if "metadata" in user and "metadata" in step:
                self.problem(step, "metadata", f"{title}: metadata given both in 'user' and "
                             "on the step")  # fmt: skip
            metadata = user.get("metadata", metadata)
            where, key, user = user, "text", user.get("text")
        else:
            where, key = step, "user"
        if not self.expect(where, key, user, str, f"{title}: the user text"):
            return None
        if metadata is not None and self.name(where, "metadata", metadata, _METADATA_NAME):
            self.metadata_refs.append((metadata, self.line(where, "metadata"), title))
        order = step.get("assertion_order_enabled", False)
        if "assertion_order_enabled" in step:
            self.expect(step, "assertion_order_enabled", order, bool, f"{title}: "
                        "'assertion_order_enabled'")  # fmt: skip
            if "assertions" not in step:
                self.problem(
                    step,
                    "assertion_order_enabled",
                    f"{title}: 'assertion_order_enabled' needs 'assertions' in the same step",
                )
        assertions = None
        if "assertions" in step:
            items = step["assertions"]
            if self.expect(step, "assertions", items, list, f"{title}: 'assertions'"):
                read = [self.assertion(item, items, title) for item in items]
                assertions = tuple(a for a in read if a is not None)
        return UserStep(
            text=user.strip(),
            metadata=metadata if isinstance(metadata, str) else None,
            assertions=assertions,
            assertion_order_enabled=order is True,
            location=self.at(step),
        )

    # --- assertions -------------------------------------------------------------------------

    def assertion(self, item: Any, items: list[Any], title: str) -> Assertion | None:
        if not isinstance(item, dict) or len(item) != 1:
            self.problem(
                item if isinstance(item, dict) else items, None,
                f"{title}: each assertion is a mapping of one assertion kind to its value",
            )  # fmt: skip
            return None
        ((kind, value),) = item.items()
        where = f"{title}: {kind!r}"
        if kind in _UNSUPPORTED_KINDS:
            return UnsupportedAssertion(kind, value, location=self.at(item))
        read = _ASSERTIONS.get(kind)
        if read is None:
            self.problem(item, kind, f"{title}: unknown assertion {kind!r}")
            return None
        if value is None:
            self.problem(item, kind, f"{where} needs a value")
            return None
        return read(self, item, value, where)

    def keys(
        self, item: dict[str, Any], value: Any, where: str, allowed: Sequence[str],
        required: Sequence[str] = (),
    ) -> bool:  # fmt: skip
        """``value`` is a mapping with only ``allowed`` keys and all ``required`` ones."""
        if not self.expect(item, next(iter(item)), value, dict, where):
            return False
        self.unknown_keys(value, allowed, where)
        ok = True
        for key in required:
            if key not in value:
                self.problem(value, None, f"{where} needs {key!r}")
                ok = False
        return ok

    def text(self, mapping: dict[str, Any], key: str, where: str) -> str | None:
        value = mapping.get(key)
        if value is None:
            if key in mapping:
                self.problem(mapping, key, f"{where}: {key!r} needs a value")
            return None
        return value if self.expect(mapping, key, value, str, f"{where}: {key!r}") else None

    def flow_ids(
        self, item: dict[str, Any], value: Any, where: str, one_for_all: bool
    ) -> tuple[tuple[str, ...], Operator | None] | None:
        """The ``{flow_ids: [...], operator: any|all}`` form."""
        if not self.keys(item, value, where, ("flow_ids", "operator"), ("flow_ids", "operator")):
            return None
        operator, ids = value["operator"], value["flow_ids"]
        ok = True
        if not isinstance(operator, str) or operator.lower() not in ("any", "all"):
            self.problem(value, "operator", f"{where}: 'operator' is 'any' or 'all'")
            ok = False
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            self.problem(value, "flow_ids", f"{where}: 'flow_ids' is a non-empty list of ids")
            ok = False
        elif one_for_all and ok and operator.lower() == "all" and len(ids) != 1:
            self.problem(value, "flow_ids", f"{where}: with 'all', give exactly one flow id")
            ok = False
        if not ok:
            return None
        return tuple(ids), ("all" if operator.lower() == "all" else "any")

    def flow_started(self, item: dict[str, Any], value: Any, where: str) -> Assertion | None:
        if isinstance(value, str):
            if not value.strip():
                self.problem(item, "flow_started", f"{where}: the flow id is empty")
                return None
            return FlowStarted((value,), None, location=self.at(item))
        read = self.flow_ids(item, value, where + " (an id, or flow_ids and operator)", True)
        return FlowStarted(read[0], read[1], location=self.at(item)) if read else None

    def flow_ended(self, item: dict[str, Any], value: Any, where: str) -> Assertion | None:
        if not self.keys(item, value, where, ("flow_id", "flow_step_id"), ("flow_id",)):
            return None
        flow_id = self.text(value, "flow_id", where)
        step_id = self.text(value, "flow_step_id", where)
        if flow_id is None:
            return None
        cls = FlowCompleted if "flow_completed" in item else FlowCancelled
        return cls(flow_id, step_id, location=self.at(item))

    def clarification(self, item: dict[str, Any], value: Any, where: str) -> Assertion | None:
        if isinstance(value, list):
            if not value or not all(isinstance(n, str) and n.strip() for n in value):
                self.problem(item, next(iter(item)), f"{where}: a non-empty list of flow names")
                return None
            return PatternClarificationContains(tuple(value), location=self.at(item))
        read = self.flow_ids(item, value, where + " (flow names, or flow_ids and operator)", False)
        if read is None:
            return None
        return PatternClarificationContains((), read[0], read[1], location=self.at(item))

    def action_executed(self, item: dict[str, Any], value: Any, where: str) -> Assertion | None:
        if not self.expect(item, "action_executed", value, str, where):
            return None
        return ActionExecuted(value, location=self.at(item))

    def slots(self, item: dict[str, Any], value: Any, where: str) -> Assertion | None:
        if not self.expect(item, next(iter(item)), value, list, where):
            return None
        slots = []
        for entry in value:
            if not isinstance(entry, dict):
                self.problem(value, None, f"{where}: each slot is a mapping with 'name'")
            elif self.keys(item, entry, where, ("name", "value"), ("name",)):
                name = self.text(entry, "name", where)
                if name is not None:
                    slots.append(AssertedSlot(name, entry.get("value", ANY_VALUE), self.at(entry)))
        cls = SlotWasSet if "slot_was_set" in item else SlotWasNotSet
        return cls(tuple(slots), location=self.at(item))

    def utterance(self, item: dict[str, Any], value: Any, where: str) -> Assertion | None:
        if not self.keys(item, value, where, ("utter_name", "text_matches", "buttons")):
            return None
        utter_name = self.text(value, "utter_name", where)
        pattern = self.text(value, "text_matches", where)
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                self.problem(value, "text_matches", f"{where}: not a regular expression: {exc}")
        buttons = []
        if "buttons" in value:
            listed = value["buttons"]
            if not listed:
                self.problem(value, "buttons", f"{where}: 'buttons' is empty")
                return None
            if self.expect(value, "buttons", listed, list, f"{where}: 'buttons'"):
                for button in listed:
                    if not isinstance(button, dict):
                        self.problem(listed, None, f"{where}: each button is a mapping")
                        continue
                    self.unknown_keys(button, ("title", "payload"), f"{where}: a button")
                    title = self.text(button, "title", where)
                    payload = self.text(button, "payload", where)
                    buttons.append(AssertedButton(title, payload))
        if utter_name is None and pattern is None and not buttons:
            self.problem(item, next(iter(item)), f"{where} needs at least one of 'utter_name', "
                         "'text_matches' or 'buttons'")  # fmt: skip
            return None
        cls = BotUttered if "bot_uttered" in item else BotDidNotUtter
        return cls(utter_name, pattern, tuple(buttons), location=self.at(item))

    def generative(self, item: dict[str, Any], value: Any, where: str) -> Assertion | None:
        grounded = "generative_response_is_grounded" in item
        allowed = ("threshold", "utter_name", "utter_source")
        if grounded:
            allowed += ("ground_truth",)
        if not self.keys(item, value, where, allowed, ("threshold",)):
            return None
        threshold = value["threshold"]
        if not self.expect(value, "threshold", threshold, (int, float), f"{where}: 'threshold'"):
            return None
        texts = {key: self.text(value, key, where) for key in allowed[1:]}
        if grounded:
            return GenerativeResponseIsGrounded(
                float(threshold), texts["utter_name"], texts["utter_source"],
                texts["ground_truth"], location=self.at(item),
            )  # fmt: skip
        return GenerativeResponseIsRelevant(
            float(threshold), texts["utter_name"], texts["utter_source"], location=self.at(item)
        )


_Read = Callable[[_FileReader, dict[str, Any], Any, str], Assertion | None]
_ASSERTIONS: dict[str, _Read] = {
    "flow_started": _FileReader.flow_started,
    "flow_completed": _FileReader.flow_ended,
    "flow_cancelled": _FileReader.flow_ended,
    "pattern_clarification_contains": _FileReader.clarification,
    "action_executed": _FileReader.action_executed,
    "slot_was_set": _FileReader.slots,
    "slot_was_not_set": _FileReader.slots,
    "bot_uttered": _FileReader.utterance,
    "bot_did_not_utter": _FileReader.utterance,
    "generative_response_is_relevant": _FileReader.generative,
    "generative_response_is_grounded": _FileReader.generative,
}


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _wanted(kind: type | tuple[type, ...]) -> str:
    names = {str: "text", list: "a list", dict: "a mapping", bool: "true or false"}
    if _tuple(kind) == (int, float):
        return "a number"
    return " or ".join(names.get(k, k.__name__) for k in _tuple(kind))


# --- files and folders ----------------------------------------------------------------------


def _is_conftest(path: str | Path) -> bool:
    return Path(path).name in CONFTEST_NAMES


def _is_eval_conftest(path: Path) -> bool:
    """``<project>/eval/conftest.yml`` configures Rasa's evaluations, not e2e tests."""
    root = path.parent.parent
    return path.parent.name == "eval" and any((root / e).exists() for e in _PROJECT_ROOT_ENTRIES)


def _conftest_chain(folder: Path) -> list[Path]:
    """The conftest files from the file system root down to ``folder``."""
    chain = []
    for directory in [folder, *folder.parents]:
        for name in CONFTEST_NAMES:
            candidate = directory / name
            if candidate.is_file() and not _is_eval_conftest(candidate):
                chain.append(candidate)
                break
    return chain[::-1]


class _Session:
    """State shared while reading several files: conftests are read once."""

    def __init__(self) -> None:
        self.problems: list[_Problem] = []
        self.metadata_refs: list[tuple[str, str, int, str]] = []  # (file, name, line, what)
        self.conftests: dict[Path, dict[str, Fixture]] = {}

    def parse(self, path: str) -> _FileReader | None:
        try:
            data, lines = load_yaml_located(path)
        except YamlError as exc:
            self.problems.append((exc.file, exc.line, exc.message))
            return None
        return _FileReader(path, data, lines)

    def conftest_fixtures(self, path: Path) -> dict[str, Fixture]:
        if path not in self.conftests:
            self.conftests[path] = {}
            reader = self.parse(str(path))
            if reader is not None:
                self.conftests[path] = reader.read(conftest=True).fixtures
                self.problems.extend(reader.problems)
        return self.conftests[path]

    def read_file(self, path: str | Path) -> TestFile:
        path = str(path)
        reader = self.parse(path)
        if reader is None:
            return TestFile(path)
        own = reader.read(conftest=_is_conftest(path))
        folder = Path(os.path.abspath(path)).parent
        chain = [c for c in _conftest_chain(folder) if not os.path.samefile(c, path)]
        available: dict[str, Fixture] = {}
        for conftest in chain:
            available.update(self.conftest_fixtures(conftest))
        available.update(own.fixtures)
        for case in own.test_cases:
            for name in case.fixtures:
                if name not in available:
                    line = case.location.line if case.location else 0
                    reader.problems.append((
                        path, line, f"test case {case.name!r}: fixture {name!r} is not "
                        "defined here or in a conftest file",
                    ))  # fmt: skip
        self.problems.extend(reader.problems)
        self.metadata_refs.extend((path, *ref) for ref in reader.metadata_refs)
        return TestFile(
            path=own.path,
            test_cases=own.test_cases,
            fixtures=own.fixtures,
            metadata=own.metadata,
            stub_custom_actions=own.stub_custom_actions,
            available_fixtures=available,
            conftests=tuple(str(c) for c in chain),
        )

    def finish(self, suite: TestSuite) -> TestSuite:
        # metadata is looked up among all files read, as Rasa does
        known = suite.metadata
        for file, name, line, what in self.metadata_refs:
            if name not in known:
                self.problems.append((file, line, f"{what}: metadata {name!r} is not defined"))
        if self.problems:
            # file by file as read, each file's problems in line order
            order = {path: i for i, path in enumerate(dict.fromkeys(p[0] for p in self.problems))}
            ranked = sorted(self.problems, key=lambda p: (order[p[0]], p[1]))
            raise E2eTestError([f"{f}:{line}: {what}" for f, line, what in ranked])
        return suite


def read_test_file(path: str | Path) -> TestFile:
    """Read one e2e test file (or conftest file); :class:`E2eTestError` lists its problems."""
    session = _Session()
    file = session.read_file(path)
    session.finish(TestSuite((file,)))
    return file


def _holds_test_cases(path: Path) -> bool:
    # Rasa's test: some line, indentation aside, starts with `test_cases:`
    try:
        with path.open(encoding="utf-8") as handle:
            return any(line.lstrip().startswith("test_cases:") for line in handle)
    except (OSError, UnicodeDecodeError):
        return False


def find_test_files(path: str | Path) -> list[str]:
    """The e2e test files ``rasa test e2e PATH`` runs: YAML files with ``test_cases``, found
    in sub-folders too (links followed), sorted by path."""
    root = Path(path)
    if root.is_file():
        candidates = [root]
    else:
        candidates = [
            Path(folder, name)
            for folder, _, names in os.walk(root, followlinks=True)
            for name in names
        ]
    return sorted(
        str(p) for p in candidates if p.suffix in YAML_SUFFIXES and p.is_file()
        and _holds_test_cases(p)
    )  # fmt: skip


def read_tests(path: str | Path) -> TestSuite:
    """Read the e2e tests at ``path``, a file or a folder.

    ``path::name`` keeps only the test cases called ``name``, as ``rasa test e2e`` does.
    """
    text = str(path)
    path, _, only = text.rpartition("::") if "::" in text else (text, "", "")
    if not os.path.exists(path):
        raise E2eTestError([f"{path}: no such file or folder"])
    session = _Session()
    files = tuple(session.read_file(f) for f in find_test_files(path))
    suite = session.finish(TestSuite(files))
    if only:
        suite = TestSuite(
            tuple(
                replace(f, test_cases=tuple(c for c in f.test_cases if c.name == only))
                for f in suite.files
            )
        )
        if not suite.test_cases:
            raise E2eTestError([f"{path}: no test case named {only!r}"])
    return suite
