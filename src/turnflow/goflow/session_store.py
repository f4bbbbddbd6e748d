"""The compact stored form of a goflow session: what a server keeps between sprints.

goflow's session JSON (:mod:`.session_json`) is the exchange format, and costly to write and
read on every message: RFC3339 text for every time, a flow reference with its name per run,
an object per path step, and the checks that JSON from outside needs. The stored form holds
the same content (ended runs compacted the same way, so a session read back from either form
behaves the same) in less: times as ns integers, flows named once, a run's path as lists of
nodes and arrivals. It is written and read in one go by orjson (json for the rare session
orjson can't write exactly); a damaged document is a :class:`SessionReadError`, never a crash.

The first key, :data:`FORM_KEY`, holds the form's version; :func:`is_stored_form` tells the
forms apart, so sessions stored in goflow's JSON by older code still read. Version 2 (written
now) keeps the session and each run as arrays, their fields in a fixed order
(:data:`SESSION_FIELDS`, :data:`RUN_FIELDS`; null for an absent one), and a run's path as two
lists, its steps' nodes and their arrivals: fewer keys and objects to write and parse, and a
run read by unpacking one list. The session's ``status`` stays a key of its own, as in
goflow's JSON: a store reads it to tell a waiting session without reading the session.
Version 1 (an object per session and run, keys as in goflow's JSON, a run's path as one flat
``[node_uuid, arrived_ns, ...]`` list) still reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from operator import attrgetter
from typing import Any

from orjson import dumps as _orjson_dumps
from orjson import loads as _orjson_loads

from ..core.session import ENDED, Step, _position
from ..generators import NanoTime
from ..generators.times import utc_text
from .contact import json_default
from .session import GoflowRun, GoflowSession
from .session_json import (
    _RUN_STATUSES,
    FlowLookup,
    SessionReadError,
    _persisted_webhook,
    build_session,
)

FORM_KEY = "turnflow_session"
VERSION = 2
# how the stored form's JSON text starts (is_stored_form tells the forms apart by it)
STORED_TEXT_PREFIX = '{"' + FORM_KEY + '":'

# the order of a version-2 session's and run's fields in their arrays
SESSION_FIELDS = (
    "uuid", "type", "created_on", "sprints", "contact_uuid", "trigger", "flows", "runs",
    "input", "wait", "call_uuid",
)  # fmt: skip
RUN_FIELDS = (
    "uuid", "flow", "status", "created_on", "modified_on", "exited_on", "nodes", "times",
    "results", "locals", "parent", "webhook", "had_input",
)  # fmt: skip


def is_stored_form(data: Any) -> bool:
    """Whether ``data`` (a dict or JSON text) is this form rather than goflow's JSON."""
    if isinstance(data, str):
        return data.startswith(STORED_TEXT_PREFIX)
    if isinstance(data, bytes):
        return data.startswith(STORED_TEXT_PREFIX.encode())
    return isinstance(data, Mapping) and FORM_KEY in data


# -- writing ----------------------------------------------------------------------------------


def _run_to_stored(run: Any, flows: dict[str, int], refs: list[Any], runs: list[Any]) -> list[Any]:
    """A run as its version-2 array (:data:`RUN_FIELDS`); ``runs``: the session's, for the
    parent's index."""
    status = run.status
    ended = status in ENDED
    created_on = run.created_on  # a NanoTime is an int: JSON writes its ns
    modified_on = run.modified_on
    flow = run.flow
    flow_index = flows.get(flow.uuid)
    if flow_index is None:
        flow_index = flows[flow.uuid] = len(refs)
        refs.append(flow.ref)
    parent = run.parent
    webhook = run.webhook
    path = run.path if not ended else None
    # ended runs are stored compacted (no path, locals or webhook), as goflow does
    return [
        run.uuid,
        flow_index,
        status,
        created_on,
        modified_on if modified_on is not None else created_on,
        run.exited_on,
        list(map(_NODE_UUID, path)) if path else None,
        list(map(_ARRIVED_ON, path)) if path else None,
        run.results or None,
        run.locals if run.locals and not ended else None,
        _position(runs, parent) if parent is not None else None,
        webhook if webhook is not None and not ended and _persisted_webhook(webhook) else None,
        run.had_input,
    ]


# a run's path is stored as two lists: its steps' nodes and their arrivals
_NODE_UUID = attrgetter("node_uuid")
_ARRIVED_ON = attrgetter("arrived_on")


