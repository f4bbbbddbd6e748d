"""Reading and validating goflow flow definitions (spec 13.x - 14.4.2) into turnflow's graph.

``read_flow(data)`` checks everything goflow checks when it reads a definition and raises a
:class:`FlowReadError` whose message is goflow's (e.g. ``unable to read node: field 'exits'
must have a minimum of 1 items``) and whose ``path`` is the JSON path of the problem.

The checks run in goflow's order: the header (uuid, name, spec_version), then every node is
decoded (node fields, its router, its actions), then the flow's own fields, then the graph as a
whole (limits, unique UUIDs, references between exits, categories and cases, flow types).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..core.graph import Case, Category, Exit, Flow, Node, Router, Timeout, Wait
from ..errors import TurnflowError
from ..generators import UUIDSource
from .legacy import LegacyFlowError, is_legacy_definition, migrate_legacy
from .legacy.versions import LATEST_LEGACY, LegacyVersionError, upgrade_legacy
from .legacy.versions import normalize_version as normalize_legacy_version
from .migrations import MigrationError, migrate

CURRENT_SPEC_VERSION = (14, 4, 2)
CURRENT_SPEC_TEXT = "14.4.2"

MAX_NODES = 1000
MAX_ACTIONS = 100
MAX_EXITS = 100
MAX_CATEGORIES = 100
MAX_CASES = 100
MAX_CASE_ARGUMENTS = 10

FLOW_TYPES = ("messaging", "messaging_background", "messaging_offline", "voice")
ROUTER_TYPES = ("switch", "random")
WAIT_TYPES = ("msg", "dial")
HINT_TYPES = ("audio", "digits", "image", "location", "video")


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

_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_RESULT_NAME_MAX = 64
_LOCAL_RE = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")
_HEADER_TOKEN_RE = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_SEMVER_RE = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+].*)?$")


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and bool(_UUID_RE.match(value))


@lru_cache(maxsize=1)
def _iso639_3() -> frozenset[str]:
    """ISO 639-3 language codes (from pycountry's copy of the standard).

    Read from pycountry's data file directly, the file ``pycountry.languages`` loads: that
    is ~6 ms, where importing pycountry and building its ~7,900 language objects is ~40 ms,
    paid by the first flow read in every process."""
    codes = _iso639_3_from_file()
    if codes is not None:
        return codes
    import pycountry

    return frozenset(language.alpha_3 for language in pycountry.languages)


def _iso639_3_from_file() -> frozenset[str] | None:
    """The alpha_3 codes of pycountry's ``databases/iso639-3.json`` (what its Languages
    database reads, under the same root key), without importing pycountry; None if the
    file can't be read so."""
    import importlib.util
    import json
    import os

    try:
        spec = importlib.util.find_spec("pycountry")
        locations = spec.submodule_search_locations if spec is not None else None
        if not locations:
            return None
        path = os.path.join(list(locations)[0], "databases", "iso639-3.json")
        with open(path, encoding="utf-8") as file:
            entries = json.load(file)["639-3"]
        return frozenset(entry["alpha_3"] for entry in entries)
    except (OSError, ValueError, KeyError, TypeError, ImportError):
        return None


def is_language(code: Any) -> bool:
    """goflow's language check: a 3-letter ISO 639-3 code (``und`` and ``mul`` included)."""
    if not isinstance(code, str) or not re.fullmatch(r"[a-z]{3}", code):
        return False
    return code in ("und", "mul") or code in _iso639_3()


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


def _type_ok(kind: str, value: Any) -> bool:
    if kind == "any":
        return True
    if kind == "str":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool) or (
            isinstance(value, float) and value.is_integer()
        )
    if kind == "num":
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
            if spec.fields is not None:
                if item is None:
                    continue
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
            if spec.item is not None:
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
            _join(path, mismatch.label),
        ) from None
    if problems:
        message = ", ".join(f"field '{label}' {problem}" for label, problem in problems)
        raise FlowReadError(prefix + message, _join(path, problems[0][0]))


def _join(path: str, label: str) -> str:
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


# -- actions ------------------------------------------------------------------------------------

try:  # the real action classes, once the lead's registry exists
    from .actions import ACTIONS as _REGISTRY  # type: ignore[import-not-found,attr-defined]
