"""Problems found in a bot's files, and the error that carries them."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import TurnflowError


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: ``file`` and ``line`` (1-based; 0 = the whole file) and what is wrong."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class KataBotError(TurnflowError):
    """A bot that cannot be read; ``problems`` lists every problem found (at least one).
    ``str()`` gives one line per problem."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
