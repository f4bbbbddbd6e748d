"""The compact stored form of a goflow session: what a server keeps between sprints.

goflow's session JSON (:mod:`.session_json`) is the exchange format, and costly to write and
read on every message: RFC3339 text for every time, a flow reference with its name per run,
an object per path step, and the checks that JSON from outside needs. The stored form holds
the same content (ended runs compacted the same way, so a session read back from either form
behaves the same) in less: times as ns integers, flows named once, a run's path as one flat
``[node_uuid, arrived_ns, ...]`` list. It is written and read in one go by orjson (json for
the rare session orjson can't write exactly); a damaged document is a
:class:`SessionReadError`, never a crash.

The first key, :data:`FORM_KEY`, holds the form's version; :func:`is_stored_form` tells the
forms apart, so sessions stored in goflow's JSON by older code still read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from itertools import chain
from operator import attrgetter
from typing import Any

from orjson import dumps as _orjson_dumps
from orjson import loads as _orjson_loads

from ..core.session import ENDED, Step
from ..generators import NanoTime
from ..generators.times import utc_text
from .contact import json_default
from .session import GoflowRun, GoflowSession
from .session_json import (
    _RUN_STATUSES,
    FlowLookup,
    SessionReadError,
    _persisted_webhook,
    add_optional_fields,
    build_session,
)

FORM_KEY = "turnflow_session"
VERSION = 1
_TEXT_PREFIX = '{"' + FORM_KEY + '":'


def is_stored_form(data: Any) -> bool:
    """Whether ``data`` (a dict or JSON text) is this form rather than goflow's JSON."""
    if isinstance(data, str):
        return data.startswith(_TEXT_PREFIX)
    if isinstance(data, bytes):
        return data.startswith(_TEXT_PREFIX.encode())
    return isinstance(data, Mapping) and FORM_KEY in data


# -- writing ----------------------------------------------------------------------------------


def _run_to_stored(run: Any, flows: dict[str, int], refs: list[Any]) -> dict[str, Any]:
    status = run.status
    ended = status in ENDED
    created_on = run.created_on  # a NanoTime is an int: JSON writes its ns
    flow = run.flow
    flow_index = flows.get(flow.uuid)
    if flow_index is None:
        flow_index = flows[flow.uuid] = len(refs)
        refs.append(flow.ref)
    data: dict[str, Any] = {
        "uuid": run.uuid,
        "flow": flow_index,
        "status": status,
        "created_on": created_on,
    }
    modified_on = run.modified_on
    if modified_on is not None and modified_on != created_on:
        data["modified_on"] = modified_on
    if run.exited_on is not None:
        data["exited_on"] = run.exited_on
    if not ended and run.path:  # ended runs are stored compacted, as goflow does
        data["path"] = list(chain.from_iterable(map(_STEP_PARTS, run.path)))
    if run.results:
        data["results"] = run.results
    if run.locals and not ended:
        data["locals"] = run.locals
    if run.parent is not None:
        data["parent_uuid"] = run.parent.uuid
    webhook = getattr(run, "webhook", None)
    if webhook is not None and not ended and _persisted_webhook(webhook):
        data["webhook"] = webhook
    if run.had_input:
        data["had_input"] = True
    return data


# a step's part of a run's flat path: its node and its arrival
_STEP_PARTS = attrgetter("node_uuid", "arrived_on")


def session_to_stored(session: GoflowSession) -> dict[str, Any]:
    """The session in the stored form (values may still be Python objects such as Decimals;
    :func:`dump_session` writes them as goflow's JSON would)."""
    contact = session.contact
    flows: dict[str, int] = {}  # uuid -> index in refs
    refs: list[Any] = []  # the flows' references, in the order runs first name them
    runs = [_run_to_stored(run, flows, refs) for run in session.runs]
    data: dict[str, Any] = {
        FORM_KEY: VERSION,
        "uuid": session.uuid,
        "type": session.type,
        "status": session.status,
        "created_on": session.created_on,
        "sprints": session.sprints,
        "contact_uuid": (
            contact.get("uuid") if isinstance(contact, dict) else getattr(contact, "uuid", None)
        ),
        "trigger": session.trigger,
        "flows": refs,
        "runs": runs,
    }
    return add_optional_fields(data, session)


