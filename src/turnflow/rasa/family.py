"""Rasa CALM as a family of the engine core: a project's flows (and the default patterns)
compiled into the core graph, the dialogue stack on the session's run stack, slots on the
session, responses and actions run as Rasa runs them, and the policy that turns each user
message into commands (:mod:`turnflow.rasa.policy`).

:class:`~turnflow.rasa.engine.RasaEngine` is the public way in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..core.engine import Engine
from ..core.family import BaseFamily
from ..core.graph import WAIT, Category, Flow, Node, Waiting
from ..core.loop import RunFailure
from ..core.runtime import Runtime
from ..core.session import Run
from .actions import CallAction, CollectAction, LinkAction, RunAction, SetSlotsAction
from .builtin_names import DEFAULT_ACTIONS, LANGUAGE_SLOT
from .commands import options_text
from .compiler import NextRouter, compile_flow
from .custom_actions import normalise
from .domain import Domain, Slot
from .evaluator import RasaEvaluator
from .events import ACTION_EXECUTED, BOT_UTTERED, FLOW_CANCELLED, SLOT_SET
from .flows import (
    ActionStep,
    CallStep,
    CollectStep,
    LinkStep,
    RasaFlow,
    SetSlotsStep,
    Step,
    all_steps,
)
from .patterns import default_patterns
from .policy import RasaPolicy, start_validation
from .predicates import PredicateError, compile_condition, compile_predicate
from .project import RasaProject
from .responses import bot_message, generate
from .session import PATTERN, RasaRun, RasaSession
from .slot_filling import fillable_slots
from .slots import Rejected, check_value, coerce_value, stored_value
from .understanding import CommandGenerator, NluCommandGenerator

# a custom action: given the runtime view of the conversation, returns events (dicts such as
# {"event": "slot", "name": "x", "value": 1}) and responses ({"response": "utter_x"} or
# {"text": "..."})
CustomAction = Callable[[dict[str, Any]], dict[str, Any]]

LISTEN = "action_listen"
# Rasa's message processor runs at most 1000 actions a turn (the flow executor's own limit,
# 250 steps between two actions, is counted by the compiled steps' router)
MAX_ACTIONS_PER_TURN = 1000
HANGUP = "action_hangup"


@dataclass(slots=True)
class RasaSprint:
    """What a Rasa sprint keeps while it runs (fresh each sprint)."""

    pending_frame: tuple[str, dict[str, Any]] | None = None  # the next run's frame
    links: list[tuple[RasaRun, str]] = field(default_factory=list)  # (ending run, flow id)
    steps: int = 0  # steps since the last action (Rasa's circuit breaker counts these)
    actions: int = 0  # actions run this turn
    tripped: str | None = None  # why the circuit breaker stopped the flows, once it has
    resuming: str | None = None  # a flow to bring back to the top (the flows stop meanwhile)
    failed: str | None = None  # an action that failed (the flows stop, see RasaPolicy.advance)
    # the stack as it was when the last action ran (or when the message's commands were
    # done): what Rasa cancels when the next action fails (see RasaPolicy._action_failed)
    stack_at_last_action: list[RasaRun] = field(default_factory=list)
    # corrected slots whose own validation starts once the next action has run
    validate_after_action: list[str] = field(default_factory=list)


class ActionFailed(Exception):
    """An action fails where Rasa's raises: its events are lost, and Rasa's message
    processor cancels the flow in progress and starts ``pattern_internal_error``."""


class ListenWait:
    """``action_listen``: the frame waits for the user's next message."""

    def begin(self, rt: Runtime, run: Run, node: Node) -> None:
        rt.family.action_executed(rt, LISTEN)


@dataclass(eq=False, slots=True)
class ListenRouter:
    """A listen step: it waits when reached, and routes by its ``next`` once resumed."""

    inner: NextRouter
    wait: ListenWait = field(default_factory=ListenWait)

    @property
    def categories(self) -> tuple[Category, ...]:
        return self.inner.categories

    def route(self, rt: Runtime, run: Run, node: Node, arriving: bool) -> Category | Waiting | None:
        if arriving:
            return WAIT
        return self.inner.route(rt, run, node, arriving)


