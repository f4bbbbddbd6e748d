"""Rasa end-to-end test files (``rasa test e2e``) read into turnflow's own model."""

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
    GenerativeResponse,
    GenerativeResponseIsGrounded,
    GenerativeResponseIsRelevant,
    Metadata,
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
from turnflow.rasa.e2e.reader import E2eTestError, find_test_files, read_test_file, read_tests

__all__ = [
    "ANY_VALUE", "ActionExecuted", "AssertedButton", "AssertedSlot", "Assertion",
    "BotDidNotUtter", "BotStep", "BotUttered", "E2eTestError", "Fixture", "FlowCancelled",
    "FlowCompleted", "FlowStarted", "GenerativeResponse", "GenerativeResponseIsGrounded",
    "GenerativeResponseIsRelevant", "Metadata", "PatternClarificationContains", "SlotStep",
    "SlotWasNotSet", "SlotWasSet", "Step", "StubCustomAction", "TestCase", "TestFile",
    "TestSuite", "UnsupportedAssertion", "UserStep", "UtterStep", "find_test_files",
    "read_test_file", "read_tests",
]  # fmt: skip
