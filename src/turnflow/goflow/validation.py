"""Validating goflow flow definitions: goflow's struct tags as data, and its checks.

:class:`F` describes one field of a goflow struct (its JSON kind and validation tags) and
:func:`validate_fields` checks a JSON object against a tuple of them, raising a
:class:`FlowReadError` with goflow's message and the JSON path of the first problem. Here too
are the specs of every action type and of asset references, the flow types each action and
wait may be used in, and the checks goflow makes once a flow is decoded: actions'
``Validate()``, limits and references within nodes and routers, and the localization.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..core.graph import Node
from ..errors import TurnflowError
from ..expressions.cases import CASE_TESTS
from .languages import is_language

MAX_NODES = 1000
MAX_ACTIONS = 100
MAX_EXITS = 100
MAX_CATEGORIES = 100
MAX_CASES = 100
MAX_CASE_ARGUMENTS = 10

FLOW_TYPES = ("messaging", "messaging_background", "messaging_offline", "voice")


class FlowReadError(TurnflowError):
    """A flow definition goflow would refuse; ``path`` is where in the JSON it went wrong."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    @property
    def detail(self) -> str:
        """The message prefixed with the JSON path, for people reading logs."""
        return f"{self.path}: {self.message}" if self.path else self.message

    def wrapped(self, prefix: str) -> FlowReadError:
        return FlowReadError(f"{prefix}: {self.message}", self.path)


# -- field validation (goflow's struct tags, as data) -----------------------------------------

_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
_RESULT_NAME_MAX = 64
_LOCAL_RE = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")
_HEADER_TOKEN_RE = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and bool(_UUID_RE.match(value))


# custom tags: name -> (check, problem)
_TAGS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "uuid": (is_uuid, "must be a valid UUID"),
    "language": (is_language, "is not a valid language code"),
    "flow_type": (lambda v: v in FLOW_TYPES, "is not a valid flow type"),
    "result_name": (
        lambda v: isinstance(v, str) and 0 < len(v.strip()) and len(v) <= _RESULT_NAME_MAX,
        "is not a valid result name",
    ),
    "local_ref": (lambda v: isinstance(v, str) and bool(_LOCAL_RE.match(v)),
                  "is not a valid local variable name"),
    "http_method": (
        lambda v: isinstance(v, str)
        and v.upper() in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT",
                          "TRACE"),
        "is not a valid HTTP method",
    ),
    "contact_status": (lambda v: v in ("active", "blocked", "stopped", "archived"),
                       "is not a valid contact status"),
    "msg_topic": (lambda v: v in ("event", "account", "purchase", "agent"),
                  "is not a valid message topic"),
    "local_operation": (lambda v: v in ("set", "increment", "clear"),
                        "is not a valid local operation"),
    "urn": (lambda v: isinstance(v, str) and bool(re.match(r"^[a-z][a-z0-9_]*:.+", v)),
            "is not a valid URN"),
}

_KIND_NAMES = {
    "str": "a string",
    "int": "an integer",
    "num": "a number",
    "bool": "a boolean",
    "list": "an array",
    "dict": "an object",
    "obj": "an object",
}


@dataclass(frozen=True)
class F:
    """One field of a goflow struct: its JSON kind and validation tags.

    ``max``/``min`` are lengths for strings, item counts for arrays and objects, values for
    numbers; ``item`` validates each array item (or object value), ``key_max`` each object key,
    ``fields`` the properties of an object field (or of each object in an array).
    """

    name: str
    kind: str = "str"
    required: bool = False
    max: int | None = None
    min: int | None = None
    tag: str | None = None
    omitempty: bool = True  # tags are skipped on zero values unless required
    item: F | None = None
    key_max: int | None = None
    fields: tuple[F, ...] | None = None


_INT64 = -(2**63)


def _type_ok(kind: str, value: Any) -> bool:
    if kind == "any":
        return True
    if kind == "str":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":  # Go's int: 64 bits (10**30 doesn't decode)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return isinstance(value, int) and not isinstance(value, bool) and _INT64 <= value < -_INT64
    if kind == "num":  # (1e999 reads as inf: the action's own check refuses it)
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "list":
        return isinstance(value, list)
    return isinstance(value, dict)  # dict, obj


def _is_zero(value: Any) -> bool:
    return value is None or value == "" or value is False or value == 0 and not isinstance(
        value, list | dict
    )


