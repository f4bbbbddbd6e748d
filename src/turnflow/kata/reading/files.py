"""Reading the files of a bot: YAML with the line of every mapping and sequence
(:mod:`turnflow.located_yaml`: libyaml, YAML 1.2 core scalars like kata-cli's js-yaml,
duplicate keys refused), JSON, and plain text (method code)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from ...located_yaml import YamlError, YamlMap, YamlSeq, parse_yaml
from ..problems import Problem

__all__ = ["FileReadError", "IncludedText", "YamlMap", "YamlSeq", "parse_text", "read_file"]

YAML_SUFFIXES = frozenset({".yml", ".yaml"})
MAX_FILE_BYTES = 20 * 1024 * 1024  # a bot file larger than this is refused before reading


class FileReadError(Exception):
    """A file that cannot be read or parsed; ``problem`` says where and why."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


class IncludedText(str):
    """The text of an included non-data file (``.js`` method code...), knowing its file."""

    file: str = ""


def parse_text(text: str, file: str, kind: str = "yaml") -> Any:
    """The value of YAML or JSON ``text``; raises :class:`FileReadError`."""
    if kind == "json":
        return _parse_json(text, file)
    try:
        return parse_yaml(text, file)
    except YamlError as exc:
        raise FileReadError(Problem(file, exc.line, exc.message)) from None
    except RecursionError:
        raise FileReadError(Problem(file, 0, "invalid YAML: nested too deeply")) from None


def _parse_json(text: str, file: str) -> Any:
    # JSON is YAML 1.2: read it as YAML first to know the lines; json when YAML disagrees
    try:
        return parse_yaml(text, file)
    except (YamlError, RecursionError):
        pass
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileReadError(Problem(file, exc.lineno, f"invalid JSON: {exc.msg}")) from None
    except RecursionError:
        raise FileReadError(Problem(file, 0, "invalid JSON: nested too deeply")) from None


def read_file(path: Path, file: str) -> Any:
    """The value of a bot file by its suffix: YAML (``.yml``/``.yaml``), JSON (``.json``),
    anything else as text (an :class:`IncludedText`). ``file`` names it in problems."""
    try:
        # a FIFO or a device (/dev/zero) would block or never end: regular files only
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):
            raise FileReadError(Problem(file, 0, "not a regular file"))
        if info.st_size > MAX_FILE_BYTES:
            raise FileReadError(Problem(file, 0, f"too large ({info.st_size:,} bytes; the "
                                                 f"limit is {MAX_FILE_BYTES:,})"))
        raw = path.read_bytes()
    except IsADirectoryError:
        raise FileReadError(Problem(file, 0, "is a directory, not a file")) from None
    except FileNotFoundError:
        raise FileReadError(Problem(file, 0, "no such file")) from None
    except (OSError, ValueError) as exc:  # (ValueError: a NUL in the path)
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise FileReadError(Problem(file, 0, f"cannot read: {reason}")) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FileReadError(Problem(file, line, "not UTF-8 text")) from None
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        return parse_text(text, file)
    if suffix == ".json":
        return parse_text(text, file, "json")
    included = IncludedText(text)
    included.file = file
    return included