except ImportError:  # pragma: no cover - depends on the tree's state
    _REGISTRY = {}


@dataclass(frozen=True)
class GenericAction:
    """A read-only stand-in for an action type with no class yet: keeps its definition."""

    uuid: str
    type: str
    raw: dict[str, Any] = field(repr=False, compare=False)

    def execute(self, runtime: Any) -> None:
        runtime.error(f"action type '{self.type}' is not supported yet")

    def to_json(self) -> dict[str, Any]:
        return dict(self.raw)


def action_registry() -> Mapping[str, Any]:
    return _REGISTRY


def read_action(data: Any, path: str) -> Any:
    """Read one action: its type, its fields, then the class for it (goflow's ReadAction).

    Errors carry no ``unable to read action`` prefix; the node reader adds it.
    """
    kind = data.get("type") if isinstance(data, dict) else None
    if not kind:
        raise FlowReadError("field 'type' is required", _join(path, "type"))
    if not isinstance(kind, str):
        raise FlowReadError("field 'type' must be a string", _join(path, "type"))
    specs = ACTION_FIELDS.get(kind)
    registry = action_registry()
    if specs is None and kind not in registry:
        raise FlowReadError(f"unknown type: '{kind}'", _join(path, "type"))
    validate_fields((F("uuid", required=True, tag="uuid"), *(specs or ())), data, path)
    cls = registry.get(kind)
    if cls is None:
        return GenericAction(data["uuid"], kind, data)
    try:
        return cls.from_json(data, path)
    except FlowReadError:
        raise
    except TurnflowError as exc:
        raise FlowReadError(str(exc), path) from exc


# -- nodes, routers, waits ----------------------------------------------------------------------

_EXIT_FIELDS = (F("uuid", required=True, tag="uuid"), F("destination_uuid", tag="uuid"))
_NODE_FIELDS = (
    F("uuid", required=True, tag="uuid"),
    F("actions", "list"),
    F("router", "obj"),
    F("exits", "list", required=True, min=1),
)
_CATEGORY_FIELDS = (
    F("uuid", required=True, tag="uuid"),
    F("name", max=36),
    F("exit_uuid", required=True, tag="uuid"),
)
_CASE_FIELDS = (
    F("uuid", required=True, tag="uuid"),
    F("type", required=True),
    F("arguments", "list", item=F("", kind="str")),
    F("category_uuid", required=True, tag="uuid"),
)
_ROUTER_FIELDS = (
    F("type", required=True),
    F("wait", "obj"),
    F("result_name", tag="result_name"),
    F("categories", "list", required=True, min=1),
)
_SWITCH_FIELDS = (
    *_ROUTER_FIELDS,
    F("operand", required=True),
    F("cases", "list", fields=_CASE_FIELDS),
    F("default_category_uuid", tag="uuid"),
)
_TIMEOUT_FIELDS = (
    F("seconds", "int", required=True, min=1),
    F("category_uuid", required=True, tag="uuid"),
)
_WAIT_FIELDS = (F("type", required=True), F("timeout", "obj", fields=_TIMEOUT_FIELDS))
_MSG_WAIT_FIELDS = (*_WAIT_FIELDS, F("hint", "obj"))
_DIAL_WAIT_FIELDS = (
    *_WAIT_FIELDS,
    F("phone", required=True),
    F("dial_limit_seconds", "int"),
    F("call_limit_seconds", "int"),
)
_HINT_FIELDS = (F("type", required=True),)
_DIGITS_HINT_FIELDS = (*_HINT_FIELDS, F("count", "int"), F("terminated_by"))


def _read_hint(data: dict[str, Any], path: str) -> dict[str, Any]:
    kind = data.get("type")
    if not kind:
        raise FlowReadError("field 'type' is required", _join(path, "type"))
    if kind not in HINT_TYPES:
        raise FlowReadError(f"unknown type: '{kind}'", _join(path, "type"))
    validate_fields(_DIGITS_HINT_FIELDS if kind == "digits" else _HINT_FIELDS, data, path)
    return data


