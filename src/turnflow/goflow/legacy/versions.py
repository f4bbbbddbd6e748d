"""Older legacy flow versions (7 ... 11.11) brought up to 11.12, the last legacy version.

RapidPro stamped every legacy definition (ActionSets and RuleSets) with a ``version`` and
upgraded old definitions one version at a time when it loaded or imported them. goflow's
legacy migrator only reads the last of those versions (11.12), so flows exported from older
RapidPro installations (versions 7 to 11.11) are first upgraded here, version by version, with
the same changes RapidPro made.

A few of RapidPro's steps looked things up in its database: the organisation's country (to
map language codes in 11.1 and 11.2), the types of its contact fields (11.0), the types of
other flows (11.10) and the database rows behind old numeric ids (9). Here those come from the
flow or export itself or from options (``country=``, ``fields=``, ``flow_types=``); steps that
only repaired rows already stored in RapidPro (11.6, 11.9, 11.11, 11.12) change nothing, as
they did for imported flows. docs/legacy.md lists every step.

Public: :func:`upgrade_legacy` (one definition), :func:`upgrade_export` (an export file's
flows, triggers and campaigns), :func:`legacy_version` and :data:`LEGACY_VERSIONS`.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...errors import TurnflowError
from ...generators import SeededUUIDs, UUIDSource
from .semantics import legacy_engine_on

Json = dict[str, Any]

# every legacy version RapidPro had, oldest first (turnflow upgrades from 7)
ALL_VERSIONS = (
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "10.1", "10.2", "10.3", "10.4",
    "11.0", "11.1", "11.2", "11.3", "11.4", "11.5", "11.6", "11.7", "11.8", "11.9", "11.10",
    "11.11", "11.12",
)
FIRST_SUPPORTED = "7"
LATEST_LEGACY = "11.12"
LEGACY_VERSIONS = ALL_VERSIONS[ALL_VERSIONS.index(FIRST_SUPPORTED):]

# legacy contact field value types (RapidPro's single letters) and goflow's names for them
FIELD_TYPE_LETTERS = {"T": "text", "N": "number", "D": "datetime", "S": "state",
                      "I": "district", "W": "ward"}

# the context roots legacy expressions could name (used by the version 8 expression upgrade)
_TOP_LEVELS = ("channel", "contact", "date", "extra", "flow", "step", "parent", "child")


class LegacyVersionError(TurnflowError):
    """A legacy definition whose version can't be upgraded (missing, too old, unknown)."""


# --------------------------------------------------------------------------------------------
# versions
# --------------------------------------------------------------------------------------------


def _version_key(version: str) -> tuple[int, int]:
    major, _, minor = version.partition(".")
    return int(major), int(minor or 0)


def normalize_version(value: Any, what: str = "legacy flow") -> str:
    """A legacy ``version`` value (7, "7", "7.2", 11.1, "11.10") as one of ALL_VERSIONS.

    Versions 7 to 9 had no minor versions in RapidPro; minor numbers written by other tools
    (the rapidpro/flows test flows have "7.2") count as that major version.
    """
    if value is None or value == "":
        raise LegacyVersionError(
            f"{what} has no 'version': can't tell which legacy migrations it needs "
            f"(turnflow upgrades legacy versions {FIRST_SUPPORTED} to {LATEST_LEGACY})")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise LegacyVersionError(f"{what} has an invalid 'version': {json.dumps(value)}")
    text = str(value).strip()
    if not re.fullmatch(r"\d+(\.\d+){0,2}", text):
        raise LegacyVersionError(f"{what} has an invalid 'version': {json.dumps(value)}")
    major, _, minor = text.partition(".")
    major_n = int(major)
    if major_n < 13 and text.count(".") > 1:
        raise LegacyVersionError(f"{what} has an invalid 'version': {json.dumps(value)}")
    if major_n >= 13:
        raise LegacyVersionError(
            f"{what} has version {text}, which is not a legacy version (goflow definitions "
            f"have 'spec_version')")
    if major_n < int(FIRST_SUPPORTED):
        raise LegacyVersionError(
            f"{what} has version {text}, which is not supported: turnflow upgrades legacy "
            f"versions {FIRST_SUPPORTED} to {LATEST_LEGACY} (import and re-export it with a "
            f"newer RapidPro)")
    if major_n in (7, 8, 9):
        return str(major_n)
    if major_n == 10 and int(minor or 0) == 0:
        return "10"
    candidate = f"{major_n}.{int(minor or 0)}"
    if candidate not in ALL_VERSIONS:
        raise LegacyVersionError(
            f"{what} has version {text}, which RapidPro never had (known legacy versions: "
            f"{', '.join(LEGACY_VERSIONS)})")
    return candidate


def legacy_version(definition: Mapping[str, Any]) -> str:
    """The normalized legacy version of a definition or export (raises if there is none)."""
    if not isinstance(definition, Mapping):
        raise LegacyVersionError("a legacy flow definition must be a JSON object")
    if "definition" in definition and "action_sets" not in definition:
        # RapidPro's version 6 and older wrapped the definition in flow details
        value = definition.get("version")
        try:
            normalize_version(value)
        except LegacyVersionError as exc:
            raise exc from None
        raise LegacyVersionError(
            f"legacy flow has the pre-7 layout (flow details around a 'definition'), which is "
            f"not supported: turnflow upgrades legacy versions {FIRST_SUPPORTED} to "
            f"{LATEST_LEGACY}")
    return normalize_version(definition.get("version"))


def versions_after(version: str, to_version: str = LATEST_LEGACY) -> list[str]:
    start = _version_key(version)
    stop = _version_key(to_version)
    return [v for v in LEGACY_VERSIONS if start < _version_key(v) <= stop]


