"""Running a Kata bot: :class:`KataEngine` compiles it once and converses with it, one message
at a time, on the engine core (one converse is one core sprint).

```python
from turnflow.kata.engine import KataEngine

engine = KataEngine(load_bot("examples/kata/pizza"))
session = engine.new_session(user_id="u1")
result = engine.converse(session, {"type": "text", "content": "hi"})
result.responses      # [{"type": "text", "content": "...", "action": ..., "flow": ..., ...}]
session.flow, session.state, session.stack, session.context, session.data
```

Time-driven messages (``schedule`` actions, ``asyncApi`` answers) and flows that expire go
through the engine's clock: :meth:`KataEngine.due` lists what is due, and
:meth:`KataEngine.fire_due` delivers it. The ``exec_*`` methods run one part of a flow
alone, as Kata's ``/bot/exec/{intent,state-mapper,action,flow}`` endpoints did for its test
specs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.engine import Engine, EngineError
from ..core.events import FAILURE, RUN_ENDED, RUN_STARTED, WARNING, Event
from ..core.runtime import Limits, Runtime
from ..core.session import ACTIVE, WAITING, Step
from ..generators import Clock, RandomUUIDs, SystemClock, UUIDSource
from . import model
from .actions.base import StateActionStep
from .actions.http import ApiRequest, call_api, check_http
from .compiler import CompiledFlow
from .events import MESSAGE_PROCESSED, RESPONSE_CREATED
from .family import KataFamily
from .intents import extract_attributes, select_intent
from .js import JsHost
from .nlu import NluPlugin, take_path
from .policy import TICK, check_message, normalized
from .runtime_errors import KataRuntimeError
from .session import KataConversation, KataRun, KataSession, Snapshot, copy_json
from .states import EnterMapping, map_state
from .store import conversation_of, record_of

# a converse visits a few states per message; this only stops a bot that loops
MAX_STEPS_PER_CONVERSE = 1000
# what Kata's platform said when a converse failed and the bot set no defaultErrorMessage
DEFAULT_ERROR_MESSAGE = "Maaf terjadi kesalahan pada sistem"


@dataclass
class ConverseResult:
    """What one converse did: ``responses`` (Kata's converse-result shape), ``messages``
    (every message processed, the internal ones too, with ``intent`` and ``attributes``),
    ``warnings`` (conditions that failed, API calls that got no result...), and the flows
    ``opened`` and ``closed`` (``(flow, how)``: completed, interrupted (volatile), expired)."""

    responses: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    closed: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, events: list[Event]) -> ConverseResult:
        result = cls()
        result.add(events)
        return result

    def add(self, events: list[Event]) -> None:
        for event in events:
            kind = event["type"]
            if kind == RESPONSE_CREATED:
                self.responses.append(event["response"])
            elif kind == MESSAGE_PROCESSED:
                self.messages.append(_shown(event["message"]))
            elif kind == WARNING:
                self.warnings.append(event["text"])
            elif kind == RUN_STARTED:
                self.opened.append(event["flow"]["uuid"])
            elif kind == RUN_ENDED:
                self.closed.append((event["flow"]["uuid"], event["status"]))

    def extend(self, other: ConverseResult) -> None:
        self.responses.extend(other.responses)
        self.messages.extend(other.messages)
        self.warnings.extend(other.warnings)
        self.opened.extend(other.opened)
        self.closed.extend(other.closed)

    def to_json(self) -> dict[str, Any]:
        """As Kata's converse API answered (``messages``, ``responses``)."""
        return {"messages": self.messages, "responses": self.responses}


def _shown(message: dict[str, Any]) -> dict[str, Any]:
    """A processed message as Kata showed it: no empty payload or metadata it was not sent
    with."""
    return {key: value for key, value in message.items()
            if not (key in ("payload", "metadata") and value == {})}


class KataEngine:
    """Runs one bot's conversations.

    ``clock``: a clock of :mod:`turnflow.generators` (or anything with ``now_ns``,
    ``now_time`` and ``now``; tests use one that moves only when told). ``http``: the
    client ``api`` actions call through: a ``turnflow.http.SafeHTTPClient`` (its allow-list),
    an httpx transport that replaces the network (tests), or None: a safe client reading
    ``TURNFLOW_HTTP_ALLOW``. ``config``: values over the bot's ``config``. ``nlu_plugins``: remote
    NLU types (``nl``, ``witIntent``...) -> ``(message, options, config) -> output``.
    """

    def __init__(
        self, bot: model.Bot | str | Path, clock: Clock | None = None, http: Any = None, *,
        uuids: UUIDSource | None = None, config: Mapping[str, Any] | None = None,
        nlu_plugins: Mapping[str, NluPlugin] | None = None,
    ) -> None:
        if not isinstance(bot, model.Bot):
            from .reading import load_bot

            bot = load_bot(bot)
        self.bot = bot
        check_http(http)
        self.clock: Clock = clock or SystemClock()
        # a date's local time (getHours() in conditions and $(...)) is the bot's time zone
        tz = None if bot.timezone is None else dt.timezone(dt.timedelta(hours=bot.timezone))
        host = JsHost(now_ms=self._now_ms, tz=tz)
        self.family = KataFamily(bot, http=http, nlu_plugins=nlu_plugins, config=config,
                                 host=host)
        limits = Limits(max_steps_per_sprint=MAX_STEPS_PER_CONVERSE,
                        max_sprints_per_session=2**62)
        self.core = Engine(self.family, clock=self.clock, uuids=uuids or RandomUUIDs(self.clock),
                           limits=limits)
        self._shared_data: dict[str, dict[str, Any]] = {}

    def _now_ms(self) -> float:
        return self.clock.now_ns() / 1_000_000

    @property
    def config(self) -> dict[str, Any]:
        return self.family.config

    def register_nlu_type(self, type_name: str, plugin: NluPlugin | None) -> None:
        """Answer for this engine's NLUs of a remote type (None removes the plug-in)."""
        if plugin is None:
            self.family.nlu_plugins.pop(type_name, None)
        else:
            self.family.nlu_plugins[type_name] = plugin

    # -- conversations --------------------------------------------------------------------------

    def new_session(
        self, user_id: str = "", data: Mapping[str, Any] | None = None, *,
        channel_id: str = "", deployment_id: str = "", data_key: str | None = None,
    ) -> KataSession:
        """A new conversation. Sessions given the same ``data_key`` share their data."""
        contact = {"user_id": user_id, "channel_id": channel_id,
                   "deployment_id": deployment_id, "data_key": data_key}
        conversation, _ = self.core.start(contact, None)
        assert isinstance(conversation, KataConversation)
        if data_key is not None:
            shared = self._shared_data.setdefault(data_key, {})
            shared.update(copy_json(dict(data or {})))
            conversation.data = shared
        else:
            conversation.data = copy_json(dict(data or {}))
        return KataSession(conversation)

    def save_session(self, session: KataSession) -> dict[str, Any]:
        """The session as JSON-ready values (its open flows, data, schedules; no history),
        for :meth:`load_session` to take up later, in this engine or another of the bot."""
        return record_of(session.conversation)

    def load_session(self, record: Mapping[str, Any]) -> KataSession:
        """A session saved by :meth:`save_session`. One with a data key shares the data of
        this engine's sessions with that key (the record's data, if it has none yet)."""
        data = None
        key = record.get("data_key") if isinstance(record, Mapping) else None
        if key is not None:
            data = self._shared_data.setdefault(key, copy_json(dict(record.get("data") or {})))
        return KataSession(conversation_of(record, self.family.flows, data))

    def converse(self, session: KataSession, message: Mapping[str, Any]) -> ConverseResult:
        """One message in, the bot's responses out. A converse that fails raises
        :class:`KataRuntimeError` (one line) and leaves the session as it was."""
        check_message(message)
        return self._sprint(session.conversation, dict(message))

    def error_reply(self) -> dict[str, Any]:
        """What Kata told the user when a converse failed: the bot's
        ``config.defaultErrorMessage``, else Kata's own default. A failing converse's
        :class:`KataRuntimeError` carries it as ``reply``, for a channel to send."""
        text = self.family.config.get("defaultErrorMessage")
        if not isinstance(text, str) or not text:
            text = DEFAULT_ERROR_MESSAGE
        return {"type": "text", "content": text, "action": None}

    def _sprint(self, conversation: KataConversation, message: Any) -> ConverseResult:
        snapshot = Snapshot.take(conversation)
        try:
            try:
                sprint = self.core.resume(conversation, message)
            except EngineError as error:
                raise KataRuntimeError(str(error)) from None
            except RecursionError:
                raise KataRuntimeError("the bot's data is nested too deeply") from None
            for event in sprint.events:
                if event["type"] == FAILURE:  # (the core's limits: a bot that loops)
                    raise KataRuntimeError(f"the converse failed: {event['text']}")
        except KataRuntimeError as error:
            snapshot.restore(conversation)
            error.reply = self.error_reply()
            raise
        except Exception:  # (a bug of ours: the session is still left as it was)
            snapshot.restore(conversation)
            raise
        return ConverseResult.of(sprint.events)

    # -- time -----------------------------------------------------------------------------------

    def due(self, session: KataSession) -> list[dict[str, Any]]:
        """What is due now: scheduled messages and asyncApi answers (``kind``: schedule or
        asyncApi, ``id``, ``due`` in ms, ``message``), and open flows that have expired
        (``kind``: expire, ``flow``)."""
        conversation = session.conversation
        now = self.clock.now_ns()
        found: list[dict[str, Any]] = []
        for run in conversation.stack:
            flow = self.family.compiled.get(run.flow.uuid)
            if (flow is not None and flow.expire_ms is not None and isinstance(run, KataRun)
                    and now - run.touched_ns >= flow.expire_ms * 1_000_000):
                found.append({"kind": "expire", "flow": flow.name})
        for schedule in sorted(conversation.schedules, key=lambda s: s.due_ns):
            if schedule.due_ns <= now:
                found.append({
                    "kind": "asyncApi" if schedule.request is not None else "schedule",
                    "id": schedule.id, "due": schedule.due_ns // 1_000_000,
                    "message": copy_json(schedule.message),
                })  # fmt: skip
        return found

    def fire_due(self, session: KataSession) -> ConverseResult:
        """Deliver what is due: expired flows are closed, then each due message (in the order
        they fell due) goes through a converse of its own; an asyncApi call is made now and
        its answer is the message's payload. A repeating schedule moves to its next time
        after now (missed times are skipped); one past its end, or a one-off, is dropped."""
        conversation = session.conversation
        result = ConverseResult()
        if any(item["kind"] == "expire" for item in self.due(session)):
            result.extend(self._sprint(conversation, TICK))
        now = self.clock.now_ns()
        while True:
            due = [s for s in conversation.schedules if s.due_ns <= now]
            if not due:
                break
            schedule = min(due, key=lambda s: s.due_ns)
            message = copy_json(schedule.message)
            if schedule.every_ns:
                missed = (now - schedule.due_ns) // schedule.every_ns + 1
                schedule.due_ns += missed * schedule.every_ns
                if schedule.end_ns and schedule.due_ns > schedule.end_ns:
                    conversation.schedules.remove(schedule)
            else:
                conversation.schedules.remove(schedule)
            if schedule.request is not None:
                request = ApiRequest.from_record(schedule.request)
                answer = call_api(self.family.http, request)
                if answer.problem is not None:
                    result.warnings.append(f"asyncApi {request.method} {request.uri} "
                                           f"{answer.problem}: the result is null")
                message["payload"] = take_path(answer.result, schedule.request.get(
                    "resultPath"))
            result.extend(self.converse(session, message))
        return result

    # -- one part of a flow alone (Kata's exec endpoints, for test specs) -----------------------

    def exec_intent(self, flow: str, message: Mapping[str, Any],
                    context: Mapping[str, Any] | None = None,
                    data: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The intent ``message`` gets in ``flow`` (as the current flow, every intent of it
        counts): ``{intent, attributes, match}`` (intent None and match false when none)."""
        compiled = self._flow(flow)
        rt, run = self._exec_runtime(compiled, None, context, data)
        rt.state.begin_message(self._message(message))
        found = select_intent(rt, compiled, run, compiled.intents)
        if found is None:
            return {"intent": None, "attributes": {}, "match": False}
        return {"intent": found[0].name, "attributes": found[1], "match": True}

    def exec_state(self, flow: str, state: str | None, intent: str | None,
                   attributes: Mapping[str, Any] | None, message: Mapping[str, Any] | None,
                   context: Mapping[str, Any] | None = None,
                   data: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """State mapping alone: from ``state`` (None: the initial state) with a message
        already understood as ``intent`` with ``attributes``: ``{state, context, data,
        end}`` after the next state's enter mapping (no actions run)."""
        compiled = self._flow(flow)
        start = self._state(compiled, state)
        rt, run = self._exec_runtime(compiled, start, context, data)
        rt.state.begin_message(self._message(message, intent, attributes))
        self._understand(rt, compiled, run, message, intent, attributes)
        if compiled.states[start].end:
            return {"state": start, "context": run.context, "data": rt.session.data,
                    "end": True}
        rt.run = run
        chosen = map_state(rt, run, compiled.states[start])
        target = compiled.core.node(chosen.target)
        assert target is not None
        run.path.append(Step(target.uuid, rt.now()))
        enter = target.actions[0]
        assert isinstance(enter, EnterMapping)
        enter.execute(rt)
        return {"state": chosen.target, "context": run.context, "data": rt.session.data,
                "end": compiled.states[chosen.target].end}

    def exec_actions(self, flow: str, state: str, intent: str | None,
                     attributes: Mapping[str, Any] | None, message: Mapping[str, Any] | None,
                     context: Mapping[str, Any] | None = None,
                     data: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """The responses of ``state``'s actions (command messages among them, as
        ``{type: command, content, payload, action}``), as if the state had just been
        reached with this message (its enter mapping does not run)."""
        compiled = self._flow(flow)
        name = self._state(compiled, state)
        rt, run = self._exec_runtime(compiled, name, context, data)
        st = rt.state
        st.begin_message(self._message(message, intent, attributes))
        self._understand(rt, compiled, run, message, intent, attributes)
        st.collect_commands = True
        compiled_state = compiled.states[name]
        st.state = name
        st.state_meta = {"$start": compiled_state.initial, "$end": compiled_state.end}
        node = compiled.core.node(name)
        assert node is not None
        rt.run = run
        for action in node.actions:
            if isinstance(action, StateActionStep):
                action.execute(rt)
        return [event["response"] for event in rt.emitted if event["type"] == RESPONSE_CREATED]

    def exec_flow(self, flow: str, state: str | None, message: Mapping[str, Any],
                  context: Mapping[str, Any] | None = None,
                  data: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """One message through ``flow`` alone, from ``state`` (None: a new flow): the intent
        (given as the message's ``intent`` / ``attributes``, or selected among the flow's
        intents), the state mapping and the new state's actions. ``{state, intent,
        attributes, context, data, end, responses}``; command messages are among the
        responses, not processed."""
        compiled = self._flow(flow)
        start = self._state(compiled, state) if state else None
        rt, run = self._exec_runtime(compiled, start, context, data)
        st = rt.state
        given = dict(message or {})
        intent_name = given.pop("intent", None)
        attributes = given.pop("attributes", None)
        st.begin_message(self._message(given))
        st.collect_commands = True
        if intent_name is not None:
            intent = next((i for i in compiled.intents if i.name == intent_name), None)
            if intent is None:
                raise KataRuntimeError(f"flow '{flow}' has no intent '{intent_name}'",
                                       compiled.model.where)
            if attributes is None:
                attributes = extract_attributes(rt, compiled, intent.attributes)
        else:
            found = select_intent(rt, compiled, run, compiled.intents)
            if found is None:
                return {"state": start, "intent": None, "attributes": {},
                        "context": run.context, "data": rt.session.data, "end": False,
                        "responses": []}
            intent_name, attributes = found[0].name, found[1]
        st.message["intent"] = intent_name
        st.message["attributes"] = dict(attributes or {})
        st.run = run
        loop = self.core.loop
        rt.session.status = ACTIVE
        if start is not None:
            loop.resume(rt, run)
        else:
            initial = compiled.core.node(compiled.initial_state)
            assert initial is not None
            if compiled.states[compiled.initial_state].end:
                loop.visit(rt, run, initial)
            else:
                loop.take_up(rt, run, initial)
        for event in rt.emitted:
            if event["type"] == FAILURE:
                raise KataRuntimeError(f"flow '{flow}' failed: {event['text']}")
        return {
            "state": run.state, "intent": intent_name, "attributes": st.message["attributes"],
            "context": run.context, "data": rt.session.data, "end": run.ended,
            "responses": [event["response"] for event in rt.emitted
                          if event["type"] == RESPONSE_CREATED],
        }  # fmt: skip

    # -- helpers --------------------------------------------------------------------------------

    def _flow(self, name: str) -> CompiledFlow:
        compiled = self.family.compiled.get(name)
        if compiled is None:
            raise KataRuntimeError(f"the bot has no flow '{name}'", self.bot.where)
        return compiled

    @staticmethod
    def _state(flow: CompiledFlow, name: str | None) -> str:
        if not name:
            return flow.initial_state
        if name not in flow.states:
            raise KataRuntimeError(f"flow '{flow.name}' has no state '{name}'",
                                   flow.model.where)
        return name

    def _understand(self, rt: Runtime, compiled: CompiledFlow, run: KataRun,
                    message: Mapping[str, Any] | None, intent: str | None,
                    attributes: Mapping[str, Any] | None) -> None:
        """A states or actions spec that gives a message but no ``intent`` means the
        intent the flow finds for it (as a flow spec does): the author wrote what the
        user says, not what the NLU made of it. One that gives the intent but no
        ``attributes`` gets the intent's attributes taken from the message."""
        if not message:
            return
        st = rt.state
        if intent is None:
            found = select_intent(rt, compiled, run, compiled.intents)
            if found is not None:
                st.message["intent"], st.message["attributes"] = found[0].name, found[1]
        elif attributes is None:
            chosen = next((i for i in compiled.intents if i.name == intent), None)
            if chosen is not None and chosen.attributes:
                try:
                    st.message["attributes"] = extract_attributes(rt, compiled,
                                                                  chosen.attributes)
                except KataRuntimeError:  # (a remote NLU with no plug-in: none, as given)
                    pass

    @staticmethod
    def _message(message: Mapping[str, Any] | None, intent: str | None = None,
                 attributes: Mapping[str, Any] | None = None) -> dict[str, Any]:
        given = dict(message or {"type": "text", "content": ""})
        given.setdefault("type", "text")
        check_message({**given, "content": given.get("content", "")}
                      if given["type"] != "data" else given)
        out = normalized(given)
        if intent is not None:
            out["intent"] = intent
            out["attributes"] = copy_json(dict(attributes or {}))
        return out

    def _exec_runtime(self, flow: CompiledFlow, state: str | None,
                      context: Mapping[str, Any] | None, data: Mapping[str, Any] | None
                      ) -> tuple[Runtime, KataRun]:
        """A throwaway session with ``flow`` open at ``state`` (None: not started yet)."""
        conversation = self.family.new_session(self.core, {"user_id": ""}, None, None)
        conversation.data = copy_json(dict(data or {}))
        rt = self.core.sprint(conversation, None)
        run = self.family.new_run(rt, flow.core, None)
        run.context = copy_json(dict(context or {}))
        conversation.push(run)
        if state is not None:
            run.path.append(Step(state, rt.now()))
            run.status = WAITING
            run.fresh = False
        rt.run = run
        return rt, run


__all__ = ["ConverseResult", "KataEngine", "KataRuntimeError", "KataSession"]
