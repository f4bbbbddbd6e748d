"""A precedence-climbing parser for Excellent expressions, following goflow's grammar.

Binding, tightest first: unary minus; ``^``; ``* /``; ``+ -``; ``< <= > >=``; ``= !=``; ``&``.
Binary operators are left associative. Only "atoms" (names, parenthesised expressions and
the results of calls and lookups) can be called or looked into: ``"abc".x`` is a syntax error,
as in goflow.
"""

from __future__ import annotations

from decimal import Decimal

from ..errors import ExpressionSyntaxError
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
)
from .lexer import Tok, Token, tokenize
from .numbers import in_range
from .values import XError

_BINARY: dict[Tok, tuple[int, str]] = {
    Tok.EXPONENT: (6, "^"),
    Tok.TIMES: (5, "*"),
    Tok.DIVIDE: (5, "/"),
    Tok.PLUS: (4, "+"),
    Tok.MINUS: (4, "-"),
    Tok.LT: (3, "<"),
    Tok.LTE: (3, "<="),
    Tok.GT: (3, ">"),
    Tok.GTE: (3, ">="),
    Tok.EQ: (2, "="),
    Tok.NEQ: (2, "!="),
    Tok.AMPERSAND: (1, "&"),
}
_LITERALS = {Tok.TRUE: True, Tok.FALSE: False, Tok.NULL: None}

DEFAULT_MAX_DEPTH = 50


def _describe(token: Token) -> str:
    if token.kind is Tok.EOF:
        return "end of expression"
    if token.kind is Tok.TEXT:
        return "text literal"
    return repr(token.text)


class Parser:
    def __init__(self, source: str, offset: int = 0, max_depth: int = DEFAULT_MAX_DEPTH) -> None:
        self.source = source
        self.offset = offset
        self.tokens = tokenize(source, offset)
        self.i = 0
        self.depth = 0
        self.max_depth = max_depth

    # -- helpers ------------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.i]
        if token.kind is not Tok.EOF:
            self.i += 1
        return token

    def expect(self, kind: Tok, what: str) -> Token:
        token = self.peek()
        if token.kind is not kind:
            self.fail(f"expected {what} but found {_describe(token)}", token)
        return self.advance()

    def fail(self, message: str, token: Token) -> None:
        raise ExpressionSyntaxError(message, self.source, token.pos)

    # -- grammar ------------------------------------------------------------------------------

    def parse(self) -> Node:
        if self.peek().kind is Tok.EOF:
            self.fail("empty expression", self.peek())
        node = self.expression(0)
        token = self.peek()
        if token.kind is not Tok.EOF:
            self.fail(f"unexpected {_describe(token)}", token)
        return node

    def expression(self, min_prec: int) -> Node:
        self.depth += 1
        if self.depth > self.max_depth:
            self.fail("expression is nested too deeply", self.peek())
        left = self.prefix()
        while True:
            token = self.peek()
            entry = _BINARY.get(token.kind)
            if entry is None or entry[0] <= min_prec:
                break
            prec, op = entry
            self.advance()
            right = self.expression(prec)
            left = BinaryOp(op, left, right)
        self.depth -= 1
        return left

    def prefix(self) -> Node:
        token = self.peek()
        kind = token.kind
        if kind is Tok.MINUS:
            self.advance()
            return Negation(self.expression(len(_BINARY) + 10))
        if kind is Tok.TEXT:
            self.advance()
            return Literal(token.text)
        if kind is Tok.INTEGER or kind is Tok.DECIMAL:
            self.advance()
            number = Decimal(token.text)
            if not in_range(number):  # goflow: an error value, not a syntax error
                return Literal(XError(f"number {token.text} is out of range"))
            return Literal(number)
        if kind in _LITERALS:
            self.advance()
            return Literal(_LITERALS[kind])
        if kind is Tok.LPAREN and self._is_anon_function():
            return self.anon_function()
        if kind is Tok.LPAREN or kind is Tok.NAME:
            return self.atom()
        if kind is Tok.EOF:
            self.fail("unexpected end of expression", token)
        self.fail(f"unexpected {_describe(token)}", token)
        raise AssertionError("unreachable")

    def _is_anon_function(self) -> bool:
        # ( NAME (, NAME)* ) =>
        j = 1
        if self.peek(j).kind is not Tok.NAME:
            return False
        j += 1
        while self.peek(j).kind is Tok.COMMA:
            if self.peek(j + 1).kind is not Tok.NAME:
                return False
            j += 2
        return self.peek(j).kind is Tok.RPAREN and self.peek(j + 1).kind is Tok.ARROW

    def anon_function(self) -> Node:
        self.expect(Tok.LPAREN, "'('")
        params = [self.expect(Tok.NAME, "a parameter name").text]
        while self.peek().kind is Tok.COMMA:
            self.advance()
            params.append(self.expect(Tok.NAME, "a parameter name").text)
        self.expect(Tok.RPAREN, "')'")
        self.expect(Tok.ARROW, "'=>'")
        body = self.expression(0)
        return AnonFunction(tuple(p.lower() for p in params), body)

    def atom(self) -> Node:
        token = self.advance()
        node: Node
        if token.kind is Tok.NAME:
            node = ContextRef(token.text)
        else:  # parenthesised expression
            node = self.expression(0)
            self.expect(Tok.RPAREN, "')'")
        while True:
            kind = self.peek().kind
            if kind is Tok.LPAREN:
                self.advance()
                args: list[Node] = []
                if self.peek().kind is not Tok.RPAREN:
                    args.append(self.expression(0))
                    while self.peek().kind is Tok.COMMA:
                        self.advance()
                        args.append(self.expression(0))
                self.expect(Tok.RPAREN, "')' or ','")
                node = Call(node, tuple(args))
            elif kind is Tok.DOT:
                self.advance()
                name = self.advance()
                if name.kind is Tok.NAME or name.kind is Tok.INTEGER:
                    node = DotLookup(node, name.text)
                elif name.kind is Tok.DECIMAL:  # a.1.2 lexes as a . 1.2
                    first, second = name.text.split(".")
                    node = DotLookup(DotLookup(node, first), second)
                elif name.kind in _LITERALS:  # a.true: keywords are fine as property names
                    node = DotLookup(node, name.text)
                else:
                    self.fail(
                        f"expected a property name after '.' but found {_describe(name)}", name
                    )
            elif kind is Tok.LBRACK:
                self.advance()
                index = self.expression(0)
                self.expect(Tok.RBRACK, "']'")
                node = IndexLookup(node, index)
            else:
                return node


def parse_expression(source: str, offset: int = 0, max_depth: int = DEFAULT_MAX_DEPTH) -> Node:
    """Parse an expression; syntax errors name their position (offset added)."""
    return Parser(source, offset, max_depth).parse()
