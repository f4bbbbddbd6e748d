"""What one converse keeps while it runs (the core runtime's ``state``): the message being
processed with its intent and attributes, the meta context of the state being mapped, the
``result`` of the last action, the command messages actions asked for, and the per-message
NLU outputs. Made afresh for every converse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .js import UNDEFINED
from .session import KataConversation, KataRun


@dataclass(slots=True)
class KataSprint:
    now_ms: int = 0  # the converse's time ($now), read once
    message: dict[str, Any] = field(default_factory=dict)  # processed: + intent, attributes
    run: KataRun | None = None  # the flow the message went to
    state_meta: dict[str, Any] = field(default_factory=dict)  # $start, $end, $from, $to
    state: str | None = None  # the state being mapped or acted in ($state)
    result: Any = UNDEFINED  # the last action's result ($(result))
    commands: list[dict[str, Any]] = field(default_factory=list)  # re-converse messages
    nlu_outputs: dict[Any, Any] = field(default_factory=dict)  # per message
    reenter_run: KataRun | None = None  # a held flow uncovered by a closing one
    collect_commands: bool = False  # exec_actions: command messages are responses too
    shared_scope: dict[str, Any] | None = None  # intent conditions that don't read context

    def begin_message(self, message: dict[str, Any]) -> None:
        self.message = message
        self.nlu_outputs = {}
        self.shared_scope = None
        self.state = None
        self.state_meta = {}
        self.result = UNDEFINED

    # -- what expressions see -------------------------------------------------------------------

    def meta(self, conversation: KataConversation, run: KataRun | None,
             flow: str | None = None) -> dict[str, Any]:
        """The meta context (``context.$...``) for ``run``'s flow now (or for ``flow``, not
        open yet)."""
        meta = {
            "$init": run.fresh if run is not None else True,
            "$flow": run.flow.uuid if run is not None else flow,
            "$state": self.state if self.state is not None else (
                run.state if run is not None else None),
            "$lastFlow": conversation.last_flow,
            "$lastState": conversation.last_state,
            "$now": self.now_ms,
            "$timestamp": conversation.timestamp_ns // 1_000_000,
            "$dataKey": conversation.data_key,
            "$sessionId": conversation.uuid,
            "$channelId": conversation.channel_id,
            "$deploymentId": conversation.deployment_id,
            "$userId": conversation.user_id,
        }
        if self.state_meta:
            meta.update(self.state_meta)
        return meta

    def scope(
        self, conversation: KataConversation, run: KataRun | None, context: dict[str, Any],
        config: dict[str, Any], flow: str | None = None,
    ) -> dict[str, Any]:
        """The names a bot's expressions see: the message (``type``, ``content``,
        ``payload``, ``metadata``), its ``intent`` and ``attributes``, the flow's
        ``context`` (with the meta context), the session's ``data``, the bot's ``config``
        and the last action's ``result``."""
        message = self.message
        view = dict(context)
        view.update(self.meta(conversation, run, flow))
        return {
            "type": message.get("type", UNDEFINED),
            "content": message.get("content", UNDEFINED),
            "payload": message.get("payload", UNDEFINED),
            "metadata": message.get("metadata", UNDEFINED),
            "intent": message.get("intent", UNDEFINED),
            "attributes": message.get("attributes", UNDEFINED),
            "context": view,
            "data": conversation.data,
            "config": config,
            "result": self.result,
        }
