"""What an action or router sees while the engine runs a sprint: the session, the current
run, the family's environment, evaluator and per-sprint state, and the means to emit events.

A :class:`Runtime` lives for one sprint (one start or resume) and is made afresh for the
next, so nothing a sprint leaves on it can reach another. What a family wants to keep
across sprints for speed it keeps itself, declared as a cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ..generators import Clock, NanoTime, UUIDSource, utc_text
from .events import ERROR, WARNING, Event, EventFactory
from .session import Run, Session

if TYPE_CHECKING:
    from .engine import Engine
    from .family import Family
    from .loop import PendingFlow


@dataclass(slots=True)
class Limits:
    """Engine limits; exceeding one fails the session (or cuts the text) with an event.

    The defaults are goflow's, which are also sensible for the other families."""

    max_steps_per_sprint: int = 100
    max_sprints_per_session: int = 500
    max_runs_per_session: int = 500
    max_nodes_per_flow: int = 1000
    max_template_length: int = 10_000
    max_field_length: int = 640
    max_result_length: int = 640
    max_name_length: int = 128


class Evaluator(Protocol):
    """How a family's templates and conditions are evaluated (goflow: Excellent; Rasa:
    pypred predicates and Jinja responses; Kata: its JavaScript-like expressions).

    Templates and conditions are whatever the family compiled them to when it read the
    flow; a failure the family reports as an ``error`` event rather than raising."""

    def render(self, runtime: Runtime, template: Any, context: Any = None) -> str:
        """The text of a template for the current run."""

    def check(self, runtime: Runtime, condition: Any, context: Any = None) -> bool:
        """Whether a condition holds for the current run."""


class Runtime:
    """The state of one sprint, shared by the engine loop and the actions it runs."""

    __slots__ = (
        "engine", "family", "session", "env", "clock", "uuids", "events", "limits", "assets",
        "evaluator", "state", "input", "emitted", "segments", "run", "pending_flow",
        "in_actions", "input_unclaimed", "operand", "last_node_uuid", "now", "new_uuid",
        "now_ns", "new_uuid_at",
    )  # fmt: skip

    def __init__(self, engine: Engine, session: Session, input: Any = None) -> None:
        family = engine.family
        self.engine = engine
        self.family: Family = family
        self.session = session
        self.env: Any = engine.env  # the family's environment (goflow: Excellent's)
        self.clock: Clock = engine.clock
        self.uuids: UUIDSource = engine.uuids
        self.events: EventFactory = engine.events
        self.limits: Limits = engine.limits
        self.assets: Any = engine.assets  # the family's asset bundle
        self.evaluator: Evaluator = family.evaluator
        self.input = input  # what this sprint was started or resumed with (the family's)
        self.state: Any = None  # the family's per-sprint state (Family.begin_sprint)
        self.emitted: list[Event] = []
        self.segments: list[tuple[Any, ...]] = []  # the exits taken (see loop.segment_json)
        self.run: Run | None = None  # the run being advanced
        self.pending_flow: PendingFlow | None = None  # a flow an action asked to start
        self.in_actions = False  # the loop is running a node's actions
        self.input_unclaimed = False  # the next node visit marks its run as having had input
        self.operand: str | None = None  # what the last router tested (kept on the step)
        self.last_node_uuid: str | None = None  # the node the sprint arrived at last
        # the clock's and UUID source's own methods (bound once per engine): the loop and
        # stamp_event ask them dozens of times a sprint
        self.now: Callable[[], NanoTime] = engine.now
        self.now_ns: Callable[[], int] = engine.now_ns
        self.new_uuid: Callable[[], str] = engine.new_uuid
        # the UUID source's v7 for a clock reading taken here, when one reading may serve
        # both (the real clock: see generators.v7_at_reading), else None
        self.new_uuid_at: Callable[[int], str] | None = engine.new_uuid_at

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
        engine stamps ten events a sprint and this saves a call on each."""
        new_uuid_at = self.new_uuid_at
        if new_uuid_at is not None:  # the real clock: read once for both
            ns = self.now_ns()
            event = {"uuid": new_uuid_at(ns), "type": type_, "created_on": utc_text(ns)}
        else:
            event = {"uuid": self.new_uuid(), "type": type_, "created_on": utc_text(self.now_ns())}
        self.emitted.append(event)
        return event

    def error(
        self, text: str, code: str | None = None, extra: dict[str, Any] | None = None
    ) -> Event:
        return self.new_event(ERROR, text=text, code=code, extra=extra)

    def warning(self, text: str, code: str | None = None) -> Event:
        return self.new_event(WARNING, text=text, code=code)

    # -- templates ----------------------------------------------------------------------------

    def evaluate(self, template: Any, context: Any = None, **options: Any) -> str:
        """The text of a template for the current run (the evaluator's ``render``; options
        are the family's, e.g. goflow's ``truncate``)."""
        if options:
            return self.evaluator.render(self, template, context, **options)
        return self.evaluator.render(self, template, context)

    def context(self) -> Any:
        """The root of the family's template context for the current run."""
        return self.family.context(self)

    def check(self, condition: Any, context: Any = None) -> bool:
        return self.evaluator.check(self, condition, context)
