"""The base of goflow's action types and the registry the flow reader uses."""

from __future__ import annotations

from typing import Any, ClassVar

from ...core.runtime import Runtime
from ...errors import TurnflowError
from ..localization import localized_list

ACTIONS: dict[str, type[BaseAction]] = {}


class ActionReadError(TurnflowError):
    """An action definition that is missing something or has a bad value."""


class BaseAction:
    """An action read from its JSON definition; subclasses implement :meth:`execute`.

    ``required`` lists the fields the definition must have; the reader reports a missing one
    with its JSON path.
    """

    type: ClassVar[str] = ""
    required: ClassVar[tuple[str, ...]] = ()

    def __init__(self, data: dict[str, Any]) -> None:
        self.uuid: str = data["uuid"]
        self.data = data

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.type:
            ACTIONS[cls.type] = cls

    @classmethod
    def from_json(cls, data: dict[str, Any], path: str = "") -> BaseAction:
        for name in ("uuid", *cls.required):
            if data.get(name) in (None, ""):
                raise ActionReadError(f"{path}.{name}: field is required")
        return cls(data)

    def to_json(self) -> dict[str, Any]:
        return self.data

    def execute(self, runtime: Runtime) -> None:
        raise NotImplementedError(self.type)

    # helpers for subclasses ------------------------------------------------------------------

    def localized(self, rt: Runtime, key: str, default: Any) -> Any:
        """A localizable property in the contact's language, where the flow translates it."""
        run = rt.run
        if run is None or not run.flow.localization:
            return default
        values = localized_list(
            rt, run, self.uuid, key, default if isinstance(default, list) else [default]
        )
        if isinstance(default, list):
            return values
        return values[0] if values else default


def evaluate_checked(rt: Runtime, template: str) -> tuple[str, bool]:
    """Evaluate a template: (text, False) if any expression in it failed (goflow's ``ok``)."""
    before = len(rt.emitted)
    text = rt.evaluate(template)
    failed = any(
        e.get("type") == "error" and e.get("code") == "expression" for e in rt.emitted[before:]
    )
    return text, not failed
