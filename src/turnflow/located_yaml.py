"""YAML read with the line of every mapping and sequence, for readers that report problems
as ``file:line``: YAML 1.2 core scalars (``yes``/``no`` stay strings, ``0o17`` is octal, as
ruamel and js-yaml read them), duplicate keys refused, tags of no schema refused, merge keys
(``<<``) that keys written beside them override.

libyaml (PyYAML's C parser) builds the node tree; the values are made from it here, which
also records each mapping's and sequence's lines (:class:`YamlMap`, :class:`YamlSeq`) so
that every later error can name its line without parsing the file again. Rasa's reader adds
its ``${VAR}`` expansion (``turnflow.rasa.yaml_io``); Kata's reads as is.
"""

from __future__ import annotations

import errno
import math
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from .errors import TurnflowError

_SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 20 * 1024 * 1024  # a YAML file larger than this is refused before reading
# values a document may hold with its aliases expanded: `*a` counts the values under `&a`
# again. A "billion laughs" file (nine aliases of nine aliases...) is a few hundred bytes that
# expand to billions of values; anything that walks it (a copy, JSON, a slot's values) would
# never end. Real projects hold thousands.
MAX_EXPANDED_VALUES = 1_000_000


def read_regular_file(path: str | Path) -> str:
    """The UTF-8 text of a regular file; raises OSError (``strerror`` says why: not a regular
    file, too large) or UnicodeDecodeError. A FIFO or a device (``/dev/zero``, also through
    a symbolic link) would block or never end, so only regular files are read."""
    info = os.stat(path)
    if stat.S_ISDIR(info.st_mode):
        raise OSError(errno.EISDIR, "is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise OSError(errno.EINVAL, "not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise OSError(errno.EFBIG, f"too large ({info.st_size:,} bytes; the limit is "
                                   f"{MAX_FILE_BYTES:,})")
    with open(path, encoding="utf-8") as handle:
        return handle.read(MAX_FILE_BYTES + 1)


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
_CORE = "tag:yaml.org,2002:"
# the tags of YAML's own types (js-yaml and ruamel know these); `!!python/object...` and any
# other tag are refused, never constructed
_KNOWN_TAGS = frozenset(_CORE + name for name in (
    "str", "int", "float", "bool", "null", "seq", "map", "merge", "timestamp", "binary",
    "omap", "pairs", "set", "value"))


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


# expands a plain scalar holding ``${``: (text, line, key it is the value of, file) -> value
Expand = Callable[[str, int, Any, str], Any]


class _Builder:
    """Makes Python values out of a composed node tree."""

    def __init__(self, file: str, expand: Expand | None) -> None:
        self.file = file
        self.expand = expand
        self.done: dict[int, Any] = {}  # anchors: a node used twice is built once
        self.sizes: dict[int, int] = {}  # values under each built container, aliases expanded

    def build(self, node: yaml.Node, key: Any = None) -> Any:
        if node.tag and (node.tag.startswith("!") or node.tag not in _KNOWN_TAGS):
            # a tag of no schema (nor Rasa, nor js-yaml): `!!python/object...` is refused here
            raise YamlError(f"could not determine a constructor for the tag '{node.tag}'",
                            self.file, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, key)
        known = self.done.get(id(node))
        if known is not None:
            if id(node) not in self.sizes:  # an alias of a container it is inside of
                raise YamlError("an alias refers to a mapping or sequence it is part of",
                                self.file, node.start_mark.line + 1)
            return known
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node)
        return self.sequence(node)

    def scalar(self, node: yaml.ScalarNode, key: Any = None) -> Any:
        text = node.value
        if not node.style and node.tag == _STR_TAG:  # plain ("" from libyaml, None from Python)
            if self.expand is not None and "${" in text:
                return self.expand(text, node.start_mark.line + 1, key, self.file)
            return _plain_scalar(text)
        if node.tag != _STR_TAG and node.tag.startswith("tag:yaml.org,2002:"):
            # an explicit !!int, !!bool... as the core schema reads it
            value = _plain_scalar(text)
            return text if node.tag.endswith(":str") else value
        return text

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
        self.count(node, [value for _, value in node.value])
        return result

    def count(self, node: yaml.Node, children: list[yaml.Node]) -> None:
        """Record how many values ``node`` holds with aliases expanded; refuse too many."""
        size = 1 + sum(self.sizes.get(id(child), 1) for child in children)
        if size > MAX_EXPANDED_VALUES:
            raise YamlError(f"aliases expand to more than {MAX_EXPANDED_VALUES:,} values "
                            "(an alias bomb?)", self.file, node.start_mark.line + 1)
        self.sizes[id(node)] = size

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
        self.count(node, node.value)
        return result


def parse_yaml(text: str, file: str = "<text>", expand: Expand | None = None) -> Any:
    """The value of a YAML document (``{}`` when empty); raises :class:`YamlError`.
    ``expand`` (optional) gives the value of a plain scalar that holds ``${``."""
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
        return {}  # an empty document
    try:
        return _Builder(file, expand).build(node)
    except RecursionError:  # (libyaml stops at 1,000 levels; the builder recurses per level)
        raise YamlError("invalid YAML: nested too deeply", file, node.start_mark.line + 1
                        ) from None


def kind_of(value: Any) -> str:
    """What a value read from YAML or JSON is, in words, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__
