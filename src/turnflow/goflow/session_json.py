"""goflow's session JSON: how a session is stored between sprints and read back.

The shapes are goflow's: ended runs are stored compacted (no path, no locals, no webhook),
steps keep only their node and arrival, times are Go's RFC3339 with nanoseconds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from ..core.graph import Flow
from ..core.session import ACTIVE, ENDED, WAITING, Run, Step, _position, time_text
from ..errors import TurnflowError
from ..generators import NanoTime
from .contact import Contact
from .session import GoflowRun, GoflowSession

# uuid -> the flow (or None if it's not known)
FlowLookup = Callable[[str], "Flow | None"]

# a run stores its last webhook call only if the response's JSON is this small (as goflow)
PERSISTED_WEBHOOK_BYTES = 10_000


class SessionReadError(TurnflowError):
    """Session JSON that can't be read back; ``path`` is the JSON path of the problem."""

    def __init__(self, message: str, path: str = "") -> None:
        self.message = message
        self.path = path
        super().__init__(f"{message} (at {path})" if path else message)


# -- writing ----------------------------------------------------------------------------------


def step_to_json(step: Step) -> dict[str, Any]:
    """goflow's session JSON for a step (goflow keeps no exit or value there)."""
    return {"node_uuid": step.node_uuid, "arrived_on": time_text(step.arrived_on)}


def run_to_json(run: Run) -> dict[str, Any]:
    ended = run.ended
    data: dict[str, Any] = {
        "uuid": run.uuid,
        "flow": run.flow.ref,
        "path": [step_to_json(step) for step in run.path],
        "status": run.status,
        "created_on": time_text(run.created_on),
        "modified_on": time_text(run.modified_on or run.created_on),
        "exited_on": time_text(run.exited_on),
    }
    if run.results:
        data["results"] = run.results
    if run.locals and not ended:
        data["locals"] = run.locals  # ended runs are stored without them, as goflow does
    if run.parent is not None:
        data["parent_uuid"] = run.parent.uuid
    webhook = getattr(run, "webhook", None)
    if not ended and _persisted_webhook(webhook):  # compacted when ended
        data["webhook"] = webhook
    if run.had_input:
        data["had_input"] = True
    if not run.path or ended:
        del data["path"]  # ended runs are stored compacted, as goflow does
    return data


def session_to_dict(session: GoflowSession) -> dict[str, Any]:
    """The session in goflow's JSON shape (values may still be Python objects)."""
    contact = session.contact
    data: dict[str, Any] = {
        "uuid": session.uuid,
        "type": session.type,
        "created_on": time_text(session.created_on),
        "trigger": session.trigger,
        "contact_uuid": (
            contact.get("uuid") if isinstance(contact, dict) else getattr(contact, "uuid", None)
        ),
        "runs": [run_to_json(run) for run in session.runs],
        "status": session.status,
        "sprints": session.sprints,
    }
    return add_optional_fields(data, session)


def add_optional_fields(data: dict[str, Any], session: Any) -> dict[str, Any]:
    """``data`` with the session's call, wait and input, those it has (goflow leaves out the
    absent ones)."""
    call_uuid = getattr(session, "call_uuid", None)
    if call_uuid:
        data["call_uuid"] = call_uuid
    wait = getattr(session, "wait", None)
    if wait is not None:
        data["wait"] = wait
    if session.input is not None:
        data["input"] = session.input
    return data


def _persisted_webhook(webhook: Any) -> bool:
    if not isinstance(webhook, Mapping):
        return False
    body = webhook.get("json")
    if body is None:  # no body: nothing to outgrow the limit
        return True
    size = len(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())
    return size <= PERSISTED_WEBHOOK_BYTES


# -- reading ----------------------------------------------------------------------------------


def read_step(data: Any, path: str) -> Step:
    data = _object(data, path)
    arrived_on = _time(data, "arrived_on", path, required=True)
    assert arrived_on is not None
    node_uuid = _required(data, "node_uuid", path)
    if not isinstance(node_uuid, str):
        raise SessionReadError("field 'node_uuid' must be a string", f"{path}.node_uuid")
    return Step(node_uuid=node_uuid, arrived_on=arrived_on)