def _size(kind: str, value: Any) -> float:
    if kind in ("int", "num"):
        return float(value)
    return len(value)


def _size_problem(kind: str, bound: int, is_max: bool) -> str:
    if kind == "list":
        return f"must have a {'maximum' if is_max else 'minimum'} of {bound} items"
    return f"must be {'less' if is_max else 'greater'} than or equal to {bound}"


class _TypeMismatch(Exception):
    def __init__(self, label: str, kind: str) -> None:
        self.label = label
        self.kind = kind


def _check(spec: F, value: Any, label: str, out: list[tuple[str, str]]) -> None:
    """Validate one value against its spec, appending (label, problem) pairs to ``out``."""
    if value is None:
        if spec.required:
            out.append((label, "is required"))
        return
    if not _type_ok(spec.kind, value):
        raise _TypeMismatch(label, spec.kind)
    if spec.required and (value == "" or value is False or value == 0 and spec.kind in (
            "int", "num")):
        out.append((label, "is required"))
        return
    if not spec.required and spec.omitempty and _is_zero(value):
        return
    if spec.min is not None and _size(spec.kind, value) < spec.min:
        out.append((label, _size_problem(spec.kind, spec.min, False)))
        return
    if spec.max is not None and _size(spec.kind, value) > spec.max:
        out.append((label, _size_problem(spec.kind, spec.max, True)))
        return
    if spec.tag is not None:
        check, problem = _TAGS[spec.tag]
        if not check(value):
            out.append((label, problem))
            return
    if spec.kind == "list":
        for index, item in enumerate(value):
            item_label = f"{label}[{index}]"
            if item is None and (spec.fields is not None or spec.item is not None):
                # goflow would read a null item as an empty one (or crash on a nil pointer);
                # turnflow refuses it, so that nothing downstream meets a None
                out.append((item_label, "must not be null"))
                continue
            if spec.fields is not None:
                if not isinstance(item, dict):
                    raise _TypeMismatch(item_label, "obj")
                _check_fields(spec.fields, item, item_label + ".", out)
            elif spec.item is not None:
                _check(spec.item, item, item_label, out)
    elif spec.kind == "dict":
        for key, item in value.items():
            item_label = f"{label}[{key}]"
            if spec.key_max is not None and len(key) > spec.key_max:
                out.append((item_label, _size_problem("str", spec.key_max, True)))
            if spec.item is not None and item is None:
                out.append((item_label, "must not be null"))
            elif spec.item is not None:
                _check(spec.item, item, item_label, out)
    elif spec.kind == "obj" and spec.fields is not None:
        _check_fields(spec.fields, value, label + ".", out)


def _check_fields(specs: tuple[F, ...], data: Mapping[str, Any], prefix: str,
                  out: list[tuple[str, str]]) -> None:
    for spec in specs:
        _check(spec, data.get(spec.name), prefix + spec.name, out)


def validate_fields(specs: tuple[F, ...], data: Any, path: str, context: str = "") -> None:
    """Raise a FlowReadError listing every field of ``data`` that breaks its spec.

    ``context`` is goflow's wrapping (``unable to read node`` ...); ``path`` is the JSON path
    of ``data`` for the error's ``path``.
    """
    prefix = f"{context}: " if context else ""
    if not isinstance(data, dict):
        raise FlowReadError(f"{prefix}must be an object", path)
    problems: list[tuple[str, str]] = []
    try:
        _check_fields(specs, data, "", problems)
    except _TypeMismatch as mismatch:
        raise FlowReadError(
            f"{prefix}field '{mismatch.label}' must be {_KIND_NAMES.get(mismatch.kind, 'valid')}",
            join_path(path, mismatch.label),
        ) from None
    if problems:
        message = ", ".join(f"field '{label}' {problem}" for label, problem in problems)
        raise FlowReadError(prefix + message, join_path(path, problems[0][0]))


def join_path(path: str, label: str) -> str:
    """``label`` (a field, ``[index]`` or a dotted path) appended to the JSON path ``path``."""
    if not path:
        return label
    if not label or label.startswith("["):
        return path + label
    return f"{path}.{label}"


# -- references to assets --------------------------------------------------------------------

def _ref(uuid_required: bool = True, name_max: int | None = None, **extra: F) -> tuple[F, ...]:
    return (
        F("uuid", required=uuid_required, tag="uuid"),
        F("name", max=name_max),
        *extra.values(),
    )


