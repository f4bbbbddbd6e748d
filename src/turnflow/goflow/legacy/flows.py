"""A whole legacy flow (``action_sets`` / ``rule_sets`` / ``metadata``) as a 13.0.0 flow."""

from __future__ import annotations

import math
import re
from typing import Any

from ...generators import UUIDSource
from .actions import migrate_action
from .common import Json, LegacyFlowError, MigrationState, array, integer, obj, text
from .rulesets import migrate_ruleset

SPEC_VERSION = "13.0.0"

FLOW_TYPES = {
    "": "messaging",  # some campaign event flows don't say
    "F": "messaging",
    "M": "messaging",
    "V": "voice",
    "S": "messaging_offline",
}


def is_legacy_definition(data: Any) -> bool:
    """Whether a definition may be legacy: it has action_sets, rule_sets or flow_type."""
    return isinstance(data, dict) and any(
        key in data for key in ("action_sets", "rule_sets", "flow_type"))


def migrate_flow(definition: Any, uuids: UUIDSource, base_media_url: str = "") -> Json:
    """The 13.0.0 definition of a legacy flow (new UUIDs from ``uuids``, v4)."""
    try:
        flow = obj(definition, "flow definition")
        base_language = text(flow.get("base_language"), "base_language")
        flow_type = text(flow.get("flow_type"), "flow_type")
        entry = text(flow.get("entry"), "entry")
        metadata = obj(flow.get("metadata"), "metadata")
        action_sets = [obj(a, "action_set") for a in array(flow.get("action_sets"), "action_sets")]
        rule_sets = [obj(r, "rule_set") for r in array(flow.get("rule_sets"), "rule_sets")]
        notes = [obj(n, "note") for n in array(metadata.get("notes"), "metadata.notes")]
        revision = integer(metadata.get("revision"), "metadata.revision")
        expires = integer(metadata.get("expires"), "metadata.expires")
        _validate(entry, action_sets, rule_sets)
    except LegacyFlowError as exc:
        raise exc.wrapped("unable to read legacy flow") from None

    state = MigrationState(base_language, uuids, base_media_url)
    nodes, node_uis = _migrate_nodes(action_sets, rule_sets, entry, state)

    ui_nodes: Json = {}
    for item in action_sets + rule_sets:
        ui_nodes[item["uuid"]] = node_uis[item["uuid"]]
    stickies: Json = {}
    for note in notes:
        stickies[state.new_uuid()] = _sticky(note)

    # some flows keep uuid and name at the root instead of in metadata (or have neither)
    uuid = text(metadata.get("uuid")) or text(flow.get("uuid")) or state.new_uuid()
    name = text(metadata.get("name")) or text(flow.get("name"))

    return {
        "uuid": uuid,
        "name": name,
        "spec_version": SPEC_VERSION,
        "language": base_language,
        "type": FLOW_TYPES.get(flow_type, ""),
        "revision": revision,
        "expire_after_minutes": expires,
        "localization": state.localization.data,
        "nodes": nodes,
        "_ui": {"nodes": ui_nodes, "stickies": stickies},
    }


_UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _validate(entry: str, action_sets: list[Json], rule_sets: list[Json]) -> None:
    """The checks goflow makes when it reads a legacy flow: node and exit UUIDs (v4)."""
    problems: list[tuple[str, str]] = []

    def check(value: Any, path: str, required: bool) -> None:
        value = text(value, path)
        if not value:
            if required:
                problems.append((path, f"field '{path}' is required"))
        elif not _UUID4.match(value):
            problems.append((path, f"field '{path}' must be a valid UUID4"))

    check(entry, "entry", False)
    for index, action_set in enumerate(action_sets):
        check(action_set.get("destination"), f"action_sets[{index}].destination", False)
        check(action_set.get("exit_uuid"), f"action_sets[{index}].exit_uuid", True)
        check(action_set.get("uuid"), f"action_sets[{index}].uuid", True)
    for index, rule_set in enumerate(rule_sets):
        check(rule_set.get("uuid"), f"rule_sets[{index}].uuid", True)
    if problems:
        raise LegacyFlowError(", ".join(p for _, p in problems), problems[0][0])


def _migrate_nodes(action_sets: list[Json], rule_sets: list[Json], entry: str,
                   state: MigrationState) -> tuple[list[Json], dict[str, Json]]:
    valid_destinations = {item["uuid"] for item in action_sets + rule_sets if item.get("uuid")}
    nodes: list[Json] = []
    node_uis: dict[str, Json] = {}

    for action_set in action_sets:
        uuid = action_set["uuid"] or ""
        try:
            node = _migrate_action_set(action_set, valid_destinations, state)
        except LegacyFlowError as exc:
            raise exc.wrapped(f"error migrating action_set[uuid={uuid}]") from None
        nodes.append(node)
        node_uis[uuid] = _node_ui("execute_actions", action_set, {})

    for rule_set in rule_sets:
        uuid = rule_set["uuid"] or ""
        try:
            node, ui_type, ui_config = migrate_ruleset(rule_set, valid_destinations, state)
        except LegacyFlowError as exc:
            raise exc.wrapped(f"error migrating rule_set[uuid={uuid}]") from None
        nodes.append(node)
        node_uis[uuid] = _node_ui(ui_type, rule_set, ui_config)

    # the entry node goes first, then the others from top to bottom (stable)
    entry_nodes = [node for node in nodes if node["uuid"] == entry][-1:]
    others = [node for node in nodes if node["uuid"] != entry]
    others.sort(key=lambda node: node_uis[node["uuid"]]["position"]["top"])
    return entry_nodes + others, node_uis


def _migrate_action_set(action_set: Json, valid_destinations: set[str],
                        state: MigrationState) -> Json:
    actions = []
    for action in array(action_set.get("actions"), "actions"):
        try:
            actions.append(migrate_action(action, state))
        except LegacyFlowError as exc:
            kind = action.get("type") if isinstance(action, dict) else None
            raise exc.wrapped(f"error migrating action[type={kind or ''}]") from None
    exit_: Json = {"uuid": text(action_set.get("exit_uuid"), "exit_uuid")}
    destination = text(action_set.get("destination"), "destination")
    if destination in valid_destinations:
        exit_["destination_uuid"] = destination
    node: Json = {"uuid": action_set["uuid"]}
    if actions:
        node["actions"] = actions
    node["exits"] = [exit_]
    return node


def _node_ui(ui_type: str, item: Json, config: Json) -> Json:
    ui: Json = {}
    if ui_type:
        ui["type"] = ui_type
    ui["position"] = {"left": integer(item.get("x"), "x"), "top": integer(item.get("y"), "y")}
    if config:
        ui["config"] = config
    return ui


def _sticky(note: Json) -> Json:
    return {
        "position": {"left": _int_part(note.get("x")), "top": _int_part(note.get("y"))},
        "title": text(note.get("title"), "title"),
        "body": text(note.get("body"), "body"),
        "color": "yellow",
    }


def _int_part(value: Any) -> int:
    """A note coordinate's integer part (goflow reads them as decimals: numbers or strings)."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise LegacyFlowError(f"note position must be a number, not {value!r}") from None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return int(value)  # truncates toward zero
    return 0