def session_to_stored(session: GoflowSession) -> dict[str, Any]:
    """The session in the stored form (values may still be Python objects such as Decimals;
    :func:`dump_session` writes them as goflow's JSON would)."""
    contact = session.contact
    flows: dict[str, int] = {}  # uuid -> index in refs
    refs: list[Any] = []  # the flows' references, in the order runs first name them
    session_runs = session.runs
    runs = []
    for run in session_runs:  # (a loop: a list comprehension is one more call)
        runs.append(_run_to_stored(run, flows, refs, session_runs))
    return {
        FORM_KEY: VERSION,
        "status": session.status,
        "session": [
            session.uuid,
            session.type,
            session.created_on,
            session.sprints,
            contact.get("uuid") if isinstance(contact, dict) else getattr(contact, "uuid", None),
            session.trigger,
            refs,
            runs,
            session.input,
            session.wait,
            session.call_uuid or None,
        ],
    }


# one encoder for every session (json.dumps with options makes a new one per call)
_ENCODER = json.JSONEncoder(default=json_default, separators=(",", ":"))

# orjson writes and reads the form several times faster than json, but it refuses integers
# beyond 64 bits and strings with lone surrogates, and reads big integers back as floats: a
# session holding such values is written by json and marked so, to be read back by json
# (each version's mark: sessions written by older code carry version 1's).
_EXACT_KEY = "exact_json"
_EXACT_PREFIXES = tuple(
    STORED_TEXT_PREFIX + str(version) + ',"' + _EXACT_KEY + '":true,' for version in (1, VERSION)
)


def dump_session(session: GoflowSession) -> str:
    """The session's stored form as JSON text."""
    data = session_to_stored(session)
    try:
        return _orjson_dumps(data, default=json_default).decode()
    except TypeError:  # orjson's error for what it can't write exactly (a JSONEncodeError)
        exact = {FORM_KEY: data.pop(FORM_KEY), _EXACT_KEY: True}
        exact.update(data)
        return _ENCODER.encode(exact)


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


def read_stored(data: Any, flows: FlowLookup, contact: Any) -> GoflowSession:
    """Read a session in the stored form (a dict or JSON text) back, ready to be resumed."""
    try:
        owned = data.__class__ is str or isinstance(data, str | bytes)
        if owned:
            text = data.decode() if isinstance(data, bytes) else data
            # (marked text was written by json, to be read back by json: see dump_session)
            data = json.loads(text) if text.startswith(_EXACT_PREFIXES) else _orjson_loads(text)
        version = data[FORM_KEY]
        if version == VERSION:
            return _read_v2(data, flows, contact, owned)
        if version == 1:
            return _read_v1(data, flows, contact, owned)
        raise SessionReadError(f"stored session form {version!r} is not known", FORM_KEY)
    except SessionReadError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise SessionReadError(f"stored session is damaged ({problem})", "session") from None


def _read_flows(refs: Any, flows: FlowLookup) -> list[Any]:
    """The flows a session's runs name, from their references (each must be in the assets)."""
    found = []
    for ref in refs:  # (a loop: a list comprehension and all() are two more calls)
        flow = flows(ref["uuid"])
        if flow is None:
            index = len(found)
            raise SessionReadError(
                f"flow {ref['uuid']} ({ref.get('name', '')}) is not in the assets",
                f"session.flows[{index}]",
            )
        found.append(flow)
    return found


def _steps(nodes: Any, times: Any, index: int) -> list[Step]:
    """A run's path from its steps' nodes and arrival times (ns), two lists of one length."""
    # types checked by C loops (each type met looked up in the one allowed), not a Python
    # loop per step; issuperset takes the map as it comes, without building a set of it
    if (
        nodes.__class__ is not list
        or times.__class__ is not list
        or not nodes
        or len(nodes) != len(times)
        or not _STR_ONLY.issuperset(map(type, nodes))
        or not _INT_ONLY.issuperset(map(type, times))
    ):  # fmt: skip
        raise SessionReadError(
            "a step is a node UUID and an integer time", f"session.runs[{index}].path"
        )
    return list(map(Step, nodes, map(NanoTime, times)))


