"""goflow's triggers: what starts a session, read and checked as goflow does, and ``@trigger``.

A trigger is JSON ``{"type", "flow", "triggered_on", ...}``; the types are ``manual``, ``msg``
(with an optional ``keyword_match``), ``flow_action`` (with the starting run's
``run_summary``), ``campaign``, ``ticket``, ``call``, ``chat``, ``optin`` and the deprecated
``channel``. Most carry the event that caused them in ``event`` (``msg_received``,
``campaign_fired``, ``call_received`` ...). :func:`read_trigger` validates the JSON and refuses
an invalid trigger with goflow's message; :meth:`Trigger.context` is ``@trigger``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import TurnflowError
from ..expressions import XObject, from_python
from .events import EVENT_TYPES, validate_event
from .validation import FLOW_REF, USER_REF, F, FlowReadError, validate_fields


class TriggerReadError(TurnflowError):
    """A trigger that goflow would refuse to read; ``path`` is the JSON path of the problem."""

    def __init__(self, message: str, path: str = "") -> None:
        self.message = message
        self.path = path
        super().__init__(f"{message} (at {path})" if path else message)


# the fields every trigger may have, in goflow's order (it reports problems in this order)
_BASE = (
    F("type", required=True),
    F("flow", "obj", required=True, fields=FLOW_REF),
    F("event", "obj"),
    F("batch", "bool"),
    F("params", "any"),
    F("history", "obj"),
    F("triggered_on", required=True),
    F("user", "obj", fields=USER_REF),
    F("origin"),
)
_KEYWORD_MATCH = (F("type", required=True), F("keyword", required=True))
_CHANNEL_EVENT = (F("type", required=True), F("channel", "obj", required=True))

# per type: its own fields and the event types it accepts (None: no event check)
_TYPES: dict[str, tuple[tuple[F, ...], tuple[str, ...] | None]] = {
    "manual": ((), None),
    "msg": ((F("keyword_match", "obj", fields=_KEYWORD_MATCH),), ("msg_received",)),
    "flow_action": ((F("run_summary", "obj", required=True),), None),
    "campaign": ((), ("campaign_fired",)),
    "ticket": ((F("ticket", "obj", required=True),), None),
    "call": ((), ("call_received", "call_missed")),
    "chat": ((), ("chat_started",)),
    "optin": ((), ("optin_started", "optin_stopped")),
    "channel": ((F("event", "obj", required=True, fields=_CHANNEL_EVENT),), None),
}
TRIGGER_TYPES = tuple(_TYPES)

# the order goflow writes a trigger's fields in
_FIELD_ORDER = (
    "type", "event", "flow", "batch", "params", "history", "triggered_on", "user", "origin",
    "keyword_match", "run_summary", "ticket",
)  # fmt: skip


@dataclass
class Trigger:
    """A validated trigger. ``data`` keeps the JSON as read (it is written back unchanged)."""

    type: str
    flow: dict[str, Any]
    triggered_on: str
    data: dict[str, Any] = field(repr=False)

    # -- what the engine needs ------------------------------------------------------------

    @property
    def event(self) -> dict[str, Any] | None:
        return self.data.get("event")

    @property
    def batch(self) -> bool:
        return bool(self.data.get("batch"))

    @property
    def params(self) -> Any:
        return self.data.get("params")

    @property
    def user(self) -> dict[str, Any] | None:
        return self.data.get("user")

    @property
    def origin(self) -> str:
        return self.data.get("origin") or ""

    @property
    def keyword_match(self) -> dict[str, Any] | None:
        return self.data.get("keyword_match")

    @property
    def run_summary(self) -> dict[str, Any] | None:
        return self.data.get("run_summary")

    @property
    def ticket(self) -> dict[str, Any] | None:
        return self.data.get("ticket")

    @property
    def msg_event(self) -> dict[str, Any] | None:
        """The msg_received event of a msg trigger (the session's first input)."""
        event = self.event
        if self.type == "msg" and event and event.get("type") == "msg_received":
            return event
        return None

    def to_json(self) -> dict[str, Any]:
        """The trigger as goflow writes it."""
        ordered = {key: self.data[key] for key in _FIELD_ORDER if key in self.data}
        ordered.update({k: v for k, v in self.data.items() if k not in ordered})
        return copy.deepcopy(ordered)

    # -- @trigger ---------------------------------------------------------------------------

    def context(self, assets: Any = None) -> XObject:
        """``@trigger``: type, params (never null), keyword, user, origin, ticket, campaign."""
        params: Any = self.params
        if self.type == "chat":  # a chat's event params stand in for the old channel params
            event_params = (self.event or {}).get("params") or {}
            params = {key: str(value) for key, value in event_params.items()}
        params_obj = from_python(params) if isinstance(params, Mapping) else None
        keyword = (self.keyword_match or {}).get("keyword") if self.type == "msg" else None
        campaign = None
        if self.type == "campaign":
            ref = (self.event or {}).get("campaign") or {}
            campaign = ref_context(ref)
        ticket = (
            ticket_context(self.ticket, assets) if self.type == "ticket" and self.ticket else None
        )
        return XObject(
            {
                "type": self.type,
                "params": params_obj if params_obj is not None else XObject(),
                "keyword": keyword or "",
                "user": user_context(self.user, assets) if self.user else None,
                "origin": self.origin,
                "ticket": ticket,
                "campaign": campaign,
            }
        )


def read_trigger(data: Any, path: str = "trigger") -> Trigger:
    """Read and check a trigger, raising :class:`TriggerReadError` with goflow's message."""
    if not isinstance(data, dict):
        raise TriggerReadError("trigger must be a JSON object", path)
    kind = data.get("type")
    if kind is None or kind == "":
        raise TriggerReadError("field 'type' is required", _join(path, "type"))
    if not isinstance(kind, str) or kind not in _TYPES:
        raise TriggerReadError(f"unknown type: '{kind}'", _join(path, "type"))
    own_fields, event_types = _TYPES[kind]
    own_names = {spec.name for spec in own_fields}
    specs = tuple(spec for spec in _BASE if spec.name not in own_names) + own_fields
    _validate(specs, data, path)
    event = data.get("event")
    if event_types is not None:
        if not isinstance(event, dict) or event.get("type") not in event_types:
            wanted = " or ".join(event_types)
            if kind != "msg" or event is not None or "msg" not in data:
                raise TriggerReadError(
                    f"{kind} trigger event must be of type {wanted}", _join(path, "event")
                )
    if isinstance(event, dict) and kind != "channel":
        _check_event(event, _join(path, "event"))
    if kind == "ticket":
        _validate(_TICKET, data["ticket"], _join(path, "ticket"), "unable to read ticket")
    return Trigger(
        type=kind,
        flow=dict(data["flow"]),
        triggered_on=data["triggered_on"],
        data=copy.deepcopy(data),
    )


_TICKET = (
    F("uuid", required=True, tag="uuid"),
    F("status"),
    F("topic", "obj", fields=FLOW_REF),
    F("assignee", "obj", fields=USER_REF),
)


def _validate(specs: tuple[F, ...], data: Any, path: str, context: str = "") -> None:
    try:
        validate_fields(specs, data, path, context)
    except FlowReadError as exc:
        raise TriggerReadError(exc.message, exc.path) from None


def _check_event(event: dict[str, Any], path: str) -> None:
    if event.get("type") not in EVENT_TYPES:
        return  # an event type the event module doesn't describe: taken as it is
    try:
        validate_event(event)
    except TurnflowError as exc:
        raise TriggerReadError(
            f"unable to read event: {getattr(exc, 'message', exc)}", path
        ) from None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# -- context objects shared with other goflow modules ---------------------------------------


def ref_context(ref: Mapping[str, Any]) -> XObject:
    """An asset reference ({uuid, name}) as an object that shows as its name."""
    return XObject({"uuid": ref.get("uuid"), "name": ref.get("name")}, default=ref.get("name"))


def _find_user(ref: Mapping[str, Any], assets: Any) -> Mapping[str, Any]:
    for user in getattr(assets, "users", None) or []:
        if not isinstance(user, Mapping):
            continue
        if (ref.get("uuid") and user.get("uuid") == ref["uuid"]) or (
            ref.get("email") and user.get("email") == ref["email"]
        ):
            return user
    return ref


def user_context(ref: Mapping[str, Any] | None, assets: Any = None) -> XObject | None:
    """A user (looked up in the assets by UUID or email): shows as the name."""
    if not ref:
        return None
    user = _find_user(ref, assets)
    name = user.get("name") or ref.get("name") or ""
    return XObject(
        {
            "email": user.get("email") or "",
            "name": name,
            "first_name": name.split(" ")[0] if name else "",
        },
        default=name,
    )


def ticket_context(ticket: Mapping[str, Any] | None, assets: Any = None) -> XObject | None:
    """A ticket: uuid, topic and assignee (shows as its UUID)."""
    if not ticket:
        return None
    topic = ticket.get("topic")
    return XObject(
        {
            "uuid": ticket.get("uuid"),
            "topic": ref_context(topic) if topic else None,
            "assignee": user_context(ticket.get("assignee"), assets),
        },
        default=ticket.get("uuid"),
    )


__all__ = [
    "TRIGGER_TYPES",
    "Trigger",
    "TriggerReadError",
    "read_trigger",
    "ref_context",
    "ticket_context",
    "user_context",
]
