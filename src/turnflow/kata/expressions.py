"""A bot's JavaScript expressions and templates, compiled once when the engine is made, each
with the place it is written (``where``) so that a failure names it.

How a failure is reported depends on what the expression is for:

* a **condition** (intent, transition, action) that throws counts as false, with a warning in
  the converse result: a condition over a field one kind of message lacks
  (``content.toLowerCase()`` on a data message) must not stop the conversation;
* a **value** (a mapping, a ``$(...)`` in an action's options) that throws fails the converse
  with :class:`KataRuntimeError`: it would otherwise store or say something wrong;
* a bot method that fails inside either fails the converse (its error names the method:
  the method caller raises :class:`KataRuntimeError`, which the evaluator lets through).

``Date.now()`` and ``Math.random()`` come from the engine's host (its clock).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .js import (
    JsHost,
    JsRuntimeError,
    JsSyntaxError,
    compile_expression,
    compile_value,
    truthy,
)
from .runtime_errors import KataRuntimeError
from .session import copy_json

# (name, arguments) -> a bot method's result
Calls = Callable[[str, list[Any]], Any]
# the warning sink of a converse: (text, where)
Warn = Callable[[str, Any], None]


def _syntax(what: str, source: str, where: Any, error: JsSyntaxError) -> KataRuntimeError:
    return KataRuntimeError(f"{what} {source!r} does not parse: {error}", where)


class Expr:
    """A compiled JavaScript expression and where it is written."""

    __slots__ = ("source", "where", "what", "compiled", "host")

    def __init__(self, source: str, where: Any, what: str = "expression",
                 host: JsHost | None = None) -> None:
        self.source, self.where, self.what, self.host = source, where, what, host
        try:
            self.compiled = compile_expression(source)
        except JsSyntaxError as error:
            raise _syntax(what, source, where, error) from None

    def value(self, scope: Mapping[str, Any], calls: Calls | None) -> Any:
        """Its value; a failure fails the converse."""
        try:
            return self.compiled.evaluate(scope, calls, self.host)
        except JsRuntimeError as error:
            raise KataRuntimeError(f"{self.what} {self.source!r} failed: {error}",
                                   self.where) from None

    def holds(self, scope: Mapping[str, Any], calls: Calls | None, warn: Warn) -> bool:
        """Whether it holds (JavaScript truthiness); one that throws doesn't, and says so."""
        try:
            return truthy(self.compiled.evaluate(scope, calls, self.host))
        except JsRuntimeError as error:
            warn(f"{self.what} {self.source!r} failed (taken as false): {error}", self.where)
            return False


class Value:
    """A compiled option value: strings with ``$(...)`` / ``$[...]`` templates (a string that
    is one ``$(expr)`` gives the expression's value, not its text), in dicts and lists.
    Values with no template are kept as they are and cost nothing to render."""

    __slots__ = ("raw", "where", "what", "compiled", "host")

    def __init__(self, raw: Any, where: Any, what: str = "option",
                 host: JsHost | None = None) -> None:
        self.raw, self.where, self.what, self.host = raw, where, what, host
        self.compiled = None
        if has_template(raw):
            try:
                self.compiled = compile_value(raw)
            except JsSyntaxError as error:
                raise _syntax(what, _short(raw), where, error) from None

    def render(self, scope: Mapping[str, Any], calls: Calls | None, item: Any = None) -> Any:
        """Its value (a fresh copy); ``item`` is what ``$[...]`` reads (a carousel's element,
        a text action's dictionary)."""
        if self.compiled is None:
            return copy_json(self.raw)
        try:
            return self.compiled.render(scope, calls, item, self.host)
        except JsRuntimeError as error:
            raise KataRuntimeError(f"{self.what} {_short(self.raw)!r} failed: {error}",
                                   self.where) from None


def has_template(value: Any) -> bool:
    if isinstance(value, str):
        return "$(" in value or "$[" in value
    if isinstance(value, dict):
        return any(has_template(key) or has_template(item) for key, item in value.items())
    if isinstance(value, list):
        return any(has_template(item) for item in value)
    return False


def _short(raw: Any) -> str:
    text = raw if isinstance(raw, str) else repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."


__all__ = ["Calls", "Expr", "Value", "Warn", "has_template"]
