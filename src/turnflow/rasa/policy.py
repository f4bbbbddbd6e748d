"""Rasa's conversation policy: a user message becomes commands (from a ``/SetSlots(...)`` or
``/intent`` payload, or given with the message as Rasa's ``parse_data.commands``), the
commands move the dialogue stack and the slots, and the flows on the stack then advance
until one listens — the core flow loop does the steps; this module decides what runs next
when a frame ends (the caller, a linked flow, ``pattern_completed``...).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..core.engine import EngineError
from ..core.events import RUN_ENDED, RUN_STARTED
from ..core.graph import Flow
from ..core.runtime import Runtime
from ..core.session import ACTIVE, COMPLETED, WAITING, Session
from .builtin_names import PATTERN_PREFIX
from .commands import (
    PATTERN_COMMANDS,
    clean_up,
    end_completed,
    end_pattern,
    options_text,
    pattern_active,
    run_command,
    top_user_frame,
    top_user_in,
)
from .events import BOT_UTTERED, FLOW_INTERRUPTED, FLOW_RESUMED, USER_UTTERED
from .flows import CallStep, CollectStep
from .payloads import IntentPayload, SetSlotsPayload, read_user_text
from .session import CALL, INTERRUPT, LINK, PATTERN, REGULAR, RasaRun
from .slot_filling import slot_commands
from .understanding import DialogueView, Understanding

if TYPE_CHECKING:
    from .family import RasaFamily

COMPLETED_PATTERN = "pattern_completed"
CONTINUE_PATTERN = "pattern_continue_interrupted"
CORRECTION_PATTERN = "pattern_correction"
VALIDATE_PATTERN = "pattern_validate_slot"
SEARCH_PATTERN = "pattern_search"
HANDOFF_PATTERN = "pattern_human_handoff"
SILENCE_COUNT = "consecutive_silence_timeouts"
SILENCE_INTENT = "silence_timeout"
# how many times a turn may hand over between frames before it stops (a flow loop)
MAX_HANDOVERS = 100


class RasaPolicy:
    def __init__(self, family: RasaFamily) -> None:
        self.family = family

    def check(self, session: Session, message: Any) -> None:
        if not isinstance(message, dict) or not isinstance(message.get("text", ""), str):
            raise EngineError(f"a Rasa message is {{'text': ...}}, not {message!r}")

    def start(self, rt: Runtime, flow: Flow | None, start: Any) -> None:
        if flow is not None:
            self.family.start_frame(rt, flow.uuid, REGULAR, {})
            self.advance(rt, consume_input=False)

    def apply(self, rt: Runtime, message: dict[str, Any]) -> None:
        session = rt.session
        # the conversation's state is the stack and the slots: frames that ended in earlier
        # turns are let go, so a turn costs the same however long the conversation is
        session.runs = [run for run in session.runs if not run.ended]
        session.turns += 1
        if session.turns == 1:  # the first message: the session starts (nothing to see)
            self.family.action_executed(rt, "action_session_start")
        self._reset_silence_count(rt, message)
        self._run_every_turn_actions(rt)
        understood = self.commands_for(rt, message)
        commands = clean_up(self.family, session, list(understood.commands))
        event = rt.stamp_event(USER_UTTERED)
        event["text"] = message.get("text", "")
        event["commands"] = commands
        if understood.reason:
            event["understanding"] = understood.as_dict()
        # slots already filled are corrections, decided before any command runs and
        # grouped in the order given (the commands themselves run last first)
        corrections: dict[str, Any] = {}
        for command in reversed(commands):
            if command.get("command") == "set slot":
                name, value = command.get("name", ""), command.get("value")
                if name not in corrections and self.is_correction(rt, name, value):
                    corrections[name] = value
        starting = {c.get("flow", "") for c in commands if c.get("command") == "start flow"}
        original = list(session.stack)
        for command in commands:
            if command.get("command") != "set slot" or command.get("name") not in corrections:
                self.execute(rt, command, starting, original)
        if corrections:
            self.correct(rt, corrections)
        self._defer_starts(rt, original)
        rt.state.stack_at_last_action = list(session.stack)
        self.advance(rt, consume_input=True)
        said = [event for event in rt.emitted if event["type"] == BOT_UTTERED]
        if said:  # what "repeat" says again
            session.last_bot = said

    def _reset_silence_count(self, rt: Runtime, message: dict[str, Any]) -> None:
        """Any message but the silence intent sets ``consecutive_silence_timeouts`` back to
        0, before its commands run (Rasa's processor does so for every message)."""
        family, slots = self.family, rt.session.slots
        if SILENCE_COUNT not in family.domain.slots or slots.get(SILENCE_COUNT) == 0.0:
            return
        understood = read_user_text(message.get("text", ""), family.domain)
        if isinstance(understood, IntentPayload) and understood.intent == SILENCE_INTENT:
            return
        family.set_slot(rt, SILENCE_COUNT, 0.0)

    def _run_every_turn_actions(self, rt: Runtime) -> None:
        """Rasa's ``action_extract_slots`` with no NLU: the custom action a slot's
        ``controlled`` mapping names in ``run_action_every_turn`` (or the older ``action``)
        runs once per message, before the message's commands."""
        family = self.family
        project_slots = family.project.domain.slots
        done: set[str] = set()
        for slot in project_slots.values():
            for mapping in slot.mappings:
                if mapping.type != "controlled":
                    continue
                name = mapping.options.get("run_action_every_turn") or mapping.options.get(
                    "action")
                if isinstance(name, str) and name not in done:
                    done.add(name)
                    family.run_slot_filling_action(rt, name)

    def _defer_starts(self, rt: Runtime, original: list[Any]) -> None:
        """Rasa records a flow as started when its first step runs, not when a command puts
        it on the stack (a flow under another one starts once that one is done): the frames
        the commands pushed keep their start event until then (see ``advance``)."""
        new = {run.uuid: run for run in rt.session.stack
               if run not in original and isinstance(run, RasaRun) and not run.path}
        if not new:
            return
        kept = []
        for event in rt.emitted:
            run = new.get(event.get("run_uuid", "")) if event["type"] == RUN_STARTED else None
            if run is not None:
                run.context["_start_event"] = event
            else:
                kept.append(event)
        rt.emitted[:] = kept

    # -- understanding --------------------------------------------------------------------------

    def commands_for(self, rt: Runtime, message: dict[str, Any]) -> Understanding:
        """The commands of a message: given with it, read from its payload, or else what the
        command generator makes of its words."""
        given = message.get("commands")
        if given is not None:
            return Understanding(tuple(dict(command) for command in given))
        family = self.family
        text = message.get("text", "")
        understood = read_user_text(text, family.domain)
        if isinstance(understood, SetSlotsPayload):
            return Understanding(tuple(
                {"command": "set slot", "name": name, "value": value}
                for name, value in understood.slots
            ))
        if isinstance(understood, IntentPayload):
            flow_id = family.triggered_flow(understood.intent, understood.confidence)
            commands: list[dict[str, Any]] = []
            if flow_id in PATTERN_COMMANDS:  # a pattern's intent stands for its command
                commands.append({"command": PATTERN_COMMANDS[flow_id]})
            elif flow_id is not None and not flow_id.startswith("pattern_"):
                # (Rasa does not look at flow guards for an intent given as a payload)
                commands.append({"command": "start flow", "flow": flow_id})
            return Understanding(tuple(commands + self.slots_from_intent(rt, understood)))
        if not understood.text.strip():
            return Understanding()
        if text.lstrip().startswith("/"):  # a payload Rasa voids: not words to understand
            return Understanding(reason="a payload the domain does not accept: ignored")
        return family.command_generator.understand(understood.text, self.view(rt))

    def slots_from_intent(self, rt: Runtime, payload: IntentPayload) -> list[dict[str, Any]]:
        """The slots the intent and its entities fill through the slots' mappings."""
        family = self.family
        view = self.view(rt)
        active = next((flow for flow in reversed(view.stack)
                       if not flow.startswith(PATTERN_PREFIX)), None)
        return slot_commands(
            family.domain.slots, family.fillable_slots, intent=payload.intent,
            entities=payload.entities, text=payload.text, values=view.slots,
            asking=view.asking, active_flow=active,
            entity_types=frozenset(family.domain.entities),
        )

    def view(self, rt: Runtime) -> DialogueView:
        """What a command generator sees of the conversation."""
        session = rt.session
        asking = next((run.context.get("collect") for run in reversed(session.stack)
                       if run.flow.uuid == COLLECT_FRAME), None)
        top = session.top
        context = self.family.frame_context(top) if top is not None else {}
        slots = dict(session.slots)

        def startable(flow_id: str) -> bool:
            return self.family.guard_holds(flow_id, context, slots)

        return DialogueView(slots, asking, tuple(run.flow.uuid for run in session.stack),
                            startable)

    # -- commands -------------------------------------------------------------------------------

    def execute(
        self, rt: Runtime, command: dict[str, Any], starting: set[str] | None = None,
        original: list[Any] | None = None,
    ) -> None:
        kind = command.get("command")
        if kind == "set slot":
            name, value = command.get("name", ""), command.get("value")
            if self.may_set(rt, name, starting or set()):
                self.set_slot(rt, name, value)
        elif kind == "start flow":
            self.start_flow(rt, command.get("flow", ""))
        elif not run_command(self.family, rt, command, list(original or rt.session.stack)):
            rt.warning(f"command {kind!r} is not supported yet: skipped", code="command")

    def set_slot(self, rt: Runtime, name: str, value: Any) -> None:
        family = self.family
        if name not in family.domain.slots:
            rt.warning(f"slot '{name}' is not in the domain: not set", code="slot")
            return
        value = family.coerce(name, value)
        if rt.session.slots.get(name) == value:
            return  # the same value again: Rasa drops the command
        family.set_slot(rt, name, value)
        start_validation(family, rt, name)

    def may_set(self, rt: Runtime, name: str, starting: set[str]) -> bool:
        """Whether Rasa sets a slot from a set-slot command: the slot being asked for, or
        one the active flow collects (not asking before filling), or else one a flow this
        message starts collects, or else one a pattern collects."""
        session, family = rt.session, self.family
        top = session.stack[-1] if session.stack else None
        if top is not None and top.flow.uuid == COLLECT_FRAME:
            if top.context.get("collect") == name:
                return True
        frames = [run for run in session.stack if _is_user_frame(run)]
        primary = [run for run in frames if run.frame_type not in (CALL, LINK)]
        active = {run.flow.uuid for run in (frames[-1:] + primary[-1:])}
        if any(_fills(family, flow_id, name) for flow_id in active):
            return True
        flows = starting or {flow.id for flow in family.rasa_flows.values() if flow.is_pattern}
        return any(_fills(family, flow_id, name) for flow_id in flows)

    def is_correction(self, rt: Runtime, name: str, value: Any) -> bool:
        """A new value for a slot that has one, unless the slot is the one being asked for,
        corrects it (Rasa's CorrectSlots), in a flow: whether or not the flow collected it.
        Rasa compares the values as text: ``/SetSlots(age=40)`` corrects an age of 40.0."""
        session = rt.session
        current = session.slots.get(name)
        if current is None or name not in session.slots_set or str(current) == str(value):
            return False  # (an initial value no event set is not corrected)
        asking = [run for run in session.stack if run.flow.uuid == COLLECT_FRAME]
        if asking and asking[-1].context.get("collect") == name:
            return False
        return _top_user_frame(session) is not None

    def correct(self, rt: Runtime, corrections: dict[str, Any]) -> None:
        """Start ``pattern_correction`` for the corrected slots: it sets them and takes the
        flow back to the earliest step that collected one of them."""
        session, family = rt.session, self.family
        user = _top_user_frame(session)
        assert user is not None
        collected = {
            step.collect
            for run in session.stack if _is_user_frame(run)
            for step in family.steps.get(run.flow.uuid, {}).values()
            if isinstance(step, CollectStep)
        } | {
            record[3]  # (the questions of the flows it called, see CollectAction)
            for run in session.stack if _is_user_frame(run)
            for record in run.context.get("_called_collects", ())
        }
        if any(name not in collected for name in corrections):
            return  # Rasa drops a correction of a slot no flow on the stack collects
        # the flows called or linked from the top flow started on its own are part of it
        # (Rasa looks back over the questions all of them asked, the earliest first)
        owner = top_user_frame(session) or user
        frames = [run for run in session.stack[session.stack.index(owner):]
                  if run is owner or (_is_user_frame(run) and run.frame_type in (CALL, LINK))]
        top = session.stack[-1]
        asked = top.context.get("collect", "") if top.flow.uuid == COLLECT_FRAME else None
        # (frame position, index in its path, order among the questions of a flow it called
        # there, step id, the called flow's id or "")
        visited: list[tuple[int, int, int, str, str]] = []
        for position, frame in enumerate(frames):
            names = list(corrections)
            if asked and top.parent is frame:
                # the question being asked is asked again after the correction, at the latest
                names.append(asked)
            for name in names:
                step = _collect_step_visited(family, frame, name)
                if step is not None:
                    visited.append((position, step[0], 0, step[1], ""))
            calls = frame.context.get("_called_collects", ())
            for order, (call_step, called, step_id, slot) in enumerate(calls, 1):
                index = _first_visit(frame, call_step)
                if slot in corrections and index is not None:
                    visited.append((position, index, order, step_id, called))
        reset = min(visited) if visited else None
        context = {
            "corrected_slots": {name: {"value": value} for name, value in corrections.items()},
            "reset_flow_id": (reset[4] or frames[reset[0]].flow.uuid) if reset
            else user.flow.uuid,
            # none collected yet: the slots are set, the flow is not sent back
            "reset_step_id": reset[3] if reset else None,
            # a question of a flow called from there, which has ended: that frame goes back
            # to its call step and the called flow comes back at the question
            "_reset_caller": frames[reset[0]].uuid if reset and reset[4] else None,
            "_reset_call_step": frames[reset[0]].path[reset[1]].node_uuid
            if reset and reset[4] else None,
            # every step (of any flow) collecting a corrected slot asks before filling: the
            # flow goes back to the question, and Rasa says nothing of a correction
            "is_reset_only": all(
                step.ask_before_filling
                for steps in family.steps.values() for step in steps.values()
                if isinstance(step, CollectStep) and step.collect in corrections
            ),
        }
        self.family.start_frame(rt, CORRECTION_PATTERN, PATTERN, context)

    def start_flow(self, rt: Runtime, flow_id: str) -> None:
        family, session = self.family, rt.session
        flow = family.rasa_flow(flow_id)
        if flow is None:
            rt.warning(f"flow '{flow_id}' is not in the project: not started", code="flow")
            return
        # (a called or linked flow is part of the flow that started it: starting a flow
        # while only those are on the stack interrupts nothing)
        held = top_user_frame(session)
        end_completed(family, rt)
        asking_to_continue = pattern_active(session.stack, CONTINUE_PATTERN)
        if held is not None and held.flow.uuid == flow_id:
            if asking_to_continue:  # "yes, that one": back to it without the question
                end_pattern(family, rt, CONTINUE_PATTERN)
                self._resume(rt, flow_id)
            return  # already the flow in progress
        for run in session.stack:  # what waited is on hold under the new flow
            if run.status == WAITING:
                run.status = ACTIVE
        end_pattern(family, rt, CONTINUE_PATTERN)
        if held is not None and self._resume(rt, flow_id):
            # a flow lower on the stack comes back to the top, over the one in progress
            _flow_event(rt, FLOW_INTERRUPTED, held)
            return
        if held is not None:
            _flow_event(rt, FLOW_INTERRUPTED, held)
        frame = INTERRUPT if held is not None else REGULAR
        family.start_frame(rt, flow_id, frame, {})

    def _resume(self, rt: Runtime, flow_id: str) -> bool:
        """Bring a flow on the stack back to the top, with the frames that belong to it
        (those above it up to the next flow started on its own), as Rasa does."""
        session = rt.session
        group: list[Any] = []
        for run in session.stack:
            standalone = _is_user_frame(run) and run.frame_type in (REGULAR, INTERRUPT)
            if standalone and group:
                break
            if group or (standalone and run.flow.uuid == flow_id):
                group.append(run)
        if not group:
            return False
        for run in group:
            session.stack.remove(run)
            session.stack.append(run)
            if run.status == WAITING:
                run.status = ACTIVE
        _flow_event(rt, FLOW_RESUMED, group[0])
        return True

    # -- advancing the stack --------------------------------------------------------------------

    def advance(self, rt: Runtime, consume_input: bool) -> None:
        """Run the stack until a frame listens or none is left: the top frame goes on (the
        waiting one takes this turn's input), and when frames end the next one takes over."""
        session, loop, family = rt.session, rt.engine.loop, self.family
        seen = len(rt.emitted)
        last_user_flow: RasaRun | None = None
        for _ in range(MAX_HANDOVERS):
            if session.terminated:  # the session ended (action_hangup): nothing more runs
                return
            top = session.top
            if top is None:
                if last_user_flow is not None and self._completes(last_user_flow):
                    last_user_flow = None
                    family.start_frame(rt, COMPLETED_PATTERN, PATTERN, {})
                    continue
                session.status = COMPLETED
                return
            session.status = ACTIVE
            if top.context.get("_cancelled") or (
                    _below_cancelled(top) and not top.context.get("_spared")):
                loop.end_run(rt, top, COMPLETED)  # a cancelled flow's frames go
            elif top.context.get("_rewind"):
                node = top.flow.node(top.context.pop("_rewind"))
                assert node is not None
                loop.visit(rt, top, node)  # the corrected flow goes back to that step
            elif top.context.get("_recall"):
                # back at a call step: the called flow comes back at the corrected question
                # (Rasa restores that frame: no start event)
                flow_id, step_id = top.context.pop("_recall")
                called = family.start_frame(rt, flow_id, CALL, {}, parent=top)
                if called is not None:
                    _defer_start(rt, called)
                    called.context.pop("_start_event", None)
                    called.context["_rewind"] = step_id
                continue
            elif top.status == WAITING:
                if not consume_input:
                    session.status = WAITING
                    return
                # (every frame that listened before this message goes on past its listen
                # step; one that starts listening during the turn ends it, below)
                loop.resume(rt, top)
            elif not top.path:
                started = top.context.pop("_start_event", None)
                if started is not None:
                    rt.emitted.append(started)
                loop.run_until_wait(rt)
            else:
                loop.run_until_wait(rt, resume_top=True)
            seen, ended_user, interrupt_ended = self._after_ended(rt, seen)
            if ended_user is not None:
                last_user_flow = ended_user
            if rt.state.tripped is not None:
                self._break_circuit(rt)
                continue
            if rt.state.failed is not None:
                self._action_failed(rt)
                continue
            if rt.state.resuming is not None:  # (action_continue_interrupted_flow)
                flow_id, rt.state.resuming = rt.state.resuming, None
                self._resume(rt, flow_id)
                session.status = ACTIVE
                continue
            if interrupt_ended and session.status != WAITING:
                self._offer_to_continue(rt)
            if session.status == WAITING:
                return
        rt.error("the turn handed over between flows too often: stopped", code="loop")

    def _break_circuit(self, rt: Runtime) -> None:
        """The flows loop (Rasa's circuit breaker): the user flow on top ends, with whatever
        runs above it, and ``pattern_internal_error`` tells the user, instead of silence."""
        session = rt.session
        why, rt.state.tripped = rt.state.tripped, None
        rt.state.steps = 0
        rt.state.actions = 0  # (the error pattern gets a turn's worth)
        looping = top_user_frame(session) or session.top
        rt.warning(f"flow '{looping.flow.uuid if looping else '?'}' loops ({why}): stopped",
                   code="loop")
        for run in reversed(list(session.stack)):
            run.context["_cancelled"] = True
            if run.status == WAITING:
                run.status = ACTIVE
            if run is looping:
                break
        session.status = ACTIVE
        self.family.start_frame(rt, "pattern_internal_error", PATTERN, {
            "error_type": "rasa_internal_error_default", "info": {}})

    def _action_failed(self, rt: Runtime) -> None:
        """An action failed (the frame that ran it waits at that step): as Rasa's message
        processor does, ``pattern_internal_error`` runs, then ``pattern_cancel_flow``
        cancels the flow in progress. Rasa's processor looks at the stack as it was when
        the previous action ran (the flow policy's changes since then are applied after
        it): the frames cancelled are those of that stack, from its top down to its user
        flow, that are still there, and the flow named is the one on its top. Frames that
        started since go on past their step once the patterns are done (the frame that
        failed too, if it is one of them); with no user flow on that stack nothing is
        cancelled."""
        session, family = rt.session, self.family
        rt.state.failed = None
        failing = session.top
        assert failing is not None
        failing.status = ACTIVE
        session.status = ACTIVE
        before = rt.state.stack_at_last_action
        # (runs are told apart by identity: a dataclass's == compares every field)
        on_stack = {id(run) for run in session.stack}
        if top_user_in(before) is not None:
            frames: list[Any] = []
            for run in reversed(before):
                frames.append(run)
                if _is_user_frame(run) and run.frame_type != CALL:
                    break
            for run in frames:
                if id(run) in on_stack:
                    run.context["_cancelled"] = True
                    if run is not failing:
                        # held, so that a spared frame it started does not hand back to
                        # it when it ends (the core loop goes on with an active parent):
                        # it ends once it is on top (see advance)
                        run.status = WAITING
            earlier = {id(run) for run in before}
            for run in session.stack:
                if id(run) not in earlier:  # (even above a cancelled frame)
                    run.context["_spared"] = True
            cancel = family.start_frame(rt, "pattern_cancel_flow", PATTERN, {
                "canceled_name": before[-1].flow.uuid,
                "canceled_frames": [run.uuid for run in frames]})
            if cancel is not None:  # (it runs after the error pattern)
                _defer_start(rt, cancel)
        family.start_frame(rt, "pattern_internal_error", PATTERN, {
            "error_type": "rasa_internal_error_default", "info": {}})

    def _offer_to_continue(self, rt: Runtime) -> None:
        """An interrupting flow ended: if flows it interrupted are left, ask whether to go
        back to them (``pattern_continue_interrupted``)."""
        # (the flows started on their own, bottom first; called and linked ones are part of
        # those)
        held = [run for run in rt.session.stack
                if _is_user_frame(run) and run.frame_type in (REGULAR, INTERRUPT)
                and not run.context.get("_cancelled")]
        if not held:
            return
        names = [_readable(self.family, run.flow.uuid) for run in held]
        context = {
            "interrupted_flow_options": options_text(names, "and"),
            "multiple_flows_interrupted": len(held) > 1,
            "interrupted_flow_ids": [run.flow.uuid for run in held],
            "interrupted_flow_names": names,
        }
        stack = rt.session.stack
        linked = stack[-1] if stack and not stack[-1].path else None  # (not run yet)
        asking = self.family.start_frame(rt, CONTINUE_PATTERN, PATTERN, context)
        if linked is None or asking is None:
            return
        if linked.frame_type == LINK:
            # the flow the interrupting one links to runs first, then the question (Rasa
            # puts the question under it); the question was put on top
            stack.insert(len(stack) - 2, stack.pop())
            _defer_start(rt, asking)
        else:  # a pattern it links to (the handoff) waits under the question
            _defer_start(rt, linked)

    def _after_ended(self, rt: Runtime, seen: int) -> tuple[int, RasaRun | None, bool]:
        """Handle the frames that ended since ``seen`` (an index into the sprint's events):
        a user flow's slots are reset and its link, if any, starts."""
        family, session = self.family, rt.session
        emitted = rt.emitted
        last_user: RasaRun | None = None
        interrupt_ended = False
        index = seen
        while index < len(emitted):
            event = emitted[index]
            index += 1
            if event["type"] != RUN_ENDED:
                continue
            run = session.find_run(event["run_uuid"])
            if not isinstance(run, RasaRun):
                continue
            if run.frame_type != CALL:
                family.reset_slots_of(rt, run)
            if _is_user_frame(run) and run.frame_type != CALL:
                last_user = run
                if run.frame_type == INTERRUPT:  # (cancelled too: Rasa offers to go back)
                    interrupt_ended = True
            elif run.flow.uuid == SEARCH_PATTERN:  # an answer from the knowledge base
                last_user, interrupt_ended = run, True
            for source, flow_id in list(rt.state.links):
                if source is run:
                    rt.state.links.remove((source, flow_id))
                    # (a link to the handoff pattern starts it as a pattern, as in Rasa)
                    kind = PATTERN if flow_id == HANDOFF_PATTERN else LINK
                    family.start_frame(rt, flow_id, kind, {})
                    last_user = None  # the linked flow takes over
        return index, last_user, interrupt_ended

    def _completes(self, run: RasaRun) -> bool:
        """Whether ``pattern_completed`` follows this flow's end."""
        flow = self.family.rasa_flow(run.flow.uuid)
        if flow is None or (flow.is_pattern and flow.id != SEARCH_PATTERN):
            return False
        return flow.run_pattern_completed


COLLECT_FRAME = "pattern_collect_information"


def _flow_event(rt: Runtime, kind: str, run: Any) -> None:
    event = rt.stamp_event(kind)
    event["flow_id"] = run.flow.uuid
    event["step_id"] = run.path[-1].node_uuid if run.path else "START"


def _defer_start(rt: Runtime, run: RasaRun) -> None:
    """Rasa records a flow as started when its first step runs: a frame put under another
    one keeps its start event until then (see ``RasaPolicy.advance``)."""
    for index, event in enumerate(rt.emitted):
        if event["type"] == RUN_STARTED and event.get("run_uuid") == run.uuid:
            run.context["_start_event"] = rt.emitted.pop(index)
            return


def start_validation(family: RasaFamily, rt: Runtime, name: str) -> None:
    """A slot with its own ``validation``: its checks run at once, on top of the stack."""
    validation = family.domain.slots[name].validation
    if validation is None:
        return
    context = {
        "validate": name,
        "refill_utter": validation.refill_utter or f"utter_ask_{name}",
        "refill_action": f"action_ask_{name}",
        "rejections": [
            {"if": rejection.condition, "utter": rejection.utter}
            for rejection in validation.rejections
        ],
    }
    family.start_frame(rt, VALIDATE_PATTERN, PATTERN, context)


def _top_user_frame(session: Session) -> RasaRun | None:
    for run in reversed(session.stack):
        if _is_user_frame(run):
            return run  # type: ignore[no-any-return]
    return None


def _collect_step_visited(
    family: RasaFamily, run: RasaRun, slot: str
) -> tuple[int, str] | None:
    """Where in the run's path a step collecting ``slot`` was first visited (its index and
    step id), or None."""
    steps = family.steps.get(run.flow.uuid, {})
    for index, visit in enumerate(run.path):
        step = steps.get(visit.node_uuid)
        if isinstance(step, CollectStep) and step.collect == slot:
            return index, visit.node_uuid
    return None


def _first_visit(run: RasaRun, node_uuid: str) -> int | None:
    return next((index for index, visit in enumerate(run.path)
                 if visit.node_uuid == node_uuid), None)


def _fills(family: RasaFamily, flow_id: str, slot: str, seen: frozenset[str] = frozenset()
           ) -> bool:
    """Whether a flow has a step collecting ``slot`` without asking before filling; the
    steps of the flows it calls count as its own (Rasa resolves calls)."""
    for step in family.steps.get(flow_id, {}).values():
        if isinstance(step, CollectStep) and step.collect == slot and (
                not step.ask_before_filling):
            return True
        if isinstance(step, CallStep) and step.call not in seen and _fills(
                family, step.call, slot, seen | {flow_id}):
            return True
    return False


def _readable(family: RasaFamily, flow_id: str) -> str:
    flow = family.rasa_flow(flow_id)
    return flow.readable_name if flow is not None else flow_id


def _ancestors(run: Any) -> Iterator[Any]:
    """The frames that started ``run``, nearest first."""
    parent = run.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _below_cancelled(run: Any) -> bool:
    return any(parent.context.get("_cancelled") for parent in _ancestors(run))


def _is_user_frame(run: Any) -> bool:
    return isinstance(run, RasaRun) and run.frame_type != PATTERN
