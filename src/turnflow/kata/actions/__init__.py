"""Kata's action types, one module each: ``text`` (also ``reply``), ``template`` (also
``image``), ``command``, ``api``, ``asyncApi``, ``method`` and ``schedule``.

:func:`compile_state_action` makes a state's action (a named action of the flow, or an action
type used directly with its options) into a core action, once, when the engine is made.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import model
from ..expressions import Calls, Expr
from ..js import JsHost
from ..runtime_errors import KataRuntimeError
from .api import ApiAction
from .async_api import AsyncApiAction
from .base import ActionType, StateActionStep, respond
from .command import CommandAction
from .method import MethodAction
from .schedule import ScheduleAction
from .template import ImageAction, TemplateAction
from .text import TextAction

# type -> (options, method, where, what, host) -> the type's handler
ACTION_TYPES: dict[str, Callable[..., ActionType]] = {
    "text": TextAction, "reply": TextAction,
    "template": TemplateAction, "image": ImageAction,
    "command": CommandAction,
    "api": ApiAction, "asyncApi": AsyncApiAction,
    "method": MethodAction,
    "schedule": ScheduleAction,
}  # fmt: skip


def compile_state_action(
    bot: model.Bot, flow: model.Flow, state: model.State, state_action: model.StateAction,
    index: int, calls: Calls, host: JsHost | None = None,
) -> StateActionStep:
    name = state_action.name
    what = f"flow '{flow.name}' state '{state.name}' action '{name}'"
    action = flow.actions.get(name)
    if action is None:
        if name not in ACTION_TYPES:
            raise KataRuntimeError(f"{what}: no action of that name in the flow, and it is not "
                                   "an action type", state_action.where)
        action = model.Action(name=name, type=name, where=state_action.where)
    factory = ACTION_TYPES.get(action.type)
    if factory is None:
        raise KataRuntimeError(f"{what}: unknown action type '{action.type}'", action.where)
    options = dict(action.options or {})
    if state_action.options:
        options.update(state_action.options)
    conditions = []
    for condition in (action.condition, state_action.condition):
        if condition is not None:
            conditions.append(Expr(condition.source, condition.where, f"{what} condition", host))
    handler = factory(options, action.method, action.where, what, host)
    return StateActionStep(
        f"{flow.name}:{state.name}:{index}", action.type, name, tuple(conditions), handler,
        state_action.where, flow.name, state.name,
    )  # fmt: skip


__all__ = ["ACTION_TYPES", "ActionType", "StateActionStep", "compile_state_action", "respond"]
