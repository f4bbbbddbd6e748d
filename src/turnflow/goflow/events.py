"""goflow's 47 event types as data: their fields, validation and goflow's JSON text.

Events stay plain dicts (see :mod:`turnflow.core.events`). This module knows, for every type,
which fields goflow writes and reads, so it can check an event (:func:`validate_event`) and
write it out exactly as goflow marshals it (:func:`marshal_event`, :func:`normalize_event`).

Field rules, as goflow has them:

- *required*: goflow rejects the event when the field is missing, null or empty ("" / nil).
- *omitempty*: goflow leaves the field out of its JSON when it is empty ("", 0, false, null,
  [] or {}); a pointer field (``timeout_seconds``) is left out only when null.
- every other field is always written; when an event dict lacks it, the marshalled text
  carries goflow's zero value ("" / 0 / false / null, or the struct with its zero fields).
- keys goflow doesn't know are ignored when reading and dropped when marshalling (nested
  objects of open shape, e.g. references and ``msg``, keep unknown keys).
- ``validate_event(data, strict=True)`` is stricter than goflow, for checking the engine's own
  output: unknown top-level keys are errors and every always-written field must be present.

Every event has ``uuid`` (required), ``type`` (required), ``created_on`` (required RFC3339 text)
and may have ``_user`` ({uuid, name}) and ``_via`` (text), both omitempty.

Shapes of the events the engine emits most (``EventFactory.new(type, **fields)``; ``!`` =
required, ``?`` = omitempty, others always written; ``ref`` = ``{"uuid", "name"}``):

=========================  ==================================================================
type                       fields
=========================  ==================================================================
msg_created                msg! = msg_out(...) (below), broadcast_uuid?, ticket_uuid?
msg_received               msg! = msg_in(...): {urn?, channel? ref, text, attachments?,
                           external_id?}, ticket_uuid?
msg_wait                   timeout_seconds? (int, left out only when None), expires_on?
                           (RFC3339), hint? ({"type": "image"|"audio"|"video"|"location"|
                           "digits", ...})
run_started                flow! ({uuid, name, revision?}), run_uuid!, parent_uuid?, terminal?
                           (bool)
run_ended                  run_uuid!, flow! ({uuid, name, revision?}), status! (completed |
                           expired | interrupted | failed ...)
run_result_changed         name!, value (text), category (text), extra? (any JSON),
                           previous? ({value, category})
contact_name_changed       name (text)
contact_language_changed   language (ISO-639-3 text, "" when cleared)
contact_timezone_changed   timezone (IANA name, "" when cleared)
contact_status_changed     status (active | blocked | stopped | archived)
contact_field_changed      field! ({key!, name}), value (null when cleared, else {text,
                           number?, datetime?, state?, district?, ward?})
contact_groups_changed     groups_added? [ref], groups_removed? [ref]
contact_urns_changed       urns ([URN text]; null when None)
contact_flow_changed       flow (ref or null)
contact_last_seen_changed  last_seen_on (RFC3339)
webhook_called             url!, status_code? (int), request!, response?, elapsed_ms (int),
                           retries (int), sizes ({request, response} ints), status!
                           (success | connection_error | response_error | subscriber_gone),
                           resthook?
error / warning            text!, code?, extra? ({str: str})
failure                    text! (goflow reads it into its error struct: code? extra? survive)
=========================  ==================================================================

``msg_out(text, urn=..., channel=..., ...)`` builds the ``msg`` of msg_created / ivr_created:
{urn?, channel? ref, text, attachments? [\"type:url\"], quick_replies? [{type, text?, extra?}],
templating?, locale? (e.g. "eng-US"), unsendable_reason? (no_route | contact_blocked |
contact_stopped | contact_archived | forbidden_content ...)}.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..core.events import Event
from ..errors import TurnflowError
from ..generators import NanoTime, format_rfc3339_nano


class EventError(TurnflowError):
    """An event dict that goflow would not read: unknown type, missing or mistyped field."""

    def __init__(self, event_type: str | None, path: str, problem: str) -> None:
        self.event_type = event_type
        self.path = path
        self.problem = problem
        where = f"invalid {event_type} event" if event_type else "invalid event"
        super().__init__(f"{where}: field '{path}' {problem}" if path else f"{where}: {problem}")


# ---------------------------------------------------------------------------------------------
# Field and shape descriptions
# ---------------------------------------------------------------------------------------------

# kinds: str, int, num, bool, uuid, urn, time, obj (dict), list, map (dict of `items`),
# any (raw JSON), struct (a non-pointer object: never null, written with its zero fields)
_SCALARS = {"str", "int", "num", "bool", "uuid", "urn", "time"}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    required: bool = False
    omitempty: bool = False
    pointer: bool = False  # omitempty drops it only when null (a Go pointer to a scalar)
    min1: bool = False  # a required list / map must not be empty
    items: str | None = None  # kind of list / map items
    shape: Shape | None = None  # for obj / struct, or list / map items that are objects
    choices: tuple[str, ...] | None = None

    @property
    def nullable(self) -> bool:
        return self.kind in ("obj", "list", "map", "any") or self.pointer


@dataclass(frozen=True)
class Shape:
    """A nested object. ``complete`` shapes get goflow's zero fields and lose unknown keys."""

    fields: tuple[Field, ...]
    complete: bool = False


