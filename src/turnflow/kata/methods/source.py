"""What a bot says about one method: its name, parameters, code and where it was written."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MethodSource:
    """One method of a bot.

    ``body`` is the function body (``"return x * x;"``, or just an expression: ``"x * x"``);
    ``line`` is the line of ``file`` where the body text starts. With ``entry`` (KataML's
    ``{code: $include(file.js), entry: module.exports}``), ``body`` is a whole CommonJS-style
    script and ``entry`` the dotted path of the function it exports (``module.exports``,
    ``module.exports.otherMethod``); ``params`` then only document the call.
    """

    name: str
    params: tuple[str, ...] = ()
    body: str = ""
    file: str | None = None
    line: int | None = None
    entry: str | None = None

    @property
    def where(self) -> str:
        """``file:line`` (or what is known of it) for error messages."""
        if self.file is None:
            return ""
        return f"{self.file}:{self.line}" if self.line is not None else self.file
