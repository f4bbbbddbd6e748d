"""ContactQL: goflow's contact query language, as used by query based ("smart") groups.

``parse_query(text, env, fields)`` parses and validates a query such as
``age > 30 AND (gender = "M" OR name ~ bob)`` into a tree; ``ContactQuery.evaluate(env, obj)``
checks it against anything with a ``query_property(env, key, prop_type) -> list`` method
(:class:`turnflow.goflow.contact.Contact` has one).

Grammar (AND binds tighter than OR, juxtaposition is an implicit AND)::

    query     := or_expr EOF
    or_expr   := and_expr (OR and_expr)*
    and_expr  := primary ((AND)? primary)*
    primary   := "(" or_expr ")" | TEXT COMPARATOR literal | literal
    literal   := TEXT | "quoted string"

Conditions are typed by what their property resolves to: attributes have fixed types, URN
schemes are text, fields take their asset's type (text, number, datetime, state, district,
ward; locations compare by name).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

import regex

from ..errors import TurnflowError
from ..expressions.dates import parse_datetime_text
from ..expressions.environment import Environment


class ContactQLError(TurnflowError):
    """A query that can't be parsed or isn't valid for the workspace's fields."""


ATTR, URN, FIELD = "attribute", "urn", "field"

# attribute -> value type
ATTRIBUTES = {
    "uuid": "text", "id": "text", "ref": "text", "name": "text", "status": "text",
    "language": "text", "urn": "text", "group": "text", "flow": "text", "history": "text",
    "tickets": "number", "created_on": "datetime", "last_seen_on": "datetime",
}  # fmt: skip

URN_SCHEMES = frozenset({
    "bsuid", "discord", "ext", "facebook", "fcm", "freshchat", "instagram", "jiochat", "line",
    "mailto", "rocketchat", "slack", "tel", "telegram", "twitter", "twitterid", "viber", "vk",
    "wechat", "webchat", "whatsapp",
})  # fmt: skip

OPERATORS = ("!=", ">=", "<=", "=", "~", ">", "<")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_IS_PLAIN_NUMBER = re.compile(r"\d+(\.\d+)?")
_IMPLICIT_PHONE = re.compile(r"\+?[\-\d]{4,}")
_WORD = regex.compile(r"[\p{L}\p{N}]+")
_LANGUAGE = re.compile(r"[a-zA-Z]{3}")
_STATUSES = ("active", "blocked", "stopped", "archived")
_MIN_NAME_TOKEN = 2
_MIN_URN_CONTAINS = 3


class Queryable(Protocol):
    def query_property(self, env: Environment, key: str, prop_type: str) -> list[Any]: ...


# -- the tree ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    prop_type: str  # ATTR, URN or FIELD
    key: str
    op: str
    value: str
    value_type: str = "text"

    def evaluate(self, env: Environment, obj: Queryable) -> bool:
        values = obj.query_property(env, self.key, self.prop_type)
        if self.value == "" and self.op in ("=", "!="):
            # an existence check: x = "" means x isn't set
            return (len(values) == 0) if self.op == "=" else (len(values) > 0)
        if not values:
            return False
        results = [self._compare(env, value) for value in values]
        # != must hold for every value, the others for any value
        return all(results) if self.op == "!=" else any(results)

    def _compare(self, env: Environment, value: Any) -> bool:
        if isinstance(value, str):
            return _text_compare(value, self.op, self.value, self.key == "name")
        if isinstance(value, Decimal):
            wanted = _parse_number(self.value)
            if wanted is None:
                raise ContactQLError(f"can't convert '{self.value}' to a number")
            return _number_compare(value, self.op, wanted)
        if isinstance(value, dt.datetime):
            when = parse_datetime_text(env, self.value)
            if when is None:
                raise ContactQLError(f"can't convert '{self.value}' to a date")
            return _date_compare(value, self.op, when)
        raise ContactQLError(f"unsupported query value {value!r}")

    def __str__(self) -> str:
        prop = {FIELD: "fields.", URN: "urns."}.get(self.prop_type, "") + self.key
        value = self.value if _IS_PLAIN_NUMBER.fullmatch(self.value) else _quote(self.value)
        return f"{prop} {self.op} {value}"


