"""Rasa flows compiled into the engine core's graph: one node per step (inline ``then`` /
``else`` steps included), its router the step's ``next``.

A node's id is the step's id; its exits lead to the step's possible successors, one per
``next`` branch (in order, the ``else`` last) or the one static target; a target of ``END``
(or no following step) is an exit without a destination, which ends the run. What a step
*does* (utter, set slots, ask through ``pattern_collect_information``, call, link) is the
action the family gives for its kind (``actions_for``), so this module knows only the shape.

>>> from turnflow.rasa.flows import ActionStep, RasaFlow
>>> flow = compile_flow(RasaFlow("greet", "Greets.", (
...     ActionStep("greet_0_utter_hello", action="utter_hello"),
...     ActionStep("greet_1_utter_bye", action="utter_bye"))), lambda step: ())
>>> [node.uuid for node in flow.nodes]
['greet_0_utter_hello', 'greet_1_utter_bye']
>>> [exit_.destination_uuid for node in flow.nodes for exit_ in node.exits]
['greet_1_utter_bye', None]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..core.graph import WAIT, Action, Category, Exit, Flow, Node, Waiting
from ..errors import TurnflowError
from .flows import END, Branch, LinkStep, RasaFlow, Step

if TYPE_CHECKING:
    from ..core.runtime import Runtime
    from ..core.session import Run

# what a step does, as core actions (given by the family: it knows responses and slots)
ActionsFor = Callable[[Step], tuple[Action, ...]]


# Rasa's flow circuit breaker: at most this many steps between two actions
MAX_STEPS_WITHOUT_ACTION = 250


class FlowCompileError(TurnflowError):
    """A flow whose steps don't form a graph (a ``next`` to a step that isn't there)."""


@dataclass(frozen=True, slots=True)
class CompiledBranch:
    """A router's branch: its condition (a predicate text, a bool, or None for the else /
    the one static target) and the category that leads to the target."""

    condition: str | bool | None
    category: Category


@dataclass(eq=False, slots=True)
class NextRouter:
    """Routes a step by its ``next``: the first branch whose condition holds (the family's
    evaluator checks it); a static target always holds. With no branch holding, the run
    ends (Rasa treats a missing ``else`` as the end of the flow)."""

    branches: tuple[CompiledBranch, ...]
    wait: None = None

    @property
    def categories(self) -> tuple[Category, ...]:
        return tuple(branch.category for branch in self.branches)

    def route(self, rt: Runtime, run: Run, node: Node, arriving: bool
              ) -> Category | Waiting | None:
        if arriving and rt.state is not None:  # one more step (a Rasa sprint counts them)
            state = rt.state
            state.steps += 1
            if state.tripped is None and state.steps > MAX_STEPS_WITHOUT_ACTION:
                state.tripped = f"more than {MAX_STEPS_WITHOUT_ACTION} steps without an action"
            if state.tripped is not None or state.resuming is not None or (
                    state.failed is not None):
                # the flows stop here: past Rasa's limits, the stack changes, or an action
                # failed
                return WAIT
        check = rt.check
        for branch in self.branches:
            condition = branch.condition
            if condition is None or condition is True:
                return branch.category
            if condition is False:
                continue
            if check(condition):
                return branch.category
        return None if not self.branches else _END_CATEGORY


# a category whose exit has no destination: the run ends (see NextRouter.route)
_END_CATEGORY = Category("END", "END", "END")


def compile_flow(flow: RasaFlow, actions_for: ActionsFor) -> Flow:
    """The core flow for a Rasa flow: its steps in order (inline ones after the step list
    they belong to, depth first), the first step first."""
    nodes: list[Node] = []
    for step, following in _walk(flow.steps, END):
        nodes.append(_node(step, following, actions_for))
    compiled = Flow(flow.id, flow.readable_name, tuple(nodes), definition={"flow": flow})
    known = {node.uuid for node in nodes}
    for node in nodes:
        for exit_ in node.exits:
            if exit_.destination_uuid is not None and exit_.destination_uuid not in known:
                raise FlowCompileError(
                    f"flow '{flow.id}': step '{node.uuid}' goes to step "
                    f"'{exit_.destination_uuid}', which is not in the flow"
                )
    return compiled


def _walk(steps: Sequence[Step], after: str) -> Iterator[tuple[Step, str]]:
    """Every step with the id of the step that follows it when it has no ``next`` (the
    next in its list, else what follows the list); inline branch steps after their list."""
    inline: list[tuple[Sequence[Step], str]] = []
    for index, step in enumerate(steps):
        following = steps[index + 1].id if index + 1 < len(steps) else after
        yield step, following
        if step.next is not None:
            for branch in step.next.branches:
                if isinstance(branch.target, tuple):
                    # an inline list's last step must say where it goes (Rasa requires it);
                    # if it doesn't, it ends the flow
                    inline.append((branch.target, END))
    for block, block_after in inline:
        yield from _walk(block, block_after)


def _node(step: Step, following: str, actions_for: ActionsFor) -> Node:
    branches: list[tuple[str | bool | None, str]] = []
    if isinstance(step, LinkStep):
        branches.append((None, END))  # a link is the last step of its branch
    elif step.next is None:
        branches.append((None, following))
    elif step.next.branches:
        branches.extend((branch.condition, _target_id(branch)) for branch in step.next.branches)
    else:
        branches.append((None, step.next.target or following))
    exits: list[Exit] = []
    compiled: list[CompiledBranch] = []
    for number, (condition, target) in enumerate(branches):
        exit_uuid = f"{step.id}:{number}"
        exits.append(Exit(exit_uuid, None if target == END else target))
        category = Category(f"{step.id}:{number}", target, exit_uuid)
        compiled.append(CompiledBranch(condition, category))
    return Node(step.id, actions_for(step), tuple(exits), NextRouter(tuple(compiled)))


def _target_id(branch: Branch) -> str:
    target = branch.target
    if isinstance(target, tuple):
        return target[0].id if target else END
    return target
