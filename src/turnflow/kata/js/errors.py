"""The two errors of the expression language: one when text doesn't parse, one when it runs."""

from __future__ import annotations

from turnflow.errors import ExpressionSyntaxError, TurnflowError


class JsSyntaxError(ExpressionSyntaxError):
    """A JavaScript expression or ``$(...)`` template that cannot be parsed.

    ``message`` names the offending token, ``column`` is 1-based (``position`` 0-based) in the
    text given to :func:`compile_expression` / :func:`compile_template`; ``str()`` is one line:
    ``Unexpected token ')' at column 7``. ``path`` says which string of a value compiled
    with :func:`compile_value` is at fault (``items[0].title``; empty for a lone string).
    """

    path: str = ""


class JsRuntimeError(TurnflowError):
    """An expression that failed while evaluated (a property of undefined, a call of something
    that is not a function, a method that failed...). ``str()`` is one line."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class JsNullAccess(JsRuntimeError):
    """Reading a property of ``null`` or ``undefined`` (``result.name`` when the API gave no
    result). Dollar notation in action options reads it as ``undefined``
    (:mod:`turnflow.kata.js.template`); everywhere else it is the JavaScript TypeError."""


# the longest string an expression may build (repeat, padEnd, +, join, replace, concat,
# templates); V8's limit is far larger, but a Python loop over 16 million characters (a
# replaceAll of every letter) takes half a minute, and a chat message never needs a megabyte
MAX_STRING = 1 << 20


def check_length(s: str) -> str:
    """``s``, or JavaScript's "Invalid string length" when it is longer than MAX_STRING."""
    if len(s) > MAX_STRING:
        raise JsRuntimeError("Invalid string length")
    return s
