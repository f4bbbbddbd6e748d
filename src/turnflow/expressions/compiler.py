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


# Chains longer than this (1 + 1 + ..., a[0][0]..., f()()...) compile to one closure with a
# loop instead of one nested closure per link: a thousand links must not need a thousand
# Python frames to compile or to evaluate. Shorter chains keep their plain closures.
FLAT_CHAIN = 16


def compile_node(node: Node) -> Compiled:
    """Compile a syntax tree node into a closure."""
    if isinstance(node, BinaryOp | DotLookup | IndexLookup | Call):
        flat = _flat_chain(node)
        if flat is not None:
            return flat
    if isinstance(node, Literal):
        return _literal(node.value)
    if isinstance(node, ContextRef):
        return _context_ref(node.name)
    if isinstance(node, DotLookup):
        names = path_names(node)
        if names is not None:  # a.b.c: one closure walks it (see _path_lookup)
            return _path_lookup(names)
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


def path_names(node: Node) -> tuple[str, ...] | None:
    """The names of a context path (``contact.name`` -> ("contact", "name")), or None when
    the node is anything else."""
    names: list[str] = []
    while type(node) is DotLookup:
        names.append(node.name)
        node = node.container
    if type(node) is not ContextRef:
        return None
    names.append(node.name)
    return tuple(reversed(names))


# one dotted step of a path: (lower-cased key, name as written, its "no property" message)
_Step = tuple[str, str, str]


def _path_steps(names: tuple[str, ...]) -> tuple[_Step, ...]:
    return tuple((name.lower(), name, f"object has no property '{name}'") for name in names)


def _root_lookup(names: tuple[str, ...]) -> RootLookup:
    """A path looked up from the root context: the first name as context_ref finds it there
    (or the builtin function of that name), the rest as dot_lookup does."""
    key = names[0].lower()
    builtin = FUNCTIONS.get(key)
    missing = f"context has no property '{names[0]}'"
    steps = _path_steps(names[1:])

    def root_lookup(root: XObject, env: Environment) -> XValue:
        value = root.lookup(key)
        if value is MISSING:
            value = builtin if builtin is not None else XError(missing)
        # the rest looked up one after the other as dot_lookup does (written out here and in
        # _path_lookup rather than called: every path read comes this way, and a call would
        # be most of the cost of a step)
        for step_key, name, step_missing in steps:
            if type(value) is XObject:
                found = value.lookup(step_key)
                value = XError(step_missing) if found is MISSING else found
            else:
                value = resolve_lookup(env, value, name, True)
        return value

    return root_lookup


def _path_lookup(names: tuple[str, ...]) -> Compiled:
    """``a.b.c`` as one closure: what the nested context_ref and dot_lookup closures give,
    without a call per name (templates read paths such as @results.x.value all the time).
    Inside a function (``(x) => x.name``) the first name may be an argument."""
    key = names[0].lower()
    builtin = FUNCTIONS.get(key)
    missing = f"context has no property '{names[0]}'"
    steps = _path_steps(names[1:])

    def path_lookup(scope: Scope) -> XValue:
        # the first name as context_ref finds it, the rest as root_lookup follows them (written
        # out here rather than called: every path in an expression comes this way)
        value: XValue = MISSING
        if scope.args is not None:
            value = scope.lookup_arg(key)
        if value is MISSING:
            value = scope.root.lookup(key)
            if value is MISSING:
                value = builtin if builtin is not None else XError(missing)
        for step_key, name, step_missing in steps:
            if type(value) is XObject:
                found = value.lookup(step_key)
                value = XError(step_missing) if found is MISSING else found
            else:
                value = resolve_lookup(scope.env, value, name, True)
        return value

    return path_lookup


RootLookup = Callable[[XObject, "Environment"], XValue]


def root_path_lookup(node: Node) -> RootLookup | None:
    """For a context path (``input``, ``results.x.value``): a function of the root context and
    the environment giving what the compiled node gives in a top-level scope (no function
    arguments), without making a scope. None for any other node."""
    names = path_names(node)
    return _root_lookup(names) if names is not None else None


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
    args = tuple(compile_node(arg) for arg in node.args)
    not_function = f"{to_source(node.function)} is not a function"
    if type(node.function) is ContextRef:
        return _named_call(node.function.name, args, not_function)
    function = compile_node(node.function)

    def call(scope: Scope) -> XValue:
        fn = function(scope)
        if type(fn) is not XFunction:
            return fn if type(fn) is XError else XError(not_function)
        return fn.call(scope.env, [arg(scope) for arg in args])

    return call