def _f(name: str, kind: str = "str", **opts: Any) -> Field:
    return Field(name, kind, **opts)


def _shape(*fields: Field, complete: bool = False) -> Shape:
    return Shape(tuple(fields), complete)


REF = _shape(_f("uuid", "uuid", required=True), _f("name"))
FLOW_REF = _shape(
    _f("uuid", "uuid", required=True), _f("name"), _f("revision", "int", omitempty=True)
)
FIELD_REF = _shape(_f("key", required=True), _f("name"))
USER_REF = _shape(_f("uuid", "uuid", omitempty=True), _f("name", omitempty=True))
QUICK_REPLY = _shape(
    _f("type", required=True), _f("text", omitempty=True), _f("extra", omitempty=True),
    complete=True,
)
MSG_OUT = _shape(
    _f("urn", "urn", omitempty=True),
    _f("channel", "obj", omitempty=True, shape=REF),
    _f("text"),
    _f("attachments", "list", omitempty=True, items="str"),
    _f("quick_replies", "list", omitempty=True, items="qr", shape=QUICK_REPLY),
    _f("templating", "obj", omitempty=True),
    _f("locale", omitempty=True),
    _f("unsendable_reason", omitempty=True),
)
MSG_IN = _shape(
    _f("urn", "urn", omitempty=True),
    _f("channel", "obj", omitempty=True, shape=REF),
    _f("text"),
    _f("attachments", "list", omitempty=True, items="str"),
    _f("external_id", omitempty=True),
)
MSG_CONTENT = _shape(
    _f("text"),
    _f("attachments", "list", omitempty=True, items="str"),
    _f("quick_replies", "list", omitempty=True, items="qr", shape=QUICK_REPLY),
)
CALL = _shape(
    _f("uuid", "uuid", required=True), _f("channel", "obj", shape=REF), _f("urn", "urn")
)
TICKET = _shape(
    _f("uuid", "uuid", required=True),
    _f("status"),
    _f("topic", "obj", omitempty=True, shape=REF),
    _f("assignee", "obj", omitempty=True, shape=USER_REF),
)
HINT = _shape(_f("type", required=True))
SIZES = _shape(_f("request", "int"), _f("response", "int"), complete=True)
HTTP_STATUSES = ("success", "connection_error", "response_error", "subscriber_gone")
_HTTP_FIELDS = (
    _f("url", required=True),
    _f("status_code", "int", omitempty=True),
    _f("request", required=True),
    _f("response", omitempty=True),
    _f("elapsed_ms", "int"),
    _f("retries", "int"),
    _f("sizes", "struct", shape=SIZES),
    _f("status", required=True, choices=HTTP_STATUSES),
)
HTTP_LOG = _shape(*_HTTP_FIELDS, _f("created_on", "time", required=True), complete=True)
TOKENS = _shape(_f("input", "int"), _f("output", "int"), complete=True)
DIAL = _shape(
    _f("status", required=True, choices=("answered", "no_answer", "busy", "failed")),
    _f("duration", "int"),
    complete=True,
)
EXCLUSIONS = _shape(_f("in_a_flow", "bool", omitempty=True), complete=True)
PREVIOUS = _shape(_f("value"), _f("category"), complete=True)
HISTORY = _shape(
    _f("parent_uuid", "uuid"), _f("ancestors", "int"), _f("ancestors_since_input", "int")
)

