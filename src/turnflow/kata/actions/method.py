"""The ``method`` action: calls a bot method with ``(message, context, data, options,
config)`` (the message with its ``intent`` and ``attributes``; the state action's options
rendered), as the methods of kata-cli's bot template take them.

What it returns is the ``result`` later actions see, and:

* an object with ``context`` and/or ``data``: they replace the flow's context / the data;
* a message ``{type: text|data, ...}`` (or a list of them): responses; a ``{type: command}``
  message: fed back to the bot like a command action's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..expressions import Value
from ..js import UNDEFINED, JsHost, to_js_string
from ..runtime_errors import KataRuntimeError
from ..session import KataRun, copy_json
from ..states import apply_returned, stored
from .base import respond

if TYPE_CHECKING:
    from ...core.runtime import Runtime
    from .base import StateActionStep


class MethodAction:
    def __init__(self, options: dict[str, Any], method: str | None, where: Any, what: str,
                 host: JsHost | None = None) -> None:
        if not method:
            raise KataRuntimeError(f"{what}: a method action needs 'method'", where)
        self.method, self.where, self.what = method, where, what
        self.options = Value(options, where, f"{what} options", host)

    def run(self, rt: Runtime, step: StateActionStep, scope: dict[str, Any]) -> None:
        family = rt.family
        run = rt.run
        assert isinstance(run, KataRun)
        options = self.options.render(scope, family.calls_of(run))
        message = copy_json(rt.state.message)
        context = scope["context"]
        returned, after = family.call_method(
            run, self.method, [message, context, copy_json(rt.session.data), options,
                               family.config], f"{self.where}: {self.what}", mutating=True)
        if len(after) >= 3:  # (a method may change the context and data it is given)
            apply_returned(rt, run, {"context": after[1], "data": after[2]})
        rt.state.result = stored(returned) if returned is not UNDEFINED else UNDEFINED
        for item in returned if isinstance(returned, list) else [returned]:
            if not isinstance(item, dict):
                continue
            kind = item.get("type")
            if kind == "command" and item.get("content"):
                command = {"type": "command", "content": to_js_string(item["content"])}
                if item.get("payload") is not None:
                    command["payload"] = stored(item["payload"])
                rt.state.commands.append(command)
            elif kind in ("text", "data"):
                response = {key: stored(value) for key, value in item.items()
                            if key in ("type", "content", "payload") and value is not UNDEFINED}
                respond(rt, step, response)
            elif "context" in item or "data" in item:
                apply_returned(rt, run, item)
