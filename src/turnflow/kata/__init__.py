"""Kata bots (KataML, kata.ai's bot language) on turnflow: reading and validating a bot, and
(``turnflow.kata.engine``) running its conversations.

The public names are those in ``__all__``, loaded when first used (PEP 562), so that reading
a bot does not load the engine.
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> the module that defines it
_PUBLIC = {
    "Bot": "model",
    "KataBotError": "problems", "Problem": "problems",
    "is_kata_bot": "reading", "load_bot": "reading", "read_bot": "reading",
    "validate_bot": "validation",
    "ConverseResult": "engine", "KataEngine": "engine",
    "KataSession": "session",
    "KataRuntimeError": "runtime_errors",
}  # fmt: skip

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the next use doesn't come here
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
