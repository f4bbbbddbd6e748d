"""YAML as Rasa reads it: one loader for every Rasa file turnflow reads (domain, flows,
config, endpoints, e2e tests...).

Rasa parses with ruamel.yaml set to YAML 1.2, so ``yes``/``no``/``on``/``off`` stay strings,
``0o17`` is octal, ``017`` is decimal 17, there are no sexagesimal numbers and timestamps stay
strings. ruamel's 1.2 rules are looser than the 1.2 core schema in a few places and Rasa
inherits them: ``1_000`` is 1000, ``0b101`` is 5, ``12.`` is a float. We follow ruamel, since
the point is to read a Rasa project the way Rasa does. Duplicate keys are an error there too.

Plain (unquoted) scalars holding ``${NAME}`` get environment variables expanded, as Rasa does
by default for every project file; quoted scalars are left alone.

Parsing uses libyaml through PyYAML's C loader; only resolution and construction of scalars
are our own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Hashable, Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from turnflow.errors import TurnflowError

__all__ = ["Lines", "YamlError", "line_of", "load_yaml", "load_yaml_located", "parse_yaml"]

_ENV_TAG = "!env_var"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"

# Rasa keeps the values under these keys unexpanded (secrets are resolved later, at runtime)...
_SENSITIVE_KEYS = frozenset({
    "api_key", "aws_access_key_id", "aws_secret_access_key", "aws_session_token",
    "public_key", "private_key", "client_id", "client_secret", "token_url", "secret",
})  # fmt: skip
# ...and for these an unset variable is not an error at load time.
_DEFERRED_KEYS = frozenset(
    {"client_id", "client_secret", "token_url", "public_key", "private_key", "secret"}
)

_DIGITS = "0123456789"
# (tag, pattern, first characters): ruamel's YAML 1.2 rules, tried in this order.
_RESOLVERS: tuple[tuple[str, str, str | None], ...] = (
    ("bool", r"(?:true|True|TRUE|false|False|FALSE)", "tTfF"),
    (
        "float",
        r"""[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
        |[-+]?\.[0-9_]*[0-9][0-9_]*(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN)""",
        "-+." + _DIGITS,
    ),
    (
        "int",
        r"""[-+]?0b[01_]*[01][01_]*
        |[-+]?0o[0-7_]*[0-7][0-7_]*
        |[-+]?0x[0-9a-fA-F_]*[0-9a-fA-F][0-9a-fA-F_]*
        |[-+]?[0-9_]*[0-9][0-9_]*""",
        "-+" + _DIGITS,
    ),
    ("merge", r"<<", "<"),
    ("null", r"(?:~|null|Null|NULL|)", "~nN"),
)


class YamlError(TurnflowError):
    """A YAML file that cannot be read: ``file:line: message``."""

    def __init__(self, file: str, line: int, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")


class Lines:
    """Where the mappings and lists of one loaded document started (1-based lines).

    Keyed by object identity: valid while the loaded data is alive and unchanged.
    """

    def __init__(self) -> None:
        self._containers: dict[int, int] = {}
        self._keys: dict[tuple[int, Hashable], int] = {}

    def of(self, container: Any) -> int:
        """Line where a mapping or list starts (0: not one of this document's)."""
        return self._containers.get(id(container), 0)

    def of_key(self, mapping: Any, key: Hashable) -> int:
        """Line of ``key`` in ``mapping``, else the line of the mapping itself."""
        return self._keys.get((id(mapping), key)) or self.of(mapping)


class _Loader(yaml.CSafeLoader):
    """libyaml parser, our resolvers and constructors (set up below the class)."""

    yaml_implicit_resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
    yaml_constructors = dict(yaml.SafeLoader.yaml_constructors)

    def __init__(self, text: str, name: str, expand_env: bool) -> None:
        super().__init__(text)
        self.name = name
        self.expand_env = expand_env
        self.lines = Lines()
        self._current_key: Any = None

    def _fill_mapping(self, node: MappingNode, data: dict[Any, Any]) -> None:
        # keys written in this mapping must be unique (as ruamel demands); keys merged in
        # with `<<` are not and give way to the written ones
        written = [pair for pair in node.value if pair[0].tag != "tag:yaml.org,2002:merge"]
        self.flatten_mapping(node)
        written_ids = {id(k) for k, _ in written}
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = self.construct_object(key_node)
            if not isinstance(key, Hashable):
                raise ConstructorError(
                    None, None, "a mapping key cannot be a list or mapping", key_node.start_mark
                )
            if id(key_node) in written_ids:
                if key in seen:
                    raise ConstructorError(
                        None, None, f"duplicate key {key!r}", key_node.start_mark
                    )
                seen.add(key)
                self.lines._keys[(id(data), key)] = key_node.start_mark.line + 1
            self._current_key = key
            data[key] = self.construct_object(value_node)

    def _construct_map(self, node: MappingNode) -> Iterator[dict[Any, Any]]:
        data: dict[Any, Any] = {}
        self.lines._containers[id(data)] = node.start_mark.line + 1
        yield data
        self._fill_mapping(node, data)

    def _construct_seq(self, node: SequenceNode) -> Iterator[list[Any]]:
        data: list[Any] = []
        self.lines._containers[id(data)] = node.start_mark.line + 1
        yield data
        self._current_key = None
        data.extend(self.construct_sequence(node))

    def _construct_int(self, node: ScalarNode) -> int:
        text = node.value.replace("_", "")
        sign = -1 if text[0] == "-" else 1
        digits = text.lstrip("+-")
        base = {"0b": 2, "0o": 8, "0x": 16}.get(digits[:2], 10)
        # YAML 1.2: a leading 0 alone does not make a number octal
        return sign * int(digits[2:] if base != 10 else digits, base)

    def _construct_float(self, node: ScalarNode) -> float:
        text = node.value.replace("_", "").lower()
        if text.endswith(".inf"):
            return float("-inf") if text[0] == "-" else float("inf")
        return float("nan") if text == ".nan" else float(text)

    def _construct_env(self, node: ScalarNode) -> str:
        raw = node.value
        if not self.expand_env:
            return raw
        key = self._current_key
        expanded = os.path.expandvars(raw)
        # Rasa's test for "not set": a whitespace-separated word still starting with `$`
        missing = [w for w in expanded.split() if w.startswith("$") and w in raw]
        if missing:
            if key in _DEFERRED_KEYS:
                return raw
            names = ", ".join(missing)
            raise ConstructorError(
                None, None, f"environment variable not set: {names}", node.start_mark
            )
        return raw if key in _SENSITIVE_KEYS else expanded


for _tag, _pattern, _first in _RESOLVERS:
    _Loader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(rf"^(?:{_pattern})$", re.X), list(_first or "")
    )
# the empty plain scalar is null
_Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^$"), [""])
# tried after the others, whatever the first character
_Loader.add_implicit_resolver(_ENV_TAG, re.compile(r"^.*\$\{.*\}.*$"), None)
_Loader.add_constructor(_MAP_TAG, _Loader._construct_map)
_Loader.add_constructor(_SEQ_TAG, _Loader._construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader._construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader._construct_float)
_Loader.add_constructor(_ENV_TAG, _Loader._construct_env)
# an explicit !!timestamp stays the text written, as Rasa returns dates as strings
_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def _error(name: str, exc: yaml.YAMLError) -> YamlError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        if exc.problem and exc.context:
            where = exc.context_mark
            start = f" that starts at line {where.line + 1}" if where and where != mark else ""
            message = f"{exc.problem}, {exc.context}{start}"
        return YamlError(name, mark.line + 1 if mark else 0, message)
    return YamlError(name, 0, str(exc))


def _load(text: str, name: str, expand_env: bool) -> tuple[Any, Lines]:
    loader = _Loader(text, name, expand_env)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise _error(name, exc) from None
    finally:
        loader.dispose()
    # Rasa reads an empty document as an empty mapping
    return ({} if data is None else data), loader.lines


def _read(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlError(str(path), 0, f"cannot read the file: {exc}") from None


def parse_yaml(text: str, name: str = "<string>", *, expand_env: bool = True) -> Any:
    """Parse YAML text (``name`` is what errors call it)."""
    return _load(text, name, expand_env)[0]


def load_yaml(path: str | Path, *, expand_env: bool = True) -> Any:
    """Read a YAML file as Rasa does; :class:`YamlError` when it cannot be parsed."""
    return _load(_read(path), str(path), expand_env)[0]


def load_yaml_located(
    path: str | Path, *, expand_env: bool = True, text: str | None = None
) -> tuple[Any, Lines]:
    """Like :func:`load_yaml`, also giving the line of every mapping, list and key."""
    return _load(_read(path) if text is None else text, str(path), expand_env)


def _node_line(node: Node) -> int:
    return node.start_mark.line + 1


def line_of(path_or_text: str | Path, json_path: Sequence[str | int]) -> int:
    """1-based line of the key or item at ``json_path`` (``["test_cases", 0, "steps"]``).

    A :class:`~pathlib.Path`, or a ``str`` naming an existing file, is read; another ``str``
    is YAML text. When the path leads nowhere, the line of the deepest node reached.
    """
    if isinstance(path_or_text, Path) or os.path.isfile(path_or_text):
        text = _read(path_or_text)
    else:
        text = path_or_text
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        return _error("", exc).line
    if node is None:
        return 1
    line = _node_line(node)
    for step in json_path:
        if isinstance(node, MappingNode):
            pair = next(
                (p for p in node.value if isinstance(p[0], ScalarNode) and p[0].value == str(step)),
                None,
            )
            if pair is None:
                return line
            line, node = _node_line(pair[0]), pair[1]
        elif isinstance(node, SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = _node_line(node)
        else:
            return line
    return line
