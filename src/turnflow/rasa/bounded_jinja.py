"""A Jinja environment for templates written by project authors and filled with what users
typed: Jinja's sandbox (no ``__class__`` or other unsafe attributes) plus bounds on the time
and memory one render may take, which the sandbox leaves open.

- **Time**: a render stops after :data:`RENDER_SECONDS`. Loops in a template are Python loops
  in the compiled template's own frames, which no sandbox hook sees
  (``{% for i in range(100000) %}{% for j in items %}...``), so while a template renders its
  frames are traced line by line against the deadline (the tracer is installed only for the
  render and only follows frames of template code).
- **Memory**: one C call can allocate gigabytes before any deadline is looked at
  (``'a' * 10**9``, ``'a'|center(10**9)``, ``'%0999999999d'|format(1)``, ``10**10**10``), so
  those are checked before they run: repeats, powers, widths in format strings and integer
  arguments of filters and calls are bounded, and strings or lists longer than
  :data:`MAX_SIZE` are refused where the sandbox sees them (attribute and item reads, calls,
  filters, operators) and in the output.

Going over any bound raises :class:`jinja2.sandbox.SecurityError`; callers handle it as any
other failing template.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment, SecurityError

RENDER_SECONDS = 1.0  # time one render may take
MAX_SIZE = 1_000_000  # characters of a string, items of a list, characters of the output
MAX_ARGUMENT = 1_000_000  # an integer given to a filter or a call (a width, a count)
MAX_EXPONENT = 10_000  # `x ** n`

# a width or precision of 7 digits or more in a %-format or a {}-format string
_BIG_WIDTH = re.compile(r"[0-9]{7,}")
_DEADLINE: ContextVar[float] = ContextVar("turnflow_jinja_deadline", default=0.0)
_TEMPLATE_FILE = "<template>"  # the file name of code compiled from a template string


def _sized(value: Any) -> Any:
    if isinstance(value, str | list | tuple | dict) and len(value) > MAX_SIZE:
        raise SecurityError(f"value too large (more than {MAX_SIZE:,} items or characters)")
    return value


def _check_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if type(value) is int and abs(value) > MAX_ARGUMENT:
            raise SecurityError(f"argument too large (more than {MAX_ARGUMENT:,})")
        if isinstance(value, str) and _BIG_WIDTH.search(value):
            raise SecurityError("a number of 7 digits or more in a text given to a call")
        _sized(value)


def _check_time() -> None:
    deadline = _DEADLINE.get()
    if deadline and time.monotonic() > deadline:
        raise SecurityError(f"template took more than {RENDER_SECONDS:g} s")


def _bounded_filter(fn: Callable[..., Any]) -> Callable[..., Any]:
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args, kwargs)
        _check_time()
        return _sized(fn(*args, **kwargs))

    # keep what Jinja reads from a filter (pass_context & co. are attributes of the function)
    bounded.__dict__.update(getattr(fn, "__dict__", {}))
    return bounded


class BoundedTemplate(jinja2.Template):
    """A template whose :meth:`render` is bounded in time and output size."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        ctx = self.new_context(dict(*args, **kwargs))
        token = _DEADLINE.set(time.monotonic() + RENDER_SECONDS)
        previous = sys.gettrace()
        sys.settrace(_trace_calls)
        try:
            out: list[str] = []
            size = 0
            for chunk in self.root_render_func(ctx):
                size += len(chunk)
                if size > MAX_SIZE:
                    raise SecurityError(f"output longer than {MAX_SIZE:,} characters")
                out.append(chunk)
            return "".join(out)
        finally:
            sys.settrace(previous)
            _DEADLINE.reset(token)


def _trace_calls(frame: Any, event: str, arg: Any) -> Any:
    # only template code is followed line by line; every other frame runs untraced
    return _trace_lines if frame.f_code.co_filename == _TEMPLATE_FILE else None


def _trace_lines(frame: Any, event: str, arg: Any) -> Any:
    _check_time()
    return _trace_lines


class BoundedEnvironment(SandboxedEnvironment):
    """Jinja's sandbox with bounded time and sizes (module docstring)."""

    template_class = BoundedTemplate
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters = {name: _bounded_filter(fn) for name, fn in self.filters.items()}
        self.globals.pop("lipsum", None)  # (paragraphs of filler text, sized by the template)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_time()
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and type(count) is int:
                    if len(seq) * count > MAX_SIZE:
                        raise SecurityError("repeat too large")
        elif operator == "**":
            if type(right) is int and abs(right) > MAX_EXPONENT:
                raise SecurityError(f"exponent too large (more than {MAX_EXPONENT:,})")
        elif operator == "%" and isinstance(left, str) and _BIG_WIDTH.search(left):
            raise SecurityError("a width of 7 digits or more in a format string")
        elif operator == "+" and isinstance(left, str | list | tuple) and isinstance(
                right, str | list | tuple) and len(left) + len(right) > MAX_SIZE:
            raise SecurityError("value too large")
        return _sized(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _check_time()
        _check_arguments(args, kwargs)
        return _sized(super().call(__context, __obj, *args, **kwargs))

    def getattr(self, obj: Any, attribute: str) -> Any:
        _check_time()
        if isinstance(obj, str) and attribute in ("format", "format_map") and _BIG_WIDTH.search(
                obj):  # '{:>999999999}'.format(1)
            raise SecurityError("a width of 7 digits or more in a format string")
        return _sized(super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        _check_time()
        return _sized(super().getitem(obj, argument))
