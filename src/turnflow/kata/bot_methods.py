"""A bot's methods as the runtime calls them: one sandboxed JavaScript runtime
(:mod:`turnflow.kata.methods`) per set of methods a flow sees (the bot's, with a flow's own
over them), and every failure a one-line :class:`KataRuntimeError` that names the method and
where it is written (and, when the caller says, what called it).
"""

from __future__ import annotations

from typing import Any

from . import model
from .js import JsHost
from .runtime_errors import KataRuntimeError

# what a bot method may use (the docs don't say; generous for an ES5 function of a bot)
METHOD_TIME_LIMIT_MS = 1000
METHOD_MEMORY_LIMIT = 32 * 1024 * 1024


class BotMethods:
    """``call(name, args)`` (also what expressions get as their ``calls``) and
    ``call_mutating(name, args)`` (the result and the arguments as the method left them)."""

    def __init__(self, methods: dict[str, model.Method], host: JsHost | None = None) -> None:
        self.methods = methods
        self.runtime: Any = None
        self.unavailable: str | None = None
        self.error_type: Any = None
        if not methods:
            return
        try:
            from .methods import MethodError, MethodRuntime, MethodSource
        except ImportError as missing:  # (an install without the embedded JS engine)
            self.unavailable = f"bot methods cannot run here: {missing}"
            return
        self.error_type = MethodError
        sources = {}
        for name, method in methods.items():
            where = method.code_where if method.code_where.line else method.where
            sources[name] = MethodSource(name, tuple(method.params), method.code, where.file,
                                         where.line or None, method.entry)
        self.runtime = MethodRuntime(sources, time_limit_ms=METHOD_TIME_LIMIT_MS,
                                     memory_limit=METHOD_MEMORY_LIMIT, host=host)

    def _check(self, name: str) -> None:
        if name not in self.methods:
            raise KataRuntimeError(f"method '{name}' is not defined")
        if self.unavailable is not None:
            raise KataRuntimeError(f"method '{name}': {self.unavailable}",
                                   self.methods[name].where)

    def call(self, name: str, args: list[Any]) -> Any:
        self._check(name)
        try:
            return self.runtime.call(name, args)
        except self.error_type as error:
            raise KataRuntimeError(str(error)) from None

    def call_mutating(self, name: str, args: list[Any]) -> tuple[Any, list[Any]]:
        self._check(name)
        try:
            return self.runtime.call_mutating(name, args)  # type: ignore[no-any-return]
        except self.error_type as error:
            raise KataRuntimeError(str(error)) from None

    def errors(self) -> list[str]:
        """Methods that did not compile (calling one fails with this error)."""
        if self.runtime is None:
            return []
        return [str(error) for error in self.runtime.errors.values()]
