"""Reading goflow flow definitions (spec 13.x - 14.4.2) into turnflow's graph.

``read_flow(data)`` checks everything goflow checks when it reads a definition and raises a
:class:`FlowReadError` whose message is goflow's (e.g. ``unable to read node: field 'exits'
must have a minimum of 1 items``) and whose ``path`` is the JSON path of the problem.

The checks run in goflow's order: the header (uuid, name, spec_version), then every node is
decoded (node fields, its router, its actions), then the flow's own fields, then the graph as a
whole (limits, unique UUIDs, references between exits, categories and cases, flow types). A
definition older than the current spec is migrated first, a legacy one (v11.x) through the
legacy migrator. The field specs and the checks themselves are in :mod:`.validation`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.graph import Category, Exit, Node
from ..errors import TurnflowError
from ..generators import UUIDSource
from .actions import ACTIONS
from .flow import GoflowFlow
from .legacy import LegacyFlowError, is_legacy_definition, migrate_legacy
from .legacy.versions import LATEST_LEGACY, LegacyVersionError, upgrade_legacy
from .legacy.versions import normalize_version as normalize_legacy_version
from .migrations import MigrationError, migrate
from .routers import Case, GoflowRouter, RandomRouter, SwitchRouter
from .validation import (
    ACTION_FIELDS,
    MAX_NODES,
    F,
    FlowReadError,
    is_uuid,
    join_path,
    validate_fields,
    validate_localization,
    validate_node,
)
from .waits import DialWait, MsgWait, Timeout

CURRENT_SPEC_VERSION = (14, 4, 2)
CURRENT_SPEC_TEXT = "14.4.2"

ROUTER_TYPES = ("switch", "random")
WAIT_TYPES = ("msg", "dial")
HINT_TYPES = ("audio", "digits", "image", "location", "video")

_SEMVER_RE = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+].*)?$")


# -- actions ------------------------------------------------------------------------------------

def read_action(data: Any, path: str) -> Any:
    """Read one action: its type, its fields, then the class for it (goflow's ReadAction).

    Errors carry no ``unable to read action`` prefix; the node reader adds it.
    """
    kind = data.get("type") if isinstance(data, dict) else None
    if not kind:
        raise FlowReadError("field 'type' is required", join_path(path, "type"))
    if not isinstance(kind, str):
        raise FlowReadError("field 'type' must be a string", join_path(path, "type"))
    specs = ACTION_FIELDS.get(kind)
    cls = ACTIONS.get(kind)
    if cls is None:
        raise FlowReadError(f"unknown type: '{kind}'", join_path(path, "type"))
    validate_fields((F("uuid", required=True, tag="uuid"), *(specs or ())), data, path)
    data = _without_nulls(specs or (), data)
    try:
        return cls.from_json(data, path)
    except FlowReadError:
        raise
    except TurnflowError as exc:
        raise FlowReadError(str(exc), path) from exc


def _without_nulls(specs: tuple[F, ...], data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the fields (and sub-fields of references) that are null: Go reads a
    null as the zero value, as if the field weren't there, and the actions read it so."""
    out = data
    for spec in specs:
        if spec.name not in data:
            continue
        value = data[spec.name]
        if value is None:
            new: Any = _DROP
        elif spec.fields and spec.kind == "obj" and isinstance(value, dict):
            new = _without_nulls(spec.fields, value)
        elif spec.fields and spec.kind == "list" and isinstance(value, list):
            new = [_without_nulls(spec.fields, item) if isinstance(item, dict) else item
                   for item in value]  # fmt: skip
            if all(a is b for a, b in zip(new, value, strict=True)):
                new = value
        else:
            continue
        if new is value:
            continue
        if out is data:
            out = dict(data)
        if new is _DROP:
            del out[spec.name]
        else:
            out[spec.name] = new
    return out


_DROP = object()


# -- nodes, routers, waits ----------------------------------------------------------------------

_EXIT_FIELDS = (F("uuid", required=True, tag="uuid"), F("destination_uuid", tag="uuid"))
_NODE_FIELDS = (
    F("uuid", required=True, tag="uuid"),
    F("actions", "list"),
    F("router", "obj"),
    F("exits", "list", required=True, min=1),
)
_CATEGORY_FIELDS = (
    F("uuid", required=True, tag="uuid"),
    F("name", max=36),
    F("exit_uuid", required=True, tag="uuid"),
)
_CASE_FIELDS = (
    F("uuid", required=True, tag="uuid"),
    F("type", required=True),
    F("arguments", "list", item=F("", kind="str")),
    F("category_uuid", required=True, tag="uuid"),
)
_ROUTER_FIELDS = (
    F("type", required=True),
    F("wait", "obj"),
    F("result_name", tag="result_name"),
    F("categories", "list", required=True, min=1),
)
_SWITCH_FIELDS = (
    *_ROUTER_FIELDS,
    F("operand", required=True),
    F("cases", "list", fields=_CASE_FIELDS),
    F("default_category_uuid", tag="uuid"),
)
_TIMEOUT_FIELDS = (
    F("seconds", "int", required=True, min=1),
    F("category_uuid", required=True, tag="uuid"),
)
_WAIT_FIELDS = (F("type", required=True), F("timeout", "obj", fields=_TIMEOUT_FIELDS))
_MSG_WAIT_FIELDS = (*_WAIT_FIELDS, F("hint", "obj"))
_DIAL_WAIT_FIELDS = (
    *_WAIT_FIELDS,
    F("phone", required=True),
    F("dial_limit_seconds", "int"),
    F("call_limit_seconds", "int"),
)
_HINT_FIELDS = (F("type", required=True),)
_DIGITS_HINT_FIELDS = (*_HINT_FIELDS, F("count", "int"), F("terminated_by"))


def _read_hint(data: dict[str, Any], path: str) -> dict[str, Any]:
    kind = data.get("type")
    if not kind:
        raise FlowReadError("field 'type' is required", join_path(path, "type"))
    if kind not in HINT_TYPES:
        raise FlowReadError(f"unknown type: '{kind}'", join_path(path, "type"))
    validate_fields(_DIGITS_HINT_FIELDS if kind == "digits" else _HINT_FIELDS, data, path)
    return data


def _read_wait(data: Any, path: str) -> MsgWait | DialWait:
    kind = data.get("type") if isinstance(data, dict) else None
    if not kind:
        raise FlowReadError("field 'type' is required", join_path(path, "type"))
    if kind not in WAIT_TYPES:
        raise FlowReadError(f"unknown type: '{kind}'", join_path(path, "type"))
    validate_fields(_MSG_WAIT_FIELDS if kind == "msg" else _DIAL_WAIT_FIELDS, data, path)
    timeout = None
    if data.get("timeout"):
        timeout = Timeout(int(data["timeout"]["seconds"]), data["timeout"]["category_uuid"])
    if kind == "msg":
        hint = data.get("hint")
        if hint is not None:
            try:
                hint = _read_hint(hint, join_path(path, "hint"))
            except FlowReadError as exc:
                raise exc.wrapped("unable to read hint") from None
        return MsgWait(timeout=timeout, hint=hint)
    return DialWait(
        timeout=timeout,
        phone=data["phone"],
        dial_limit_seconds=_opt_int(data.get("dial_limit_seconds")),
        call_limit_seconds=_opt_int(data.get("call_limit_seconds")),
    )


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _read_router(data: Any, path: str) -> GoflowRouter:
    kind = data.get("type") if isinstance(data, dict) else None
    if not kind:
        raise FlowReadError("field 'type' is required", join_path(path, "type"))
    if kind not in ROUTER_TYPES:
        raise FlowReadError(f"unknown type: '{kind}'", join_path(path, "type"))
    validate_fields(_SWITCH_FIELDS if kind == "switch" else _ROUTER_FIELDS, data, path)

    categories = []
    for index, raw in enumerate(data["categories"]):
        cat_path = f"{path}.categories[{index}]"
        try:
            validate_fields(_CATEGORY_FIELDS, raw if raw is not None else {}, cat_path)
        except FlowReadError as exc:
            raise exc.wrapped("unable to read category") from None
        categories.append(Category(raw["uuid"], raw.get("name") or "", raw["exit_uuid"]))

    wait = None
    if data.get("wait") is not None:
        try:
            wait = _read_wait(data["wait"], join_path(path, "wait"))
        except FlowReadError as exc:
            raise exc.wrapped("unable to read wait") from None

    cases: list[Case] = []
    if kind == "switch":
        for raw in data.get("cases") or []:
            if raw is None:
                continue
            cases.append(
                Case(raw["uuid"], raw["type"], tuple(raw.get("arguments") or ()),
                     raw["category_uuid"])
            )
    result_name = data.get("result_name") or None
    if kind == "random":
        return RandomRouter(categories=tuple(categories), wait=wait, result_name=result_name)
    return SwitchRouter(
        categories=tuple(categories),
        wait=wait,
        result_name=result_name,
        operand=data.get("operand"),
        cases=tuple(cases),
        default_category_uuid=data.get("default_category_uuid") or None,
    )


@dataclass
class _ReadNode:
    node: Node
    raw: dict[str, Any]
    path: str


def _read_node(data: dict[str, Any], path: str) -> _ReadNode:
    try:
        validate_fields(_NODE_FIELDS, data, path)
    except FlowReadError as exc:
        raise exc.wrapped("unable to read node") from None
    exits_raw = data["exits"]
    for index, raw in enumerate(exits_raw):
        if raw is None:
            raise FlowReadError(
                f"unable to read node: field 'exits[{index}]' is required",
                f"{path}.exits[{index}]",
            )

    router = None
    if data.get("router") is not None:
        try:
            router = _read_router(data["router"], join_path(path, "router"))
        except FlowReadError as exc:
            raise exc.wrapped("unable to read router") from None

    actions = []
    for index, raw in enumerate(data.get("actions") or []):
        try:
            actions.append(read_action(raw, f"{path}.actions[{index}]"))
        except FlowReadError as exc:
            raise exc.wrapped(f"unable to read action[{index}]") from None

    exits = []
    for index, raw in enumerate(exits_raw):
        try:
            validate_fields(_EXIT_FIELDS, raw, f"{path}.exits[{index}]")
        except FlowReadError as exc:
            raise exc.wrapped("unable to read exit") from None
        exits.append(Exit(raw["uuid"], raw.get("destination_uuid") or None))

    node = Node(data["uuid"], tuple(actions), tuple(exits), router)
    return _ReadNode(node, data, path)


# -- the flow -----------------------------------------------------------------------------------

_HEADER_FIELDS = (
    F("uuid", required=True, tag="uuid"),
    F("name", max=64),
    F("spec_version", required=True),
)
_ENVELOPE_FIELDS = (
    F("language", required=True, tag="language"),
    F("type", required=True, tag="flow_type"),
    F("revision", "int"),
    F("expire_after_minutes", "int"),
    F("localization", "dict"),
    F("nodes", "list"),
)


def parse_spec_version(text: str) -> tuple[int, int, int] | None:
    match = _SEMVER_RE.match(text.strip())
    if not match:
        return None
    return tuple(int(part or 0) for part in match.groups())  # type: ignore[return-value]


def is_legacy(data: Mapping[str, Any]) -> bool:
    """A legacy (RapidPro v11.x, action_sets/rule_sets) definition, detected as goflow does:
    no valid 13+ header (uuid, spec_version) but action_sets, rule_sets or flow_type keys.
    A header whose spec_version is a pre-13 number counts as no header."""
    if not is_legacy_definition(data):
        return False
    if not is_uuid(data.get("uuid")):
        return True
    version = data.get("spec_version")
    parsed = parse_spec_version(version) if isinstance(version, str) else None
    return parsed is None or parsed[0] < 13


def _migrate_legacy(data: Mapping[str, Any], path_prefix: str,
                    uuids: UUIDSource | None) -> dict[str, Any]:
    """A legacy definition as 13.0.0: RapidPro's upgrades to 11.12 first (if it's older),
    then goflow's legacy migrator."""
    try:
        if _needs_legacy_upgrade(data):
            data = upgrade_legacy(data)
        return migrate_legacy(data, uuids=uuids)
    except (LegacyFlowError, LegacyVersionError) as exc:
        message = getattr(exc, "message", str(exc))
        raise FlowReadError(
            f"error migrating what appears to be a legacy definition: {message}",
            join_path(path_prefix, getattr(exc, "path", ""))) from None
    except (TypeError, AttributeError, KeyError, ValueError, IndexError) as exc:
        # the migrator is lenient, as goflow's is, but not about parts of the wrong type
        raise FlowReadError(
            "error migrating what appears to be a legacy definition: a part has the wrong "
            f"type ({type(exc).__name__}: {exc})", path_prefix) from None


def _needs_legacy_upgrade(data: Mapping[str, Any]) -> bool:
    """Whether the definition names a legacy version older than 11.12 (the one goflow reads).

    Without a version, or with one RapidPro never had, it's read as 11.12, as goflow does;
    a version older than turnflow can upgrade is an error (reading it as 11.12 would
    silently misread it)."""
    value = data.get("version")
    if value is None or value == "":
        return False
    try:
        return normalize_legacy_version(value) != LATEST_LEGACY
    except LegacyVersionError:
        major = str(value).strip().split(".")[0]
        if major.isdigit() and int(major) < 7:
            raise
        return False


def read_flow(data: Any, path_prefix: str = "", uuids: UUIDSource | None = None) -> GoflowFlow:
    """Read and validate a goflow flow definition (spec 13.x to 14.4.2) into a Flow.

    A definition older than 14.4.2 is migrated first, as goflow does (``uuids`` gives the
    UUIDs migrations create); the Flow keeps the spec version it was written in. A legacy
    (v11.x) definition is migrated to 13.0.0 first, so its Flow has spec version 13.0.0.
    """
    if not isinstance(data, dict):
        raise FlowReadError("flow definition must be a JSON object", path_prefix)
    if is_legacy(data):
        data = _migrate_legacy(data, path_prefix, uuids)

    try:
        validate_fields(_HEADER_FIELDS, data, path_prefix)
    except FlowReadError as exc:
        raise exc.wrapped("unable to read flow header") from None
    version_text = data["spec_version"]
    version = parse_spec_version(version_text)
    if version is None:
        raise FlowReadError(
            f"unable to read flow header: field 'spec_version' is not a valid version: "
            f"'{version_text}'", join_path(path_prefix, "spec_version"))
    shown = ".".join(str(part) for part in version)
    if version > CURRENT_SPEC_VERSION:
        raise FlowReadError(
            f"spec version {shown} is newer than this library ({CURRENT_SPEC_TEXT})",
            join_path(path_prefix, "spec_version"),
        )
    if version[0] < 13:
        raise FlowReadError(
            f"spec version {shown} is older than 13.0.0 but this isn't a legacy definition "
            "(no action_sets, rule_sets or flow_type)",
            join_path(path_prefix, "spec_version"),
        )
    if version < CURRENT_SPEC_VERSION:
        try:
            data = migrate(data, uuids=uuids)
        except MigrationError as exc:
            raise FlowReadError(exc.message, join_path(path_prefix, exc.path)) from None

    # decode: every node first (as Go's JSON decoding does), then the envelope's own checks
    nodes_raw = data.get("nodes")
    if nodes_raw is not None and not isinstance(nodes_raw, list):
        raise FlowReadError("field 'nodes' must be an array", join_path(path_prefix, "nodes"))
    localization = data.get("localization")
    if localization is not None and not isinstance(localization, dict):
        raise FlowReadError("field 'localization' must be an object",
                            join_path(path_prefix, "localization"))
    read_nodes: list[_ReadNode] = []
    null_nodes: list[int] = []
    for index, raw in enumerate(nodes_raw or []):
        if raw is None:
            null_nodes.append(index)
            continue
        read_nodes.append(_read_node(raw, join_path(path_prefix, f"nodes[{index}]")))

    problems: list[str] = []
    try:
        validate_fields(_ENVELOPE_FIELDS, data, path_prefix)
    except FlowReadError as exc:
        problems.append(exc.message)
        first_path = exc.path
    else:
        first_path = join_path(path_prefix, f"nodes[{null_nodes[0]}]") if null_nodes else ""
    problems.extend(f"field 'nodes[{index}]' is required" for index in null_nodes)
    if problems:
        raise FlowReadError(", ".join(problems), first_path)

    flow_type = data["type"]
    if len(read_nodes) > MAX_NODES:
        raise FlowReadError(
            f"flow can't have more than {MAX_NODES} nodes (has {len(read_nodes)})",
            join_path(path_prefix, "nodes"),
        )
    validate_localization(localization or {}, join_path(path_prefix, "localization"))

    node_uuids = {read.node.uuid for read in read_nodes}
    seen: set[str] = set()
    for read in read_nodes:
        if read.node.uuid in seen:
            raise FlowReadError(f"node UUID {read.node.uuid} isn't unique",
                                join_path(read.path, "uuid"))
        seen.add(read.node.uuid)
        problem = validate_node(read.node, read.raw, read.path, flow_type, node_uuids, seen)
        if problem:
            message, where = problem
            raise FlowReadError(f"invalid node[uuid={read.node.uuid}]: {message}", where)

    extra: dict[str, Any] = {}
    if data.get("expire_after_minutes") is not None:
        extra["expire_after_minutes"] = int(data["expire_after_minutes"])
    return GoflowFlow(
        uuid=data["uuid"],
        name=data.get("name") or "",
        nodes=tuple(read.node for read in read_nodes),
        spec_version=version_text,
        language=data["language"],
        type=flow_type,
        revision=int(data.get("revision") or 0),
        localization=localization or {},
        definition=data,
        **extra,
    )
