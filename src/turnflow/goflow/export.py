"""RapidPro export files, legacy flow files, and keyword triggers.

A RapidPro export (``{"version", "site", "flows", "campaigns", "triggers", "fields",
"groups"}``) is loaded as one goflow asset bundle: every flow migrated to the current goflow
spec (legacy flows first upgraded to 11.12, then through goflow's legacy migrator), contact
fields and groups converted to goflow's asset shapes, and groups and fields the flows refer
to but the export doesn't list added (RapidPro created them on import).

Triggers: :func:`read_triggers` reads an export's triggers and :func:`match_message_trigger`
finds the one RapidPro would fire for an incoming message (a keyword trigger on the
message's first word, any case, else a catch-all trigger).
"""

from __future__ import annotations

import copy
import json
import uuid as _uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import json_input
from ..errors import TurnflowError
from ..expressions.words import tokenize
from ..generators import UUIDSource
from .legacy import migrate_legacy
from .legacy.versions import (
    FIELD_TYPE_LETTERS,
    LATEST_LEGACY,
    seeded_uuids,
    upgrade_export,
    upgrade_legacy,
)
from .migrations import MigrationError, migrate

Json = dict[str, Any]

class ExportError(TurnflowError):
    """A file that isn't a usable flow, export or assets file."""


# --------------------------------------------------------------------------------------------
# what kind of file is this?
# --------------------------------------------------------------------------------------------


def is_legacy_definition(data: Any) -> bool:
    """A legacy (ActionSets/RuleSets) flow definition, or the pre-7 wrapped layout."""
    if not isinstance(data, Mapping):
        return False
    if "spec_version" in data:
        return False
    if "action_sets" in data or "rule_sets" in data or "flow_type" in data:
        return True
    return isinstance(data.get("definition"), Mapping) and "version" in data


def is_export(data: Any) -> bool:
    """A RapidPro export: flows plus the export's ``version`` or ``site``."""
    return (isinstance(data, Mapping) and isinstance(data.get("flows"), list)
            and ("version" in data or "site" in data))


def file_kind(data: Any) -> str:
    """``export``, ``legacy_flow``, ``flow`` (goflow), ``assets``, ``rapidpro_runs`` or
    ``unknown``."""
    if isinstance(data, list) and data and all(
            isinstance(item, Mapping) and "messages" in item and "org" in item for item in data):
        return "rapidpro_runs"
    if is_export(data):
        return "export"
    if is_legacy_definition(data):
        return "legacy_flow"
    if isinstance(data, Mapping) and "spec_version" in data:
        return "flow"
    if isinstance(data, Mapping) and isinstance(data.get("flows"), list):
        return "assets"
    return "unknown"


def read_json_file(path: str | Path) -> Any:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExportError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"{path}: can't read file: {exc}") from None
    try:
        return json_input.loads(text)
    except json_input.JSONInputError as exc:
        raise ExportError(f"{path}: {exc}") from None


# --------------------------------------------------------------------------------------------
# migrating flows
# --------------------------------------------------------------------------------------------


def _is_goflow_target(to_version: str | None) -> bool:
    if to_version is None:
        return True
    major = str(to_version).lstrip("v").split(".")[0]
    return not major.isdigit() or int(major) >= 13


def legacy_to_goflow(definition: Mapping[str, Any], uuids: UUIDSource | None = None) -> Json:
    """An 11.12 legacy definition as a goflow 13.0.0 definition."""
    return migrate_legacy(dict(definition), uuids=uuids)


def _valid_flow_uuid(definition: Json) -> Json:
    """RapidPro gave an imported flow with a malformed UUID a new one; so do we (derived from
    the old text, so it is the same every time)."""
    # (imported here: validation loads the engine core, which migrating a goflow flow and
    # telling file kinds apart don't need)
    from .validation import is_uuid

    metadata = definition.get("metadata")
    if isinstance(metadata, dict) and metadata.get("uuid") and not is_uuid(metadata["uuid"]):
        metadata["uuid"] = str(
            _uuid.uuid5(_uuid.NAMESPACE_URL, f"turnflow:flow:{metadata['uuid']}")
        )
    return definition


