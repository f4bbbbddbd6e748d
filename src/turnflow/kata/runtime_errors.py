"""The error a Kata conversation fails with: one line that says what went wrong, in which
flow, state or action, and where it is written (``file:line``).

>>> from turnflow.kata.model import Where
>>> str(KataRuntimeError("method 'count' threw: boom", Where("bot.yml", 12)))
"bot.yml:12: method 'count' threw: boom"
"""

from __future__ import annotations

from typing import Any

from ..errors import TurnflowError


class KataRuntimeError(TurnflowError):
    """A converse (or the engine's construction) could not go on. ``where`` is the place in
    the bot's files it concerns (a model ``Where``, or None); ``message`` is what went wrong.
    ``str()`` is one line. ``reply``: raised by a converse, what to tell the user (the
    bot's ``defaultErrorMessage`` as a text response)."""

    def __init__(self, message: str, where: Any = None) -> None:
        self.message = " ".join(str(message).split())  # always one line
        self.where = where
        self.reply: dict[str, Any] | None = None
        text = f"{where}: {self.message}" if where is not None and str(where) else self.message
        super().__init__(text)
