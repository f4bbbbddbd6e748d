"""RapidPro's legacy flow format (v11.x: action_sets / rule_sets) migrated to goflow's 13.0.0.

``migrate_legacy(definition)`` does what goflow's legacy migrator does: every action set
becomes a node with actions, every rule set a node with a router (and, for webhooks,
subflows, resthooks and airtime, the action that feeds it), legacy expressions become
Excellent, translations move to ``localization`` and the editor's ``_ui`` section is built.
New UUIDs (categories, cases, router actions, stickies, a missing flow UUID) come from
``uuids`` (v4) in goflow's order, so a seeded generator reproduces goflow's output.
The result then goes through the 13.x/14.x spec migrations like any other definition.
"""

from __future__ import annotations

from typing import Any

from ...generators import RandomUUIDs, UUIDSource
from .common import LegacyFlowError
from .flows import SPEC_VERSION, is_legacy_definition, migrate_flow

__all__ = ["LegacyFlowError", "SPEC_VERSION", "is_legacy_definition", "migrate_legacy"]


def migrate_legacy(definition: Any, uuids: UUIDSource | None = None,
                   base_media_url: str = "") -> dict[str, Any]:
    """The 13.0.0 JSON of a legacy flow definition (raises LegacyFlowError if it can't be).

    ``base_media_url`` makes uploaded attachment and recording paths absolute.
    """
    return migrate_flow(definition, uuids if uuids is not None else RandomUUIDs(),
                        base_media_url)