@dataclass(frozen=True)
class BoolCombination:
    op: str  # "and" or "or"
    children: tuple[Node, ...]

    def evaluate(self, env: Environment, obj: Queryable) -> bool:
        if self.op == "and":
            return all(child.evaluate(env, obj) for child in self.children)
        return any(child.evaluate(env, obj) for child in self.children)

    def __str__(self) -> str:
        return "(" + f" {self.op.upper()} ".join(str(c) for c in self.children) + ")"


Node = Condition | BoolCombination


@dataclass(frozen=True)
class ContactQuery:
    root: Node
    text: str

    def evaluate(self, env: Environment, obj: Queryable) -> bool:
        """Whether ``obj`` matches; raises :class:`ContactQLError` on an unusable value."""
        return self.root.evaluate(env, obj)

    def __str__(self) -> str:
        text = str(self.root)
        return text[1:-1] if text.startswith("(") and text.endswith(")") else text


# -- comparisons ------------------------------------------------------------------------------


def _text_compare(actual: str, op: str, wanted: str, is_name: bool) -> bool:
    actual, wanted = actual.lower().strip(), wanted.lower().strip()
    if op == "=":
        return actual == wanted
    if op == "!=":
        return actual != wanted
    if op == "~":
        if is_name:
            return _prefix_match(actual, wanted, 8)
        return wanted in actual
    raise ContactQLError(f"can't query text values with {op}")


def _prefix_match(actual: str, wanted: str, length: int) -> bool:
    """Any word of ``actual`` starts with any word of ``wanted`` (words cut to ``length``), as
    an edge n-gram search index would match names."""
    for token in name_tokens(actual):
        for query_token in name_tokens(wanted):
            if token[:length].startswith(query_token[:length]):
                return True
    return False


def _number_compare(actual: Decimal, op: str, wanted: Decimal) -> bool:
    return {
        "=": actual == wanted, "!=": actual != wanted, ">": actual > wanted,
        ">=": actual >= wanted, "<": actual < wanted, "<=": actual <= wanted,
    }[op]  # fmt: skip


def _date_compare(actual: dt.datetime, op: str, wanted: dt.datetime) -> bool:
    # a date condition means the whole day (in the query value's time zone)
    start = wanted.replace(hour=0, minute=0, second=0, microsecond=0)
    end = (start.replace(tzinfo=None) + dt.timedelta(days=1)).replace(tzinfo=start.tzinfo)
    in_day = start <= actual < end
    return {
        "=": in_day, "!=": not in_day, ">": actual >= end, ">=": actual >= start,
        "<": actual < start, "<=": actual < end,
    }[op]  # fmt: skip


def _parse_number(text: str) -> Decimal | None:
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def name_tokens(text: str) -> list[str]:
    """Words of at least two bytes (goflow counts UTF-8 bytes)."""
    return [w for w in _WORD.findall(text) if len(w.encode()) >= _MIN_NAME_TOKEN]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- lexing -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "(", ")", "and", "or", "op", "text", "string", "eof"
    text: str
    pos: int


_SPECIAL = set('()"=!~<> \t\r\n')


@functools.lru_cache(maxsize=512)
def _tokens(text: str) -> tuple[_Token, ...]:
    """The tokens of a query, kept: a workspace's group queries are read again every sprint
    that re-checks a contact's groups (a query that doesn't lex raises each time)."""
    return tuple(_tokenize(text))


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(_Token(ch, ch, i))
            i += 1
        elif ch == '"':
            start, i, chars = i, i + 1, []
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n and text[i + 1] in '"\\':
                    i += 1
                chars.append(text[i])
                i += 1
            if i >= n:
                raise ContactQLError(f"unterminated string at column {start + 1}")
            tokens.append(_Token("string", "".join(chars), start))
            i += 1
        else:
            op = next((o for o in OPERATORS if text.startswith(o, i)), None)
            if op is not None:
                tokens.append(_Token("op", op, i))
                i += len(op)
                continue
            if ch == "!":
                raise ContactQLError(f"unexpected '!' at column {i + 1}")
            start = i
            while i < n and text[i] not in _SPECIAL:
                i += 1
            word = text[start:i]
            kind = word.lower() if word.lower() in ("and", "or") else "text"
            tokens.append(_Token(kind, word, start))
    tokens.append(_Token("eof", "", n))
    return tokens


