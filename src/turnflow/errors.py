"""Errors a user of turnflow can cause: they all derive from TurnflowError."""

from __future__ import annotations


class TurnflowError(Exception):
    """Base class of every error turnflow raises on purpose (bad input, bad flow, bad config)."""


class ExpressionSyntaxError(TurnflowError):
    """An expression or template that cannot be parsed.

    ``position`` is the 0-based offset in the source text where the problem was found;
    ``column`` is the same position 1-based, as people count columns.
    """

    def __init__(self, message: str, source: str, position: int) -> None:
        self.message = message
        self.source = source
        self.position = position
        super().__init__(f"{message} at column {self.column}")

    @property
    def column(self) -> int:
        return self.position + 1


class LimitExceeded(TurnflowError):
    """A configured safety limit (template length, nesting depth, output size...) was hit."""