@dataclass(eq=False, slots=True)
class HangupRouter:
    """An ``action_hangup`` step: once the session has ended nothing runs after it (the frame
    stays on the stack, as in Rasa)."""

    inner: NextRouter
    wait: Any = None

    @property
    def categories(self) -> tuple[Category, ...]:
        return self.inner.categories

    def route(self, rt: Runtime, run: Run, node: Node, arriving: bool) -> Category | Waiting | None:
        if arriving and getattr(rt.session, "terminated", False):
            return WAIT
        return self.inner.route(rt, run, node, arriving)


class RasaFamily(BaseFamily):
    name = "rasa"

    def __init__(
        self,
        project: RasaProject,
        *,
        custom_actions: Mapping[str, CustomAction] | None = None,
        random: Any = None,
        channel: str | None = None,
        command_generator: CommandGenerator | None = None,
    ) -> None:
        pattern_domain, pattern_flows = default_patterns()
        self.project = project
        self.domain = merged_domain(pattern_domain, project.domain)
        self.domain.slots.setdefault(LANGUAGE_SLOT, language_slot(project.config))
        self.rasa_flows: dict[str, RasaFlow] = {**pattern_flows, **project.flows}
        # each flow's steps (inline ones too) by id, walked once
        self.steps: dict[str, dict[str, Step]] = {
            fid: {step.id: step for step in all_steps(flow.steps)}
            for fid, flow in self.rasa_flows.items()
        }
        super().__init__({fid: self._compile(flow) for fid, flow in self.rasa_flows.items()})
        self.custom_actions = dict(custom_actions or {})
        self.random = random
        self.channel = channel
        self.evaluator = RasaEvaluator()
        self.policy = RasaPolicy(self)
        # intent -> the flows whose nlu_trigger names it, with the confidence each needs
        self.intent_triggers: dict[str, list[tuple[str, float]]] = {}
        for flow in self.rasa_flows.values():
            for trigger in flow.nlu_trigger:
                self.intent_triggers.setdefault(trigger.intent, []).append(
                    (flow.id, trigger.confidence_threshold or 0.0))
        self._reset_slots: dict[str, frozenset[str]] = {}
        # the slots an intent's entities may fill (see slot_filling)
        self.fillable_slots = fillable_slots(self.rasa_flows.values())
        self.command_generator: CommandGenerator = command_generator or NluCommandGenerator(
            project, self.rasa_flows, self.domain.slots
        )

    # -- compiling ------------------------------------------------------------------------------

    def _compile(self, flow: RasaFlow) -> Flow:
        compiled = compile_flow(flow, actions_for)
        nodes = []
        for node in compiled.nodes:
            step = self.steps[flow.id].get(node.uuid)
            if isinstance(step, ActionStep) and step.action == LISTEN:
                node = replace(node, actions=(), router=ListenRouter(node.router))
            elif isinstance(step, ActionStep) and step.action == HANGUP:
                node = replace(node, router=HangupRouter(node.router))
            nodes.append(node)
        return Flow(compiled.uuid, compiled.name, tuple(nodes), definition=compiled.definition)

    def triggered_flow(self, intent: str, confidence: float) -> str | None:
        """The flow an intent starts: the first whose ``nlu_trigger`` names it with a
        ``confidence_threshold`` the intent's confidence reaches (Rasa's NLUTrigger)."""
        for flow_id, threshold in self.intent_triggers.get(intent, ()):
            if confidence >= threshold:
                return flow_id
        return None

    # -- the core's hooks -----------------------------------------------------------------------

    def new_session(
        self, engine: Engine, contact: Any, flow: Flow | None, start: Any
    ) -> RasaSession:
        slots = {name: slot.initial_value for name, slot in self.domain.slots.items()}
        return RasaSession(
            uuid=engine.uuids.new_v7(), type="messaging", created_on=engine.clock.now_time(),
            trigger={}, contact=contact, slots=slots,
        )  # fmt: skip

    def restart(self, session: RasaSession) -> None:
        """After ``action_restart``: no frames, every slot at its initial value, and nothing
        of the turn kept (Rasa's tracker forgets what came before its restart)."""
        session.restarting = False
        session.runs, session.stack = [], []
        session.slots = {name: slot.initial_value for name, slot in self.domain.slots.items()}
        session.slots_set = set()

    def new_run(self, rt: Runtime, flow: Flow, parent: Run | None) -> RasaRun:
        frame_type, context = rt.state.pending_frame or ("regular", {})
        rt.state.pending_frame = None
        return RasaRun(
            uuid=rt.new_uuid(), flow=flow, created_on=rt.now(), parent=parent,
            frame_type=frame_type, context=context,
        )  # fmt: skip

    def begin_sprint(self, rt: Runtime) -> RasaSprint:
        return RasaSprint()

    def sprint_state(self, rt: Runtime) -> RasaSprint:
        return RasaSprint()

    # -- frames ---------------------------------------------------------------------------------

    def rasa_flow(self, flow_id: str) -> RasaFlow | None:
        return self.rasa_flows.get(flow_id)

    def start_frame(
        self, rt: Runtime, flow_id: str, frame_type: str, context: dict[str, Any],
        parent: Run | None = None,
    ) -> RasaRun | None:
        """Start a frame of ``flow_id`` on top of the stack (inside a step's actions it starts
        once the step's actions are done, as a child of ``parent``)."""
        flow = self.flow(flow_id)
        if flow is None:
            rt.error(f"flow '{flow_id}' is not in the project", code="flow")
            return None
        rt.state.pending_frame = (frame_type, context)
        try:
            run = rt.engine.loop.start_run(rt, flow, parent=parent)
        except RunFailure as failure:  # too many frames: the flows loop
            rt.state.pending_frame = None
            rt.state.tripped = rt.state.tripped or str(failure)
            return None
        return run  # type: ignore[return-value]

    def frame_context(self, run: Run) -> dict[str, Any]:
        """``context`` as Rasa shows it for a frame: its flow, step and type, its own fields;
        a collect pattern also sees the frame below it."""
        context: dict[str, Any] = {}
        if isinstance(run, RasaRun) and run.flow.uuid == "pattern_collect_information":
            below = run.parent
            if below is not None:
                context.update(self.frame_context(below))
        step = run.path[-1].node_uuid if run.path else "START"
        context.update(flow_id=run.flow.uuid, step_id=step, frame_id=run.uuid)
        if isinstance(run, RasaRun):
            context["frame_type"] = run.frame_type
            context.update(run.context)
        return context

    def guard_holds(self, flow_id: str, context: Mapping[str, Any],
                    slots: Mapping[str, Any]) -> bool:
        """Whether a flow may be started now: no guard (``if:``), the flow is the one on top,
        or its guard holds over the top frame's context and the slots (an error: no)."""
        flow = self.rasa_flows.get(flow_id)
        if flow is None:
            return False
        if flow.guard is None or context.get("flow_id") == flow_id:
            return True
        try:
            guard = compile_predicate(flow.guard)
            return bool(guard.evaluate({"context": dict(context), "slots": dict(slots)}))
        except PredicateError:
            return False

    # -- slots ----------------------------------------------------------------------------------

    def set_slot(self, rt: Runtime, name: str, value: Any) -> None:
        """Set a slot: it holds the value as its type stores it, and the event records the
        value as given (as Rasa's SlotSet does: a custom action's ``Gold`` for a categorical
        slot of ``gold``)."""
        slot = self.domain.slots.get(name)
        rt.session.slots[name] = stored_value(slot, value) if slot is not None else value
        rt.session.slots_set.add(name)
        event = rt.stamp_event(SLOT_SET)
        event["name"] = name
        event["value"] = value

    def coerce(self, name: str, value: Any) -> Any:
        slot = self.domain.slots.get(name)
        return coerce_value(slot, value) if slot is not None else value

    def reset_slots_of(self, rt: Runtime, run: Run) -> None:
        """A flow ended (not a called one): the slots its steps (and the flows it called)
        collected or set go back to their initial values, but for persisted ones."""
        flow = self.rasa_flows.get(run.flow.uuid)
        if flow is None:
            return
        for name in sorted(self._slots_to_reset(flow)):
            slot = self.domain.slots.get(name)
            # (set even when it holds that value already: Rasa records every reset)
            self.set_slot(rt, name, slot.initial_value if slot is not None else None)

    def _slots_to_reset(self, flow: RasaFlow) -> frozenset[str]:
        known = self._reset_slots.get(flow.id)
        if known is None:
            names: set[str] = set()
            kept: set[str] = set(flow.persisted_slots)
            seen: set[str] = set()
            self._collect_slot_names(flow, names, kept, seen)
            known = self._reset_slots[flow.id] = frozenset(names - kept)
        return known

    def _collect_slot_names(
        self, flow: RasaFlow, names: set[str], kept: set[str], seen: set[str]
    ) -> None:
        if flow.id in seen:
            return
        seen.add(flow.id)
        for step in self.steps[flow.id].values():
            if isinstance(step, CollectStep):
                (names if step.reset_after_flow_ends else kept).add(step.collect)
            elif isinstance(step, SetSlotsStep):
                names.update(name for name, _ in step.slots)
            elif isinstance(step, CallStep):
                called = self.rasa_flows.get(step.call)
                if called is not None:
                    kept.update(called.persisted_slots)
                    self._collect_slot_names(called, names, kept, seen)

    # -- actions and responses ------------------------------------------------------------------

    def action_executed(self, rt: Runtime, name: str) -> None:
        rt.stamp_event(ACTION_EXECUTED)["name"] = name

    def run_action(self, rt: Runtime, name: str) -> None:
        """Run an action by name, as Rasa would."""
        self._run_action(rt, name)
        state = rt.state
        if state is None or state.failed is not None:
            return
        state.stack_at_last_action = list(rt.session.stack)
        if state.validate_after_action and name != "action_correct_flow_slot":
            # (Rasa's processor checks corrected slots when it runs the action after the
            # correction, and puts their validation on top once that action is done)
            names, state.validate_after_action = state.validate_after_action, []
            for slot_name in names:
                start_validation(self, rt, slot_name)

    def _run_action(self, rt: Runtime, name: str) -> None:
        if name == "action_session_start" and rt.session.turns:  # (started already)
            return
        if name in self.domain.responses or name in DEFAULT_ACTIONS or name in self.custom_actions:
            # an action runs: Rasa's step count starts again, its action count goes up
            state = rt.state
            state.steps = 0
            state.actions += 1
            if state.actions > MAX_ACTIONS_PER_TURN and state.tripped is None:
                state.tripped = f"more than {MAX_ACTIONS_PER_TURN} actions in one turn"
        if name in self.domain.responses:
            self.utter(rt, name)
            return
        default = DEFAULT_ACTION_RUNNERS.get(name)
        if default is not None:
            self.action_executed(rt, name)
            try:
                default(self, rt)
            except ActionFailed as failure:
                self._failed(rt, f"action '{name}' failed: {failure}")
            return
        custom = self.custom_actions.get(name)
        if custom is not None:
            self.action_executed(rt, name)
            self._run_custom(rt, name, custom)
            return
        if name in DEFAULT_ACTIONS:
            self.action_executed(rt, name)  # a default action with nothing to do here
            return
        if name.startswith("validate_") or name.startswith("action_ask_"):
            if name not in self.domain.actions:
                return  # optional: Rasa skips these silently when they don't exist
        if name in self.domain.actions:
            # (Rasa asks its action server, and with none to answer the action fails)
            self.action_executed(rt, name)
            self._failed(rt, f"custom action '{name}' is not registered (no actions module "
                         "of the project defines it): it fails")
            return
        rt.warning(f"action '{name}' is not in the domain: skipped", code="action")

    def _failed(self, rt: Runtime, why: str) -> None:
        """The action that runs fails: the flows stop after this step and the policy
        handles it (``RasaPolicy._action_failed``)."""
        rt.warning(why, code="action")
        rt.state.failed = why

    def utter(self, rt: Runtime, name: str, extra: Mapping[str, Any] | None = None) -> None:
        run = rt.run
        context = self.frame_context(run) if run is not None else {}
        message = generate(
            name, self.domain.responses, rt.session.slots, condition_holds,
            channel=self.channel, context=context, extra=extra, random=self.random,
        )  # fmt: skip
        if message is None:
            rt.warning(f"response '{name}' is not in the domain", code="response")
            return
        bot = bot_message(
            message, name, active_flow=context.get("flow_id"), step_id=context.get("step_id")
        )
        event = rt.stamp_event(BOT_UTTERED)
        event["utter_action"] = name
        event.update(bot)

    def run_slot_filling_action(self, rt: Runtime, name: str) -> None:
        """A custom action run to fill slots (``run_action_every_turn``): its slot events
        and messages count, nothing is recorded as an action run, and if it fails (no code,
        or it raises) the turn goes on with a warning, as Rasa's slot filling does."""
        action = self.custom_actions.get(name)
        if action is None:
            rt.warning(f"custom action '{name}' (run_action_every_turn) is not registered: "
                       "skipped", code="action")
            return
        self._run_custom(rt, name, action, fail=False)

    def _run_custom(self, rt: Runtime, name: str, action: CustomAction,
                    fail: bool = True) -> None:
        """Run a custom action: its slot events, then its messages. An action that raises
        fails as one whose action server answers with an error does in Rasa: its events
        are lost, ``pattern_internal_error`` runs and the flow in progress is cancelled."""
        session = rt.session
        tracker = {
            "slots": dict(session.slots), "latest_message": rt.input,
            "sender_id": (session.contact or {}).get("sender"),
            "active_flow": rt.run.flow.uuid if rt.run is not None else None,
        }
        try:
            result = normalise(action(tracker))
        except Exception as error:  # the project's code: report it, don't stop the bot
            why = f"custom action '{name}' failed: {type(error).__name__}: {error}"
            if fail:
                self._failed(rt, why)
            else:
                rt.warning(why, code="action")
            return
        for item in result["events"]:
            if item.get("event") == "slot" and isinstance(item.get("name"), str):
                self.set_slot(rt, item["name"], item.get("value"))
        for item in result["responses"]:
            if item.get("response"):
                self.utter(rt, item["response"])
            elif item.get("text") is not None:
                event = rt.stamp_event(BOT_UTTERED)
                event["utter_action"] = None  # Rasa names no response for a bare text
                data = {"buttons": list(item["buttons"])} if item.get("buttons") else {}
                event.update({"text": item["text"], "data": data, "metadata": {}})


