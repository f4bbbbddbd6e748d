"""Rewriting the templates of a definition, and refactoring the expressions inside them.

Which properties hold templates depends on the spec version, so a migration names the
catalog of the version it migrates from. Paths are goflow's small JSON path dialect:
``.text``, ``.headers.*`` (every value of an object), ``.groups[*].name_match`` (every item).
A property's translations are rewritten along with it, whenever the object holding it has a
``uuid``.

Expressions are refactored structurally: each ``@(...)`` and each ``@identifier`` whose first
name is one of the allowed top levels is parsed with turnflow's Excellent parser, transformed,
and printed back in goflow's normal form only if the transformation changed something.
Everything else (text, ``@@`` escapes, expressions that don't parse) is kept byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ...errors import ExpressionSyntaxError
from ...expressions.ast import (
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
from ...expressions.lexer import Tok
from ...expressions.parser import Parser
from ...expressions.template import scan
from ...expressions.values import describe
from . import _flow
from ._flow import Json

# -- template catalogs -------------------------------------------------------------------------

_GROUP_NAMES = ".groups[*].name_match"
_ROUTER_TEMPLATES = (".operand", ".cases[*].arguments[*]", ".wait.phone")
_ACTIONS_13_2: dict[str, tuple[str, ...]] = {
    "add_contact_groups": (_GROUP_NAMES,),
    "add_contact_urn": (".path",),
    "add_input_labels": (".labels[*].name_match",),
    "call_classifier": (".input",),
    "call_webhook": (".body", ".headers.*", ".url"),
    "open_ticket": (".assignee.email", ".body"),
    "play_audio": (".audio_url",),
    "remove_contact_groups": (_GROUP_NAMES,),
    "say_msg": (".text",),
    "send_broadcast": (
        ".attachments[*]",
        ".contact_query",
        _GROUP_NAMES,
        ".legacy_vars[*]",
        ".quick_replies[*]",
        ".text",
    ),
    "send_email": (".addresses[*]", ".body", ".subject"),
    "send_msg": (
        ".attachments[*]",
        ".quick_replies[*]",
        ".templating.components[*].params[*]",
        ".templating.variables[*]",
        ".text",
    ),
    "set_contact_field": (".value",),
    "set_contact_language": (".language",),
    "set_contact_name": (".name",),
    "set_contact_timezone": (".timezone",),
    "set_run_result": (".value",),
    "start_session": (".contact_query", _GROUP_NAMES, ".legacy_vars[*]"),
}


@dataclass(frozen=True)
class Catalog:
    """The template properties of each action type and router type at one spec version."""

    actions: dict[str, tuple[str, ...]]
    routers: dict[str, tuple[str, ...]]


CATALOG_13_2 = Catalog(_ACTIONS_13_2, {"random": _ROUTER_TEMPLATES, "switch": _ROUTER_TEMPLATES})
# 13.5.0 merged send_msg's templating variables into template_variables
CATALOG_13_6 = Catalog(
    {
        **_ACTIONS_13_2,
        "send_msg": (".attachments[*]", ".quick_replies[*]", ".template_variables[*]", ".text"),
    },
    CATALOG_13_2.routers,
)

Rewrite = Callable[[str], str]


def rewrite_templates(flow: Json, catalog: Catalog, rewrite: Rewrite) -> None:
    """Apply ``rewrite`` to every template of the flow (and their translations), in place."""
    for node in _flow.nodes(flow):
        for action in _flow.actions(node):
            for path in catalog.actions.get(_flow.kind(action), ()):
                _rewrite_path(flow, action, path, rewrite)
        router = _flow.router(node)
        if router is not None:
            for path in catalog.routers.get(_flow.kind(router), ()):
                _rewrite_path(flow, router, path, rewrite)


def _path_steps(path: str) -> list[str]:
    # a path ending in [*] means the whole list of texts, rewritten item by item
    if path.endswith("[*]"):
        path = path[:-3]
    return path.replace("[", ".").replace("]", "").strip(".").split(".")


def _rewrite_path(flow: Json, obj: Json, path: str, rewrite: Rewrite) -> None:
    def visit(value: Any, steps: list[str]) -> None:
        step, rest = steps[0], steps[1:]
        keys: Iterable[Any]
        if isinstance(value, dict):
            keys = list(value) if step == "*" else ([step] if step in value else [])
        elif isinstance(value, list):
            if step == "*":
                keys = range(len(value))
            else:
                keys = [int(step)] if step.isdigit() and int(step) < len(value) else []
        else:
            return
        for key in keys:
            if rest:
                visit(value[key], rest)
            else:
                value[key] = _rewrite_value(flow, value, key, value[key], rewrite)

    visit(obj, _path_steps(path))


def _rewrite_value(flow: Json, container: Any, key: Any, value: Any, rewrite: Rewrite) -> Any:
    item_uuid = _flow.object_uuid(container)
    if item_uuid and isinstance(key, str) and key:
        for language in _flow.languages(flow):
            lang = _flow.language_translation(flow, language)
            texts = _flow.get_translation(lang, item_uuid, key)
            if lang is not None and texts is not None:
                _flow.set_translation(lang, item_uuid, key, [rewrite(t) for t in texts])
    if isinstance(value, str):
        return rewrite(value)
    if isinstance(value, list):
        return [rewrite(item) if isinstance(item, str) else item for item in value]
    return value


# -- expression refactoring ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Group(Node):
    """Parentheses the author wrote: kept so a refactored expression prints as written."""

    inner: Node


class _GroupingParser(Parser):
    """turnflow's parser, also recording parenthesised sub-expressions as Group nodes."""

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self._group_opens: set[int] = set()

    def atom(self) -> Node:
        if self.peek().kind is Tok.LPAREN:
            self._group_opens.add(self.i)  # the expression right after it is the group
        return super().atom()

    def expression(self, min_prec: int) -> Node:
        grouped = self.i - 1 in self._group_opens
        self._group_opens.discard(self.i - 1)
        node = super().expression(min_prec)
        return Group(node) if grouped else node