BASE_FIELDS: tuple[Field, ...] = (
    _f("uuid", "uuid", required=True),
    _f("type", required=True),
    _f("created_on", "time", required=True),
    _f("_user", "obj", omitempty=True, shape=USER_REF),
    _f("_via", omitempty=True),
)

_TYPING = (
    _f("direction", required=True, choices=("incoming", "outgoing")),
    _f("channel", "obj", omitempty=True, shape=REF),
    _f("urn", "urn", omitempty=True),
    _f("msg_external_id", omitempty=True),
)
_NOTICE = (  # error and warning
    _f("text", required=True),
    _f("code", omitempty=True),
    _f("extra", "map", omitempty=True, items="str"),
)
_REFS = {"items": "obj", "shape": REF}

# type name -> its own fields (after the base fields), as goflow declares them
EVENT_TYPES: dict[str, tuple[Field, ...]] = {
    "airtime_created": (
        _f("external_id"),
        _f("sender", "urn"),
        _f("recipient", "urn"),
        _f("currency"),
        _f("amount", "num"),
        _f("http_logs", "list", items="obj", shape=HTTP_LOG),
    ),
    "broadcast_created": (
        _f("translations", "map", required=True, min1=True, items="obj", shape=MSG_CONTENT),
        _f("base_language", required=True),
        _f("groups", "list", omitempty=True, **_REFS),
        _f("contacts", "list", omitempty=True, **_REFS),
        _f("contact_query", omitempty=True),
        _f("urns", "list", omitempty=True, items="urn"),
        _f("template", "obj", omitempty=True, shape=REF),
        _f("template_variables", "list", omitempty=True, items="str"),
    ),
    "call_created": (_f("call", "obj", required=True, shape=CALL),),
    "call_missed": (_f("channel", "obj", shape=REF),),
    "call_received": (_f("call", "obj", required=True, shape=CALL),),
    "campaign_fired": (
        _f("campaign", "obj", required=True, shape=REF),
        _f("point_uuid", "uuid", required=True),
    ),
    "chat_started": (
        _f("channel", "obj", shape=REF),
        _f("params", "map", omitempty=True, items="str"),
    ),
    "contact_field_changed": (
        _f("field", "obj", required=True, shape=FIELD_REF),
        _f("value", "obj"),
    ),
    "contact_flow_changed": (_f("flow", "obj", shape=FLOW_REF),),
    "contact_groups_changed": (
        _f("groups_added", "list", omitempty=True, **_REFS),
        _f("groups_removed", "list", omitempty=True, **_REFS),
    ),
    "contact_language_changed": (_f("language"),),
    "contact_last_seen_changed": (_f("last_seen_on", "time"),),
    "contact_name_changed": (_f("name"),),
    "contact_status_changed": (_f("status"),),
    "contact_timezone_changed": (_f("timezone"),),
    "contact_urns_changed": (_f("urns", "list", items="urn"),),
    "dial_ended": (_f("dial", "obj", required=True, shape=DIAL),),
    "dial_wait": (
        _f("urn", "urn", required=True),
        _f("dial_limit_seconds", "int"),
        _f("call_limit_seconds", "int"),
        _f("expires_on", "time", omitempty=True),
    ),
    "email_sent": (
        _f("to", "list", required=True, min1=True, items="str"),
        _f("subject", required=True),
        _f("body"),
    ),
    "error": _NOTICE,
    # goflow reads a failure event into its error struct, so code / extra survive a round trip
    "failure": _NOTICE,
    "input_labels_added": (
        _f("input_uuid", "uuid", required=True),
        _f("labels", "list", required=True, min1=True, **_REFS),
    ),
    "ivr_created": (_f("msg", "obj", required=True, shape=MSG_OUT),),
    "llm_called": (
        _f("llm", "obj", required=True, shape=REF),
        _f("instructions"),
        _f("input"),
        _f("output"),
        _f("tokens", "struct", shape=TOKENS),
        _f("elapsed_ms", "int"),
    ),
    "msg_created": (
        _f("msg", "obj", required=True, shape=MSG_OUT),
        _f("broadcast_uuid", "uuid", omitempty=True),
        _f("ticket_uuid", "uuid", omitempty=True),
    ),
    "msg_deleted": (
        _f("msg_uuid", "uuid", required=True),
        _f("by_contact", "bool", omitempty=True),
    ),
    "msg_received": (
        _f("msg", "obj", required=True, shape=MSG_IN),
        _f("ticket_uuid", "uuid", omitempty=True),
    ),
    "msg_status_changed": (
        _f("msg_uuid", "uuid", required=True),
        _f("status", required=True),
        _f("reason", omitempty=True),
    ),
    "msg_wait": (
        _f("timeout_seconds", "int", omitempty=True, pointer=True),
        _f("expires_on", "time", omitempty=True),
        _f("hint", "obj", omitempty=True, shape=HINT),
    ),
    "resthook_called": (_f("resthook"), _f("payload", "any")),
    "run_ended": (
        _f("run_uuid", "uuid", required=True),
        _f("flow", "obj", required=True, shape=FLOW_REF),
        _f("status", required=True),
    ),
    "run_result_changed": (
        _f("name", required=True),
        _f("value"),
        _f("category"),
        _f("extra", "any", omitempty=True),
        _f("previous", "obj", omitempty=True, shape=PREVIOUS),
    ),
    "run_started": (
        _f("flow", "obj", required=True, shape=FLOW_REF),
        _f("run_uuid", "uuid", required=True),
        _f("parent_uuid", "uuid", omitempty=True),
        _f("terminal", "bool", omitempty=True),
    ),
    "session_triggered": (
        _f("flow", "obj", required=True, shape=FLOW_REF),
        _f("groups", "list", omitempty=True, **_REFS),
        _f("contacts", "list", omitempty=True, **_REFS),
        _f("contact_query", omitempty=True),
        _f("exclusions", "struct", shape=EXCLUSIONS),
        _f("create_contact", "bool", omitempty=True),
        _f("urns", "list", omitempty=True, items="urn"),
        _f("run_summary", "any"),
        _f("history", "obj", shape=HISTORY),
    ),
    "ticket_assignee_changed": (
        _f("ticket_uuid", "uuid", required=True),
        _f("assignee", "obj", shape=USER_REF),
        _f("previous", "obj", omitempty=True, shape=USER_REF),
    ),
    "ticket_closed": (_f("ticket_uuid", "uuid", required=True),),
    "ticket_note_added": (
        _f("ticket_uuid", "uuid", required=True),
        _f("note", required=True),
    ),
    "ticket_opened": (_f("ticket", "obj", required=True, shape=TICKET),),
    "ticket_reopened": (_f("ticket_uuid", "uuid", required=True),),
    "ticket_topic_changed": (
        _f("ticket_uuid", "uuid", required=True),
        _f("topic", "obj", required=True, shape=REF),
    ),
    "typing_started": _TYPING,
    "typing_stopped": _TYPING,
    "wait_expired": (),
    "wait_timed_out": (),
    "warning": _NOTICE,
    "webhook_called": (*_HTTP_FIELDS, _f("resthook", omitempty=True)),
    # deprecated, still readable
    "flow_entered": (
        _f("flow", "obj", required=True, shape=FLOW_REF),
        _f("parent_run_uuid", "uuid"),
        _f("terminal", "bool"),
    ),
}


