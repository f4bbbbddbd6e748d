"""The standard goflow test session that expression examples are evaluated in.

goflow builds it by running the flow in ``_extracted/test_session/sessionAssets.json`` for
the contact in ``sessionContact.json`` and resuming it with ``sessionResume.json``. Until the
engine runs flows, this builds the same context from those files directly: the contact with
the ``age`` field the "Collect Age" sub-flow sets, and the results the "Registration" flow's
``set_run_result`` actions and webhook call leave behind.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..expressions.environment import Environment
from ..expressions.locations import LocationHierarchy
from ..expressions.values import XObject, XValue, from_python
from ..generators import FixedClock, SeededRandom
from ..goflow.context import contact_context, fields_context, parse_iso_datetime, urns_context

# the fixed "now" and environment of goflow's documentation examples
DOCS_NOW = "2018-04-11T13:24:30.123456-05:00"


def _snake(name: str) -> str:
    out = []
    for ch in name.lower():
        out.append(ch if ch.isalnum() else "_")
    return "".join(out).strip("_")


def result_context(result: dict[str, Any]) -> XObject:
    """A run result as templates see it: renders as its value."""
    value = result.get("value")
    props: dict[str, XValue] = {
        "name": result.get("name"),
        "value": value,
        "category": result.get("category"),
        "category_localized": result.get("category_localized", result.get("category")),
        "input": result.get("input"),
        "extra": from_python(result.get("extra")),
        "node_uuid": result.get("node_uuid"),
        "created_on": parse_iso_datetime(result["created_on"]) if result.get("created_on") else None,
        "values": [value],
        "categories": [result.get("category")],
    }
    return XObject(props, default=value)


def _registration_results(flow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for node in flow["nodes"]:
        for action in node.get("actions", []):
            if action["type"] == "set_run_result":
                results[_snake(action["name"])] = {
                    "name": action["name"],
                    "value": action["value"],
                    "category": action.get("category", ""),
                    "node_uuid": node["uuid"],
                }
            elif action["type"] == "call_webhook" and action.get("result_name"):
                name = action["result_name"]
                results[_snake(name)] = {
                    "name": name,
                    "value": "200",
                    "category": "Success",
                    "input": f"{action['method']} {action['url']}",
                    "node_uuid": node["uuid"],
                }
    return results


def docs_environment(assets: dict[str, Any]) -> Environment:
    now = dt.datetime.fromisoformat(DOCS_NOW)
    return Environment(
        date_format="DD-MM-YYYY",
        time_format="tt:mm",
        timezone=ZoneInfo("America/Guayaquil"),
        default_country="US",
        allowed_languages=("eng", "spa"),
        now=FixedClock(now).now,
        random=SeededRandom(123456),
        locations=LocationHierarchy.coerce(assets.get("locations")),
        # the documentation examples run with this "categorize" prompt
        llm_prompts={
            "categorize": "Categorize the following text into one of the following: {{ .arg1 }}"
        },
    )


def standard_session(goflow_dir: Path) -> tuple[XObject, Environment]:
    """The context and environment of goflow's standard test session."""
    base = goflow_dir / "_extracted" / "test_session"
    assets = json.loads((base / "sessionAssets.json").read_text())
    contact = json.loads((base / "sessionContact.json").read_text())
    trigger = json.loads((base / "sessionTrigger.json").read_text())

    # what the Collect Age sub-flow does to the contact
    contact.setdefault("fields", {})["age"] = {"text": "23", "number": 23}
    field_assets = assets["fields"]
    registration = next(f for f in assets["flows"] if f["name"] == "Registration")
    results = XObject({k: result_context(v) for k, v in _registration_results(registration).items()})

    contact_obj = contact_context(contact, field_assets)
    run = XObject(
        {
            "uuid": None,
            "contact": contact_obj,
            "flow": XObject({"uuid": registration["uuid"], "name": registration["name"]}),
            "status": "completed",
            "results": results,
        }
    )
    root = XObject(
        {
            "contact": contact_obj,
            "fields": fields_context(field_assets, contact["fields"]),
            "urns": urns_context(contact.get("urns", [])),
            "results": results,
            "run": run,
            "trigger": XObject({"type": trigger["type"], "params": from_python(trigger.get("params"))}),
            "globals": XObject(),
            "locals": XObject(),
        }
    )
    return root, docs_environment(assets)
