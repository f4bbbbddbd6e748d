"""goflow's flow spec migrations, 13.0.0 up to 14.4.2, applied in order on read.

``migrate(definition)`` returns a migrated copy of a 13.x/14.x definition: every registered
migration newer than its ``spec_version`` runs in version order, and ``spec_version`` is
stamped after each. ``to`` caps the migrations applied (RapidPro migrates to the version its
editor understands). UUIDs that migrations create come from ``uuids`` (v4).
"""

from __future__ import annotations

import copy
from typing import Any

from ...generators import RandomUUIDs, UUIDSource
from . import v13, v14  # noqa: F401  (registers the migrations)
from .registry import (
    MIGRATIONS,
    Migration,
    MigrationContext,
    MigrationError,
    Version,
    parse_version,
    version_text,
)

LATEST_VERSION: Version = MIGRATIONS[-1].version
LATEST_VERSION_TEXT = version_text(LATEST_VERSION)

__all__ = [
    "LATEST_VERSION",
    "LATEST_VERSION_TEXT",
    "MIGRATIONS",
    "Migration",
    "MigrationError",
    "migrate",
    "needs_migration",
    "parse_version",
]


def _spec_version(definition: Any) -> Version:
    if not isinstance(definition, dict):
        raise MigrationError("flow definition must be a JSON object")
    text = definition.get("spec_version")
    if text is None:
        raise MigrationError("unable to read flow header: field 'spec_version' is required",
                             "spec_version")
    version = parse_version(text)
    if version is None:
        raise MigrationError(
            f"unable to read flow header: field 'spec_version' is not a valid version: {text!r}",
            "spec_version")
    if version > LATEST_VERSION:
        raise MigrationError(
            f"spec version {version_text(version)} is newer than this library "
            f"({LATEST_VERSION_TEXT})", "spec_version")
    if version < (13, 0, 0):
        raise MigrationError(
            f"spec version {version_text(version)} is a legacy flow: only 13.0.0 and later can "
            "be migrated", "spec_version")
    return version


def needs_migration(definition: Any) -> bool:
    """Whether ``migrate`` would change anything (raises MigrationError like it)."""
    version = _spec_version(definition)
    return any(m.version > version for m in MIGRATIONS)


def migrate(definition: dict[str, Any], to: str | None = None,
            uuids: UUIDSource | None = None) -> dict[str, Any]:
    """A copy of ``definition`` migrated to ``to`` (default: the latest spec version)."""
    version = _spec_version(definition)
    upto = LATEST_VERSION
    if to is not None:
        parsed = parse_version(to)
        if parsed is None:
            raise MigrationError(f"invalid version to migrate to: {to!r}")
        known = [(13, 0, 0), *(m.version for m in MIGRATIONS)]
        if parsed not in known:
            raise MigrationError(
                f"unknown version to migrate to: {to} (known: "
                f"{', '.join(version_text(v) for v in known)})"
            )
        if parsed < version:
            raise MigrationError(
                f"can't migrate back to {to}: the definition is already at "
                f"{version_text(version)}"
            )
        upto = parsed
    pending = [m for m in MIGRATIONS if version < m.version <= upto]
    migrated = copy.deepcopy(definition)
    ctx = MigrationContext(uuids if uuids is not None else RandomUUIDs())
    for migration in pending:
        migration.apply(migrated, ctx)
        migrated["spec_version"] = migration.text
    return migrated
