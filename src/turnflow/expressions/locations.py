"""A location hierarchy (country > state > district > ward) for the location case tests.

Built from goflow's ``locations`` asset: a list of hierarchies (the first one is used, as
goflow does) or a single tree ``{"name", "aliases", "children"}``. Names and aliases are
looked up case-insensitively per level, optionally under a given parent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import regex

from .collation import collate_text

COUNTRY, STATE, DISTRICT, WARD = 0, 1, 2, 3

_PUNCTUATION_OR_SPACE = regex.compile(r"[\s\p{P}]+")
# words are letters/ASCII digits, optionally hyphenated (e.g. "Ruhango-Ouest")
_WORD = regex.compile(r"[\p{L}0-9]+(?:-[\p{L}0-9]+)*")


class Location:
    """One named place in the hierarchy."""

    __slots__ = ("name", "aliases", "level", "parent", "children", "_path")

    def __init__(self, name: str, aliases: list[str], level: int, parent: Location | None) -> None:
        self.name = name
        self.aliases = aliases
        self.level = level
        self.parent = parent
        self.children: list[Location] = []
        self._path: str | None = None

    @property
    def path(self) -> str:
        """The names from the root down, e.g. ``Rwanda > Kigali City > Gasabo``."""
        if self._path is None:
            prefix = self.parent.path + " > " if self.parent is not None else ""
            self._path = prefix + self.name
        return self._path

    def walk(self) -> Iterator[Location]:
        yield self
        for child in self.children:
            yield from child.walk()

    def __repr__(self) -> str:
        return f"Location({self.path!r})"


class LocationHierarchy:
    """Name and alias lookups over a tree of locations."""

    def __init__(self, root: Location) -> None:
        self.root = root
        self._by_path: dict[str, Location] = {}
        for location in root.walk():
            self._by_path[location.path.lower()] = location
        # names and aliases by level, in each input collation asked for (goflow compares
        # location names as it compares words: lower case, or arabic_variants...)
        self._by_name_in: dict[str, dict[int, dict[str, list[Location]]]] = {}
        self._by_name = self._names("default")

    def _names(self, collation: str) -> dict[int, dict[str, list[Location]]]:
        index = self._by_name_in.get(collation)
        if index is None:
            index = self._by_name_in[collation] = {}
            for location in self.root.walk():
                names = index.setdefault(location.level, {})
                for name in (location.name, *location.aliases):
                    bucket = names.setdefault(_collated(collation, name), [])
                    if location not in bucket:
                        bucket.append(location)
        return index

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def from_json(cls, data: Any) -> LocationHierarchy:
        """Build from the ``locations`` asset (a list of hierarchies) or one tree."""
        if isinstance(data, list):
            if not data:
                raise ValueError("no location hierarchies")
            data = data[0]
        if not isinstance(data, Mapping):
            raise ValueError("a location hierarchy must be an object")
        return cls(_read(data, COUNTRY, None))

    @classmethod
    def coerce(cls, value: Any) -> LocationHierarchy | None:
        """``env.locations`` as a hierarchy: already one, raw asset JSON, or None."""
        if value is None or isinstance(value, LocationHierarchy):
            return value
        return cls.from_json(value)

    # -- lookups ----------------------------------------------------------------------------

    def find_by_name(
        self, name: str, level: int, parent: Location | None = None, collation: str = "default"
    ) -> list[Location]:
        """Locations at ``level`` whose name or an alias equals ``name`` (any case, and in the
        given input collation)."""
        index = self._by_name if collation == "default" else self._names(collation)
        matches = index.get(level, {}).get(_collated(collation, name), [])
        if parent is not None:
            return [m for m in matches if m.parent is parent]
        return list(matches)

    def find_by_path(self, path: str) -> Location | None:
        return self._by_path.get(path.lower())

    def find_fuzzy(
        self, text: str, level: int, parent: Location | None = None, collation: str = "default"
    ) -> list[Location]:
        """goflow's fuzzy lookup: the whole text, then without punctuation and spaces, then
        each word, then each pair of adjacent words; the first strategy that matches wins."""
        found = self.find_by_name(text, level, parent, collation)
        if found:
            return found
        stripped = _PUNCTUATION_OR_SPACE.sub("", text).strip()
        found = self.find_by_name(stripped, level, parent, collation)
        if found:
            return found
        words = [m.group(0) for m in _WORD.finditer(text)]
        for word in words:
            found = self.find_by_name(word, level, parent, collation)
            if found:
                return found
        for first, second in zip(words, words[1:], strict=False):
            found = self.find_by_name(f"{first} {second}", level, parent, collation)
            if found:
                return found
        return []


def _collated(collation: str, name: str) -> str:
    if collation == "default":
        return name.lower()
    return collate_text(collation, name)


def _read(data: Mapping[str, Any], level: int, parent: Location | None) -> Location:
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("every location needs a name")
    aliases = [a for a in data.get("aliases") or [] if isinstance(a, str)]
    location = Location(name, aliases, level, parent)
    for child in data.get("children") or []:
        location.children.append(_read(child, level + 1, location))
    return location
