"""Problems found in a bot's files, and the error that carries them."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import TurnflowError


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: ``file`` and ``line`` (1-based; 0 = the whole file) and what is wrong.
    A ``warning`` is something the bot runs with, read the way its author likely meant it
    (``condition: a = 'x'`` read as ``==``); only :func:`validate_bot` gives warnings, and
    only when asked."""

    file: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {'warning: ' if self.warning else ''}{self.message}"


class KataBotError(TurnflowError):
    """A bot that cannot be read; ``problems`` lists every problem found (at least one).
    ``str()`` gives one line per problem."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
