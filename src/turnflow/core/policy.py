"""Conversation policies: the one family-specific part of input handling.

An input (a message, a timeout, an expiration, a dial result, or for other families an intent
or a command) arrives for a session; the family's policy decides what it does to the run
stack — resume the waiting run (goflow), push, pop or move runs (Rasa's commands, Kata's flow
selection) — and the core flow loop then advances the top run.
"""

from __future__ import annotations

from typing import Any, Protocol

from .runtime import Runtime
from .session import Run, Session


class Policy(Protocol):
    def apply(self, rt: Runtime, session: Session, run: Run, resume: dict[str, Any]) -> None:
        """Apply one input to the session (``run`` is the run waiting for it), advancing it
        through the engine's flow loop."""
