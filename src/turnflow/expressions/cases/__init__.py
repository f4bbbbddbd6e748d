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

__all__ = ["CASE_TESTS", "XFunction", "case_test", "false_result", "true_result"]