GROUP_REF = (F("uuid", tag="uuid"), F("name", max=64), F("name_match"))
LABEL_REF = (F("uuid", tag="uuid"), F("name", max=64), F("name_match"))
FLOW_REF = _ref()
CHANNEL_REF = _ref()
TEMPLATE_REF = _ref()
TOPIC_REF = _ref()
CLASSIFIER_REF = _ref()
LLM_REF = _ref()
OPTIN_REF = _ref()
CONTACT_REF = _ref()
USER_REF = (F("uuid", tag="uuid"), F("email"), F("name"))
FIELD_REF = (F("key", required=True, max=36), F("name"))

_MSG_FIELDS = (
    F("text", required=True, max=10000),
    F("attachments", "list", max=10, item=F("", max=2048)),
    F("quick_replies", "list", max=10, item=F("", max=1000)),
)
_OTHER_CONTACTS = (
    F("urns", "list", max=100, item=F("", tag="urn")),
    F("groups", "list", max=100, fields=GROUP_REF),
    F("contacts", "list", max=100, fields=CONTACT_REF),
    F("contact_query", max=1000),
    F("legacy_vars", "list", max=100, item=F("", max=1000)),
)
_TEMPLATING = (
    F("uuid", tag="uuid"),
    F("template", "obj", required=True, fields=TEMPLATE_REF),
    F("variables", "list", item=F("", kind="any")),
)

# Per action type: the fields after ``type`` and ``uuid`` (which every action has), in goflow's
# struct order (so several problems are listed in goflow's order).
ACTION_FIELDS: dict[str, tuple[F, ...]] = {
    "add_contact_groups": (F("groups", "list", required=True, max=100, fields=GROUP_REF),),
    "add_contact_urn": (F("scheme", required=True), F("path", required=True, max=1000)),
    "add_input_labels": (F("labels", "list", required=True, max=100, fields=LABEL_REF),),
    "call_classifier": (
        F("classifier", "obj", fields=CLASSIFIER_REF),  # deprecated: may be gone
        F("input", max=1000),
        F("result_name", required=True, tag="result_name"),
    ),
    "call_llm": (
        F("llm", "obj", required=True, fields=LLM_REF),
        F("instructions", required=True, max=10000),
        F("input", max=1000),
        F("output_local", required=True, tag="local_ref"),
    ),
    "call_resthook": (F("resthook", required=True), F("result_name", tag="result_name")),
    "call_webhook": (
        F("method", required=True, tag="http_method"),
        F("url", required=True, max=8192),
        F("headers", "dict", max=10, key_max=100, item=F("", max=5000)),
        F("body", max=20000),
        F("result_name", tag="result_name"),
    ),
    "enter_flow": (F("flow", "obj", required=True, fields=FLOW_REF), F("terminal", "bool")),
    "open_ticket": (
        F("topic", "obj", fields=TOPIC_REF),
        F("body", max=10000),
        F("note", max=10000),
        F("assignee", "obj", fields=USER_REF),
        F("result_name", tag="result_name"),
    ),
    "play_audio": (F("audio_url", required=True, max=2048),),
    "remove_contact_groups": (
        F("groups", "list", max=100, fields=GROUP_REF),
        F("all_groups", "bool"),
    ),
    "request_optin": (F("optin", "obj", required=True, fields=OPTIN_REF),),
    "say_msg": (F("text", required=True, max=10000), F("audio_url", max=2048)),
    "send_broadcast": (
        *_MSG_FIELDS,
        F("template", "obj", fields=TEMPLATE_REF),
        F("template_variables", "list", max=100, item=F("", kind="any")),
        *_OTHER_CONTACTS,
    ),
    "send_email": (
        F("addresses", "list", required=True, min=1, max=100, item=F("", max=1000)),
        F("subject", required=True, max=1000),
        F("body", required=True, max=10000),
    ),
    "send_msg": (
        *_MSG_FIELDS,
        F("all_urns", "bool"),
        F("templating", "obj", fields=_TEMPLATING),
        F("template", "obj", fields=TEMPLATE_REF),
        F("template_variables", "list", max=100, item=F("", kind="any")),
        F("topic", tag="msg_topic"),
    ),
    "set_contact_channel": (F("channel", "obj", fields=CHANNEL_REF),),
    "set_contact_field": (F("field", "obj", required=True, fields=FIELD_REF), F("value", max=1000)),
    "set_contact_language": (F("language", max=100),),
    "set_contact_name": (F("name", max=1000),),
    "set_contact_status": (F("status", required=True, tag="contact_status"),),
    "set_contact_timezone": (F("timezone", max=100),),
    "set_run_local": (
        F("local", required=True, tag="local_ref"),
        F("value", max=1000),
        F("operation", required=True, tag="local_operation"),
    ),
    "set_run_result": (
        F("name", required=True, tag="result_name"),
        F("value", max=1000),
        F("category", max=36),
    ),
    "start_session": (
        *_OTHER_CONTACTS,
        F("flow", "obj", required=True, fields=FLOW_REF),
        F("exclusions", "obj"),
        F("create_contact", "bool"),
    ),
    "transfer_airtime": (F("amounts", "dict", required=True, item=F("", kind="num")),),
}