# one encoder for every session (json.dumps with options makes a new one per call)
_ENCODER = json.JSONEncoder(default=json_default, separators=(",", ":"))

# orjson writes and reads the form several times faster than json, but it refuses integers
# beyond 64 bits and strings with lone surrogates, and reads big integers back as floats: a
# session holding such values is written by json and marked so, to be read back by json.
_EXACT_KEY = "exact_json"
_EXACT_PREFIX = _TEXT_PREFIX + str(VERSION) + ',"' + _EXACT_KEY + '":true,'


def dump_session(session: GoflowSession) -> str:
    """The session's stored form as JSON text."""
    data = session_to_stored(session)
    try:
        return _orjson_dumps(data, default=json_default).decode()
    except TypeError:  # orjson's error for what it can't write exactly (a JSONEncodeError)
        exact = {FORM_KEY: data.pop(FORM_KEY), _EXACT_KEY: True}
        exact.update(data)
        return _ENCODER.encode(exact)


def _loads(text: str) -> Any:
    if text.startswith(_EXACT_PREFIX):
        return json.loads(text)
    return _orjson_loads(text)


def stored_session(session: GoflowSession) -> dict[str, Any]:
    """The stored form as plain JSON values (for a store that takes a JSON document): what
    :func:`dump_session` writes, read back (orjson's bytes read as they are)."""
    data = session_to_stored(session)
    try:
        written = _orjson_dumps(data, default=json_default)
    except TypeError:  # as in dump_session: written exactly by json, so read back by json
        return json.loads(dump_session(session))  # type: ignore[no-any-return]
    return _orjson_loads(written)  # type: ignore[no-any-return]


# -- reading ----------------------------------------------------------------------------------


def _run_from_stored(
    data: Mapping[str, Any], flows: list[Any], index: int, owned: bool
) -> GoflowRun:
    """A run of the stored form. ``owned``: ``data`` was parsed here from text, so its dicts
    are the run's own (a document a caller gave is copied, as the engine changes a run's
    results and locals in place)."""
    get = data.get
    flow = flows[_index(data["flow"])]
    status = data["status"]
    if status not in _RUN_STATUSES:
        raise SessionReadError(f"not a run status: {status!r}", f"session.runs[{index}].status")
    created_on = NanoTime(_ns(data["created_on"]))
    modified_on = get("modified_on")
    exited_on = get("exited_on")
    flat = get("path")
    steps: list[Step] = []
    if flat:
        nodes, times = (flat[0::2], flat[1::2]) if isinstance(flat, list | tuple) else ((), ())
        # types checked by C loops (the set of the types met), not a Python loop per step
        if (
            not nodes
            or len(nodes) != len(times)
            or not set(map(type, nodes)) <= _STR_ONLY
            or not set(map(type, times)) <= _INT_ONLY
        ):  # fmt: skip
            raise SessionReadError(
                "a step is a node UUID and an integer time", f"session.runs[{index}].path"
            )
        steps = list(map(Step, nodes, map(NanoTime, times)))
    results = get("results")
    if not results:
        results = {}
    elif not (
        owned and results.__class__ is dict and set(map(type, results.values())) <= _DICT_ONLY
    ):
        results = {key: dict(value) for key, value in results.items()}
    locals_ = get("locals")
    if not (owned and locals_.__class__ is dict):
        locals_ = dict(locals_ or {})
    return GoflowRun(
        uuid=data["uuid"],
        flow=flow,
        created_on=created_on,
        status=status,
        path=steps,
        results=results,
        locals=locals_,
        modified_on=NanoTime(_ns(modified_on)) if modified_on is not None else created_on,
        exited_on=NanoTime(_ns(exited_on)) if exited_on is not None else None,
        had_input=bool(get("had_input")),
        webhook=get("webhook"),
    )


