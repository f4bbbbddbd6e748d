"""Run results: what routers and ``set_run_result`` save on a run, and the
``run_result_changed`` events that record it.

>>> snakify("Favorite Color")
'favorite_color'
"""

from __future__ import annotations

import functools
import json
from typing import Any

import regex

from ..core.graph import Category, Node
from ..core.runtime import Runtime
from ..core.session import Run
from ..expressions.values import to_json
from ..expressions.words import go_trim_space
from ..generators import utc_text
from .localization import localized_list

# goflow's: runs of anything but letters, ASCII digits and _ become one _ (marks and other
# scripts' digits included; nothing is stripped from the ends: "Age?" -> "age_")
_NOT_SNAKE = regex.compile(r"[^\p{L}0-9_]+")


@functools.lru_cache(maxsize=1024)
def snakify(name: str) -> str:
    """Result names become keys: "Favorite Color" -> "favorite_color"."""
    return _NOT_SNAKE.sub("_", go_trim_space(name)).lower()


def input_text(data: dict[str, Any] | None) -> str | None:
    """The session input as a result records it: its text, then its attachments' URLs."""
    if not data:
        return None
    if not data.get("attachments"):  # the usual input: text alone
        return data.get("text") or ""
    parts = [data.get("text") or ""]
    parts += [a.split(":", 1)[1] if ":" in a else a for a in data.get("attachments", [])]
    return "\n".join(p for p in parts if p) if any(parts) else ""


def save_router_result(
    rt: Runtime, run: Run, node: Node, router: Any, category: Category | None,
    value: str | None, extra: Any, operand: str | None, key: str | None = None,
) -> None:  # fmt: skip
    """A router picked ``category``: save its result (if the router names one), as goflow
    builds it: the value, category (and its translation), the input or operand, extra."""
    name = router.result_name
    if not name or category is None:
        return
    if key is None:
        key = snakify(name)
    if value is None:
        value = ""
    category_name = category.name
    # made as goflow stores it (no null fields, no empty input), so it is stored as it is
    result: dict[str, Any] = {"name": name, "value": value}
    if category_name is not None:
        result["category"] = category_name
    if node.uuid is not None:
        result["node_uuid"] = node.uuid
    # (stamped here, in its place: nothing after this reads the clock before the event)
    result["created_on"] = utc_text(rt.now_ns())
    if run.flow.localization:  # the category's name in the contact's language, if translated
        localized = localized_list(rt, run, category.uuid, "name", [category_name])
        if localized and localized[0] != category_name and localized[0] is not None:
            result["category_localized"] = localized[0]
    data = rt.session.input
    if router.wait is not None and data is not None:
        # (the usual input, text alone, read here without input_text's call)
        text = input_text(data) if data.get("attachments") else data.get("text")
        if text:
            result["input"] = text
    elif operand:  # e.g. a dial wait's router: the dial status it tested
        result["input"] = operand
    extra_value = None
    if extra is not None:
        extra_json = to_json(rt.env, extra)
        if isinstance(extra_json, str):
            extra_value = json.loads(extra_json)
            if extra_value is not None:
                result["extra"] = extra_value
    # (the event's fields as they are known here, rather than read back from the result)
    _store_result(rt, run, key, result, name, value, category_name or "", extra_value)


def save_result(
    rt: Runtime, run: Run, key: str, result: dict[str, Any], stored_form: bool = False
) -> None:
    """Store a result on the run and emit run_result_changed (shared with set_run_result).

    ``stored_form``: the result has no null fields and no empty input already (and is the
    caller's to give away), so it is stored as it is rather than copied without them."""
    result["created_on"] = utc_text(rt.now_ns())
    if stored_form:
        stored = result
    else:  # stored as goflow writes it: no null fields and no empty input
        stored = {
            k: v for k, v in result.items() if v is not None and not (k == "input" and v == "")
        }
    _store_result(
        rt, run, key, stored, result["name"], result.get("value", ""),
        result.get("category") or "", result.get("extra"),
    )  # fmt: skip


def _store_result(
    rt: Runtime, run: Run, key: str, stored: dict[str, Any], name: Any, value: Any,
    category: str, extra: Any,
) -> None:  # fmt: skip
    """Store ``stored`` (stamped already) as the run's result ``key`` and emit the
    run_result_changed event with the given fields."""
    previous = run.results.get(key)
    run.modified_on = rt.now()  # goflow stamps the run as modified when a result is saved
    run.results[key] = stored
    # goflow's event always has the category (even empty) and never the localized one
    event = rt.stamp_event("run_result_changed")
    event["name"] = name
    event["value"] = value
    event["category"] = category
    if extra is not None:
        event["extra"] = extra
    if previous is not None:  # what it changed from: its value and category, if they're set
        change: dict[str, Any] = {}
        previous_value = previous.get("value")
        if previous_value is not None:
            change["value"] = previous_value
        previous_category = previous.get("category")
        if previous_category:
            change["category"] = previous_category
        event["previous"] = change
