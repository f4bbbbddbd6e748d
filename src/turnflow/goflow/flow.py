"""A goflow flow: the core's flow graph with what goflow's definitions add — the spec
version, the flow's language and its translations, the revision and how long a wait lasts.

>>> flow = GoflowFlow("f1", "Ask", (), language="eng", revision=3,
...                   localization={"spa": {"a1": {"text": ["Hola"]}}})
>>> flow.ref
{'uuid': 'f1', 'name': 'Ask', 'revision': 3}
>>> flow.localized("spa", "a1", "text"), flow.localized("eng", "a1", "text")
(['Hola'], None)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.graph import Flow

# what a flow that doesn't say expires after, by type (as goflow reads flow definitions)
DEFAULT_EXPIRE_MINUTES = {"messaging": 4320, "voice": 5}


@dataclass(slots=True)
class GoflowFlow(Flow):
    spec_version: str = "14.4.2"
    language: str = "und"
    revision: int = 0
    expire_after_minutes: int = 10080
    # language -> item UUID -> property -> texts
    localization: dict[str, dict[str, dict[str, list[str]]]] = field(default_factory=dict)
    # expire_after_minutes(self), worked out once (every wait asks)
    wait_minutes: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        Flow.__post_init__(self)  # (no bare super() in a slots dataclass)
        self.wait_minutes = expire_after_minutes(self)

    @property
    def ref(self) -> dict[str, Any]:
        """The ``{"uuid", "name"}`` reference events and runs use, with the revision if set."""
        if self.revision:
            return {"uuid": self.uuid, "name": self.name, "revision": self.revision}
        return {"uuid": self.uuid, "name": self.name}

    def localized(self, language: str | None, item_uuid: str, key: str) -> list[str] | None:
        """A localized property of an item (action, case, category) if there is one."""
        if not language or language == self.language:
            return None
        translation = self.localization.get(language)
        item = translation.get(item_uuid) if type(translation) is dict else None
        value = item.get(key) if type(item) is dict else None
        if type(value) is list and all(type(text) is str for text in value):
            return value
        return None  # none, or not a text array (editor data, or the wrong type): unread


def expire_after_minutes(flow: Any) -> int:
    """How long a wait in this flow lasts before the run expires (0: never)."""
    definition = getattr(flow, "definition", None) or {}
    if definition and definition.get("expire_after_minutes") is None:
        return DEFAULT_EXPIRE_MINUTES.get(flow.type, 0)
    # at most what Go's time.Duration holds (~292 years): goflow's multiplication would wrap
    return min(int(flow.expire_after_minutes or 0), MAX_EXPIRE_MINUTES)


MAX_EXPIRE_MINUTES = (2**63 - 1) // (60 * 10**9)
