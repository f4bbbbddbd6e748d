"""Rasa end-to-end tests as turnflow holds them once read (the reader is
:mod:`turnflow.rasa.e2e.reader`).

A test file holds named fixtures (slot values set before a test starts), named message
metadata, stubbed custom-action results and test cases. A test case is a list of steps: user
turns, optionally with assertions on what the assistant did, and the older step forms that
check one bot message or slot event each. Everything keeps its :class:`Location`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from turnflow.rasa.domain import Location

Operator = Literal["any", "all"]


class _Unset:
    """No ``value`` was given: any value matches."""

    def __repr__(self) -> str:
        return "ANY_VALUE"


ANY_VALUE: Any = _Unset()


@dataclass(frozen=True, slots=True)
class Fixture:
    """Slot values set before a test case runs (``fixtures: - name: [{slot: value}]``)."""

    name: str
    slots: dict[str, Any]
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Metadata:
    """Named metadata sent along with user messages (``metadata: - name: {key: value}``)."""

    name: str
    values: dict[str, Any]
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class StubCustomAction:
    """What a custom action returns in tests instead of calling the action server.

    ``name`` is as written; :attr:`key` is how Rasa files it: ``<test file name>::<action>``,
    unless the name already holds ``::`` (then it names a stub of another file's scope).
    """

    name: str
    file_name: str
    events: tuple[dict[str, Any], ...] = ()
    responses: tuple[dict[str, Any], ...] = ()
    location: Location | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        return self.name if "::" in self.name else f"{self.file_name}::{self.name}"


# --- assertions -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assertion:
    """One item of a user step's ``assertions``."""

    kind: ClassVar[str] = ""
    # a runner without an LLM judge skips these and says why
    needs_llm: ClassVar[bool] = False

    location: Location | None = field(default=None, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class FlowStarted(Assertion):
    """``flow_started: id`` (``operator`` None) or ``{flow_ids: [...], operator: any|all}``."""

    kind: ClassVar[str] = "flow_started"
    flow_ids: tuple[str, ...]
    operator: Operator | None = None


@dataclass(frozen=True, slots=True)
class FlowCompleted(Assertion):
    kind: ClassVar[str] = "flow_completed"
    flow_id: str
    flow_step_id: str | None = None


@dataclass(frozen=True, slots=True)
class FlowCancelled(Assertion):
    kind: ClassVar[str] = "flow_cancelled"
    flow_id: str
    flow_step_id: str | None = None


@dataclass(frozen=True, slots=True)
class PatternClarificationContains(Assertion):
    """The clarification offered these flows: a list of flow *names* (``operator`` None), or
    ``{flow_ids: [...], operator: any|all}``."""

    kind: ClassVar[str] = "pattern_clarification_contains"
    flow_names: tuple[str, ...] = ()
    flow_ids: tuple[str, ...] = ()
    operator: Operator | None = None


@dataclass(frozen=True, slots=True)
class ActionExecuted(Assertion):
    kind: ClassVar[str] = "action_executed"
    action_name: str


@dataclass(frozen=True, slots=True)
class AssertedSlot:
    """A slot name and the value expected; :data:`ANY_VALUE` when none was written."""

    name: str
    value: Any = ANY_VALUE
    location: Location | None = field(default=None, compare=False)

    @property
    def has_value(self) -> bool:
        return self.value is not ANY_VALUE


@dataclass(frozen=True, slots=True)
class SlotWasSet(Assertion):
    kind: ClassVar[str] = "slot_was_set"
    slots: tuple[AssertedSlot, ...]


@dataclass(frozen=True, slots=True)
class SlotWasNotSet(Assertion):
    kind: ClassVar[str] = "slot_was_not_set"
    slots: tuple[AssertedSlot, ...]


@dataclass(frozen=True, slots=True)
class AssertedButton:
    title: str | None = None
    payload: str | None = None


@dataclass(frozen=True, slots=True)
class BotUttered(Assertion):
    """The bot said, this turn, what is given: a message from the response, a message whose
    text the regular expression matches, a message whose first buttons are these (each
    criterion on its own, as Rasa checks them)."""

    kind: ClassVar[str] = "bot_uttered"
    utter_name: str | None = None
    text_matches: str | None = None
    buttons: tuple[AssertedButton, ...] = ()


@dataclass(frozen=True, slots=True)
class BotDidNotUtter(Assertion):
    """No bot message this turn came from the response, has a matching text, or carries one
    of the buttons (any one criterion matching fails it, as in Rasa)."""

    kind: ClassVar[str] = "bot_did_not_utter"
    utter_name: str | None = None
    text_matches: str | None = None
    buttons: tuple[AssertedButton, ...] = ()


@dataclass(frozen=True, slots=True)
class GenerativeResponse(Assertion):
    """A generated bot message judged by an LLM: kept so that a runner without a judge can
    report it as skipped."""

    needs_llm: ClassVar[bool] = True
    threshold: float = 0.5
    utter_name: str | None = None
    utter_source: str | None = None


@dataclass(frozen=True, slots=True)
class GenerativeResponseIsRelevant(GenerativeResponse):
    kind: ClassVar[str] = "generative_response_is_relevant"


@dataclass(frozen=True, slots=True)
class GenerativeResponseIsGrounded(GenerativeResponse):
    kind: ClassVar[str] = "generative_response_is_grounded"
    ground_truth: str | None = None


@dataclass(frozen=True, slots=True)
class UnsupportedAssertion(Assertion):
    """An assertion kind Rasa knows that turnflow does not check (agent skills, memory,
    tools): kept with its data so a runner can report it as skipped."""

    kind: ClassVar[str] = "unsupported"
    name: str
    data: Any = None


# --- steps ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UserStep:
    """A user message, with the assertions checked on what follows it.

    ``assertions`` is None when the step has no ``assertions`` key (then the legacy steps
    after it are what is checked); an empty tuple when the key is there but empty.
    """

    text: str
    metadata: str | None = None  # name of a Metadata entry
    assertions: tuple[Assertion, ...] | None = None
    assertion_order_enabled: bool = False
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class BotStep:
    """Legacy ``bot: text``: the next bot message has exactly this text."""

    text: str
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class UtterStep:
    """Legacy ``utter: utter_name``: the next bot message came from this response."""

    utter_name: str
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class SlotStep:
    """Legacy ``slot_was_set: [name | {name: value}, ...]`` (``negated``: ``slot_was_not_set``).

    Rasa checks each listed slot as a step of its own, in order.
    """

    slots: tuple[AssertedSlot, ...]
    negated: bool = False
    location: Location | None = field(default=None, compare=False)


Step = UserStep | BotStep | UtterStep | SlotStep


# --- test cases and files -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TestCase:
    __test__: ClassVar[bool] = False  # not a pytest class

    name: str
    steps: tuple[Step, ...]
    fixtures: tuple[str, ...] = ()  # names, looked up in the file's available_fixtures
    metadata: str | None = None  # name of a Metadata entry for all its user messages
    location: Location | None = field(default=None, compare=False)
    file: str = ""

    @property
    def uses_assertions(self) -> bool:
        return any(isinstance(s, UserStep) and s.assertions is not None for s in self.steps)


@dataclass(frozen=True, slots=True)
class TestFile:
    """One e2e test file (or a conftest file holding fixtures, with or without test cases).

    ``available_fixtures`` are the fixtures its test cases may use: those of the conftest
    files from the file system root down to the file's folder, then the file's own; a later
    definition of a name replaces an earlier one.
    """

    __test__: ClassVar[bool] = False

    path: str
    test_cases: tuple[TestCase, ...] = ()
    fixtures: dict[str, Fixture] = field(default_factory=dict)
    metadata: dict[str, Metadata] = field(default_factory=dict)
    stub_custom_actions: dict[str, StubCustomAction] = field(default_factory=dict)
    available_fixtures: dict[str, Fixture] = field(default_factory=dict)
    conftests: tuple[str, ...] = ()  # the conftest files read for it, root first


@dataclass(frozen=True, slots=True)
class TestSuite:
    """The files found under a path, in the order Rasa runs them."""

    __test__: ClassVar[bool] = False

    files: tuple[TestFile, ...] = ()

    @property
    def test_cases(self) -> tuple[TestCase, ...]:
        return tuple(case for f in self.files for case in f.test_cases)

    @property
    def metadata(self) -> dict[str, Metadata]:
        """All files' metadata by name; as in Rasa the first file defining a name wins."""
        merged: dict[str, Metadata] = {}
        for f in self.files:
            for name, meta in f.metadata.items():
                merged.setdefault(name, meta)
        return merged

    @property
    def stub_custom_actions(self) -> dict[str, StubCustomAction]:
        return {s.key: s for f in self.files for s in f.stub_custom_actions.values()}

    def fixtures_of(self, case: TestCase) -> tuple[Fixture, ...]:
        """The fixtures ``case`` uses, in the order it names them."""
        file = next(f for f in self.files if f.path == case.file)
        return tuple(file.available_fixtures[name] for name in case.fixtures)
