"""Checking the shape of what a YAML file holds (types, required and unknown keys), as Rasa's
schemas do, with every problem reported at its line instead of the first one raised."""

from __future__ import annotations

from typing import Any

from ..domain import Location
from ..problems import Problems
from ..yaml_io import YamlMap, YamlSeq

_TYPE_NAMES = {
    str: "a string", bool: "true or false", int: "a number", float: "a number",
    dict: "a mapping", list: "a list",
}  # fmt: skip


def line_in(container: Any, key: Any) -> int:
    """The line of ``container[key]`` as read (the container's own line when unknown)."""
    if isinstance(container, (YamlMap, YamlSeq)):
        return container.line_of(key)
    return 0


def line_of_node(node: Any) -> int:
    return node.line if isinstance(node, (YamlMap, YamlSeq)) else 0


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def has_type(value: Any, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in types
    if isinstance(value, (int, float)) and (int in types or float in types):
        return True
    return isinstance(value, tuple(t for t in types if t is not bool))


def describe(types: tuple[type, ...]) -> str:
    names = list(dict.fromkeys(_TYPE_NAMES[t] for t in types))
    return " or ".join(names)


class FileReader:
    """Reports problems found in one file."""

    def __init__(self, file: str, problems: Problems) -> None:
        self.file = file
        self.problems = problems

    def error(self, line: int, message: str) -> None:
        self.problems.error(self.file, line, message)

    def warning(self, line: int, message: str) -> None:
        self.problems.warning(self.file, line, message)

    def location(self, line: int) -> Location:
        return Location(self.file, line)

    def check_type(self, container: Any, key: Any, types: tuple[type, ...],
                   what: str) -> bool:
        """Whether ``container[key]`` has one of ``types``; reports it when not."""
        value = container[key]
        if has_type(value, types):
            return True
        self.error(line_in(container, key),
                   f"{what}: `{key}` must be {describe(types)}, not {shown(value)}")
        return False

    def check_keys(self, mapping: dict[str, Any], allowed: frozenset[str],
                   what: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.error(line_in(mapping, key), f"{what}: unknown key `{key}`"
                           f" (allowed: {', '.join(sorted(allowed))})")

    def check_required(self, mapping: dict[str, Any], key: str, what: str,
                       line: int = 0) -> bool:
        if key in mapping:
            return True
        self.error(line or line_of_node(mapping), f"{what}: `{key}` is required")
        return False

    def optional(self, mapping: dict[str, Any], key: str, types: tuple[type, ...],
                 what: str, default: Any = None) -> Any:
        """``mapping[key]`` when present and of the right type, else ``default``."""
        if key not in mapping or not self.check_type(mapping, key, types, what):
            return default
        return mapping[key]


def shown(value: Any) -> str:
    """A value as a problem message shows it (short)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
