"""YAML as Rasa reads it: the located reader of :mod:`turnflow.located_yaml` (YAML 1.2 core
schema, duplicate keys refused, the line of every mapping and sequence), with ``${VAR}``
expanded from the environment in plain scalars as Rasa does.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..located_yaml import YamlError, YamlMap, YamlSeq, read_regular_file
from ..located_yaml import parse_yaml as _parse_located

__all__ = ["Lines", "YamlError", "YamlMap", "YamlSeq", "line_of", "load_yaml",
           "load_yaml_located", "parse_yaml"]


# Rasa keeps the values under these keys unexpanded (secrets are resolved later, at run time)
_SENSITIVE_KEYS = frozenset({
    "api_key", "aws_access_key_id", "aws_secret_access_key", "aws_session_token",
    "public_key", "private_key", "client_id", "client_secret", "token_url", "secret",
})  # fmt: skip
# ...and for these an unset variable is not an error when the file is read
_DEFERRED_KEYS = frozenset(
    {"client_id", "client_secret", "token_url", "public_key", "private_key", "secret"}
)


def _expand_env(text: str, line: int, key: Any, file: str) -> Any:
    expanded = os.path.expandvars(text)
    # Rasa's test for "not set": a whitespace-separated word still starting with `$`
    unset = [word for word in expanded.split() if word.startswith("$") and word in text]
    if unset:
        if key in _DEFERRED_KEYS:  # resolved later, at run time
            return text
        raise YamlError(f"environment variable not set: {', '.join(unset)}", file, line)
    return text if key in _SENSITIVE_KEYS else expanded


def parse_yaml(text: str, file: str = "<text>", expand_env: bool = True) -> Any:
    """The value of a YAML document (``{}`` when empty); raises :class:`YamlError`."""
    return _parse_located(text, file, _expand_env if expand_env else None)


def load_yaml(path: str | Path, expand_env: bool = True) -> Any:
    """Read a YAML file as Rasa does; raises :class:`YamlError` (file and line)."""
    try:
        text = read_regular_file(path)
    except OSError as exc:
        raise YamlError(f"cannot read: {exc.strerror}", str(path)) from None
    except UnicodeDecodeError:
        raise YamlError("not UTF-8 text", str(path)) from None
    return parse_yaml(text, str(path), expand_env)


_PATH_PART = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def _path_parts(json_path: str | Sequence[str | int]) -> list[str | int]:
    if not isinstance(json_path, str):
        return list(json_path)
    text = json_path[1:] if json_path.startswith("$") else json_path
    parts: list[str | int] = []
    for index, key in _PATH_PART.findall(text):
        parts.append(int(index) if index else key)
    return parts


def line_of(path_or_text: str | Path, json_path: str | Sequence[str | int]) -> int:
    """The line (1-based) of the value at ``json_path`` (``flows.f.steps[0].collect``, or a
    list of keys and indices) in a YAML file or text; the deepest line found on the way when
    the path goes further than the document, 0 when the text is not YAML."""
    if isinstance(path_or_text, Path) or (
        "\n" not in path_or_text and os.path.isfile(path_or_text)
    ):
        try:
            text = read_regular_file(path_or_text)
        except (OSError, UnicodeDecodeError):
            return 0
    else:
        text = str(path_or_text)
    try:
        node = parse_yaml(text, expand_env=False)
    except YamlError as exc:
        return exc.line
    line = getattr(node, "line", 1)
    for part in _path_parts(json_path):
        if isinstance(node, YamlMap):
            key: Any = part
            if key not in node and isinstance(part, int):
                key = str(part)
            if key not in node:
                break
            line, node = node.line_of(key), node[key]
        elif isinstance(node, YamlSeq) and isinstance(part, int) and part < len(node):
            line, node = node.line_of(part), node[part]
        else:
            break
    return line


class Lines:
    """The lines of what :func:`load_yaml` read (its mappings and sequences keep them)."""

    __slots__ = ()

    def of(self, container: Any) -> int:
        """The line a mapping or sequence starts at (0: not known)."""
        return getattr(container, "line", 0)

    def of_key(self, mapping: Any, key: Any) -> int:
        """The line of a mapping's key (or of a sequence's item)."""
        if isinstance(mapping, YamlMap | YamlSeq):
            return mapping.line_of(key)
        return 0


def load_yaml_located(path: str | Path, *, expand_env: bool = True) -> tuple[Any, Lines]:
    """:func:`load_yaml`, with a :class:`Lines` to ask for the line of anything read."""
    return load_yaml(path, expand_env), Lines()