# -- parsing ----------------------------------------------------------------------------------


class _Parser:
    def __init__(
        self,
        text: str,
        env: Environment,
        fields: Mapping[str, str] | None,
        groups: Sequence[str] | None,
    ) -> None:
        self.tokens = _tokens(text)
        self.i = 0
        self.env = env
        self.fields = fields  # field key -> type, or None to skip field validation
        self.groups = groups
        self.read_dates = False  # a condition's value was read as a date

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def fail(self, token: _Token, expected: str) -> ContactQLError:
        found = "end of query" if token.kind == "eof" else repr(token.text)
        return ContactQLError(f"expected {expected} but found {found} at column {token.pos + 1}")

    def parse(self) -> Node:
        node = self.or_expr()
        if self.peek().kind != "eof":
            raise self.fail(self.peek(), "AND, OR or end of query")
        return node

    def or_expr(self) -> Node:
        children = [self.and_expr()]
        while self.peek().kind == "or":
            self.take()
            children.append(self.and_expr())
        return _combine("or", children)

    def and_expr(self) -> Node:
        children = [self.primary()]
        while True:
            kind = self.peek().kind
            if kind == "and":
                self.take()
                children.append(self.primary())
            elif kind in ("(", "text", "string"):
                children.append(self.primary())  # implicit AND
            else:
                return _combine("and", children)

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "(":
            node = self.or_expr()
            if self.take().kind != ")":
                raise self.fail(self.tokens[self.i - 1], "')'")
            return node
        if token.kind == "text" and self.peek().kind == "op":
            op = self.take().text
            literal = self.take()
            if literal.kind not in ("text", "string"):
                raise self.fail(literal, "a value")
            return self.condition(token.text, op, literal.text)
        if token.kind in ("text", "string"):
            return self.implicit(token.text)
        raise self.fail(token, "a condition")

    def condition(self, prop: str, op: str, value: str) -> Condition:
        key = prop.lower()
        if key.startswith("fields."):
            cond = self.field_condition(key[7:], prop, op, value)
        elif key.startswith("urns."):
            if key[5:] not in URN_SCHEMES:
                raise _unknown(prop)
            cond = Condition(URN, key[5:], op, value)
        elif key in ATTRIBUTES:
            cond = Condition(ATTR, key, op, value, ATTRIBUTES[key])
        elif key in URN_SCHEMES:
            cond = Condition(URN, key, op, value)
        else:
            cond = self.field_condition(key, prop, op, value)
        return self.validate(cond)

    def field_condition(self, key: str, prop: str, op: str, value: str) -> Condition:
        if self.fields is None:
            return Condition(FIELD, key, op, value, "text")
        if key not in self.fields:
            raise _unknown(prop)
        return Condition(FIELD, key, op, value, self.fields[key])

    def implicit(self, value: str) -> Condition:
        """A bare value: a URN, a phone number or (part of) a name."""
        redacted = self.env.redaction_policy == "urns"
        scheme, sep, path = value.partition(":")
        if not redacted and sep and scheme.lower() in URN_SCHEMES and path:
            return Condition(URN, scheme.lower(), "=", path)
        if not redacted and _IMPLICIT_PHONE.fullmatch(value):
            return Condition(URN, "tel", "~", re.sub(r"[^+\d]+", "", value))
        op = "~" if name_tokens(value) else "="
        return Condition(ATTR, "name", op, value)

    def validate(self, c: Condition) -> Condition:
        """The condition if it is valid (a group name as the workspace spells it), else
        raise."""
        if c.prop_type == FIELD and self.fields is None:
            return c  # without the workspace's fields their types aren't known
        if (
            (c.prop_type == URN or c.key == "urn")
            and self.env.redaction_policy == "urns"
            and c.value != ""
        ):
            raise ContactQLError("cannot query on redacted URNs")
        if c.op == "~":
            if c.prop_type == ATTR and c.key == "name":
                if not name_tokens(c.value):
                    raise ContactQLError(
                        "contains operator on name requires token of minimum length "
                        f"{_MIN_NAME_TOKEN}"
                    )
            elif c.prop_type == URN or (c.prop_type == ATTR and c.key == "urn"):
                if len(c.value.encode()) < _MIN_URN_CONTAINS:
                    raise ContactQLError(
                        "contains operator on URN requires value of minimum length "
                        f"{_MIN_URN_CONTAINS}"
                    )
            else:
                raise ContactQLError("contains conditions can only be used with name or URN values")
        elif c.op in (">", ">=", "<", "<=") and c.value_type not in ("number", "datetime"):
            raise ContactQLError(
                f"comparisons with {c.op} can only be used with date and number fields"
            )

        if c.op in ("=", "!=") and c.value == "":
            if c.prop_type == ATTR and c.key in (
                "uuid",
                "id",
                "ref",
                "status",
                "created_on",
                "tickets",
            ):
                raise ContactQLError(f"can't check whether '{c.key}' is set or not set")
            return c
        if c.value_type == "number" and _parse_number(c.value) is None:
            raise ContactQLError(f"can't convert '{c.value}' to a number")
        if c.value_type == "datetime":
            self.read_dates = True  # (what it reads may depend on the time: see parse_query)
            if parse_datetime_text(self.env, c.value) is None:
                raise ContactQLError(f"can't convert '{c.value}' to a date")
        if c.prop_type != ATTR:
            return c
        if c.key == "status" and c.value.lower() not in _STATUSES:
            raise ContactQLError(f"'{c.value}' is not a valid contact status")
        if c.key == "language" and not _LANGUAGE.fullmatch(c.value):
            raise ContactQLError(f"'{c.value}' is not a valid language code")
        if c.key == "group" and self.groups is not None:
            match = next((g for g in self.groups if g.lower() == c.value.lower()), None)
            if match is None:
                raise ContactQLError(f"'{c.value}' is not a valid group name")
            return dataclasses.replace(c, value=match)
        return c


