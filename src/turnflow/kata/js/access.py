"""Reading properties (``o.x``, ``o[k]``) and calling methods (``o.f(...)``) on JS values.

A missing property is ``undefined``; reading any property of ``undefined`` or ``null`` is a
:class:`JsRuntimeError` (``Cannot read property 'x' of undefined``), as in JavaScript.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from turnflow.kata.js.arrays import ARRAY_METHODS, MUTATING
from turnflow.kata.js.errors import JsNullAccess, JsRuntimeError
from turnflow.kata.js.functions import Impl, JsFunction
from turnflow.kata.js.numbers import NUMBER_METHODS
from turnflow.kata.js.strings import STRING_METHODS
from turnflow.kata.js.values import UNDEFINED, HostObject, number_to_string, to_js_string

_MISSING = object()


def _has_own_property(o: Any, args: list[Any], env: Any) -> bool:
    key = property_key(args[0] if args else UNDEFINED)
    if isinstance(o, Mapping):
        return key in o
    if type(o) is list or type(o) is tuple or type(o) is str:
        return key == "length" or ((key.isascii() and key.isdigit()) and int(key) < len(o))
    return False


def _object_to_string(o: Any, args: list[Any], env: Any) -> str:
    return to_js_string(o)


def _value_of(o: Any, args: list[Any], env: Any) -> Any:
    return o


def _boolean_to_string(o: Any, args: list[Any], env: Any) -> str:
    return "true" if o else "false"


OBJECT_METHODS: dict[str, Impl] = {
    "hasOwnProperty": _has_own_property, "toString": _object_to_string,
    "valueOf": _value_of,
}  # fmt: skip
BOOLEAN_METHODS: dict[str, Impl] = {"toString": _boolean_to_string, "valueOf": _value_of}


def property_key(k: Any) -> str:
    """The property name a key value stands for: ``1`` and ``1.0`` -> ``"1"``."""
    t = type(k)
    if t is str:
        return k
    if t is int or t is float:
        return number_to_string(k)
    return to_js_string(k)


def cannot_read(o: Any, name: str) -> JsRuntimeError:
    what = "null" if o is None else "undefined"
    return JsNullAccess(f"Cannot read property '{name}' of {what}")


def _methods_of(o: Any) -> dict[str, Impl] | None:
    t = type(o)
    if t is str:
        return STRING_METHODS
    if t is list or t is tuple:
        return ARRAY_METHODS
    if t is int or t is float:
        return NUMBER_METHODS
    if t is bool:
        return BOOLEAN_METHODS
    if isinstance(o, Mapping):
        return OBJECT_METHODS
    return None


def _bound(o: Any, name: str, impl: Impl) -> JsFunction:
    return JsFunction(name, lambda this, args, env: impl(o, args, env))


def get_named(o: Any, name: str) -> Any:
    """``o.name`` (``name`` is never a canonical index here unless read through ``[...]``)."""
    t = type(o)
    if t is dict:
        return o.get(name, UNDEFINED)
    if t is list or t is tuple or t is str:
        if name == "length":
            return len(o)
        if (name.isascii() and name.isdigit()) and (name == "0" or name[0] != "0"):
            i = int(name)
            return o[i] if i < len(o) else UNDEFINED
        impl = (STRING_METHODS if t is str else ARRAY_METHODS).get(name)
        return UNDEFINED if impl is None else _bound(o, name, impl)
    if o is None or o is UNDEFINED:
        raise cannot_read(o, name)
    if isinstance(o, HostObject):
        return o.get_property(name)
    if isinstance(o, Mapping):
        return o.get(name, UNDEFINED)
    methods = _methods_of(o)
    if methods is not None and name in methods:
        return _bound(o, name, methods[name])
    if isinstance(o, str):  # subclasses of the built-in types, read as the types
        return get_named(str(o), name)
    if isinstance(o, list | tuple):
        return get_named(list(o), name)
    return UNDEFINED


def get_index(o: Any, key: Any) -> Any:
    """``o[key]``."""
    t = type(o)
    if t is list or t is tuple or t is str:
        if type(key) is int:
            return o[key] if 0 <= key < len(o) else UNDEFINED
        if type(key) is float and key.is_integer():
            i = int(key)
            return o[i] if 0 <= i < len(o) else UNDEFINED
        return get_named(o, property_key(key))
    if t is dict or isinstance(o, Mapping):
        if type(key) is str:
            return o.get(key, UNDEFINED)
        name = property_key(key)
        v = o.get(name, _MISSING)
        if v is _MISSING:
            try:  # a dict read from YAML may have non-string keys (1: one)
                v = o.get(key, UNDEFINED)
            except TypeError:
                v = UNDEFINED
        return v
    if o is None or o is UNDEFINED:
        raise cannot_read(o, property_key(key))
    return get_named(o, property_key(key))


def call_method(o: Any, name: str, args: list[Any], env: Any, source: str) -> Any:
    """``o.name(...args)``; ``source`` is the text of ``o`` for error messages."""
    t = type(o)
    impl: Impl | None
    if t is str:
        impl = STRING_METHODS.get(name)
    elif t is list or t is tuple:
        impl = ARRAY_METHODS.get(name)
        if impl is None and name in MUTATING:
            raise JsRuntimeError(
                f"{source}.{name}() would change the array: expressions change nothing "
                "(use concat or slice, or a method)"
            )
    elif o is None or o is UNDEFINED:
        raise cannot_read(o, name)
    elif isinstance(o, HostObject) or isinstance(o, Mapping):
        v = o.get_property(name) if isinstance(o, HostObject) else o.get(name, UNDEFINED)
        if type(v) is JsFunction:
            return v.impl(o, args, env)
        impl = OBJECT_METHODS.get(name) if v is UNDEFINED else None
    else:
        methods = _methods_of(o)
        impl = methods.get(name) if methods is not None else None
    if impl is None:
        raise JsRuntimeError(f"{source}.{name} is not a function")
    try:
        return impl(o, args, env)
    except RecursionError:
        raise JsRuntimeError(f"{source}.{name}: too much recursion") from None
