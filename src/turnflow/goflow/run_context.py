"""The template context of a goflow run: ``@contact``, ``@results``, ``@input``, ``@child``...

Everything is built lazily, so a template only pays for the parts it reads.
"""

from __future__ import annotations

from typing import Any

from ..core.runtime import Runtime
from ..core.session import Run, Session
from ..expressions import Lazy, XObject, from_python
from ..expressions.values import XValue
from .context import contact_context, parse_iso_datetime, urns_context
from .services import webhook_context


def build_context(engine: Any, rt: Runtime) -> XObject:
    """The root of ``@...`` for the run being advanced; everything is built lazily."""
    session = rt.session
    run = rt.run
    contact = session.contact
    fields = list(getattr(engine.assets, "fields", []) or [])
    redact = rt.env.redaction_policy == "urns"

    def contact_obj() -> XValue:
        if hasattr(contact, "context"):
            return contact.context(rt.env, fields, redact)
        return contact_context(contact, fields, redact) if contact else None

    def fields_obj() -> XValue:
        obj = contact_obj()
        return obj.get("fields") if isinstance(obj, XObject) else None

    def urns_obj() -> XValue:
        obj = contact_obj()
        if isinstance(obj, XObject) and obj.has("urns"):
            return urns_context([str(u) for u in obj.get("urns") or []], False)
        return urns_context([], redact)

    props: dict[str, Any] = {
        "contact": Lazy(contact_obj),
        "fields": Lazy(fields_obj),
        "urns": Lazy(urns_obj),
        "results": Lazy(lambda: results_context(run) if run else XObject()),
        "locals": Lazy(lambda: from_python(run.locals) if run else XObject()),
        "run": Lazy(lambda: run_context(run, contact_obj) if run else None),
        "child": Lazy(lambda: _child_context(rt, session, run, contact_obj)),
        "parent": Lazy(lambda: _parent_context(rt, run, contact_obj)),
        "input": Lazy(lambda: input_context(session.input)),
        "trigger": Lazy(lambda: trigger_context(session.trigger)),
        "resume": None,
        "webhook": Lazy(lambda: webhook_context(run.webhook) if run and run.webhook is not None else None),
        "node": Lazy(lambda: _node_context(run)),
        "globals": Lazy(lambda: _globals_context(engine.assets)),
        "ticket": None,
        "legacy_extra": Lazy(lambda: _deprecated(rt, "@legacy_extra is deprecated", _legacy_extra(run))),
    }
    return XObject(props)



def result_context(result: dict[str, Any]) -> XObject:
    value = result.get("value")
    props = {
        "name": result.get("name"),
        "value": value,
        "category": result.get("category"),
        "category_localized": result.get("category_localized") or result.get("category"),
        "input": result.get("input"),
        "extra": from_python(result.get("extra")),
        "node_uuid": result.get("node_uuid"),
        "created_on": Lazy(lambda: parse_iso_datetime(result["created_on"])) if result.get("created_on") else None,
        "values": [value],
        "categories": [result.get("category")],
        "categories_localized": [result.get("category_localized") or result.get("category")],
    }
    return XObject(props, default=value)


def results_context(run: Run) -> XObject:
    return XObject({key: Lazy(lambda r=result: result_context(r)) for key, result in run.results.items()})


def run_context(run: Run, contact_obj: Any) -> XObject:
    return XObject(
        {
            "uuid": run.uuid,
            "contact": Lazy(contact_obj),
            "flow": XObject({"uuid": run.flow.uuid, "name": run.flow.name, "revision": str(run.flow.revision)}, default=run.flow.name),
            "status": run.status,
            "results": Lazy(lambda: results_context(run)),
            "created_on": Lazy(lambda: run.created_on.to_datetime()),
            "exited_on": Lazy(lambda: run.exited_on.to_datetime() if run.exited_on else None),
        }
    )


def _parent_context(rt: Runtime, run: Run | None, contact_obj: Any) -> XValue:
    if run is None:
        return None
    if run.parent is not None:
        return run_context(run.parent, contact_obj)
    summary = getattr(run, "parent_summary", None)
    return summary_context(rt, summary) if summary else None


def summary_context(rt: Runtime, summary: dict[str, Any]) -> XObject:
    """@parent of a session started by another session's flow (the trigger's run summary)."""
    contact = summary.get("contact") or {}
    fields = list(getattr(rt.assets, "fields", []) or [])
    contact_obj = contact_context(contact, fields, rt.env.redaction_policy == "urns") if contact else None
    results = XObject({key: result_context(value) for key, value in (summary.get("results") or {}).items()})
    flow = summary.get("flow") or {}
    return XObject(
        {
            "uuid": summary.get("uuid"),
            "contact": contact_obj,
            "flow": XObject({"uuid": flow.get("uuid"), "name": flow.get("name")}, default=flow.get("name")),
            "status": summary.get("status"),
            "results": results,
            "fields": contact_obj.get("fields") if contact_obj else None,
            "urns": urns_context(contact.get("urns") or []),
        }
    )


def _deprecated(rt: Runtime, text: str, value: XValue) -> XValue:
    rt.deprecated(text)
    return value


def _child_context(rt: Runtime, session: Session, run: Run | None, contact_obj: Any) -> XValue:
    if run is None:
        return None
    children = [r for r in session.runs if r.parent is run]
    if not children:
        return None
    child = children[-1]
    obj = run_context(child, contact_obj)
    obj.set("run", Lazy(lambda: _deprecated(rt, "@child.run.status is deprecated, use @child.status instead", run_context(child, contact_obj))))
    obj.set("fields", Lazy(lambda: contact_obj().get("fields") if contact_obj() else None))
    return obj


def input_context(data: dict[str, Any] | None) -> XValue:
    if not data:
        return None
    attachments = list(data.get("attachments") or [])
    text = data.get("text") or ""
    default = "\n".join([text] + [a.split(":", 1)[1] if ":" in a else a for a in attachments])
    channel = data.get("channel")
    return XObject(
        {
            "uuid": data.get("uuid"),
            "type": data.get("type"),
            "channel": XObject(channel, default=channel.get("name")) if channel else None,
            "urn": data.get("urn"),
            "text": text,
            "attachments": attachments,
            "external_id": data.get("external_id"),
            "created_on": Lazy(lambda: parse_iso_datetime(data["created_on"])) if data.get("created_on") else None,
        },
        default=default,
    )


def trigger_context(trigger: dict[str, Any]) -> XObject:
    return XObject(
        {
            "type": trigger.get("type"),
            "params": from_python(trigger.get("params") or {}),
            "keyword": (trigger.get("keyword_match") or {}).get("keyword"),
            "user": None,
            "origin": None,
            "ticket": None,
            "campaign": None,
        }
    )


def _node_context(run: Run | None) -> XValue:
    if run is None or not run.path:
        return None
    node_uuid = run.path[-1].node_uuid
    visits = sum(1 for step in run.path if step.node_uuid == node_uuid)
    return XObject({"uuid": node_uuid, "visit_count": from_python(visits)})


def _globals_context(assets: Any) -> XObject:
    values = {g["key"]: g.get("value") for g in getattr(assets, "globals", []) or []}
    return XObject(values)


def _legacy_extra(run: Run | None) -> XValue:
    return XObject() if run is None else from_python(run.webhook.get("json") if isinstance(run.webhook, dict) else {})
