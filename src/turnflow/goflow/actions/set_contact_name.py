"""Changes the contact's name to the evaluated template (an empty name clears it).

Example:

    {"type": "set_contact_name", "uuid": "...", "name": "Ana Maria Souza"}

Events:

    [{"type": "contact_name_changed", "name": "Ana Maria Souza"}]
"""

from __future__ import annotations

from ...core.runtime import Runtime
from .base import BaseAction, evaluate_checked
from .contact import modify


class SetContactName(BaseAction):
    type = "set_contact_name"

    def execute(self, rt: Runtime) -> None:
        name, ok = evaluate_checked(rt, self.data.get("name", ""))
        if not ok:
            return  # goflow skips the change when the name has an expression error
        modify(rt, {"type": "name", "name": name.strip()})
