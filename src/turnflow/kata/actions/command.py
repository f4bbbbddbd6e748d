"""The ``command`` action: the message ``{type: command, content: <command>, payload}`` is fed
back to the bot once the state's actions are done, in the same converse (one level of
``config.maxRecursion``); it is not a response to the user. ``command`` may be written in
``options`` or (as on the docs' concepts page) beside ``type``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..expressions import Value
from ..js import JsHost, to_js_string
from ..runtime_errors import KataRuntimeError
from .base import respond

if TYPE_CHECKING:
    from ...core.runtime import Runtime
    from .base import StateActionStep


class CommandAction:
    def __init__(self, options: dict[str, Any], method: str | None, where: Any, what: str,
                 host: JsHost | None = None) -> None:
        if not options.get("command"):
            raise KataRuntimeError(f"{what}: a command action needs its command", where)
        self.what, self.where = what, where
        self.command = Value(options["command"], where, f"{what} command", host)
        self.payload = Value(options.get("payload"), where, f"{what} payload", host)

    def run(self, rt: Runtime, step: StateActionStep, scope: dict[str, Any]) -> None:
        calls = rt.family.calls_of(rt.run)
        command = self.command.render(scope, calls)
        if not command:
            raise KataRuntimeError(f"{self.what}: the command is empty", self.where)
        message: dict[str, Any] = {"type": "command", "content": to_js_string(command)}
        payload = self.payload.render(scope, calls)
        if payload is not None:
            message["payload"] = payload
        st = rt.state
        st.commands.append(message)
        if st.collect_commands:  # (exec_actions shows commands among the responses)
            respond(rt, step, dict(message))
