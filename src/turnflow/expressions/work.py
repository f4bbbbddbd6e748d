"""The work one evaluation of an expression or template may do, counted so that no
template can build gigabytes: ``foreach(10,000 words, (x) => repeat("a", 10000))`` a
hundred times over in one template would otherwise hold 5 GB.

Units: one per call a loop makes (foreach, filter, foreach_value), one per item of an
array a call returns, one per 100 characters of a text a call returns or join, repeat or
replace builds (a webhook body is evaluated without the output limit: this still bounds
it). An evaluation (Template.render / value, Expression.evaluate) has ``WORK_FACTOR x
max_loop_items`` units; loops run outside one (a function called directly) get that much
per outermost loop.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from typing import TYPE_CHECKING

from .values import XError, XValue

if TYPE_CHECKING:
    from .environment import Environment

WORK_FACTOR = 10  # units per evaluation: this many times the limits' max_loop_items
CHARS_PER_UNIT = 100


class Work:
    __slots__ = ("left",)

    def __init__(self, units: int) -> None:
        self.left = units


_WORK: ContextVar[Work | None] = ContextVar("turnflow_work", default=None)


def allowance(env: Environment) -> int:
    return env.limits.max_loop_items * WORK_FACTOR


class work_scope:  # noqa: N801 (used as ``with work_scope(env):``, like a function)
    """An evaluation's allowance of work, unless one is in force already (then that one)."""

    __slots__ = ("env", "token")

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.token: Token[Work | None] | None = None

    def __enter__(self) -> Work:
        work = _WORK.get()
        if work is None:
            work = Work(allowance(self.env))
            self.token = _WORK.set(work)
        return work

    def __exit__(self, *exc: object) -> None:
        if self.token is not None:
            _WORK.reset(self.token)


def too_much(env: Environment) -> XError:
    return XError(f"loops and texts can't take more than {allowance(env)} units of work "
                  "(calls, items, 100s of characters) in one evaluation")  # fmt: skip


def cost(value: XValue) -> int:
    """The units a value a loop's call returned costs (see the module text)."""
    kind = type(value)
    if kind is list:
        return len(value)  # type: ignore[arg-type]
    if kind is str:
        return len(value) // CHARS_PER_UNIT  # type: ignore[arg-type]
    return 0


# the functions that loop, match patterns or build long texts: an evaluation whose source
# names none of them
# needs no budgets (functions called through a variable still get one per loop or match)
_BUDGETED = ("foreach", "filter", "regex", "pattern", "join", "repeat", "replace")


def needs_budgets(source: str) -> bool:
    lowered = source.lower()
    return any(name in lowered for name in _BUDGETED)


def charge_text(env: Environment, length: int) -> XError | None:
    """Charge a text a function is about to build (join, repeat, replace) to the evaluation
    in progress: an XError when that is too much (see the module text)."""
    work = _WORK.get()
    if work is None or length < CHARS_PER_UNIT:
        return None
    work.left -= length // CHARS_PER_UNIT
    return too_much(env) if work.left < 0 else None