def event_fields(type_: str) -> tuple[Field, ...]:
    """All fields of an event type, base fields first."""
    return BASE_FIELDS + EVENT_TYPES[type_]


def required_fields(type_: str) -> list[str]:
    return [f.name for f in event_fields(type_) if f.required]


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------

_UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
_URN_RE = re.compile(r"^[a-z][a-z0-9-]*:[^\s]+$")
_TIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$"
)


def validate_event(data: Any, *, strict: bool = False) -> Event:
    """Checks ``data`` is an event goflow would read, and returns it (the same dict).

    Raises :class:`EventError` naming the event type and the field's path.
    """
    if not isinstance(data, dict):
        raise EventError(None, "", f"expected an object, got {_json_kind(data)}")
    type_ = data.get("type")
    if type_ is None or type_ == "":
        raise EventError(None, "type", "is required")
    if not isinstance(type_, str):
        raise EventError(None, "type", f"must be text, got {_json_kind(type_)}")
    if type_ not in EVENT_TYPES:
        raise EventError(None, "type", f"has unknown event type '{type_}'")
    _check_object(type_, data, event_fields(type_), "", strict=strict, top=True)
    return data


def _check_object(
    type_: str, data: dict, fields: Iterable[Field], prefix: str, *, strict: bool, top: bool
) -> None:
    fields = tuple(fields)
    for field in fields:
        path = prefix + field.name
        value = data.get(field.name)
        present = field.name in data
        if value is None and not field.nullable:
            present = False  # goflow reads null into a scalar as its zero value
        if field.required:
            if value is None or value == "":
                raise EventError(type_, path, "is required")
            if field.min1 and isinstance(value, (list, dict)) and not value:
                raise EventError(type_, path, "must not be empty")
        if strict and top and not field.omitempty and field.name not in data:
            raise EventError(type_, path, "is missing")
        if present and value is not None:
            _check_value(type_, field, value, path, strict=strict)
    if strict and top:
        known = {f.name for f in fields}
        for key in data:
            if key not in known:
                raise EventError(type_, key, "is not a field of this event type")