def read_run(data: Any, flows: FlowLookup, path: str = "run") -> GoflowRun:
    """Read a run written by :func:`run_to_json` (its parent is linked by the session)."""
    data = _object(data, path)
    ref = _object(_required(data, "flow", path), f"{path}.flow")
    flow = flows(_text(ref, "uuid", f"{path}.flow"))
    if flow is None:
        raise SessionReadError(
            f"flow {ref.get('uuid')} ({ref.get('name', '')}) is not in the assets", f"{path}.flow"
        )
    created_on = _time(data, "created_on", path, required=True)
    assert created_on is not None
    steps = data.get("path") or []
    if not isinstance(steps, list):
        raise SessionReadError("field 'path' must be a list", f"{path}.path")
    results = data.get("results") or {}
    locals_ = data.get("locals") or {}
    for key, value in (("results", results), ("locals", locals_)):
        _object(value, f"{path}.{key}")
    for key, value in results.items():
        _object(value, f"{path}.results.{key}")
    return GoflowRun(
        uuid=_text(data, "uuid", path),
        flow=flow,
        created_on=created_on,
        status=_status(data, path),
        path=[read_step(step, f"{path}.path[{i}]") for i, step in enumerate(steps)],
        results={key: dict(value) for key, value in results.items()},
        locals=dict(locals_),
        modified_on=_time(data, "modified_on", path),
        exited_on=_time(data, "exited_on", path),
        had_input=bool(data.get("had_input")),
        webhook=_webhook(data, path),
    )


def read_session(data: Any, flows: FlowLookup, contact: Any) -> GoflowSession:
    """Read a session written by :func:`session_to_dict` back, ready to be resumed.

    ``flows`` finds a run's flow by UUID; ``contact`` is the session's contact (sessions
    store only its UUID, as goflow does). Runs are linked to their parents, and the stack
    is rebuilt: the runs still in play, in the order they started, the waiting one on top.
    """
    data = _object(data, "session")
    created_on = _time(data, "created_on", "session", required=True)
    assert created_on is not None
    trigger = data.get("trigger")
    if not isinstance(trigger, Mapping):
        raise SessionReadError("field 'trigger' is required", "session.trigger")
    runs_data = data.get("runs") or []
    if not isinstance(runs_data, list):
        raise SessionReadError("field 'runs' must be a list", "session.runs")
    runs = [read_run(item, flows, f"session.runs[{i}]") for i, item in enumerate(runs_data)]
    parent_uuids = [item.get("parent_uuid") for item in runs_data]
    return build_session(
        runs, parent_uuids, contact,
        uuid=_text(data, "uuid", "session"),
        type=data.get("type") or "messaging",
        created_on=created_on,
        trigger=trigger,
        contact_uuid=data.get("contact_uuid"),
        status=_text(data, "status", "session"),
        wait=data.get("wait"),
        input=data.get("input"),
        sprints=_count(data, "sprints", "session"),
        call_uuid=data.get("call_uuid"),
    )


def build_session(
    runs: list[GoflowRun],
    parent_uuids: list[Any] | None,
    contact: Any,
    uuid: str,
    type: str,
    created_on: NanoTime,
    trigger: Mapping[str, Any],
    contact_uuid: Any,
    status: str,
    wait: Any,
    input: Any,
    sprints: int,
    call_uuid: Any,
    owned: bool = False,
) -> GoflowSession:
    """A session from its read runs (either stored form): the contact checked, runs linked
    to their parents (``parent_uuids``, one a run; None: linked already), the stack rebuilt.
    ``runs`` becomes the session's; ``owned``: the trigger and input dicts are the session's
    own too (parsed from text by the reader), else they are copied."""
    contact_class = contact.__class__
    if contact_class is Contact:
        given_uuid = contact.uuid
    elif contact_class is not dict and not isinstance(contact, Mapping):
        given_uuid = getattr(contact, "uuid", None)
    else:
        given_uuid = contact.get("uuid")
    if contact_uuid and given_uuid and contact_uuid != given_uuid:
        raise SessionReadError(
            f"session is for contact {contact_uuid}, not {given_uuid}", "session.contact_uuid"
        )
    if parent_uuids is not None and parent_uuids.count(None) != len(parent_uuids):
        _link_parents(runs, parent_uuids)
    # the runs still in play, in the order they started, the waiting ones on top
    stack: list[Run] = []
    waiting: list[Run] = []
    for run in runs:  # (not enumerated: the index is looked for only to report a problem)
        run_status = run.status
        if run_status in ENDED:
            continue
        (waiting if run_status == WAITING else stack).append(run)
        # a run in play goes on from its last node: that node must still be in its flow
        if run.path:
            step = run.path[-1]
            if run.flow.node(step.node_uuid) is None:
                index = _position(runs, run)
                raise SessionReadError(
                    f"run is at node {step.node_uuid}, which flow {run.flow.uuid} "
                    f"({getattr(run.flow, 'name', '')}) doesn't have",
                    f"session.runs[{index}].path[{len(run.path) - 1}].node_uuid",
                )
    stack += waiting
    if not (owned and trigger.__class__ is dict):
        trigger = dict(trigger)
    if input is not None and not (owned and input.__class__ is dict):
        input = dict(input) if isinstance(input, Mapping) else None
    if status == WAITING and not waiting:
        raise SessionReadError("session is waiting but none of its runs is", "session.status")
    # the fields in the dataclass's order, positionally (a class called with keywords costs
    # twice as much: Python gathers them in a dict for it)
    session = GoflowSession(
        uuid, type, created_on, trigger, contact, status, runs, stack,  # type: ignore[arg-type]
        input, sprints, wait, call_uuid,
    )
    if trigger.get("type") == "flow_action" and runs:
        # the first run's parent is in another session: the trigger carries its summary
        runs[0].parent_summary = trigger.get("run_summary")
    return session


