"""Shared by the two test-file readers: reading a YAML file with its lines, and the error a
broken test file raises (one line: ``file:line: what is wrong``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...errors import TurnflowError
from ...located_yaml import kind_of
from ..reading.files import FileReadError, YamlMap, YamlSeq, read_file

MESSAGE_KEYS = frozenset({"type", "content", "payload", "metadata", "id"})
MESSAGE_TYPES = ("text", "data", "command")


class TestFileError(TurnflowError):
    """A test file that cannot be used: ``str()`` is ``file:line: what is wrong``."""

    __test__ = False  # not a pytest class

    def __init__(self, file: str, line: int, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")


def read_yaml(path: Path, file: str) -> Any:
    try:
        return read_file(path, file)
    except FileReadError as exc:
        problem = exc.problem
        raise TestFileError(problem.file, problem.line, problem.message) from None


def line_of(container: Any, key: Any) -> int:
    """The line of ``key`` in a mapping (of item ``key`` in a list); 0 when it isn't there."""
    if isinstance(container, YamlMap):
        return container.key_lines.get(key, 0)
    if isinstance(container, YamlSeq):
        return container.line_of(key)
    return 0


def line(container: Any) -> int:
    return getattr(container, "line", 0)


def plain(value: Any) -> Any:
    """The value with plain dicts and lists (what results are compared against)."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def check_keys(file: str, mapping: YamlMap, allowed: frozenset[str], what: str) -> None:
    for key in mapping:
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise TestFileError(file, line_of(mapping, key),
                                f"{what}: unknown key {key!r} (known: {known})")


def need_mapping(file: str, value: Any, where: int, what: str, optional: bool = True
                 ) -> dict[str, Any]:
    """``value`` as a plain dict (None: empty when optional)."""
    if value is None and optional:
        return {}
    if not isinstance(value, dict):
        raise TestFileError(file, where, f"{what} must be a mapping, not {kind_of(value)}")
    return plain(value)


def need_string(file: str, value: Any, where: int, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise TestFileError(file, where, f"{what} must be a non-empty string, not "
                            f"{kind_of(value)}")
    return value


def read_message(file: str, value: Any, where: int, defaults: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    """A message: a mapping of type/content/payload/metadata (a string is a text message;
    without ``type``, a payload without content is a data message, else it is text)."""
    if isinstance(value, str | int | float):  # `user: 2` is the text "2" a user types
        message: dict[str, Any] = {"type": "text", "content": _js_text(value)}
    elif isinstance(value, dict):
        for key in value:
            if key not in MESSAGE_KEYS:
                raise TestFileError(file, line_of(value, key),
                                    f"message: unknown key {key!r} (known: content, metadata, "
                                    "payload, type)")
        message = plain(value)
        if "type" not in message and "payload" in message and "content" not in message:
            message["type"] = "data"  # a payload alone is what a data message carries
    elif value is None and defaults is not None:
        message = {}
    else:
        raise TestFileError(file, where, f"a message must be a string or a mapping, not "
                            f"{kind_of(value)}")
    if defaults:
        message = {**defaults, **message}
    kind = message.setdefault("type", "text")
    if kind not in MESSAGE_TYPES:
        raise TestFileError(file, line_of(value, "type") or where,
                            f"message type must be text, data or command, not {kind!r}")
    if "content" in message and message["content"] is not None and not isinstance(
            message["content"], str):
        message["content"] = _js_text(message["content"])
    if "payload" in message and message["payload"] is not None and not isinstance(
            message["payload"], dict):
        raise TestFileError(file, line_of(value, "payload") or where,
                            "message payload must be a mapping")
    return message


def _js_text(value: Any) -> str:
    # `content: 2` in YAML is the text "2" a user would type
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