def _check_value(type_: str, field: Field, value: Any, path: str, *, strict: bool) -> None:
    kind = field.kind
    if kind in _SCALARS:
        _check_scalar(type_, kind, value, path)
        if field.choices and value not in field.choices and value != "":
            choices = ", ".join(field.choices)
            raise EventError(type_, path, f"must be one of {choices}, got {value!r}")
    elif kind in ("obj", "struct"):
        if not isinstance(value, dict):
            raise EventError(type_, path, f"must be an object, got {_json_kind(value)}")
        if field.shape is not None:
            _check_object(type_, value, field.shape.fields, path + ".", strict=strict, top=False)
    elif kind == "list":
        if not isinstance(value, list):
            raise EventError(type_, path, f"must be an array, got {_json_kind(value)}")
        for index, item in enumerate(value):
            _check_item(type_, field, item, f"{path}[{index}]", strict=strict)
    elif kind == "map":
        if not isinstance(value, dict):
            raise EventError(type_, path, f"must be an object, got {_json_kind(value)}")
        for key, item in value.items():
            _check_item(type_, field, item, f"{path}.{key}", strict=strict)
    # any: raw JSON, anything goes


def _check_item(type_: str, field: Field, item: Any, path: str, *, strict: bool) -> None:
    items = field.items or "any"
    if items == "qr":  # a quick reply: an object, or goflow's older plain text form
        if isinstance(item, str):
            return
        items = "obj"
    if items == "obj":
        if not isinstance(item, dict):
            raise EventError(type_, path, f"must be an object, got {_json_kind(item)}")
        if field.shape is not None:
            _check_object(type_, item, field.shape.fields, path + ".", strict=strict, top=False)
    elif items in _SCALARS:
        if item is None:
            raise EventError(type_, path, "must not be null")
        _check_scalar(type_, items, item, path)


