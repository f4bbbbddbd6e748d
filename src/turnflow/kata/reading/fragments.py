"""Reading a fragment of KataML, as the docs show them: a whole bot, a flow or part of one
(``intents:``, ``states:``...), a single intent, state, transition, action or NLU, or a
mapping of named objects (``myNLU: {type: keyword}``, ``exampleFlow: {intents: ...}``).

:func:`read_fragment` decides which kind a value is from its keys (and, for ``type``, from
whether it names an action type or an NLU type), reads it with the bot reader, and either
returns what it read or refuses it with one line saying why. ``$include(...)`` values are
left unread (a fragment has no bot directory). A fragment is only read, not validated: names
it refers to may be defined elsewhere.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..model import ACTION_TYPES, NLU_TYPES, SCHEMAS, Expression
from ..problems import Problem
from .include import BROKEN, Located, include_target
from .objects import (
    ACTION_KEYS,
    BOT_KEYS,
    CLASSIFIER_KEYS,
    FLOW_KEYS,
    INTENT_KEYS,
    NLU_KEYS,
    STATE_ACTION_KEYS,
    STATE_KEYS,
    TRANSITION_KEYS,
    ObjectReader,
    js_key,
)

# keys that only a flow has (others, like ``fallback`` or ``priority``, are shared)
_FLOW_ONLY = frozenset({"intents", "states", "actions", "active", "volatile", "expire",
                        "invalidate"})
_BOT_ONLY = frozenset({"schema", "flows", "config", "name", "desc", "lang", "id", "version",
                       "revision", "timezone", "method"})


class FragmentRefused(Exception):
    """A value that is not a readable KataML fragment; ``str()`` is the one-line reason."""


@dataclass
class Fragment:
    """What a fragment was read as: ``kind`` (``bot``, ``flow``, ``state 'x'``, ``nlu 'y'``,
    several joined by ``+``), the model objects read, and the expressions found in it (for
    the caller to compile)."""

    kind: str
    objects: list[Any] = field(default_factory=list)
    expressions: list[Expression] = field(default_factory=list)


def read_fragment(value: Any, file: str = "<fragment>",
                  check: Callable[[Any], list[Problem]] | None = None) -> Fragment:
    """Read ``value`` (parsed YAML) as a KataML fragment; raises :class:`FragmentRefused`.
    ``check``, when given, is called with each object read and returns more problems (the
    doc-fragment suite checks expressions with it)."""
    _park_includes(value)
    problems: list[Problem] = []
    reader = ObjectReader(Located(value, file), problems)
    kinds: list[str] = []
    objects: list[Any] = []

    def add(kind: str, obj: Any) -> None:
        kinds.append(kind)
        if obj is not None:
            objects.append(obj)

    if isinstance(value, list):
        if value and all(isinstance(item, dict) and "name" in item for item in value):
            add("state actions", reader.read_state_actions(value, None, None, "action"))
        else:
            raise FragmentRefused("a list that is not a list of state actions")
    elif not isinstance(value, dict) or not value:
        raise FragmentRefused(f"not a mapping of KataML keys ({_kind(value)})")
    else:
        schema = value.get("schema")
        if schema is not None:
            if isinstance(schema, str) and "/test/" in schema:
                raise FragmentRefused(f"a test spec ({schema}), not a bot fragment")
            if not isinstance(schema, str) or schema not in SCHEMAS:
                raise FragmentRefused(f"unknown schema {schema!r}")
            add("bot", reader.read_bot(value, file))
        else:
            _read_mapping(value, reader, add)
    if not problems and check is not None:
        for obj in objects:
            problems.extend(check(obj))
    if problems:
        first = problems[0]
        raise FragmentRefused(f"line {first.line}: {first.message}" if first.line
                              else first.message)
    return Fragment(" + ".join(kinds), objects)


def _read_mapping(value: dict[Any, Any], reader: ObjectReader,
                  add: Callable[[str, Any], None]) -> None:
    keys = {js_key(key) for key in value}
    kind = _kind_of_body(keys, value)
    if kind is not None:
        add(kind, _READERS[kind](reader, "", value, None, None, kind))
        return
    # a flow's keys beside named objects (``actions:`` and ``myState:``), or named objects
    flow_part = {key: item for key, item in value.items() if js_key(key) in FLOW_KEYS}
    if flow_part and set(flow_part) != set(value):
        part = type(value)(flow_part) if not hasattr(value, "line_of") else _sub(value,
                                                                                 flow_part)
        add("flow", reader.read_flow("", part, None, None, "flow"))
    for key, item in value.items():
        if key in flow_part:
            continue
        name = js_key(key)
        if not isinstance(item, dict):
            raise FragmentRefused(
                f"{name!r}: neither a KataML key nor a named object (a {_kind(item)})")
        item_kind = _kind_of_named(item)
        close = difflib.get_close_matches(name, (*BOT_KEYS, *FLOW_KEYS), n=1, cutoff=0.8)
        if item_kind is None and close:
            raise FragmentRefused(f"{name!r} is not a KataML key (a typo for {close[0]!r}?)")
        if item_kind is None:
            raise FragmentRefused(f"{name!r}: cannot tell which kind of object this is "
                                  f"(keys: {', '.join(js_key(k) for k in item)})")
        label = f"{item_kind} {name!r}"
        add(label, _READERS[item_kind](reader, name, item, value, key, label))


def _kind_of_body(keys: set[str], value: dict[Any, Any]) -> str | None:
    """The kind of a mapping that is one object's body, or None."""
    if keys <= set(FLOW_KEYS) and (keys & _FLOW_ONLY or keys <= {"methods", "nlus"}):
        return "flow"
    if keys <= set(BOT_KEYS) and keys & _BOT_ONLY:
        return "bot"
    if "type" in keys and keys <= set(ACTION_KEYS) | set(NLU_KEYS):
        return _typed_kind(value)
    if keys == {"options"}:
        return "options"
    for kind, known in (("intent", INTENT_KEYS), ("state", STATE_KEYS),
                        ("transition", TRANSITION_KEYS), ("state action", STATE_ACTION_KEYS),
                        ("classifier", CLASSIFIER_KEYS)):
        if keys <= set(known) and (kind != "state action" or "name" in keys):
            return kind
    return None


