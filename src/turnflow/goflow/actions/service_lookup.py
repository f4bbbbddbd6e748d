"""Finding the outside service an action calls (webhooks, email, airtime, LLMs).

The services come from the engine (:class:`turnflow.goflow.Services`): tests inject
the doubles in :mod:`turnflow.goflow.services`; a missing webhook service defaults to real
HTTP (see :mod:`.webhook_calls`).
"""

from __future__ import annotations

from typing import Any

from ...core.runtime import Runtime


def service(rt: Runtime, name: str) -> Any:
    """A service by name, from the engine's Services (None if it has none)."""
    return rt.family.service(name)
