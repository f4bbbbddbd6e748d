"""``$include(path)``: a string value that is exactly ``$include(...)`` (spaces around it
allowed) is replaced by the content of that file, as kata-cli did before pushing a bot: YAML
and JSON files by their data, any other file (``.js`` method code, text) by its text.

An include must stay inside the bot directory: an absolute path, ``../`` out of it, or a
symbolic link that points out of it is refused (a bot from elsewhere must not read
``/etc/passwd`` or a key file into its messages), and so is anything but a regular file (a
FIFO or ``/dev/zero`` would block or never end).

Paths are relative to the bot directory, also inside included files (kata-cli resolved every
include against the bot directory; it did one pass, we also resolve includes found inside
included files). A cycle of includes, a missing file and a file that does not parse are
problems named at the ``$include`` (file:line); the value becomes :data:`BROKEN`, which the
reader skips without reporting it again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..problems import Problem
from .files import FileReadError, read_file

MAX_INCLUDED_FILES = 1000  # a bot that includes more files than this is refused


class _Broken:
    """The value of an ``$include`` that failed (already reported)."""

    _instance: _Broken | None = None

    def __new__(cls) -> _Broken:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "BROKEN"


BROKEN: Any = _Broken()


def include_target(value: Any) -> str | None:
    """The path of an ``$include(path)`` string, or None when ``value`` is not one."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not (text.startswith("$include(") and text.endswith(")")):
        return None
    target = text[len("$include(") : -1].strip()
    if len(target) >= 2 and target[0] == target[-1] and target[0] in "'\"":
        target = target[1:-1]
    return target


@dataclass
class Located:
    """A bot file's value with every include resolved; ``files`` says which file each
    mapping and sequence was read from (by ``id``; the root file when absent)."""

    value: Any
    root_file: str
    files: dict[int, str] = field(default_factory=dict)

    def file_of(self, container: Any) -> str:
        return self.files.get(id(container), self.root_file)


def resolve_includes(
    value: Any, file: str, bot_dir: Path, problems: list[Problem], *, display_dir: str = ""
) -> Located:
    """Replace every ``$include`` in ``value`` (read from ``file``) in place; problems are
    appended to ``problems``. ``display_dir`` is how the bot directory is written in
    problems (``bot_dir`` as given when empty)."""
    shown_dir = display_dir or str(bot_dir)
    located = Located(value, file)
    cache: dict[Path, Any] = {}
    visited: set[int] = set()
    root_path = _absolute(bot_dir / Path(file).name) if file else None
    chain0 = (root_path,) if root_path else ()
    real_dir = os.path.realpath(bot_dir)

    def load(target: str, chain: tuple[Path, ...], at: Problem) -> tuple[Any, str, Path] | None:
        path = _absolute(bot_dir / target)
        shown = os.path.normpath(os.path.join(shown_dir, target))
        if path not in cache and not _inside(path, real_dir):
            problems.append(Problem(at.file, at.line, f"$include({target}): outside the bot "
                                    "directory (includes must stay inside it)"))
            cache[path] = BROKEN  # (reported once)
            return None
        if path in chain:
            problems.append(Problem(at.file, at.line, f"$include({target}): include cycle"))
            return None
        if path not in cache:
            if len(cache) >= MAX_INCLUDED_FILES:
                problems.append(Problem(at.file, at.line,
                                        f"$include({target}): more than {MAX_INCLUDED_FILES} "
                                        "included files"))
                return None
            try:
                cache[path] = read_file(path, shown)
            except FileReadError as exc:
                problem = exc.problem
                if problem.line == 0 and problem.file == shown:  # the file itself is missing
                    problems.append(Problem(at.file, at.line,
                                            f"$include({target}): {shown}: {problem.message}"))
                else:
                    problems.append(problem)
                cache[path] = BROKEN
        result = cache[path]
        return (None if result is BROKEN else (result, shown, path))

    def resolve(value: Any, file: str, line: int, chain: tuple[Path, ...]
                ) -> tuple[Any, str, tuple[Path, ...]]:
        """Follow ``value`` while it is an include; (value, its file, the include chain)."""
        while (target := include_target(value)) is not None:
            loaded = load(target, chain, Problem(file, line, ""))
            if loaded is None:
                return BROKEN, file, chain
            value, file, path = loaded
            chain = (*chain, path)
            line = 1
        return value, file, chain

    root, root_file, root_chain = resolve(value, file, 1, chain0)
    located.value = root
    stack: list[tuple[Any, str, tuple[Path, ...]]] = [(root, root_file, root_chain)]
    while stack:
        container, container_file, chain = stack.pop()
        if not isinstance(container, dict | list) or id(container) in visited:
            continue
        visited.add(id(container))
        if container_file != file:
            located.files[id(container)] = container_file
        keys = list(container) if isinstance(container, dict) else range(len(container))
        for key in keys:
            item = container[key]
            if isinstance(item, str):
                if include_target(item) is None:
                    continue
                line = _line_of(container, key)
                item, item_file, item_chain = resolve(item, container_file, line, chain)
                container[key] = item
                stack.append((item, item_file, item_chain))
            elif isinstance(item, dict | list):
                stack.append((item, container_file, chain))
    return located


def _line_of(container: Any, key: Any) -> int:
    line_of = getattr(container, "line_of", None)
    return line_of(key) if line_of is not None else 0


def _inside(path: Path, real_dir: str) -> bool:
    """Whether ``path``, its symbolic links followed, is inside the directory ``real_dir``."""
    real = os.path.realpath(path)
    return os.path.commonpath([real, real_dir]) == real_dir


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))
