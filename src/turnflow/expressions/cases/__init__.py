"""Router case tests (has_text, has_number_between, ...), also callable as functions."""

from __future__ import annotations

import importlib

from ..values import XFunction
from .base import CASE_TESTS, case_test, false_result, true_result

for _module in ("text_tests", "number_tests", "date_tests", "misc_tests", "location_tests"):
    try:
        importlib.import_module(f"{__name__}.{_module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{_module}":
            raise

# the tests that read their first argument (a router's operand) only as text, converting it
# with to_text before anything else: a router may give them the operand's text instead
TEXT_OPERAND_TESTS = frozenset((
    "has_text", "has_value", "has_only_text", "has_beginning", "has_phrase", "has_all_words",
    "has_any_word", "has_only_phrase", "has_pattern", "has_email", "has_phone", "has_number",
    "has_number_between", "has_number_lt", "has_number_lte", "has_number_eq", "has_number_gte",
    "has_number_gt", "has_date", "has_date_lt", "has_date_eq", "has_date_gt", "has_time",
))

__all__ = [
    "CASE_TESTS", "TEXT_OPERAND_TESTS", "XFunction", "case_test", "false_result", "true_result"
]
