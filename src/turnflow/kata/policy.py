"""Kata's conversation policy: which flow a message goes to, and what that does to the flow
stack (the session's run stack, its top run being the current flow).

For each message of a converse (the user's, then the command messages its actions send and
the ``reenter`` of a flow that comes back, each one level of ``config.maxRecursion``):

1. the current flow's intents (initial or not; its fallback intents last);
2. else the initial intents of the other active flows, open (on hold) or not: the flow with
   the highest ``priority`` first, then the intent with the highest priority, then the
   order they are written;
3. else the fallback intent of the fallback flow.

A flow chosen in 2 or 3 becomes current: the current flow is held under it (closed instead
when it is ``volatile``); a flow that was on hold leaves the stack and goes on from its
state, with its context; a new flow starts at its initial state (the message is mapped from
there; the initial state's own actions don't run). The flow then maps the message to its next
state and runs that state's actions (the core flow loop). An end state closes the flow; the
flow on hold below it becomes current and gets ``{type: command, content: reenter}`` once
the messages already waiting have been processed. A ``reenter`` that the uncovered flow has no
intent for is dropped. Flows whose ``expire`` time has passed since they last took a message
are closed before anything else, silently.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from ..core.engine import EngineError
from ..core.session import ACTIVE, COMPLETED, EXPIRED, INTERRUPTED, WAITING
from .events import MESSAGE_PROCESSED
from .intents import select_intent
from .runtime_errors import KataRuntimeError
from .session import KataConversation, KataRun, copy_json

if TYPE_CHECKING:
    from ..core.graph import Flow
    from ..core.runtime import Runtime
    from ..core.session import Session
    from .compiler import CompiledFlow, CompiledIntent
    from .family import KataFamily

MESSAGE_TYPES = ("text", "data", "command")
REENTER = {"type": "command", "content": "reenter", "payload": None}
# the FAQ's "Max Recursion of 3 is reached": Kata's default
DEFAULT_MAX_RECURSION = 3


def check_message(message: Any) -> None:
    """Refuse a message that isn't one (before anything about the session changes)."""
    if not isinstance(message, dict):
        raise KataRuntimeError(f"a message is an object {{type, content, payload}}, not "
                               f"{type(message).__name__}")
    kind = message.get("type")
    if kind not in MESSAGE_TYPES:
        raise KataRuntimeError(f"a message's type is text, data or command, not {kind!r}")
    if kind == "text" and not isinstance(message.get("content"), str):
        raise KataRuntimeError("a text message needs its content (a string)")
    if kind == "command" and not isinstance(message.get("content"), str):
        raise KataRuntimeError("a command message needs its content (the command's name)")
    for key in ("payload", "metadata"):
        if message.get(key) is not None and not isinstance(message.get(key), dict):
            raise KataRuntimeError(f"a message's {key} is an object")


def normalized(message: dict[str, Any]) -> dict[str, Any]:
    """The message as the bot sees it: payload and metadata always objects (a condition
    like ``payload.op == 'x'`` then never fails on a text message)."""
    out = {"type": message["type"]}
    if message.get("content") is not None:
        out["content"] = message["content"]
    payload = message.get("payload")
    out["payload"] = copy_json(payload) if isinstance(payload, dict) else {}
    metadata = message.get("metadata")
    out["metadata"] = copy_json(metadata) if isinstance(metadata, dict) else {}
    if message.get("id") is not None:
        out["id"] = message["id"]
    return out


class Tick:
    """The input of a sprint that only lets time act: flows that expired are closed."""


TICK = Tick()


