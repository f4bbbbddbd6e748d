"""From the values of a bot's files (includes resolved) to the model objects, collecting every
problem on the way (unknown keys, wrong types, missing required keys) with file and line.

Each ``read_*`` method takes the value, the mapping (or list) that holds it and its key there
(for the line), and a label naming the object in problems (``flow 'order' state 'ask'``).
A wrong value is reported once and read as if absent, so one mistake does not hide others.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ...located_yaml import kind_of
from ..model import (
    SCHEMAS,
    Action,
    AttributeSpec,
    Bot,
    Classifier,
    Expression,
    Flow,
    Intent,
    MappingEntry,
    Method,
    Nlu,
    State,
    StateAction,
    StateMapping,
    Transition,
    Where,
)
from ..problems import Problem
from .files import IncludedText, YamlMap
from .include import BROKEN, Located

T = TypeVar("T")

BOT_KEYS = ("schema", "name", "desc", "lang", "id", "version", "revision", "timezone", "flows",
            "methods", "nlus", "config", "method")
FLOW_KEYS = ("active", "volatile", "expire", "fallback", "priority", "invalidate", "intents",
             "states", "actions", "methods", "nlus")
INTENT_KEYS = ("type", "condition", "classifier", "attributes", "fallback", "priority",
               "initial")
CLASSIFIER_KEYS = ("nlu", "match", "hint", "options", "process", "dict", "expression")
ATTRIBUTE_KEYS = ("nlu", "path", "hint", "options", "process", "dict")
STATE_KEYS = ("initial", "end", "action", "transitions", "float", "enter", "transit", "exit",
              "actions")
# spellings the docs' own examples use for a key: read as that key
STATE_ALIASES = {"actions": "action"}  # (the api action example of the KataML spec)
BOT_ALIASES = {"method": "methods"}  # (the method-from-file example of the KataML spec)
TRANSITION_KEYS = ("condition", "priority", "fallback", "mapping")
STATE_ACTION_KEYS = ("name", "condition", "options")
ACTION_KEYS = ("type", "options", "method", "condition", "command")
NLU_KEYS = ("type", "options", "method", "process")
METHOD_KEYS = ("code", "entry")

_METHOD_KEY = re.compile(r"\s*([A-Za-z_$][\w$]*)\s*(?:\(([^()]*)\))?\s*\Z")
_PARAM = re.compile(r"[A-Za-z_$][\w$]*\Z")


def js_key(key: Any) -> str:
    """A mapping key as JavaScript would have it (object keys are strings)."""
    return js_literal(key) if not isinstance(key, str) else key


def js_literal(value: Any) -> str:
    """A YAML scalar written as JavaScript source."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    return str(value)


def parse_method_key(key: str) -> tuple[str, tuple[str, ...]] | None:
    """``name(a, b)`` (or a bare ``name``) as (name, params); None when it is neither."""
    found = _METHOD_KEY.match(key)
    if found is None:
        return None
    params = tuple(p.strip() for p in (found.group(2) or "").split(",") if p.strip())
    if not all(_PARAM.match(p) for p in params):
        return None
    return found.group(1), params