def _link_parents(runs: list[GoflowRun], parent_uuids: list[Any]) -> None:
    by_uuid = {run.uuid: run for run in runs}
    for index, (run, parent_uuid) in enumerate(zip(runs, parent_uuids, strict=True)):
        if parent_uuid is not None and not isinstance(parent_uuid, str):
            raise SessionReadError("field 'parent_uuid' must be a string",
                                   f"session.runs[{index}].parent_uuid")
        if parent_uuid:
            parent = by_uuid.get(parent_uuid)
            if parent is None:
                raise SessionReadError(
                    f"parent run {parent_uuid} is not in the session",
                    f"session.runs[{index}].parent_uuid",
                )
            run.parent = parent


def _time(data: Mapping[str, Any], key: str, path: str, required: bool = False) -> NanoTime | None:
    value = data.get(key)
    if value is None:
        if required:
            raise SessionReadError(f"field '{key}' is required", f"{path}.{key}")
        return None
    if not isinstance(value, str):
        raise SessionReadError(f"field '{key}' must be a time string", f"{path}.{key}")
    try:
        return NanoTime.parse(value)
    except ValueError:
        raise SessionReadError(
            f"field '{key}' is not an RFC3339 time: {value!r}", f"{path}.{key}"
        ) from None


_RUN_STATUSES = ("active", "waiting", "completed", "interrupted", "expired", "failed")


def _status(data: Mapping[str, Any], path: str) -> str:
    status = data.get("status") or ACTIVE
    if status not in _RUN_STATUSES:
        raise SessionReadError(f"field 'status' is not a run status: {status!r}", f"{path}.status")
    return status


def _count(data: Mapping[str, Any], key: str, path: str) -> int:
    value = data.get(key) or 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SessionReadError(f"field '{key}' must be a positive integer", f"{path}.{key}")
    return value


def _object(data: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise SessionReadError("must be a JSON object", path)
    return data


def _text(data: Mapping[str, Any], key: str, path: str) -> str:
    value = _required(data, key, path)
    if not isinstance(value, str):
        raise SessionReadError(f"field '{key}' must be a string", f"{path}.{key}")
    return value


def _optional_object(data: Mapping[str, Any], key: str, path: str) -> Any:
    value = data.get(key)
    if value is not None and not isinstance(value, Mapping):
        raise SessionReadError(f"field '{key}' must be an object", f"{path}.{key}")
    return value


def _webhook(data: Mapping[str, Any], path: str) -> Any:
    """The run's last webhook call (what @webhook shows), its parts type-checked."""
    webhook = _optional_object(data, "webhook", path)
    if webhook is None:
        return None
    where = f"{path}.webhook"
    status = webhook.get("status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
        raise SessionReadError("field 'status' must be an integer", f"{where}.status")
    for key in ("method", "url"):
        if webhook.get(key) is not None and not isinstance(webhook[key], str):
            raise SessionReadError(f"field '{key}' must be a string", f"{where}.{key}")
    _optional_object(webhook, "headers", where)
    return webhook


def _required(data: Mapping[str, Any], key: str, path: str) -> Any:
    value = data.get(key)
    if value is None or value == "":
        raise SessionReadError(f"field '{key}' is required", f"{path}.{key}")
    return value
