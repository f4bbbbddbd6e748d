"""Session assets read from a goflow assets JSON file (``{"flows": [...], "fields": [...]}``).

Assets are kept as the JSON objects they were read from (the engine's actions and context
builders read them), indexed for lookups by UUID, and by name or key where goflow looks them
up that way. Flows are read (and validated) only when first asked for, then cached.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .. import json_input
from ..core.graph import Flow
from ..errors import TurnflowError
from ..expressions.locations import LocationHierarchy
from ..generators import UUIDSource
from .reader import read_flow
from .validation import F, FlowReadError, is_uuid, validate_fields

# every asset type goflow's static source reads, with the property that identifies an item
ASSET_TYPES: dict[str, str | None] = {
    "campaigns": "uuid",
    "channels": "uuid",
    "classifiers": "uuid",
    "fields": "key",
    "flows": "uuid",
    "globals": "key",
    "groups": "uuid",
    "labels": "uuid",
    "llms": "uuid",
    "locations": None,
    "optins": "uuid",
    "resthooks": "slug",
    "templates": "uuid",
    "topics": "uuid",
    "users": None,  # users are referenced by uuid (newer) or email (older)
}

FIELD_TYPES = ("text", "number", "datetime", "state", "district", "ward")


class AssetsError(TurnflowError):
    """An assets file that can't be used: missing, not JSON, or with a malformed item."""

    def __init__(self, message: str, source: str, path: str = "") -> None:
        where = f"{source}: {path}" if path else source
        super().__init__(f"{where}: {message}")
        self.message = message
        self.source = source
        self.path = path


class AssetSet:
    """The assets of one type, in file order, with lookups."""

    def __init__(self, type_name: str, items: list[dict[str, Any]]) -> None:
        self.type = type_name
        self.items = items
        self._by_uuid = {}
        for item in items:
            uuid = _item_uuid(item)
            if uuid:
                self._by_uuid.setdefault(uuid, item)
        self._by_key: dict[str, dict[str, Any]] = {}
        self._by_name: dict[str, dict[str, Any]] = {}
        for item in items:
            for prop, index in (("key", self._by_key), ("slug", self._by_key)):
                if isinstance(item.get(prop), str):
                    index.setdefault(item[prop], item)
            if isinstance(item.get("name"), str):
                self._by_name.setdefault(item["name"].strip().lower(), item)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def get(self, uuid: str | None) -> dict[str, Any] | None:
        return self._by_uuid.get(uuid) if uuid else None

    def by_key(self, key: str | None) -> dict[str, Any] | None:
        """Fields and globals by key, resthooks by slug."""
        return self._by_key.get(key) if key else None

    def by_name(self, name: str | None) -> dict[str, Any] | None:
        """Case-insensitive lookup by name (as goflow finds groups and labels by name)."""
        return self._by_name.get(name.strip().lower()) if name else None


