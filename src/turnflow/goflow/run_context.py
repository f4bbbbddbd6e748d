"""The template context of a goflow run: ``@contact``, ``@results``, ``@input``, ``@child``...

Everything is built lazily, so a template only pays for the parts it reads. The shapes,
defaults and deprecation warnings are goflow's (checked against goflow's
``flows/engine/testdata/templates.json``, see ``turnflow.conformance.goflow_templates``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ..core.runtime import Runtime
from ..core.session import Run, Session
from ..expressions import Lazy, XObject, from_python
from ..expressions.values import MISSING, XValue
from ..expressions.values import deprecated as deprecated_value
from .actions.contact import contact_assets_of
from .contact import Contact
from .context import (
    channel_context,
    contact_context,
    deprecate,
    parse_iso_datetime,
    ticket_context,
    urn_context_text,
    urns_context,
)
from .legacy_extra import legacy_extra
from .resumes import ResumeError, read_resume
from .services import webhook_context

ContactObj = Callable[[], XValue]


def session_runtime(engine: Any, session: Session, run: Run | None = None) -> Runtime:
    """A runtime for evaluating templates in a session outside a sprint (e.g. against a
    finished session), positioned on ``run`` (default: the session's top or last run)."""
    return engine.core.runtime(session, run)


def deprecated(rt: Runtime, text: str) -> None:
    """A template used a deprecated context property: warn (each time it is read, as
    goflow does)."""
    rt.warning(text, code="context:deprecated")


def _asset_list(assets: Any, name: str) -> list[dict[str, Any]]:
    """The assets of a kind as a list (an asset set's own list, not a copy: only read)."""
    found = getattr(assets, name, None)
    items = getattr(found, "items", None)  # (an AssetSet's list)
    if type(items) is list:
        return items
    return list(found or [])


def _redact(rt: Runtime) -> bool:
    return rt.env.redaction_policy == "urns"


def warn_once(rt: Runtime) -> Callable[[str], None]:
    """A deprecation reporter for one context (one template evaluation): each deprecated
    property warns once however often the template uses it, as in goflow."""
    seen: set[str] = set()

    def warn(text: str) -> None:
        if text not in seen:
            seen.add(text)
            deprecated(rt, text)

    return warn


def contact_object(rt: Runtime, contact: Any, warn: Callable[[str], None] | None = None) -> XValue:
    """``@contact`` for a contact object (goflow.contact.Contact) or contact JSON."""
    if contact is None:
        return None
    if hasattr(contact, "context"):
        env, redact = rt.env, _redact(rt)

        def build() -> XObject:
            fields = _asset_list(rt.assets, "fields")
            channels, users = _asset_list(rt.assets, "channels"), _asset_list(rt.assets, "users")
            return contact.context(env, fields, redact, channels, users=users)

        # built once per contact state (templates read @contact all the time); the key holds
        # what else it depends on
        key = (rt.assets, env, redact, getattr(env, "obfuscation_key", None))
        obj = contact.cached_context(key, build) if hasattr(contact, "cached_context") else build()
        return obj.with_deprecation_hook(warn or functools.partial(deprecated, rt))
    return contact_context(contact, _asset_list(rt.assets, "fields"), _redact(rt))


def _contact_urns(contact: Any) -> list[str]:
    if contact is None:
        return []
    if hasattr(contact, "encoded_urns"):
        return contact.encoded_urns()
    return list(contact.get("urns") or []) if isinstance(contact, dict) else []


def build_context(family: Any, rt: Runtime) -> XObject:
    """The root of ``@...`` for the run being advanced; everything is built lazily."""
    state = rt.state
    root = state.root
    session = rt.session
    if (
        root is None or root.run is not rt.run or root.session is not session
        or root.contact is not session.contact
    ):  # fmt: skip
        root = family.roots.take(family, rt) if family.roots is not None else Root(family, rt)
        state.root = root
    return root.build()


class RootCache:
    """A cache, kept by the family for speed: the root context the last sprint built, which
    the next sprint of the same session, run and contact takes over with what it remembers
    (``GoflowEngine(cache_contexts=False)`` makes every sprint build its own; the tests check
    that both give the same events).

    A root is never taken over by another session: what a caller kept of it must not start
    reading someone else's conversation."""

    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last: Root | None = None

    def take(self, family: Any, rt: Runtime) -> Root:
        last = self.last
        session = rt.session
        if (
            last is not None and last.run is rt.run and last.session is session
            and last.contact is session.contact
        ):  # fmt: skip
            last.rt = rt
            return last
        root = self.last = Root(family, rt)
        return root

    def forget(self, root: Root) -> None:
        """``root``'s session is over: let it go."""
        if self.last is root:
            self.last = None


class Root:
    """What the root context's properties are computed from (see :class:`RootContext`).

    A root is built for every template evaluation; what a root remembers (the contact object,
    the warnings given) starts afresh each time, while what it built from objects that haven't
    changed since (the contact's cached @contact, the input, a result) is taken as it is.
    A root is never reused for another session: what a caller kept of it must not start
    reading someone else's conversation.
    """

    __slots__ = (
        "family", "rt", "session", "run", "contact", "seen", "_contact_obj",
        "_contact_memo", "_input_memo", "_result_memo", "_results_memo",
    )  # fmt: skip

    def __init__(self, family: Any, rt: Runtime) -> None:
        self.family = family
        self.rt = rt
        self.session = rt.session
        self.run = rt.run
        self.contact = rt.session.contact
        self.seen: set[str] | None = None
        self._contact_obj: XValue = _NOT_BUILT
        # what earlier roots built and a new root can take as it is while what it was built
        # from is the same object (the contact's cached @contact, the input, a result)
        self._contact_memo: tuple[Any, ...] | None = None
        self._input_memo: tuple[Any, Any, XValue] | None = None
        self._result_memo: dict[str, tuple[dict[str, Any], XObject]] = {}
        # @results as last built, with the run's (key, result) pairs it was built from
        self._results_memo: tuple[tuple[tuple[str, dict[str, Any]], ...], XObject] | None = None

    def release(self) -> None:
        """Its session is over: drop the session and all that was built from it."""
        self.rt = None  # type: ignore[assignment]
        self.family = self.session = self.run = self.contact = None
        self.seen = None
        self._contact_obj = _NOT_BUILT
        self._contact_memo = None
        self._input_memo = None
        self._result_memo = {}
        self._results_memo = None

    def build(self) -> XObject:
        self.seen = None
        self._contact_obj = _NOT_BUILT
        return RootContext.of(self)

    def warn(self, text: str) -> None:
        """Each deprecated property warns once per evaluation however often it is used."""
        seen = self.seen
        if seen is None:
            seen = self.seen = set()
        if text not in seen:
            seen.add(text)
            deprecated(self.rt, text)

    def contact_obj(self) -> XValue:
        if self._contact_obj is _NOT_BUILT:
            rt, contact = self.rt, self.contact
            env = rt.env
            redact = _redact(rt)
            obfuscation = getattr(env, "obfuscation_key", None)
            cached = getattr(contact, "_context", None)
            memo = self._contact_memo
            if (
                memo is not None and cached is not None and memo[0] is cached
                and memo[1] is rt.assets and memo[2] is env and memo[3] == redact
                and memo[4] is obfuscation
            ):  # fmt: skip
                self._contact_obj = memo[5]  # the same @contact, with this root's hook
            else:
                obj = contact_object(rt, contact, self.warn)
                cached = getattr(contact, "_context", None)
                self._contact_memo = (
                    (cached, rt.assets, env, redact, obfuscation, obj)
                    if cached is not None else None
                )
                self._contact_obj = obj
        return self._contact_obj

    def fields(self) -> XValue:
        obj = self.contact_obj()
        return obj.get("fields") if isinstance(obj, XObject) else None

    def urns(self) -> XValue:
        return urns_context(_contact_urns(self.contact), _redact(self.rt))

    def results(self) -> XValue:
        run = self.run
        if not run:
            return XObject(default="")
        # while no result was saved since, @results is the object the last evaluation built
        # (with the results it has read already computed)
        pairs = tuple(run.results.items())
        built = self._results_memo
        if built is not None and built[0] == pairs:
            return built[1]
        memo = self._result_memo
        values: dict[str, XValue] = {}
        for key, result in run.results.items():
            known = memo.get(key)
            if known is not None and known[0] is result:
                values[key] = known[1]
            else:
                values[key] = Lazy(functools.partial(self._result, key, result))
        results = run.results
        obj = XObject(values, default=Lazy(lambda: _results_text(results)))
        self._results_memo = (pairs, obj)
        return obj

    def _result(self, key: str, result: dict[str, Any]) -> XObject:
        obj = result_context(result)
        self._result_memo[key] = (result, obj)
        return obj

    def locals(self) -> XValue:
        return from_python(self.run.locals) if self.run else XObject()

    def run_obj(self) -> XValue:
        return run_context(self.run, self.contact_obj) if self.run else None

    def child(self) -> XValue:
        return _child_context(self.rt, self.warn, self.session, self.run, self.contact_obj)

    def parent(self) -> XValue:
        return _parent_context(self.rt, self.warn, self.run, self.contact_obj)

    def input(self) -> XValue:
        data, assets = self.session.input, self.rt.assets
        memo = self._input_memo
        if memo is not None and memo[0] is data and memo[1] is assets:
            return memo[2]
        obj = input_context(data, assets)
        self._input_memo = (data, assets, obj)
        return obj

    def trigger(self) -> XValue:
        return trigger_context(self.session.trigger)

    def resume(self) -> XValue:
        return resume_context(self.rt)

    def webhook(self) -> XValue:
        run = self.run
        return webhook_context(run.webhook) if run and run.webhook is not None else None

    def node(self) -> XValue:
        return _node_context(self.run)

    def globals(self) -> XValue:
        return _globals_context(self.family.assets)

    def ticket(self) -> XValue:
        return _ticket(self.rt, self.contact)

    def legacy_extra(self) -> XValue:
        return legacy_extra(self.run, self.session.trigger)


class RootProperty:
    """A top-level property of the root context: the :class:`Root` method computing it, and
    its deprecation message if it is deprecated."""

    __slots__ = ("compute", "deprecated")

    def __init__(self, compute: Callable[[Root], XValue], deprecated: str | None = None) -> None:
        self.compute = compute
        self.deprecated = deprecated


# the root context's properties, shared by every root context (one Lazy per property and root
# was most of the cost of a root: sessions read back build one each sprint)
ROOT_PROPERTIES: dict[str, RootProperty] = {
    "contact": RootProperty(Root.contact_obj),
    "fields": RootProperty(Root.fields),
    "urns": RootProperty(Root.urns),
    "results": RootProperty(Root.results),
    "locals": RootProperty(Root.locals),
    "run": RootProperty(Root.run_obj),
    "child": RootProperty(Root.child),
    "parent": RootProperty(Root.parent),
    "input": RootProperty(Root.input),
    "trigger": RootProperty(Root.trigger),
    "resume": RootProperty(Root.resume),
    "webhook": RootProperty(Root.webhook),
    "node": RootProperty(Root.node),  # uuid, visit_count, categories
    "globals": RootProperty(Root.globals),
    "ticket": RootProperty(Root.ticket),
    "legacy_extra": RootProperty(Root.legacy_extra, "@legacy_extra is deprecated"),
}


class RootContext(XObject):
    """The root of ``@...`` for one template evaluation: each property (see ROOT_PROPERTIES)
    is computed from its :class:`Root` the first time it is read, then read as any other."""

    __slots__ = ("root",)

    @classmethod
    def of(cls, root: Root) -> RootContext:
        context = cls.of_lowercase(ROOT_PROPERTIES.copy(), on_deprecated=root.warn)
        context.root = root
        return context

    def lookup(self, key: str) -> XValue:
        values = self._values
        value = values.get(key, MISSING)
        if type(value) is RootProperty:  # (as _compute does it, without its call)
            prop = value
            value = prop.compute(self.root)
            if prop.deprecated is not None:
                value = deprecated_value(value, prop.deprecated)
            values[key] = value
        if type(value) is Lazy:  # (deprecated: reported as XObject reports it)
            return XObject.lookup(self, key)
        return value

    def get(self, name: str, missing: XValue = None) -> XValue:
        key = name.lower()
        prop = self._values.get(key)
        if type(prop) is RootProperty:
            self._compute(key, prop)
        return XObject.get(self, name, missing)

    def _compute(self, key: str, prop: RootProperty) -> XValue:
        """The property computed, kept as its value (a deprecated one keeps its message:
        each path that reads it reports it)."""
        value = prop.compute(self.root)
        if prop.deprecated is not None:
            value = deprecated_value(value, prop.deprecated)
        self._values[key] = value
        return value


_NOT_BUILT: Any = object()


def resume_context(rt: Runtime) -> XValue:
    """``@resume``: only during the sprint a resume started (the resume, a :class:`Resume`
    or its JSON, is in that sprint's state)."""
    resume = rt.state.resume
    if resume is None:
        return None
    if isinstance(resume, dict):
        try:
            resume = read_resume(resume)
        except ResumeError:
            return None
    return resume.context()


# -- results ----------------------------------------------------------------------------------


def result_context(result: dict[str, Any]) -> XObject:
    """One run result: renders as its value."""
    get = result.get  # (a result is read each sprint it changed in: its lookups are the work)
    value = get("value")
    category = get("category") or ""
    extra = get("extra")
    created_on = get("created_on")
    props = {
        "name": get("name"),
        "value": value,
        "category": category,
        "category_localized": get("category_localized") or category,
        "input": get("input") or "",
        "extra": from_python(extra) if extra is not None else None,
        "node_uuid": get("node_uuid"),
        "created_on": Lazy(lambda: parse_iso_datetime(created_on)) if created_on else None,
    }
    return XObject.of_lowercase(props, default=value)


def results_context(results: Run | dict[str, Any]) -> XObject:
    """``@results``: each result by key; as text, a sorted "Name: value" line per result."""
    items = results.results if isinstance(results, Run) else results
    return XObject(
        {key: Lazy(lambda r=result: result_context(r)) for key, result in items.items()},
        default=Lazy(lambda: _results_text(items)),
    )


def _results_text(items: dict[str, Any]) -> str:
    return "\n".join(sorted(
        f"{result.get('name') or ''}: {result.get('value') or ''}" for result in items.values()
    ))


# -- runs -------------------------------------------------------------------------------------


def flow_context(uuid: str | None, name: str | None, revision: int | None = 0) -> XObject:
    """A flow: renders as its name."""
    return XObject.of_lowercase(
        {"uuid": uuid, "name": name, "revision": from_python(revision or 0)}, default=name
    )


def run_context(run: Run, contact_obj: ContactObj) -> XObject:
    """``@run``: the run being advanced."""
    return XObject.of_lowercase(
        {
            "uuid": run.uuid,
            "contact": Lazy(contact_obj),
            "flow": flow_context(run.flow.uuid, run.flow.name, run.flow.revision),
            "path": Lazy(lambda: [_step_context(step) for step in run.path]),
            "status": run.status,
            "results": Lazy(lambda: results_context(run)),
            "locals": Lazy(lambda: from_python(run.locals)),
            "created_on": Lazy(lambda: run.created_on.to_datetime()),
            "exited_on": Lazy(lambda: run.exited_on.to_datetime() if run.exited_on else None),
        }
    )


def _step_context(step: Any) -> XObject:
    return XObject.of_lowercase(
        {"node_uuid": step.node_uuid, "arrived_on": step.arrived_on.to_datetime()}
    )


def related_run_context(
    rt: Runtime,
    warn: Callable[[str], None],
    name: str,
    *,
    uuid: str | None,
    contact: ContactObj,
    urns: list[str],
    flow: XObject,
    status: str | None,
    results: Callable[[], XObject],
) -> XObject:
    """``@child`` / ``@parent``: a run related to the current one, with its contact's
    fields and URNs at hand; ``.run`` is deprecated."""

    def fields() -> XValue:
        obj = contact()
        return obj.get("fields") if isinstance(obj, XObject) else None

    obj = XObject(
        {
            "uuid": uuid,
            "contact": Lazy(contact),
            "flow": flow,
            "fields": Lazy(fields),
            "urns": Lazy(lambda: urns_context(urns, _redact(rt))),
            "results": Lazy(results),
            "status": status,
            "run": XObject({"status": status}),
        }
    )
    text = f"@{name}.run.status is deprecated, use @{name}.status instead"
    return deprecate(obj, "run", text, warn)


def _related_run(
    rt: Runtime, warn: Callable[[str], None], name: str, run: Run, contact_obj: ContactObj
) -> XObject:
    return related_run_context(
        rt,
        warn,
        name,
        uuid=run.uuid,
        contact=contact_obj,
        urns=_contact_urns(rt.session.contact),
        flow=flow_context(run.flow.uuid, run.flow.name, run.flow.revision),
        status=run.status,
        results=lambda: results_context(run),
    )


def _child_context(
    rt: Runtime, warn: Callable[[str], None], session: Session, run: Run | None,
    contact_obj: ContactObj,
) -> XValue:  # fmt: skip
    if run is None:
        return None
    children = [r for r in session.runs if r.parent is run]
    return _related_run(rt, warn, "child", children[-1], contact_obj) if children else None


def _parent_context(
    rt: Runtime, warn: Callable[[str], None], run: Run | None, contact_obj: ContactObj
) -> XValue:
    if run is None:
        return None
    if run.parent is not None:
        return _related_run(rt, warn, "parent", run.parent, contact_obj)
    summary = getattr(run, "parent_summary", None)
    return summary_context(rt, summary, warn) if summary else None


def summary_context(
    rt: Runtime,
    summary: dict[str, Any],
    warn: Callable[[str], None] | None = None,
    name: str = "parent",
) -> XObject:
    """``@parent`` of a session started by another session's flow (the trigger's run
    summary): its contact is read like any contact, its flow looked up in the assets."""
    contact_data = summary.get("contact")
    contact: Any = None
    if contact_data:
        try:
            contact = Contact.from_json(contact_data, contact_assets_of(rt.assets))
        except Exception:  # an unreadable summary contact still gives its JSON's context
            contact = contact_data
    ref = summary.get("flow") or {}
    asset = _flow_asset(rt.assets, ref.get("uuid"))
    if asset is not None:
        flow = flow_context(asset.get("uuid"), asset.get("name"), asset.get("revision"))
    else:
        flow = flow_context(ref.get("uuid"), ref.get("name"), ref.get("revision"))
    cached: list[XValue] = []
    warn = warn or warn_once(rt)

    def contact_obj() -> XValue:
        if not cached:
            cached.append(contact_object(rt, contact, warn))
        return cached[0]

    return related_run_context(
        rt,
        warn,
        name,
        uuid=summary.get("uuid"),
        contact=contact_obj,
        urns=_contact_urns(contact),
        flow=flow,
        status=summary.get("status"),
        results=lambda: results_context(dict(summary.get("results") or {})),
    )


def _flow_asset(assets: Any, uuid: str | None) -> dict[str, Any] | None:
    if not uuid or assets is None:
        return None
    definition = getattr(assets, "flow_definition", None)
    if definition is not None:
        return definition(uuid)
    return next((f for f in _asset_list(assets, "flows") if f.get("uuid") == uuid), None)


# -- input, trigger and the rest ----------------------------------------------------------------


def input_context(data: dict[str, Any] | None, assets: Any = None) -> XValue:
    """``@input``: the message (or other input) that resumed the session; renders as its
    text and attachment URLs, one a line."""
    if not data:
        return None
    get = data.get  # (every resume builds this: its lookups are most of the work)
    text = get("text") or ""
    attachments = list(get("attachments") or ())
    channel = get("channel")
    if channel:
        if assets is not None and hasattr(assets, "channel"):
            channel = assets.channel(channel.get("uuid")) or channel
        channel = channel_context(channel)
    else:
        channel = None  # (what channel_context gives for no channel)
    urn = get("urn")
    if urn:  # (a URN without a query is its own context text)
        urn = urn_context_text(urn) if "?" in urn else urn
    else:
        urn = None
    payload = get("payload")
    return XObject.of_lowercase(
        {
            "uuid": get("uuid"),
            "type": get("type"),
            "channel": channel,
            "urn": urn,
            "text": text,
            "attachments": attachments,
            "external_id": get("external_id") or "",
            # (no payload: an empty object of its own, as from_python({}) makes)
            "payload": from_python(payload) if payload else XObject.of_lowercase({}),
            "created_on": (
                Lazy(lambda: parse_iso_datetime(data["created_on"])) if get("created_on") else None
            ),
        },
        default=input_as_text(data),
    )


def input_as_text(data: dict[str, Any] | None) -> str:
    """What ``@input`` renders as (its default text in input_context), also without building
    it: its text and attachment URLs, one a line ("" with no input)."""
    if not data:
        return ""
    text = data.get("text") or ""
    attachments = data.get("attachments")
    if not attachments:
        return text
    return "\n".join([text] + [a.split(":", 1)[1] if ":" in a else a for a in attachments])


def trigger_context(trigger: dict[str, Any]) -> XObject:
    """``@trigger``: how the session started."""
    return XObject.of_lowercase(
        {
            "type": trigger.get("type"),
            "params": from_python(trigger.get("params") or {}),
            "keyword": (trigger.get("keyword_match") or {}).get("keyword") or "",
            "user": from_python(trigger.get("user")),
            "origin": trigger.get("origin") or "",
            "ticket": from_python(trigger.get("ticket")),
            "campaign": from_python(trigger.get("campaign")),
        }
    )


def _ticket(rt: Runtime, contact: Any) -> XValue:
    """``@ticket``: the contact's open ticket, if any."""
    tickets = contact.open_tickets() if hasattr(contact, "open_tickets") else []
    return ticket_context(tickets[-1], _asset_list(rt.assets, "users")) if tickets else None


def _node_context(run: Run | None) -> XValue:
    if run is None or not run.path:
        return None
    node_uuid = run.path[-1].node_uuid
    visits = sum(1 for step in run.path if step.node_uuid == node_uuid)
    node = run.flow.node(node_uuid)
    if node is not None and node.router:
        categories = [c.name for c in node.router.categories]
    else:
        categories = []
    return XObject.of_lowercase(
        {"uuid": node_uuid, "visit_count": from_python(visits), "categories": categories}
    )


def _globals_context(assets: Any) -> XObject:
    values = {g["key"]: g.get("value") for g in _asset_list(assets, "globals")}
    return XObject(values)