def _read_wait(data: Any, path: str) -> Wait:
    kind = data.get("type") if isinstance(data, dict) else None
    if not kind:
        raise FlowReadError("field 'type' is required", _join(path, "type"))
    if kind not in WAIT_TYPES:
        raise FlowReadError(f"unknown type: '{kind}'", _join(path, "type"))
    validate_fields(_MSG_WAIT_FIELDS if kind == "msg" else _DIAL_WAIT_FIELDS, data, path)
    timeout = None
    if data.get("timeout"):
        timeout = Timeout(int(data["timeout"]["seconds"]), data["timeout"]["category_uuid"])
    if kind == "msg":
        hint = data.get("hint")
        if hint is not None:
            try:
                hint = _read_hint(hint, _join(path, "hint"))
            except FlowReadError as exc:
                raise exc.wrapped("unable to read hint") from None
        return Wait("msg", timeout=timeout, hint=hint)
    return Wait(
        "dial",
        timeout=timeout,
        phone=data["phone"],
        dial_limit_seconds=_opt_int(data.get("dial_limit_seconds")),
        call_limit_seconds=_opt_int(data.get("call_limit_seconds")),
    )


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _read_router(data: Any, path: str) -> Router:
    kind = data.get("type") if isinstance(data, dict) else None
    if not kind:
        raise FlowReadError("field 'type' is required", _join(path, "type"))
    if kind not in ROUTER_TYPES:
        raise FlowReadError(f"unknown type: '{kind}'", _join(path, "type"))
    validate_fields(_SWITCH_FIELDS if kind == "switch" else _ROUTER_FIELDS, data, path)

    categories = []
    for index, raw in enumerate(data["categories"]):
        cat_path = f"{path}.categories[{index}]"
        try:
            validate_fields(_CATEGORY_FIELDS, raw if raw is not None else {}, cat_path)
        except FlowReadError as exc:
            raise exc.wrapped("unable to read category") from None
        categories.append(Category(raw["uuid"], raw.get("name") or "", raw["exit_uuid"]))

    wait = None
    if data.get("wait") is not None:
        try:
            wait = _read_wait(data["wait"], _join(path, "wait"))
        except FlowReadError as exc:
            raise exc.wrapped("unable to read wait") from None

    cases: list[Case] = []
    if kind == "switch":
        for raw in data.get("cases") or []:
            if raw is None:
                continue
            cases.append(
                Case(raw["uuid"], raw["type"], tuple(raw.get("arguments") or ()),
                     raw["category_uuid"])
            )
    return Router(
        type=kind,
        categories=tuple(categories),
        wait=wait,
        result_name=data.get("result_name") or None,
        operand=data.get("operand") if kind == "switch" else None,
        cases=tuple(cases),
        default_category_uuid=data.get("default_category_uuid") or None,
    )


@dataclass
class _ReadNode:
    node: Node
    raw: dict[str, Any]
    path: str


def _read_node(data: dict[str, Any], path: str) -> _ReadNode:
    try:
        validate_fields(_NODE_FIELDS, data, path)
    except FlowReadError as exc:
        raise exc.wrapped("unable to read node") from None
    exits_raw = data["exits"]
    for index, raw in enumerate(exits_raw):
        if raw is None:
            raise FlowReadError(
                f"unable to read node: field 'exits[{index}]' is required",
                f"{path}.exits[{index}]",
            )

    router = None
    if data.get("router") is not None:
        try:
            router = _read_router(data["router"], _join(path, "router"))
        except FlowReadError as exc:
            raise exc.wrapped("unable to read router") from None

    actions = []
    for index, raw in enumerate(data.get("actions") or []):
        try:
            actions.append(read_action(raw, f"{path}.actions[{index}]"))
        except FlowReadError as exc:
            raise exc.wrapped(f"unable to read action[{index}]") from None

    exits = []
    for index, raw in enumerate(exits_raw):
        try:
            validate_fields(_EXIT_FIELDS, raw, f"{path}.exits[{index}]")
        except FlowReadError as exc:
            raise exc.wrapped("unable to read exit") from None
        exits.append(Exit(raw["uuid"], raw.get("destination_uuid") or None))

    node = Node(data["uuid"], tuple(actions), tuple(exits), router)
    return _ReadNode(node, data, path)


# -- graph validation ---------------------------------------------------------------------------

