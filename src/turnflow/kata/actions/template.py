"""The ``template`` action: rich responses as data messages,
``{type: data, payload: {type: template, template_type, items}}`` (the generic channel's
shape): ``button``, ``carousel``, ``image``, ``imagemap``, ``sticker``, ``video``, ``audio``,
``location``, ``confirm`` (and ``text``, for a quick reply alone). ``items`` may hold
``quickreply`` (Messenger's and Twitter's quick replies); it is kept as written.

A dynamic carousel gives ``data`` (a list, e.g. ``$(context.products)``) and ``template``
(one item, whose ``$[...]`` read each element of the list) instead of ``items``.

``image`` used as an action type (the concepts page lists it) is a template of type image
whose options are its items.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..expressions import Value
from ..js import JsHost
from ..runtime_errors import KataRuntimeError
from .base import respond

if TYPE_CHECKING:
    from ...core.runtime import Runtime
    from .base import StateActionStep

TEMPLATE_TYPES = frozenset({
    "button", "carousel", "image", "imagemap", "sticker", "video", "audio", "location",
    "confirm", "text",
})  # fmt: skip


class TemplateAction:
    def __init__(self, options: dict[str, Any], method: str | None, where: Any, what: str,
                 host: JsHost | None = None) -> None:
        kind = options.get("type")
        if kind not in TEMPLATE_TYPES:
            raise KataRuntimeError(f"{what}: a template's type is one of "
                                   f"{', '.join(sorted(TEMPLATE_TYPES))}, not {kind!r}", where)
        self.kind, self.where, self.what = kind, where, what
        self.dynamic = "template" in options and "items" not in options
        if self.dynamic:
            self.data = Value(options.get("data"), where, f"{what} data", host)
            self.items = Value(options["template"], where, f"{what} template", host)
        else:
            self.items = Value(options.get("items"), where, f"{what} items", host)
        extra = {key: value for key, value in options.items()
                 if key not in ("type", "items", "data", "template")}
        self.extra = Value(extra, where, f"{what} options", host) if extra else None

    def run(self, rt: Runtime, step: StateActionStep, scope: dict[str, Any]) -> None:
        calls = rt.family.calls_of(rt.run)
        if self.dynamic:
            elements = self.data.render(scope, calls)
            if not isinstance(elements, list):
                raise KataRuntimeError(f"{self.what}: a dynamic {self.kind}'s data is a list, "
                                       f"not {type(elements).__name__}", self.where)
            items: Any = [self.items.render(scope, calls, element) for element in elements]
        else:
            items = self.items.render(scope, calls)
        payload: dict[str, Any] = {"type": "template", "template_type": self.kind}
        if self.extra is not None:
            payload.update(self.extra.render(scope, calls))
        payload["items"] = items
        respond(rt, step, {"type": "data", "payload": payload})


class ImageAction(TemplateAction):
    def __init__(self, options: dict[str, Any], method: str | None, where: Any, what: str,
                 host: JsHost | None = None) -> None:
        items = options.get("items", {k: v for k, v in options.items() if k != "type"})
        super().__init__({"type": "image", "items": items}, method, where, what, host)