# --------------------------------------------------------------------------------------------
# options and shared state
# --------------------------------------------------------------------------------------------


@dataclass
class UpgradeContext:
    """What the version steps need from outside the definition (RapidPro read its database)."""

    country: str | None = None
    # contact field key -> legacy value type letter (T, N, D, S, I, W) or goflow type name
    fields: dict[str, str] = field(default_factory=dict)
    # flow uuid -> legacy flow type (F, M, V, S, U)
    flow_types: dict[str, str] = field(default_factory=dict)
    uuids: UUIDSource | None = None
    # version 9: numeric ids of the old format -> the UUIDs that replace them, per kind
    id_maps: dict[str, dict[Any, str]] = field(default_factory=dict)

    def new_uuid(self) -> str:
        assert self.uuids is not None
        return self.uuids.new_v4()

    def uuid_for_id(self, kind: str, obj_id: Any) -> str:
        mapping = self.id_maps.setdefault(kind, {})
        if obj_id not in mapping:
            mapping[obj_id] = self.new_uuid()
        return mapping[obj_id]


def _field_types(fields: Any) -> dict[str, str]:
    """Field types from a mapping (key -> type) or a list of field objects."""
    result: dict[str, str] = {}
    if not fields:
        return result
    if isinstance(fields, Mapping):
        items: Iterable[tuple[Any, Any]] = fields.items()
    else:
        items = ((f.get("key"), f.get("value_type") or f.get("type")) for f in fields
                 if isinstance(f, Mapping))
    for key, value_type in items:
        if isinstance(key, str) and isinstance(value_type, str):
            letter = value_type if value_type in FIELD_TYPE_LETTERS else next(
                (k for k, v in FIELD_TYPE_LETTERS.items() if v == value_type), "T")
            result[key] = letter
    return result