def migrate_flow(definition: Mapping[str, Any], *, to_version: str | None = None,
                 country: str | None = None, fields: Any = None,
                 flow_types: Mapping[str, str] | None = None,
                 uuids: UUIDSource | None = None) -> Json:
    """A flow definition (legacy 7 ... 11.12 or goflow 13+) migrated to ``to_version``.

    The default is goflow's latest spec; a legacy version (e.g. "11.12") stops in the legacy
    format. A goflow definition can't go back to a legacy version.
    """
    if not isinstance(definition, Mapping):
        raise ExportError("a flow definition must be a JSON object")
    if uuids is None:  # reproducible: the same file always migrates to the same JSON
        uuids = seeded_uuids(definition)
    if is_legacy_definition(definition):
        if not _is_goflow_target(to_version):
            assert to_version is not None
            return upgrade_legacy(definition, country=country, fields=fields,
                                  flow_types=flow_types, uuids=uuids, to_version=to_version)
        upgraded = upgrade_legacy(definition, country=country, fields=fields,
                                  flow_types=flow_types, uuids=uuids)
        definition = legacy_to_goflow(_valid_flow_uuid(upgraded), uuids=uuids)
    elif not _is_goflow_target(to_version):
        raise ExportError(f"can't migrate a goflow definition back to legacy version {to_version}")
    try:
        return migrate(dict(definition), to=to_version, uuids=uuids)
    except MigrationError as exc:
        where = f" (at {exc.path})" if getattr(exc, "path", "") else ""
        raise ExportError(f"{exc.message}{where}") from None


def migrate_export(export: Mapping[str, Any], *, to_version: str | None = None,
                   country: str | None = None, uuids: UUIDSource | None = None) -> Json:
    """An export with every flow migrated to ``to_version`` (default: goflow's latest).

    Other sections (triggers, campaigns, fields, groups) are kept, with the legacy id ->
    UUID changes of version 9 applied when the export predates it.
    """
    legacy_target = None if _is_goflow_target(to_version) else to_version
    upgraded = upgrade_export(export, country=country, uuids=uuids,
                              to_version=legacy_target or LATEST_LEGACY)
    if legacy_target is not None:
        return upgraded
    flows = []
    for index, flow in enumerate(upgraded.get("flows") or []):
        try:
            flows.append(migrate_flow(flow, to_version=to_version, country=country,
                                      uuids=uuids))
        except TurnflowError as exc:
            raise ExportError(f"flows[{index}]: {exc}") from None
    upgraded["flows"] = flows
    return upgraded


# --------------------------------------------------------------------------------------------
# assets
# --------------------------------------------------------------------------------------------


def field_asset(item: Mapping[str, Any]) -> Json:
    """A legacy ``{key, label, value_type}`` or newer ``{key, name, type}`` field as goflow's."""
    key = item.get("key")
    if not isinstance(key, str) or not key:
        raise ExportError(f"field without a key: {json.dumps(item)}")
    kind = item.get("type") or FIELD_TYPE_LETTERS.get(str(item.get("value_type") or "T"), "text")
    if kind not in FIELD_TYPE_LETTERS.values():
        kind = "text"
    name = item.get("name") or item.get("label") or key
    asset: Json = {"key": key, "name": name, "type": kind}
    if isinstance(item.get("uuid"), str):
        asset["uuid"] = item["uuid"]
    else:
        asset["uuid"] = str(_uuid.uuid5(_uuid.NAMESPACE_URL, f"turnflow:field:{key}"))
    return asset


def group_asset(item: Mapping[str, Any]) -> Json:
    name = item.get("name")
    if not isinstance(name, str):
        raise ExportError(f"group without a name: {json.dumps(item)}")
    asset: Json = {"uuid": item.get("uuid") or _name_uuid("group", name), "name": name}
    if item.get("query"):
        asset["query"] = item["query"]
    return asset


def _name_uuid(kind: str, name: str) -> str:
    # the same name always gets the same UUID, so re-runs and separate files agree
    return str(_uuid.uuid5(_uuid.NAMESPACE_URL, f"turnflow:{kind}:{name.strip().lower()}"))


