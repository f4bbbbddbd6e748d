"""The ``msg`` wait: the run waits for the contact's next message, for at most the flow's
expiry, or with a timeout for at most that long before its router takes the timeout category.

Example:

    {"type": "msg", "timeout": {"seconds": 300, "category_uuid": "..."},
     "hint": {"type": "digits", "count": 1}}

Events:

    [{"type": "msg_wait", "timeout_seconds": 300, "hint": {"type": "digits", "count": 1}}]

>>> MsgWait(Timeout(300, "c-none")).timeout.seconds
300
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ...core.graph import Node
from ...core.runtime import Runtime
from ...core.session import Run
from ...generators import NanoTime, utc_text
from ..flow import GoflowFlow, expire_after_minutes


@dataclass(frozen=True, slots=True)
class Timeout:
    """How long a wait lasts before the router takes ``category_uuid`` without input."""

    seconds: int
    category_uuid: str


@dataclass(frozen=True, slots=True)
class MsgWait:
    type: ClassVar[str] = "msg"
    timeout: Timeout | None = None
    hint: dict[str, Any] | None = None  # what kind of message: audio, digits, image...

    def arrive(self, rt: Runtime, run: Run) -> bool:
        """Whether the run waits here: goflow skips a message wait that is the very first
        thing a message-triggered session does (the trigger's message answers it)."""
        session = rt.session
        return not (
            session.trigger.get("type") == "msg" and len(session.runs) == 1 and len(run.path) == 1
        )

    def begin(self, rt: Runtime, run: Run, node: Node) -> None:
        flow = run.flow
        minutes = flow.wait_minutes if isinstance(flow, GoflowFlow) else expire_after_minutes(flow)
        # now plus the wait (one clock reading, as rt.now().add(...) without its extra NanoTime);
        # as goflow, a flow that never expires (an offline one) still reads the clock and its
        # event says the wait expires now
        expires_ns = rt.now_ns() + minutes * 60 * 1_000_000_000
        run.expires_on = NanoTime(expires_ns) if minutes > 0 else None
        event = rt.stamp_event("msg_wait")
        timeout = self.timeout
        if timeout is not None and timeout.seconds is not None:
            event["timeout_seconds"] = timeout.seconds
        event["expires_on"] = utc_text(expires_ns)
        if self.hint is not None:
            event["hint"] = self.hint
