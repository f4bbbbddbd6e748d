"""Actions that move between flows: enter_flow (sub-flows)."""

from __future__ import annotations

from ...core.runtime import Runtime
from ...core.session import COMPLETED
from .base import BaseAction


class EnterFlow(BaseAction):
    type = "enter_flow"
    required = ("flow",)

    def execute(self, rt: Runtime) -> None:
        run = rt.run
        assert run is not None
        ref = self.data["flow"]
        engine = rt.services["engine"]
        flow = engine.flow(ref.get("uuid", ""))
        if flow is None:
            rt.error(f"missing dependency: flow[uuid={ref.get('uuid')},name={ref.get('name')}]")
            return
        terminal = bool(self.data.get("terminal"))
        if terminal:
            # the parent ends here and the child takes its place
            engine.loop.end_run(rt, run, COMPLETED)
        child = engine.loop.start_run(rt, flow, parent=run, terminal=terminal)
        rt.pushed = child
