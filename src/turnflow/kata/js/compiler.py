"""Turns a parsed expression tree into nested Python closures, once.

Every node becomes a function ``f(env) -> value``; evaluating an expression is calling the
root one. Names of built-ins, property names and literals are resolved here, so an
evaluation does no lookups by node kind and no parsing. Common shapes get their own closures
(``intent == 'yes'``, ``context.user.name``, ``a && b``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from turnflow.kata.js.access import (
    call_method,
    cannot_read,
    get_index,
    get_named,
    property_key,
)
from turnflow.kata.js.errors import JsRuntimeError, JsSyntaxError, check_length
from turnflow.kata.js.functions import JsFunction
from turnflow.kata.js.globals import CONSTANTS, GLOBALS
from turnflow.kata.js.host import Env
from turnflow.kata.js.operators import BINARY, bit_not, negate, numeric_add, void
from turnflow.kata.js.parser import Node
from turnflow.kata.js.regexp import JsRegExp
from turnflow.kata.js.strings import STRING_METHODS
from turnflow.kata.js.values import (
    UNDEFINED,
    js_typeof,
    loose_equals,
    strict_equals,
    to_js_string,
    to_number,
    truthy,
)

Fn = Callable[[Env], Any]
_MISSING = object()
# what a link of a chain gives when a ?. before it met null or undefined: the rest of the
# chain is skipped, and the chain's value is undefined (a?.b.c with a null is undefined)
_SHORT = object()
_LINKS = frozenset({"member", "index", "call"})


def _has_optional(node: Node) -> bool:
    while node.kind in _LINKS:
        if node.args[2]:
            return True
        node = node.args[0]
    return False


def _const(value: Any) -> Fn:
    return lambda env: value


def js_in(key: Any, obj: Any) -> bool:
    """``key in obj``."""
    name = property_key(key)
    if isinstance(obj, Mapping):
        return name in obj
    if type(obj) is list or type(obj) is tuple:
        return name == "length" or ((name.isascii() and name.isdigit()) and int(name) < len(obj))
    if isinstance(obj, JsFunction | JsRegExp):
        return obj.get_property(name) is not UNDEFINED
    raise JsRuntimeError(
        f"Cannot use 'in' operator to search for '{name}' in {to_js_string(obj)}"
    )


_UNARY: dict[str, Callable[[Any], Any]] = {
    "-": negate, "+": to_number, "~": bit_not, "typeof": js_typeof, "void": void,
}  # fmt: skip


class Compiler:
    """Compiles the trees of one source text (errors point into ``source``)."""

    def __init__(self, source: str) -> None:
        self.source = source

    def text(self, node: Node) -> str:
        return self.source[node.pos : node.end].strip()

    def compile(self, node: Node, bound: frozenset[str] = frozenset()) -> Fn:
        fn: Fn = getattr(self, "_" + node.kind)(node, bound)
        if node.kind in _LINKS and _has_optional(node):
            # the top of a chain with ?. in it: a short-circuit ends here as undefined
            inner = fn

            def chain_top(env: Env) -> Any:
                v = inner(env)
                return UNDEFINED if v is _SHORT else v

            return chain_top
        return fn

    def link(self, node: Node, bound: frozenset[str]) -> Fn:
        """The object of a member access or call: part of the same chain as its parent, so a
        ``?.`` short-circuit inside it goes on through the parent."""
        return getattr(self, "_" + node.kind)(node, bound)  # type: ignore[no-any-return]

    # ---------------------------------------------------------------- leaves

    def _lit(self, node: Node, bound: frozenset[str]) -> Fn:
        return _const(node.args[0])

    def _name(self, node: Node, bound: frozenset[str]) -> Fn:
        name: str = node.args[0]
        if name in bound:
            return lambda env: env.locals[name]
        if name in CONSTANTS:
            return _const(CONSTANTS[name])
        if name == "this":
            return _const(UNDEFINED)
        if name in GLOBALS:
            builtin = GLOBALS[name]

            def global_name(env: Env) -> Any:
                v = env.scope.get(name, _MISSING)
                return builtin if v is _MISSING else v

            return global_name

        def free_name(env: Env) -> Any:
            return env.scope.get(name, UNDEFINED)

        return free_name

    def _regex(self, node: Node, bound: frozenset[str]) -> Fn:
        body, flags = node.args
        try:
            return _const(JsRegExp(body, flags))
        except ValueError as exc:
            raise JsSyntaxError(str(exc), self.source, node.pos) from None

    def _array(self, node: Node, bound: frozenset[str]) -> Fn:
        items: list[Node] = node.args[0]
        fns = [self.compile(n.args[0] if n.kind == "spread" else n, bound) for n in items]
        if not any(n.kind == "spread" for n in items):
            return lambda env: [f(env) for f in fns]
        parts = [(n.kind == "spread", f, self.text(n.args[0]) if n.kind == "spread" else "")
                 for n, f in zip(items, fns, strict=True)]

        def array_with_spread(env: Env) -> list[Any]:
            out: list[Any] = []
            for spread, f, what in parts:
                if spread:
                    out.extend(_iterate(f(env), what))
                else:
                    out.append(f(env))
            return out

        return array_with_spread

    def _object(self, node: Node, bound: frozenset[str]) -> Fn:
        entries: list[tuple[Any, Fn]] = []
        computed = False
        for key, value in node.args[0]:
            if key is None:  # {...a}
                computed = True
                entries.append((None, self.compile(value.args[0], bound)))
            elif isinstance(key, Node):
                computed = True
                entries.append((self.compile(key, bound), self.compile(value, bound)))
            else:
                entries.append((key, self.compile(value, bound)))
        if not computed:
            return lambda env: {k: f(env) for k, f in entries}

        def build(env: Env) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for k, f in entries:
                if k is None:
                    _spread_into(out, f(env))
                else:
                    out[property_key(k(env)) if callable(k) else k] = f(env)
            return out

        return build

    def _template(self, node: Node, bound: frozenset[str]) -> Fn:
        parts: list[str] = node.args[0]
        fns = [self.compile(n, bound) for n in node.args[1]]
        first = parts[0]
        rest = list(zip(fns, parts[1:], strict=True))

        def template(env: Env) -> str:
            out = [first]
            for f, text in rest:
                out.append(to_js_string(f(env)))
                out.append(text)
            return check_length("".join(out))

        return template

    def _function(self, node: Node, bound: frozenset[str]) -> Fn:
        params: list[str] = node.args[0]
        body = self.compile(node.args[1], bound | frozenset(params))

        def make(env: Env) -> JsFunction:
            outer = env.locals

            def impl(this: Any, args: list[Any], call_env: Any) -> Any:
                env.spend(1)
                local = dict(outer)
                for i, p in enumerate(params):
                    local[p] = args[i] if i < len(args) else UNDEFINED
                return body(env.child(local))

            return JsFunction("anonymous", impl)

        return make

    # ---------------------------------------------------------------- properties

    def _member(self, node: Node, bound: frozenset[str]) -> Fn:
        # a.b.c.d (no ?.) is one walk along the names
        steps: list[tuple[str, str]] = []
        base = node
        while base.kind == "member" and not base.args[2]:
            steps.append((base.args[1], self.text(base.args[0])))
            base = base.args[0]
        if base is node:  # o?.name
            obj = self.link(node.args[0], bound)
            name = node.args[1]

            def optional_member(env: Env) -> Any:
                o = obj(env)
                if o is None or o is UNDEFINED or o is _SHORT:
                    return _SHORT
                return o.get(name, UNDEFINED) if type(o) is dict else get_named(o, name)

            return optional_member
        steps.reverse()
        obj = self.link(base, bound)
        if len(steps) == 1:
            name, what = steps[0]

            def member(env: Env) -> Any:
                o = obj(env)
                if type(o) is dict:
                    return o.get(name, UNDEFINED)
                if o is None or o is UNDEFINED:
                    raise _cannot_read(o, name, what)
                if o is _SHORT:
                    return o
                return get_named(o, name)

            return member

        def member_path(env: Env) -> Any:
            o = obj(env)
            for name, what in steps:
                if type(o) is dict:
                    o = o.get(name, UNDEFINED)
                elif o is None or o is UNDEFINED:
                    raise _cannot_read(o, name, what)
                elif o is _SHORT:
                    return o
                else:
                    o = get_named(o, name)
            return o

        return member_path

    def _index(self, node: Node, bound: frozenset[str]) -> Fn:
        obj = self.link(node.args[0], bound)
        key = self.compile(node.args[1], bound)
        optional = node.args[2]
        what = self.text(node.args[0])

        def index(env: Env) -> Any:
            o = obj(env)
            if o is _SHORT or (optional and (o is None or o is UNDEFINED)):
                return _SHORT
            k = key(env)
            if type(o) is dict and type(k) is str:
                return o.get(k, UNDEFINED)
            if o is None or o is UNDEFINED:
                raise _cannot_read(o, property_key(k), what)
            return get_index(o, k)

        return index

    # ---------------------------------------------------------------- calls

    def _call(self, node: Node, bound: frozenset[str]) -> Fn:
        callee: Node = node.args[0]
        args = [self.compile(a, bound) for a in node.args[1]]
        optional = node.args[2]
        if callee.kind == "name" and callee.args[0] not in bound and not optional:
            return self._call_name(callee.args[0], args)
        if callee.kind == "member" and not optional:
            return self._call_member(callee, args, bound)
        fn = self.link(callee, bound)
        what = self.text(callee)

        def call_value(env: Env) -> Any:
            f = fn(env)
            if type(f) is JsFunction:
                return f.impl(UNDEFINED, [a(env) for a in args], env)
            if f is _SHORT or (optional and (f is None or f is UNDEFINED)):
                return _SHORT
            raise JsRuntimeError(f"{what} is not a function")

        return call_value

    def _call_name(self, name: str, args: list[Fn]) -> Fn:
        builtin = GLOBALS.get(name)
        if type(builtin) is JsFunction:
            impl = builtin.impl
            return lambda env: impl(UNDEFINED, [a(env) for a in args], env)
        if name in GLOBALS or name in CONSTANTS:
            return _raise(f"{name} is not a function")

        def call_bot_method(env: Env) -> Any:
            values = [a(env) for a in args]
            calls = env.calls
            if calls is None:
                raise JsRuntimeError(f"{name} is not defined (no method of that name)")
            return calls(name, values)

        return call_bot_method

    def _call_member(self, callee: Node, args: list[Fn], bound: frozenset[str]) -> Fn:
        obj_node: Node = callee.args[0]
        name: str = callee.args[1]
        what = self.text(obj_node)
        # Math.floor(x), JSON.stringify(x)...: the function is known now
        if obj_node.kind == "name" and obj_node.args[0] not in bound:
            ns = GLOBALS.get(obj_node.args[0])
            if ns is not None:
                f = ns.get_property(name)
                if type(f) is JsFunction:
                    impl = f.impl
                    return lambda env: impl(ns, [a(env) for a in args], env)
                return _raise(f"{what}.{name} is not a function")
        obj = self.link(obj_node, bound)
        string_impl = STRING_METHODS.get(name)
        optional = callee.args[2]  # o?.name(...)

        def call_member(env: Env) -> Any:
            o = obj(env)
            if type(o) is str and string_impl is not None:
                return string_impl(o, [a(env) for a in args], env)
            if o is None or o is UNDEFINED:
                if optional:
                    return _SHORT
                raise _cannot_read(o, name, what)
            if o is _SHORT:
                return o
            return call_method(o, name, [a(env) for a in args], env, what)

        return call_member

    def _new(self, node: Node, bound: frozenset[str]) -> Fn:
        callee: Node = node.args[0]
        if callee.kind == "name" and callee.args[0] not in bound:
            builtin = GLOBALS.get(callee.args[0])
            if type(builtin) is JsFunction:  # new Date(...), new RegExp(...)
                impl = builtin.construct or builtin.impl
                args = [self.compile(a, bound) for a in node.args[1]]
                return lambda env: impl(UNDEFINED, [a(env) for a in args], env)
        return _raise(f"{self.text(callee)} is not a constructor")

    # ---------------------------------------------------------------- operators

    def _unary(self, node: Node, bound: frozenset[str]) -> Fn:
        op: str = node.args[0]
        f = self.compile(node.args[1], bound)
        if op == "!":

            def not_(env: Env) -> bool:
                v = f(env)
                if v is True or v is False:  # comparisons give booleans: skip the call
                    return not v
                return not truthy(v)

            return not_
        g = _UNARY[op]
        return lambda env: g(f(env))

    def _update(self, node: Node, bound: frozenset[str]) -> Fn:
        step = 1 if node.args[0] == "++" else -1
        f = self.compile(node.args[1], bound)
        return lambda env: numeric_add(to_number(f(env)), step)

    def _chain(self, node: Node, bound: frozenset[str]) -> Fn:
        first: Node = node.args[0]
        rest: list[tuple[str, Node]] = node.args[1]
        left = self.compile(first, bound)
        if len(rest) == 1:
            op, right_node = rest[0]
            return self._binary(op, left, right_node, bound)
        ops = [(js_in if op == "in" else BINARY[op], self.compile(n, bound)) for op, n in rest]

        def chain(env: Env) -> Any:
            v = left(env)
            for op_fn, right in ops:
                v = op_fn(v, right(env))
            return v

        return chain

    def _binary(self, op: str, left: Fn, right_node: Node, bound: frozenset[str]) -> Fn:
        right = self.compile(right_node, bound)
        # intent == 'yes', type === "text": the most common conditions
        if right_node.kind == "lit" and type(right_node.args[0]) is str and op in (
            "==", "===", "!=", "!==",
        ):
            lit = right_node.args[0]
            if op == "===":

                def strict_eq_lit(env: Env) -> bool:
                    v = left(env)
                    return type(v) is str and v == lit

                return strict_eq_lit
            if op == "!==":

                def strict_ne_lit(env: Env) -> bool:
                    v = left(env)
                    return type(v) is not str or v != lit

                return strict_ne_lit

            def eq_lit(env: Env) -> bool:
                v = left(env)
                return v == lit if type(v) is str else loose_equals(v, lit)

            if op == "==":
                return eq_lit
            return lambda env: not eq_lit(env)
        if op == "in":
            return lambda env: js_in(left(env), right(env))
        if op == "===":
            return lambda env: strict_equals(left(env), right(env))
        f = BINARY[op]
        return lambda env: f(left(env), right(env))

    def _logic(self, node: Node, bound: frozenset[str]) -> Fn:
        kind: str = node.args[0]
        fns = [self.compile(n, bound) for n in node.args[1]]
        if len(fns) == 2:
            a, b = fns
            if kind == "and":

                def and2(env: Env) -> Any:
                    v = a(env)
                    if v is True or (v is not False and truthy(v)):
                        return b(env)
                    return v

                return and2
            if kind == "or":

                def or2(env: Env) -> Any:
                    v = a(env)
                    if v is True or (v is not False and truthy(v)):
                        return v
                    return b(env)

                return or2
        head, last = fns[:-1], fns[-1]
        if kind == "and":

            def and_n(env: Env) -> Any:
                for f in head:
                    v = f(env)
                    if not truthy(v):
                        return v
                return last(env)

            return and_n
        if kind == "or":

            def or_n(env: Env) -> Any:
                for f in head:
                    v = f(env)
                    if truthy(v):
                        return v
                return last(env)

            return or_n

        def nullish(env: Env) -> Any:
            for f in head:
                v = f(env)
                if v is not None and v is not UNDEFINED:
                    return v
            return last(env)

        return nullish

    def _cond(self, node: Node, bound: frozenset[str]) -> Fn:
        test, then, otherwise = (self.compile(n, bound) for n in node.args)

        def cond(env: Env) -> Any:
            v = test(env)
            if v is True or (v is not False and truthy(v)):
                return then(env)
            return otherwise(env)

        return cond

    def _seq(self, node: Node, bound: frozenset[str]) -> Fn:
        fns = [self.compile(n, bound) for n in node.args[0]]
        head, last = fns[:-1], fns[-1]

        def seq(env: Env) -> Any:
            for f in head:
                f(env)
            return last(env)

        return seq


def _iterate(v: Any, what: str) -> list[Any]:
    """The elements ``...v`` spreads into an array."""
    if type(v) is list or type(v) is tuple:
        return list(v)
    if type(v) is str:
        return list(v)
    raise JsRuntimeError(f"{what} is not iterable")


def _spread_into(out: dict[str, Any], v: Any) -> None:
    """``{...v}``: own properties of objects, indexes of arrays and strings; nothing for
    null, undefined, numbers and booleans."""
    if isinstance(v, Mapping):
        for k, e in v.items():
            out[k if type(k) is str else property_key(k)] = e
    elif type(v) is list or type(v) is tuple or type(v) is str:
        for i, e in enumerate(v):
            out[str(i)] = e


def _cannot_read(o: Any, name: str, what: str) -> JsRuntimeError:
    err = cannot_read(o, name)
    err.message = f"{err.message} ({what} is {'null' if o is None else 'undefined'})"
    err.args = (err.message,)
    return err


def _raise(message: str) -> Fn:
    def fail(env: Env) -> Any:
        raise JsRuntimeError(message)

    return fail


def free_names(node: Node) -> tuple[set[str], set[str]]:
    """The free names ``node`` reads (not built-ins, not function parameters) and the free
    names it calls that are not built-ins (bot methods)."""
    reads: set[str] = set()
    calls: set[str] = set()

    def walk(n: Any, bound: frozenset[str]) -> None:
        if isinstance(n, Node):
            if n.kind == "name":
                name = n.args[0]
                if name not in bound and name not in CONSTANTS and name not in GLOBALS \
                        and name != "this":
                    reads.add(name)
                return
            if n.kind == "call" and n.args[0].kind == "name" and not n.args[2]:
                name = n.args[0].args[0]
                if name not in bound and name not in GLOBALS and name not in CONSTANTS:
                    calls.add(name)
                walk(n.args[1], bound)
                return
            if n.kind == "function":
                walk(n.args[1], bound | frozenset(n.args[0]))
                return
            for a in n.args:
                walk(a, bound)
        elif isinstance(n, list | tuple):
            for a in n:
                walk(a, bound)

    walk(node, frozenset())
    return reads, calls