class Assets:
    """A bundle of goflow assets: flows, fields, groups, channels, ..."""

    def __init__(self, data: Mapping[str, Any], source: str = "<assets>") -> None:
        if not isinstance(data, Mapping):
            raise AssetsError("assets must be a JSON object", source)
        self.source = source
        self.data = data
        self._sets: dict[str, AssetSet] = {}
        for type_name, identity in ASSET_TYPES.items():
            raw = data.get(type_name)
            if raw is None:
                raw = []
            if not isinstance(raw, list):
                raise AssetsError("must be an array", source, type_name)
            for index, item in enumerate(raw):
                _check_item(type_name, identity, item, source, f"{type_name}[{index}]")
            self._sets[type_name] = AssetSet(type_name, raw)
        self._flows: dict[str, Flow | FlowReadError] = {}
        self._locations: Any = None
        # plain attributes too (``assets.channels``): the engine reads them all the time
        self.__dict__.update(self._sets)

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path) -> Assets:
        """Read an assets file; errors name the file (and the JSON path of a bad item)."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise AssetsError("no such file", str(path)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise AssetsError(f"can't read file: {exc}", str(path)) from None
        try:
            data = json_input.loads(text)
        except json_input.JSONInputError as exc:
            raise AssetsError(str(exc), str(path)) from None
        return cls(data, str(path))

    @classmethod
    def from_json(cls, data: Mapping[str, Any], source: str = "<assets>") -> Assets:
        return cls(data, source)

    # -- asset sets -------------------------------------------------------------------------

    def __getattr__(self, name: str) -> AssetSet:
        sets = self.__dict__.get("_sets")
        if sets is not None and name in sets:
            return sets[name]
        raise AttributeError(name)

    def field(self, key: str) -> dict[str, Any] | None:
        return self._sets["fields"].by_key(key)

    def group(self, uuid: str | None = None, name: str | None = None) -> dict[str, Any] | None:
        groups = self._sets["groups"]
        return groups.get(uuid) if uuid else groups.by_name(name)

    @property
    def location_hierarchy(self) -> Any:
        """The first location hierarchy (expressions' LocationHierarchy), or None."""
        if self._locations is None and self._sets["locations"].items:
            try:
                self._locations = LocationHierarchy.from_json(self._sets["locations"].items)
            except (ValueError, TypeError, KeyError) as exc:
                raise AssetsError(f"invalid location hierarchy: {exc}", self.source,
                                  "locations[0]") from None
        return self._locations

    # -- flows ------------------------------------------------------------------------------

    @classmethod
    def from_file(cls, path: str | Path) -> Assets:
        return cls.load(path)

    def channel(self, uuid: str | None) -> dict[str, Any] | None:
        return self._sets["channels"].get(uuid)

    def flow_refs(self) -> list[dict[str, str]]:
        """``{"uuid", "name"}`` of every flow in the bundle, in file order."""
        return [{"uuid": _item_uuid(f) or "", "name": _item_name(f)} for f in self._sets["flows"]]

    def flow_definition(self, uuid: str) -> dict[str, Any] | None:
        return self._sets["flows"].get(uuid)

    def flow(self, uuid: str, uuids: UUIDSource | None = None) -> Flow:
        """The flow with this UUID, read and validated once (a bad one fails every time).

        Reading migrates old definitions; ``uuids`` gives the UUIDs migrations create (an
        engine passes its own, so a legacy flow read in a session draws them from the same
        sequence, when goflow does).
        """
        cached = self._flows.get(uuid)
        if cached is None:
            definition = self.flow_definition(uuid)
            if definition is None:
                raise AssetsError(f"no flow with UUID {uuid}", self.source, "flows")
            index = self._sets["flows"].items.index(definition)
            try:
                cached = read_flow(definition, f"flows[{index}]", uuids=uuids)
            except FlowReadError as exc:
                cached = exc
            self._flows[uuid] = cached
        if isinstance(cached, FlowReadError):
            raise FlowReadError(cached.message, cached.path)
        return cached

    # -- dependency checks ------------------------------------------------------------------

    def missing_dependencies(self, flow: Flow) -> list[str]:
        """References in a flow to assets this bundle doesn't have, e.g. ``group[uuid=..]``."""
        missing: list[str] = []
        for kind, ref in _references(flow.definition):
            if not self._has(kind, ref):
                missing.append(_describe(kind, ref))
        return list(dict.fromkeys(missing))

    def check_flow(self, uuid: str, recursive: bool = True) -> list[str]:
        """Every problem with a flow and (recursively) the flows it starts: unreadable
        definitions and missing dependencies. An empty list means the flow can run."""
        problems: list[str] = []
        seen: set[str] = set()

        def visit(flow_uuid: str, prefix: str) -> None:
            if flow_uuid in seen:
                return
            seen.add(flow_uuid)
            try:
                flow = self.flow(flow_uuid)
            except (FlowReadError, AssetsError) as exc:
                problems.append(prefix + getattr(exc, "message", str(exc)))
                return
            problems.extend(prefix + f"missing dependency: {m}"
                            for m in self.missing_dependencies(flow))
            if not recursive:
                return
            for kind, ref in _references(flow.definition):
                if kind == "flow" and self.flow_definition(ref.get("uuid", "")) is not None:
                    child = f"flow[uuid={ref['uuid']}, name={ref.get('name', '')}]"
                    visit(ref["uuid"], f"{prefix}invalid child {child}: ")

        visit(uuid, "")
        return problems

    def _has(self, kind: str, ref: Mapping[str, Any]) -> bool:
        if kind == "field":
            return self.field(ref.get("key", "")) is not None
        if kind == "resthook":
            return self._sets["resthooks"].by_key(ref.get("slug")) is not None
        if kind == "user":
            users = self._sets["users"]
            return any(
                (ref.get("uuid") and u.get("uuid") == ref["uuid"])
                or (ref.get("email") and u.get("email") == ref["email"])
                for u in users
            )
        return self._sets[kind + "s"].get(ref.get("uuid")) is not None


def _item_uuid(item: Mapping[str, Any]) -> str | None:
    """An item's UUID; legacy flow definitions keep theirs in ``metadata``."""
    uuid = item.get("uuid")
    if uuid is None and isinstance(item.get("metadata"), dict):
        uuid = item["metadata"].get("uuid")
    return uuid if isinstance(uuid, str) else None


def _item_name(item: Mapping[str, Any]) -> str:
    """An item's name; legacy flow definitions may keep theirs in ``metadata``."""
    name = item.get("name")
    if not name and isinstance(item.get("metadata"), dict):
        name = item["metadata"].get("name")
    return name if isinstance(name, str) else ""


def _check_item(type_name: str, identity: str | None, item: Any, source: str, path: str) -> None:
    if not isinstance(item, dict):
        raise AssetsError("must be an object", source, path)
    if identity == "uuid":
        if type_name == "flows" and item.get("uuid") is None and is_uuid(_item_uuid(item)):
            return  # a legacy definition: migrated when read
        if not is_uuid(item.get("uuid")):
            problem = "is required" if item.get("uuid") is None else "must be a valid UUID"
            raise AssetsError(f"field 'uuid' {problem}", source, f"{path}.uuid")
    elif identity is not None and not isinstance(item.get(identity), str):
        raise AssetsError(f"field '{identity}' is required", source, f"{path}.{identity}")
    if type_name == "fields":
        if item.get("type") not in FIELD_TYPES:
            raise AssetsError("field 'type' is not a valid field type", source, f"{path}.type")
    if type_name in _NAMED and not isinstance(item.get("name"), str):
        raise AssetsError("field 'name' is required", source, f"{path}.name")
    specs = _ASSET_FIELDS.get(type_name)
    if specs is not None:
        try:
            validate_fields(specs, item, path)
        except FlowReadError as exc:
            raise AssetsError(exc.message, source, exc.path) from None


# the types of the properties the engine reads from each kind of asset (null is fine: it
# reads as missing); a name is required where events and contexts show it
_NAMED = ("channels", "classifiers", "fields", "globals", "groups", "labels", "llms", "optins",
          "templates", "topics")  # fmt: skip
_STRINGS = F("", "str")
_ASSET_FIELDS: dict[str, tuple[F, ...]] = {
    "channels": (F("address"), F("schemes", "list", item=_STRINGS),
                 F("roles", "list", item=_STRINGS), F("country"),
                 F("match_prefixes", "list", item=_STRINGS), F("allow_international", "bool"),
                 F("parent", "obj", fields=(F("uuid"), F("name")))),
    "classifiers": (F("type"), F("intents", "list", item=_STRINGS)),
    "globals": (F("value"),),
    "groups": (F("query"),),
    "llms": (F("type"),),
    "resthooks": (F("subscribers", "list", item=_STRINGS),),
    "templates": (F("translations", "list", fields=()),),
    "users": (F("email"), F("name"), F("first_name"), F("last_name")),
}  # fmt: skip


# action property -> asset kind of the reference(s) it holds
_REF_PROPS = {
    "groups": "group",
    "labels": "label",
    "flow": "flow",
    "channel": "channel",
    "field": "field",
    "template": "template",
    "topic": "topic",
    "classifier": "classifier",
    "llm": "llm",
    "optin": "optin",
    "assignee": "user",
}


def _references(definition: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind, reference) for every fixed asset reference in a flow definition."""
    for node in definition.get("nodes") or []:
        for action in (node or {}).get("actions") or []:
            for prop, kind in _REF_PROPS.items():
                value = action.get(prop)
                for ref in value if isinstance(value, list) else [value]:
                    if isinstance(ref, dict) and (ref.get("uuid") or ref.get("key")):
                        yield kind, ref
            templating = action.get("templating")
            if isinstance(templating, dict) and isinstance(templating.get("template"), dict):
                yield "template", templating["template"]
            if action.get("type") == "call_resthook" and action.get("resthook"):
                yield "resthook", {"slug": action["resthook"]}
        router = (node or {}).get("router") or {}
        for case in router.get("cases") or []:
            arguments = (case or {}).get("arguments") or []
            if case.get("type") == "has_group" and arguments and is_uuid(arguments[0]):
                name = arguments[1] if len(arguments) > 1 else ""
                yield "group", {"uuid": arguments[0], "name": name}


def _describe(kind: str, ref: Mapping[str, Any]) -> str:
    if kind == "field":
        return f"field[key={ref.get('key')}, name={ref.get('name', '')}]"
    if kind == "resthook":
        return f"resthook[slug={ref.get('slug')}]"
    return f"{kind}[uuid={ref.get('uuid')}, name={ref.get('name', '')}]"
