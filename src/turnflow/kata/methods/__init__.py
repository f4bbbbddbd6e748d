"""Bot methods (KataML ``methods``): ES5 JavaScript functions run in a sandboxed QuickJS
context per bot, with a time and a memory limit. See ``runtime`` for the calling
conventions."""

from turnflow.kata.methods.keys import MethodKeyError, parse_method_key
from turnflow.kata.methods.runtime import (
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_TIME_LIMIT_MS,
    MethodError,
    MethodRuntime,
)
from turnflow.kata.methods.source import MethodSource

__all__ = [
    "DEFAULT_MEMORY_LIMIT", "DEFAULT_TIME_LIMIT_MS", "MethodError", "MethodKeyError",
    "MethodRuntime", "MethodSource", "parse_method_key",
]  # fmt: skip
