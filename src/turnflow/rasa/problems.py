"""What reading and validating a Rasa project found wrong: each problem names its file and
line. Everything is collected, so that one run reports every problem at once."""

from __future__ import annotations

from dataclasses import dataclass

from .domain import Location

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    location: Location
    message: str
    severity: str = ERROR
    # an error Rasa's validator reports too, but Rasa still trains and runs the project
    # (e.g. a flow collecting a list slot): turnflow runs it as well, with a warning
    rasa_runs_it: bool = False

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        prefix = "" if self.is_error else "warning: "
        return f"{self.location}: {prefix}{self.message}"


class Problems(list[Problem]):
    """The problems found so far, in the order found."""

    def error(self, file: str, line: int, message: str) -> None:
        self.append(Problem(Location(file, line), message))

    def warning(self, file: str, line: int, message: str) -> None:
        self.append(Problem(Location(file, line), message, WARNING))

    def at(self, location: Location | None, message: str, severity: str = ERROR,
           rasa_runs_it: bool = False) -> None:
        self.append(Problem(location or Location("?"), message, severity, rasa_runs_it))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.is_error]

    @property
    def blocking(self) -> list[Problem]:
        """The errors that keep a project from running (on Rasa as on turnflow)."""
        return [p for p in self if p.is_error and not p.rasa_runs_it]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self if not p.is_error]
