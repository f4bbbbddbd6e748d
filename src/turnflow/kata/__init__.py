"""Kata bots (KataML, kata.ai's bot language) on turnflow: reading and validating a bot, and
(``turnflow.kata.engine``) running its conversations.

The public names are those in ``__all__``, loaded when first used (PEP 562), so that reading
a bot does not load the engine.
"""

from __future__ import annotations

from ..lazy_exports import lazy_exports

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


__getattr__, __dir__ = lazy_exports(__name__, _PUBLIC, globals())
