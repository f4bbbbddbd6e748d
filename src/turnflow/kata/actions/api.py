"""The ``api`` action: an HTTP call whose JSON answer becomes the ``result`` the state's later
actions see (``$(result.name)``); ``resultPath`` keeps only a part of it.

Options (``$(...)`` allowed in all): ``uri``, ``method`` (GET or POST; the other HTTP verbs
work too), ``headers``, ``query``, ``body`` (sent as JSON), ``formData`` (sent as a form
instead), ``resultPath`` (dotted), ``timeout`` (ms, default 5000 as in Kata).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..expressions import Value
from ..js import JsHost, to_js_string
from ..nlu import take_path
from ..runtime_errors import KataRuntimeError
from .http import DEFAULT_TIMEOUT_MS, METHODS, ApiRequest, call_api

if TYPE_CHECKING:
    from ...core.runtime import Runtime
    from .base import StateActionStep


class ApiAction:
    def __init__(self, options: dict[str, Any], method: str | None, where: Any, what: str,
                 host: JsHost | None = None) -> None:
        if not options.get("uri"):
            raise KataRuntimeError(f"{what}: an api action needs options.uri", where)
        self.where, self.what = where, what
        self.options = Value(options, where, f"{what} options", host)

    def request(self, rt: Runtime, scope: dict[str, Any]) -> tuple[ApiRequest, str | None]:
        """The call as the options say now, and the result path."""
        options = self.options.render(scope, rt.family.calls_of(rt.run))
        uri = options.get("uri")
        if not isinstance(uri, str) or not uri.startswith(("http://", "https://")):
            raise KataRuntimeError(f"{self.what}: uri {uri!r} is not an http(s) URL",
                                   self.where)
        method = str(options.get("method") or "GET").upper()
        if method not in METHODS:
            raise KataRuntimeError(f"{self.what}: unknown HTTP method {method!r}", self.where)
        headers = {str(key): to_js_string(value) for key, value in
                   _object(options.get("headers")).items() if value is not None}
        query = {str(key): to_js_string(value) for key, value in
                 _object(options.get("query")).items() if value is not None}
        form = options.get("formData")
        body = _body(options.get("body"))
        timeout = options.get("timeout")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            timeout = rt.family.config.get("apiTimeout", DEFAULT_TIMEOUT_MS)
        path = options.get("resultPath")
        request = ApiRequest(method, uri, headers, query, body,
                             _body(form) if isinstance(form, (dict, list)) else None,
                             float(timeout))
        return request, path if isinstance(path, str) and path else None

    def run(self, rt: Runtime, step: StateActionStep, scope: dict[str, Any]) -> None:
        request, path = self.request(rt, scope)
        answer = call_api(rt.family.http, request)
        if answer.problem is not None:
            rt.family.warner(rt)(f"{self.what}: {request.method} {request.uri} "
                                 f"{answer.problem}: the result is null", self.where)
        rt.state.result = take_path(answer.result, path)


def _object(value: Any) -> dict[str, Any]:
    """Headers, query: an object, or the Bot Studio form ``[{key, value}...]``."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return {item["key"]: item.get("value") for item in value
                if isinstance(item, dict) and "key" in item}
    return {}


def _body(value: Any) -> Any:
    """A body as written, or the Bot Studio form ``[{key, value}...]`` as an object."""
    if isinstance(value, list) and value and all(
            isinstance(item, dict) and "key" in item for item in value):
        return _object(value)
    return value
