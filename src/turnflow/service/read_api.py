"""The read API in RapidPro's API v2 shapes: ``runs``, ``contacts``, ``messages``,
``flow_starts``, plus ``sessions`` (a contact's conversation state, any family).

Every list is newest first and paged by a cursor: ``next`` is the URL of the next page (or
null), made from the last id seen, so pages stay right while rows are added.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ..store.models import (
    Channel,
    Contact,
    ContactURN,
    Conversation,
    Definition,
    FlowRun,
    FlowStart,
    FlowStep,
    Message,
)
from .turns import RequestError

PAGE_SIZE = 250
MAX_PAGE_SIZE = 1000


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"before:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind != "before":
            raise ValueError
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise RequestError("bad cursor: use the 'next' URL of the previous page") from None


def page(session: Session, query: Select[Any], id_column: Any, params: dict[str, str],
         url: str) -> tuple[list[Any], str | None]:
    size = PAGE_SIZE
    if "page_size" in params:
        try:
            size = int(params["page_size"])
        except ValueError:
            raise RequestError("page_size must be a number") from None
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise RequestError(f"page_size must be 1 to {MAX_PAGE_SIZE}")
    if params.get("cursor"):
        query = query.where(id_column < decode_cursor(params["cursor"]))
    rows = list(session.scalars(query.order_by(id_column.desc()).limit(size + 1)))
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    others = "&".join(f"{k}={v}" for k, v in params.items() if k not in ("cursor", "token"))
    base = f"{url}?{others + '&' if others else ''}"
    return rows, f"{base}cursor={encode_cursor(rows[-1].id)}"


def _time_filter(query: Select[Any], column: Any, params: dict[str, str]) -> Select[Any]:
    """RapidPro's ``before`` and ``after`` (ISO 8601 times, inclusive) on ``column``."""
    for key in ("before", "after"):
        if not params.get(key):
            continue
        try:
            when = dt.datetime.fromisoformat(params[key].replace("Z", "+00:00"))
        except ValueError:
            raise RequestError(f"{key}: {params[key]!r} is not an ISO 8601 time") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        query = query.where(column <= when if key == "before" else column >= when)
    return query


def _contact_filter(session: Session, workspace_id: int, params: dict[str, str]) -> int | None:
    """The contact named by ``contact`` (UUID) or ``urn``, if either is given."""
    if params.get("contact"):
        found = session.scalar(select(Contact.id).where(
            Contact.workspace_id == workspace_id, Contact.uuid == params["contact"]))
    elif params.get("urn"):
        found = session.scalar(select(ContactURN.contact_id).where(
            ContactURN.workspace_id == workspace_id, ContactURN.identity == params["urn"]))
    else:
        return None
    return found if found is not None else -1  # no such contact: an empty list