def _unknown(prop: str) -> ContactQLError:
    return ContactQLError(f"can't resolve '{prop}' to attribute, scheme or field")


def _combine(op: str, children: list[Node]) -> Node:
    if len(children) == 1:
        return children[0]
    flat: list[Node] = []
    for child in children:
        if isinstance(child, BoolCombination) and child.op == op:
            flat.extend(child.children)
        else:
            flat.append(child)
    return BoolCombination(op, tuple(flat))


def parse_query(
    text: str,
    env: Environment | None = None,
    fields: Mapping[str, str] | Iterable[Mapping[str, Any]] | None = None,
    groups: Sequence[str] | None = None,
) -> ContactQuery:
    """Parse and validate a query.

    ``fields`` is either ``{key: type}`` or a list of field assets (``{"key", "type"}``);
    without it field conditions aren't checked and compare as text. ``groups`` is the group
    names ``group = X`` may use. Raises :class:`ContactQLError`.
    """
    env = env or Environment()
    field_types: dict[str, str] | None = None
    if fields is not None:
        if isinstance(fields, Mapping):
            field_types = {str(k).lower(): str(v) for k, v in fields.items()}
        else:
            field_types = {f["key"].lower(): f.get("type", "text") for f in fields}
    stripped = text.strip()
    if not stripped:
        raise ContactQLError("empty query")
    # a workspace's group queries are parsed again every sprint that re-checks a contact's
    # groups: the (immutable) result is kept, by all it depends on, unless it read a date
    # (which may depend on the time, with legacy dates)
    key = (
        stripped, getattr(env, "redaction_policy", None),
        tuple(field_types.items()) if field_types is not None else None,
        tuple(groups) if groups is not None else None,
    )
    query = _PARSED.get(key)
    if query is None:
        parser = _Parser(stripped, env, field_types, groups)
        query = ContactQuery(parser.parse(), stripped)
        if not parser.read_dates:
            if len(_PARSED) >= 512:
                _PARSED.clear()
            _PARSED[key] = query
    return query


_PARSED: dict[tuple[Any, ...], ContactQuery] = {}