def parse(source: str) -> Node:
    return _GroupingParser(source).parse()


def print_expression(node: Node) -> str:
    """An expression as goflow prints a parsed one: names lower-cased, operators spaced."""
    if isinstance(node, Group):
        return f"({print_expression(node.inner)})"
    if isinstance(node, Literal):
        return describe(node.value)
    if isinstance(node, ContextRef):
        return node.name.lower()
    if isinstance(node, DotLookup):
        return f"{print_expression(node.container)}.{node.name}"
    if isinstance(node, IndexLookup):
        return f"{print_expression(node.container)}[{print_expression(node.index)}]"
    if isinstance(node, Call):
        args = ", ".join(print_expression(arg) for arg in node.args)
        return f"{print_expression(node.function)}({args})"
    if isinstance(node, AnonFunction):
        return f"({', '.join(node.params)}) => {print_expression(node.body)}"
    if isinstance(node, Negation):
        return f"-{print_expression(node.operand)}"
    if isinstance(node, BinaryOp):
        return f"{print_expression(node.left)} {node.op} {print_expression(node.right)}"
    return to_source(node)


Transform = Callable[[Node], Node]


def transform(node: Node, fn: Transform) -> Node:
    """Rebuild a tree bottom-up, letting ``fn`` replace each node once its children are done."""
    rebuilt: Node = node
    if isinstance(node, Group):
        rebuilt = Group(transform(node.inner, fn))
    elif isinstance(node, DotLookup):
        rebuilt = DotLookup(transform(node.container, fn), node.name)
    elif isinstance(node, IndexLookup):
        rebuilt = IndexLookup(transform(node.container, fn), transform(node.index, fn))
    elif isinstance(node, Call):
        rebuilt = Call(transform(node.function, fn), tuple(transform(a, fn) for a in node.args))
    elif isinstance(node, AnonFunction):
        rebuilt = AnonFunction(node.params, transform(node.body, fn))
    elif isinstance(node, Negation):
        rebuilt = Negation(transform(node.operand, fn))
    elif isinstance(node, BinaryOp):
        rebuilt = BinaryOp(node.op, transform(node.left, fn), transform(node.right, fn))
    return fn(rebuilt)


def refactor_template(template: str, top_levels: tuple[str, ...], fn: Transform) -> str:
    """Transform the expressions of a template, reprinting only those that changed."""
    out: list[str] = []
    copied_to = 0
    for piece_kind, source, pos in scan(template):
        if piece_kind == "identifier":
            if source.split(".", 1)[0].lower() not in top_levels:
                continue
            start, end, wrap = pos - 1, pos + len(source), "@{}"
        elif piece_kind == "expression":
            start, end, wrap = pos - 2, pos + len(source) + 1, "@({})"
        else:
            continue
        try:
            parsed = parse(source)
            changed = transform(parsed, fn)
            if changed == parsed:
                continue
            printed = print_expression(changed)
        except (ExpressionSyntaxError, RecursionError):
            continue  # kept as written (a chain thousands of operators long is left alone)
        out.append(template[copied_to:start])
        out.append(wrap.format(printed))
        copied_to = end
    if not out:
        return template
    out.append(template[copied_to:])
    return "".join(out)
