"""Flow starts: a flow started for a list of contacts and groups, in the background.

A start is made ``pending``; the worker fixes its targets (the contacts named, by UUID or
URN, and the members of the groups named) and becomes ``starting``, then starts the flow
for one contact per transaction, counting ``started`` in the same transaction, so a crash
loses nothing and starts nobody twice. Several server processes may work on one start: they
take turns on its row.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from ..store.models import Contact, Definition, FlowStart
from .turns import RequestError, Turns

BATCH = 25  # contacts started per transaction


def create_start(turns: Turns, workspace_id: int, body: dict[str, Any]) -> FlowStart:
    """A new pending flow start from an API request body."""
    flow = body.get("flow")
    if not isinstance(flow, str) or not flow:
        raise RequestError("field 'flow' is required: the UUID or name of a flow")
    contacts = _string_list(body, "contacts") + _string_list(body, "urns")
    groups = _string_list(body, "groups")
    if not contacts and not groups:
        raise RequestError("give 'contacts', 'urns' or 'groups' to start the flow for")
    params = body.get("params") or {}
    if not isinstance(params, dict):
        raise RequestError("field 'params' must be an object")
    with turns.store.transaction() as session:
        definitions = session.scalars(select(Definition).where(
            Definition.workspace_id == workspace_id).order_by(Definition.id)).all()
        definition, ref = None, None
        for candidate in definitions:
            bot = turns.bot(session, candidate.id)
            for item in bot.flows():
                if flow in (item["uuid"], item["name"]):
                    definition, ref = candidate, item
                    break
            if ref is not None:
                break
        if definition is None or ref is None:
            raise RequestError(f"no flow {flow!r} in this workspace", 404)
        if definition.family != "goflow":
            raise RequestError(f"flow {flow!r} is a {definition.family} flow: only goflow "
                               "flows can be started for contacts", 422)
        now = turns.now()
        start = FlowStart(
            workspace_id=workspace_id, definition_id=definition.id, uuid=str(uuid.uuid4()),
            flow_uuid=ref["uuid"], flow_name=ref["name"], status="pending", contacts=contacts,
            groups=groups, params=params, targets=[], total=0, started=0, created_on=now,
            modified_on=now,
        )  # fmt: skip
        session.add(start)
        session.flush()
        return start


def _string_list(body: dict[str, Any], key: str) -> list[str]:
    value = body.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise RequestError(f"field '{key}' must be a list of strings")
    if len(value) > 100_000:
        raise RequestError(f"field '{key}' has more than 100000 items", 413)
    return value


def unfinished_starts(turns: Turns) -> list[int]:
    with turns.store.reading() as session:
        return list(session.scalars(select(FlowStart.id).where(
            FlowStart.status.in_(("pending", "starting"))).order_by(FlowStart.id)))


def _lock_start(turns: Turns, session: Any, start_id: int) -> FlowStart | None:
    query = select(FlowStart).where(FlowStart.id == start_id).execution_options(
        populate_existing=True)
    if not turns.store.sqlite:
        query = query.with_for_update()
    return session.scalar(query)


def fix_targets(turns: Turns, start_id: int) -> None:
    """pending -> starting: the contacts it will start, in a fixed order."""
    with turns.store.transaction() as session:
        start = _lock_start(turns, session, start_id)
        if start is None or start.status != "pending":
            return
        ids: list[int] = []
        seen: set[int] = set()
        for given in start.contacts:
            if ":" in given:  # a URN: the contact is made if new
                contact_id = turns.contact_for_urn(session, start.workspace_id, given).id
            else:
                contact_id = session.scalar(select(Contact.id).where(
                    Contact.workspace_id == start.workspace_id, Contact.uuid == given))
            if contact_id is not None and contact_id not in seen:
                ids.append(contact_id)
                seen.add(contact_id)
        if start.groups:
            wanted = set(start.groups)
            rows = session.execute(select(Contact.id, Contact.groups).where(
                Contact.workspace_id == start.workspace_id).order_by(Contact.id))
            for contact_id, groups in rows:
                if contact_id not in seen and any(
                        g.get("uuid") in wanted or g.get("name") in wanted for g in groups):
                    ids.append(contact_id)
                    seen.add(contact_id)
        start.targets = sorted(ids)
        start.total = len(ids)
        start.status = "starting" if ids else "complete"
        start.modified_on = turns.now()


def start_some(turns: Turns, start_id: int, count: int = BATCH) -> bool:
    """Start the flow for up to ``count`` more contacts in one transaction, the progress
    counted in it too; False when the start is done. Contacts are locked in id order (the
    targets are sorted), so two starts can't deadlock on them."""
    with turns.store.transaction() as session:
        start = _lock_start(turns, session, start_id)
        if start is None or start.status != "starting":
            return False
        targets = start.targets[start.started:start.started + count]
        for contact_id in targets:
            contact = turns.lock_contact(session, contact_id)
            try:
                with session.begin_nested():
                    turns.start_flow_in(session, contact, start.definition_id, start.flow_uuid,
                                        dict(start.params))
            except RequestError:
                pass  # the contact can't be started (counted as done, not started twice)
        start.started += len(targets)
        start.modified_on = turns.now()
        if start.started >= start.total:
            start.status = "complete"
            return False
        return True


def run_start(turns: Turns, start_id: int) -> None:
    fix_targets(turns, start_id)
    while start_some(turns, start_id):
        pass

