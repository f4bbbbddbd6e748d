"""A state's action as a core action: its conditions (the state action's and the action's
own), its options (the action's, overridden by the state action's), and the action type that
does the work (one module per type in this package).

Responses come out in Kata's converse-result shape: ``type`` (``text`` or ``data``),
``content`` or ``payload``, ``action`` (the state action's name), ``flow`` and ``intent``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from ..events import RESPONSE_CREATED
from ..expressions import Expr
from ..session import KataRun

if TYPE_CHECKING:
    from ...core.runtime import Runtime


class ActionType(Protocol):
    """What an action type does when its action runs: responses (:func:`respond`),
    command messages (``rt.state.commands``), a ``result`` (``rt.state.result``)."""

    def run(self, rt: Runtime, step: StateActionStep, scope: dict[str, Any]) -> None: ...


class StateActionStep:
    """One action of a state (a core action of the state's node)."""

    __slots__ = ("uuid", "type", "name", "conditions", "handler", "where", "flow", "state")

    def __init__(self, uuid: str, type_: str, name: str, conditions: tuple[Expr, ...],
                 handler: ActionType, where: Any, flow: str, state: str) -> None:
        self.uuid, self.type, self.name = uuid, type_, name
        self.conditions, self.handler, self.where = conditions, handler, where
        self.flow, self.state = flow, state

    def execute(self, rt: Runtime) -> None:
        family = rt.family
        run = rt.run
        assert isinstance(run, KataRun)
        scope = family.scope(rt, run)
        if self.conditions:
            calls, warn = family.calls_of(run), family.warner(rt)
            if not all(condition.holds(scope, calls, warn) for condition in self.conditions):
                return
        self.handler.run(rt, self, scope)

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "name": self.name}


def respond(rt: Runtime, step: StateActionStep, response: dict[str, Any]) -> dict[str, Any]:
    """Emit a response of ``step`` (its ``action``, ``flow`` and ``intent`` filled in)."""
    response["action"] = step.name
    response["flow"] = step.flow
    intent = rt.state.message.get("intent")
    if intent is not None:
        response["intent"] = intent
    rt.stamp_event(RESPONSE_CREATED)["response"] = response
    return response
