"""Turns a syntax tree into nested Python closures, built once and called many times.

A compiled expression is a function ``f(scope) -> value``. Each node becomes one closure with
everything it can know in advance (lower-cased names, operator functions, literal values)
already bound, so evaluation does no parsing, no dispatch on node types and no dict lookups
beyond the context itself.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from .ast import (
    AnonFunction,
    BinaryOp,
    Call,
    ContextRef,
    DotLookup,
    IndexLookup,
    Literal,
    Negation,
    Node,
    to_source,
)
from .functions import FUNCTIONS
from .operators import BINARY, negate
from .values import (
    MISSING,
    XError,
    XFunction,
    XObject,
    XValue,
    describe,
    to_integer,
    to_text,
)

if TYPE_CHECKING:
    from .environment import Environment


class Scope:
    """What an expression is evaluated against: the environment, the root context and, inside
    an anonymous function, its arguments (chained to the enclosing scope)."""

    __slots__ = ("env", "root", "args", "parent")

    def __init__(
        self,
        env: Environment,
        root: XObject,
        args: dict[str, XValue] | None = None,
        parent: Scope | None = None,
    ) -> None:
        self.env = env
        self.root = root
        self.args = args
        self.parent = parent

    def lookup_arg(self, key: str) -> XValue:
        scope: Scope | None = self
        while scope is not None and scope.args is not None:
            value = scope.args.get(key, MISSING)
            if value is not MISSING:
                return value
            scope = scope.parent
        return MISSING


Compiled = Callable[[Scope], XValue]


def resolve_lookup(env: Environment, container: XValue, key: XValue, dot: bool) -> XValue:
    """``container.key`` (dot) or ``container[key]``: array index or object property."""
    if type(container) is list:
        index = to_integer(env, key)
        if type(index) is XError:
            return index
        count = len(container)
        if index >= count or index < -count:
            return XError(f"index {index} out of range for {count} items")
        return container[index]
    if type(container) is XObject:
        name = to_text(env, key)
        if type(name) is XError:
            return name
        value = container.lookup(name.lower())
        if value is MISSING:
            # [] notation doesn't error for a missing property, dot notation does
            return XError(f"object has no property '{name}'") if dot else None
        return value
    if type(container) is XError:
        return container
    return XError(f"{describe(container)} doesn't support lookups")


def compile_node(node: Node) -> Compiled:
    """Compile a syntax tree node into a closure."""
    if isinstance(node, Literal):
        return _literal(node.value)
    if isinstance(node, ContextRef):
        return _context_ref(node.name)
    if isinstance(node, DotLookup):
        return _dot_lookup(compile_node(node.container), node.name)
    if isinstance(node, IndexLookup):
        return _index_lookup(compile_node(node.container), compile_node(node.index))
    if isinstance(node, Call):
        return _call(node)
    if isinstance(node, BinaryOp):
        return _binary(BINARY[node.op], compile_node(node.left), compile_node(node.right))
    if isinstance(node, Negation):
        return _negation(compile_node(node.operand))
    if isinstance(node, AnonFunction):
        return _anon_function(node.params, compile_node(node.body))
    raise TypeError(f"unknown node {node!r}")


def _literal(value: str | Decimal | bool | None) -> Compiled:
    def literal(scope: Scope) -> XValue:
        return value

    return literal


def _context_ref(name: str) -> Compiled:
    key = name.lower()
    builtin = FUNCTIONS.get(key)
    missing = f"context has no property '{name}'"

    def context_ref(scope: Scope) -> XValue:
        if scope.args is not None:
            value = scope.lookup_arg(key)
            if value is not MISSING:
                return value
        value = scope.root.lookup(key)
        if value is not MISSING:
            return value
        if builtin is not None:
            return builtin
        return XError(missing)

    return context_ref


def _dot_lookup(container: Compiled, name: str) -> Compiled:
    key = name.lower()
    missing = f"object has no property '{name}'"

    def dot_lookup(scope: Scope) -> XValue:
        value = container(scope)
        if type(value) is XObject:
            found = value.lookup(key)
            return XError(missing) if found is MISSING else found
        return resolve_lookup(scope.env, value, name, True)

    return dot_lookup


def _index_lookup(container: Compiled, index: Compiled) -> Compiled:
    def index_lookup(scope: Scope) -> XValue:
        value = container(scope)
        if type(value) is XError:
            return value
        key = index(scope)
        if type(key) is XError:
            return key
        return resolve_lookup(scope.env, value, key, False)

    return index_lookup


def _call(node: Call) -> Compiled:
    function = compile_node(node.function)
    args = tuple(compile_node(arg) for arg in node.args)
    not_function = f"{to_source(node.function)} is not a function"

    def call(scope: Scope) -> XValue:
        fn = function(scope)
        if type(fn) is not XFunction:
            return fn if type(fn) is XError else XError(not_function)
        return fn.call(scope.env, [arg(scope) for arg in args])

    return call


def _binary(op: Callable[[Environment, XValue, XValue], XValue], left: Compiled, right: Compiled) -> Compiled:
    def binary(scope: Scope) -> XValue:
        return op(scope.env, left(scope), right(scope))

    return binary


def _negation(operand: Compiled) -> Compiled:
    def negation(scope: Scope) -> XValue:
        return negate(scope.env, operand(scope))

    return negation


def _anon_function(params: tuple[str, ...], body: Compiled) -> Compiled:
    count = len(params)

    def anon_function(scope: Scope) -> XValue:
        def impl(env: Environment, *args: XValue) -> XValue:
            return body(Scope(env, scope.root, dict(zip(params, args, strict=True)), scope))

        return XFunction("", impl, count, count)

    return anon_function