def _walk_refs(definition: Mapping[str, Any]) -> Iterator[tuple[str, Json]]:
    """(kind, reference) for group, field and label references of a goflow definition."""
    for node in definition.get("nodes") or []:
        for action in (node or {}).get("actions") or []:
            for group in action.get("groups") or []:
                if isinstance(group, dict):
                    yield "group", group
            if action.get("type") == "set_contact_field" and isinstance(action.get("field"), dict):
                yield "field", action["field"]
            for label in action.get("labels") or []:
                if isinstance(label, dict):
                    yield "label", label
        router = (node or {}).get("router") or {}
        for case in router.get("cases") or []:
            arguments = (case or {}).get("arguments") or []
            if case.get("type") == "has_group" and arguments:
                yield "group", {"uuid": arguments[0],
                                "name": arguments[1] if len(arguments) > 1 else ""}


def complete_assets(data: Json, extra_groups: Iterable[str] = ()) -> Json:
    """Add the groups, fields and labels the flows use but the bundle lacks.

    RapidPro created these when a flow was imported or a legacy run saved to a new field;
    goflow instead needs them as assets. New fields are text fields named as the flow named
    them; group references by name only get a UUID derived from the name.
    """
    for kind, identity in (("groups", "uuid"), ("fields", "key"), ("labels", "uuid")):
        items = data.get(kind)
        if items is not None and not (isinstance(items, list) and all(
                isinstance(i, dict) and isinstance(i.get(identity), str | None) for i in items)):
            return data  # malformed: reading the assets reports where
    groups: list[Json] = data.setdefault("groups", [])
    fields: list[Json] = data.setdefault("fields", [])
    labels: list[Json] = data.setdefault("labels", [])
    group_uuids = {g.get("uuid") for g in groups}
    group_names = {str(g.get("name", "")).lower() for g in groups}
    field_keys = {f.get("key") for f in fields}
    label_uuids = {g.get("uuid") for g in labels}
    label_names = {str(g.get("name", "")).lower() for g in labels}

    def add_group(uuid: str | None, name: str) -> None:
        if uuid in group_uuids or (not uuid and name.lower() in group_names):
            return
        groups.append({"uuid": uuid or _name_uuid("group", name), "name": name})
        group_uuids.add(groups[-1]["uuid"])
        group_names.add(name.lower())

    for definition in data.get("flows") or []:
        if not isinstance(definition, Mapping) or "nodes" not in definition:
            continue
        for kind, ref in _walk_refs(definition):
            name = ref.get("name") or ref.get("name_match") or ""
            if kind == "group":
                if ref.get("uuid"):
                    add_group(ref["uuid"], name or "Unnamed")
                elif name and "@" not in name:
                    add_group(None, name)
            elif kind == "field" and ref.get("key") and ref["key"] not in field_keys:
                fields.append(
                    field_asset({"key": ref["key"], "name": ref.get("name") or ref["key"]})
                )
                field_keys.add(ref["key"])
            elif kind == "label" and name and "@" not in name:
                if ref.get("uuid") in label_uuids or (
                    not ref.get("uuid") and name.lower() in label_names
                ):
                    continue
                labels.append({"uuid": ref.get("uuid") or _name_uuid("label", name), "name": name})
                label_uuids.add(labels[-1]["uuid"])
                label_names.add(name.lower())
    for name in extra_groups:
        add_group(None, name)
    return data


def export_assets_json(export: Mapping[str, Any], *, country: str | None = None,
                       uuids: UUIDSource | None = None) -> Json:
    """A RapidPro export as goflow assets JSON (flows migrated, fields and groups converted)."""
    migrated = migrate_export(export, country=country, uuids=uuids)
    data: Json = {"flows": migrated.get("flows") or []}
    data["fields"] = [field_asset(f) for f in migrated.get("fields") or []
                      if isinstance(f, Mapping)]
    data["groups"] = [group_asset(g) for g in migrated.get("groups") or []
                      if isinstance(g, Mapping)]
    for key in ("channels", "labels", "globals", "resthooks", "templates", "topics", "users",
                "locations", "classifiers", "llms", "optins"):
        if isinstance(migrated.get(key), list):
            data[key] = copy.deepcopy(migrated[key])
    return complete_assets(data)


