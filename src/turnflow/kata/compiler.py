"""A bot compiled once, when the engine is made: every expression and template compiled, every
NLU a classifier or attribute uses built with its options settled, and each flow's states
made into the engine core's graph.

A flow becomes a core :class:`~turnflow.core.graph.Flow` with one node per state (the
initial state first): the node's actions are the state's ``enter`` mapping, then its actions
(see :mod:`turnflow.kata.actions`); its exits lead to the states its transitions (and the
floating states' transitions) go to, and its router is the state's transitions
(:class:`~turnflow.kata.states.TransitionRouter`). An end state has no exits: reaching it ends
the run, which closes the flow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.graph import Category, Exit, Node
from ..core.graph import Flow as CoreFlow
from . import model
from .actions import compile_state_action
from .expressions import Calls, Expr
from .js import JsHost
from .nlu import NluCall, NluPlugin, build_nlu_call, label_table
from .runtime_errors import KataRuntimeError
from .session import META_PREFIX
from .states import EnterMapping, TransitionRouter

# where a mapping may write; config is read-only
MAPPING_ROOTS = frozenset({"context", "data", "payload", "attributes", "metadata"})


@dataclass(frozen=True, slots=True)
class CompiledClassifier:
    nlu: NluCall
    match: Any  # the label to match (None: any output that is there)
    table: tuple[dict[str, Any], Any, bool] | None  # KataML ``dict``
    process: tuple[str, ...]
    expression: Expr | None
    where: Any


@dataclass(frozen=True, slots=True)
class CompiledAttribute:
    name: str
    nlu: NluCall
    path: str | None
    table: tuple[dict[str, Any], Any, bool] | None
    process: tuple[str, ...]
    where: Any


@dataclass(frozen=True, slots=True)
class CompiledIntent:
    name: str
    flow: str
    type: str | None
    conditions: tuple[Expr, ...]
    classifiers: tuple[CompiledClassifier, ...]
    attributes: tuple[CompiledAttribute, ...]
    fallback: bool
    priority: float
    initial: bool
    order: int
    where: Any
    reads_context: bool = True  # its conditions read ``context`` (the flow's own scope)


@dataclass(frozen=True, slots=True)
class MappingEntry:
    root: str  # context, data, payload, attributes, metadata
    path: tuple[str, ...]  # below the root
    value: Expr
    where: Any


@dataclass(frozen=True, slots=True)
class CompiledMapping:
    """Mapping entries run in order, or a mapping method."""

    entries: tuple[MappingEntry, ...] = ()
    method: str | None = None
    where: Any = None
    what: str = ""  # where it sits, for errors ("flow 'x' state 'y' enter")


@dataclass(frozen=True, slots=True)
class CompiledTransition:
    target: str
    condition: Expr | None
    priority: float
    fallback: bool
    mapping: CompiledMapping | None
    floating: bool
    category: Category
    where: Any


@dataclass(slots=True)
class CompiledState:
    name: str
    flow: str
    initial: bool
    end: bool
    transit: CompiledMapping | None
    enter: CompiledMapping | None
    exit: CompiledMapping | None
    # conditioned transitions in the order they are tried (priority, then the file's order;
    # the floating states' after the state's own), then the fallback ones
    candidates: tuple[CompiledTransition, ...] = ()
    fallbacks: tuple[CompiledTransition, ...] = ()
    where: Any = None


@dataclass(slots=True)
class CompiledFlow:
    name: str
    model: model.Flow
    intents: tuple[CompiledIntent, ...]
    initial_intents: tuple[CompiledIntent, ...]
    states: dict[str, CompiledState]
    initial_state: str
    core: CoreFlow
    calls: Calls
    order: int
    methods: frozenset[str] = field(default_factory=frozenset)

    @property
    def active(self) -> bool:
        return self.model.active

    @property
    def volatile(self) -> bool:
        return self.model.volatile

    @property
    def fallback(self) -> bool:
        return self.model.fallback

    @property
    def priority(self) -> float:
        return self.model.priority

    @property
    def expire_ms(self) -> float | None:
        return self.model.expire


def compile_flow(
    bot: model.Bot, flow: model.Flow, order: int, calls: Calls, methods: frozenset[str],
    plugins: Mapping[str, NluPlugin], host: JsHost | None = None,
) -> CompiledFlow:
    """One flow of ``bot``, with ``calls`` calling the methods it sees (named ``methods``)."""
    nlu_calls: dict[tuple[Any, ...], NluCall] = {}
    arities = {m.name: len(m.params) for m in (*bot.methods.values(), *flow.methods.values())}

    def nlu_call(reference: str, options: Mapping[str, Any] | None, hint: str | None,
                 where: Any) -> NluCall:
        known = {**bot.nlus, **flow.nlus}
        call = build_nlu_call(reference, known, options, hint=hint, where=where,
                              plugins=plugins, arities=arities)
        # classifiers and attributes that use the same NLU share its output per message
        return nlu_calls.setdefault(call.key, call)

    intents = tuple(
        _intent(flow.name, intent, index, nlu_call, host) for index, intent in enumerate(
            flow.intents.values()))
    initial = flow.initial_state
    if initial is None:
        raise KataRuntimeError(f"flow '{flow.name}' has no initial state", flow.where)
    states = {name: _state(flow.name, state, host) for name, state in flow.states.items()}
    floats = [
        (name, _transition(flow.name, name, state.float, index, host, floating=True))
        for index, (name, state) in enumerate(flow.states.items()) if state.float is not None
    ]  # fmt: skip
    nodes = []
    for name, state in flow.states.items():
        compiled = states[name]
        own = [
            _transition(flow.name, name, transition, index, host)
            for index, transition in enumerate(state.transitions)
        ]
        for transition in own:
            if transition.target not in states:
                raise KataRuntimeError(
                    f"flow '{flow.name}' state '{name}': transition to unknown state "
                    f"'{transition.target}'", transition.where)
        every = own + [transition for source, transition in floats if source != name]
        conditioned = [t for t in every if not t.fallback]
        # priority first (higher wins), then the order written (a stable sort keeps it)
        conditioned.sort(key=lambda t: -t.priority)
        compiled.candidates = tuple(conditioned)
        compiled.fallbacks = tuple(t for t in every if t.fallback)
        actions = tuple(
            compile_state_action(bot, flow, state, state_action, index, calls, host)
            for index, state_action in enumerate(state.actions)
        )  # fmt: skip
        node_actions = (EnterMapping(f"{flow.name}:{name}:enter", compiled), *actions)
        if state.end:
            nodes.append(Node(name, node_actions, ()))
            continue
        targets: dict[str, Exit] = {}
        for transition in every:
            targets.setdefault(transition.target, Exit(transition.category.exit_uuid,
                                                       transition.target))
        router = TransitionRouter(compiled, tuple(t.category for t in every))
        nodes.append(Node(name, node_actions, tuple(targets.values()), router))
    nodes.sort(key=lambda node: node.uuid != initial.name)  # the initial state first
    core = CoreFlow(flow.name, flow.name, tuple(nodes), definition={"kata": flow})
    return CompiledFlow(
        name=flow.name, model=flow, intents=intents,
        initial_intents=tuple(intent for intent in intents if intent.initial),
        states=states, initial_state=initial.name, core=core, calls=calls, order=order,
        methods=methods,
    )  # fmt: skip


# -- intents ----------------------------------------------------------------------------------

NluFactory = Callable[[str, Mapping[str, Any] | None, str | None, Any], NluCall]


def _intent(flow: str, intent: model.Intent, order: int, nlu_call: NluFactory,
            host: JsHost | None) -> CompiledIntent:
    what = f"flow '{flow}' intent '{intent.name}'"
    conditions = tuple(
        Expr(condition.source, condition.where, f"{what} condition", host)
        for condition in intent.conditions
    )
    classifiers = []
    for classifier in intent.classifiers:
        where = classifier.where
        expression = None
        if classifier.expression is not None:
            expression = Expr(classifier.expression.source, classifier.expression.where,
                              f"{what} classifier expression", host)
        classifiers.append(CompiledClassifier(
            nlu=nlu_call(classifier.nlu, classifier.options, classifier.hint, where),
            match=classifier.match,
            table=label_table(classifier.dictionary) if classifier.dictionary else None,
            process=tuple(classifier.process), expression=expression, where=where,
        ))  # fmt: skip
    attributes = tuple(
        CompiledAttribute(
            name=name, nlu=nlu_call(spec.nlu, spec.options, spec.hint, spec.where),
            path=spec.path, table=label_table(spec.dictionary) if spec.dictionary else None,
            process=tuple(spec.process), where=spec.where,
        )
        for name, spec in intent.attributes.items()
    )  # fmt: skip
    return CompiledIntent(
        name=intent.name, flow=flow, type=intent.type, conditions=conditions,
        classifiers=tuple(classifiers), attributes=attributes, fallback=intent.fallback,
        priority=intent.priority or 0, initial=intent.initial, order=order, where=intent.where,
        reads_context=any("context" in c.compiled.names for c in conditions),
    )  # fmt: skip


# -- states -----------------------------------------------------------------------------------


def _state(flow: str, state: model.State, host: JsHost | None) -> CompiledState:
    what = f"flow '{flow}' state '{state.name}'"
    return CompiledState(
        name=state.name, flow=flow, initial=state.initial, end=state.end,
        transit=compile_mapping(state.transit, f"{what} transit", host),
        enter=compile_mapping(state.enter, f"{what} enter", host),
        exit=compile_mapping(state.exit, f"{what} exit", host),
        where=state.where,
    )  # fmt: skip


def _transition(flow: str, source: str, transition: model.Transition, index: int,
                host: JsHost | None, floating: bool = False) -> CompiledTransition:
    what = f"flow '{flow}' state '{source}' transition to '{transition.target}'"
    condition = None
    if transition.condition is not None and not transition.fallback:
        condition = Expr(transition.condition.source, transition.condition.where,
                         f"{what}: condition", host)
    uuid = f"{source}>{transition.target}"
    return CompiledTransition(
        target=transition.target, condition=condition, priority=transition.priority or 0,
        fallback=transition.fallback,
        mapping=compile_mapping(transition.mapping, f"{what}: mapping", host),
        floating=floating or transition.floating,
        category=Category(uuid, transition.target, uuid), where=transition.where,
    )  # fmt: skip


def compile_mapping(mapping: model.StateMapping | None, what: str, host: JsHost | None = None
                    ) -> CompiledMapping | None:
    if mapping is None:
        return None
    if mapping.method:
        return CompiledMapping(method=mapping.method, where=mapping.where, what=what)
    entries = []
    for entry in mapping.entries:
        parts = tuple(part for part in entry.target.split(".") if part)
        if len(parts) < 2 or parts[0] not in MAPPING_ROOTS:
            raise KataRuntimeError(
                f"{what}: a mapping writes to context.*, data.*, payload.*, attributes.* or "
                f"metadata.*, not {entry.target!r}", entry.where)
        if parts[0] == "context" and parts[1].startswith(META_PREFIX):
            raise KataRuntimeError(
                f"{what}: {entry.target!r} is meta context, which is read-only", entry.where)
        entries.append(MappingEntry(parts[0], parts[1:], Expr(
            entry.value.source, entry.value.where, f"{what} {entry.target}", host), entry.where))
    return CompiledMapping(tuple(entries), None, mapping.where, what)


__all__ = [
    "CompiledAttribute", "CompiledClassifier", "CompiledFlow", "CompiledIntent",
    "CompiledMapping", "CompiledState", "CompiledTransition", "MappingEntry", "compile_flow",
    "compile_mapping",
]  # fmt: skip
