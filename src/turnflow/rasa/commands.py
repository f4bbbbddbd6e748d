"""Rasa's commands other than starting flows and setting slots: how a message's commands are
cleaned up before they run (Rasa's ``clean_up_commands``), the order they run in, and what
each repair command puts on the dialogue stack.

A command is a dict as Rasa writes it in ``parse_data.commands``: ``{"command": "cancel
flow"}``, ``{"command": "clarify", "options": [...]}``, ``{"command": "cannot handle",
"reason": ...}``, ``{"command": "error", "error_type": ..., "info": {...}}``... The
behaviour of each was checked against Rasa 3.21 (``tests/data/rasa_commands``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.runtime import Runtime
from ..core.session import COMPLETED, Session
from .events import FLOW_CANCELLED
from .session import CALL, LINK, PATTERN, RasaRun

if TYPE_CHECKING:
    from .family import RasaFamily

START_FLOW = "start flow"
SET_SLOT = "set slot"
CANCEL_FLOW = "cancel flow"
CLARIFY = "clarify"
CHITCHAT = "chitchat"
KNOWLEDGE = "knowledge"
SKIP_QUESTION = "skip question"
CANNOT_HANDLE = "cannot handle"
REPEAT = "repeat"
ERROR = "error"
CODE_CHANGE = "handle code change"
SESSION_START = "session start"
SESSION_END = "session end"
RESTART = "restart"
USER_SILENCE = "user silence"
NOOP = "noop"

# a pattern a project triggers by an intent (its nlu_trigger) stands for a command
PATTERN_COMMANDS = {
    "pattern_session_start": SESSION_START, "pattern_user_silence": USER_SILENCE,
    "pattern_cancel_flow": CANCEL_FLOW, "pattern_chitchat": CHITCHAT,
    "pattern_search": KNOWLEDGE, "pattern_skip_question": SKIP_QUESTION,
    "pattern_cannot_handle": CANNOT_HANDLE, "pattern_restart": RESTART,
    "pattern_session_end": SESSION_END,
}  # fmt: skip

# the pattern each simple command pushes
_PATTERNS = {
    CHITCHAT: "pattern_chitchat", KNOWLEDGE: "pattern_search",
    SKIP_QUESTION: "pattern_skip_question", REPEAT: "pattern_repeat_bot_messages",
    SESSION_START: "pattern_session_start", SESSION_END: "pattern_session_end",
    RESTART: "pattern_restart", USER_SILENCE: "pattern_user_silence",
    CODE_CHANGE: "pattern_code_change",
}  # fmt: skip

CANNOT_HANDLE_DEFAULT = "cannot_handle_default"
CANNOT_HANDLE_CHITCHAT = "cannot_handle_chitchat"
INTERNAL_ERROR_DEFAULT = "rasa_internal_error_default"
UNKNOWN_SLOT_REASON = "The slot predicted by the LLM is not defined in the domain."
NO_FLOW_TO_CANCEL_REASON = "CancelFlowCommand was predicted but no flows are active."
COMPLETED_PATTERN = "pattern_completed"
CONTINUE_PATTERN = "pattern_continue_interrupted"

KNOWN_COMMANDS = frozenset((START_FLOW, SET_SLOT, *PATTERN_COMMANDS.values(), CLARIFY,
                            REPEAT, ERROR, CODE_CHANGE, NOOP))


def clean_up(family: RasaFamily, session: Session, commands: list[dict[str, Any]]
             ) -> list[dict[str, Any]]:
    """Rasa's clean-up of a message's commands, returned in the order they run (Rasa runs
    them last first, so that the first flow started ends up on top of the stack)."""
    clean: list[dict[str, Any]] = []
    for command in commands:
        kind = command.get("command")
        if kind == SET_SLOT:
            if command.get("name") not in family.domain.slots:
                _add_cannot_handle(clean, UNKNOWN_SLOT_REASON)
            else:
                clean.append(command)
        elif kind == CANCEL_FLOW:
            if not session.stack:  # no flow at all: nothing to cancel
                if not _has(clean, CANNOT_HANDLE):
                    clean.append(_cannot_handle(NO_FLOW_TO_CANCEL_REASON))
            elif not _has(clean, CANCEL_FLOW):
                clean.append(command)
        elif kind == CANNOT_HANDLE:
            if not _has(clean, CANNOT_HANDLE):
                clean.append(command)
        elif kind == START_FLOW:
            top = top_user_frame(session, include_call_and_link=True)
            if top is None or top.flow.uuid != command.get("flow") or _has_continue(session):
                clean.append(command)
        elif kind == CHITCHAT:
            # no IntentlessPolicy here: a chitchat pattern that would need it can't answer
            chitchat = family.steps.get("pattern_chitchat", {})
            needs_policy = any(
                getattr(step, "action", None) == "action_trigger_chitchat"
                for step in chitchat.values()
            )
            clean.insert(0, _cannot_handle(CANNOT_HANDLE_CHITCHAT) if needs_policy else command)
        elif kind == KNOWLEDGE:
            clean.insert(0, command)
        elif kind == CLARIFY and len(commands) > 1:
            # several commands: a clarification only if nothing else was meant
            if all(c.get("command") == CLARIFY for c in commands) and not clean:
                clean.append(command)
        else:
            clean.append(command)
    for kind in (CANNOT_HANDLE, REPEAT, CHITCHAT):  # at most one of each
        first = next((c for c in clean if c.get("command") == kind), None)
        clean = [c for c in clean if c.get("command") != kind or c is first]
    if len(clean) > 1:  # "cannot handle" only when there is nothing else to do
        clean = [c for c in clean if c.get("command") != CANNOT_HANDLE]
    if top_user_frame(session) is None:  # no flow in progress: the flow started goes first
        starts = [c for c in clean if c.get("command") == START_FLOW]
        if starts:
            clean = [c for c in clean if c is not starts[-1]] + [starts[-1]]
    return list(reversed(clean))


def run_command(family: RasaFamily, rt: Runtime, command: dict[str, Any],
                original: list[RasaRun]) -> bool:
    """Run a repair command (``original``: the stack before this message's commands ran).
    False when the command is not one of these."""
    kind = command.get("command")
    if kind == CANCEL_FLOW:
        _cancel_flow(family, rt, original)
    elif kind == CLARIFY:
        _clarify(family, rt, command)
    elif kind == CANNOT_HANDLE:
        reason = command.get("reason") or CANNOT_HANDLE_DEFAULT
        family.start_frame(rt, "pattern_cannot_handle", PATTERN, {"reason": reason})
    elif kind == ERROR:
        context = {"error_type": command.get("error_type") or INTERNAL_ERROR_DEFAULT,
                   "info": dict(command.get("info") or {})}
        family.start_frame(rt, "pattern_internal_error", PATTERN, context)
    elif kind in (SKIP_QUESTION, CODE_CHANGE):
        # only with a flow in progress (Rasa looks at the stack before the commands)
        if top_user_in(original) is not None:
            family.start_frame(rt, _PATTERNS[kind], PATTERN, {})
    elif kind in _PATTERNS:
        family.start_frame(rt, _PATTERNS[kind], PATTERN, {})
    elif kind == NOOP:
        pass
    else:
        return False
    return True


def _cancel_flow(family: RasaFamily, rt: Runtime, original: list[RasaRun]) -> None:
    """Cancel the flow in progress: every frame from the top down to the user flow that
    was not called (a called flow goes with its caller); the user flow on top (a called one
    too) is the one recorded as cancelled and named."""
    user = top_user_in(original, include_call_and_link=True)
    if user is None:
        return
    frames = []
    for run in reversed(original):
        frames.append(run)
        if run.frame_type not in (PATTERN, CALL):
            break
    for run in frames:
        run.context["_cancelled"] = True
    event = rt.stamp_event(FLOW_CANCELLED)
    event["flow_id"] = user.flow.uuid
    event["step_id"] = user.path[-1].node_uuid if user.path else "START"
    flow = family.rasa_flow(user.flow.uuid)
    context = {"canceled_name": flow.readable_name if flow is not None else user.flow.uuid,
               "canceled_frames": [run.uuid for run in frames]}
    family.start_frame(rt, "pattern_cancel_flow", PATTERN, context)


def _clarify(family: RasaFamily, rt: Runtime, command: dict[str, Any]) -> None:
    """Ask which flow the user meant: the options that are flows, by their names."""
    flows = [family.rasa_flow(str(option)) for option in command.get("options") or []]
    known = [flow for flow in flows if flow is not None]
    end_completed(family, rt)
    context = {"names": [flow.readable_name for flow in known],
               "clarification_ids": [flow.id for flow in known]}
    family.start_frame(rt, "pattern_clarification", PATTERN, context)


def end_completed(family: RasaFamily, rt: Runtime) -> None:
    """"Anything else?" is moot once the user asks for something: Rasa records those
    frames as completed, the top one first."""
    end_pattern(family, rt, COMPLETED_PATTERN)


def end_pattern(family: RasaFamily, rt: Runtime, pattern: str) -> None:
    """With ``pattern`` on the stack, take the pattern frames on top of the stack off it, as
    completed, the top one first — all of them, as Rasa does: a collect frame of the flow
    below goes too, so that flow goes on past the question it was asking."""
    stack = rt.session.stack
    if not pattern_active(stack, pattern):
        return
    while stack and isinstance(stack[-1], RasaRun) and stack[-1].frame_type == PATTERN:
        rt.engine.loop.end_run(rt, stack[-1], COMPLETED)


def options_text(names: list[str], conjunction: str) -> str:
    """``a, b or c`` as Rasa joins options."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {conjunction} {names[-1]}"


def top_user_frame(session: Session, include_call_and_link: bool = False) -> RasaRun | None:
    return top_user_in(session.stack, include_call_and_link)


def top_user_in(stack: list[Any], include_call_and_link: bool = False) -> RasaRun | None:
    for run in reversed(stack):
        if not isinstance(run, RasaRun) or run.frame_type == PATTERN:
            continue
        if not include_call_and_link and run.frame_type in (CALL, LINK):
            continue
        return run
    return None


def _has(commands: list[dict[str, Any]], kind: str) -> bool:
    return any(c.get("command") == kind for c in commands)


def _has_continue(session: Session) -> bool:
    return pattern_active(session.stack, CONTINUE_PATTERN)


def pattern_active(stack: list[Any], pattern: str) -> bool:
    """Whether a frame of ``pattern`` is on the stack above every user flow (Rasa's
    "active" pattern)."""
    for run in reversed(stack):
        if run.flow.uuid == pattern:
            return True
        if isinstance(run, RasaRun) and run.frame_type != PATTERN:
            return False
    return False


def _cannot_handle(reason: str) -> dict[str, Any]:
    return {"command": CANNOT_HANDLE, "reason": reason}


def _add_cannot_handle(clean: list[dict[str, Any]], reason: str) -> None:
    if not _has(clean, CANNOT_HANDLE):
        clean.append(_cannot_handle(reason))