def _own_results(results: Any, owned: bool) -> dict[str, dict[str, Any]]:
    """A run's results as the run's own dicts: kept if parsed here from text, else copied
    (the engine changes a run's results in place)."""
    if owned and results.__class__ is dict and _DICT_ONLY.issuperset(map(type, results.values())):
        return results  # type: ignore[no-any-return]
    return {key: dict(value) for key, value in results.items()}


_STR_ONLY = frozenset({str})
_INT_ONLY = frozenset({int})  # (bool is a type of its own: no time)
_DICT_ONLY = frozenset({dict})

# -- version 2: the session and its runs as arrays


def _read_v2(
    data: Mapping[str, Any], flows: FlowLookup, contact: Any, owned: bool
) -> GoflowSession:
    (uuid, type_, created_on, sprints, contact_uuid, trigger, refs, runs_data, input_, wait,
     call_uuid) = data["session"]  # fmt: skip
    if created_on.__class__ is not int or sprints.__class__ is not int:
        raise SessionReadError("a session's created_on and sprints are integers", "session")
    flows_read = _read_flows(refs, flows)
    runs = []
    linked = False  # whether a run has a parent
    for item in runs_data:  # (not enumerated: a run's index is the count of those read)
        runs.append(_run_v2(item, flows_read, len(runs), owned))
        linked = linked or item[_PARENT] is not None
    if linked:
        for index, item in enumerate(runs_data):
            parent = item[_PARENT]  # its index in the session's runs
            if parent is not None:
                if not 0 <= parent < len(runs):
                    raise SessionReadError(
                        f"parent run {parent} is not in the session",
                        f"session.runs[{index}].parent",
                    )
                runs[index].parent = runs[parent]
    # positionally, in build_session's order (twelve keywords cost ~1k to match per read)
    return build_session(
        runs, None, contact, uuid, type_, NanoTime(created_on), trigger, contact_uuid,
        data["status"], wait, input_, sprints, call_uuid, owned,
    )  # fmt: skip


def _run_v2(item: Any, flows: list[Any], index: int, owned: bool) -> GoflowRun:
    """A run from its array (:data:`RUN_FIELDS`); its parent is linked by the caller."""
    try:
        (uuid, flow, status, created_on, modified_on, exited_on, nodes, times, results, locals_,
         parent, webhook, had_input) = item  # fmt: skip
    except (ValueError, TypeError):
        raise SessionReadError(
            f"a run is an array of {len(RUN_FIELDS)} fields", f"session.runs[{index}]"
        ) from None
    # each field's type (_RUN_TYPES) checked here in one go; _run_error says which is wrong
    if (
        uuid.__class__ is not str
        or flow.__class__ is not int
        or not 0 <= flow < len(flows)
        or status not in _RUN_STATUSES
        or created_on.__class__ is not int
        or modified_on.__class__ is not int
        or (exited_on is not None and exited_on.__class__ is not int)
        or (results is not None and results.__class__ is not dict)
        or (locals_ is not None and locals_.__class__ is not dict)
        or (parent is not None and parent.__class__ is not int)
        or (webhook is not None and webhook.__class__ is not dict)
        or had_input.__class__ is not bool
    ):  # fmt: skip
        raise _run_error(item, index, len(flows))
    if locals_ is None:
        locals_ = {}
    elif not owned:
        locals_ = dict(locals_)
    # the fields in the dataclass's order, positionally (a class called with keywords costs
    # twice as much: Python gathers them in a dict for it)
    return GoflowRun(
        uuid,
        flows[flow],
        NanoTime(created_on),
        status,
        [] if nodes is None and times is None else _steps(nodes, times, index),
        _own_results(results, owned) if results else {},
        locals_,
        None,  # parent
        NanoTime(modified_on),
        NanoTime(exited_on) if exited_on is not None else None,
        None,  # expires_on
        had_input,
        webhook,
    )


# the types each field of a run's array may have (None: absent)
_RUN_TYPES: tuple[tuple[type, ...], ...] = (
    (str,), (int,), (str,), (int,), (int,), (int, type(None)), (list, type(None)),
    (list, type(None)), (dict, type(None)), (dict, type(None)), (int, type(None)),
    (dict, type(None)), (bool,),
)  # fmt: skip
_PARENT = RUN_FIELDS.index("parent")


