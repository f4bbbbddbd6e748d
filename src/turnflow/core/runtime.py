"""What an action or router sees while the engine runs a node: the session, the current run,
the environment, and the means to emit events and evaluate templates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..expressions import Environment, XObject, compile_template
from ..expressions.template import Template
from ..generators import Clock, NanoTime, UUIDSource, utc_text
from .events import Event, EventFactory
from .session import Run, Session

ContextBuilder = Callable[["Runtime"], XObject]


@dataclass
class Limits:
    """Engine limits (goflow's defaults); exceeding one fails the session with an error event."""

    max_steps_per_sprint: int = 100
    max_sprints_per_session: int = 500
    max_runs_per_session: int = 500
    max_nodes_per_flow: int = 1000
    max_template_length: int = 10_000
    max_field_length: int = 640
    max_result_length: int = 640
    max_name_length: int = 128


@dataclass(slots=True)
class Runtime:
    """The per-sprint state shared by the engine loop and the actions it runs.

    An engine may keep one for the next sprint of the same session (see :meth:`next_sprint`)
    rather than make a new one each time."""

    session: Session
    env: Environment
    clock: Clock
    uuids: UUIDSource
    events: EventFactory
    context_builder: ContextBuilder
    services: dict[str, Any] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    assets: Any = None  # the family's asset bundle (goflow: goflow.assets.Assets)
    emitted: list[Event] = field(default_factory=list)
    segments: list[dict[str, Any]] = field(default_factory=list)  # path segments, as JSON
    run: Run | None = None  # the run being advanced
    pushed: Run | None = None  # the run started last (enter_flow's child, once created)
    pending_flow: Any = None  # a sub-flow asked for by an action (core.engine.PendingFlow)
    in_actions: bool = False  # the loop is running a node's actions
    record_input_on_visit: bool = False  # the next node visit records the session's input
    operand: str | None = None  # what the last router tested (for path segments)
    last_node_uuid: str | None = None  # the node the sprint arrived at last
    # now() -> the clock's time: the clock's own method, as the loop asks it a dozen times a
    # sprint and a forwarding method would double the calls
    now: Callable[[], NanoTime] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.now = self.clock.now_time

    def next_sprint(self, keep: tuple[str, ...] = ()) -> None:
        """Start another sprint of the same session: the sprint's state starts afresh, and
        of the services only those named in ``keep`` stay."""
        services = self.services
        kept = {}
        for key in keep:  # (a loop: cheaper than a comprehension for a key or two)
            if key in services:
                kept[key] = services[key]
        self.services = kept
        self.emitted = []
        self.segments = []
        self.run = None
        self.pushed = None
        self.pending_flow = None
        self.in_actions = False
        self.record_input_on_visit = False
        self.operand = None
        self.last_node_uuid = None

    # -- events -------------------------------------------------------------------------------

    def emit(self, event: Event) -> Event:
        self.emitted.append(event)
        return event

    def new_event(self, type_: str, **fields: Any) -> Event:
        event = self.events.new(type_, **fields)
        self.emitted.append(event)
        return event

    def stamp_event(self, type_: str) -> Event:
        """A new event (only its stamp so far), emitted: the caller fills in its fields.

        What :meth:`EventFactory.stamp` makes (UUID first, then the time), made here: the
        engine stamps ten events a session and this saves a call on each."""
        events = self.events
        event = {"uuid": events.uuids.new_v7(), "type": type_, "created_on": utc_text(events.clock.now_ns())}
        self.emitted.append(event)
        return event

    # -- templates ----------------------------------------------------------------------------

    def context(self) -> XObject:
        return self.context_builder(self)

    def evaluate(self, template: str, context: XObject | None = None, truncate: bool = True) -> str:
        """Render a template for the current run; each failing expression becomes an
        ``error`` event (the rest of the text still renders, as in goflow).

        Like goflow, a long result is cut to the template limit with an ellipsis, not
        refused (``truncate=False`` keeps it whole, e.g. for webhook bodies)."""
        if "@" not in template:
            if truncate and len(template) > self.limits.max_template_length:
                return _ellipsis(template, self.limits.max_template_length)
            return template
        compiled = template_for(template, self.limits.max_template_length)
        result = compiled.render(context if context is not None else self.context(), self.env)
        text = result.text
        if not result.errors:
            if truncate and len(text) > self.limits.max_template_length:
                return _ellipsis(text, self.limits.max_template_length)
            return text
        limit = self.env.limits.max_output_length
        for source, error in result.failures():
            if source == template and error.message.startswith("template output is longer than"):
                # the whole output hit the evaluator's limit: goflow truncates instead
                text = text[: limit - 3] + "..." if truncate else self._render_whole(compiled, context)
                continue
            self.error(f"Error evaluating expression: {error.message}", code="expression", extra={"expression": source})
        return _ellipsis(text, self.limits.max_template_length) if truncate else text

    def _render_whole(self, compiled: Any, context: XObject | None) -> str:
        import dataclasses

        env = dataclasses.replace(self.env, limits=dataclasses.replace(self.env.limits, max_output_length=10**12))
        return compiled.render(context if context is not None else self.context(), env).text

    def error(self, text: str, code: str | None = None, extra: dict[str, Any] | None = None) -> Event:
        return self.new_event("error", text=text, code=code, extra=extra)

    def warning(self, text: str, code: str | None = None) -> Event:
        return self.new_event("warning", text=text, code=code)

    def deprecated(self, text: str) -> None:
        """A template used a deprecated context property: warn (each time it is read, as
        goflow does)."""
        self.warning(text, code="context:deprecated")


# compiled templates by (text, length limit): flows evaluate the same few texts all the time,
# and a plain dict is cheaper to ask than compile_template's keyword-argument cache
_TEMPLATES: dict[tuple[str, int], Template] = {}


def template_for(template: str, max_length: int = 10_000) -> Template:
    """The compiled template (as :func:`compile_template` makes it, kept)."""
    key = (template, max_length)
    compiled = _TEMPLATES.get(key)
    if compiled is None:
        compiled = compile_template(template, max_length=max_length)  # may raise LimitExceeded
        if len(_TEMPLATES) >= 4096:
            _TEMPLATES.clear()
        _TEMPLATES[key] = compiled
    return compiled


def _ellipsis(text: str, limit: int) -> str:
    """goflow's TruncateEllipsis: at most ``limit`` characters, ending "..." when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 3, 0)] + "..."
