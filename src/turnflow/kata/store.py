"""A Kata session as plain JSON and back, for whoever keeps sessions between messages (a
server, a file): what the conversation is — its open flows (state, context, when each last
took a message), data, ids, last flow and state, schedules — never its history.

>>> record = {"version": 1, "id": "s1", "user_id": "u", "data": {"n": 1}, "flows": []}
>>> record_of(conversation_of(record, {}, None))["data"]
{'n': 1}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.graph import Flow
from ..core.session import WAITING, Step
from ..generators import NanoTime
from .runtime_errors import KataRuntimeError
from .session import KataConversation, KataRun, Schedule, copy_json

VERSION = 1


def record_of(conversation: KataConversation) -> dict[str, Any]:
    """The session as JSON-ready values."""
    flows = []
    for run in conversation.stack:  # bottom first: the current flow last
        if not isinstance(run, KataRun):
            continue
        flows.append({
            "flow": run.flow.uuid, "state": run.state, "context": copy_json(run.context),
            "run": run.uuid, "created_ns": run.created_on.ns, "touched_ns": run.touched_ns,
            "fresh": run.fresh, "invalidated": run.invalidated,
        })  # fmt: skip
    return {
        "version": VERSION, "id": conversation.uuid, "user_id": conversation.user_id,
        "channel_id": conversation.channel_id, "deployment_id": conversation.deployment_id,
        "data_key": conversation.data_key, "created_ns": conversation.created_on.ns,
        "timestamp_ns": conversation.timestamp_ns, "last_flow": conversation.last_flow,
        "last_state": conversation.last_state, "data": copy_json(conversation.data),
        "flows": flows, "schedules": [schedule.record() for schedule in conversation.schedules],
        "async_calls": conversation.async_calls,
    }  # fmt: skip


def conversation_of(record: Mapping[str, Any], flows: Mapping[str, Flow],
                    data: dict[str, Any] | None) -> KataConversation:
    """A conversation from :func:`record_of`'s record; ``flows``: the bot's core flows by
    name; ``data``: the data to use instead of the record's (shared through a data key)."""
    if not isinstance(record, Mapping) or record.get("version") != VERSION:
        raise KataRuntimeError(f"not a Kata session record of version {VERSION}")
    try:
        conversation = KataConversation(
            uuid=str(record["id"]), type="messaging",
            created_on=NanoTime(int(record.get("created_ns") or 0)), trigger={}, contact={},
            user_id=str(record.get("user_id") or ""),
            channel_id=str(record.get("channel_id") or ""),
            deployment_id=str(record.get("deployment_id") or ""),
            data_key=record.get("data_key"), last_flow=record.get("last_flow"),
            last_state=record.get("last_state"),
            timestamp_ns=int(record.get("timestamp_ns") or 0),
            async_calls=int(record.get("async_calls") or 0),
        )  # fmt: skip
        conversation.data = data if data is not None else copy_json(dict(record.get("data")
                                                                         or {}))
        for item in record.get("flows") or []:
            flow = flows.get(item["flow"])
            if flow is None or flow.node(item["state"]) is None:
                raise KataRuntimeError(
                    f"the session has flow '{item['flow']}' at state '{item['state']}', which "
                    "the bot does not have")
            created = NanoTime(int(item.get("created_ns") or 0))
            run = KataRun(
                uuid=str(item.get("run") or ""), flow=flow, created_on=created, status=WAITING,
                path=[Step(item["state"], created)], context=copy_json(dict(item["context"])),
                touched_ns=int(item.get("touched_ns") or 0), fresh=bool(item.get("fresh")),
                invalidated=bool(item.get("invalidated")),
            )  # fmt: skip
            conversation.push(run)
        conversation.schedules = [
            Schedule(str(s["id"]), dict(s["message"]), int(s["due_ns"]),
                     int(s.get("every_ns") or 0), int(s.get("end_ns") or 0), s.get("request"))
            for s in record.get("schedules") or []
        ]
    except (KeyError, TypeError, ValueError) as error:
        raise KataRuntimeError(f"a Kata session record that can't be read: {error}") from None
    conversation.status = WAITING if conversation.stack else "completed"
    return conversation
