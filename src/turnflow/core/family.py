"""A flow family as the engine core sees it: one object that supplies what the core does not
know — how a family's sessions and runs are made, how its templates and conditions are
evaluated, its template context, and its conversation policy.

:class:`BaseFamily` gives plain defaults; a family overrides what it does differently.
See ``docs/architecture.md`` for a whole (toy) family.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from .runtime import Runtime
from .session import Run, Session

if TYPE_CHECKING:
    from .engine import Engine
    from .graph import Flow
    from .policy import Policy
    from .runtime import Evaluator


class Family(Protocol):
    name: str
    policy: Policy
    evaluator: Evaluator
    runtime_type: type[Runtime]  # Runtime, or a subclass with the family's typed state

    def flow(self, uuid: str) -> Flow | None:
        """The flow with this UUID (sub-flows, stored sessions), or None."""

    def new_session(self, engine: Engine, contact: Any, flow: Flow | None, start: Any) -> Session:
        """A new session for ``contact`` that will start with ``flow`` (if any)."""

    def new_run(self, runtime: Runtime, flow: Flow, parent: Run | None) -> Run:
        """A new run of ``flow`` (not yet on the stack): its UUID and creation time."""

    def sprint_state(self, runtime: Runtime) -> Any:
        """The family's state for a new runtime (kept as ``runtime.state``)."""

    def begin_sprint(self, runtime: Runtime) -> Any:
        """A sprint begins: what it needs done first, and its state (what
        :meth:`sprint_state` gives, which alone serves a runtime made only to evaluate
        templates)."""

    def end_sprint(self, runtime: Runtime) -> None:
        """The sprint is over (the session may be too): let go of what it held."""

    def context(self, runtime: Runtime) -> Any:
        """The root of the template context for the current run."""


class BaseFamily:
    """Defaults for the :class:`Family` hooks: plain sessions and runs, no sprint state, no
    template context. Subclasses set ``name``, ``policy`` and ``evaluator``."""

    name = "base"
    policy: Policy
    evaluator: Evaluator
    runtime_type: type[Runtime] = Runtime

    def __init__(self, flows: dict[str, Flow] | None = None) -> None:
        self.flows = dict(flows or {})

    def flow(self, uuid: str) -> Flow | None:
        return self.flows.get(uuid)

    def new_session(self, engine: Engine, contact: Any, flow: Flow | None, start: Any) -> Session:
        uuid = engine.uuids.new_v7()
        kind = flow.type if flow is not None else "messaging"
        created_on = engine.clock.now_time()
        return Session(uuid=uuid, type=kind, created_on=created_on, trigger={}, contact=contact)

    def new_run(self, runtime: Runtime, flow: Flow, parent: Run | None) -> Run:
        uuid = runtime.uuids.new_v7()
        return Run(uuid=uuid, flow=flow, created_on=runtime.now(), parent=parent)

    def sprint_state(self, runtime: Runtime) -> Any:
        return None

    def begin_sprint(self, runtime: Runtime) -> Any:
        return self.sprint_state(runtime)

    def end_sprint(self, runtime: Runtime) -> None:
        return None

    def context(self, runtime: Runtime) -> Any:
        return None