# Flow types each action may be used in (goflow's universal / interactive / online / voice).
_UNIVERSAL = FLOW_TYPES
_INTERACTIVE = ("messaging", "messaging_offline", "voice")
_ONLINE = ("messaging", "messaging_background", "voice")
_VOICE = ("voice",)

ACTION_FLOW_TYPES: dict[str, tuple[str, ...]] = {
    "add_contact_groups": _UNIVERSAL,
    "add_contact_urn": _UNIVERSAL,
    "add_input_labels": _INTERACTIVE,
    "call_classifier": _ONLINE,
    "call_llm": _ONLINE,
    "call_resthook": _ONLINE,
    "call_webhook": _ONLINE,
    "enter_flow": _UNIVERSAL,
    "open_ticket": _ONLINE,
    "play_audio": _VOICE,
    "remove_contact_groups": _UNIVERSAL,
    "request_optin": _ONLINE,
    "say_msg": _VOICE,
    "send_broadcast": _ONLINE,
    "send_email": _ONLINE,
    "send_msg": _UNIVERSAL,
    "set_contact_channel": _ONLINE,
    "set_contact_field": _UNIVERSAL,
    "set_contact_language": _UNIVERSAL,
    "set_contact_name": _UNIVERSAL,
    "set_contact_status": _UNIVERSAL,
    "set_contact_timezone": _UNIVERSAL,
    "set_run_local": _UNIVERSAL,
    "set_run_result": _UNIVERSAL,
    "start_session": _ONLINE,
    "transfer_airtime": _ONLINE,
}

WAIT_FLOW_TYPES: dict[str, tuple[str, ...]] = {"msg": _INTERACTIVE, "dial": _VOICE}

_AIRTIME_MAX = 1e15


def validate_action(data: Mapping[str, Any]) -> str | None:
    """goflow's per-action ``Validate()`` checks beyond field tags; the problem or None."""
    kind = data.get("type")
    if kind == "call_webhook":
        for key in data.get("headers") or {}:
            if not _HEADER_TOKEN_RE.match(key):
                return f"header '{key}' is not a valid HTTP header"
    elif kind == "remove_contact_groups":
        if data.get("all_groups") and data.get("groups"):
            return "can't specify specific groups when all_groups=true"
    elif kind == "transfer_airtime":
        for currency, amount in (data.get("amounts") or {}).items():
            if not math.isfinite(amount):
                return "number value is out of permitted range"
            if amount < 0 or amount >= _AIRTIME_MAX:
                return f"amount for '{currency}' is out of range"
    return None


# -- graph validation ---------------------------------------------------------------------------