def _check_scalar(type_: str, kind: str, value: Any, path: str) -> None:
    if kind == "bool":
        if not isinstance(value, bool):
            raise EventError(type_, path, f"must be a boolean, got {_json_kind(value)}")
        return
    if kind in ("int", "num"):
        ok = isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
        if ok and kind == "int" and not _is_integral(value):
            ok = False
        if not ok:
            what = "an integer" if kind == "int" else "a number"
            raise EventError(type_, path, f"must be {what}, got {_json_kind(value)}")
        return
    if kind == "time" and isinstance(value, dt.datetime):
        return
    if not isinstance(value, str):
        raise EventError(type_, path, f"must be text, got {_json_kind(value)}")
    if value == "":
        return  # an empty value is goflow's zero value, which it accepts
    if kind == "uuid" and not _UUID_RE.match(value):
        raise EventError(type_, path, f"must be a UUID, got {value!r}")
    if kind == "urn" and not _URN_RE.match(value):
        raise EventError(type_, path, f"must be a URN, got {value!r}")
    if kind == "time" and not _TIME_RE.match(value):
        raise EventError(type_, path, f"must be an RFC3339 time, got {value!r}")


def _is_integral(value: int | float | Decimal) -> bool:
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return value == value.to_integral_value()


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float, Decimal)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


# ---------------------------------------------------------------------------------------------
# Marshalling
# ---------------------------------------------------------------------------------------------

_GO_ZERO_TIME = "0001-01-01T00:00:00Z"


def normalize_event(event: Event) -> dict[str, Any]:
    """The event as goflow would marshal it, as a JSON-ready dict (unknown type: EventError)."""
    type_ = event.get("type")
    if type_ not in EVENT_TYPES:
        raise EventError(None, "type", f"has unknown event type '{type_}'")
    return _normalize_object(event, event_fields(type_), complete=True)


def marshal_event(event: Event) -> str:
    """goflow's JSON text of an event (compact, keys sorted)."""
    return json.dumps(
        normalize_event(event), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )


def _normalize_object(data: dict, fields: Iterable[Field], *, complete: bool) -> dict[str, Any]:
    fields = tuple(fields)
    out: dict[str, Any] = {}
    if not complete:  # open shapes keep what goflow's struct would not know about
        known = {f.name for f in fields}
        out.update({k: _plain(v) for k, v in data.items() if k not in known})
    for field in fields:
        if field.name in data:
            value = _normalize_value(field, data[field.name])
        elif complete:
            value = _zero(field)
        else:
            continue
        if field.omitempty and _is_empty(field, value):
            continue
        if field.name not in data and field.kind == "time" and field.omitempty:
            continue
        out[field.name] = value
    return out


