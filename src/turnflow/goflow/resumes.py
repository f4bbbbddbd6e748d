"""goflow's resumes: what wakes a waiting session, read and checked as goflow does, and ``@resume``.

A resume is JSON ``{"type", "resumed_on", "event"}`` where the event says what happened:

==================  ===================  ================================================
type                event type           accepted by
==================  ===================  ================================================
``msg``             ``msg_received``     a msg wait
``wait_timeout``    ``wait_timed_out``   a msg wait that has a timeout
``wait_expiration`` ``wait_expired``     any wait
``run_expiration``  ``run_expired``      any wait
``dial``            ``dial_ended``       a dial wait
==================  ===================  ================================================

Older resumes carry the message or dial directly (``{"type": "msg", "msg": {...}}``,
``{"type": "dial", "dial": {...}}``); they are read too. :func:`read_resume` refuses an invalid
resume with goflow's message, :func:`check_accepted` a resume the waiting node can't take, and
:meth:`Resume.context` is ``@resume``.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from typing import Any

from ..errors import TurnflowError
from ..expressions import XObject, from_python
from .events import EVENT_TYPES, validate_event
from .validation import F, FlowReadError, validate_fields


class ResumeError(TurnflowError):
    """A resume goflow would refuse (unreadable, or not accepted by the session's wait)."""

    def __init__(self, message: str, path: str = "") -> None:
        self.message = message
        self.path = path
        super().__init__(f"{message} (at {path})" if path else message)


_BASE = (F("type", required=True), F("event", "obj"), F("resumed_on", required=True))
# per type: the event type it carries, and the legacy field that may stand in for the event
_TYPES: dict[str, tuple[str, str | None]] = {
    "msg": ("msg_received", "msg"),
    "wait_timeout": ("wait_timed_out", None),
    "wait_expiration": ("wait_expired", None),
    "run_expiration": ("run_expired", None),
    "dial": ("dial_ended", "dial"),
}
RESUME_TYPES = tuple(_TYPES)

# which resumes each kind of wait accepts (a timeout only when the wait has one)
# a wait's type -> the resumes it always takes (check_accepted: a message wait with a timeout
# takes a wait_timeout too)
ACCEPTED = {
    "msg": frozenset({"msg", "wait_expiration", "run_expiration"}),
    "dial": frozenset({"dial", "wait_expiration", "run_expiration"}),
}


@dataclass
class Resume:
    """A validated resume; ``data`` keeps the JSON as read (it is written back unchanged)."""

    type: str
    resumed_on: str
    data: dict[str, Any] = field(repr=False)

    @property
    def event(self) -> dict[str, Any] | None:
        return self.data.get("event")

    @property
    def msg(self) -> dict[str, Any] | None:
        """The incoming message of a msg resume (from its event, or the legacy field)."""
        if self.type != "msg":
            return None
        event = self.event
        return (event or {}).get("msg") if event else self.data.get("msg")

    @property
    def msg_event(self) -> dict[str, Any] | None:
        """The msg_received event of a msg resume, built from a legacy resume if need be."""
        if self.type != "msg":
            return None
        if self.event:
            return self.event
        msg = dict(self.data.get("msg") or {})
        uuid = msg.pop("uuid", None)
        return {"uuid": uuid, "type": "msg_received", "created_on": self.resumed_on, "msg": msg}

    @property
    def dial(self) -> dict[str, Any] | None:
        """The dial result ({status, duration}) of a dial resume."""
        if self.type != "dial":
            return None
        return (self.event or {}).get("dial") if self.event else self.data.get("dial")

    def to_json(self) -> dict[str, Any]:
        return copy.deepcopy(self.data)

    def to_engine(self) -> dict[str, Any]:
        """The dict :meth:`GoflowEngine.resume` takes (legacy resumes get an event)."""
        data = self.to_json()
        if self.type == "msg" and not data.get("event"):
            data["event"] = self.msg_event
        return data

    def context(self) -> XObject:
        """``@resume``: its type, and for a dial resume the dial's status and duration."""
        dial = self.dial
        return XObject(
            {
                "type": self.type,
                "dial": _dial_context(dial) if dial else None,
            }
        )


def _dial_context(dial: dict[str, Any]) -> XObject:
    return XObject(
        {"status": dial.get("status"), "duration": from_python(dial.get("duration"))},
        default=dial.get("status"),
    )


def read_resume(data: Any, path: str = "resume") -> Resume:
    """Read and check a resume, raising :class:`ResumeError` with goflow's message."""
    if not isinstance(data, dict):
        raise ResumeError("resume must be a JSON object", path)
    kind = data.get("type")
    if kind is None or kind == "":
        raise ResumeError("field 'type' is required", _join(path, "type"))
    if not isinstance(kind, str) or kind not in _TYPES:
        raise ResumeError(f"unknown type: '{kind}'", _join(path, "type"))
    try:
        validate_fields(_BASE, data, path)
    except FlowReadError as exc:
        raise ResumeError(exc.message, exc.path) from None
    event_type, legacy = _TYPES[kind]
    event = data.get("event")
    if event is None and legacy is not None and isinstance(data.get(legacy), dict):
        pass  # an older resume: the message or dial is given directly
    elif not isinstance(event, dict) or event.get("type") != event_type:
        raise ResumeError(f"{kind} resume event must be of type {event_type}", _join(path, "event"))
    else:
        _check_event(event, _join(path, "event"))
    return Resume(type=kind, resumed_on=data["resumed_on"], data=copy.deepcopy(data))


def check_accepted(resume: Resume | dict[str, Any], wait: Any) -> None:
    """Refuse a resume the waiting node's wait can't take (goflow's message).

    ``wait`` is the waiting node's :class:`~turnflow.core.graph.Wait` (``type``, ``timeout``)
    or None for a session that waits on no node (e.g. a sub-flow's parent).
    """
    kind = resume.type if isinstance(resume, Resume) else resume.get("type")
    if wait is None:
        return
    wait_type = getattr(wait, "type", None)
    if kind in ACCEPTED.get(wait_type or "", ()):
        return
    # a message wait with a timeout also takes the timeout
    if not (kind == "wait_timeout" and wait_type == "msg"
            and getattr(wait, "timeout", None) is not None):
        raise ResumeError(f"resume of type {kind} not accepted by wait of type {wait_type}")


def _check_event(event: dict[str, Any], path: str) -> None:
    if event.get("type") not in EVENT_TYPES:
        return
    try:
        validate_event(event)
    except TurnflowError as exc:
        raise ResumeError(f"unable to read event: {getattr(exc, 'message', exc)}", path) from None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


__all__ = ["RESUME_TYPES", "Resume", "ResumeError", "check_accepted", "read_resume"]


def msg_resume(text: str, urn: str, created_on: str = "2025-01-01T00:00:00Z") -> dict[str, Any]:
    """A ``msg`` resume: the contact at ``urn`` sent ``text`` (the event gets a random UUID)."""
    return {
        "type": "msg",
        "event": {
            "type": "msg_received",
            "uuid": str(uuid.uuid4()),
            "created_on": created_on,
            "msg": {"text": text, "urn": urn},
        },
    }
