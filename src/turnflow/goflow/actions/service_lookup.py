"""Finding the outside service an action calls (webhooks, email, airtime, LLMs).

The services come from the engine (:class:`turnflow.goflow.engine.Services`): tests inject
the doubles in :mod:`turnflow.goflow.services`; a missing webhook service defaults to real
HTTP (see :mod:`.webhook_calls`).
"""

from __future__ import annotations

from typing import Any

from ...core.runtime import Runtime


def service(rt: Runtime, name: str) -> Any:
    """A service by name: from the runtime, else from the engine's Services."""
    found = rt.services.get(name)
    if found is None:
        engine = rt.services.get("engine")
        found = getattr(getattr(engine, "services", None), name, None)
    return found
