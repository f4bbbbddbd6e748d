"""What a Kata bot's test files hold, as read: spec suites in Kata's four test schemas and
turnflow's conversation tests. Every test keeps ``where`` (``file:line``) for its reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# the four kinds of spec, by the last part of their schema
SPEC_KINDS = ("intents", "states", "actions", "flow")
_SCHEMA_ROOTS = ("kata.ai/schema/kata-ml/1.0/test/", "kata.ai/schema/kataml/1.0/test/")
SPEC_SCHEMAS = {root + kind: kind for root in _SCHEMA_ROOTS for kind in SPEC_KINDS}


@dataclass(frozen=True, slots=True)
class SpecCase:
    """One named test of a spec file. ``message`` is the input message (Kata's defaults
    filled in), ``expect`` the expected result as written (matched partially); for an
    actions spec, ``expect`` is a list of partial responses or ``{"responses": [...]}``."""

    name: str
    where: str
    message: dict[str, Any]
    expect: Any
    state: str | None = None
    intent: str | None = None
    attributes: dict[str, Any] | None = None
    context: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SpecSuite:
    """A ``*.spec.yml`` file: its ``kind`` (intents, states, actions or flow), the flow it
    tests, and its tests in file order. ``context``/``data`` are the suite's own (merged
    under each test's; for a flow spec, the start of the first test), ``state`` the flow
    spec's starting state (None: the flow's initial state)."""

    file: str
    kind: str
    flow: str
    desc: str
    cases: tuple[SpecCase, ...]
    state: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a conversation: ``kind`` is ``user`` (``value``: the message),
    ``bot`` (a string: a text response's exact content; a mapping: a partial response),
    ``expect`` (a mapping of flow, state, stack, context, data) or ``wait`` (seconds)."""

    kind: str
    value: Any
    where: str


@dataclass(frozen=True, slots=True)
class Conversation:
    name: str
    where: str
    steps: tuple[Step, ...]
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ConversationFile:
    """A conversation test file; ``bot`` is the bot directory its top-level ``bot:`` names
    (resolved against the file's folder), or None."""

    file: str
    conversations: tuple[Conversation, ...]
    bot: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one test: ``name`` says which (file and test name), ``message`` what
    differed (one line; empty when it passed)."""

    name: str
    passed: bool
    message: str = ""
