"""Bot methods run in QuickJS (the ``quickjs-ng`` package), one JavaScript context per bot.

Why QuickJS: a small embeddable engine with no host API at all (no ``require``, file system,
network or timers: only the ECMAScript built-ins), a per-call CPU-time limit, a
memory limit and a stack limit, a context that stays usable after an interrupted call, and
calls into it cost about a microsecond. It runs ES5 and everything newer that bots may have
picked up from the docs (``let``, arrow functions).

Each method is compiled once when the runtime is built. Arguments go in and results come
out as JSON (objects are dicts, arrays lists, integral numbers ints; ``undefined`` arguments
stay ``undefined``, an ``undefined`` result is :data:`~turnflow.kata.js.UNDEFINED`), so the
caller always gets plain Python values and a method cannot keep a reference to them.

``console.log`` (and ``info``, ``warn``, ``error``, ``debug``) don't fail a method: what the
last call wrote is in :attr:`MethodRuntime.last_logs` (``"log: text"``, at most 100 lines).

A method that throws, runs past ``time_limit_ms`` (CPU time), recurses too deeply or needs
more than ``memory_limit`` bytes raises :class:`MethodError`, one line naming the method
and what went wrong; after a time-out or a memory error the context is rebuilt from the
sources (a method may have left half-made global state or filled the heap).

Calling conventions (what the Kata runtime passes; the docs give the parameter lists):

- NLU method (``nlus: {x: {type: method, method: m}}``): ``call(m, [message, options,
  config])``; ``message`` is ``{type, content, payload, metadata}``; the result is the NLU
  output (a label, a list of labels, an object of attributes, or ``null`` for no match).
- ``process`` post-processor (of a classifier, an attribute or an NLU):
  ``call(m, [value])`` with the value to post-process; the result replaces it.
- Mapping method (``enter`` / ``transit`` / ``exit`` / a transition's ``mapping`` given as
  a method name): ``call_mutating(m, [ctx])`` with ``ctx = {intent, attributes, content,
  payload, metadata, context, data}``; the docs' methods change ``ctx`` and return it, so
  use the returned object when there is one and the changed argument otherwise.
- ``method`` action: ``call_mutating(m, [ctx, options])`` with ``ctx`` as for a mapping
  (plus ``result`` and ``config``) and the action's rendered options.
- From an expression (``condition: isVip(context.user)``): pass ``runtime.call`` as the
  ``calls`` argument of :meth:`JsExpression.evaluate`.

Global state a method leaves behind (``var counter`` at top level) lives as long as the
context: the runtime is per bot, not per session, so bots should not rely on it.
Two lenient readings, for bots written from the docs: a body that is a single expression
returns its value (``someMethod(x): x*x`` in the docs' bot.yml), and ``Regex`` is an alias
of ``RegExp`` (the docs' custom-NLU example writes ``new Regex(...)``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Mapping
from typing import Any

import quickjs

from turnflow.errors import TurnflowError
from turnflow.kata.js.host import JsHost
from turnflow.kata.js.jsjson import parse as js_json_parse
from turnflow.kata.js.jsjson import stringify as js_json_stringify
from turnflow.kata.js.values import UNDEFINED
from turnflow.kata.methods.source import MethodSource

DEFAULT_TIME_LIMIT_MS = 1000
DEFAULT_MEMORY_LIMIT = 64 * 1024 * 1024
DEFAULT_STACK_LIMIT = 512 * 1024

_ENTRY = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\Z")
_IDENT = re.compile(r"[A-Za-z_$][\w$]*\Z")
_FRAME = re.compile(r"at (?:(\S+) )?\(?<input>:(\d+)(?::\d+)?\)?")
_MEMORY_WORDS = ("out of memory", "string too long", "invalid array length")

_PRELUDE = r"""
var Regex = RegExp;
var __tf_methods = {};
var __tf_host = { now: 0, state: 0 };
var __tf_logs = [];
var console = (function (logs, stringify) {
  function logger(level) {
    return function () {
      if (logs.length >= 100) return;
      var parts = [];
      for (var i = 0; i < arguments.length; i++) {
        var a = arguments[i];
        if (typeof a === "string") { parts.push(a); continue; }
        try { parts.push(a === undefined ? "undefined" : String(stringify(a))); }
        catch (e) { parts.push(String(a)); }
      }
      logs.push(level + ": " + parts.join(" ").slice(0, 2000));
    };
  }
  return { log: logger("log"), info: logger("info"), warn: logger("warn"),
           error: logger("error"), debug: logger("debug") };
})(__tf_logs, JSON.stringify);
var __tf_call = (function (host, logs, parse, stringify, String) {
  // What a method threw, as text, made here while the time limit still runs: the engine
  // turns a thrown value into text after the call, outside the limit, so a thrown object
  // whose toString, message or stack getter loops would hang the process there. A string
  // is thrown on instead (its text: what was thrown, then its stack, as the engine shows).
  function describe(e) {
    var text;
    try {
      if (e === null || e === undefined) {
        text = "(" + e + ")";
      } else if (typeof e === "object" || typeof e === "function") {
        var stack = e.stack;
        text = String(e);
        if (typeof stack === "string") text += "\n" + stack;
      } else {
        text = String(e);
      }
    } catch (ignored) {
      text = "a value that cannot be shown";
    }
    if (typeof text !== "string") text = "a value that cannot be shown";
    return text.length > 20000 ? text.slice(0, 20000) : text;
  }
  return function (name, payload, returnArgs) {
    var input = parse(payload);
    if (input.n !== undefined) {
      host.now = input.n;
      host.state = input.s >>> 0;
    }
    var args = input.a;
    for (var i = 0; i < input.u.length; i++) args[input.u[i]] = undefined;
    logs.length = 0;
    var result;
    try {
      result = __tf_methods[name].apply(undefined, args);
    } catch (e) {
      throw describe(e);
    }
    var box = {};
    if (result !== undefined) box.r = result;
    if (returnArgs) box.a = args;
    if (logs.length) box.l = logs.slice();
    try {
      return stringify(box);
    } catch (e) {
      var why;
      try {
        why = e instanceof Error ? String(e.message) : describe(e);
      } catch (ignored) {
        why = "a value that cannot be shown";
      }
      throw "TypeError: __tf_result " + String(why).split("\n")[0];
    }
  };
})(__tf_host, __tf_logs, JSON.parse, JSON.stringify, String);
function __tf_define(name, fn) {
  if (typeof fn !== "function") {
    throw new TypeError("__tf_entry the entry is " + (fn === null ? "null" : typeof fn)
                        + ", not a function");
  }
  __tf_methods[name] = fn;
}
"""

# With a host, time and chance come from it: each call carries the host's time and a seed
# (the engine can't call back into Python while a time limit is set).
_HOST_HOOKS = r"""
(function (D, host) {
  function now() { return host.now; }
  function HostDate(a, b, c, d, e, f, g) {
    if (!(this instanceof HostDate)) return new D(now()).toString();
    switch (arguments.length) {
      case 0: return new D(now());
      case 1: return new D(a);
      default: return new D(a, b, c === undefined ? 1 : c, d || 0, e || 0, f || 0, g || 0);
    }
  }
  HostDate.prototype = D.prototype;
  HostDate.now = now;
  HostDate.UTC = D.UTC;
  HostDate.parse = D.parse;
  Date = HostDate;
  Math.random = function () {  // mulberry32, seeded per call
    var t = (host.state = (host.state + 0x6D2B79F5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
})(Date, __tf_host);
"""


# A host with a time zone (the bot's `timezone`): a date's local-time getters read that zone
# rather than the process's, as the expressions outside methods do. (The constructor with
# parts and the local setters still use the process's zone: bots read the time, they rarely
# build one.)
_LOCAL_TIME = r"""
(function (P, offset) {
  var ms = offset * 60000;
  ["Hours", "Minutes", "Seconds", "Milliseconds", "Date", "Day", "Month", "FullYear"]
    .forEach(function (part) {
      var utc = P["getUTC" + part];
      P["get" + part] = function () { return utc.call(new Date(this.getTime() + ms)); };
    });
  P.getTimezoneOffset = function () { return -offset; };
})(Date.prototype, %d);
"""


def _offset_minutes(host: JsHost) -> int | None:
    """The host zone's offset from UTC in minutes now (None: no zone given)."""
    if host.tz is None:
        return None
    moment = dt.datetime.fromtimestamp(host.now_ms() / 1000, dt.UTC).astimezone(host.tz)
    delta = moment.utcoffset()
    return None if delta is None else int(delta.total_seconds() // 60)


class MethodError(TurnflowError):
    """A bot method that failed: ``kind`` is ``threw``, ``timeout``, ``memory``, ``stack``,
    ``syntax``, ``result``, ``arguments`` or ``unknown``; ``str()`` is one line naming the
    method (and ``file:line`` where known)."""

    def __init__(self, method: str, kind: str, message: str, where: str = "") -> None:
        self.method = method
        self.kind = kind
        self.where = where
        self.message = message
        super().__init__(message)


class _Compiled:
    """Where the body of one method sits in the text given to the engine."""

    __slots__ = ("key", "source", "js_name", "body_line")

    def __init__(self, key: str, source: MethodSource, js_name: str, body_line: int) -> None:
        self.key = key
        self.source = source
        self.js_name = js_name
        self.body_line = body_line  # the engine's line number of the body's first line


class MethodRuntime:
    """The methods of one bot, compiled once into one sandboxed JavaScript context.

    ``sources`` maps the name a method is called by to its :class:`MethodSource`. Methods
    that don't compile are left out and listed in :attr:`errors`; calling one raises its
    error. ``host`` (optional) gives ``Date.now()``, ``new Date()`` and ``Math.random()``
    inside methods, for deterministic tests; without it they are the real ones.
    """

    def __init__(
        self,
        sources: Mapping[str, MethodSource],
        time_limit_ms: int = DEFAULT_TIME_LIMIT_MS,
        memory_limit: int = DEFAULT_MEMORY_LIMIT,
        stack_limit: int = DEFAULT_STACK_LIMIT,
        host: JsHost | None = None,
    ) -> None:
        self.sources = dict(sources)
        self.time_limit_ms = time_limit_ms
        self.memory_limit = memory_limit
        self.stack_limit = stack_limit
        self.host = host
        self.errors: dict[str, MethodError] = {}
        self.rebuilds = 0  # how many times the context was made anew after a failure
        self.last_logs: list[str] = []  # what the last call wrote with console.log & co.
        self._lock = threading.RLock()
        self._compiled: dict[str, _Compiled] = {}
        self._context: Any = None
        self._call_fn: Any = None
        self._build()

    # ---------------------------------------------------------------- building

    def _build(self) -> None:
        ctx = quickjs.Context()
        ctx.set_memory_limit(self.memory_limit)
        ctx.set_max_stack_size(self.stack_limit)
        ctx.set_time_limit(self.time_limit_ms / 1000.0)
        ctx.eval(_PRELUDE)
        if self.host is not None:
            ctx.eval(_HOST_HOOKS + f"__tf_host.now = {float(self.host.now_ms())!r};")
            offset = _offset_minutes(self.host)
            if offset is not None:
                ctx.eval(_LOCAL_TIME % offset)
        self._context = ctx
        self._call_fn = ctx.get("__tf_call")
        self.errors = {}
        self._compiled = {}
        for i, (key, source) in enumerate(self.sources.items()):
            try:
                self._compiled[key] = self._define(ctx, i, key, source)
            except MethodError as exc:
                self.errors[key] = exc
        aliases = [k for k in self._compiled if _IDENT.match(k)]
        if aliases:  # methods may call each other by name, unless the name is taken
            ctx.eval(
                "(function(g){var n=" + json.dumps(aliases) + ";for(var i=0;i<n.length;i++)"
                "if(!(n[i] in g))g[n[i]]=__tf_methods[n[i]];})(this);"
            )

    def _define(self, ctx: Any, index: int, key: str, source: MethodSource) -> _Compiled:
        js_name = f"__tf_m{index}"
        name = json.dumps(key)
        if source.entry is not None:
            if not _ENTRY.match(source.entry.strip()):
                raise self._error(key, "syntax", f"entry {source.entry!r} is not a dotted name")
            header = (
                f"__tf_define({name}, (function () {{ var module = {{ exports: {{}} }}; "
                "var exports = module.exports;\n"
            )
            footer = f"\n;return ({source.entry.strip()}); }})());"
            compiled = self._eval_definition(ctx, key, source, js_name, header, footer)
            # frames of an error name the exported function by its own name
            compiled.js_name = str(ctx.eval(f"__tf_methods[{name}].name") or js_name)
            return compiled
        params = ", ".join(source.params)
        header = f"__tf_define({name}, function {js_name}({params}) {{\n"
        expression = source.body.strip()
        if expression and not expression.endswith(";"):
            # a body that is one expression (no closing ';') returns its value
            try:
                ctx.eval(header + "return (\n" + expression + "\n);\n});")
                return _Compiled(key, source, js_name, 3)
            except quickjs.JSException:
                pass  # statements: compiled as they are below
        return self._eval_definition(ctx, key, source, js_name, header, "\n});")

    def _eval_definition(self, ctx: Any, key: str, source: MethodSource, js_name: str,
                         header: str, footer: str) -> _Compiled:
        compiled = _Compiled(key, source, js_name, header.count("\n") + 1)
        try:
            ctx.eval(header + source.body + footer)
        except quickjs.JSException as exc:
            text = _first_line(exc)
            kind = "syntax" if text.startswith("SyntaxError") else "threw"
            if text.startswith("TypeError: __tf_entry "):
                kind, text = "syntax", text[len("TypeError: __tf_entry ") :]
            at = self._location(str(exc), compiled)
            verb = "does not compile" if kind == "syntax" else "failed while loading"
            raise self._error(key, kind, f"{verb}: {text}", at) from None
        return compiled

    # ---------------------------------------------------------------- calling

    @property
    def names(self) -> frozenset[str]:
        """The names of the methods that compiled."""
        return frozenset(self._compiled)

    def __contains__(self, name: object) -> bool:
        return name in self.sources

    def call(self, name: str, args: list[Any]) -> Any:
        """``name(...args)``: its result as a Python value (``UNDEFINED`` for none)."""
        box = self._invoke(name, args, False)
        return box.get("r", UNDEFINED)

    def call_mutating(self, name: str, args: list[Any]) -> tuple[Any, list[Any]]:
        """Like :meth:`call`, and the arguments as the method left them (methods that change
        the object they are given: ``ctx.data.name = ...``)."""
        box = self._invoke(name, args, True)
        after = box.get("a")
        if not isinstance(after, list):
            after = list(args)
        return box.get("r", UNDEFINED), after

    def _invoke(self, name: str, args: list[Any], return_args: bool) -> dict[str, Any]:
        if name in self.errors:
            raise self.errors[name]
        compiled = self._compiled.get(name)
        if compiled is None:
            raise MethodError(name, "unknown", f"no method named {name!r}")
        payload = self._encode(name, args)
        with self._lock:
            try:
                out = self._call_fn(name, payload, return_args)
            except quickjs.StackOverflow:
                raise self._error(
                    name, "stack", "recursed too deeply (call stack exceeded)"
                ) from None
            except quickjs.JSException as exc:
                raise self._failure(compiled, exc) from None
            except Exception as exc:  # the engine refused the call itself
                raise self._error(name, "threw", f"failed: {type(exc).__name__}: {exc}") \
                    from None
        try:
            box = js_json_parse(out)
            self.last_logs = list(box.get("l", ())) if isinstance(box, dict) else []
        except TurnflowError as exc:  # pragma: no cover - JSON.stringify output always parses
            raise self._error(
                name, "result", f"returned a value turnflow can't read: {exc}"
            ) from None
        return box if isinstance(box, dict) else {}

    def _encode(self, name: str, args: list[Any]) -> str:
        undefined = [i for i, a in enumerate(args) if a is UNDEFINED]
        message: dict[str, Any] = {"a": list(args), "u": undefined}
        if self.host is not None:
            message["n"] = float(self.host.now_ms())
            message["s"] = int(self.host.random() * 2**32) & 0xFFFFFFFF
        try:
            text = json.dumps(
                message,
                allow_nan=False, ensure_ascii=False, separators=(",", ":"),
            )
        except (TypeError, ValueError):  # undefined inside, NaN, host values: JS's rules
            try:
                text = js_json_stringify(message)
            except TurnflowError as exc:
                raise self._error(name, "arguments", f"can't take its arguments: {exc}") \
                    from None
        return text

    def _failure(self, compiled: _Compiled, exc: Exception) -> MethodError:
        text = _first_line(exc)
        name = compiled.key
        if "interrupted" in text:
            self._rebuild()
            return self._error(name, "timeout", f"timed out after {self.time_limit_ms} ms")
        if (not text or text == "null" or any(w in text for w in _MEMORY_WORDS)
                or self._near_memory_limit()):
            self._rebuild()
            return self._error(
                name, "memory", f"ran out of memory (limit {self.memory_limit // 2**20} MB)"
            )
        if text.startswith("RangeError: Maximum call stack"):
            return self._error(name, "stack", "recursed too deeply (call stack exceeded)")
        if text.startswith("TypeError: __tf_result "):
            return self._error(
                name, "result", f"returned a value that is not JSON: {text[23:]}"
            )
        at = self._location(str(exc), None)
        return self._error(name, "threw", f"threw {text}", at)

    def _near_memory_limit(self) -> bool:
        try:
            return self._context.memory()["malloc_size"] > 0.9 * self.memory_limit
        except Exception:  # pragma: no cover - memory() of a broken context
            return True

    def _rebuild(self) -> None:
        self.rebuilds += 1
        self._build()

    # ---------------------------------------------------------------- messages

    def _error(self, name: str, kind: str, what: str, at: str = "") -> MethodError:
        source = self.sources.get(name)
        where = source.where if source is not None else ""
        message = f"method {name!r}" + (f" ({where})" if where else "") + f" {what}"
        if at and at != where:
            message += f" at {at}"
        return MethodError(name, kind, message, at or where)

    def _location(self, text: str, compiled: _Compiled | None) -> str:
        """``file:line`` of the innermost frame of the error inside a method's code."""
        by_js_name = {c.js_name: c for c in self._compiled.values()}
        for m in _FRAME.finditer(text):
            fn_name, js_line = m.group(1), int(m.group(2))
            target = by_js_name.get(fn_name or "") or (compiled if fn_name is None else None)
            if target is None:
                continue
            src = target.source
            if src.file is None:
                return f"line {max(js_line - target.body_line + 1, 1)} of {target.key}"
            if src.line is None:
                return src.file
            return f"{src.file}:{src.line + max(js_line - target.body_line, 0)}"
        return ""


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0].strip() if text else ""
    return line if len(line) <= 300 else line[:300] + "…"  # (a method may throw megabytes)
