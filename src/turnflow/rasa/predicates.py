"""Rasa's condition language (the pypred grammar) compiled once into Python closures.

Rasa writes conditions in flow ``if``/``next`` branches, collect ``rejections``, flow guards
and response ``condition`` keys::

    slots.age >= 18 and not (slots.country = "FR" or slots.vip is true)

Rasa re-parses the text on every evaluation (about 3 ms); we tokenize and parse once, cache the
result by text, and evaluate in about a microsecond. Semantics follow pypred 0.4.0 as Rasa 3.21
runs it, checked case by case on that oracle (tests/test_rasa_predicates.py), including its odd
corners: ``and``/``or`` share one precedence and group to the right, a bare word that names
nothing is ``undefined`` (not text), comparing text with a number is an error. The user's text
is never handed to ``eval``/``exec``.

Before parsing, Rasa renders the condition as a Jinja template (:func:`render_condition`);
flow guards are the exception (Rasa parses them as written).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import TurnflowError
from .templates import TemplateError, compile_template, has_jinja, render_template

__all__ = [
    "EMPTY", "UNDEFINED", "Predicate", "PredicateError", "PredicateEvaluationError",
    "compile_condition", "compile_predicate", "render_condition",
]  # fmt: skip

_CACHE_SIZE = 4096
_MAX_DEPTH = 100  # nesting of ( and {; Rasa's LALR parser has no limit, recursion here has


class PredicateError(TurnflowError):
    """A condition that Rasa would refuse: a syntax error, a bad regex, a Jinja error…

    ``position`` is the 0-based offset of the problem in ``text`` (None when it has none);
    ``column`` is the same, 1-based.
    """

    def __init__(self, message: str, text: str, position: int | None = None) -> None:
        self.message = message
        self.text = text
        self.position = position
        where = "" if position is None else f" at column {position + 1}"
        super().__init__(f"{message}{where} in condition {text!r}")

    @property
    def column(self) -> int | None:
        return None if self.position is None else self.position + 1


class PredicateEvaluationError(PredicateError):
    """Evaluating a valid condition failed where pypred raises (``"5" > 3``, ``null < 1``…).
    Rasa counts it as False in ``next`` and guards, as a violation in rejections."""


# --- the two values pypred adds to Python's ---------------------------------------------


class _Void:
    """Base of undefined and empty: both are falsy, hash like None, and never order."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def __hash__(self) -> int:
        return hash(None)


class _Undefined(_Void):
    """A name that resolves to nothing. Equal to undefined and empty; ``!=`` is True unless
    the other side is undefined (so ``empty != undefined`` differs from its mirror)."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Void)

    def __ne__(self, other: object) -> bool:
        return not isinstance(other, _Undefined)

    def __contains__(self, item: object) -> bool:
        return False

    def __repr__(self) -> str:
        return "undefined"


class _Empty(_Void):
    """The ``empty`` constant: equal to undefined, empty and anything of length 0."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Void):
            return True
        return hasattr(other, "__len__") and len(other) == 0  # type: ignore[arg-type]

    __hash__ = _Void.__hash__  # defining __eq__ would otherwise drop it

    def __repr__(self) -> str:
        return "empty"


_Undefined.__hash__ = _Void.__hash__  # type: ignore[method-assign]
UNDEFINED: Any = _Undefined()
EMPTY: Any = _Empty()

# --- tokens -------------------------------------------------------------------------------

# pypred's lexer tries, at each position, numbers before words (so `12ab` is `12` then `ab`),
# then comments, then operators longest first; blanks are space, tab and newline only.
_TOKEN = re.compile(
    r"""(?P<num>-?\d+(?:\.\d+)?)
      | (?P<word>[\w\-.:;]+|"[^"]*"|'[^']*')
      | (?P<comment>\#.*)
      | (?P<op>>=|<=|==|!=|>|<|=|\(|\)|\{|\})
      | (?P<blank>[ \t\n]+)""",
    re.VERBOSE,
)
_KEYWORDS = frozenset(
    ("is", "and", "or", "not", "contains", "matches", "true", "false", "undefined", "null",
     "empty")
)  # fmt: skip
_COMPARISONS = frozenset((">", ">=", "<", "<=", "=", "==", "!="))
_END = "end"


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    """(kind, value, position) triples: kind is num, text (quoted), word, kw, op, bad or end."""
    tokens: list[tuple[str, str, int]] = []
    pos, size, match = 0, len(text), _TOKEN.match
    while pos < size:
        m = match(text, pos)
        if m is None:  # the parser reports it when it gets there
            tokens.append(("bad", text[pos], pos))
            break
        kind, value = m.lastgroup or "", m.group()
        if kind == "word":
            if value[0] in "\"'":
                kind = "text"
            elif value.lower() in _KEYWORDS:
                kind, value = "kw", value.lower()
        if kind in ("num", "word", "text", "kw", "op"):
            tokens.append((kind, value, pos))
        pos = m.end()
    tokens.append((_END, "", size))
    return tokens


