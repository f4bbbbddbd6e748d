"""A precedence-climbing (Pratt) parser of the JavaScript expression subset bots write.

The result is a tree of :class:`Node`. Left-associative chains (``a + b + c``, ``a && b &&
c``) become one node with a list of operands, so a long condition is a wide tree, not a deep
one; real nesting (parentheses, calls, unary operators) is limited to :data:`MAX_DEPTH`
levels so that no input can exhaust Python's stack.

Beyond plain JavaScript, two slips that the Kata docs themselves make are read the way the
author meant them, and reported in ``Parser.warnings``:

- ``a = b`` where a value is expected reads as ``a == b`` (the docs write
  ``condition: context.mood = 'good'``);
- ``x++`` / ``++x`` (and ``--``) read as ``x + 1`` without changing anything (the docs
  write the mapping ``context.count: (context.count || 0)++``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from turnflow.kata.js.errors import JsSyntaxError
from turnflow.kata.js.lexer import (
    EOF,
    NAME,
    NUM,
    PUNCT,
    REGEX,
    STR,
    TEMPLATE,
    Token,
    tokenize,
)
from turnflow.kata.js.values import to_js_string

MAX_DEPTH = 64

# binding powers of the binary (infix) operators; higher binds tighter
_BINARY = {
    "??": 4, "||": 5, "&&": 6, "|": 7, "^": 8, "&": 9,
    "==": 10, "!=": 10, "===": 10, "!==": 10, "=": 10,
    "<": 11, ">": 11, "<=": 11, ">=": 11, "in": 11, "instanceof": 11,
    "<<": 12, ">>": 12, ">>>": 12,
    "+": 13, "-": 13, "*": 14, "/": 14, "%": 14, "**": 15,
}  # fmt: skip
_LOGICAL = {"&&": "and", "||": "or", "??": "nullish"}
_UNARY_BP = 16
_ASSIGN_OPS = frozenset(
    {"+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", ">>>=", "&=", "|=", "^="}
)
_RESERVED = frozenset(
    """break case catch class const continue debugger default delete do else export extends
    finally for if import let new return super switch throw try var while with yield
    instanceof""".split()
)


class Node:
    """One node of the tree: ``kind``, the source span ``pos``..``end`` and its ``args``.

    Kinds and args: ``lit`` (value), ``name`` (name), ``array`` (nodes), ``object``
    ((key, node) pairs), ``template`` (text parts, nodes), ``regex`` (body, flags),
    ``member`` (object node, name, optional), ``index`` (object node, key node, optional),
    ``call`` (callee node, argument nodes, optional), ``unary`` (op, node), ``update`` (op,
    node), ``chain`` (first node, [(op, node)]), ``logic`` (and/or/nullish, nodes), ``cond``
    (test, then, else), ``seq`` (nodes), ``function`` (parameter names, body node),
    ``spread`` (node; inside ``array`` items and as an ``object`` entry with key None).
    """

    __slots__ = ("kind", "pos", "end", "args", "depth")

    def __init__(self, kind: str, pos: int, end: int, *args: Any) -> None:
        self.kind = kind
        self.pos = pos
        self.end = end
        self.args = args
        self.depth = 1 + max((_depth(a) for a in args), default=0)

    def __repr__(self) -> str:
        return f"Node({self.kind}, {', '.join(map(repr, self.args))})"


def _depth(arg: Any) -> int:
    if isinstance(arg, Node):
        return arg.depth
    if isinstance(arg, list | tuple):
        return max((_depth(a) for a in arg), default=0)
    return 0


class Parser:
    """Parses one expression of ``source`` from ``start``; see :func:`parse`."""

    def __init__(self, source: str, start: int = 0) -> None:
        self.source = source
        self._tokens: Iterator[Token] = tokenize(source, start)
        self._buffer: list[Token] = []
        self.prev_end = start
        self.level = 0
        self.warnings: list[str] = []

    # ---------------------------------------------------------------- tokens

    def peek(self, ahead: int = 0) -> Token:
        while len(self._buffer) <= ahead:
            self._buffer.append(next(self._tokens))
        return self._buffer[ahead]

    def next(self) -> Token:
        tok = self.peek()
        if tok.kind != EOF:
            self._buffer.pop(0)
            self.prev_end = tok.end
        return tok

    def is_punct(self, value: str, ahead: int = 0) -> bool:
        tok = self.peek(ahead)
        return tok.kind == PUNCT and tok.value == value

    def expect(self, value: str) -> Token:
        tok = self.peek()
        if tok.kind != PUNCT or tok.value != value:
            raise self.unexpected(tok)
        return self.next()

    def unexpected(self, tok: Token) -> JsSyntaxError:
        if tok.kind == EOF:
            return JsSyntaxError("Unexpected end of input", self.source, tok.pos)
        return JsSyntaxError(f"Unexpected token {tok.show(self.source)}", self.source, tok.pos)

    def _node(self, kind: str, pos: int, *args: Any) -> Node:
        node = Node(kind, pos, self.prev_end, *args)
        if node.depth > MAX_DEPTH:
            raise JsSyntaxError(
                f"Expression nested too deeply (more than {MAX_DEPTH} levels)", self.source, pos
            )
        return node

    # ---------------------------------------------------------------- grammar

    def parse_sequence(self) -> Node:
        """Expression (``a, b`` allowed)."""
        first = self.parse_assignment()
        if not self.is_punct(","):
            return first
        items = [first]
        while self.is_punct(","):
            self.next()
            items.append(self.parse_assignment())
        return self._node("seq", first.pos, items)

    def parse_assignment(self) -> Node:
        """AssignmentExpression: arrow functions, conditionals, binary expressions."""
        self._enter(self.peek())
        try:
            arrow = self._try_arrow()
            if arrow is not None:
                return arrow
            test = self.parse_binary(0)
            tok = self.peek()
            if tok.kind == PUNCT and tok.value in _ASSIGN_OPS:
                raise JsSyntaxError(
                    f"Assignment {tok.show(self.source)} is not allowed in an expression",
                    self.source,
                    tok.pos,
                )
            if not self.is_punct("?"):
                return test
            self.next()
            then = self.parse_assignment()
            self.expect(":")
            otherwise = self.parse_assignment()
            return self._node("cond", test.pos, test, then, otherwise)
        finally:
            self.level -= 1

    def parse_binary(self, min_bp: int) -> Node:
        left = self.parse_unary()
        while True:
            tok = self.peek()
            if tok.kind == PUNCT or (tok.kind == NAME and tok.value in ("in", "instanceof")):
                op = tok.value
            else:
                return left
            bp = _BINARY.get(op)  # type: ignore[arg-type]
            if bp is None or bp <= min_bp:
                return left
            self.next()
            if op == "=":
                self.warnings.append(
                    f"'=' at column {tok.pos + 1} is read as '==' (in JavaScript it would "
                    "assign)"
                )
                op = "=="
            if op == "instanceof":
                raise JsSyntaxError("'instanceof' is not supported", self.source, tok.pos)
            # '**' is right-associative: its right side may hold another '**'
            self._enter(tok)
            try:
                right = self.parse_binary(bp - 1 if op == "**" else bp)
            finally:
                self.level -= 1
            # a chain of one precedence level grows in place (a + b + c is one node)
            logic = _LOGICAL.get(op)  # type: ignore[arg-type]
            if logic is not None:
                if left.kind == "logic" and left.args[0] == logic:
                    self._extend(left, right, right)
                else:
                    left = self._node("logic", left.pos, logic, [left, right])
            elif op != "**" and left.kind == "chain" and _BINARY[left.args[1][0][0]] == bp:
                self._extend(left, (op, right), right)
            else:
                left = self._node("chain", left.pos, left, [(op, right)])

    def _extend(self, chain: Node, item: Any, right: Node) -> None:
        chain.args[-1].append(item)
        chain.end = self.prev_end
        chain.depth = max(chain.depth, right.depth + 1)

    def parse_unary(self) -> Node:
        tok = self.peek()
        if tok.kind == PUNCT and tok.value in ("!", "-", "+", "~", "++", "--"):
            self.next()
            self._enter(tok)
            try:
                operand = self.parse_unary()
            finally:
                self.level -= 1
            if tok.value in ("++", "--"):
                self._warn_update(tok)
                return self._node("update", tok.pos, tok.value, operand)
            return self._node("unary", tok.pos, tok.value, operand)
        if tok.kind == NAME and tok.value in ("typeof", "void", "delete"):
            if tok.value == "delete":
                raise JsSyntaxError("'delete' is not allowed in an expression", self.source,
                                    tok.pos)
            self.next()
            self._enter(tok)
            try:
                operand = self.parse_unary()
            finally:
                self.level -= 1
            return self._node("unary", tok.pos, tok.value, operand)
        return self.parse_postfix()

    def _enter(self, tok: Token) -> None:
        self.level += 1
        if self.level > MAX_DEPTH:
            raise JsSyntaxError(
                f"Expression nested too deeply (more than {MAX_DEPTH} levels)", self.source,
                tok.pos,
            )

    def _warn_update(self, tok: Token) -> None:
        self.warnings.append(
            f"'{tok.value}' at column {tok.pos + 1} is read as '{tok.value[0]} 1' "
            "(expressions change nothing)"
        )

    def parse_postfix(self) -> Node:
        node = self.parse_call_member()
        tok = self.peek()
        if tok.kind == PUNCT and tok.value in ("++", "--") and not self._newline_before(tok):
            self.next()
            self._warn_update(tok)
            return self._node("update", node.pos, tok.value, node)
        return node

    def _newline_before(self, tok: Token) -> bool:
        return "\n" in self.source[self.prev_end : tok.pos]

    def parse_call_member(self) -> Node:
        tok = self.peek()
        if tok.kind == NAME and tok.value == "new":
            self.next()
            callee = self.parse_call_member_no_call()
            args = self._arguments() if self.is_punct("(") else []
            node = self._node("new", tok.pos, callee, args)
        else:
            node = self.parse_primary()
        return self._member_loop(node, calls=True)

    def parse_call_member_no_call(self) -> Node:
        return self._member_loop(self.parse_primary(), calls=False)

    def _member_loop(self, node: Node, calls: bool) -> Node:
        while True:
            tok = self.peek()
            if tok.kind != PUNCT:
                return node
            v = tok.value
            optional = v == "?."
            if optional:
                self.next()
                nxt = self.peek()
                if nxt.kind == PUNCT and nxt.value in ("(", "["):
                    v = nxt.value
                else:
                    node = self._node("member", node.pos, node, self._property_name(), True)
                    continue
            if v == ".":
                self.next()
                node = self._node("member", node.pos, node, self._property_name(), False)
            elif v == "[":
                self.next()
                key = self.parse_sequence()
                self.expect("]")
                node = self._node("index", node.pos, node, key, optional)
            elif v == "(" and calls:
                node = self._node("call", node.pos, node, self._arguments(), optional)
            else:
                if optional:
                    raise self.unexpected(tok)
                return node

    def _property_name(self) -> str:
        tok = self.next()
        if tok.kind != NAME:
            raise self.unexpected(tok)
        return tok.value  # type: ignore[return-value]

    def _arguments(self) -> list[Node]:
        self.expect("(")
        args: list[Node] = []
        while not self.is_punct(")"):
            if self.is_punct("..."):
                raise JsSyntaxError("Spread '...' in a call is not supported", self.source,
                                    self.peek().pos)
            args.append(self.parse_assignment())
            if not self.is_punct(")"):
                self.expect(",")
        self.expect(")")
        return args

    def parse_primary(self) -> Node:
        tok = self.next()
        kind = tok.kind
        if kind == NUM or kind == STR:
            return self._node("lit", tok.pos, tok.value)
        if kind == NAME:
            name = tok.value
            if name == "true":
                return self._node("lit", tok.pos, True)
            if name == "false":
                return self._node("lit", tok.pos, False)
            if name == "null":
                return self._node("lit", tok.pos, None)
            if name == "function":
                return self._function(tok)
            if name == "this":
                return self._node("name", tok.pos, "this")
            if name in _RESERVED:
                raise self.unexpected(tok)
            return self._node("name", tok.pos, name)
        if kind == TEMPLATE:
            parts, spans = tok.value  # type: ignore[misc]
            exprs = [self._sub_expression(start, end) for start, end in spans]
            return self._node("template", tok.pos, parts, exprs)
        if kind == REGEX:
            body, flags = tok.value  # type: ignore[misc]
            return self._node("regex", tok.pos, body, flags)
        if kind == PUNCT:
            v = tok.value
            if v == "(":
                inner = self.parse_sequence()
                self.expect(")")
                return inner
            if v == "[":
                return self._array(tok)
            if v == "{":
                return self._object(tok)
        raise self.unexpected(tok)

    def _sub_expression(self, start: int, end: int) -> Node:
        """An expression embedded at ``start..end`` of the source (``${...}``)."""
        sub = Parser(self.source[:end], start)
        sub.level = self.level + 1
        node = sub.parse_sequence()
        tok = sub.peek()
        if tok.kind != EOF:
            raise sub.unexpected(tok)
        self.warnings.extend(sub.warnings)
        return node

    def _array(self, open_tok: Token) -> Node:
        items: list[Node] = []
        while not self.is_punct("]"):
            if self.is_punct(","):  # a hole: [1, , 2]
                tok = self.next()
                items.append(self._node("name", tok.pos, "undefined"))
                continue
            if self.is_punct("..."):  # [...a, 1]
                tok = self.next()
                items.append(self._node("spread", tok.pos, self.parse_assignment()))
            else:
                items.append(self.parse_assignment())
            if not self.is_punct("]"):
                self.expect(",")
        self.expect("]")
        return self._node("array", open_tok.pos, items)

    def _object(self, open_tok: Token) -> Node:
        entries: list[tuple[Any, Node]] = []
        while not self.is_punct("}"):
            tok = self.next()
            key: Any
            if tok.kind == PUNCT and tok.value == "...":  # {...a, b: 1}
                entries.append((None, self._node("spread", tok.pos, self.parse_assignment())))
                if not self.is_punct("}"):
                    self.expect(",")
                continue
            if tok.kind == NAME:
                key = tok.value
                if self.is_punct(",") or self.is_punct("}"):  # shorthand {a}
                    if key in _RESERVED or key in ("true", "false", "null", "function"):
                        raise self.unexpected(tok)
                    entries.append((key, self._node("name", tok.pos, key)))
                    if self.is_punct(","):
                        self.next()
                    continue
            elif tok.kind == STR:
                key = tok.value
            elif tok.kind == NUM:
                key = to_js_string(tok.value)
            elif tok.kind == PUNCT and tok.value == "[":
                key = self.parse_assignment()  # computed key: a Node
                self.expect("]")
            else:
                raise self.unexpected(tok)
            self.expect(":")
            entries.append((key, self.parse_assignment()))
            if not self.is_punct("}"):
                self.expect(",")
        self.expect("}")
        return self._node("object", open_tok.pos, entries)

    # ---------------------------------------------------------------- functions

    def _try_arrow(self) -> Node | None:
        """``x => expr``, ``(a, b) => expr`` or ``() => expr``; None if not an arrow."""
        tok = self.peek()
        if tok.kind == NAME and self.is_punct("=>", 1) and tok.value not in _RESERVED:
            self.next()
            self.next()
            return self._arrow_body(tok, [tok.value])  # type: ignore[list-item]
        if not (tok.kind == PUNCT and tok.value == "("):
            return None
        params: list[str] = []
        i = 1
        while True:
            t = self.peek(i)
            if t.kind == PUNCT and t.value == ")":
                break
            if t.kind != NAME or t.value in _RESERVED:
                return None
            params.append(t.value)  # type: ignore[arg-type]
            i += 1
            t = self.peek(i)
            if t.kind == PUNCT and t.value == ",":
                i += 1
                continue
            if not (t.kind == PUNCT and t.value == ")"):
                return None
        if not self.is_punct("=>", i + 1):
            return None
        for _ in range(i + 2):
            self.next()
        return self._arrow_body(tok, params)

    def _arrow_body(self, start: Token, params: list[str]) -> Node:
        if self.is_punct("{"):
            body = self._block_body()
        else:
            body = self.parse_assignment()
        return self._node("function", start.pos, params, body)

    def _function(self, tok: Token) -> Node:
        """``function (a, b) { return expr; }`` (a body of one return statement)."""
        if self.peek().kind == NAME:
            self.next()  # a name of a function expression is not visible outside it
        self.expect("(")
        params: list[str] = []
        while not self.is_punct(")"):
            p = self.next()
            if p.kind != NAME or p.value in _RESERVED:
                raise self.unexpected(p)
            params.append(p.value)  # type: ignore[arg-type]
            if not self.is_punct(")"):
                self.expect(",")
        self.expect(")")
        return self._node("function", tok.pos, params, self._block_body())

    def _block_body(self) -> Node:
        open_tok = self.expect("{")
        self._enter(open_tok)
        try:
            ret = self.peek()
            if ret.kind == NAME and ret.value == "return":
                self.next()
                if self.is_punct(";") or self.is_punct("}"):
                    body = self._node("name", ret.pos, "undefined")
                else:
                    body = self.parse_sequence()
                if self.is_punct(";"):
                    self.next()
            elif self.is_punct("}"):
                body = self._node("name", ret.pos, "undefined")
            else:
                raise JsSyntaxError(
                    "A function in an expression may only hold 'return <expression>'",
                    self.source,
                    ret.pos,
                )
            self.expect("}")
        finally:
            self.level -= 1
        return body


def parse(source: str) -> tuple[Node, list[str]]:
    """The tree of the whole ``source`` and the warnings; raises :class:`JsSyntaxError`."""
    parser = Parser(source)
    if parser.peek().kind == EOF:
        raise JsSyntaxError("Empty expression", source, 0)
    try:
        node = parser.parse_sequence()
    except RecursionError:  # a safety net: the depth limits come first
        raise JsSyntaxError("Expression nested too deeply", source, 0) from None
    tok = parser.peek()
    if tok.kind != EOF:
        raise parser.unexpected(tok)
    return node, parser.warnings


def parse_embedded(source: str, start: int, closer: str) -> tuple[Node, int, list[str]]:
    """The expression at ``start`` that ends at the bracket ``closer`` (``$(...)`` and
    ``$[...]`` in Kata strings): the tree, the index after the closer, and the warnings."""
    parser = Parser(source, start)
    if parser.is_punct(closer):
        raise JsSyntaxError("Empty expression", source, parser.peek().pos)
    try:
        node = parser.parse_sequence()
    except RecursionError:  # a safety net: the depth limits come first
        raise JsSyntaxError("Expression nested too deeply", source, start) from None
    tok = parser.peek()
    if tok.kind != PUNCT or tok.value != closer:
        if tok.kind == EOF:
            raise JsSyntaxError(f"Missing '{closer}'", source, start - 2)
        raise parser.unexpected(tok)
    return node, tok.end, parser.warnings