def condition_holds(condition: str, slots: Mapping[str, Any]) -> bool:
    """A response variant's condition (Rasa renders it with the slots, and an error in it
    counts as false)."""
    try:
        variables = {"slots": dict(slots)}
        return compile_condition(condition, variables).evaluate(variables)
    except PredicateError:
        return False


def actions_for(step: Step) -> tuple[Any, ...]:
    """The core actions of a step (see :mod:`turnflow.rasa.actions`)."""
    if isinstance(step, ActionStep):
        return (RunAction(step.id, step.action),)
    if isinstance(step, CollectStep):
        return (CollectAction(step.id, step),)
    if isinstance(step, SetSlotsStep):
        return (SetSlotsAction(step.id, step),)
    if isinstance(step, CallStep):
        return (CallAction(step.id, step),)
    if isinstance(step, LinkStep):
        return (LinkAction(step.id, step),)
    return ()


def merged_domain(patterns: Domain, project: Domain) -> Domain:
    """The project's domain with the patterns' slots and responses it doesn't define."""
    return replace(
        project,
        slots={**patterns.slots, **project.slots},
        responses={**patterns.responses, **project.responses},
    )


def language_slot(config: Mapping[str, Any] | None) -> Slot:
    """Rasa's own ``language`` slot: a categorical slot of the languages config.yml names,
    set to its ``language`` at the start."""
    config = config or {}
    language = config.get("language")
    values = list(config.get("additional_languages") or [])
    if language and language not in values:
        values.append(language)
    return Slot(LANGUAGE_SLOT, "strict_categorical", initial_value=language,
                values=tuple(values))