def _validate_router(node: _ReadNode, flow_type: str) -> str | None:
    router = node.node.router
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
        from ..expressions.cases import CASE_TESTS

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
    exit_uuids = {exit_.uuid for exit_ in node.node.exits}
    for category in router.categories:
        if category.exit_uuid not in exit_uuids:
            return f"category exit {category.exit_uuid} is not a valid exit"
    if wait is not None and flow_type not in WAIT_FLOW_TYPES[wait.type]:
        return f"wait type '{wait.type}' is not allowed in a flow of type '{flow_type}'"
    return None


def _validate_node(node: _ReadNode, flow_type: str, node_uuids: set[str],
                   seen: set[str]) -> tuple[str, str] | None:
    """The first problem with a node, as (message, JSON path), or None."""
    path = node.path
    actions = node.raw.get("actions") or []
    if len(actions) > MAX_ACTIONS:
        return f"node can't have more than {MAX_ACTIONS} actions (has {len(actions)})", path
    if len(node.node.exits) > MAX_EXITS:
        return f"node can't have more than {MAX_EXITS} exits (has {len(node.node.exits)})", path

    for index, (action, raw) in enumerate(zip(node.node.actions, actions, strict=True)):
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

    if node.node.router is not None:
        problem = _validate_router(node, flow_type)
        if problem:
            return f"invalid router: {problem}", f"{path}.router"

    for index, exit_ in enumerate(node.node.exits):
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


def _validate_localization(localization: dict[str, Any], path: str) -> None:
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


# -- the flow -----------------------------------------------------------------------------------

_HEADER_FIELDS = (
    F("uuid", required=True, tag="uuid"),
    F("name", max=64),
    F("spec_version", required=True),
)
_ENVELOPE_FIELDS = (
    F("language", required=True, tag="language"),
    F("type", required=True, tag="flow_type"),
    F("revision", "int"),
    F("expire_after_minutes", "int"),
    F("localization", "dict"),
    F("nodes", "list"),
)


def parse_spec_version(text: str) -> tuple[int, int, int] | None:
    match = _SEMVER_RE.match(text.strip())
    if not match:
        return None
    return tuple(int(part or 0) for part in match.groups())  # type: ignore[return-value]


def is_legacy(data: Mapping[str, Any]) -> bool:
    """A legacy (RapidPro v11.x, action_sets/rule_sets) definition, detected as goflow does:
    no valid 13+ header (uuid, spec_version) but action_sets, rule_sets or flow_type keys.
    A header whose spec_version is a pre-13 number counts as no header."""
    if not is_legacy_definition(data):
        return False
    if not is_uuid(data.get("uuid")):
        return True
    version = data.get("spec_version")
    parsed = parse_spec_version(version) if isinstance(version, str) else None
    return parsed is None or parsed[0] < 13


def _migrate_legacy(data: Mapping[str, Any], path_prefix: str,
                    uuids: UUIDSource | None) -> dict[str, Any]:
    """A legacy definition as 13.0.0: RapidPro's upgrades to 11.12 first (if it's older),
    then goflow's legacy migrator."""
    try:
        if _needs_legacy_upgrade(data):
            data = upgrade_legacy(data)
        return migrate_legacy(data, uuids=uuids)
    except (LegacyFlowError, LegacyVersionError) as exc:
        message = getattr(exc, "message", str(exc))
        raise FlowReadError(
            f"error migrating what appears to be a legacy definition: {message}",
            _join(path_prefix, getattr(exc, "path", ""))) from None


def _needs_legacy_upgrade(data: Mapping[str, Any]) -> bool:
    """Whether the definition names a legacy version older than 11.12 (the one goflow reads).

    Without a version, or with one RapidPro never had, it's read as 11.12, as goflow does;
    a version older than turnflow can upgrade is an error (reading it as 11.12 would
    silently misread it)."""
    value = data.get("version")
    if value is None or value == "":
        return False
    try:
        return normalize_legacy_version(value) != LATEST_LEGACY
    except LegacyVersionError:
        major = str(value).strip().split(".")[0]
        if major.isdigit() and int(major) < 7:
            raise
        return False


