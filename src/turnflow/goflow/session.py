"""goflow's sessions and runs: the core's, with what goflow keeps besides.

A goflow run remembers its last webhook call (``@webhook``) and, when a flow action in
another session started it, that parent's summary (``@parent``); a goflow session keeps the
voice call it belongs to and the wait it was left at, as goflow's session JSON has them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.session import Run, Session


@dataclass(slots=True)
class GoflowRun(Run):
    webhook: Any = None  # the last @webhook (call details), set by webhook actions
    parent_summary: dict[str, Any] | None = None  # a parent in another session (flow_action)


@dataclass(slots=True)
class GoflowSession(Session):
    wait: dict[str, Any] | None = None  # as read from stored JSON, written back as it was
    call_uuid: str | None = None  # the voice call of an IVR session
