"""YAML as Rasa reads it: YAML 1.2 core schema (``yes``/``no`` stay strings, ``0o17`` is
octal), ``${VAR}`` expanded from the environment in plain scalars, duplicate keys refused.

libyaml (PyYAML's C parser) builds the node tree; the values are made from it here, which
also records each mapping's and sequence's lines (:class:`YamlMap`, :class:`YamlSeq`) so
that every later error can name its line without parsing the file again.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from ..errors import TurnflowError

_SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# Rasa keeps the values under these keys unexpanded (secrets are resolved later, at run time)
_SENSITIVE_KEYS = frozenset({
    "api_key", "aws_access_key_id", "aws_secret_access_key", "aws_session_token",
    "public_key", "private_key", "client_id", "client_secret", "token_url", "secret",
})  # fmt: skip
# ...and for these an unset variable is not an error when the file is read
_DEFERRED_KEYS = frozenset(
    {"client_id", "client_secret", "token_url", "public_key", "private_key", "secret"}
)


class YamlError(TurnflowError):
    """A file that is not valid YAML (or names an unset environment variable)."""

    def __init__(self, message: str, file: str = "", line: int = 0) -> None:
        self.message = message
        self.file = file
        self.line = line
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}" if where else message)


class YamlMap(dict):  # type: ignore[type-arg]
    """A mapping as read, with the line of each key (1-based)."""

    __slots__ = ("line", "key_lines")

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class YamlSeq(list):  # type: ignore[type-arg]
    """A sequence as read, with the line of each item (1-based)."""

    __slots__ = ("line", "item_lines")

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class _Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    """Every plain scalar comes back tagged ``str``: the 1.2 core schema is applied below."""

    yaml_implicit_resolvers: dict[str, Any] = {}

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        # (called for every untagged node: the shortest way to the default tags)
        return _DEFAULT_TAGS[kind]


_DEFAULT_TAGS = {
    yaml.ScalarNode: "tag:yaml.org,2002:str", yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}  # fmt: skip


# the YAML 1.2 core schema, with the underscores and the `.5`/`1e3` forms ruamel (Rasa's
# reader) also takes
_INT = re.compile(r"[-+]?(?:0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)\Z")
_FLOAT = re.compile(
    r"[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+"
    r"|\.[0-9_]+(?:[eE][-+][0-9]+)?)\Z"
)
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUES = frozenset(("true", "True", "TRUE"))
_FALSES = frozenset(("false", "False", "FALSE"))
_SPECIAL_FLOATS = {
    ".inf": math.inf, ".Inf": math.inf, ".INF": math.inf, "+.inf": math.inf,
    "+.Inf": math.inf, "+.INF": math.inf, "-.inf": -math.inf, "-.Inf": -math.inf,
    "-.INF": -math.inf, ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
}  # fmt: skip
_NUMBER_START = frozenset("-+0123456789.")
_ENV_VAR = re.compile(r"\$\{[^}]*\}")
_STR_TAG = "tag:yaml.org,2002:str"


def _plain_scalar(text: str) -> Any:
    if text in _NULLS:
        return None
    first = text[0]
    if first in "tTfF":
        if text in _TRUES:
            return True
        if text in _FALSES:
            return False
        return text
    if first in _NUMBER_START:
        if _INT.match(text):
            digits = text.replace("_", "")
            sign = -1 if digits[0] == "-" else 1
            body = digits.lstrip("+-")
            if body[:2] in ("0x", "0o", "0b"):
                return sign * int(body, 0)
            return sign * int(body)
        if _FLOAT.match(text):
            return float(text.replace("_", ""))
        if text in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[text]
    return text


class _Builder:
    """Makes Python values out of a composed node tree."""

    def __init__(self, file: str, expand_env: bool) -> None:
        self.file = file
        self.expand_env = expand_env
        self.done: dict[int, Any] = {}  # anchors: a node used twice is built once

    def build(self, node: yaml.Node, key: Any = None) -> Any:
        if node.tag and node.tag.startswith("!"):  # a tag of no schema Rasa reads with
            raise YamlError(f"could not determine a constructor for the tag '{node.tag}'",
                            self.file, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, key)
        known = self.done.get(id(node))
        if known is not None:
            return known
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node)
        return self.sequence(node)

    def scalar(self, node: yaml.ScalarNode, key: Any = None) -> Any:
        text = node.value
        if not node.style and node.tag == _STR_TAG:  # plain ("" from libyaml, None from Python)
            if self.expand_env and "${" in text:
                return self.expand(text, node, key)
            return _plain_scalar(text)
        if node.tag != _STR_TAG and node.tag.startswith("tag:yaml.org,2002:"):
            # an explicit !!int, !!bool... as the core schema reads it
            value = _plain_scalar(text)
            return text if node.tag.endswith(":str") else value
        return text

    def expand(self, text: str, node: yaml.Node, key: Any = None) -> Any:
        expanded = os.path.expandvars(text)
        # Rasa's test for "not set": a whitespace-separated word still starting with `$`
        unset = [word for word in expanded.split() if word.startswith("$") and word in text]
        if unset:
            if key in _DEFERRED_KEYS:  # resolved later, at run time
                return text
            raise YamlError(f"environment variable not set: {', '.join(unset)}", self.file,
                            node.start_mark.line + 1)
        return text if key in _SENSITIVE_KEYS else expanded

    def mapping(self, node: yaml.MappingNode) -> YamlMap:
        result = YamlMap(node.start_mark.line + 1)
        self.done[id(node)] = result
        merged: set[Any] = set()  # keys that came in through `<<`
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" or (
                key_node.value == "<<" and not key_node.style
            ):
                merged.update(self.merge(result, value_node))
                continue
            key = self.build(key_node)
            if isinstance(key, (dict, list)):
                raise YamlError("a mapping key must be a scalar", self.file,
                                key_node.start_mark.line + 1)
            line = key_node.start_mark.line + 1
            if key in result.key_lines and key not in merged:
                raise YamlError(
                    f"duplicate key {key!r} (first at line {result.key_lines[key]})",
                    self.file, line)
            merged.discard(key)  # a key written here overrides one merged in
            result.key_lines[key] = line
            result[key] = self.build(value_node, key)
        return result

    def merge(self, result: YamlMap, node: yaml.Node) -> list[Any]:
        """Merge ``<<`` mappings into ``result`` (keys already there win); the keys added."""
        added = []
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for source in sources:
            merged = self.build(source)
            if not isinstance(merged, YamlMap):
                raise YamlError("`<<` needs a mapping", self.file, node.start_mark.line + 1)
            for key, value in merged.items():
                if key not in result:
                    result[key] = value
                    result.key_lines[key] = merged.line_of(key)
                    added.append(key)
        return added

    def sequence(self, node: yaml.SequenceNode) -> YamlSeq:
        result = YamlSeq(node.start_mark.line + 1)
        self.done[id(node)] = result
        lines = result.item_lines
        for item in node.value:
            lines.append(item.start_mark.line + 1)
            result.append(self.build(item))
        return result


def parse_yaml(text: str, file: str = "<text>", expand_env: bool = True) -> Any:
    """The value of a YAML document (``{}`` when empty); raises :class:`YamlError`."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        message = exc.problem or exc.context or "invalid YAML"
        if exc.problem and exc.context:
            where = exc.context_mark
            start = f" that starts at line {where.line + 1}" if where and where != mark else ""
            message = f"{exc.problem}, {exc.context}{start}"
        raise YamlError(f"invalid YAML: {message}", file, line) from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc), file) from None
    if node is None:
        return {}  # an empty document, as Rasa reads it
    return _Builder(file, expand_env).build(node)


def load_yaml(path: str | Path, expand_env: bool = True) -> Any:
    """Read a YAML file as Rasa does; raises :class:`YamlError` (file and line)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
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
        text = Path(path_or_text).read_text(encoding="utf-8")
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
