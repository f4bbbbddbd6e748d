"""The engine loop: advance the top run of a session through its flow until it waits or the
stack is empty.

One call (start or resume) is a **sprint**: it returns the events it produced and the path
segments (one per exit taken). The loop is family-agnostic; what a family decides is given
to it as hooks: how to build the template context, how to pick a category on a router (the
:class:`Routing` hook), and how input is applied (the policy, see goflow/engine.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import TurnflowError
from .events import Event
from .graph import Category, Flow, Node
from .runtime import Runtime
from .session import ACTIVE, COMPLETED, EXPIRED, FAILED, WAITING, Run, Step

# (runtime, run, node) -> the chosen category (or None: take the first exit); may begin a wait
Routing = Callable[[Runtime, Run, Node, bool], "Category | None | Waiting"]
# (runtime, run, node) -> begins the node's wait (emits msg_wait etc.)
WaitStarter = Callable[[Runtime, Run, Node], None]


class Waiting:
    """Returned by routing when the node must wait for input first."""


WAIT = Waiting()


class EngineError(TurnflowError):
    """The engine was asked for something impossible (resuming a session that isn't waiting)."""


@dataclass
class Sprint:
    events: list[Event] = field(default_factory=list)
    segments: list[dict[str, Any]] = field(default_factory=list)


class FlowLoop:
    """Advances runs node by node. ``route`` picks categories; ``begin_wait`` starts waits."""

    def __init__(self, route: Routing, begin_wait: WaitStarter) -> None:
        self.route = route
        self.begin_wait = begin_wait

    # -- entry points -------------------------------------------------------------------------

    def start_run(
        self, rt: Runtime, flow: Flow, parent: Run | None = None, terminal: bool = False, parent_uuid: str | None = None
    ) -> Run:
        """Create a run of a flow and push it (it is advanced by :meth:`run_until_wait`)."""
        session = rt.session
        if len(session.runs) >= rt.limits.max_runs_per_session:
            raise _Failure(f"too many runs in this session (limit {rt.limits.max_runs_per_session})")
        created_on = rt.now()
        run = Run(uuid=rt.uuids.new_v7(), flow=flow, created_on=created_on, parent=parent)
        session.push(run)
        rt.new_event(
            "run_started",
            flow=flow.ref,
            run_uuid=run.uuid,
            parent_uuid=parent.uuid if parent else parent_uuid,
            terminal=True if terminal else None,
        )
        return run

    def run_until_wait(self, rt: Runtime, resume_top: bool = False) -> None:
        """Advance the stack until the top run waits or no run is left.

        ``resume_top``: the top run is mid-node (after input, a timeout or a child run) and
        must route its current node rather than arrive at a new one.
        """
        steps = 0
        session = rt.session
        arriving = not resume_top
        try:
            while session.stack:
                run = session.top
                assert run is not None
                rt.run = run
                run.status = ACTIVE
                if arriving:
                    if run.path:
                        raise EngineError(f"run {run.uuid} has already started")
                    node = run.flow.nodes[0] if run.flow.nodes else None
                else:
                    step = run.current_step
                    node = run.flow.node(step.node_uuid) if step else None
                    if node is None:
                        node = run.flow.nodes[0] if run.flow.nodes else None
                        arriving = True
                if node is None:  # a flow with no nodes completes straight away
                    self._end_run(rt, run, COMPLETED)
                    arriving = False
                    if not session.stack:
                        break
                    continue
                outcome = self._advance(rt, run, node, arriving, steps)
                steps = outcome[1]
                state = outcome[0]
                if state == "wait":
                    run.status = WAITING
                    session.status = WAITING
                    return
                if state == "child":
                    arriving = True
                    continue
                # the run ended: its parent (now on top) goes on from its current node
                arriving = False
            session.status = COMPLETED if session.status != FAILED else FAILED
        except _Failure as failure:
            self.fail(rt, str(failure))

    def fail(self, rt: Runtime, text: str) -> None:
        rt.new_event("failure", text=text)
        for run in reversed(list(rt.session.stack)):
            run.status = FAILED
            run.exited_on = rt.now()
        rt.session.stack.clear()
        rt.session.status = FAILED

    # -- one run ------------------------------------------------------------------------------

    def _advance(self, rt: Runtime, run: Run, node: Node, arriving: bool, steps: int) -> tuple[str, int]:
        flow = run.flow
        while True:
            if arriving:
                steps += 1
                if steps > rt.limits.max_steps_per_sprint:
                    raise _Failure(f"reached maximum number of steps per sprint ({rt.limits.max_steps_per_sprint})")
                arrived_on = rt.now()
                run.path.append(Step(node.uuid, arrived_on))
                run.modified_on = arrived_on
                rt.last_node_uuid = node.uuid
                for action in node.actions:
                    rt.pushed = None
                    action.execute(rt)
                    if rt.pushed is not None:  # a sub-flow started: it runs first
                        return "child", steps
                    if run.ended:  # e.g. a terminal enter_flow or a failure
                        return "ended", steps
            category = self.route(rt, run, node, arriving)
            if isinstance(category, Waiting):
                self.begin_wait(rt, run, node)
                return "wait", steps
            exit_ = node.exit(category.exit_uuid) if category is not None else (node.exits[0] if node.exits else None)
            operand, rt.operand = rt.operand, None
            step = run.current_step
            if step is not None and exit_ is not None:
                step.exit_uuid = exit_.uuid
                step.value = operand
            destination = flow.node(exit_.destination_uuid) if exit_ and exit_.destination_uuid else None
            if destination is None:
                self._end_run(rt, run, COMPLETED)
                return "ended", steps
            rt.segments.append(
                {
                    "flow_uuid": flow.uuid,
                    # goflow's segments join consecutive steps of the sprint, so after a
                    # sub-flow the "from" node is the child's last node
                    "node_uuid": rt.last_node_uuid or node.uuid,
                    "exit_uuid": exit_.uuid,
                    "operand": operand,
                    "destination_uuid": destination.uuid,
                    "time": rt.now(),
                }
            )
            rt.last_node_uuid = None
            node = destination
            arriving = True

    def end_run(self, rt: Runtime, run: Run, status: str) -> None:
        """End a run (and take it off the stack), emitting run_ended."""
        self._end_run(rt, run, status)

    def _end_run(self, rt: Runtime, run: Run, status: str) -> None:
        run.status = status
        run.exited_on = run.modified_on = rt.now()
        rt.new_event("run_ended", run_uuid=run.uuid, flow=run.flow.ref, status=status)
        session = rt.session
        if run in session.stack:
            session.remove(run)

    def expire_top(self, rt: Runtime) -> None:
        """The waiting run expired; its parent, if any, goes on (seeing @child.status)."""
        run = rt.session.top
        if run is not None:
            self._end_run(rt, run, EXPIRED)
        if rt.session.stack:
            self.run_until_wait(rt, resume_top=True)
        else:
            rt.session.status = COMPLETED  # goflow: the session completes, its run expired


class _Failure(Exception):
    """Internal: a limit was hit; the session fails with this text."""
