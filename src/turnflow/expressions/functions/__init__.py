"""Excellent's built-in functions. Importing this package registers all of them."""

from __future__ import annotations

import importlib

from .registry import FUNCTIONS, register

# each module registers its functions when imported; a module not written yet is skipped
for _module in ("conversion", "text", "numbers", "dates", "collections", "misc"):
    try:
        importlib.import_module(f"{__name__}.{_module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{_module}":
            raise

from ..cases import CASE_TESTS  # noqa: E402  (the router case tests are callable too)

for _name, _fn in CASE_TESTS.items():
    FUNCTIONS.setdefault(_name, _fn)

__all__ = ["FUNCTIONS", "register"]
