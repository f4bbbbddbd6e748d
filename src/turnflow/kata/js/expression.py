"""``compile_expression``: JavaScript expression text -> a :class:`JsExpression` to evaluate
many times."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from turnflow.errors import TurnflowError
from turnflow.kata.js.compiler import Compiler, Fn, free_names
from turnflow.kata.js.errors import JsRuntimeError, JsSyntaxError
from turnflow.kata.js.host import DEFAULT_HOST, Env, JsHost
from turnflow.kata.js.parser import Node, parse

Calls = Callable[[str, list[Any]], Any]


class JsExpression:
    """A compiled expression.

    ``names``: the free names it reads from the scope (``context``, ``intent``...; built-ins
    such as ``Math`` are not listed); ``called``: the free names it calls that are not
    built-ins (bot methods, sent to ``calls``); ``warnings``: slips read the way the author
    meant them (``=`` for ``==``, ``x++`` for ``x + 1``), for a validator to show.
    """

    __slots__ = ("source", "names", "called", "warnings", "_fn")

    def __init__(self, source: str, fn: Fn, names: frozenset[str], called: frozenset[str],
                 warnings: tuple[str, ...]) -> None:
        self.source = source
        self.names = names
        self.called = called
        self.warnings = warnings
        self._fn = fn

    def evaluate(self, scope: Mapping[str, Any], calls: Calls | None = None,
                 host: JsHost | None = None) -> Any:
        """The value of the expression with free names read from ``scope`` (missing ones are
        ``undefined``). A call of a free name that is not a built-in goes to
        ``calls(name, args)``. ``host`` gives ``Date.now()`` and ``Math.random()``.

        Raises :class:`JsRuntimeError` (one line); errors raised by ``calls`` pass through.
        """
        try:
            return self._fn(Env(scope, calls, host or DEFAULT_HOST))
        except TurnflowError:
            raise
        except RecursionError:
            raise JsRuntimeError(f"Too much recursion in {self.source!r}") from None
        except Exception as exc:  # a built-in met a value it can't handle: still one line
            raise JsRuntimeError(f"{type(exc).__name__} in {self.source!r}: {exc}") from exc

    def __repr__(self) -> str:
        return f"JsExpression({self.source!r})"


def build_expression(source: str, node: Node, warnings: list[str]) -> JsExpression:
    """The :class:`JsExpression` of a tree parsed from ``source``."""
    try:
        fn = Compiler(source).compile(node)
    except RecursionError:  # a safety net: the parser's depth limit comes first
        raise JsSyntaxError("Expression nested too deeply", source, node.pos) from None
    names, called = free_names(node)
    return JsExpression(source, fn, frozenset(names), frozenset(called), tuple(warnings))


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> JsExpression:
    """Parse and compile ``source`` once; raises :class:`JsSyntaxError` (one line, with the
    column and the offending token). The same text gives the same (immutable) object."""
    if not isinstance(source, str):
        raise TypeError(f"an expression is a string, not {type(source).__name__}")
    node, warnings = parse(source)
    return build_expression(source, node, warnings)
