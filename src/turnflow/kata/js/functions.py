"""Function values (built-ins and ``x => ...`` expressions) and the built-in namespaces
(``Math``, ``JSON``...), plus the argument helpers every built-in uses."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from turnflow.kata.js.errors import JsRuntimeError
from turnflow.kata.js.values import UNDEFINED, HostObject, to_js_string, to_number

# impl(this, args, env) -> value; env is a turnflow.kata.js.host.Env
Impl = Callable[[Any, list[Any], Any], Any]


class JsFunction(HostObject):
    """A callable JavaScript value. ``props`` are its own properties (``Number.isInteger``)."""

    __slots__ = ("name", "impl", "props", "construct")
    typeof = "function"

    def __init__(self, name: str, impl: Impl, props: dict[str, Any] | None = None,
                 construct: Impl | None = None) -> None:
        self.name = name
        self.impl = impl
        self.props = props
        self.construct = construct  # what `new` calls, when it differs from a plain call

    def js_string(self) -> str:
        return f"function {self.name}() {{ [native code] }}"

    def get_property(self, name: str) -> Any:
        if self.props is not None and name in self.props:
            return self.props[name]
        if name == "name":
            return self.name
        return UNDEFINED

    def __repr__(self) -> str:
        return f"<function {self.name}>"


class JsNamespace(HostObject):
    """A built-in object of functions and constants: ``Math``, ``JSON``, ``Object``..."""

    __slots__ = ("name", "props")

    def __init__(self, name: str, props: dict[str, Any]) -> None:
        self.name = name
        self.props = props

    def js_string(self) -> str:
        return f"[object {self.name}]"

    def get_property(self, name: str) -> Any:
        return self.props.get(name, UNDEFINED)

    def __repr__(self) -> str:
        return f"<{self.name}>"


def arg(args: list[Any], i: int) -> Any:
    """The i-th argument, ``undefined`` when not given."""
    return args[i] if i < len(args) else UNDEFINED


def to_integer(v: Any) -> int | float:
    """ToIntegerOrInfinity: NaN -> 0, fractions truncated, infinities kept."""
    n = to_number(v)
    if type(n) is int:
        return n
    if n != n:
        return 0
    if n in (math.inf, -math.inf):
        return n
    return int(n)


def relative_index(v: Any, length: int, default: int) -> int:
    """A ``slice``-style index: negative counts from the end; clamped to 0..length."""
    if v is UNDEFINED:
        return default
    n = to_integer(v)
    if n < 0:
        return int(max(length + n, 0))
    return int(min(n, length))


def call_function(fn: Any, this: Any, args: list[Any], env: Any, what: str) -> Any:
    """Call ``fn`` (a callback given to ``map``, ``replace``...); ``what`` names it in errors."""
    if type(fn) is not JsFunction:
        raise JsRuntimeError(f"{to_js_string(fn) if fn is not UNDEFINED else what} is not a "
                             "function")
    return fn.impl(this, args, env)
