"""The ``asyncApi`` action: the same call as ``api``, but the state doesn't wait for it. The
answer comes back later as a command message ``{type: command, content: <options.command>,
payload: <the JSON answer, or null>}``, which the bot catches with a command intent.

The call is made when the engine delivers what is due (``KataEngine.fire_due``, at once
after the converse that asked for it: it is due immediately), so a converse never waits for
it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..js import JsHost
from ..runtime_errors import KataRuntimeError
from ..session import KataConversation, Schedule
from .api import ApiAction

if TYPE_CHECKING:
    from ...core.runtime import Runtime
    from .base import StateActionStep


class AsyncApiAction(ApiAction):
    def __init__(self, options: dict[str, Any], method: str | None, where: Any, what: str,
                 host: JsHost | None = None) -> None:
        if not options.get("command"):
            raise KataRuntimeError(f"{what}: an asyncApi action needs options.command (the "
                                   "command its answer comes back as)", where)
        super().__init__(options, method, where, what, host)

    def run(self, rt: Runtime, step: StateActionStep, scope: dict[str, Any]) -> None:
        request, path = self.request(rt, scope)
        options = self.options.render(scope, rt.family.calls_of(rt.run))
        conversation = rt.session
        assert isinstance(conversation, KataConversation)
        conversation.async_calls += 1
        record = request.record()
        record["resultPath"] = path
        conversation.schedules.append(Schedule(
            id=f"asyncApi:{conversation.async_calls}",
            message={"type": "command", "content": str(options.get("command"))},
            due_ns=rt.now_ns(), request=record,
        ))  # fmt: skip
