"""Testing Kata bots: Kata's four test-spec schemas (``test/*.spec.yml``) and turnflow's
conversation tests (``conversations:`` files), run on the Kata engine.

>>> from turnflow.kata.testing import run_bot_tests
>>> outcomes = run_bot_tests("examples/kata/pizza")      # doctest: +SKIP
>>> [o.message for o in outcomes if not o.passed]        # doctest: +SKIP
[]
"""

from __future__ import annotations

from .clock import TestClock
from .conversation_files import read_conversation_file
from .files import TestFileError
from .matching import first_difference
from .model import Conversation, ConversationFile, Outcome, SpecCase, SpecSuite, Step
from .runner import BotTestError, find_test_files, load_engine, run_bot_tests, run_test_file
from .spec_files import read_spec_file

__all__ = [
    "BotTestError", "Conversation", "ConversationFile", "Outcome", "SpecCase", "SpecSuite",
    "Step", "TestClock", "TestFileError", "find_test_files", "first_difference",
    "load_engine", "read_conversation_file", "read_spec_file", "run_bot_tests",
    "run_test_file",
]  # fmt: skip