def seeded_uuids(data: Any) -> UUIDSource:
    """Reproducible UUIDs: the same input always upgrades to the same output."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).digest()
    return SeededUUIDs(int.from_bytes(digest[:8], "big") >> 1)


def _context(data: Any, country: str | None, fields: Any, flow_types: Mapping[str, str] | None,
             uuids: UUIDSource | None) -> UpgradeContext:
    return UpgradeContext(
        country=country.upper() if country else None,
        fields=_field_types(fields),
        flow_types=dict(flow_types or {}),
        uuids=uuids if uuids is not None else seeded_uuids(data),
    )


# --------------------------------------------------------------------------------------------
# public entry points
# --------------------------------------------------------------------------------------------


def upgrade_legacy(definition: Mapping[str, Any], *, country: str | None = None,
                   fields: Any = None, flow_types: Mapping[str, str] | None = None,
                   uuids: UUIDSource | None = None, to_version: str = LATEST_LEGACY) -> Json:
    """A legacy flow definition (version 7 ... 11.12) upgraded to ``to_version`` (11.12).

    ``country`` is the RapidPro workspace's country (language codes), ``fields`` its contact
    fields (``{key: "D"}`` or ``[{"key", "value_type"}]``), ``flow_types`` the types of flows
    this one starts. The input is not changed; a copy is returned.
    """
    version = legacy_version(definition)
    target = normalize_version(to_version, "target")
    if ALL_VERSIONS.index(target) < ALL_VERSIONS.index(version):
        raise LegacyVersionError(
            f"can't migrate back to {target}: the definition is already at {version}")
    ctx = _context(definition, country, fields, flow_types, uuids)
    flow = copy.deepcopy(dict(definition))
    metadata = flow.get("metadata") if isinstance(flow.get("metadata"), dict) else {}
    if metadata.get("uuid") and flow.get("flow_type"):
        ctx.flow_types.setdefault(metadata["uuid"], flow["flow_type"])
    for step in versions_after(version, target):
        flow = _STEPS[step](flow, ctx)
        flow["version"] = step
    return flow


def upgrade_export(export: Mapping[str, Any], *, country: str | None = None, fields: Any = None,
                   uuids: UUIDSource | None = None, to_version: str = LATEST_LEGACY) -> Json:
    """A RapidPro export file with every legacy flow upgraded to ``to_version`` (11.12).

    Flows are upgraded from their own ``version`` (else the export's); the export's triggers
    and campaigns get the version 9 id -> UUID changes when the export predates it. Flows
    already in goflow's format (``spec_version``) are left alone. The export's own contact
    fields are used for the 11.0 step unless ``fields`` is given.
    """
    if not isinstance(export, Mapping):
        raise LegacyVersionError("an export file must be a JSON object")
    data = copy.deepcopy(dict(export))
    flows = data.get("flows") or []
    if not isinstance(flows, list):
        raise LegacyVersionError("export: 'flows' must be an array")
    export_version: str | None = None
    if data.get("version") not in (None, ""):
        text = str(data["version"])
        export_version = None if text.split(".")[0].isdigit() and int(text.split(".")[0]) >= 13 \
            else normalize_version(data["version"], "export")
    target = normalize_version(to_version, "target")
    field_info = fields if fields is not None else data.get("fields")
    ctx = _context(export, country, field_info, None, uuids)

    # every flow's type and old numeric id, so references between them resolve (RapidPro
    # looked these up in its database)
    for flow in flows:
        if not isinstance(flow, dict):
            continue
        metadata = flow.get("metadata") if isinstance(flow.get("metadata"), dict) else {}
        if metadata.get("uuid"):
            if flow.get("flow_type"):
                ctx.flow_types[metadata["uuid"]] = flow["flow_type"]
            if metadata.get("id") is not None:
                ctx.id_maps.setdefault("flow", {})[metadata["id"]] = metadata["uuid"]
        elif flow.get("uuid") and flow.get("type"):
            ctx.flow_types[flow["uuid"]] = _GOFLOW_TYPES.get(flow["type"], "M")

    upgraded: list[Any] = []
    for index, flow in enumerate(flows):
        if not isinstance(flow, dict):
            raise LegacyVersionError(f"export: flows[{index}] must be an object")
        if "spec_version" in flow:
            upgraded.append(flow)
            continue
        own = flow.get("version")
        if own in (None, "") and export_version is None:
            raise LegacyVersionError(
                f"export: flows[{index}] has no 'version' and neither has the export")
        version = normalize_version(own, f"export: flows[{index}]") if own not in (None, "") \
            else export_version
        assert version is not None
        for step in versions_after(version, target):
            flow = _STEPS[step](flow, ctx)
            flow["version"] = step
        upgraded.append(flow)
    data["flows"] = upgraded

    if export_version is not None and _version_key(export_version) < _version_key("9"):
        _export_ids_to_uuids(data, ctx)
    if export_version is not None:
        data["version"] = max(export_version, target, key=_version_key)
    return data


_GOFLOW_TYPES = {"messaging": "M", "voice": "V", "messaging_offline": "S",
                 "messaging_background": "B"}


# --------------------------------------------------------------------------------------------
# helpers shared by the steps
# --------------------------------------------------------------------------------------------


def _action_sets(flow: Json) -> list[Json]:
    value = flow.get("action_sets")
    if not isinstance(value, list):
        value = []
        flow["action_sets"] = value
    return value


def _rule_sets(flow: Json) -> list[Json]:
    value = flow.get("rule_sets")
    if not isinstance(value, list):
        value = []
        flow["rule_sets"] = value
    return value


def _actions(action_set: Json) -> list[Json]:
    value = action_set.get("actions")
    if not isinstance(value, list):
        value = []
        action_set["actions"] = value
    return value


def _rules(rule_set: Json) -> list[Json]:
    value = rule_set.get("rules")
    if not isinstance(value, list):
        value = []
        rule_set["rules"] = value
    return value


def _slug(label: Any) -> str:
    """RapidPro's result key for a ruleset label ("Enough For Soup" -> "enough_for_soup")."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower() if isinstance(label, str) else "")


def _is_valid_group_name(name: Any) -> bool:
    # RapidPro: no blank names, no surrounding spaces, at most 64 chars, a word char first
    if not isinstance(name, str) or not name or name.strip() != name or len(name) > 64:
        return False
    return bool(re.match(r"\w", name[0]))


def _cleanse_group_names(action: Json) -> Json:
    """Group actions always have a ``groups`` list of named groups."""
    if action.get("type") in ("add_group", "del_group"):
        if "group" in action and "groups" not in action:
            action["groups"] = [action["group"]]
        for group in action.get("groups") or []:
            if isinstance(group, dict):
                if "name" not in group:
                    group["name"] = "Unknown"
                if not _is_valid_group_name(group["name"]):
                    group["name"] = f"Contacts {group['name']}"
    return action


def _entry_by_position(flow: Json) -> str | None:
    """The node nearest the top (then left) of the canvas: rulesets first on ties."""
    best: tuple[Any, Any] | None = None
    best_uuid = None
    for node in _rule_sets(flow) + _action_sets(flow):
        position = (node.get("y", 0), node.get("x", 0))
        if best is None or position < best:
            best, best_uuid = position, node.get("uuid")
    return best_uuid


def _map_actions(flow: Json, fix: Callable[[Json], Json | None]) -> Json:
    """Apply ``fix`` to every action; action sets left with no actions are dropped."""
    kept: list[Json] = []
    original = _action_sets(flow)
    for action_set in original:
        actions = [fixed for fixed in (fix(a) for a in _actions(action_set)) if fixed is not None]
        action_set["actions"] = actions
        if actions:
            kept.append(action_set)
    flow["action_sets"] = kept
    if len(kept) < len(original):
        flow["entry"] = _entry_by_position(flow)
    return flow


def _map_msg(action: Json, replace: Callable[[str], str]) -> None:
    msg = action.get("msg")
    if isinstance(msg, str):
        action["msg"] = replace(msg)
    elif isinstance(msg, dict):
        for language, text in msg.items():
            if isinstance(text, str):
                msg[language] = replace(text)
            elif text is None:
                msg[language] = replace("")


def _replace_templates(flow: Json, replace: Callable[[str], str]) -> None:
    """Apply ``replace`` to every template RapidPro's later migrations rewrote."""
    for action_set in _action_sets(flow):
        for action in _actions(action_set):
            kind = action.get("type")
            if kind in ("reply", "send", "say", "email"):
                _map_msg(action, replace)
            elif kind == "save" and isinstance(action.get("value"), str):
                action["value"] = replace(action["value"])
            elif kind == "api" and isinstance(action.get("webhook"), str):
                action["webhook"] = replace(action["webhook"])
    for rule_set in _rule_sets(flow):
        if isinstance(rule_set.get("operand"), str):
            before = rule_set["operand"]
            rule_set["operand"] = replace(before)
            # a changed field operand can't stay a "split by flow field"
            if rule_set["operand"] != before and rule_set.get("ruleset_type") == "flow_field":
                rule_set["ruleset_type"] = "expression"
            for rule in _rules(rule_set):
                test = rule.get("test")
                if isinstance(test, dict) and isinstance(test.get("test"), dict):
                    for language, text in test["test"].items():
                        if isinstance(text, str):
                            test["test"][language] = replace(text)
        config = rule_set.get("config")
        if isinstance(config, dict) and isinstance(config.get("webhook"), str):
            config["webhook"] = replace(config["webhook"])


def _move_nodes_down(flow: Json, below: int, delta: int = 100) -> None:
    for node in _action_sets(flow) + _rule_sets(flow):
        if isinstance(node.get("y"), (int, float)) and node["y"] >= below:
            node["y"] += delta


# --------------------------------------------------------------------------------------------
# version 8: filter style (@contact.name|upper_case) and equals style (=UPPER(x)) expressions
# --------------------------------------------------------------------------------------------

_FILTERS = {
    "lower_case": "LOWER({0})",
    "upper_case": "UPPER({0})",
    "capitalize": "PROPER({0})",
    "title_case": "PROPER({0})",
    "first_word": "FIRST_WORD({0})",
    "remove_first_word": "REMOVE_FIRST_WORD({0})",
    "read_digits": "READ_DIGITS({0})",
    "time_delta": "{0} + {1}",
}

_FILTER_STYLE = re.compile(
    r"\B@([\w]+[\.][\w\.\|]*[\w](:([\"\']).*?\3)?|"
    + "|".join(rf"{root}[\|\w]*" for root in _TOP_LEVELS) + ")",
    re.MULTILINE,
)
_EMBEDDED_FILTER_STYLE = re.compile(r'(")?@((' + "|".join(_TOP_LEVELS) + r')[\.\w\|]*)(\1)?')


def _filters_to_functions(expression: str) -> str:
    """``contact.name|upper_case`` -> ``UPPER(contact.name)`` (unknown filters are dropped)."""
    if "|" not in expression:
        return expression
    item, *filters = expression.split("|")
    converted = item
    for spec in filters:
        name, _, param = spec.partition(":")
        if param[:1] in ('"', "'"):
            param = param[1:-1]
        template = _FILTERS.get(name.lower())
        if template:
            converted = template.replace("{0}", converted).replace("{1}", param)
    return converted.replace("+ -", "- ")


def _upgrade_filter_style(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        expression = match.group(1)
        converted = _filters_to_functions(expression)
        return "@" + (f"({converted})" if "|" in expression else converted)

    return _FILTER_STYLE.sub(replace, text)


def _is_word(ch: str | None) -> bool:
    return bool(ch) and (ch.isalnum() or ch == "_")  # type: ignore[union-attr]


def _equals_expression(expression: str) -> str:
    """``=contact.name`` -> ``@contact.name``, ``=UPPER(x)`` -> ``@(UPPER(x))``."""
    body = expression[1:]
    if not body.endswith(")"):
        if body.split(".")[0].lower() not in _TOP_LEVELS:
            return expression
        return "@" + body
    body = _EMBEDDED_FILTER_STYLE.sub(lambda m: _filters_to_functions(m.group(2)), body)
    return "@" + (body if body.startswith("(") else f"({body})")


def _upgrade_equals_style(text: str) -> str:
    out: list[str] = []
    current: list[str] = []
    state = "body"  # body, prefix, identifier, balanced, string
    depth = 0
    for pos, ch in enumerate(text):
        nxt = text[pos + 1] if pos + 1 < len(text) else None
        nxt2 = text[pos + 2] if pos + 2 < len(text) else None
        done = False
        if state == "body":
            if ch == "=" and (_is_word(nxt) or nxt == "("):
                state, current = "prefix", [ch]
            else:
                out.append(ch)
            continue
        if state == "prefix":
            if _is_word(ch):
                state = "identifier"
            elif ch == "(":
                state, depth = "balanced", depth + 1
            current.append(ch)
        elif state == "identifier":
            if ch == "(":
                state, depth = "balanced", depth + 1
            current.append(ch)
        elif state == "balanced":
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            elif ch == '"':
                state = "string"
            current.append(ch)
            done = depth == 0
        elif state == "string":
            if ch == '"':
                state = "balanced"
            current.append(ch)
        if state == "identifier" and (
            nxt is None
            or (not _is_word(nxt) and nxt not in ".(")
            or (nxt == "." and not _is_word(nxt2))
        ):
            done = True
        if done:
            out.append(_equals_expression("".join(current)))
            current, state = [], "body"
    out.extend(current)  # an unfinished expression stays as written
    return "".join(out)


def upgrade_v7_template(text: str) -> str:
    """A version 7 template in version 8 syntax (the ``@(...)`` expressions)."""
    upgraded = text
    if "=" in upgraded:
        upgraded = _upgrade_equals_style(upgraded)
    if "@" in upgraded and "|" in upgraded:
        upgraded = _upgrade_filter_style(upgraded)
    return upgraded


def _upgrade_strings(node: Any) -> Any:
    if isinstance(node, str):
        return upgrade_v7_template(node)
    if isinstance(node, list):
        for index, item in enumerate(node):
            node[index] = _upgrade_strings(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            node[key] = _upgrade_strings(value)
    return node


def _to_8(flow: Json, ctx: UpgradeContext) -> Json:
    flow = _map_actions(flow, _cleanse_group_names)
    for rule_set in _rule_sets(flow):
        for rule in _rules(rule_set):
            if "test" in rule:
                rule["test"] = _upgrade_strings(rule["test"])
        for key in ("operand", "webhook"):
            if rule_set.get(key):
                rule_set[key] = _upgrade_strings(rule_set[key])
    for action_set in _action_sets(flow):
        for action in _actions(action_set):
            _upgrade_strings(action)
    return flow


# --------------------------------------------------------------------------------------------
# version 9: @extra.flow -> @parent, numeric ids -> UUIDs
# --------------------------------------------------------------------------------------------

_PARENT_REPLACEMENTS = (
    (re.compile(r"@(extra\.flow)"), "@parent"),
    (re.compile(r"(@\(.*?)extra\.flow(.*?\))"), r"\1parent\2"),
    (re.compile(r"@(extra\.contact)"), "@parent.contact"),
    (re.compile(r"(@\(.*?)extra\.contact(.*?\))"), r"\1parent.contact\2"),
)


def _replace_until_stable(text: str) -> str:
    for pattern, replacement in _PARENT_REPLACEMENTS:
        while True:
            text, count = pattern.subn(replacement, text)
            if not count:
                break
    return text


def _parent_references(node: Any) -> Any:
    if isinstance(node, str):
        return _replace_until_stable(node) if "extra." in node else node
    if isinstance(node, list):
        return [_parent_references(item) for item in node]
    if isinstance(node, dict):
        return {key: _parent_references(value) for key, value in node.items()}
    return node


def _ref_with_uuid(ref: Any, kind: str, ctx: UpgradeContext, *, allow_text: bool = False) -> Any:
    """An old ``{"id": 12, "name": "X"}`` reference as ``{"uuid": ..., "name": "X"}``.

    RapidPro looked the id up in its database; here the same id always gets the same UUID
    (an export's own flows keep theirs). References that already have a UUID are kept.
    """
    if isinstance(ref, str) and allow_text:
        return ref if ref.startswith("@") else {"name": ref}
    if not isinstance(ref, dict):
        return ref
    obj_id = ref.pop("id", None)
    if obj_id is not None and not ref.get("uuid"):
        ref["uuid"] = ctx.uuid_for_id(kind, obj_id)
    return ref


def _flow_ref_of_action(action: Json, ctx: UpgradeContext) -> None:
    # version 7 actions named the flow with the action's own id and name
    if isinstance(action.get("flow"), dict):
        _ref_with_uuid(action["flow"], "flow", ctx)
        return
    obj_id = action.pop("id", None)
    name = action.pop("name", None)
    ref: Json = {}
    if obj_id is not None:
        ref["uuid"] = ctx.uuid_for_id("flow", obj_id)
    if name:
        ref["name"] = name
    action["flow"] = ref


def _to_9(flow: Json, ctx: UpgradeContext) -> Json:
    flow = _parent_references(flow)
    flow = _map_actions(flow, _cleanse_group_names)
    for action_set in _action_sets(flow):
        for action in _actions(action_set):
            kind = action.get("type")
            if kind in ("add_group", "del_group", "send", "trigger-flow"):
                groups = [_ref_with_uuid(g, "group", ctx, allow_text=True)
                          for g in action.get("groups") or []]
                for contact in action.get("contacts") or []:
                    _ref_with_uuid(contact, "contact", ctx)
                if groups:
                    action["groups"] = groups
            if kind in ("trigger-flow", "flow"):
                _flow_ref_of_action(action, ctx)
            if kind == "add_label":
                for label in action.get("labels") or []:
                    _ref_with_uuid(label, "label", ctx)
    metadata = flow.get("metadata")
    if not isinstance(metadata, dict):
        metadata = flow["metadata"] = {}
    old_id = metadata.pop("id", None)
    if not metadata.get("uuid"):
        # RapidPro took it from the flow's row; a standalone file gets a fresh one
        metadata["uuid"] = ctx.uuid_for_id("flow", old_id) if old_id is not None \
            else ctx.new_uuid()
    return flow


def _export_ids_to_uuids(export: Json, ctx: UpgradeContext) -> None:
    """Version 9 for what an export holds besides flows: triggers and campaigns."""
    for trigger in export.get("triggers") or []:
        if not isinstance(trigger, dict):
            continue
        if isinstance(trigger.get("flow"), dict):
            _ref_with_uuid(trigger["flow"], "flow", ctx)
        trigger["groups"] = [_ref_with_uuid(g, "group", ctx, allow_text=True)
                             for g in trigger.get("groups") or []]
    for campaign in export.get("campaigns") or []:
        if not isinstance(campaign, dict):
            continue
        _ref_with_uuid(campaign, "campaign", ctx)
        if "group" in campaign:
            campaign["group"] = _ref_with_uuid(campaign["group"], "group", ctx, allow_text=True)
        for event in campaign.get("events") or []:
            if not isinstance(event, dict):
                continue
            _ref_with_uuid(event, "campaign_event", ctx)
            if isinstance(event.get("relative_to"), dict):
                event["relative_to"].pop("id", None)
            if isinstance(event.get("flow"), dict):
                _ref_with_uuid(event["flow"], "flow", ctx)


# --------------------------------------------------------------------------------------------
# versions 10 to 10.4: webhook rulesets, UUIDs on actions and exits, localized replies
# --------------------------------------------------------------------------------------------


def _to_10(flow: Json, ctx: UpgradeContext) -> Json:
    base = flow.get("base_language") or "base"
    flow = _map_actions(flow, _cleanse_group_names)
    for rule_set in _rule_sets(flow):
        if rule_set.get("ruleset_type") != "webhook":
            rule_set.pop("webhook_action", None)
            rule_set.pop("webhook", None)
            continue
        config = rule_set.get("config")
        if not isinstance(config, dict):
            config = rule_set["config"] = {}
        config["webhook_action"] = rule_set.pop("webhook_action", None)
        config["webhook"] = rule_set.pop("webhook", None)
        # webhooks now route on success and failure: old flows go the same way for both
        rules = _rules(rule_set)
        first = rules[0] if rules else {}
        new_rules = []
        for status in ("success", "failure"):
            rule: Json = {
                "test": {"status": status, "type": "webhook_status"},
                "category": {base: status.capitalize()},
                "uuid": first.get("uuid") if status == "success" and first.get("uuid")
                else ctx.new_uuid(),
            }
            if first.get("destination"):
                rule["destination"] = first["destination"]
                rule["destination_type"] = first.get("destination_type")
            new_rules.append(rule)
        rule_set["rules"] = new_rules
    return flow


def _to_10_1(flow: Json, ctx: UpgradeContext) -> Json:
    flow = _map_actions(flow, _cleanse_group_names)
    for action_set in _action_sets(flow):
        for action in _actions(action_set):
            if not action.get("uuid"):
                action["uuid"] = ctx.new_uuid()
    return flow


def _to_10_2(flow: Json, ctx: UpgradeContext) -> Json:
    base = flow.get("base_language") or "base"
    flow["base_language"] = base

    def localize(action: Json) -> Json:
        if action.get("type") == "reply" and not isinstance(action.get("msg"), dict):
            action["msg"] = {base: action.get("msg")}
        return action

    return _map_actions(flow, localize)


def _to_10_3(flow: Json, ctx: UpgradeContext) -> Json:
    for action_set in _action_sets(flow):
        action_set["exit_uuid"] = ctx.new_uuid()
    return flow


def _to_10_4(flow: Json, ctx: UpgradeContext) -> Json:
    for action_set in _action_sets(flow):
        if not action_set.get("exit_uuid"):
            action_set["exit_uuid"] = ctx.new_uuid()
        for action in _actions(action_set):
            if not action.get("uuid"):
                action["uuid"] = ctx.new_uuid()
    return flow


# --------------------------------------------------------------------------------------------
# 11.0: dates and locations in messages go through format_date / format_location
# --------------------------------------------------------------------------------------------

_AFTER_NAME = r"([^0-9a-zA-Z\.]|\.[^0-9a-zA-Z\.]|$|\.$)"
_DATE_TESTS = ("date", "date_before", "date_after", "date_equal")
_LOCATION_TESTS = ("state", "district", "ward")


def _to_11_0(flow: Json, ctx: UpgradeContext) -> Json:
    replacements: list[tuple[re.Pattern[str], str]] = [
        (re.compile(r"@date" + _AFTER_NAME, re.MULTILINE), r"@(format_date(date))\1"),
        (re.compile(r"@date\.now", re.MULTILINE), r"@(format_date(date.now))"),
    ]
    # RapidPro read the workspace's date and location fields from its database
    for key, letter in sorted(ctx.fields.items()):
        if letter not in ("D", "S", "I", "W"):
            continue
        function = "format_date" if letter == "D" else "format_location"
        replacements.append((re.compile(rf"@contact\.{re.escape(key)}" + _AFTER_NAME, re.MULTILINE),
                             rf"@({function}(contact.{key}))\1"))
    for rule_set in _rule_sets(flow):
        kind = None
        for rule in _rules(rule_set):
            test = rule.get("test") if isinstance(rule.get("test"), dict) else {}
            test_type = test.get("type")
            if not test_type or test_type == "true":
                continue
            if kind is None:
                kind = test_type
            elif test_type != kind:
                kind = "none"
        if rule_set.get("label") is None:
            continue
        key = _slug(rule_set["label"])
        replacements.append((re.compile(rf"@flow\.{re.escape(key)}\.time", re.MULTILINE),
                             rf"@(format_date(flow.{key}.time))"))
        if kind in _DATE_TESTS and legacy_engine_on():
            continue  # the legacy engine printed a date result as saved: the date alone
        if kind in _DATE_TESTS:
            function = "format_date"
        elif kind in _LOCATION_TESTS:
            function = "format_location"
        else:
            continue
        replacements.append((re.compile(rf"@flow\.{re.escape(key)}" + _AFTER_NAME, re.MULTILINE),
                             rf"@({function}(flow.{key}))\1"))

    for action_set in _action_sets(flow):
        for action in _actions(action_set):
            if action.get("type") not in ("reply", "send", "say") or \
                    not isinstance(action.get("msg"), dict):
                continue
            msg = action["msg"]
            for language, text in list(msg.items()):
                if isinstance(text, dict):  # some single message flows nested a dict
                    text = next(iter(text.values()), "")
                if isinstance(text, str):
                    for pattern, replacement in replacements:
                        text = pattern.sub(replacement, text)
                msg[language] = text
    return flow


# --------------------------------------------------------------------------------------------
# 11.1, 11.2: ISO 639-2 language codes -> ISO 639-3
# --------------------------------------------------------------------------------------------

# RapidPro's overrides for codes with no single ISO 639-3 equivalent ("XX" = any country)
_LANGUAGE_OVERRIDES = {
    "NG:cpe": "pcm", "LR:cpe": "lir", "NI:cpe": "bzk", "XX:mkh": "khm", "XX:cpe": "pcm",
    "XX:art": "epo", "XX:cpf": "gcr", "XX:phi": "fil", "XX:smi": "smj", "XX:afa": "ara",
    "XX:aus": "rop", "XX:cpp": "kea", "XX:him": "xnr", "XX:kar": "blk", "XX:esp": "spa",
}


# ISO 639-2 bibliographic codes whose ISO 639-3 code differs (pycountry's, checked by a test);
# every other lowercase three-letter code maps to itself, known or not
_BIBLIOGRAPHIC = {
    "alb": "sqi", "arm": "hye", "baq": "eus", "bur": "mya", "chi": "zho", "cze": "ces",
    "dut": "nld", "fre": "fra", "geo": "kat", "ger": "deu", "gre": "ell", "ice": "isl",
    "mac": "mkd", "mao": "mri", "may": "msa", "per": "fas", "rum": "ron", "slo": "slk",
    "tib": "bod", "wel": "cym",
}


def iso639_3(code: str, country: str | None = None) -> str:
    """The ISO 639-3 code for an ISO 639-1/2 code, as RapidPro's 11.1 migration chose it.

    Codes that aren't languages are kept as they are (RapidPro refused the import; goflow
    later drops localizations in unknown languages).
    """
    key = code.lower().strip()
    if not key:
        return code
    override = _LANGUAGE_OVERRIDES.get(f"{country}:{key}") if country else None
    override = override or _LANGUAGE_OVERRIDES.get(f"XX:{key}")
    if override:
        return override
    if len(key) == 3 and key == code:  # most legacy codes: no need to load pycountry's table
        return _BIBLIOGRAPHIC.get(key, key)
    import pycountry  # (imported here: ~40 ms, and most codes never get this far)

    for attribute in ("alpha_2", "alpha_3", "bibliographic"):
        language = pycountry.languages.get(**{attribute: key})
        if language is not None:
            return str(language.alpha_3)
    return code


def _is_language_map(obj: Mapping[str, Any]) -> bool:
    return all(len(key) == 3 or key == "base" for key in obj)


def _languages_to_639_3(node: Any, country: str | None) -> Any:
    if isinstance(node, dict):
        if _is_language_map(node):
            return {(key if key == "base" else iso639_3(key, country)): value
                    for key, value in node.items()}
        if "lang" in node and node["lang"] != "base" and isinstance(node["lang"], str):
            node["lang"] = iso639_3(node["lang"], country)
            return node
        return {key: _languages_to_639_3(value, country) for key, value in node.items()}
    if isinstance(node, list):
        return [_languages_to_639_3(item, country) for item in node]
    return node


def _to_11_1(flow: Json, ctx: UpgradeContext) -> Json:
    return _languages_to_639_3(flow, ctx.country)


def _to_11_2(flow: Json, ctx: UpgradeContext) -> Json:
    base = flow.get("base_language")
    if isinstance(base, str) and base and base != "base":
        flow["base_language"] = iso639_3(base, ctx.country)
    return flow


# --------------------------------------------------------------------------------------------
# 11.3 to 11.5: webhooks keep the legacy payload; result references
# --------------------------------------------------------------------------------------------


def _to_11_3(flow: Json, ctx: UpgradeContext) -> Json:
    for action_set in _action_sets(flow):
        for action in _actions(action_set):
            if action.get("type") == "api" and action.get("action", "POST") == "POST":
                action["action"] = "POST"
                action["legacy_format"] = True
    for rule_set in _rule_sets(flow):
        config = rule_set.get("config")
        if rule_set.get("ruleset_type") == "webhook" and isinstance(config, dict):
            if config.get("webhook_action", "POST") == "POST":
                config["legacy_format"] = True
    return flow


def _to_11_4(flow: Json, ctx: UpgradeContext) -> Json:
    # @flow.foo.text of a ruleset that doesn't wait is the operand, i.e. @step.value
    slugs = sorted({_slug(rs.get("label")) for rs in _rule_sets(flow)
                    if not str(rs.get("ruleset_type") or "").startswith("wait_")})
    if not slugs:
        return flow
    pattern = re.compile(r"flow\.(" + "|".join(re.escape(s) for s in slugs) + r")\.text",
                         re.IGNORECASE | re.MULTILINE)
    for action_set in _action_sets(flow):
        for action in _actions(action_set):
            if action.get("type") in ("reply", "send", "say", "email"):
                _map_msg(action, lambda text: pattern.sub("step.value", text))
    return flow


def _to_11_5(flow: Json, ctx: UpgradeContext) -> Json:
    # results of webhook rulesets are the webhook's JSON response: @extra.foo
    webhooks, others = set(), set()
    for rule_set in _rule_sets(flow):
        slug = _slug(rule_set.get("label"))
        if not slug:
            continue
        if rule_set.get("ruleset_type") in ("webhook", "resthook"):
            webhooks.add(slug)
        else:
            others.add(slug)
    slugs = sorted(webhooks - others)
    if not slugs:
        return flow
    pattern = re.compile(
        r"flow\.(" + "|".join(re.escape(s) for s in slugs) + r")(\.value)?(?!\.\w)",
        re.IGNORECASE | re.MULTILINE,
    )
    _replace_templates(flow, lambda text: pattern.sub(r"extra.\1", text))
    return flow


def _unchanged(flow: Json, ctx: UpgradeContext) -> Json:
    """A RapidPro step that only repaired flows already stored in its database."""
    return flow


# --------------------------------------------------------------------------------------------
# 11.7: webhook actions become webhook rulesets
# --------------------------------------------------------------------------------------------


def _node_height(node: Json) -> int:
    return len(node["actions"]) * 75 + 75 if "actions" in node else 100


def _to_11_7(flow: Json, ctx: UpgradeContext) -> Json:
    nodes = {node.get("uuid"): node for node in _action_sets(flow) + _rule_sets(flow)}
    replacements: list[tuple[Json, list[Json]]] = []
    created = 0
    base = flow.get("base_language") or "base"
    for action_set in list(_action_sets(flow)):
        groups: list[Any] = []  # single webhook actions, or lists of other actions
        for action in _actions(action_set):
            if action.get("type") == "api":
                groups.append(action)
            else:
                if not groups or not isinstance(groups[-1], list):
                    groups.append([])
                groups[-1].append(action)
        if not any(isinstance(group, dict) for group in groups):
            continue
        destination = nodes.get(action_set.get("destination")) if action_set.get("destination") \
            else None
        new_nodes: list[Json] = []
        for index in range(len(groups) - 1, -1, -1):
            group = groups[index]
            node_uuid = action_set["uuid"] if index == 0 else ctx.new_uuid()
            dest_uuid = destination.get("uuid") if destination else None
            dest_type = ("A" if "actions" in destination else "R") if destination else None
            if isinstance(group, dict):
                created += 1
                node: Json = {
                    "uuid": node_uuid, "x": action_set.get("x", 0), "y": action_set.get("y", 0),
                    "label": f"Migrated Webhook {created}",
                    "rules": [
                        {"uuid": ctx.new_uuid(), "category": {base: status.capitalize()},
                         "destination": dest_uuid, "destination_type": dest_type,
                         "test": {"type": "webhook_status", "status": status}, "label": None}
                        for status in ("success", "failure")
                    ],
                    "finished_key": None, "ruleset_type": "webhook", "response_type": "",
                    "operand": "@step.value",
                    "config": {"webhook": group.get("webhook", ""),
                               "webhook_action": group.get("action", "POST"),
                               "webhook_headers": group.get("webhook_headers", [])},
                }
                _rule_sets(flow).append(node)
            else:
                node = {"uuid": node_uuid, "x": action_set.get("x", 0),
                        "y": action_set.get("y", 0), "actions": group,
                        "exit_uuid": ctx.new_uuid(), "destination": dest_uuid}
                _action_sets(flow).append(node)
            new_nodes.insert(0, node)
            destination = node
        replacements.append((action_set, new_nodes))

    for old, new_nodes in replacements:
        if len(new_nodes) > 1:
            old_y = old.get("y", 0)
            extra = sum(_node_height(n) for n in new_nodes) - len(_actions(old)) * 60
            _move_nodes_down(flow, old_y + 1, extra)
            offset = _node_height(new_nodes[0])
            for node in new_nodes[1:]:
                node["y"] += offset
                offset += _node_height(node)
        flow["action_sets"] = [a for a in _action_sets(flow) if a is not old]
    return flow


def _to_11_8(flow: Json, ctx: UpgradeContext) -> Json:
    seen: set[str] = set()
    for rule_set in _rule_sets(flow):
        for rule in _rules(rule_set):
            if not rule.get("uuid") or rule["uuid"] in seen:
                rule["uuid"] = ctx.new_uuid()
            seen.add(rule["uuid"])
    return flow


# --------------------------------------------------------------------------------------------
# 11.10: sub-flows of another modality are started as new sessions (trigger-flow)
# --------------------------------------------------------------------------------------------


def _same_modality(a: str, b: str) -> bool:
    return a == b or {a, b} == {"F", "M"}


def _to_11_10(flow: Json, ctx: UpgradeContext) -> Json:
    if not flow.get("flow_type"):
        flow["flow_type"] = "M"
    own_type = flow["flow_type"]
    for action_set in _action_sets(flow):
        for action in _actions(action_set):
            if action.get("type") != "flow" or not isinstance(action.get("flow"), dict):
                continue
            other = ctx.flow_types.get(action["flow"].get("uuid"))
            if other and not _same_modality(other, own_type):
                action.update(type="trigger-flow", contacts=[], groups=[], urns=[],
                              variables=[{"id": "@contact.uuid"}])
    removed: set[str] = set()
    for rule_set in _rule_sets(flow):
        if rule_set.get("ruleset_type") != "subflow":
            continue
        config = rule_set.get("config") if isinstance(rule_set.get("config"), dict) else {}
        ref = config.get("flow") if isinstance(config.get("flow"), dict) else {}
        other = ctx.flow_types.get(ref.get("uuid"))
        if not other or _same_modality(other, own_type):
            continue
        first = _rules(rule_set)[0] if _rules(rule_set) else {}
        _action_sets(flow).append({
            "uuid": rule_set["uuid"], "x": rule_set.get("x"), "y": rule_set.get("y"),
            "destination": first.get("destination"),
            "actions": [{"type": "trigger-flow", "uuid": ctx.new_uuid(), "flow": ref,
                         "contacts": [], "groups": [], "urns": [],
                         "variables": [{"id": "@contact.uuid"}]}],
            "exit_uuid": first.get("uuid") or ctx.new_uuid(),
        })
        removed.add(rule_set["uuid"])
    flow["rule_sets"] = [rs for rs in _rule_sets(flow) if rs.get("uuid") not in removed]
    return flow


_STEPS: dict[str, Callable[[Json, UpgradeContext], Json]] = {
    "8": _to_8,
    "9": _to_9,
    "10": _to_10,
    "10.1": _to_10_1,
    "10.2": _to_10_2,
    "10.3": _to_10_3,
    "10.4": _to_10_4,
    "11.0": _to_11_0,
    "11.1": _to_11_1,
    "11.2": _to_11_2,
    "11.3": _to_11_3,
    "11.4": _to_11_4,
    "11.5": _to_11_5,
    "11.6": _unchanged,  # group UUIDs re-read from the database
    "11.7": _to_11_7,
    "11.8": _to_11_8,
    "11.9": _unchanged,  # actions on archived / deleted flows removed (database)
    "11.10": _to_11_10,
    "11.11": _unchanged,  # label UUIDs re-read from the database
    "11.12": _unchanged,  # channel actions re-checked against the database
}