# -- Rasa's default actions -------------------------------------------------------------------


def _run_slot_rejections(family: RasaFamily, rt: Runtime) -> None:
    """The collect pattern's first step: the slot's type check, then the step's rejections
    (each sees only the collected slot); a violation utters its response and empties the
    slot."""
    run = rt.run
    assert isinstance(run, RasaRun)
    context = family.frame_context(run)
    name = context.get("collect") or context.get("validate")  # (collect or validate pattern)
    if not name:
        return
    value = rt.session.slots.get(name)
    if value is None or name not in rt.session.slots_set:
        return  # nothing given yet (an initial value is not checked)
    slot = family.domain.slots.get(name)
    if slot is not None:
        try:
            checked = check_value(slot, value)
        except TypeError as error:  # (e.g. text against a float slot's bounds)
            raise ActionFailed(f"slot '{name}': {error}") from error
        if isinstance(checked, Rejected):
            family.utter(rt, checked.utter, {"value": value})
            family.set_slot(rt, name, None)
            return
        if checked.changed:
            family.set_slot(rt, name, checked.value)
            value = checked.value
    for rejection in context.get("rejections") or []:
        variables = {"slots": {name: value}}
        try:
            violated = compile_condition(rejection["if"], variables).evaluate(variables)
            utter = rejection["utter"]
        except PredicateError:
            violated, utter = True, "utter_internal_error_rasa"
        if violated:
            family.utter(rt, utter)
            family.set_slot(rt, name, None)
            return