class ObjectReader:
    """Reads model objects out of a :class:`Located` value; ``problems`` collects what is
    wrong."""

    def __init__(self, located: Located, problems: list[Problem]) -> None:
        self.located = located
        self.problems = problems
        self._made: list[Any] = []
        self._merges: dict[tuple[int, int], Any] = {}

    # -- places and problems

    def where(self, holder: Any, key: Any = None) -> Where:
        """Where the value under ``key`` of ``holder`` is (the holder's line without a key)."""
        file = self.located.file_of(holder)
        if key is None:
            return Where(file, getattr(holder, "line", 0))
        line_of = getattr(holder, "line_of", None)
        return Where(file, line_of(key) if line_of is not None else 0)

    def problem(self, where: Where, message: str) -> None:
        self.problems.append(Problem(where.file, where.line, message))

    def check_keys(self, value: dict[Any, Any], allowed: tuple[str, ...], label: str,
                   aliases: dict[str, str] | None = None) -> None:
        """A problem for each key not ``allowed`` (``aliases`` are allowed, not listed)."""
        for key in value:
            if key in allowed:
                continue
            name = js_key(key)
            close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.75)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            shown = ", ".join(k for k in allowed if k not in (aliases or ()))
            self.problem(self.where(value, key),
                         f"{label}: unknown key {name!r}{hint}; known: {shown}")

    def aliased(self, value: dict[Any, Any], aliases: dict[str, str],
                label: str) -> dict[Any, Any]:
        """``value`` with each alias read as its key (a problem when both are written)."""
        present = [alias for alias in aliases if alias in value]
        if not present:
            return value
        renamed = YamlMap(getattr(value, "line", 0))
        for key, item in value.items():
            name = aliases.get(key, key) if isinstance(key, str) else key
            if key in aliases and aliases[key] in value:
                merged = self._merged(value[aliases[key]], item, key, aliases[key], label)
                if merged is None:
                    self.problem(self.where(value, key),
                                 f"{label}: both {key!r} and {aliases[key]!r}; write only "
                                 f"{aliases[key]!r}")
                continue
            if isinstance(key, str) and key in aliases.values():
                alias = next(a for a, k in aliases.items() if k == key)
                if alias in value:
                    item = self._merged(item, value[alias], alias, key, label) or item
            renamed[name] = item
            renamed.key_lines[name] = self.where(value, key).line
        self.located.files[id(renamed)] = self.located.file_of(value)
        self._made.append(renamed)  # (kept alive: ``files`` is keyed by id)
        return renamed

    def _merged(self, canonical: Any, alias: Any, alias_key: str, key: str,
                label: str) -> dict[Any, Any] | None:
        """Both spellings written as mappings in one file (a bot's ``methods`` and the
        method-from-file example's ``method``): one mapping of both; a name in both is a
        problem. None when they can't be merged."""
        if key != "methods" or not (isinstance(canonical, dict) and isinstance(alias, dict)) or (
                self.located.file_of(canonical) != self.located.file_of(alias)):
            return None  # (a state's action and actions are one thing written twice)
        cached = self._merges.get((id(canonical), id(alias)))
        if cached is not None:
            return cached
        merged = YamlMap(getattr(canonical, "line", 0))
        for source in (canonical, alias):
            for name, item in source.items():
                if name in merged:
                    self.problem(self.where(source, name),
                                 f"{label}: {name!r} is written both under {key!r} and "
                                 f"under {alias_key!r}")
                    continue
                merged[name] = item
                merged.key_lines[name] = self.where(source, name).line
        self.located.files[id(merged)] = self.located.file_of(canonical)
        self._made.append(merged)
        self._merges[(id(canonical), id(alias))] = merged
        return merged

    # -- typed values

    def mapping(self, value: Any, holder: Any, key: Any, label: str) -> dict[Any, Any] | None:
        """A mapping value (None for null, broken or a reported wrong type)."""
        if value is None or value is BROKEN:
            return None
        if isinstance(value, dict):
            return value
        self.problem(self.where(holder, key),
                     f"{label}: must be a mapping, not {kind_of(value)}")
        return None

    def text(self, value: Any, holder: Any, key: Any, label: str,
             numbers: bool = False) -> str | None:
        if value is None or value is BROKEN:
            return None
        if isinstance(value, str):
            return value
        if numbers and isinstance(value, int | float) and not isinstance(value, bool):
            return js_literal(value)
        self.problem(self.where(holder, key), f"{label}: must be a string, not {kind_of(value)}")
        return None

    def flag(self, value: Any, holder: Any, key: Any, label: str, default: bool = False) -> bool:
        if value is None or value is BROKEN:
            return default
        if isinstance(value, bool):
            return value
        self.problem(self.where(holder, key),
                     f"{label}: must be true or false, not {kind_of(value)}")
        return default

    def number(self, value: Any, holder: Any, key: Any, label: str) -> float | None:
        if value is None or value is BROKEN:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        self.problem(self.where(holder, key), f"{label}: must be a number, not {kind_of(value)}")
        return None

    def expression(self, value: Any, holder: Any, key: Any, label: str) -> Expression | None:
        if value is None or value is BROKEN:
            return None
        if isinstance(value, dict | list):
            self.problem(self.where(holder, key),
                         f"{label}: must be an expression (a string), not {kind_of(value)}")
            return None
        return Expression(js_literal(value), self.where(holder, key))

    def names(self, value: Any, holder: Any, key: Any, label: str) -> tuple[str, ...]:
        """A method name or a list of them (``process``)."""
        if value is None or value is BROKEN:
            return ()
        items = value if isinstance(value, list) else [value]
        names = []
        for index, item in enumerate(items):
            at_holder, at_key = (value, index) if isinstance(value, list) else (holder, key)
            name = self.text(item, at_holder, at_key, label)
            if name is not None:
                names.append(name)
        return tuple(names)

    def options(self, value: Any, holder: Any, key: Any, label: str) -> dict[str, Any]:
        found = self.mapping(value, holder, key, f"{label} options")
        return found if found is not None else {}

    def named(self, value: Any, holder: Any, key: Any, label: str, kind: str,
              read: Callable[[str, Any, Any, Any, str], T | None]) -> dict[str, T]:
        """A ``{name: object}`` mapping read with ``read(name, value, holder, key, label)``."""
        found = self.mapping(value, holder, key, label)
        result: dict[str, T] = {}
        if found is None:
            return result
        for name_key, item in found.items():
            name = js_key(name_key)
            if item is BROKEN:
                continue
            obj = read(name, item, found, name_key, f"{label} {kind} {name!r}".strip())
            if obj is not None:
                result[name] = obj
        return result

    # -- the objects

    def read_bot(self, value: Any, file: str, require_schema: bool = True,
                 directory: Path | None = None) -> Bot | None:
        where = Where(file, getattr(value, "line", 1) or 1)
        if value is BROKEN:
            return None
        if not isinstance(value, dict):
            self.problem(Where(file, getattr(value, "line", 1) or 1),
                         f"a bot must be a mapping of bot keys, not {kind_of(value)}")
            return None
        self.check_keys(value, BOT_KEYS, "bot", BOT_ALIASES)
        value = self.aliased(value, BOT_ALIASES, "bot")
        schema = value.get("schema")
        if "schema" not in value:
            if require_schema:
                self.problem(where, "bot: no schema (kata.ai/schema/kata-ml/1.0)")
            schema = ""
        elif not isinstance(schema, str) or schema not in SCHEMAS:
            if schema is not BROKEN:
                shown = repr(schema) if isinstance(schema, str) else f"({kind_of(schema)})"
                self.problem(self.where(value, "schema"),
                             f"bot: unknown schema {shown}; expected kata.ai/schema/kata-ml/1.0")
            schema = ""
        timezone = self.number(value.get("timezone"), value, "timezone", "bot timezone")
        methods = self.read_methods(value.get("methods"), value, "bot")
        return Bot(
            schema=schema,
            name=self.text(value.get("name"), value, "name", "bot name", numbers=True) or "",
            desc=self.text(value.get("desc"), value, "desc", "bot desc", numbers=True) or "",
            lang=self.text(value.get("lang"), value, "lang", "bot lang"),
            id=self.text(value.get("id"), value, "id", "bot id", numbers=True),
            version=self.text(value.get("version"), value, "version", "bot version",
                              numbers=True),
            revision=self.text(value.get("revision"), value, "revision", "bot revision",
                               numbers=True),
            timezone=timezone,
            flows=self.named(value.get("flows"), value, "flows", "", "flow", self.read_flow),
            methods=methods,
            nlus=self.named(value.get("nlus"), value, "nlus", "bot", "nlu", self.read_nlu),
            config=self.mapping(value.get("config"), value, "config", "bot config") or {},
            directory=directory if directory is not None else Path(file).parent,
            file=file,
            where=where,
        )

    def read_flow(self, name: str, value: Any, holder: Any, key: Any, label: str) -> Flow | None:
        if value is None:
            value = {}
        body = self.mapping(value, holder, key, label)
        if body is None:
            return None
        self.check_keys(body, FLOW_KEYS, label)
        return Flow(
            name=name,
            active=self.flag(body.get("active"), body, "active", f"{label} active", True),
            volatile=self.flag(body.get("volatile"), body, "volatile", f"{label} volatile"),
            expire=self.number(body.get("expire"), body, "expire", f"{label} expire"),
            fallback=self.flag(body.get("fallback"), body, "fallback", f"{label} fallback"),
            priority=self.number(body.get("priority"), body, "priority",
                                 f"{label} priority") or 0,
            invalidate=self.number(body.get("invalidate"), body, "invalidate",
                                   f"{label} invalidate"),
            intents=self.named(body.get("intents"), body, "intents", label, "intent",
                               self.read_intent),
            states=self.named(body.get("states"), body, "states", label, "state",
                              self.read_state),
            actions=self.named(body.get("actions"), body, "actions", label, "action",
                               self.read_action),
            methods=self.read_methods(body.get("methods"), body, label),
            nlus=self.named(body.get("nlus"), body, "nlus", label, "nlu", self.read_nlu),
            where=self.where(holder, key),
        )

    def read_intent(self, name: str, value: Any, holder: Any, key: Any,
                    label: str) -> Intent | None:
        if value is None:
            value = {}
        body = self.mapping(value, holder, key, label)
        if body is None:
            return None
        self.check_keys(body, INTENT_KEYS, label)
        kind = self.text(body.get("type"), body, "type", f"{label} type")
        if kind is not None and kind not in ("text", "data", "command"):
            self.problem(self.where(body, "type"),
                         f"{label} type: must be text, data or command, not {kind!r}")
            kind = None
        conditions: list[Expression] = []
        condition = body.get("condition")
        if isinstance(condition, list):
            for index in range(len(condition)):
                found = self.expression(condition[index], condition, index, f"{label} condition")
                if found is not None:
                    conditions.append(found)
        else:
            found = self.expression(condition, body, "condition", f"{label} condition")
            if found is not None:
                conditions.append(found)
        classifiers: list[Classifier] = []
        classifier = body.get("classifier")
        if isinstance(classifier, list):
            for index in range(len(classifier)):
                read = self.read_classifier(classifier[index], classifier, index,
                                            f"{label} classifier {index + 1}")
                if read is not None:
                    classifiers.append(read)
        elif classifier is not None:
            read = self.read_classifier(classifier, body, "classifier", f"{label} classifier")
            if read is not None:
                classifiers.append(read)
        return Intent(
            name=name,
            type=kind,
            conditions=tuple(conditions),
            classifiers=tuple(classifiers),
            attributes=self.named(body.get("attributes"), body, "attributes", label,
                                  "attribute", self.read_attribute),
            fallback=self.flag(body.get("fallback"), body, "fallback", f"{label} fallback"),
            priority=self.number(body.get("priority"), body, "priority",
                                 f"{label} priority") or 0,
            initial=self.flag(body.get("initial"), body, "initial", f"{label} initial"),
            where=self.where(holder, key),
        )

    def read_classifier(self, value: Any, holder: Any, key: Any,
                        label: str) -> Classifier | None:
        body = self.mapping(value, holder, key, label)
        if body is None:
            return None
        self.check_keys(body, CLASSIFIER_KEYS, label)
        nlu = self.text(body.get("nlu"), body, "nlu", f"{label} nlu")
        if nlu is None:
            if "nlu" not in body:
                self.problem(self.where(holder, key), f"{label}: no nlu")
            return None
        match = body.get("match")
        if isinstance(match, dict | list):
            self.problem(self.where(body, "match"),
                         f"{label} match: must be a label (string or number), not {kind_of(match)}")
            match = None
        return Classifier(
            nlu=nlu,
            match=None if match is BROKEN else match,
            hint=self.text(body.get("hint"), body, "hint", f"{label} hint"),
            options=self.options(body.get("options"), body, "options", label),
            process=self.names(body.get("process"), body, "process", f"{label} process"),
            dictionary=self.mapping(body.get("dict"), body, "dict", f"{label} dict") or {},
            expression=self.expression(body.get("expression"), body, "expression",
                                       f"{label} expression"),
            where=self.where(holder, key),
        )

    def read_attribute(self, name: str, value: Any, holder: Any, key: Any,
                       label: str) -> AttributeSpec | None:
        body = self.mapping(value, holder, key, label)
        if body is None:
            if value is None:
                self.problem(self.where(holder, key), f"{label}: no nlu")
            return None
        self.check_keys(body, ATTRIBUTE_KEYS, label)
        nlu = self.text(body.get("nlu"), body, "nlu", f"{label} nlu")
        if nlu is None:
            if "nlu" not in body:
                self.problem(self.where(holder, key), f"{label}: no nlu")
            return None
        return AttributeSpec(
            name=name,
            nlu=nlu,
            path=self.text(body.get("path"), body, "path", f"{label} path", numbers=True),
            hint=self.text(body.get("hint"), body, "hint", f"{label} hint"),
            options=self.options(body.get("options"), body, "options", label),
            process=self.names(body.get("process"), body, "process", f"{label} process"),
            dictionary=self.mapping(body.get("dict"), body, "dict", f"{label} dict") or {},
            where=self.where(holder, key),
        )

    def read_state(self, name: str, value: Any, holder: Any, key: Any,
                   label: str) -> State | None:
        if value is None:
            value = {}
        body = self.mapping(value, holder, key, label)
        if body is None:
            return None
        self.check_keys(body, STATE_KEYS, label, STATE_ALIASES)
        body = self.aliased(body, STATE_ALIASES, label)
        floating = None
        if body.get("float") is not None:
            floating = self.read_transition(name, body["float"], body, "float",
                                            f"{label} float", floating=True)
        transitions = self.named(body.get("transitions"), body, "transitions", label,
                                 "transition to", self.read_transition)
        return State(
            name=name,
            initial=self.flag(body.get("initial"), body, "initial", f"{label} initial"),
            end=self.flag(body.get("end"), body, "end", f"{label} end"),
            actions=self.read_state_actions(body.get("action"), body, "action",
                                            f"{label} action"),
            transitions=tuple(transitions.values()),
            float=floating,
            enter=self.read_mapping(body.get("enter"), body, "enter", f"{label} enter"),
            transit=self.read_mapping(body.get("transit"), body, "transit", f"{label} transit"),
            exit=self.read_mapping(body.get("exit"), body, "exit", f"{label} exit"),
            where=self.where(holder, key),
        )

    def read_state_actions(self, value: Any, holder: Any, key: Any,
                           label: str) -> tuple[StateAction, ...]:
        if value is None or value is BROKEN:
            return ()
        if not isinstance(value, list):
            found = self.read_state_action(value, holder, key, label)
            return (found,) if found is not None else ()
        actions = []
        for index in range(len(value)):
            found = self.read_state_action(value[index], value, index, f"{label} {index + 1}")
            if found is not None:
                actions.append(found)
        return tuple(actions)

    def read_state_action(self, value: Any, holder: Any, key: Any,
                          label: str) -> StateAction | None:
        where = self.where(holder, key)
        if isinstance(value, str):
            return StateAction(name=value, where=where)
        body = self.mapping(value, holder, key, label)
        if body is None:
            if value is None:
                self.problem(where, f"{label}: no action name")
            return None
        self.check_keys(body, STATE_ACTION_KEYS, label)
        name = self.text(body.get("name"), body, "name", f"{label} name")
        if name is None:
            if "name" not in body:
                self.problem(where, f"{label}: no name")
            return None
        options = body.get("options")
        return StateAction(
            name=name,
            condition=self.expression(body.get("condition"), body, "condition",
                                      f"{label} condition"),
            options=(self.options(options, body, "options", label)
                     if options is not None and options is not BROKEN else None),
            where=where,
        )

    def read_transition(self, target: str, value: Any, holder: Any, key: Any, label: str,
                        floating: bool = False) -> Transition | None:
        where = self.where(holder, key)
        if value is None:
            return Transition(target=target, floating=floating, where=where)
        if not isinstance(value, dict | list):  # the short form: the condition alone
            condition = self.expression(value, holder, key, f"{label} condition")
            return Transition(target=target, condition=condition, floating=floating,
                              where=where)
        body = self.mapping(value, holder, key, label)
        if body is None:
            return None
        self.check_keys(body, TRANSITION_KEYS, label)
        return Transition(
            target=target,
            condition=self.expression(body.get("condition"), body, "condition",
                                      f"{label} condition"),
            priority=self.number(body.get("priority"), body, "priority",
                                 f"{label} priority") or 0,
            fallback=self.flag(body.get("fallback"), body, "fallback", f"{label} fallback"),
            mapping=self.read_mapping(body.get("mapping"), body, "mapping", f"{label} mapping"),
            floating=floating,
            where=where,
        )

    def read_mapping(self, value: Any, holder: Any, key: Any,
                     label: str) -> StateMapping | None:
        if value is None or value is BROKEN:
            return None
        where = self.where(holder, key)
        if isinstance(value, str):
            return StateMapping(method=value.strip(), where=where)
        body = self.mapping(value, holder, key, label)
        if body is None:
            return None
        entries = []
        for target_key, item in body.items():
            target = js_key(target_key)
            expression = self.expression(item, body, target_key, f"{label} {target}")
            if expression is not None:
                entries.append(MappingEntry(target, expression, self.where(body, target_key)))
        return StateMapping(entries=tuple(entries), where=where)

    def read_action(self, name: str, value: Any, holder: Any, key: Any,
                    label: str) -> Action | None:
        body = self.mapping(value, holder, key, label)
        if body is None:
            if value is None:
                self.problem(self.where(holder, key), f"{label}: no type")
            return None
        self.check_keys(body, ACTION_KEYS, label)
        kind = self.text(body.get("type"), body, "type", f"{label} type")
        if kind is None:
            if "type" not in body:
                self.problem(self.where(holder, key), f"{label}: no type")
            return None
        options = self.options(body.get("options"), body, "options", label)
        if "command" in body and body["command"] is not BROKEN:
            # the concepts page writes a command action's command beside its type
            if "command" in options:
                self.problem(self.where(body, "command"),
                             f"{label}: command both beside type and in options")
            else:
                options = {**options, "command": body["command"]}
        return Action(
            name=name,
            type=kind,
            options=options,
            method=self.text(body.get("method"), body, "method", f"{label} method"),
            condition=self.expression(body.get("condition"), body, "condition",
                                      f"{label} condition"),
            where=self.where(holder, key),
        )

    def read_nlu(self, name: str, value: Any, holder: Any, key: Any, label: str) -> Nlu | None:
        body = self.mapping(value, holder, key, label)
        if body is None:
            if value is None:
                self.problem(self.where(holder, key), f"{label}: no type")
            return None
        self.check_keys(body, NLU_KEYS, label)
        kind = self.text(body.get("type"), body, "type", f"{label} type")
        if kind is None:
            if "type" not in body:
                self.problem(self.where(holder, key), f"{label}: no type")
            return None
        return Nlu(
            name=name,
            type=kind,
            options=self.options(body.get("options"), body, "options", label),
            method=self.text(body.get("method"), body, "method", f"{label} method"),
            process=self.names(body.get("process"), body, "process", f"{label} process"),
            where=self.where(holder, key),
        )

    def read_methods(self, value: Any, holder: Any, label: str) -> dict[str, Method]:
        """``methods``: keyed by signature in the file, by name here."""
        methods: dict[str, Method] = {}
        for method in self.named(value, holder, "methods", label, "method",
                                 self.read_method).values():
            if method.name in methods:
                self.problem(method.where, f"{label}: method {method.name!r} defined twice "
                             f"(first at line {methods[method.name].where.line})")
                continue
            methods[method.name] = method
        return methods

    def read_method(self, key_text: str, value: Any, holder: Any, key: Any,
                    label: str) -> Method | None:
        where = self.where(holder, key)
        parsed = parse_method_key(key_text)
        if parsed is None:
            self.problem(where, f"{label}: not a method signature like name(a, b)")
            return None
        name, params = parsed
        entry = None
        code_value: Any = value
        code_holder, code_key = holder, key
        if isinstance(value, dict):
            self.check_keys(value, METHOD_KEYS, label)
            code_value, code_holder, code_key = value.get("code"), value, "code"
            entry = self.text(value.get("entry"), value, "entry", f"{label} entry")
            if "code" not in value:
                self.problem(where, f"{label}: no code")
                return None
        if code_value is BROKEN:
            return None
        if code_value is None:
            code_value = ""
        code = self.text(code_value, code_holder, code_key, f"{label} code", numbers=True)
        if code is None:
            return None
        code_where = self.where(code_holder, code_key)
        if isinstance(code_value, IncludedText):
            code_where = Where(code_value.file, 1)
        return Method(name=name, params=params, code=str(code), entry=entry, where=where,
                      code_where=code_where)

