"""The flow loop: advance the runs of a session through their flows until one waits or
none is left.

One sprint (a start or a resume) gives the events it produced and the path segments (one
per exit taken). The loop knows no family: it asks a node's router for a category (see
:class:`~turnflow.core.graph.Router`), a router's wait to begin, and the family for new
runs. Its order of work is also the order it reads the clock and draws UUIDs in (seeded
test runs reproduce a reference engine's output only with the same order):

* a node visit records the arrival, runs the node's actions, then either starts a flow
  (one an action asked for), begins a wait, or routes to an exit;
* a new run is made by the family, goes on top of the stack and logs ``run_started``;
* a run that ends hands over to its parent if the parent is still active: the parent routes
  the node it was at (the one that started the child);
* a wait marks the run waiting (stamping it modified) and ends the sprint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import TurnflowError
from ..generators import utc_text
from .events import FAILURE, RUN_ENDED, RUN_STARTED
from .graph import WAIT, Category, Exit, Flow, Node
from .runtime import Runtime
from .session import ACTIVE, COMPLETED, ENDED, EXPIRED, FAILED, WAITING, Run, Step


class RunFailure(TurnflowError):
    """Raised by an action or router that cannot go on (a limit, a missing flow, no
    category): the loop fails the run with this text, and the failure bubbles up."""


@dataclass(frozen=True, slots=True)
class PendingFlow:
    """A flow an action asked for: its run starts once the node's actions are done."""

    flow: Flow
    parent: Run | None
    terminal: bool = False
    parent_uuid: str | None = None


def segment_json(
    flow_uuid: str, node_uuid: str, exit_uuid: str, operand: str | None, destination_uuid: str,
    time_ns: int,
) -> dict[str, Any]:
    """A path segment (one exit taken) as goflow writes it: no empty operand, the time as
    text."""
    segment = {"flow_uuid": flow_uuid, "node_uuid": node_uuid, "exit_uuid": exit_uuid}
    if operand:
        segment["operand"] = operand
    segment["destination_uuid"] = destination_uuid
    segment["time"] = utc_text(time_ns)
    return segment