def _run_error(item: Any, index: int, flows: int) -> SessionReadError:
    """What is wrong with a run's array, and where."""
    where = f"session.runs[{index}]"
    for name, value, types in zip(RUN_FIELDS, item, _RUN_TYPES, strict=True):
        if type(value) not in types:
            kinds = " or ".join("null" if kind is type(None) else kind.__name__ for kind in types)
            return SessionReadError(f"field '{name}' must be {kinds}", f"{where}.{name}")
    flow, status = item[1], item[2]
    if not 0 <= flow < flows:
        return SessionReadError(
            f"flow {flow} is not an index into the session's {flows} flows", f"{where}.flow"
        )
    return SessionReadError(f"not a run status: {status!r}", f"{where}.status")


# -- version 1: the session and its runs as objects


def _read_v1(
    data: Mapping[str, Any], flows: FlowLookup, contact: Any, owned: bool
) -> GoflowSession:
    flows_read = _read_flows(data["flows"], flows)
    runs = []
    parent_uuids = []
    for index, item in enumerate(data["runs"]):
        runs.append(_run_v1(item, flows_read, index, owned))
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


def _run_v1(data: Mapping[str, Any], flows: list[Any], index: int, owned: bool) -> GoflowRun:
    """A run of the version-1 form. ``owned``: ``data`` was parsed here from text, so its
    dicts are the run's own (a document a caller gave is copied, as the engine changes a
    run's results and locals in place)."""
    get = data.get
    flow = flows[_index(data["flow"])]
    status = data["status"]
    if status not in _RUN_STATUSES:
        raise SessionReadError(f"not a run status: {status!r}", f"session.runs[{index}].status")
    created_on = NanoTime(_ns(data["created_on"]))
    modified_on = get("modified_on")
    exited_on = get("exited_on")
    flat = get("path")
    results = get("results")
    locals_ = get("locals")
    return GoflowRun(
        uuid=data["uuid"],
        flow=flow,
        created_on=created_on,
        status=status,
        path=_flat_steps(flat, index) if flat else [],
        results=_own_results(results, owned) if results else {},
        locals=locals_ if owned and locals_.__class__ is dict else dict(locals_ or {}),
        modified_on=NanoTime(_ns(modified_on)) if modified_on is not None else created_on,
        exited_on=NanoTime(_ns(exited_on)) if exited_on is not None else None,
        had_input=bool(get("had_input")),
        webhook=get("webhook"),
    )


def _flat_steps(flat: Any, index: int) -> list[Step]:
    """A run's path from version 1's flat ``[node_uuid, arrived_ns, ...]`` list."""
    if not isinstance(flat, list | tuple):
        raise SessionReadError(
            "a step is a node UUID and an integer time", f"session.runs[{index}].path"
        )
    return _steps(list(flat[0::2]), list(flat[1::2]), index)


def _index(value: Any) -> int:
    if value.__class__ is not int or value < 0:
        raise ValueError(f"a run's flow must be an index into the session's flows: {value!r}")
    return value  # type: ignore[no-any-return]


def _ns(value: Any) -> int:
    if value.__class__ is not int:
        raise TypeError(f"a time must be an integer of ns, not {value!r}")
    return value  # type: ignore[no-any-return]


# -- goflow's session JSON, on demand ---------------------------------------------------------


def to_goflow_json(data: Mapping[str, Any]) -> dict[str, Any]:
    """goflow's session JSON (what ``GoflowEngine.session_to_json`` writes) of a session in
    the stored form, without the assets: for an API that shows stored sessions."""
    if data[FORM_KEY] == VERSION:
        data = _as_version_1(data)
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


def _as_version_1(data: Mapping[str, Any]) -> dict[str, Any]:
    """A version-2 document in version 1's shape: objects with the keys of goflow's JSON,
    the absent fields left out."""
    session = dict(zip(SESSION_FIELDS, data["session"], strict=True))
    runs = [dict(zip(RUN_FIELDS, item, strict=True)) for item in session["runs"]]
    for run in runs:
        nodes, times = run.pop("nodes"), run.pop("times")
        if nodes:
            run["path"] = [part for step in zip(nodes, times, strict=True) for part in step]
        parent = run.pop("parent")
        if parent is not None:
            run["parent_uuid"] = runs[parent]["uuid"]
        if not run["had_input"]:
            del run["had_input"]
    return {
        FORM_KEY: 1,
        "status": data["status"],
        **{key: value for key, value in session.items() if value is not None},
        "runs": [{key: value for key, value in run.items() if value is not None} for run in runs],
    }