def _session_start(family: RasaFamily, rt: Runtime) -> None:
    return None


def _restart(family: RasaFamily, rt: Runtime) -> None:
    """``action_restart``: the conversation starts afresh once the turn is over (see
    ``RasaFamily.restart``)."""
    session = rt.session
    assert isinstance(session, RasaSession)
    session.restarting = True




def _user_frames_below(rt: Runtime) -> list[RasaRun]:
    """The user flows on the stack under the current frame, the most recent first."""
    current = rt.run
    frames = []
    for run in reversed(rt.session.stack):
        if run is current:
            continue
        if isinstance(run, RasaRun) and run.frame_type != PATTERN:
            frames.append(run)
    return frames


def _continue_interrupted_flow(family: RasaFamily, rt: Runtime) -> None:
    """The user wants to go back to an interrupted flow (the one, or the one they named by
    id or name): it comes back to the top of the stack with its frames, and the flows stop
    at this step while the stack changes (see ``RasaPolicy.advance``)."""
    run = rt.run
    assert isinstance(run, RasaRun)
    ids = list(run.context.get("interrupted_flow_ids") or [])
    names = list(run.context.get("interrupted_flow_names") or [])
    chosen: str | None = None
    if ids and not run.context.get("multiple_flows_interrupted"):
        chosen = ids[0]
    else:
        named = rt.session.slots.get("interrupted_flow_to_continue")
        if named in ids:
            chosen = named
        elif named in names:
            chosen = ids[names.index(named)]
    if chosen is None:
        return  # (Rasa says so to the channel only, outside the conversation)
    rt.state.resuming = chosen
    family.set_slot(rt, "interrupted_flow_to_continue", None)
    family.set_slot(rt, "continue_interrupted_flow_confirmation", None)


