"""What an action or router sees while the engine runs a node: the session, the current run,
the environment, and the means to emit events and evaluate templates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..expressions import Environment, XObject, compile_template
from ..generators import Clock, NanoTime, UUIDSource
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


@dataclass
class Runtime:
    """The per-sprint state shared by the engine loop and the actions it runs."""

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
    segments: list[dict[str, Any]] = field(default_factory=list)
    run: Run | None = None  # the run being advanced
    pushed: Run | None = None  # a child run started by the current action (enter_flow)
    operand: str | None = None  # what the last router tested (for path segments)
    last_node_uuid: str | None = None  # the node the sprint arrived at last

    # -- events -------------------------------------------------------------------------------

    def emit(self, event: Event) -> Event:
        self.emitted.append(event)
        return event

    def new_event(self, type_: str, **fields: Any) -> Event:
        return self.emit(self.events.new(type_, **fields))

    def now(self) -> NanoTime:
        return self.clock.now_time()

    # -- templates ----------------------------------------------------------------------------

    def context(self) -> XObject:
        return self.context_builder(self)

    def evaluate(self, template: str, context: XObject | None = None) -> str:
        """Render a template for the current run; each failing expression becomes an
        ``error`` event (the rest of the text still renders, as in goflow)."""
        if "@" not in template:
            return template
        compiled = compile_template(template, max_length=self.limits.max_template_length)
        result = compiled.render(context if context is not None else self.context(), self.env)
        for source, error in result.failures():
            self.error(f"Error evaluating expression: {error.message}", code="expression", extra={"expression": source})
        return result.text

    def error(self, text: str, code: str | None = None, extra: dict[str, Any] | None = None) -> Event:
        return self.new_event("error", text=text, code=code, extra=extra)

    def warning(self, text: str, code: str | None = None) -> Event:
        return self.new_event("warning", text=text, code=code)

    def deprecated(self, text: str) -> None:
        """A template used a deprecated context property: warn (once per sprint)."""
        seen = self.services.setdefault("_deprecations", set())
        self.warning(text, code="context:deprecated")
        seen.add(text)