class KataPolicy:
    def __init__(self, family: KataFamily) -> None:
        self.family = family

    def check(self, session: Session, message: Any) -> None:
        if message is TICK:
            return
        try:
            check_message(message)
        except KataRuntimeError as error:
            raise EngineError(str(error)) from None

    def start(self, rt: Runtime, flow: Flow | None, start: Any) -> None:
        return None  # a Kata conversation starts with the user's first message

    # -- a converse -----------------------------------------------------------------------------

    def apply(self, rt: Runtime, message: dict[str, Any]) -> None:
        conversation = rt.session
        assert isinstance(conversation, KataConversation)
        self.close_expired(rt)
        if message is not TICK:
            self.converse(rt, message)
        # what the conversation is, is its open flows: the runs of closed flows are let go,
        # and an open flow keeps only its current step, so a converse costs the same however
        # long the conversation has been
        conversation.runs = [run for run in conversation.runs if not run.ended]
        for run in conversation.runs:
            if len(run.path) > 1:
                del run.path[:-1]
        conversation.timestamp_ns = rt.now_ns()
        conversation.status = WAITING if conversation.stack else COMPLETED

    def converse(self, rt: Runtime, message: dict[str, Any]) -> None:
        """The message, then the messages it leads to (commands, reenter)."""
        conversation = rt.session
        assert isinstance(conversation, KataConversation)
        st = rt.state
        limit = self.family.max_recursion
        queue: deque[tuple[dict[str, Any], bool]] = deque([(message, False)])
        internal = 0
        while queue:
            current, is_internal = queue.popleft()
            if is_internal:
                internal += 1
                if internal > limit:
                    raise KataRuntimeError(
                        f"Max Recursion of {limit} is reached: the command "
                        f"{current.get('content')!r} would be message {internal + 1} of this "
                        "converse (set config.maxRecursion for more)", self.family.bot_where)
            self.process(rt, normalized(current))
            queue.extend((command, True) for command in st.commands)
            st.commands.clear()
            uncovered = st.reenter_run
            if not queue and uncovered is not None:
                st.reenter_run = None
                if conversation.current is uncovered:
                    queue.append((dict(REENTER), True))

    def process(self, rt: Runtime, message: dict[str, Any]) -> None:
        """One message: select its flow and intent, move the stack, map the state, act."""
        conversation = rt.session
        assert isinstance(conversation, KataConversation)
        st = rt.state
        st.begin_message(message)
        selected = self.select(rt, conversation, message)
        event = rt.stamp_event(MESSAGE_PROCESSED)
        event["message"] = message
        if selected is None:
            message["intent"] = None
            message["attributes"] = {}
            event["flow"] = None
            return
        flow, intent, attributes = selected
        message["intent"] = intent.name
        message["attributes"] = attributes
        event["flow"] = flow.name
        run = self.open(rt, conversation, flow)
        st.run = run
        run.touched_ns = rt.now_ns()
        conversation.status = ACTIVE  # (the loop stops at a wait once the status says so)
        loop = rt.engine.loop
        if run.path:
            loop.resume(rt, run)
        else:
            initial = flow.core.node(flow.initial_state)
            assert initial is not None
            if flow.states[flow.initial_state].end:
                loop.visit(rt, run, initial)  # (nothing to map from: it is reached at once)
            else:
                loop.take_up(rt, run, initial)
        run.fresh = False
        conversation.last_flow = flow.name
        conversation.last_state = run.state
        if run.ended and conversation.current is not None:
            st.reenter_run = conversation.current
        elif conversation.current is run:
            st.reenter_run = None  # (the uncovered flow took a message itself)

    # -- flow selection -------------------------------------------------------------------------

    def select(
        self, rt: Runtime, conversation: KataConversation, message: dict[str, Any]
    ) -> tuple[CompiledFlow, CompiledIntent, dict[str, Any]] | None:
        family = self.family
        current = conversation.current
        if current is not None:
            flow = family.compiled[current.flow.uuid]
            found = select_intent(rt, flow, current, flow.intents)
            if found is not None:
                return flow, found[0], found[1]
            if message is not None and _is_reenter(message):
                return None  # a reenter the flow doesn't take is dropped
        # other flows, a group of equal flow priority at a time (the highest first): the
        # intent with the highest priority in the group, the first written among equals
        best: tuple[CompiledFlow, CompiledIntent, dict[str, Any]] | None = None
        group: float | None = None
        for flow in family.selection_order:
            if best is not None and flow.priority != group:
                break
            if not flow.initial_intents or (current is not None
                                            and flow.name == current.flow.uuid):
                continue
            run = conversation.run_of(flow.name)
            found = select_intent(rt, flow, run, flow.initial_intents, fallbacks=False)
            if found is not None and (best is None or found[0].priority > best[1].priority):
                best, group = (flow, found[0], found[1]), flow.priority
        if best is not None:
            return best
        for flow in family.fallback_flows:
            if current is not None and flow.name == current.flow.uuid:
                continue  # (its intents were tried first)
            run = conversation.run_of(flow.name)
            fallbacks = [intent for intent in flow.intents if intent.fallback]
            found = select_intent(rt, flow, run, fallbacks)
            if found is not None:
                return flow, found[0], found[1]
        return None

    def open(self, rt: Runtime, conversation: KataConversation, flow: CompiledFlow) -> KataRun:
        """Make ``flow`` current: the current flow is held (or closed, when volatile); a flow
        on hold leaves the stack and goes on; else a new run starts."""
        current = conversation.current
        if current is not None and current.flow.uuid == flow.name:
            return current
        loop = rt.engine.loop
        if current is not None and self.family.compiled[current.flow.uuid].volatile:
            loop.end_run(rt, current, INTERRUPTED)
        held = conversation.run_of(flow.name)
        if held is not None:
            conversation.move_to_top(held)
            return held
        run = loop.start_run(rt, flow.core)
        assert isinstance(run, KataRun)
        return run

    # -- time -----------------------------------------------------------------------------------

    def close_expired(self, rt: Runtime) -> list[str]:
        """Close the open flows whose ``expire`` time has passed since they last took a
        message (their names); drop the context of those past their ``invalidate`` time."""
        conversation = rt.session
        now = rt.now_ns()
        closed = []
        for run in list(conversation.stack):
            if not isinstance(run, KataRun):
                continue
            flow = self.family.compiled.get(run.flow.uuid)
            if flow is None:
                continue
            expire = flow.expire_ms
            if expire is not None and now - run.touched_ns >= expire * 1_000_000:
                rt.engine.loop.end_run(rt, run, EXPIRED)
                closed.append(run.flow.uuid)
            elif (flow.model.invalidate is not None and not run.invalidated
                  and now >= flow.model.invalidate * 1_000_000):
                run.context.clear()  # (once: what the flow keeps afterwards stays)
                run.invalidated = True
        return closed


def _is_reenter(message: dict[str, Any]) -> bool:
    return message.get("type") == "command" and message.get("content") == "reenter"
