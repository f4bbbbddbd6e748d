"""Reading a whole bot: ``bot.yml`` in a bot directory, with the files it includes."""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Bot
from ..problems import KataBotError, Problem
from .files import FileReadError, read_file
from .include import BROKEN, Located, resolve_includes
from .objects import ObjectReader

BOT_FILE = "bot.yml"

# a schema line, found without parsing (so that a bot.yml with a YAML error is still a bot)
_SCHEMA_LINE = re.compile(
    rb"^schema[ \t]*:[ \t]*[\"']?kata\.ai/schema/kata-?ml/1\.0[\"']?[ \t]*(?:#.*)?\r?$",
    re.MULTILINE,
)


def bot_file(path: str | Path) -> Path:
    """The bot.yml of a bot directory (or ``path`` itself when it is a file)."""
    path = Path(path)
    return path / BOT_FILE if path.is_dir() else path


def is_kata_bot(path: str | Path) -> bool:
    """True when ``path`` is a bot directory (or its bot.yml) whose bot.yml names a KataML
    schema (either spelling). Never raises."""
    try:
        file = bot_file(path)
        if file.name not in (BOT_FILE, "bot.yaml") and not Path(path).is_dir():
            return False
        if not file.is_file():  # (a FIFO would block the open below)
            return False
        with file.open("rb") as stream:
            head = stream.read(1 << 20)
    except (OSError, ValueError):
        return False
    return _SCHEMA_LINE.search(head) is not None


def looks_like_bot(path: str | Path) -> bool:
    """True for a directory holding a bot.yml, or a file named bot.yml, whatever is in it (so
    that ``turnflow validate`` reports what is wrong with a bot.yml that names no schema)."""
    try:
        path = Path(path)
        # (a bot.yml that is a FIFO or a directory counts: validate says what is wrong)
        return (path / BOT_FILE).exists() if path.is_dir() else (
            path.name == BOT_FILE and path.is_file())
    except (OSError, ValueError):
        return False


def read_bot(path: str | Path) -> tuple[Bot | None, list[Problem]]:
    """The bot at ``path`` and every problem found reading it, by file and line (the bot is
    None when the bot.yml cannot be read at all). Only reading problems: :func:`validate_bot`
    adds the checks across objects."""
    path = Path(path)
    file_path = bot_file(path)
    file = str(file_path)
    problems: list[Problem] = []
    if not file_path.exists():
        what = "no bot.yml in this directory" if path.is_dir() else "no such file"
        return None, [Problem(file if path.is_dir() else str(path), 0, what)]
    try:
        value = read_file(file_path, file)
    except FileReadError as exc:
        return None, [exc.problem]
    if isinstance(value, str):  # (read_file gives text for unknown suffixes)
        return None, [Problem(file, 0, "a bot file must be YAML (bot.yml)")]
    if type(value) is dict and not value:  # (an empty document, not a written `{}`)
        return None, [Problem(file, 0, "empty file (a bot.yml starts with schema: "
                                       "kata.ai/schema/kata-ml/1.0)")]
    bot_dir = file_path.parent
    located: Located = resolve_includes(value, file, bot_dir, problems,
                                        display_dir=str(bot_dir))
    if located.value is BROKEN:
        return None, problems
    reader = ObjectReader(located, problems)
    bot = reader.read_bot(located.value, file, directory=bot_dir)
    return bot, sorted(problems, key=lambda p: (p.file, p.line))


def load_bot(path: str | Path) -> Bot:
    """Read the bot at ``path`` (a bot directory, or its bot.yml); raises
    :class:`KataBotError` listing every problem found."""
    bot, problems = read_bot(path)
    if problems or bot is None:
        raise KataBotError(problems or [Problem(str(path), 0, "not a bot")])
    return bot