def assets_json_for(data: Any, *, country: str | None = None, fields: Any = None,
                    uuids: UUIDSource | None = None, source: str = "<input>") -> Json:
    """goflow assets JSON for any flow file: an export, a legacy or goflow flow, or assets."""
    kind = file_kind(data)
    try:
        if kind == "export":
            return export_assets_json(data, country=country, uuids=uuids)
        if kind in ("legacy_flow", "flow"):
            flow = migrate_flow(data, country=country, fields=fields, uuids=uuids)
            assets: Json = {"flows": [flow]}
            if fields:
                assets["fields"] = [field_asset(f) for f in fields if isinstance(f, Mapping)]
            return complete_assets(assets)
        if kind == "assets":
            assets = dict(data)
            flows = assets.get("flows") or []
            if any(is_legacy_definition(f) for f in flows):
                assets["flows"] = [migrate_flow(f, country=country, uuids=uuids)
                                   if is_legacy_definition(f) else f for f in flows]
                complete_assets(assets)
            return assets
    except TurnflowError as exc:
        raise ExportError(f"{source}: {exc}") from None
    except MALFORMED as exc:
        raise malformed(source, exc) from None
    raise ExportError(f"{source}: not a flow, assets or RapidPro export file")


# what the legacy migrators (lenient, as goflow's are, about what they meet) raise when a
# part of a legacy flow or export has a type no RapidPro ever wrote
MALFORMED = (TypeError, AttributeError, KeyError, ValueError, IndexError)


def malformed(source: str, exc: BaseException) -> ExportError:
    """turnflow's error for a legacy definition or export of the wrong shape."""
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return ExportError(f"{source}: a legacy flow or export of the wrong shape ({detail})")


def load_assets(path: str | Path, *, country: str | None = None) -> Any:
    """An Assets bundle from any flow file (export, legacy or goflow flow, assets file)."""
    from .assets import Assets  # (imported here: the reader and every action, ~170 ms)

    data = read_json_file(path)
    return Assets.from_json(assets_json_for(data, country=country, source=str(path)),
                            str(path))


def load_export(export: Mapping[str, Any], source: str = "<export>", *,
                country: str | None = None, uuids: UUIDSource | None = None) -> Any:
    """A RapidPro export as an Assets bundle."""
    from .assets import Assets  # (imported here: the reader and every action, ~170 ms)

    if not is_export(export):
        raise ExportError(f"{source}: not a RapidPro export (no 'flows' with 'version')")
    try:
        data = export_assets_json(export, country=country, uuids=uuids)
    except TurnflowError as exc:
        raise ExportError(f"{source}: {exc}") from None
    return Assets.from_json(data, source)


# --------------------------------------------------------------------------------------------
# triggers
# --------------------------------------------------------------------------------------------

TRIGGER_TYPES = {
    "K": "keyword", "C": "catch_all", "M": "missed_call", "N": "new_conversation",
    "R": "referral", "V": "inbound_call", "T": "closed_ticket", "S": "schedule",
    "I": "opt_in", "O": "opt_out",
}
MATCH_FIRST_WORD = "F"
MATCH_ONLY_WORD = "O"


@dataclass
class Trigger:
    """One trigger of an export: what starts which flow."""

    type: str  # RapidPro's letter, see TRIGGER_TYPES
    flow: Json  # {"uuid", "name"}
    keywords: list[str] = field(default_factory=list)
    match_type: str = MATCH_FIRST_WORD
    groups: list[Json] = field(default_factory=list)
    exclude_groups: list[Json] = field(default_factory=list)
    channel: Any = None

    @property
    def type_name(self) -> str:
        return TRIGGER_TYPES.get(self.type, self.type)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Trigger:
        keywords = data.get("keywords")
        if not isinstance(keywords, list):
            keywords = [data["keyword"]] if data.get("keyword") else []
        flow = data.get("flow") if isinstance(data.get("flow"), Mapping) else {}
        return cls(
            type=str(data.get("trigger_type") or ""),
            flow=dict(flow),
            keywords=[k for k in keywords if isinstance(k, str) and k],
            match_type=str(data.get("match_type") or MATCH_FIRST_WORD),
            groups=[_group_ref(g) for g in data.get("groups") or []],
            exclude_groups=[_group_ref(g) for g in data.get("exclude_groups") or []],
            channel=data.get("channel"),
        )


def _group_ref(value: Any) -> Json:
    return dict(value) if isinstance(value, Mapping) else {"name": str(value)}


def read_triggers(export: Mapping[str, Any]) -> list[Trigger]:
    """The triggers of an export (archived ones left out)."""
    result = []
    for item in export.get("triggers") or []:
        if isinstance(item, Mapping) and not item.get("is_archived"):
            result.append(Trigger.from_json(item))
    return result


