"""What a goflow sprint keeps while it runs: made afresh for every sprint (as the runtime's
``state``), so nothing one sprint leaves here reaches the next."""

from __future__ import annotations

from typing import Any


class GoflowSprint:
    """The sprint's own values; each starts as the class default below until set (a plain
    class: one is made every sprint, and this costs a fraction of an ``__init__``)."""

    resume: Any = None  # the resume this sprint was started with (what @resume shows)
    timeout_resume: Any = None  # a wait_timeout / dial resume for the waiting router, once
    dial_phone: str | None = None  # the number a dial wait calls (from arrival to begin)
    contact_assets: Any = None  # what contact modifiers read from the assets, built once
    root: Any = None  # the root of @... for this sprint (see run_context.RootCache)
