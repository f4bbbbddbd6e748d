"""Conversation policies: the one family-specific part of input handling.

An input (a message, a timeout, an expiration, an intent, a command...) arrives for a
session; the family's policy decides what it does to the run stack — resume the waiting
run (goflow), push, pop or move runs (Rasa's commands, Kata's flow selection) — and lets
the engine's flow loop advance the top run. A policy acts on a session whether or not a
run waits: a new intent can interrupt a flow that is mid-way, or start one in a session
whose flows have all ended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .graph import Flow
    from .runtime import Runtime
    from .session import Session


class Policy(Protocol):
    def check(self, session: Session, input: Any) -> None:
        """Refuse an input this session can't take (raise :class:`EngineError`), before
        anything about the session changes."""

    def start(self, runtime: Runtime, flow: Flow | None, start: Any) -> None:
        """A new session starts with ``flow`` (``start``: the family's start details, such
        as goflow's trigger): start its run and advance it. ``flow`` is None for a session
        that begins with no run."""

    def apply(self, runtime: Runtime, input: Any) -> None:
        """Apply one input to the session, advancing it through the engine's flow loop."""