def _in_groups(refs: Sequence[Json], contact_groups: Iterable[Any]) -> bool:
    uuids, names = set(), set()
    for group in contact_groups:
        if isinstance(group, Mapping):
            uuids.add(group.get("uuid"))
            names.add(str(group.get("name", "")).lower())
        else:
            names.add(str(group).lower())
            uuids.add(group)
    return any((ref.get("uuid") and ref["uuid"] in uuids)
               or str(ref.get("name", "")).lower() in names for ref in refs)


def _channel_id(channel: Any) -> Any:
    return channel.get("uuid") if isinstance(channel, Mapping) else channel


def _score(trigger: Trigger, channel: Any, contact_groups: Sequence[Any]) -> int | None:
    """How specifically a trigger matches (channel 4, included group 2, exclusion 1), or
    None when its channel or groups rule the contact out."""
    score = 0
    if channel is not None and trigger.channel:
        if _channel_id(trigger.channel) != _channel_id(channel):
            return None
        score += 4
    if trigger.groups:
        if not _in_groups(trigger.groups, contact_groups):
            return None
        score += 2
    if trigger.exclude_groups:
        if _in_groups(trigger.exclude_groups, contact_groups):
            return None
        score += 1
    return score


def _best(candidates: list[Trigger], channel: Any, contact_groups: Sequence[Any]) -> Trigger | None:
    scored = [(s, t) for t in candidates
              if (s := _score(t, channel, contact_groups)) is not None]
    if not scored:
        return None
    best = max(s for s, _ in scored)
    return next(t for s, t in scored if s == best)  # the first of the most specific


def match_message_trigger(triggers: Iterable[Trigger], text: str, *,
                          contact_groups: Sequence[Any] = (),
                          channel: Any = None) -> tuple[Trigger, str] | None:
    """The trigger an incoming message fires and the keyword it matched ("" for catch-all).

    The keyword is the first word of the text, compared without regard to case; a keyword
    trigger with match type "O" needs the message to be that word only. Triggers limited to
    groups or a channel match only contacts in those groups / messages on that channel, and
    the most specific match wins. With no keyword match a catch-all trigger ("C") is used.
    """
    triggers = list(triggers)
    words = tokenize(text or "")
    keyword = words[0].casefold() if words else ""
    only = len(words) == 1
    matched: dict[int, str] = {}
    candidates = []
    for trigger in triggers:
        if trigger.type != "K" or not keyword:
            continue
        for word in trigger.keywords:
            if word.casefold() == keyword and (trigger.match_type != MATCH_ONLY_WORD or only):
                candidates.append(trigger)
                matched[id(trigger)] = word
                break
    best = _best(candidates, channel, contact_groups)
    if best is not None:
        return best, matched[id(best)]
    best = _best([t for t in triggers if t.type == "C"], channel, contact_groups)
    return (best, "") if best is not None else None


def message_trigger(triggers: Iterable[Trigger], event: Mapping[str, Any], *,
                    contact_groups: Sequence[Any] = (), channel: Any = None,
                    triggered_on: str | None = None) -> Json | None:
    """The goflow ``msg`` trigger that starts a session for an incoming message (a
    ``msg_received`` event), or None when no trigger matches: the flow of the matching
    keyword (or catch-all) trigger, the message as the session's input and, for a keyword,
    ``keyword_match`` (``@trigger.keyword``), as mailroom starts it."""
    msg = event.get("msg") if isinstance(event.get("msg"), Mapping) else {}
    if channel is None:
        channel = msg.get("channel")
    found = match_message_trigger(triggers, str(msg.get("text") or ""),
                                  contact_groups=contact_groups, channel=channel)
    if found is None:
        return None
    trigger, keyword = found
    data: Json = {"type": "msg", "flow": dict(trigger.flow), "event": dict(event),
                  "triggered_on": triggered_on or event.get("created_on")}
    if keyword:
        data["keyword_match"] = {
            "type": "only_word" if trigger.match_type == MATCH_ONLY_WORD else "first_word",
            "keyword": keyword}
    return data


def find_trigger_flow(export: Mapping[str, Any], text: str, **kwargs: Any) -> Json | None:
    """The flow (``{"uuid", "name"}``) an incoming message starts, or None."""
    found = match_message_trigger(read_triggers(export), text, **kwargs)
    return found[0].flow if found else None