def _named_call(name: str, args: tuple[Compiled, ...], not_function: str) -> Compiled:
    """``name(...)``, the usual call, as _call makes it: the name is looked up as _context_ref
    does it, in the call itself, and up to three arguments are listed without a comprehension
    (expressions call functions all the time; this saves two calls per call)."""
    key = name.lower()
    builtin = FUNCTIONS.get(key)
    missing = f"context has no property '{name}'"
    count = len(args)
    first, second, third = (*args, _no_argument, _no_argument, _no_argument)[:3]

    def named_call(scope: Scope) -> XValue:
        fn: XValue = MISSING
        if scope.args is not None:
            fn = scope.lookup_arg(key)
        if fn is MISSING:
            root = scope.root
            # (a function's name is rarely a property of the context: asking the object's own
            # dict first saves calling its lookup, which finds nothing that isn't in there)
            fn = root.lookup(key) if key in root._values else MISSING
            if fn is MISSING:
                fn = builtin if builtin is not None else XError(missing)
        if type(fn) is not XFunction:
            return fn if type(fn) is XError else XError(not_function)
        # the arguments, evaluated in order
        if count == 1:
            values = [first(scope)]
        elif count == 2:
            values = [first(scope), second(scope)]
        elif count == 3:
            values = [first(scope), second(scope), third(scope)]
        else:
            values = [arg(scope) for arg in args]
        return fn.call(scope.env, values)

    return named_call


def _no_argument(scope: Scope) -> XValue:
    """Fills _named_call's unused argument slots (never called)."""
    return None


def _binary(
    op: Callable[[Environment, XValue, XValue], XValue], left: Compiled, right: Compiled
) -> Compiled:
    def binary(scope: Scope) -> XValue:
        return op(scope.env, left(scope), right(scope))

    return binary


def _negation(operand: Compiled) -> Compiled:
    def negation(scope: Scope) -> XValue:
        return negate(scope.env, operand(scope))

    return negation


def _chain_length(node: Node, limit: int) -> int:
    """How many links the chain at ``node`` has, counting no further than ``limit``."""
    length = 0
    while length <= limit:
        if isinstance(node, BinaryOp):
            node = node.left
        elif isinstance(node, IndexLookup) or (
            isinstance(node, DotLookup) and path_names(node) is None
        ):
            node = node.container
        elif isinstance(node, Call) and type(node.function) is not ContextRef:
            node = node.function
        else:
            break
        length += 1
    return length


def _flat_chain(node: Node) -> Compiled | None:
    """A long chain compiled as one loop (see FLAT_CHAIN), or None for a short one."""
    if _chain_length(node, FLAT_CHAIN) <= FLAT_CHAIN:
        return None
    if isinstance(node, BinaryOp):
        return _binary_chain(node)
    return _postfix_chain(node)


def _binary_chain(node: Node) -> Compiled:
    """``a op1 b op2 c ...`` (left associative): the left operand first, then each right
    operand and its operator in turn, as the nested closures would."""
    links: list[tuple[Callable[[Environment, XValue, XValue], XValue], Node]] = []
    while isinstance(node, BinaryOp):
        links.append((BINARY[node.op], node.right))
        node = node.left
    base = compile_node(node)
    steps = tuple((op, compile_node(right)) for op, right in reversed(links))

    def binary_chain(scope: Scope) -> XValue:
        value = base(scope)
        for op, right in steps:
            value = op(scope.env, value, right(scope))
        return value

    return binary_chain


_DOT, _INDEX, _CALL = 0, 1, 2


def _postfix_chain(node: Node) -> Compiled:
    """``x.a[0](1)...``: the lookups and calls applied in turn, stopping at the first error
    (each nested closure would pass that error on unchanged)."""
    links: list[tuple[int, Node]] = []
    while True:
        if isinstance(node, IndexLookup):
            links.append((_INDEX, node))
            node = node.container
        elif isinstance(node, DotLookup) and path_names(node) is None:
            links.append((_DOT, node))
            node = node.container
        elif isinstance(node, Call) and type(node.function) is not ContextRef:
            links.append((_CALL, node))
            node = node.function
        else:
            break
    base = compile_node(node)
    steps: list[tuple[int, object, object]] = []
    for kind, link in reversed(links):
        if kind == _DOT:
            assert isinstance(link, DotLookup)
            steps.append((_DOT, link.name, f"object has no property '{link.name}'"))
        elif kind == _INDEX:
            assert isinstance(link, IndexLookup)
            steps.append((_INDEX, compile_node(link.index), None))
        else:
            assert isinstance(link, Call)
            steps.append((_CALL, tuple(compile_node(arg) for arg in link.args), link))

    def postfix_chain(scope: Scope) -> XValue:
        value = base(scope)
        for kind, first, second in steps:
            if type(value) is XError:
                return value
            if kind == _DOT:
                if type(value) is XObject:
                    found = value.lookup(first.lower())  # type: ignore[attr-defined]
                    value = XError(second) if found is MISSING else found  # type: ignore[arg-type]
                else:
                    value = resolve_lookup(scope.env, value, first, True)
            elif kind == _INDEX:
                key = first(scope)  # type: ignore[operator]
                if type(key) is XError:
                    return key
                value = resolve_lookup(scope.env, value, key, False)
            else:
                if type(value) is not XFunction:
                    return XError(f"{to_source(second.function)} is not a function")  # type: ignore[attr-defined]
                value = value.call(scope.env, [arg(scope) for arg in first])  # type: ignore[attr-defined]
        return value

    return postfix_chain


def _anon_function(params: tuple[str, ...], body: Compiled) -> Compiled:
    count = len(params)

    def anon_function(scope: Scope) -> XValue:
        def impl(env: Environment, *args: XValue) -> XValue:
            return body(Scope(env, scope.root, dict(zip(params, args, strict=True)), scope))

        return XFunction("", impl, count, count)

    return anon_function