def _cancel_interrupted_flows(family: RasaFamily, rt: Runtime) -> None:
    """The user doesn't want to go back: the interrupted flows are cancelled
    (``pattern_cancel_flow``)."""
    frames = _user_frames_below(rt)
    if frames:
        _cancel(family, rt, frames)


def _cancel(family: RasaFamily, rt: Runtime, frames: list[RasaRun]) -> None:
    for run in frames:
        run.context["_cancelled"] = True
        event = rt.stamp_event(FLOW_CANCELLED)
        event["flow_id"] = run.flow.uuid
        event["step_id"] = run.path[-1].node_uuid if run.path else "START"
    # (Rasa names the flow by its id here, not by its name)
    context = {"canceled_name": frames[0].flow.uuid,
               "canceled_frames": [run.uuid for run in frames]}
    family.start_frame(rt, "pattern_cancel_flow", PATTERN, context, parent=rt.run)


def _correct_flow_slot(family: RasaFamily, rt: Runtime) -> None:
    """Set the corrected slots and send their flow back to the earliest step that collected
    one of them (the frames above it go)."""
    run = rt.run
    assert isinstance(run, RasaRun)
    context = run.context
    corrected_slots = context.get("corrected_slots") or {}
    for name, corrected in corrected_slots.items():
        # (as given: the collect step's type check coerces it when the flow gets there)
        family.set_slot(rt, name, corrected.get("value"))
    # (a slot's own validation runs on top once the next action is done: see run_action)
    rt.state.validate_after_action = [
        name for name in corrected_slots if name in family.domain.slots]
    flow_id, step_id = context.get("reset_flow_id"), context.get("reset_step_id")
    if step_id is None:
        return
    caller = context.get("_reset_caller")
    for frame in reversed(rt.session.stack):
        if caller is not None and frame.uuid == caller:
            # a question of a flow it called: back to the call, which comes back there
            rt.session.rewind(frame, context["_reset_call_step"])
            frame.context["_recall"] = [flow_id, step_id]
            break
        if not isinstance(frame, RasaRun) or frame is run:
            continue
        if frame.flow.uuid == flow_id and frame.frame_type != PATTERN:
            rt.session.rewind(frame, step_id)
            frame.path.pop()  # visited again afresh
            frame.context["_rewind"] = step_id
            break
        frame.context["_cancelled"] = True  # a frame above the corrected flow: it goes


