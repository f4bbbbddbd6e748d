"""Kata's dollar notation in action options: ``$(expr)`` and ``$[expr]`` inside strings, and
inside the strings of nested dicts and lists (:func:`compile_value`).

Decisions (the Kata docs show the notation by example only):

- ``$(expr)`` is a JavaScript expression over the action scope (``content``, ``payload``,
  ``type``, ``metadata``, ``intent``, ``attributes``, ``context``, ``data``, ``result``,
  ``config``), as the docs' examples use it (``hi $(data.name)!``,
  ``uri: .../$(context.user)``).
- ``$[expr]`` is an expression over *the current item*: each element of a dynamic carousel's
  ``data`` (``text: I am $[name]``), or the message dictionary a text action picked with
  ``data`` and ``path`` (``template: $[upgrade4G.confirmUpgrade]``). The caller passes that
  item to ``render(..., item=...)``; its keys are the names the expression reads. Rendered
  without an item (``item=None``), ``$[...]`` parts stay as they are written, so options
  can be rendered in two passes: first ``data`` and ``path``, then the template per item.
- A string that is exactly one ``$(...)`` or ``$[...]`` (nothing around it) renders to the
  value itself, with its type: ``data: $(config.messages)`` is the dictionary,
  ``payload: {result: $(result)}`` carries the API result object, ``count: $(context.n)`` a
  number. Anything else renders to a string.
- In a string, ``undefined`` and ``null`` render as nothing (``hi $(data.name)!`` is
  ``hi !`` when no name is known, not ``hi undefined!``), objects and arrays as JSON, every
  other value as JavaScript's ``String(value)`` (``1`` not ``1.0``, ``true``).
- Reading a property of ``null`` or ``undefined`` inside ``$(...)`` (``$(result.name)``
  after an API call that gave no result, ``$(context.user.name)`` before the user is known)
  makes that part ``undefined``, so it prints as nothing, as a missing value does; it does
  not fail the turn. Kata authors write ``$(result.x)`` right after an ``api`` action whose
  result the FAQ says may be null, and expect the bot to go on.
- A lone ``$(...)`` followed by `` // words`` keeps its type too: the docs' dynamic carousel
  writes ``data: $(context.data) // e.g. [...]``, a JavaScript comment where YAML wanted
  ``#``; the template's ``warnings`` say so.
- The expression ends at the bracket that closes it, skipping brackets inside strings, so
  ``$(context.list.join(', '))`` works. A ``$`` not followed by ``(`` or ``[`` is just text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from turnflow.kata.js.errors import JsNullAccess, JsRuntimeError, JsSyntaxError
from turnflow.kata.js.expression import JsExpression, build_expression
from turnflow.kata.js.host import DEFAULT_HOST, JsHost
from turnflow.kata.js.jsjson import stringify
from turnflow.kata.js.parser import parse_embedded
from turnflow.kata.js.values import UNDEFINED, to_js_string

Calls = Callable[[str, list[Any]], Any]
_OPEN = re.compile(r"\$[(\[]")
_NO_ITEM: Mapping[str, Any] = {}
_COMMENT = re.compile(r"\s+//[^\n]*\Z")


def text_of(value: Any) -> str:
    """How a value reads inside a string: nothing for undefined/null, JSON for objects."""
    t = type(value)
    if t is str:
        return value
    if value is None or value is UNDEFINED:
        return ""
    if t is dict or t is list or isinstance(value, Mapping) or t is tuple:
        out = stringify(value)
        return "" if out is UNDEFINED else out
    return to_js_string(value)


class JsTemplate:
    """A compiled string with ``$(...)`` / ``$[...]`` parts.

    ``names`` / ``called``: free names read / bot methods called by its ``$(...)`` parts
    (the ``$[...]`` parts read the item, listed in ``item_names``).
    """

    __slots__ = ("source", "parts", "names", "called", "item_names", "warnings", "single")

    def __init__(self, source: str, parts: list[str | tuple[bool, JsExpression]]) -> None:
        self.source = source
        self.parts = parts
        exprs = [p for p in parts if not isinstance(p, str)]
        self.names = frozenset(n for on_item, e in exprs if not on_item for n in e.names)
        self.item_names = frozenset(n for on_item, e in exprs if on_item for n in e.names)
        self.called = frozenset(n for _, e in exprs for n in e.called)
        self.warnings = tuple(w for _, e in exprs for w in e.warnings)
        # exactly one $(...) and nothing else: the value keeps its type
        self.single = exprs[0] if len(parts) == 1 and exprs else None

    @property
    def is_constant(self) -> bool:
        return all(isinstance(p, str) for p in self.parts)

    def render(self, scope: Mapping[str, Any], calls: Calls | None = None,
               item: Any = None, host: JsHost | None = None) -> Any:
        """The text with every part evaluated (or the value of a lone ``$(...)``)."""
        host = host or DEFAULT_HOST
        item_scope = item if isinstance(item, Mapping) else _NO_ITEM
        try:
            if self.single is not None:
                on_item, expr = self.single
                if on_item and item is None:
                    return expr.source
                return _value(expr, item_scope if on_item else scope, calls, host)
            out: list[str] = []
            for p in self.parts:
                if type(p) is str:
                    out.append(p)
                    continue
                on_item, expr = p  # type: ignore[misc]
                if on_item and item is None:
                    out.append(expr.source)  # left for the pass with an item
                else:
                    out.append(text_of(_value(expr, item_scope if on_item else scope,
                                              calls, host)))
            return "".join(out)
        except JsRuntimeError as exc:
            raise JsRuntimeError(f"{exc.message} (in {self.source!r})") from None

    def __repr__(self) -> str:
        return f"JsTemplate({self.source!r})"


def _value(expr: JsExpression, scope: Mapping[str, Any], calls: Calls | None,
           host: JsHost) -> Any:
    """A part's value; a property read of null or undefined anywhere in it makes the part
    undefined (so it prints as nothing) instead of failing the action."""
    try:
        return expr.evaluate(scope, calls, host)
    except JsNullAccess:
        return UNDEFINED


def compile_template(text: str) -> JsTemplate:
    """Compile the ``$(...)`` / ``$[...]`` parts of ``text`` once; raises
    :class:`JsSyntaxError` with the column in ``text``."""
    parts: list[str | tuple[bool, JsExpression]] = []
    pos = 0
    for_start = 0
    literal: list[str] = []
    while True:
        m = _OPEN.search(text, pos)
        if m is None:
            literal.append(text[for_start:])
            break
        start = m.start()
        closer = ")" if text[start + 1] == "(" else "]"
        node, end, warnings = parse_embedded(text, start + 2, closer)
        literal.append(text[for_start:start])
        if "".join(literal):
            parts.append("".join(literal))
        literal = []
        expr = build_expression(text, node, warnings)
        expr.source = text[start:end]
        parts.append((closer == "]", expr))
        pos = for_start = end
    tail = "".join(literal)
    comment = None
    if len(parts) == 1 and not isinstance(parts[0], str) and _COMMENT.match(tail):
        # `data: $(context.data) // e.g. [...]` (the docs' dynamic carousel): a JS comment
        # after a lone value, read as one so the value keeps its type
        comment = f"the text after '$(...)' is read as a comment: {tail.strip()[:40]!r}"
        tail = ""
    if tail or not parts:
        parts.append(tail)
    template = JsTemplate(text, parts)
    if comment is not None:
        template.warnings = (*template.warnings, comment)
    return template


class CompiledValue:
    """A YAML/JSON value (dicts, lists, strings, numbers...) whose strings are templates.

    ``render`` builds a fresh copy each time (the caller may change it freely).
    """

    __slots__ = ("source", "_build", "names", "called", "item_names", "warnings",
                 "is_constant")

    def __init__(self, source: Any) -> None:
        self.source = source
        names: set[str] = set()
        called: set[str] = set()
        item_names: set[str] = set()
        warnings: list[str] = []
        templates: list[JsTemplate] = []

        def build(v: Any, path: str) -> Callable[[Any], Any]:
            if isinstance(v, str):
                try:
                    t = compile_template(v)
                except JsSyntaxError as exc:
                    exc.path = path
                    raise
                templates.append(t)
                if t.is_constant:
                    return lambda r: v
                return lambda r: t.render(*r)
            if isinstance(v, Mapping):
                items = [(k, build(e, f"{path}.{k}" if path else str(k))) for k, e in v.items()]
                return lambda r: {k: f(r) for k, f in items}
            if isinstance(v, list | tuple):
                fns = [build(e, f"{path}[{i}]") for i, e in enumerate(v)]
                return lambda r: [f(r) for f in fns]
            return lambda r: v

        self._build = build(source, "")
        for t in templates:
            names |= t.names
            called |= t.called
            item_names |= t.item_names
            warnings.extend(t.warnings)
        self.names = frozenset(names)
        self.called = frozenset(called)
        self.item_names = frozenset(item_names)
        self.warnings = tuple(warnings)
        self.is_constant = all(t.is_constant for t in templates)

    def render(self, scope: Mapping[str, Any], calls: Calls | None = None,
               item: Any = None, host: JsHost | None = None) -> Any:
        return self._build((scope, calls, item, host))

    def __repr__(self) -> str:
        return f"CompiledValue({self.source!r})"


def compile_value(value: Any) -> CompiledValue:
    """Compile every string inside ``value`` (nested dicts and lists) as a template.
    A :class:`JsSyntaxError` carries ``path`` (``items[0].title``) of the string at fault."""
    return CompiledValue(value)