_STR_ONLY = frozenset({str})
_INT_ONLY = frozenset({int})  # (bool is a type of its own: no time)
_DICT_ONLY = frozenset({dict})


def _index(value: Any) -> int:
    if value.__class__ is not int or value < 0:
        raise ValueError(f"a run's flow must be an index into the session's flows: {value!r}")
    return value  # type: ignore[no-any-return]


def _ns(value: Any) -> int:
    if value.__class__ is not int:
        raise TypeError(f"a time must be an integer of ns, not {value!r}")
    return value  # type: ignore[no-any-return]


def read_stored(data: Any, flows: FlowLookup, contact: Any) -> GoflowSession:
    """Read a session in the stored form (a dict or JSON text) back, ready to be resumed."""
    try:
        owned = data.__class__ is str or isinstance(data, str | bytes)
        if owned:
            data = _loads(data.decode() if isinstance(data, bytes) else data)
        version = data[FORM_KEY]
        if version != VERSION:
            raise SessionReadError(f"stored session form {version!r} is not known", FORM_KEY)
        runs_data = data["runs"]
        refs = data["flows"]
        flows_read = [flows(ref["uuid"]) for ref in refs]
        for index, flow in enumerate(flows_read):
            if flow is None:
                ref = refs[index]
                raise SessionReadError(
                    f"flow {ref['uuid']} ({ref.get('name', '')}) is not in the assets",
                    f"session.flows[{index}]",
                )
        runs = []
        parent_uuids = []
        for index, item in enumerate(runs_data):
            runs.append(_run_from_stored(item, flows_read, index, owned))
            parent_uuids.append(item.get("parent_uuid"))
        return build_session(
            runs, parent_uuids, contact,
            uuid=data["uuid"],
            type=data["type"],
            created_on=NanoTime(_ns(data["created_on"])),
            trigger=data["trigger"],
            contact_uuid=data.get("contact_uuid"),
            status=data["status"],
            wait=data.get("wait"),
            input=data.get("input"),
            sprints=_ns(data["sprints"]),
            call_uuid=data.get("call_uuid"),
            owned=owned,
        )
    except SessionReadError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise SessionReadError(f"stored session is damaged ({problem})", "session") from None


# -- goflow's session JSON, on demand ---------------------------------------------------------


def to_goflow_json(data: Mapping[str, Any]) -> dict[str, Any]:
    """goflow's session JSON (what ``GoflowEngine.session_to_json`` writes) of a session in
    the stored form, without the assets: for an API that shows stored sessions."""
    refs = data["flows"]
    session: dict[str, Any] = {
        "uuid": data["uuid"],
        "type": data["type"],
        "created_on": utc_text(data["created_on"]),
        "trigger": data["trigger"],
        "contact_uuid": data.get("contact_uuid"),
        "runs": [_goflow_run(run, refs) for run in data["runs"]],
        "status": data["status"],
        "sprints": data["sprints"],
    }
    for key in ("call_uuid", "wait", "input"):
        if key in data:
            session[key] = data[key]
    return session


def _goflow_run(run: Mapping[str, Any], refs: list[Any]) -> dict[str, Any]:
    flat = run.get("path") or []
    exited_on = run.get("exited_on")
    out: dict[str, Any] = {
        "uuid": run["uuid"],
        "flow": refs[run["flow"]],
        "path": [
            {"node_uuid": flat[i], "arrived_on": utc_text(flat[i + 1])}
            for i in range(0, len(flat), 2)
        ],
        "status": run["status"],
        "created_on": utc_text(run["created_on"]),
        "modified_on": utc_text(run.get("modified_on", run["created_on"])),
        "exited_on": utc_text(exited_on) if exited_on is not None else None,
    }
    for key in ("results", "locals", "parent_uuid", "webhook", "had_input"):
        if key in run:
            out[key] = run[key]
    if not flat:
        del out["path"]
    return out