def _clarify_flows(family: RasaFamily, rt: Runtime) -> None:
    """The clarification's options, at most ``max_clarification_options`` of them, as one
    text (``a, b or c``)."""
    run = rt.run
    assert isinstance(run, RasaRun)
    try:
        most = int(rt.session.slots.get("max_clarification_options"))
    except (TypeError, ValueError):
        most = 3
    names = list(run.context.get("names") or [])[:most]
    run.context["names"] = names
    run.context["clarification_options"] = options_text(names, "or")


def _clean_stack(family: RasaFamily, rt: Runtime) -> None:
    """``action_clean_stack`` (the flows changed): every frame ends, user flows as regular
    ones (no offer to go back to them)."""
    for run in rt.session.stack:
        if run is rt.run or not isinstance(run, RasaRun):
            continue
        run.context["_cancelled"] = True
        if run.frame_type != PATTERN:
            run.frame_type = "regular"


def _repeat_bot_messages(family: RasaFamily, rt: Runtime) -> None:
    """Say again what the bot said last (this turn's messages so far, else the last turn's
    that said anything); the question of a collect step below is left out, as it is asked
    again anyway."""
    session = rt.session
    assert isinstance(session, RasaSession)
    said = [event for event in rt.emitted if event["type"] == BOT_UTTERED]
    said = said or session.last_bot
    below = [run for run in session.stack if run.flow.uuid not in (
        "pattern_repeat_bot_messages", "pattern_user_silence")]
    if below and below[-1].flow.uuid == "pattern_collect_information":
        said = said[:-1]
    for message in said:
        event = rt.stamp_event(BOT_UTTERED)
        event.update({key: value for key, value in message.items()
                      if key not in ("type", "created_on", "uuid", "step_uuid")})


def _hangup(family: RasaFamily, rt: Runtime) -> None:
    """``action_hangup`` (in ``pattern_session_end``, ``pattern_user_silence`` or any flow):
    the session is over, as Rasa ends it either way; messages after it are ignored."""
    session = rt.session
    assert isinstance(session, RasaSession)
    session.terminated = True


DEFAULT_ACTION_RUNNERS: dict[str, Callable[[RasaFamily, Runtime], None]] = {
    "action_run_slot_rejections": _run_slot_rejections,
    "action_session_start": _session_start,
    "action_restart": _restart,
    "action_continue_interrupted_flow": _continue_interrupted_flow,
    "action_cancel_interrupted_flows": _cancel_interrupted_flows,
    "action_correct_flow_slot": _correct_flow_slot,
    "action_clarify_flows": _clarify_flows,
    "action_clean_stack": _clean_stack,
    "action_repeat_bot_messages": _repeat_bot_messages,
    "action_hangup": _hangup,
}


__all__ = ["CustomAction", "RasaFamily", "RasaSprint"]
