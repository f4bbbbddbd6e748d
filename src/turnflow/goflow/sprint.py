"""What a goflow sprint keeps while it runs: made afresh for every sprint (as the runtime's
``state``), so nothing one sprint leaves here reaches the next."""

from __future__ import annotations

from typing import Any

from ..expressions.goregex import RegexBudget


class GoflowSprint:
    """The sprint's own values; each starts as the class default below until set (a plain
    class: one is made every sprint, and this costs a fraction of an ``__init__``)."""

    resume: Any = None  # the resume this sprint was started with (what @resume shows)
    timeout_resume: Any = None  # a wait_timeout / dial resume for the waiting router, once
    dial_phone: str | None = None  # the number a dial wait calls (from arrival to begin)
    contact_assets: Any = None  # what contact modifiers read from the assets, built once
    root: Any = None  # the root of @... for this sprint (see run_context.RootCache)
    regex_budget: Any = None  # the sprint's seconds of regex matching (see sprint_regex_budget)


def sprint_regex_budget(rt: Any) -> RegexBudget:
    """The regex budget every evaluation of this sprint draws on (goregex.RegexBudget): a
    node visited a hundred times, or a router of a hundred slow patterns, shares one."""
    state = rt.state
    budget = getattr(state, "regex_budget", None)
    if budget is None:
        budget = RegexBudget(rt.env.limits.regex_budget)
        if state is not None:
            state.regex_budget = budget
    return budget
