"""The ``text`` action (``reply`` is the same): one text bubble, or one per item when ``text``
is a list.

With a message dictionary instead of ``text``: ``data`` (e.g. ``$(config.messages)``),
``path`` (where in it, e.g. ``$(data.lang)``; dotted) and ``template`` (``$[...]`` reads the
dictionary at that path: ``$[order.askSize]``). A text found there may itself hold ``$(...)``
(``Hello $(data.name)``): it is rendered too (each distinct text compiled once).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..expressions import Value
from ..js import UNDEFINED, JsHost
from ..js.template import text_of
from ..nlu import take_path
from ..runtime_errors import KataRuntimeError
from .base import respond

if TYPE_CHECKING:
    from ...core.runtime import Runtime
    from .base import StateActionStep

# texts found in message dictionaries, compiled once (the dictionaries are the bot's own)
_MAX_FOUND = 4096


class TextAction:
    def __init__(self, options: dict[str, Any], method: str | None, where: Any, what: str,
                 host: JsHost | None = None) -> None:
        self.where, self.what, self.host = where, what, host
        self.found: dict[str, Value] = {}
        if "text" in options:
            self.text: Value | None = Value(options["text"], where, f"{what} text", host)
        elif "template" in options:
            self.text = None
            self.data = Value(options.get("data"), where, f"{what} data", host)
            self.path = Value(options.get("path"), where, f"{what} path", host)
            self.template = Value(options["template"], where, f"{what} template", host)
        else:
            raise KataRuntimeError(f"{what}: a text action needs options.text (or data, path "
                                   "and template)", where)

    def run(self, rt: Runtime, step: StateActionStep, scope: dict[str, Any]) -> None:
        calls = rt.family.calls_of(rt.run)
        if self.text is not None:
            value = self.text.render(scope, calls)
        else:
            data = self.data.render(scope, calls)
            path = self.path.render(scope, calls)
            item = take_path(data, path if isinstance(path, str) else None)
            value = self.template.render(scope, calls, item)
            value = self.expand(value, scope, calls)
        for text in value if isinstance(value, list) else [value]:
            if text is None or text is UNDEFINED:
                rt.family.warner(rt)(f"{self.what}: nothing to say (the text is empty)",
                                     self.where)
                continue
            respond(rt, step, {"type": "text", "content": text_of(text)})

    def expand(self, value: Any, scope: dict[str, Any], calls: Any) -> Any:
        """A text taken from a dictionary, with its own ``$(...)`` rendered."""
        if isinstance(value, list):
            return [self.expand(item, scope, calls) for item in value]
        if not isinstance(value, str) or "$(" not in value:
            return value
        compiled = self.found.get(value)
        if compiled is None:
            compiled = Value(value, self.where, f"{self.what} text {value!r}", self.host)
            if len(self.found) < _MAX_FOUND:
                self.found[value] = compiled
        return compiled.render(scope, calls)
