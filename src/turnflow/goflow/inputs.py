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
    try:
        validate_fields(specs, data, what)
    except FlowReadError as exc:
        raise InputShapeError(f"{exc.path or what}: {exc.message}") from None