# --- syntax tree ----------------------------------------------------------------------------


class _Node:
    """One node: ``kind`` is word, text, num, const, set, cmp, contains, matches, not or
    logic; ``value`` the word, text, number, constant, operator or regex source."""

    __slots__ = ("kind", "value", "pos", "items")

    def __init__(self, kind: str, value: Any, pos: int, items: tuple[_Node, ...] = ()) -> None:
        self.kind = kind
        self.value = value
        self.pos = pos
        self.items = items


_CONSTANTS: dict[str, Any] = {
    "true": True, "false": False, "null": None, "undefined": UNDEFINED, "empty": EMPTY,
}  # fmt: skip
_OPERATORS = "an operator (> >= < <= = == != is, is not, contains, matches)"


class _Parser:
    """Recursive descent over pypred's LALR grammar: ``not`` binds tightest, ``and``/``or``
    share one level and group to the right, a comparison joins exactly two values."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0
        self.names: set[str] = set()
        self.record_names = True

    def fail(self, expected: str) -> PredicateError:
        kind, value, pos = self.tokens[self.index]
        if kind == "bad":
            if value in "\"'":
                return PredicateError("unterminated quoted text", self.text, pos)
            return PredicateError(f"unexpected character {value!r}", self.text, pos)
        found = "the end of the condition" if kind == _END else repr(value)
        return PredicateError(f"expected {expected}, found {found}", self.text, pos)

    def parse(self) -> _Node:
        if self.tokens[0][0] == _END:
            raise PredicateError("expected a condition, found nothing", self.text, 0)
        node = self.expression()
        if self.tokens[self.index][0] != _END:
            raise self.fail("'and', 'or' or the end of the condition")
        return node

    def expression(self) -> _Node:
        # a op b op c … groups as a op (b op (c …)): kept flat as one logic node
        operands, ops = [self.unary()], []
        while self.tokens[self.index][0] == "kw" and self.tokens[self.index][1] in ("and", "or"):
            ops.append(self.tokens[self.index][1])
            self.index += 1
            operands.append(self.unary())
        if not ops:
            return operands[0]
        return _Node("logic", tuple(ops), operands[0].pos, tuple(operands))

    def unary(self) -> _Node:
        count, pos = 0, self.tokens[self.index][2]
        while self.tokens[self.index][:2] == ("kw", "not"):
            count += 1
            self.index += 1
        node = self.term()
        return _Node("not", count, pos, (node,)) if count else node

    def term(self) -> _Node:
        left = self.factor()
        kind, value, pos = self.tokens[self.index]
        if kind == "op" and value in _COMPARISONS:
            self.index += 1
            op = "=" if value == "==" else value
            return _Node("cmp", op, pos, (left, self.factor()))
        if kind != "kw" or value not in ("is", "contains", "matches"):
            if kind == _END or (kind, value) in (("kw", "and"), ("kw", "or"), ("op", ")")):
                return left
            end = "')'" if self.depth else "the end of the condition"
            raise self.fail(f"{_OPERATORS}, 'and', 'or' or {end}")
        self.index += 1
        if value == "is":
            if self.tokens[self.index][:2] == ("kw", "not"):
                self.index += 1
                return _Node("cmp", "!=", pos, (left, self.factor()))
            return _Node("cmp", "=", pos, (left, self.factor()))
        self.record_names = value != "matches"  # a bare word after matches is the regex
        right = self.factor()
        self.record_names = True
        if value == "contains":
            if right.kind not in ("word", "text", "num", "const") or isinstance(right.value, _Void):
                raise PredicateError(
                    "'contains' needs a name, number, quoted text, true, false or null on its"
                    " right", self.text, right.pos,
                )  # fmt: skip
            return _Node("contains", None, pos, (left, right))
        if right.kind not in ("word", "text"):
            raise PredicateError(
                "'matches' needs a quoted regular expression on its right", self.text, right.pos
            )
        try:  # pypred strips every quote at both ends of the regex
            regex = re.compile(right.value.strip("'\""))
        except Exception as e:  # re.error, OverflowError of a huge repeat…
            raise PredicateError(f"invalid regular expression: {e}", self.text, right.pos) from e
        return _Node("matches", regex, pos, (left,))

    def factor(self) -> _Node:
        kind, value, pos = self.tokens[self.index]
        self.index += 1
        if kind == "word":
            if self.record_names:
                self.names.add(value)
            return _Node("word", value, pos)
        if kind == "text":
            return _Node("text", value[1:-1], pos)
        if kind == "num":
            return _Node("num", float(value), pos)
        if kind == "kw" and value in _CONSTANTS:
            return _Node("const", _CONSTANTS[value], pos)
        if kind == "op" and value in "({":
            self.depth += 1
            if self.depth > _MAX_DEPTH:
                raise PredicateError("condition nested too deeply", self.text, pos)
            node = self.expression() if value == "(" else self.set_items(pos)
            self.depth -= 1
            if self.tokens[self.index][:2] != ("op", ")" if value == "(" else "}"):
                raise self.fail("')'" if value == "(" else "a value or '}'")
            self.index += 1
            return node
        self.index -= 1
        raise self.fail(
            "a value (a name, a number, quoted text, true, false, null, undefined, empty,"
            " '(' or '{')"
        )

    def set_items(self, pos: int) -> _Node:
        items: list[_Node] = []
        while self.tokens[self.index][:2] != ("op", "}"):
            if self.tokens[self.index][0] == _END:
                raise self.fail("a value or '}'")
            item = self.factor()
            if item.kind == "set":  # pypred cannot hash a set inside a set
                raise PredicateError("a set cannot hold a set", self.text, item.pos)
            items.append(item)
        return _Node("set", None, pos, tuple(items))


# --- compilation to closures ------------------------------------------------------------

Getter = Callable[[Mapping[str, Any]], Any]


def _resolver(name: str) -> Getter:
    """pypred's lookup: the whole name as a key, else each dotted part in turn with ``in``
    then ``[]`` (so a part of a text or list value raises, as in Rasa), else undefined."""
    parts = name.split(".")
    if len(parts) == 1:

        def get_one(doc: Mapping[str, Any]) -> Any:
            return doc[name] if name in doc else UNDEFINED

        return get_one
    if len(parts) == 2:  # slots.x, context.y: nearly every name
        first, second = parts

        def get_two(doc: Mapping[str, Any]) -> Any:
            if name in doc:
                return doc[name]
            if first in doc:
                root = doc[first]
                if second in root:
                    return root[second]
            return UNDEFINED

        return get_two

    def get_path(doc: Mapping[str, Any]) -> Any:
        if name in doc:
            return doc[name]
        root: Any = doc
        for part in parts:
            if part not in root:
                return UNDEFINED
            root = root[part]
        return root

    return get_path


def _bad_set_item(doc: Mapping[str, Any]) -> Any:
    raise PredicateEvaluationError(
        "a set can only hold names, numbers, quoted text, true, false and null", ""
    )


def _constant(node: _Node) -> tuple[bool, Any]:
    """(True, value) for a node whose value does not depend on the document."""
    if node.kind in ("text", "num", "const"):
        return True, node.value
    if node.kind == "set" and all(i.kind in ("text", "num", "const") for i in node.items):
        if not any(isinstance(i.value, _Void) for i in node.items):
            return True, frozenset(i.value for i in node.items)
    return False, None


def _getter(node: _Node) -> Getter:
    """A function of the document giving the node's value."""
    static, value = _constant(node)
    if static:
        return lambda doc: value
    if node.kind == "word":
        return _resolver(node.value)
    if node.kind == "set":
        getters = tuple(
            _getter(i) if i.kind in ("word", "text", "num") else
            (lambda doc, v=i.value: v) if i.kind == "const" and not isinstance(i.value, _Void)
            else _bad_set_item
            for i in node.items
        )  # fmt: skip
        return lambda doc: frozenset([get(doc) for get in getters])
    return _build(node)


