"""goflow's conversation policy: a message, a timeout, an expiration or a dial result
resumes the waiting run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.runtime import Runtime
from ..core.session import Run, Session

if TYPE_CHECKING:
    from .engine import GoflowEngine

RESUME_TYPES = ("msg", "wait_timeout", "wait_expiration", "run_expiration", "dial")


class ResumeWaitingRun:
    """The input is set, the waiting run routes its node (or expires), the contact's query
    groups are re-checked, and the flow carries on — in goflow's order."""

    def __init__(self, engine: GoflowEngine) -> None:
        self.engine = engine

    def apply(self, rt: Runtime, session: Session, run: Run, resume: dict[str, Any]) -> None:
        engine = self.engine
        kind = resume.get("type")
        if kind == "msg":  # a message is the session's new input; other resumes clear it
            event = resume.get("event") or {}
            session.input = engine.input_from_event(event)
            engine.seen(session.contact, event)
            engine.loop.record_input(rt, run)
        else:
            session.input = None
        if kind in ("wait_timeout", "dial"):
            rt.services["_resume"] = resume
        expire = kind in ("wait_expiration", "run_expiration")
        engine.loop.resume(rt, run, expire=expire, after_route=lambda: engine.reevaluate_groups(rt, session.contact))
