"""Kata as a family of the engine core: a bot's flows compiled into the core graph
(:mod:`turnflow.kata.compiler`), the flow stack on the session's run stack, flow selection as
the conversation policy (:mod:`turnflow.kata.policy`), and what the bot's expressions see.

:class:`~turnflow.kata.engine.KataEngine` is the public way in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..core.events import WARNING
from ..core.family import BaseFamily
from ..core.runtime import Runtime
from ..core.session import Run
from . import model
from .bot_methods import BotMethods
from .compiler import CompiledFlow, compile_flow
from .expressions import Calls
from .js import JsHost
from .nlu import NluPlugin
from .policy import DEFAULT_MAX_RECURSION, KataPolicy
from .runtime_errors import KataRuntimeError
from .session import KataConversation, KataRun
from .sprint import KataSprint

if TYPE_CHECKING:
    from ..core.engine import Engine
    from ..core.graph import Flow


class KataEvaluator:
    """The core's evaluator protocol; Kata's expressions are compiled and run by the family
    itself (see :mod:`turnflow.kata.expressions`), so this only serves generic callers."""

    def render(self, runtime: Runtime, template: Any, context: Any = None) -> str:
        return str(template)

    def check(self, runtime: Runtime, condition: Any, context: Any = None) -> bool:
        return bool(condition)


class KataFamily(BaseFamily):
    name = "kata"

    def __init__(
        self, bot: model.Bot, *, http: Any = None, nlu_plugins: Mapping[str, NluPlugin] | None
        = None, config: Mapping[str, Any] | None = None, host: JsHost | None = None,
    ) -> None:
        self.bot = bot
        self.config: dict[str, Any] = dict(bot.config or {})
        if config:
            self.config.update(config)
        self.http = http
        self.nlu_plugins: dict[str, NluPlugin] = dict(nlu_plugins or {})
        self.max_recursion = _max_recursion(self.config, bot)
        self.bot_where = bot.where
        self.host = host
        self.evaluator = KataEvaluator()
        self.policy = KataPolicy(self)
        self._methods: dict[tuple[Any, ...], BotMethods] = {}
        self.compiled: dict[str, CompiledFlow] = {}
        for order, flow in enumerate(bot.flows.values()):
            methods = self._methods_for({**bot.methods, **flow.methods})
            self.compiled[flow.name] = compile_flow(
                bot, flow, order, methods.call, frozenset(methods.methods), self.nlu_plugins,
                host)
        super().__init__({name: flow.core for name, flow in self.compiled.items()})
        active = [flow for flow in self.compiled.values() if flow.active]
        # other flows' initial intents are tried by flow priority, then the order written
        self.selection_order = tuple(sorted(active, key=lambda flow: (-flow.priority,
                                                                      flow.order)))
        self.fallback_flows = tuple(flow for flow in self.selection_order if flow.fallback)

    # -- methods --------------------------------------------------------------------------------

    def _methods_for(self, methods: dict[str, model.Method]) -> BotMethods:
        """The runtime of a set of methods (the bot's, or the bot's with a flow's own):
        one per distinct set."""
        key = tuple(sorted((name, id(method)) for name, method in methods.items()))
        found = self._methods.get(key)
        if found is None:
            found = self._methods[key] = BotMethods(methods, self.host)
        return found

    def methods_of(self, run: Run | None) -> BotMethods:
        flow = self.compiled.get(run.flow.uuid) if run is not None else None
        if flow is not None:
            return self._methods_for({**self.bot.methods, **flow.model.methods})
        return self._methods_for(dict(self.bot.methods))

    def calls_of(self, run: Run | None) -> Calls:
        flow = self.compiled.get(run.flow.uuid) if run is not None else None
        return flow.calls if flow is not None else self.methods_of(None).call

    def call_method(self, run: Run | None, name: str, args: list[Any], what: str = "",
                    mutating: bool = False) -> Any:
        """Call a bot method directly (a mapping method, a method action); ``what`` says who
        called it, for the error. With ``mutating``: (result, arguments as left)."""
        methods = self.methods_of(run)
        try:
            if mutating:
                return methods.call_mutating(name, args)
            return methods.call(name, args)
        except KataRuntimeError as error:
            if what:
                raise KataRuntimeError(f"{what}: {error}") from None
            raise

    # -- what expressions see -------------------------------------------------------------------

    def scope(self, rt: Runtime, run: KataRun | None, flow: str | None = None) -> dict[str, Any]:
        st: KataSprint = rt.state
        conversation = rt.session
        assert isinstance(conversation, KataConversation)
        context = run.context if run is not None else {}
        return st.scope(conversation, run, context, self.config, flow)

    def message_scope(self, rt: Runtime) -> dict[str, Any]:
        """The scope of expressions that don't read ``context`` (made once per message)."""
        st: KataSprint = rt.state
        if st.shared_scope is None:
            st.shared_scope = self.scope(rt, None, None)
        return st.shared_scope

    def warner(self, rt: Runtime) -> Callable[[str, Any], None]:
        def warn(text: str, where: Any) -> None:
            event = rt.stamp_event(WARNING)
            event["text"] = f"{where}: {text}" if where is not None else text
        return warn

    # -- the core's hooks -----------------------------------------------------------------------

    def new_session(
        self, engine: Engine, contact: Any, flow: Flow | None, start: Any
    ) -> KataConversation:
        details = contact if isinstance(contact, dict) else {}
        return KataConversation(
            uuid=engine.uuids.new_v7(), type="messaging", created_on=engine.clock.now_time(),
            trigger={}, contact=contact, user_id=str(details.get("user_id") or ""),
            channel_id=str(details.get("channel_id") or ""),
            deployment_id=str(details.get("deployment_id") or ""),
            data_key=details.get("data_key"), timestamp_ns=engine.clock.now_ns(),
        )  # fmt: skip

    def new_run(self, rt: Runtime, flow: Flow, parent: Run | None) -> KataRun:
        now = rt.now()
        return KataRun(uuid=rt.new_uuid(), flow=flow, created_on=now, parent=parent,
                       touched_ns=now.ns)

    def sprint_state(self, rt: Runtime) -> KataSprint:
        return KataSprint(now_ms=rt.now_ns() // 1_000_000)

    def begin_sprint(self, rt: Runtime) -> KataSprint:
        return self.sprint_state(rt)


def _max_recursion(config: Mapping[str, Any], bot: model.Bot) -> int:
    value = config.get("maxRecursion")
    if value is None:
        return DEFAULT_MAX_RECURSION
    if isinstance(value, str) and value.strip().isdigit():  # (e.g. given on a command line)
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise KataRuntimeError(f"config.maxRecursion must be a number >= 0, not {value!r}",
                               bot.where)
    return int(value)