_ORDER = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


def _compare(op: str, left: _Node, right: _Node) -> Getter:
    lget, (rstatic, rvalue) = _getter(left), _constant(right)
    if op in ("=", "!="):
        test = operator.eq if op == "=" else operator.ne
        if rstatic:
            return lambda doc: test(lget(doc), rvalue)
        rget = _getter(right)
        return lambda doc: test(lget(doc), rget(doc))
    order = _ORDER[op]
    if rstatic and not isinstance(rvalue, _Void):

        def against_constant(doc: Mapping[str, Any]) -> Any:
            value = lget(doc)
            return False if isinstance(value, _Void) else order(value, rvalue)

        return against_constant
    rget = _getter(right)

    def ordered(doc: Mapping[str, Any]) -> Any:
        # both sides are looked up (and may fail) before undefined/empty make it False
        a, b = lget(doc), rget(doc)
        if isinstance(a, _Void) or isinstance(b, _Void):
            return False
        return order(a, b)

    return ordered


def _logic(ops: tuple[str, ...], operands: tuple[Getter, ...]) -> Getter:
    """a op1 (b op2 (c …)), short-circuit, evaluated without recursion."""
    pairs = tuple(zip(operands, (op == "and" for op in ops), strict=False))
    last = operands[-1]

    def logic(doc: Mapping[str, Any]) -> bool:
        for get, is_and in pairs:
            if get(doc):
                if not is_and:
                    return True
            elif is_and:
                return False
        return bool(last(doc))

    return logic