class FlowLoop:
    """Advances runs node by node (one loop serves every session of an engine)."""

    # -- entry points -------------------------------------------------------------------------

    def start_run(
        self, rt: Runtime, flow: Flow, parent: Run | None = None, terminal: bool = False,
        parent_uuid: str | None = None,
    ) -> Run | None:
        """Start a run of a flow on top of the stack.

        Called by an action (enter_flow), the run is only created once the node's remaining
        actions have run, as goflow does; then this returns None. Otherwise the run is created
        now and returned (it is advanced by :meth:`run_until_wait`).
        """
        if rt.in_actions:
            self.push_flow(rt, flow, parent, terminal)
            return None
        return self._new_run(rt, flow, parent, terminal, parent_uuid)

    @staticmethod
    def push_flow(rt: Runtime, flow: Flow, parent: Run | None, terminal: bool = False) -> None:
        """Ask for a sub-flow: after the current node's actions, its run starts and goes first."""
        rt.pending_flow = PendingFlow(flow, parent, terminal)

    def run_until_wait(self, rt: Runtime, resume_top: bool = False) -> None:
        """Advance the stack until a run waits or no run is left.

        Without ``resume_top`` the top run has just been started and goes to its first node;
        with it, the top run is mid-node and routes that node (as after a child run).
        """
        run = rt.session.top
        if run is None:
            return
        rt.run = run
        if resume_top:
            node = self.current_node(run)
            exit_, operand = self.pick_exit(rt, run, node) if node is not None else (None, None)
            self._continue(rt, run, node, exit_, operand)
        else:
            first = run.flow.nodes[0] if run.flow.nodes else None
            self._continue(rt, run, None, None, None, first_node=first, starting=True)

    def visit(self, rt: Runtime, run: Run, node: Node) -> None:
        """Advance ``run`` from ``node``, arriving there afresh (a flow re-entered at a
        step, a held run taking up its question again), until a run waits or none is left."""
        rt.run = run
        self._continue(rt, run, None, None, None, first_node=node, starting=True)

    def take_up(self, rt: Runtime, run: Run, node: Node) -> None:
        """Advance ``run`` from ``node`` as if it had been waiting there: the node routes
        at once (its actions don't run), then the loop carries on. For flows whose first
        node only routes the input that opened them (Kata's initial state)."""
        rt.run = run
        run.path.append(Step(node.uuid, rt.now()))
        run.status = ACTIVE
        exit_, operand = self.pick_exit(rt, run, node)
        self._continue(rt, run, node, exit_, operand)

    def resume(
        self, rt: Runtime, run: Run, *, expire: bool = False,
        after_route: Callable[[Runtime], None] | None = None, node: Node | None = None,
    ) -> None:
        """Continue a waiting run: it routes the node it waits at (or ends as expired), then
        the loop carries on. ``after_route(rt)`` runs between the two (goflow re-checks the
        contact's groups there). ``node``: the run's current node, if the caller has it."""
        if node is None:
            node = self.current_node(run)
        rt.run = run
        exit_: Exit | None = None
        operand: str | None = None
        if expire:
            self._end_run(rt, run, EXPIRED)
        else:
            run.status = ACTIVE
            run.modified_on = rt.now()
            if node is not None:
                exit_, operand = self.pick_exit(rt, run, node)
        if after_route is not None:
            after_route(rt)
        self._continue(rt, run, node, exit_, operand)

    def record_input(self, rt: Runtime, run: Run) -> None:
        """The run got input: the first time, it is stamped modified."""
        if not run.had_input:
            run.had_input = True
            run.modified_on = rt.now()

    def fail(self, rt: Runtime, text: str) -> None:
        """Fail the whole session: a failure event, then every run in play fails."""
        rt.new_event(FAILURE, text=text)
        for run in reversed(list(rt.session.stack)):
            self._end_run(rt, run, FAILED)
        rt.session.status = FAILED

    def end_run(self, rt: Runtime, run: Run, status: str) -> None:
        """End a run (and take it off the stack), emitting run_ended."""
        self._end_run(rt, run, status)

    @staticmethod
    def current_node(run: Run) -> Node | None:
        path = run.path  # (run.current_step, without the property's call)
        return run.flow.node(path[-1].node_uuid) if path else None

    # -- the loop -----------------------------------------------------------------------------

    def _continue(
        self,
        rt: Runtime,
        current: Run,
        node: Node | None,
        exit_: Exit | None,
        operand: str | None,
        first_node: Node | None = None,
        starting: bool = False,
    ) -> None:
        session = rt.session
        max_steps = rt.limits.max_steps_per_sprint
        steps = 0
        while True:
            destination: Node | None = None
            pending = rt.pending_flow
            if starting:
                destination, starting = first_node, False
            elif pending is not None:
                rt.pending_flow = None
                if pending.terminal:  # the runs in play end: the new run takes their place
                    for run in reversed(list(session.stack)):
                        if not run.ended:
                            self._end_run(rt, run, COMPLETED)
                try:
                    current = self._new_run(
                        rt, pending.flow, pending.parent, pending.terminal, pending.parent_uuid
                    )
                except RunFailure as failure:
                    self._fail_run(rt, current, str(failure))
                    continue
                destination = pending.flow.nodes[0] if pending.flow.nodes else None
            elif exit_ is not None:
                if exit_.destination_uuid:
                    destination = current.flow.node(exit_.destination_uuid)
                    if destination is not None:
                        # the path segment, kept as its parts (see segment_json): goflow's
                        # segments join consecutive steps of the sprint, so after a sub-flow
                        # the "from" node is the child's last node
                        rt.segments.append((
                            current.flow.uuid,
                            node.uuid if node is not None else (rt.last_node_uuid or ""),
                            exit_.uuid, operand, destination.uuid, rt.now_ns(),
                        ))
                exit_, operand = None, None

            if destination is None:
                if current.exited_on is None:
                    self._end_run(rt, current, COMPLETED)
                parent = current.parent
                if parent is not None and parent.status == ACTIVE:
                    child, current = current, parent
                    rt.run = current
                    if child.status != FAILED:
                        parent_node = self.current_node(current)
                        if parent_node is not None:
                            exit_, operand = self.pick_exit(rt, current, parent_node)
                    else:  # a failure bubbles up through the run's ancestors
                        self._fail_run(rt, current, None)
                    continue
                session.status = FAILED if current.status == FAILED else COMPLETED
                return

            steps += 1
            if steps > max_steps:
                self._fail_run(
                    rt, current, f"Reached maximum number of steps per sprint ({max_steps})"
                )
                continue
            node = destination
            exit_, operand = self._visit(rt, current, node)
            if session.status == WAITING:
                return

    def _visit(self, rt: Runtime, run: Run, node: Node) -> tuple[Exit | None, str | None]:
        """Arrive at a node, run its actions, then wait or pick an exit."""
        rt.run = run
        arrived_on = rt.now()
        run.path.append(Step(node.uuid, arrived_on))
        run.modified_on = arrived_on
        rt.last_node_uuid = node.uuid
        if rt.input_unclaimed:  # a session started with input: its first run got it
            rt.input_unclaimed = False
            if rt.session.input is not None:
                self.record_input(rt, run)
        actions = node.actions
        if actions:
            rt.in_actions = True
            try:
                for action in actions:
                    try:
                        action.execute(rt)
                    except RunFailure as failure:
                        self._fail_run(rt, run, str(failure))
                    if run.status in ENDED:  # (run.ended) a failure, or a terminal enter_flow
                        return None, None
            finally:
                rt.in_actions = False
        if rt.pending_flow is not None:  # a sub-flow starts; this node routes when it ends
            return None, None
        router = node.router
        if router is None:
            return self._leave(rt, run, node, None)  # the first exit
        try:
            category = router.route(rt, run, node, True)
        except RunFailure as failure:
            self._fail_run(rt, run, str(failure))
            return None, None
        if category is WAIT:
            wait = router.wait
            if wait is not None:
                wait.begin(rt, run, node)
            run.status = WAITING
            run.modified_on = rt.now()
            rt.session.status = WAITING
            return None, None
        return self._leave(rt, run, node, category)

    def pick_exit(self, rt: Runtime, run: Run, node: Node) -> tuple[Exit | None, str | None]:
        """Route a node the run is already at (after a wait or a child run)."""
        router = node.router
        if router is None:
            return self._leave(rt, run, node, None)
        try:
            category = router.route(rt, run, node, False)
        except RunFailure as failure:
            self._fail_run(rt, run, str(failure))
            return None, None
        if category is WAIT:  # routing only waits on arrival; treat as no exit
            return None, None
        return self._leave(rt, run, node, category)

    @staticmethod
    def _leave(
        rt: Runtime, run: Run, node: Node, category: Category | None
    ) -> tuple[Exit | None, str | None]:
        exit_ = (node.exit(category.exit_uuid) if category is not None
                 else (node.exits[0] if node.exits else None))
        operand, rt.operand = rt.operand, None
        path = run.path
        step = path[-1] if path else None  # (run.current_step)
        if step is not None and exit_ is not None:
            step.exit_uuid = exit_.uuid
            step.value = operand
        return exit_, operand

    # -- runs ---------------------------------------------------------------------------------

    def _new_run(
        self, rt: Runtime, flow: Flow, parent: Run | None, terminal: bool = False,
        parent_uuid: str | None = None,
    ) -> Run:
        """A run of ``flow`` starts (a pending flow's, or a session's first: given as its
        parts, so starting a session makes no PendingFlow)."""
        session = rt.session
        if len(session.runs) >= rt.limits.max_runs_per_session:
            raise RunFailure(
                f"Reached maximum number of runs per session ({rt.limits.max_runs_per_session})"
            )
        run = rt.family.new_run(rt, flow, parent)
        run.modified_on = run.created_on
        session.push(run)
        rt.run = run
        if parent is not None:
            parent_uuid = parent.uuid
        event = rt.stamp_event(RUN_STARTED)
        event["flow"] = flow.ref
        event["run_uuid"] = run.uuid
        if parent_uuid is not None:
            event["parent_uuid"] = parent_uuid
        if terminal:
            event["terminal"] = True
        return run

    def _end_run(self, rt: Runtime, run: Run, status: str) -> None:
        run.status = status
        run.exited_on = run.modified_on = rt.now()
        event = rt.stamp_event(RUN_ENDED)
        event["run_uuid"] = run.uuid
        event["flow"] = run.flow.ref
        event["status"] = status
        rt.session.discard(run)

    def _fail_run(self, rt: Runtime, run: Run, text: str | None) -> None:
        """A run fails: the failure event (if there's a reason), then it ends as failed."""
        if text is not None:
            rt.new_event(FAILURE, text=text)
        if not run.ended:
            self._end_run(rt, run, FAILED)