def _normalize_value(field: Field, value: Any) -> Any:
    if value is None:
        return None if field.nullable else _zero(field)
    kind = field.kind
    if kind in ("obj", "struct") and isinstance(value, dict) and field.shape is not None:
        return _normalize_object(value, field.shape.fields, complete=field.shape.complete)
    if kind == "list" and isinstance(value, list):
        return [_normalize_item(field, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {str(k): _normalize_item(field, v) for k, v in value.items()}
    if kind == "time" and isinstance(value, dt.datetime):
        return _format_time(value)
    return _plain(value)


def _normalize_item(field: Field, item: Any) -> Any:
    if field.items == "qr":
        item = quick_reply(item) if isinstance(item, str) else item
        if isinstance(item, dict) and not item.get("type"):
            item = {**item, "type": "text"}
    if isinstance(item, dict) and field.shape is not None:
        return _normalize_object(item, field.shape.fields, complete=field.shape.complete)
    return _plain(item)


def _zero(field: Field) -> Any:
    kind = field.kind
    if kind == "struct" and field.shape is not None:
        return _normalize_object({}, field.shape.fields, complete=True)
    if field.pointer or kind in ("obj", "list", "map", "any"):
        return None
    if kind in ("int", "num"):
        return 0
    if kind == "bool":
        return False
    if kind == "time":
        return _GO_ZERO_TIME
    return ""


def _is_empty(field: Field, value: Any) -> bool:
    if field.pointer:
        return value is None
    return value is None or value is False or value == "" or value == [] or value == {} or (
        isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0
    )


def _plain(value: Any) -> Any:
    """JSON-ready: Decimals become ints / floats as goflow writes them, times become text."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, dt.datetime):
        return _format_time(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _format_time(value: dt.datetime) -> str:
    return format_rfc3339_nano(NanoTime.from_datetime(value), tz=value.tzinfo)


# ---------------------------------------------------------------------------------------------
# Builders for the nested shapes actions put in events
# ---------------------------------------------------------------------------------------------


def ref(uuid: str, name: str) -> dict[str, str]:
    """An asset reference (channel, group, flow, topic, user...)."""
    return {"uuid": uuid, "name": name}


def quick_reply(value: str | dict[str, Any]) -> dict[str, Any]:
    """A quick reply as goflow writes it, from an object or goflow's text form.

    The text form is ``"text"``, ``"text<extra>description"``, ``"<form>text<extra>id"`` or
    ``"<location>text"``.
    """
    if isinstance(value, dict):
        out = {"type": value.get("type") or "text"}
        for key in ("text", "extra"):
            if value.get(key):
                out[key] = value[key]
        return out
    if value.startswith("<location>"):
        text = value[len("<location>"):]
        return {"type": "location", "text": text} if text else {"type": "location"}
    kind = "text"
    if value.startswith("<form>"):
        kind, value = "form", value[len("<form>"):]
    text, _, extra = value.partition("<extra>")
    out = {"type": kind}
    if text:
        out["text"] = text
    if extra:
        out["extra"] = extra
    return out


def msg_out(
    text: str,
    *,
    urn: str | None = None,
    channel: dict[str, str] | None = None,
    attachments: Iterable[str] = (),
    quick_replies: Iterable[str | dict[str, Any]] = (),
    templating: dict[str, Any] | None = None,
    locale: str | None = None,
    unsendable_reason: str | None = None,
) -> dict[str, Any]:
    """The ``msg`` of a msg_created / ivr_created event, empty parts left out as goflow does."""
    msg: dict[str, Any] = {}
    if urn:
        msg["urn"] = urn
    if channel:
        msg["channel"] = channel
    msg["text"] = text
    attachments = list(attachments)
    if attachments:
        msg["attachments"] = attachments
    replies = [quick_reply(q) for q in quick_replies]
    if replies:
        msg["quick_replies"] = replies
    if templating:
        msg["templating"] = templating
    if locale:
        msg["locale"] = locale
    if unsendable_reason:
        msg["unsendable_reason"] = unsendable_reason
    return msg


def msg_in(
    text: str,
    *,
    urn: str | None = None,
    channel: dict[str, str] | None = None,
    attachments: Iterable[str] = (),
    external_id: str | None = None,
) -> dict[str, Any]:
    """The ``msg`` of a msg_received event."""
    msg: dict[str, Any] = {}
    if urn:
        msg["urn"] = urn
    if channel:
        msg["channel"] = channel
    msg["text"] = text
    attachments = list(attachments)
    if attachments:
        msg["attachments"] = attachments
    if external_id:
        msg["external_id"] = external_id
    return msg
