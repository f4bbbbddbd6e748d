"""Starts another flow as a child of the current run; when the child ends, the parent carries
on (or, for a terminal action, the parent ends first and the child takes its place).

Example:

    {"type": "enter_flow", "uuid": "...",
     "flow": {"uuid": "49a80bb1-ad31-4b9d-9d22-70ef94f94fec", "name": "Registration"}}

Events:

    [{"type": "run_started",
      "flow": {"uuid": "49a80bb1-ad31-4b9d-9d22-70ef94f94fec", "name": "Registration"}},
     {"type": "msg_created", "msg": {"text": "Welcome to the registration!"}},
     {"type": "run_ended",
      "flow": {"uuid": "49a80bb1-ad31-4b9d-9d22-70ef94f94fec", "name": "Registration"},
      "status": "completed"}]
"""

from __future__ import annotations

from ...core.loop import RunFailure as ActionFailure  # caught by the loop: fails the run
from ...core.runtime import Runtime
from ...core.session import COMPLETED
from .base import BaseAction

BACKGROUND = "messaging_background"


def can_enter(parent_type: str, child_type: str) -> bool:
    """A flow can enter flows of its own type, and background flows (which only have actions
    that work anywhere)."""
    return child_type == parent_type or child_type == BACKGROUND


class EnterFlow(BaseAction):
    type = "enter_flow"
    required = ("flow",)

    def execute(self, rt: Runtime) -> None:
        run = rt.run
        assert run is not None
        ref = self.data["flow"]
        flow = rt.family.flow(ref.get("uuid", ""))
        if flow is None:
            raise ActionFailure(f"Unable to find flow '{ref.get('name', '')}'")
        if not can_enter(run.flow.type, flow.type):
            raise ActionFailure(
                f"Can't enter flow[uuid={flow.uuid},name={flow.name}] of type {flow.type} "
                f"from type {run.flow.type}"
            )
        terminal = bool(self.data.get("terminal"))
        if terminal:
            # the parent ends here and the child takes its place
            rt.engine.loop.end_run(rt, run, COMPLETED)
        rt.engine.loop.start_run(rt, flow, parent=run, terminal=terminal)
