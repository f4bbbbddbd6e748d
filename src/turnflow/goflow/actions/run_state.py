"""The run an action is acting in, and whether its session is part of a batch start."""

from __future__ import annotations

from ...core.runtime import Runtime
from ...core.session import Run


def current_run(rt: Runtime) -> Run:
    assert rt.run is not None, "actions run inside a run"
    return rt.run


def is_batch(rt: Runtime) -> bool:
    return bool((rt.session.trigger or {}).get("batch"))
