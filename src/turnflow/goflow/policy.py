"""goflow's conversation policy: a message, a timeout, an expiration or a dial result
resumes the waiting run; a session that isn't waiting takes no input."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.engine import EngineError
from ..core.graph import Flow
from ..core.runtime import Runtime
from ..core.session import WAITING, Session
from .resumes import ACCEPTED, check_accepted

if TYPE_CHECKING:
    from .family import GoflowFamily

RESUME_TYPES = ("msg", "wait_timeout", "wait_expiration", "run_expiration", "dial")


@dataclass(frozen=True, slots=True)
class GoflowStart:
    """How a goflow session starts: its trigger, and for a voice session its call."""

    trigger: dict[str, Any]
    call: dict[str, Any] | None = None


class ResumeWaitingRun:
    """The input is set, the waiting run routes its node (or expires), the contact's query
    groups are re-checked, and the flow carries on — in goflow's order."""

    def __init__(self, family: GoflowFamily) -> None:
        self.family = family

    def check(self, session: Session, resume: dict[str, Any]) -> None:
        run = None
        if session.status == WAITING:
            stack = session.stack
            run = stack[-1] if stack else None
            if run is None or run.status != WAITING:
                run = session.waiting_run()  # (the waiting run is on top, else look for it)
        if run is None:
            raise EngineError(  # goflow's wording, then which session and its status
                "only waiting sessions can be resumed"
                f" (session {session.uuid} is {session.status})"
            )
        kind = resume.get("type")
        if kind not in RESUME_TYPES:
            raise EngineError(f"unknown resume type {kind!r}")
        path = run.path
        node = run.flow.node(path[-1].node_uuid) if path else None
        router = node.router if node is not None else None
        wait = router.wait if router is not None else None
        if wait is not None and kind not in ACCEPTED.get(getattr(wait, "type", None), ()):
            # goflow refuses what the wait can't take (the session stays as it was): what
            # its type always takes (most resumes) passes without check_accepted's call
            check_accepted(resume, wait)

    def start(self, rt: Runtime, flow: Flow, start: GoflowStart) -> None:
        family, session, loop = self.family, rt.session, rt.engine.loop
        trigger = start.trigger
        contact = session.contact
        kind = trigger.get("type")
        if kind == "msg" and trigger.get("event"):
            session.input = family.input_from_event(trigger["event"])
            family.seen(contact, trigger["event"])
            rt.input_unclaimed = True  # the first node visited records the input
        family.reevaluate_groups(rt, contact)
        summary = trigger.get("run_summary") if kind == "flow_action" else None
        run = loop.start_run(rt, flow, parent_uuid=summary.get("uuid") if summary else None)
        assert run is not None
        run.parent_summary = summary  # type: ignore[attr-defined]  # (a GoflowRun)
        loop.run_until_wait(rt)

    def apply(self, rt: Runtime, resume: dict[str, Any]) -> None:
        family, session, loop = self.family, rt.session, rt.engine.loop
        stack = session.stack
        run = stack[-1] if stack else None  # the waiting run is on top (else look for it)
        if run is None or run.status != WAITING:
            run = session.waiting_run()
            assert run is not None  # (check() made sure)
        path = run.path  # (loop.current_node, inline: every resume asks)
        node = run.flow.node(path[-1].node_uuid) if path else None
        if node is None or getattr(node.router, "wait", None) is None:
            # the flow changed under a stored session: goflow fails it rather than route
            loop.fail(rt, "Can't resume from node without a router or wait")
            return
        state = rt.state
        state.resume = resume  # what @resume shows during this sprint
        kind = resume.get("type")
        if kind == "msg":  # a message is the session's new input; other resumes clear it
            event = resume.get("event") or {}
            session.input = family.input_from_event(event)
            family.seen(session.contact, event)
            loop.record_input(rt, run)
        else:
            session.input = None
            if kind == "wait_timeout" or kind == "dial":
                state.timeout_resume = resume
        loop.resume(
            rt, run, expire=kind == "wait_expiration" or kind == "run_expiration",
            after_route=family.reevaluate_groups, node=node,
        )