def read_flow(data: Any, path_prefix: str = "", uuids: UUIDSource | None = None) -> Flow:
    """Read and validate a goflow flow definition (spec 13.x to 14.4.2) into a Flow.

    A definition older than 14.4.2 is migrated first, as goflow does (``uuids`` gives the
    UUIDs migrations create); the Flow keeps the spec version it was written in. A legacy
    (v11.x) definition is migrated to 13.0.0 first, so its Flow has spec version 13.0.0.
    """
    if not isinstance(data, dict):
        raise FlowReadError("flow definition must be a JSON object", path_prefix)
    if is_legacy(data):
        data = _migrate_legacy(data, path_prefix, uuids)

    try:
        validate_fields(_HEADER_FIELDS, data, path_prefix)
    except FlowReadError as exc:
        raise exc.wrapped("unable to read flow header") from None
    version_text = data["spec_version"]
    version = parse_spec_version(version_text)
    if version is None:
        raise FlowReadError(
            f"unable to read flow header: field 'spec_version' is not a valid version: "
            f"'{version_text}'", _join(path_prefix, "spec_version"))
    shown = ".".join(str(part) for part in version)
    if version > CURRENT_SPEC_VERSION:
        raise FlowReadError(
            f"spec version {shown} is newer than this library ({CURRENT_SPEC_TEXT})",
            _join(path_prefix, "spec_version"),
        )
    if version[0] < 13:
        raise FlowReadError(
            f"spec version {shown} is older than 13.0.0 but this isn't a legacy definition "
            "(no action_sets, rule_sets or flow_type)",
            _join(path_prefix, "spec_version"),
        )
    if version < CURRENT_SPEC_VERSION:
        try:
            data = migrate(data, uuids=uuids)
        except MigrationError as exc:
            raise FlowReadError(exc.message, _join(path_prefix, exc.path)) from None

    # decode: every node first (as Go's JSON decoding does), then the envelope's own checks
    nodes_raw = data.get("nodes")
    if nodes_raw is not None and not isinstance(nodes_raw, list):
        raise FlowReadError("field 'nodes' must be an array", _join(path_prefix, "nodes"))
    localization = data.get("localization")
    if localization is not None and not isinstance(localization, dict):
        raise FlowReadError("field 'localization' must be an object",
                            _join(path_prefix, "localization"))
    read_nodes: list[_ReadNode] = []
    null_nodes: list[int] = []
    for index, raw in enumerate(nodes_raw or []):
        if raw is None:
            null_nodes.append(index)
            continue
        read_nodes.append(_read_node(raw, _join(path_prefix, f"nodes[{index}]")))

    problems: list[str] = []
    try:
        validate_fields(_ENVELOPE_FIELDS, data, path_prefix)
    except FlowReadError as exc:
        problems.append(exc.message)
        first_path = exc.path
    else:
        first_path = _join(path_prefix, f"nodes[{null_nodes[0]}]") if null_nodes else ""
    problems.extend(f"field 'nodes[{index}]' is required" for index in null_nodes)
    if problems:
        raise FlowReadError(", ".join(problems), first_path)

    flow_type = data["type"]
    if len(read_nodes) > MAX_NODES:
        raise FlowReadError(
            f"flow can't have more than {MAX_NODES} nodes (has {len(read_nodes)})",
            _join(path_prefix, "nodes"),
        )
    _validate_localization(localization or {}, _join(path_prefix, "localization"))

    node_uuids = {read.node.uuid for read in read_nodes}
    seen: set[str] = set()
    for read in read_nodes:
        if read.node.uuid in seen:
            raise FlowReadError(f"node UUID {read.node.uuid} isn't unique",
                                _join(read.path, "uuid"))
        seen.add(read.node.uuid)
        problem = _validate_node(read, flow_type, node_uuids, seen)
        if problem:
            message, where = problem
            raise FlowReadError(f"invalid node[uuid={read.node.uuid}]: {message}", where)

    extra: dict[str, Any] = {}
    if data.get("expire_after_minutes") is not None:
        extra["expire_after_minutes"] = int(data["expire_after_minutes"])
    return Flow(
        uuid=data["uuid"],
        name=data.get("name") or "",
        nodes=tuple(read.node for read in read_nodes),
        spec_version=version_text,
        language=data["language"],
        type=flow_type,
        revision=int(data.get("revision") or 0),
        localization=localization or {},
        definition=data,
        **extra,
    )
