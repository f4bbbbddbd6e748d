"""The registry of spec migrations, and spec version parsing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...errors import TurnflowError
from ...generators import UUIDSource

Version = tuple[int, int, int]


class MigrationError(TurnflowError):
    """A definition that can't be migrated (no usable spec_version, or newer than turnflow)."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path


@dataclass
class MigrationContext:
    uuids: UUIDSource  # for the UUIDs a migration creates (v4, as goflow's)


MigrationFunc = Callable[[dict[str, Any], MigrationContext], None]


@dataclass(frozen=True)
class Migration:
    version: Version
    text: str
    apply: MigrationFunc  # changes the definition in place

    @property
    def description(self) -> str:
        return (self.apply.__doc__ or "").strip().split("\n")[0]


MIGRATIONS: list[Migration] = []  # kept sorted by version

_VERSION_RE = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$")


def parse_version(text: Any) -> Version | None:
    """A semantic version such as ``13.0`` or ``14.4.2`` as a tuple, or None if it isn't one."""
    if not isinstance(text, str):
        return None
    match = _VERSION_RE.match(text.strip())
    if not match:
        return None
    major, minor, patch = match.groups()
    return int(major), int(minor or 0), int(patch or 0)


def version_text(version: Version) -> str:
    return ".".join(str(part) for part in version)


def register(version: str) -> Callable[[MigrationFunc], MigrationFunc]:
    parsed = parse_version(version)
    assert parsed is not None, version

    def add(fn: MigrationFunc) -> MigrationFunc:
        MIGRATIONS.append(Migration(parsed, version, fn))
        MIGRATIONS.sort(key=lambda m: m.version)
        return fn

    return add