def _validate_router(node: Node, flow_type: str) -> str | None:
    router = node.router
    assert router is not None
    if len(router.categories) > MAX_CATEGORIES:
        return f"can't have more than {MAX_CATEGORIES} categories (has {len(router.categories)})"
    category_uuids = {category.uuid for category in router.categories}
    if router.type == "switch":
        if len(router.cases) > MAX_CASES:
            return f"can't have more than {MAX_CASES} cases (has {len(router.cases)})"
        default = router.default_category_uuid
        if default and default not in category_uuids:
            return f"default category {default} is not a valid category"
        for case in router.cases:
            problem = None
            if case.category_uuid not in category_uuids:
                problem = f"category {case.category_uuid} is not a valid category"
            elif len(case.arguments) > MAX_CASE_ARGUMENTS:
                problem = (
                    f"can't have more than {MAX_CASE_ARGUMENTS} arguments "
                    f"(has {len(case.arguments)})"
                )
            elif case.type.lower() not in CASE_TESTS:
                problem = f"{case.type} is not a registered test function"
            if problem:
                return f"invalid case[uuid={case.uuid}]: {problem}"
    wait = router.wait
    if wait is not None and wait.timeout is not None:
        if wait.timeout.category_uuid not in category_uuids:
            return f"timeout category {wait.timeout.category_uuid} is not a valid category"
    exit_uuids = {exit_.uuid for exit_ in node.exits}
    for category in router.categories:
        if category.exit_uuid not in exit_uuids:
            return f"category exit {category.exit_uuid} is not a valid exit"
    if wait is not None and flow_type not in WAIT_FLOW_TYPES[wait.type]:
        return f"wait type '{wait.type}' is not allowed in a flow of type '{flow_type}'"
    return None


def validate_node(node: Node, data: Mapping[str, Any], path: str, flow_type: str,
                  node_uuids: set[str], seen: set[str]) -> tuple[str, str] | None:
    """The first problem with a node read from ``data`` at ``path``, as (message, JSON path),
    or None. ``seen`` holds the action and exit UUIDs of the nodes before; this node's are
    added."""
    actions = data.get("actions") or []
    if len(actions) > MAX_ACTIONS:
        return f"node can't have more than {MAX_ACTIONS} actions (has {len(actions)})", path
    if len(node.exits) > MAX_EXITS:
        return f"node can't have more than {MAX_EXITS} exits (has {len(node.exits)})", path

    for index, (action, raw) in enumerate(zip(node.actions, actions, strict=True)):
        action_path = f"{path}.actions[{index}]"
        allowed = ACTION_FLOW_TYPES.get(action.type, FLOW_TYPES)
        if flow_type not in allowed:
            return (
                f"action type '{action.type}' is not allowed in a flow of type '{flow_type}'",
                action_path,
            )
        if action.uuid in seen:
            return f"action UUID {action.uuid} isn't unique", action_path
        seen.add(action.uuid)
        problem = validate_action(raw)
        if problem:
            return f"invalid action[uuid={action.uuid}, type={action.type}]: {problem}", action_path

    if node.router is not None:
        problem = _validate_router(node, flow_type)
        if problem:
            return f"invalid router: {problem}", f"{path}.router"

    for index, exit_ in enumerate(node.exits):
        exit_path = f"{path}.exits[{index}]"
        if exit_.uuid in seen:
            return f"exit UUID {exit_.uuid} isn't unique", exit_path
        seen.add(exit_.uuid)
        if exit_.destination_uuid and exit_.destination_uuid not in node_uuids:
            return (
                f"destination {exit_.destination_uuid} of exit[uuid={exit_.uuid}] "
                "isn't a known node",
                exit_path + ".destination_uuid",
            )
    return None


def _truncate(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def validate_localization(localization: dict[str, Any], path: str) -> None:
    """Raise a FlowReadError for the first problem in a flow's ``localization``: a bad
    language code, item UUID or property name, or a translation that isn't an object."""
    for language, translation in localization.items():
        lang_path = f"{path}.{language}"
        if not is_language(language):
            raise FlowReadError(f"invalid localization: invalid language code '{language}'",
                                lang_path)
        if translation is None:
            continue
        if not isinstance(translation, dict):
            raise FlowReadError("field 'localization' must be an object", lang_path)
        for item_uuid, props in translation.items():
            item_path = f"{lang_path}.{item_uuid}"
            prefix = f"invalid localization: invalid translation for '{language}'"
            if not is_uuid(item_uuid):
                raise FlowReadError(f"{prefix}: invalid item uuid '{_truncate(item_uuid)}'",
                                    item_path)
            if props is None:
                continue
            if not isinstance(props, dict):
                raise FlowReadError("field 'localization' must be an object", item_path)
            for key in props:
                if not key or len(key) > 64:
                    raise FlowReadError(
                        f"{prefix}: invalid item translation for '{item_uuid}': "
                        f"invalid property name '{_truncate(key)}'",
                        f"{item_path}.{key}",
                    )
                # values that aren't text arrays (editor data such as "_ui") are kept unread
