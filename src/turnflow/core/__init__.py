"""The engine core shared by every flow family: the flow graph and its protocols (action,
router, wait, evaluator), sessions and the run stack, the flow loop, the engine (session
lifecycle), family-neutral events and limits. It knows no family: see
``docs/architecture.md`` for how one plugs in."""

from .engine import Engine, EngineError, Sprint
from .events import (
    CORE_EVENT_TYPES,
    ERROR,
    FAILURE,
    RUN_ENDED,
    RUN_STARTED,
    WARNING,
    Event,
    EventFactory,
)
from .family import BaseFamily, Family
from .graph import WAIT, Action, Category, Exit, Flow, Node, Router, Wait, Waiting
from .loop import FlowLoop, PendingFlow, RunFailure
from .policy import Policy
from .runtime import Evaluator, Limits, Runtime
from .session import (
    ACTIVE,
    COMPLETED,
    ENDED,
    EXPIRED,
    FAILED,
    INTERRUPTED,
    WAITING,
    Run,
    Session,
    StackError,
    Step,
)

__all__ = [
    "ACTIVE", "COMPLETED", "CORE_EVENT_TYPES", "ENDED", "ERROR", "EXPIRED", "FAILED", "FAILURE",
    "INTERRUPTED", "RUN_ENDED", "RUN_STARTED", "WAIT", "WAITING", "WARNING",
    "Action", "BaseFamily", "Category", "Engine", "EngineError", "Evaluator", "Event",
    "EventFactory", "Exit", "Family", "Flow", "FlowLoop", "Limits", "Node", "PendingFlow",
    "Policy", "Router", "Run", "RunFailure", "Runtime", "Session", "Sprint", "StackError",
    "Step", "Wait", "Waiting",
]  # fmt: skip
