"""The syntax tree of an Excellent expression. Nodes are plain data; compiler.py runs them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .values import XError


class Node:
    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Literal(Node):
    value: str | Decimal | bool | XError | None


@dataclass(frozen=True, slots=True)
class ContextRef(Node):
    name: str  # as written; looked up case-insensitively


@dataclass(frozen=True, slots=True)
class DotLookup(Node):
    container: Node
    name: str


@dataclass(frozen=True, slots=True)
class IndexLookup(Node):
    container: Node
    index: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    function: Node
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class AnonFunction(Node):
    params: tuple[str, ...]
    body: Node


@dataclass(frozen=True, slots=True)
class Negation(Node):
    operand: Node


@dataclass(frozen=True, slots=True)
class BinaryOp(Node):
    op: str  # one of + - * / ^ & = != < <= > >=
    left: Node
    right: Node


def to_source(node: Node) -> str:
    """The expression a node came from, normalised (used in error messages). Chains of
    operators and of lookups or calls are walked in a loop, however long they are."""
    if isinstance(node, Literal):
        if isinstance(node.value, str):
            return '"' + node.value.replace('"', '\\"') + '"'
        if node.value is None:
            return "null"
        if isinstance(node.value, bool):
            return "true" if node.value else "false"
        return str(node.value)
    if isinstance(node, ContextRef):
        return node.name.lower()
    if isinstance(node, AnonFunction):
        return f"({', '.join(node.params)}) => {to_source(node.body)}"
    if isinstance(node, Negation):
        return f"-{to_source(node.operand)}"
    suffixes: list[str] = []
    while True:
        if isinstance(node, BinaryOp):
            suffixes.append(f" {node.op} {to_source(node.right)}")
            node = node.left
        elif isinstance(node, DotLookup):
            suffixes.append(f".{node.name}")
            node = node.container
        elif isinstance(node, IndexLookup):
            suffixes.append(f"[{to_source(node.index)}]")
            node = node.container
        elif isinstance(node, Call):
            suffixes.append(f"({', '.join(to_source(a) for a in node.args)})")
            node = node.function
        else:
            break
    if not suffixes:
        raise TypeError(node)
    return to_source(node) + "".join(reversed(suffixes))
