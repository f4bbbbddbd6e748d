"""State mapping: how a message moves a flow from its state to the next one, in the order the
Kata docs give:

1. the state's ``transit`` mapping;
2. the first transition whose condition holds (higher ``priority`` first, then the order
   they are written; the floating states' transitions after the state's own), else its
   ``fallback`` transition;
3. the chosen transition's ``mapping``;
4. the state's ``exit`` mapping (``context.$to`` names the next state);
5. the next state's ``enter`` mapping (``context.$from`` names the state left), then its
   actions.

Steps 1-4 are the state's router (:class:`TransitionRouter`, asked by the core flow loop when
the flow takes a message); step 5 is the first action of the next state's node
(:class:`EnterMapping`). ``context.$start`` / ``context.$end`` say whether the state being
mapped is the initial / an end state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.graph import WAIT, Category, Node, Waiting
from .js import UNDEFINED
from .runtime_errors import KataRuntimeError
from .session import META_PREFIX, KataRun

if TYPE_CHECKING:
    from ..core.runtime import Runtime
    from ..core.session import Run
    from .compiler import CompiledMapping, CompiledState, CompiledTransition


@dataclass(eq=False, slots=True)
class TransitionRouter:
    """A state's transitions: the state waits when reached; the next message routes it."""

    state: CompiledState
    categories: Sequence[Category]
    wait: None = None

    def route(self, rt: Runtime, run: Run, node: Node, arriving: bool) -> Category | Waiting:
        if arriving:
            return WAIT
        assert isinstance(run, KataRun)
        return map_state(rt, run, self.state).category


class EnterMapping:
    """The first action of a state's node: the state is entered (its ``enter`` mapping runs,
    and the ``result`` of earlier actions is forgotten)."""

    type = "enter"
    __slots__ = ("uuid", "state")

    def __init__(self, uuid: str, state: CompiledState) -> None:
        self.uuid = uuid
        self.state = state

    def execute(self, rt: Runtime) -> None:
        st = rt.state
        run = rt.run
        assert isinstance(run, KataRun)
        state = self.state
        source = st.state_meta.get("$from")
        st.state = state.name
        st.state_meta = {"$start": state.initial, "$end": state.end}
        if source is not None:
            st.state_meta["$from"] = source
        st.result = UNDEFINED
        if state.enter is not None:
            run_mapping(rt, run, state.enter)

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "state": self.state.name}


def map_state(rt: Runtime, run: KataRun, state: CompiledState) -> CompiledTransition:
    """Steps 1-4 for ``run`` at ``state``: the transition taken (its mappings done)."""
    st = rt.state
    st.state = state.name
    st.state_meta = {"$start": state.initial, "$end": state.end}
    if state.transit is not None:
        run_mapping(rt, run, state.transit)
    chosen = select_transition(rt, run, state)
    if chosen is None:
        raise KataRuntimeError(
            f"flow '{state.flow}' state '{state.name}': no transition holds and the state has "
            "no fallback transition", state.where)
    if chosen.mapping is not None:
        run_mapping(rt, run, chosen.mapping)
    if state.exit is not None:
        st.state_meta = {"$start": state.initial, "$end": state.end, "$to": chosen.target}
        run_mapping(rt, run, state.exit)
    st.state_meta = {"$from": state.name}
    return chosen


def select_transition(rt: Runtime, run: KataRun, state: CompiledState
                      ) -> CompiledTransition | None:
    family = rt.family
    scope = None
    for transition in state.candidates:
        condition = transition.condition
        if condition is None:
            return transition
        if scope is None:
            scope = family.scope(rt, run)
        if condition.holds(scope, family.calls_of(run), family.warner(rt)):
            return transition
    return state.fallbacks[0] if state.fallbacks else None


# -- mappings ---------------------------------------------------------------------------------


def run_mapping(rt: Runtime, run: KataRun, mapping: CompiledMapping) -> None:
    """Update context, data (and the message's payload, attributes, metadata) by a mapping:
    its entries in order (each sees what the ones before it wrote), or its method."""
    family = rt.family
    if mapping.method is not None:
        run_mapping_method(rt, run, mapping)
        return
    scope = family.scope(rt, run)
    calls = family.calls_of(run)
    for entry in mapping.entries:
        value = entry.value.value(scope, calls)
        container = _container(rt, run, entry.root)
        write_path(container, entry.path, value)
        if entry.root == "context":  # the scope's context is a view: bring it up to date
            top = entry.path[0]
            if top in run.context:
                scope["context"][top] = run.context[top]
            else:
                scope["context"].pop(top, None)
        else:
            scope[entry.root] = container


def run_mapping_method(rt: Runtime, run: KataRun, mapping: CompiledMapping) -> None:
    """A mapping method gets ``ctx`` (``intent``, ``attributes``, ``content``, ``payload``,
    ``type``, ``metadata``, ``context``, ``data``, ``config``) and returns it changed."""
    family = rt.family
    scope = family.scope(rt, run)
    ctx = {name: value for name, value in scope.items() if value is not UNDEFINED
           and name != "result"}
    returned, after = family.call_method(run, mapping.method, [ctx], _at(mapping),
                                         mutating=True)
    # (the docs' methods change ctx and return it; one that returns nothing changed it)
    changed = returned if isinstance(returned, dict) else (after[0] if after else None)
    if isinstance(changed, dict):
        apply_returned(rt, run, changed)


def _at(mapping: CompiledMapping) -> str:
    return f"{mapping.where}: {mapping.what}" if mapping.where is not None else mapping.what


def apply_returned(rt: Runtime, run: KataRun, returned: dict[str, Any]) -> None:
    """Take ``context``, ``data`` (and the message's parts) from what a method returned."""
    for root in ("context", "data", "payload", "attributes", "metadata"):
        value = returned.get(root)
        if not isinstance(value, dict):
            continue
        container = _container(rt, run, root)
        if value is container:
            continue
        fresh = {key: stored(item) for key, item in value.items()
                 if item is not UNDEFINED and not (root == "context" and key.startswith(
                     META_PREFIX))}
        container.clear()
        container.update(fresh)


def _container(rt: Runtime, run: KataRun, root: str) -> dict[str, Any]:
    if root == "context":
        return run.context
    if root == "data":
        return rt.session.data
    message = rt.state.message
    container = message.get(root)
    if not isinstance(container, dict):
        container = message[root] = {}
    return container


def write_path(container: dict[str, Any], path: Sequence[str], value: Any) -> None:
    """``container[path...] = value``, making the objects on the way; undefined removes."""
    for part in path[:-1]:
        inner = container.get(part)
        if not isinstance(inner, dict):
            inner = container[part] = {}
        container = inner
    if value is UNDEFINED:
        container.pop(path[-1], None)
    else:
        container[path[-1]] = stored(value)


def stored(value: Any) -> Any:
    """A value as the session keeps it: a copy (no sharing between context and data), with
    undefined left out of objects and null in arrays, as JSON would keep it."""
    if isinstance(value, dict):
        return {key: stored(item) for key, item in value.items() if item is not UNDEFINED}
    if isinstance(value, list):
        return [None if item is UNDEFINED else stored(item) for item in value]
    return value