def _kind_of_named(body: dict[Any, Any]) -> str | None:
    """The kind of a named object's body (``myNLU: {type: keyword}``), or None."""
    keys = {js_key(key) for key in body}
    if not keys:
        return None
    if keys <= set(FLOW_KEYS) and keys & _FLOW_ONLY:
        return "flow"
    if "type" in keys and keys <= set(ACTION_KEYS) | set(NLU_KEYS):
        return _typed_kind(body)
    for kind, known in (("intent", INTENT_KEYS), ("state", STATE_KEYS)):
        if keys <= set(known):
            return kind
    return None


def _typed_kind(body: dict[Any, Any]) -> str:
    kind = body.get("type")
    if not isinstance(kind, str):
        raise FragmentRefused(f"type must be a string, not {_kind(kind)}")
    if kind in NLU_TYPES or "process" in body:
        return "nlu"
    if kind in ACTION_TYPES or "condition" in body or "command" in body:
        return "action"
    if isinstance(kind, str) and kind.strip() in NLU_TYPES | ACTION_TYPES:
        return "nlu" if kind.strip() in NLU_TYPES else "action"
    raise FragmentRefused(f"type {kind!r} is neither an action type nor an NLU type")


def _sub(value: Any, items: dict[Any, Any]) -> Any:
    """A copy of a located mapping with only ``items`` (their lines kept)."""
    part = type(value)(value.line)
    for key, item in items.items():
        part[key] = item
        part.key_lines[key] = value.line_of(key)
    return part


def _read_options(reader: ObjectReader, name: str, value: Any, holder: Any, key: Any,
                  label: str) -> Any:
    return reader.options(value.get("options"), value, "options", label)


def _read_classifier(reader: ObjectReader, name: str, value: Any, holder: Any, key: Any,
                     label: str) -> Any:
    return reader.read_classifier(value, holder, key, label)


def _read_state_action(reader: ObjectReader, name: str, value: Any, holder: Any, key: Any,
                       label: str) -> Any:
    return reader.read_state_action(value, holder, key, label)


_READERS: dict[str, Callable[..., Any]] = {
    "bot": lambda reader, name, value, holder, key, label: reader.read_bot(
        value, reader.located.root_file, require_schema=False),
    "flow": lambda reader, *args: reader.read_flow(*args),
    "intent": lambda reader, *args: reader.read_intent(*args),
    "state": lambda reader, *args: reader.read_state(*args),
    "transition": lambda reader, *args: reader.read_transition(*args),
    "action": lambda reader, *args: reader.read_action(*args),
    "nlu": lambda reader, *args: reader.read_nlu(*args),
    "state action": _read_state_action,
    "classifier": _read_classifier,
    "options": _read_options,
}


def _park_includes(value: Any) -> None:
    """Replace ``$include(...)`` strings by BROKEN (read as absent: there is no bot dir)."""
    stack = [value]
    seen: set[int] = set()
    while stack:
        container = stack.pop()
        if not isinstance(container, dict | list) or id(container) in seen:
            continue
        seen.add(id(container))
        keys = list(container) if isinstance(container, dict) else range(len(container))
        for key in keys:
            item = container[key]
            if include_target(item) is not None:
                container[key] = BROKEN
            elif isinstance(item, dict | list):
                stack.append(item)


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, dict):
        return "an empty mapping"
    return type(value).__name__