def _contact_refs(session: Session, ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    refs = {c.id: {"uuid": c.uuid, "name": c.name or None}
            for c in session.scalars(select(Contact).where(Contact.id.in_(ids)))}
    for contact_id, identity in session.execute(select(
            ContactURN.contact_id, ContactURN.identity).where(ContactURN.contact_id.in_(ids))
            .order_by(ContactURN.priority, ContactURN.id)):
        refs[contact_id].setdefault("urn", identity)
    return refs


def contacts(session: Session, workspace_id: int, params: dict[str, str], url: str
             ) -> dict[str, Any]:
    query = select(Contact).where(Contact.workspace_id == workspace_id)
    contact_id = _contact_filter(session, workspace_id, params)
    if contact_id is not None:
        query = query.where(Contact.id == contact_id)
    query = _time_filter(query, Contact.modified_on, params)
    rows, next_url = page(session, query, Contact.id, params, url)
    urns: dict[int, list[str]] = {}
    if rows:
        for contact, identity in session.execute(select(ContactURN.contact_id,
                                                        ContactURN.identity).where(
                ContactURN.contact_id.in_([r.id for r in rows])).order_by(
                ContactURN.priority, ContactURN.id)):
            urns.setdefault(contact, []).append(identity)
    results = [{
        "uuid": c.uuid, "name": c.name or None, "language": c.language or None,
        "urns": urns.get(c.id, []), "groups": [{"uuid": g.get("uuid"), "name": g.get("name")}
                                               for g in c.groups],
        "fields": {k: (v.get("text") if isinstance(v, dict) else v) for k, v in c.fields.items()},
        "status": c.status, "created_on": iso(c.created_on), "modified_on": iso(c.modified_on),
        "last_seen_on": iso(c.last_seen_on),
    } for c in rows]
    return {"next": next_url, "previous": None, "results": results}


def _shown_state(state: Any) -> Any:
    """A conversation's state as the API shows it: a goflow session stored in the compact
    form (see turnflow.goflow.session_store) as goflow's session JSON."""
    from ..goflow.session_store import is_stored_form, to_goflow_json

    if not is_stored_form(state):
        return state
    shown = to_goflow_json(state)
    if "error" in state:  # why the last turn failed (see turns.py)
        shown["error"] = state["error"]
    return shown


# a run's status is its RapidPro exit type once it has ended (active or waiting: none)
EXIT_TYPES = frozenset({"completed", "interrupted", "expired", "failed"})


def runs(session: Session, workspace_id: int, params: dict[str, str], url: str
         ) -> dict[str, Any]:
    query = select(FlowRun).where(FlowRun.workspace_id == workspace_id)
    contact_id = _contact_filter(session, workspace_id, params)
    if contact_id is not None:
        query = query.where(FlowRun.contact_id == contact_id)
    if params.get("flow"):
        query = query.where(FlowRun.flow_uuid == params["flow"])
    if params.get("uuid"):
        query = query.where(FlowRun.uuid == params["uuid"])
    query = _time_filter(query, FlowRun.modified_on, params)
    rows, next_url = page(session, query, FlowRun.id, params, url)
    refs = _contact_refs(session, {r.contact_id for r in rows})
    paths: dict[int, list[dict[str, Any]]] = {}
    if rows:
        for step in session.scalars(select(FlowStep).where(
                FlowStep.run_id.in_([r.id for r in rows])).order_by(FlowStep.run_id,
                                                                    FlowStep.position)):
            paths.setdefault(step.run_id, []).append({
                "node": step.node_uuid, "time": iso(step.arrived_on),
                "exit": step.exit_uuid, "value": step.value})
    results = []
    for run in rows:
        values = {key: {
            "name": value.get("name"), "value": value.get("value"),
            "category": value.get("category"), "node": value.get("node_uuid"),
            "time": value.get("created_on"), "input": value.get("input"),
        } for key, value in (run.results or {}).items()}
        results.append({
            "id": run.id, "uuid": run.uuid, "flow": {"uuid": run.flow_uuid, "name": run.flow_name},
            "contact": refs.get(run.contact_id), "start": None, "responded": run.responded,
            "path": paths.get(run.id, []), "values": values, "created_on": iso(run.created_on),
            "modified_on": iso(run.modified_on), "exited_on": iso(run.exited_on),
            "exit_type": run.status if run.status in EXIT_TYPES else None, "status": run.status,
        })
    return {"next": next_url, "previous": None, "results": results}


def messages(session: Session, workspace_id: int, params: dict[str, str], url: str
             ) -> dict[str, Any]:
    query = select(Message).where(Message.workspace_id == workspace_id)
    contact_id = _contact_filter(session, workspace_id, params)
    if contact_id is not None:
        query = query.where(Message.contact_id == contact_id)
    if params.get("direction") in ("in", "out"):
        query = query.where(Message.direction == params["direction"])
    query = _time_filter(query, Message.created_on, params)
    rows, next_url = page(session, query, Message.id, params, url)
    refs = _contact_refs(session, {m.contact_id for m in rows})
    channels = {c.id: c for c in session.scalars(select(Channel).where(
        Channel.id.in_({m.channel_id for m in rows})))} if rows else {}
    results = []
    for msg in rows:
        channel = channels.get(msg.channel_id)
        data = msg.data or {}
        results.append({
            "id": msg.id, "uuid": msg.uuid, "contact": refs.get(msg.contact_id), "urn": msg.urn,
            "channel": {"uuid": channel.uuid, "name": channel.kind} if channel else None,
            "direction": msg.direction, "type": "text", "status": msg.status,
            "visibility": "visible", "text": msg.text, "attachments": data.get("attachments", []),
            "quick_replies": data.get("quick_replies", []), "extra": data,
            "external_id": msg.external_id, "created_on": iso(msg.created_on),
            "modified_on": iso(msg.modified_on),
        })
    return {"next": next_url, "previous": None, "results": results}


def flow_start_json(start: FlowStart) -> dict[str, Any]:
    return {
        "uuid": start.uuid, "flow": {"uuid": start.flow_uuid, "name": start.flow_name},
        "status": start.status, "contacts": start.contacts, "groups": start.groups,
        "params": start.params, "progress": {"total": start.total, "started": start.started},
        "created_on": iso(start.created_on), "modified_on": iso(start.modified_on),
    }


def flow_starts(session: Session, workspace_id: int, params: dict[str, str], url: str
                ) -> dict[str, Any]:
    query = select(FlowStart).where(FlowStart.workspace_id == workspace_id)
    if params.get("uuid"):
        query = query.where(FlowStart.uuid == params["uuid"])
    rows, next_url = page(session, query, FlowStart.id, params, url)
    return {"next": next_url, "previous": None, "results": [flow_start_json(s) for s in rows]}


def sessions(session: Session, workspace_id: int, params: dict[str, str], url: str
             ) -> dict[str, Any]:
    """Conversations with their whole state (``contact``/``urn`` to pick a contact's)."""
    query = select(Conversation).where(Conversation.workspace_id == workspace_id)
    contact_id = _contact_filter(session, workspace_id, params)
    if contact_id is not None:
        query = query.where(Conversation.contact_id == contact_id)
    if params.get("status"):
        query = query.where(Conversation.status == params["status"])
    rows, next_url = page(session, query, Conversation.id, params, url)
    refs = _contact_refs(session, {c.contact_id for c in rows})
    names = {d.id: d.name for d in session.scalars(select(Definition).where(
        Definition.id.in_({c.definition_id for c in rows})))} if rows else {}
    results = [{
        "uuid": c.uuid, "family": c.family, "definition": names.get(c.definition_id),
        "contact": refs.get(c.contact_id), "status": c.status, "turns": c.sprints,
        "state": _shown_state(c.state), "created_on": iso(c.created_on),
        "modified_on": iso(c.modified_on),
        "ended_on": iso(c.ended_on),
    } for c in rows]
    return {"next": next_url, "previous": None, "results": results}


def definitions(session: Session, workspace_id: int, params: dict[str, str], url: str
                ) -> dict[str, Any]:
    query = select(Definition).where(Definition.workspace_id == workspace_id)
    rows, next_url = page(session, query, Definition.id, params, url)
    channels: dict[int, list[dict[str, str]]] = {}
    if rows:
        for channel in session.scalars(select(Channel).where(
                Channel.definition_id.in_([d.id for d in rows])).order_by(Channel.id)):
            channels.setdefault(channel.definition_id, []).append(
                {"uuid": channel.uuid, "kind": channel.kind})
    results = [{"uuid": d.uuid, "name": d.name, "family": d.family,
                "channels": channels.get(d.id, []), "modified_on": iso(d.modified_on)}
               for d in rows]
    return {"next": next_url, "previous": None, "results": results}


READERS = {"runs": runs, "contacts": contacts, "messages": messages,
           "flow_starts": flow_starts, "sessions": sessions, "definitions": definitions}
