"""Tolerant accessors over a flow definition held as plain JSON data.

Migrations run before a definition is validated, so every accessor skips what isn't the
expected shape instead of failing (a node that isn't an object has no actions, and so on).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Json = dict[str, Any]


def nodes(flow: Json) -> Iterator[Json]:
    items = flow.get("nodes")
    if isinstance(items, list):
        yield from (node for node in items if isinstance(node, dict))


def actions(node: Json) -> list[Json]:
    items = node.get("actions")
    if not isinstance(items, list):
        return []
    return [action for action in items if isinstance(action, dict)]


def all_actions(flow: Json) -> Iterator[Json]:
    for node in nodes(flow):
        yield from actions(node)


def router(node: Json) -> Json | None:
    value = node.get("router")
    return value if isinstance(value, dict) else None


def kind(obj: Json) -> str:
    """The ``type`` of an action or router ("" if missing or not text)."""
    value = obj.get("type")
    return value if isinstance(value, str) else ""


def object_uuid(obj: Any) -> str:
    """The ``uuid`` of an object ("" if it isn't an object or has no text uuid)."""
    if isinstance(obj, dict):
        value = obj.get("uuid")
        if isinstance(value, str):
            return value
    return ""


def text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def single_action_switch(node: Json, action_types: tuple[str, ...]) -> tuple[Json, Json] | None:
    """``(action, router)`` for a node with exactly one action of the given types and a switch."""
    node_actions = actions(node)
    node_router = router(node)
    if len(node_actions) != 1 or kind(node_actions[0]) not in action_types:
        return None
    if node_router is None or kind(node_router) != "switch":
        return None
    return node_actions[0], node_router


# -- localization ----------------------------------------------------------------------------


def localization(flow: Json) -> Json | None:
    value = flow.get("localization")
    return value if isinstance(value, dict) else None


def languages(flow: Json) -> list[str]:
    loc = localization(flow)
    return list(loc) if loc is not None else []


def language_translation(flow: Json, language: str) -> Json | None:
    loc = localization(flow)
    value = loc.get(language) if loc is not None else None
    return value if isinstance(value, dict) else None


def get_translation(lang: Json | None, item_uuid: str, prop: str) -> list[str] | None:
    """The translated texts of an item's property (non-text entries read as "")."""
    if lang is None:
        return None
    item = lang.get(item_uuid)
    if not isinstance(item, dict) or not isinstance(item.get(prop), list):
        return None
    return [value if isinstance(value, str) else "" for value in item[prop]]


def set_translation(lang: Json, item_uuid: str, prop: str, texts: list[str]) -> None:
    item = lang.get(item_uuid)
    if not isinstance(item, dict):
        item = lang[item_uuid] = {}
    item[prop] = list(texts)


def delete_translation(lang: Json | None, item_uuid: str, prop: str) -> None:
    """Drop an item's property, and the item too once it has nothing left."""
    if lang is None:
        return
    item = lang.get(item_uuid)
    if isinstance(item, dict):
        item.pop(prop, None)
        if not item:
            del lang[item_uuid]