def _build(node: _Node) -> Getter:
    kind = node.kind
    if kind == "cmp":
        return _compare(node.value, *node.items)
    if kind == "logic":
        return _logic(node.value, tuple(_getter(i) for i in node.items))
    if kind == "not":
        inner = _getter(node.items[0])
        if node.value % 2:
            return lambda doc: not inner(doc)
        return lambda doc: bool(inner(doc))
    if kind == "contains":
        lget, rget = _getter(node.items[0]), _getter(node.items[1])

        def contains(doc: Mapping[str, Any]) -> bool:
            container = lget(doc)
            if hasattr(container, "__contains__"):  # the right side is only read then
                return rget(doc) in container
            return False

        return contains
    if kind == "matches":
        lget, search = _getter(node.items[0]), node.value.search

        def matches(doc: Mapping[str, Any]) -> bool:
            value = lget(doc)
            return isinstance(value, str) and search(value) is not None

        return matches
    return _getter(node)  # a lone value: its truth decides


# --- public API -----------------------------------------------------------------------------


class Predicate:
    """A compiled condition. ``names`` holds the dotted names it reads (``slots.age``,
    ``context.collect``, and bare words such as ``John`` that Rasa reads as names too)."""

    __slots__ = ("text", "names", "_run")

    def __init__(self, text: str, names: frozenset[str], run: Getter) -> None:
        self.text = text
        self.names = names
        self._run = run

    def evaluate(self, document: Mapping[str, Any]) -> bool:
        """Whether the condition holds for ``document`` (``{"slots": …, "context": …}``).
        Raises PredicateEvaluationError where pypred raises."""
        try:
            return bool(self._run(document))
        except PredicateEvaluationError as e:
            raise PredicateEvaluationError(e.message, self.text) from None
        except Exception as e:  # TypeError of "5" > 3, a name walking into a text…
            raise PredicateEvaluationError(f"{type(e).__name__}: {e}", self.text) from e

    def __repr__(self) -> str:
        return f"Predicate({self.text!r})"


_cache: dict[str, Predicate | PredicateError] = {}


def _compile(text: str) -> Predicate:
    parser = _Parser(text)
    node = parser.parse()
    void = node.kind == "const" and isinstance(node.value, _Void)
    if void or (node.kind == "set" and not node.items):  # pypred refuses a falsy root
        raise PredicateError("a condition cannot be just undefined, empty or {}", text, node.pos)
    return Predicate(text, frozenset(parser.names), _build(node))


def compile_predicate(text: str | bool) -> Predicate:
    """Parse a condition once (cached by text). A bool (YAML ``if: false``) is read as Rasa
    stringifies it: ``False``, i.e. the constant false. Raises PredicateError."""
    if isinstance(text, bool):
        text = str(text)
    elif not isinstance(text, str):
        raise PredicateError(f"a condition must be text, not {type(text).__name__}", repr(text))
    found = _cache.get(text)
    if found is None:
        try:
            found = _compile(text)
        except PredicateError as e:
            found = e
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache), ""), None)  # drop the oldest entry
        _cache[text] = found
    if isinstance(found, PredicateError):
        raise PredicateError(found.message, found.text, found.position)
    return found


def render_condition(text: str, variables: Mapping[str, Any]) -> str:
    """The condition after Rasa's Jinja pass. ``variables`` is what Rasa renders with:
    ``{"context": top frame}`` for ``next`` branches, ``{"slots": {slot: value}}`` for
    rejections and response conditions. Jinja syntax errors raise PredicateError, errors
    while rendering PredicateEvaluationError."""
    if not has_jinja(text):
        return render_template(text, variables)  # no Jinja: just its line-end clean-up
    try:
        compile_template(text)
        return render_template(text, variables)
    except TemplateError as e:
        error = PredicateError if e.syntax else PredicateEvaluationError
        raise error(e.message, text) from e


def compile_condition(text: str | bool, variables: Mapping[str, Any]) -> Predicate:
    """:func:`render_condition` then :func:`compile_predicate` (cached by rendered text).
    A bool skips Jinja, which Rasa cannot render (it fails on ``next: - if: false``)."""
    if isinstance(text, bool):
        return compile_predicate(text)
    if not has_jinja(text):
        # plain text that compiled is its own rendering (a \r could not have compiled)
        found = _cache.get(text)
        if found.__class__ is Predicate:
            return found  # type: ignore[return-value]
    return compile_predicate(render_condition(text, variables))
