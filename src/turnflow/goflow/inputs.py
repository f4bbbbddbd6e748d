"""The shape of what callers hand the engine: a trigger to start a session, a resume to go
on with one. goflow's readers (triggers.read_trigger, resumes.read_resume) check these in
full, UUIDs and timestamps included; the engine checks only the types of the parts it reads,
so that a trigger or resume of the wrong shape is turnflow's error, not a Python one, while
callers may leave out what the engine stamps itself (UUIDs, times).
"""

from __future__ import annotations

from typing import Any

from ..errors import TurnflowError
from .validation import F, FlowReadError, validate_fields


class InputShapeError(TurnflowError):
    """A trigger or resume whose parts have the wrong type."""


_MSG = (F("uuid"), F("text"), F("urn"), F("channel", "obj", fields=(F("uuid"), F("name"))),
        F("attachments", "list", item=F("")), F("external_id"),
        F("quick_replies", "list", item=F("")))  # fmt: skip
_DIAL = (F("status"), F("duration", "int"))
_EVENT = (F("type"), F("uuid"), F("created_on"), F("msg", "obj", fields=_MSG),
          F("dial", "obj", fields=_DIAL))  # fmt: skip
_REF = (F("uuid"), F("name"))
_CONTACT = (F("uuid"), F("name"), F("language"), F("status"), F("timezone"), F("created_on"),
            F("urns", "list", item=F("")), F("groups", "list", fields=_REF),
            F("fields", "dict", item=F("", "obj")))  # fmt: skip
TRIGGER = (
    F("type", required=True), F("flow", "obj", required=True, fields=(F("uuid", required=True),
                                                                      F("name"))),
    F("event", "obj", fields=_EVENT), F("triggered_on"), F("params", "any"),
    F("user", "obj"), F("ticket", "obj", fields=(F("uuid"), F("topic", "obj", fields=_REF))),
    F("history", "obj"), F("batch", "bool"), F("campaign", "obj", fields=_REF),
    F("keyword_match", "obj", fields=(F("type"), F("keyword"))),
    F("run_summary", "obj", fields=(F("uuid"), F("flow", "obj", fields=_REF), F("status"),
                                     F("contact", "obj", fields=_CONTACT),
                                     F("results", "dict", item=F("", "obj")))),
    F("msg", "obj", fields=_MSG), F("channel", "obj", fields=_REF),
)  # fmt: skip
CALL = (F("uuid"), F("urn"), F("channel", "obj", fields=_REF))
RESUME = (F("type", required=True), F("event", "obj", fields=_EVENT), F("resumed_on"),
          F("msg", "obj", fields=_MSG), F("dial", "obj", fields=_DIAL))  # fmt: skip


def check_shape(specs: tuple[F, ...], data: Any, what: str) -> None:
    """Raise InputShapeError naming the part of ``data`` (a trigger or resume) that has the
    wrong type."""
    if type(data) is dict and _fits(specs, data):
        return  # (the usual case, checked without building messages: every resume does this)
    try:
        validate_fields(specs, data, what)
    except FlowReadError as exc:
        raise InputShapeError(f"{exc.path or what}: {exc.message}") from None


def _fits(specs: tuple[F, ...], data: dict[str, Any]) -> bool:
    """Whether ``data`` passes validate_fields(specs) for the kinds used above (no tags or
    sizes); False sends it down the slow path, which says what is wrong."""
    for spec in specs:
        value = data.get(spec.name)
        if value is None:
            if spec.required:
                return False
            continue
        kind = type(value)
        if spec.kind == "str":
            if kind is not str or (spec.required and not value):
                return False
        elif spec.kind == "obj":
            if kind is not dict or (spec.fields is not None and not _fits(spec.fields, value)):
                return False
        elif spec.kind == "list":
            if kind is not list or not all(_item_fits(spec, item) for item in value):
                return False
        elif spec.kind == "dict":
            if kind is not dict or not all(_item_fits(spec, item) for item in value.values()):
                return False
        elif spec.kind == "int":
            if kind is not int or not -(2**63) <= value < 2**63:
                return False
        elif spec.kind == "bool":
            if kind is not bool:
                return False
        elif spec.kind != "any":
            return False
    return True


def _item_fits(spec: F, item: Any) -> bool:
    if spec.fields is not None:
        return type(item) is dict and _fits(spec.fields, item)
    if spec.item is None:
        return True
    if item is None:
        return False
    if spec.item.kind == "str":
        return type(item) is str
    if spec.item.kind == "obj":
        return type(item) is dict
    return spec.item.kind == "any"
