"""Sets one of the contact's fields to the evaluated value (an empty value clears it);
the contact then joins or leaves the query-based groups the change affects.

Example:

    {"type": "set_contact_field", "uuid": "...", "field": {"key": "age", "name": "Age"},
     "value": "17"}

Events:

    [{"type": "contact_field_changed", "field": {"key": "age", "name": "Age"},
      "value": {"text": "17", "number": 17}},
     {"type": "contact_groups_changed",
      "groups_removed": [{"uuid": "f091da6a-d763-438d-8bda-f8844ec75e8b", "name": "Adults"}]}]
"""

from __future__ import annotations

from ...core.runtime import Runtime
from .asset_refs import dependency_error
from .base import BaseAction, evaluate_checked
from .contact import contact_assets, modify


class SetContactField(BaseAction):
    type = "set_contact_field"
    required = ("field",)

    def execute(self, rt: Runtime) -> None:
        ref = self.data["field"]
        value, ok = evaluate_checked(rt, self.data.get("value", ""))
        if not ok:
            return
        if contact_assets(rt).field(ref.get("key", "")) is None:
            dependency_error(rt, "field", {"key": ref.get("key", ""), "name": ref.get("name", "")})
            return
        value = value.strip()[: rt.limits.max_field_length]
        modify(rt, {"type": "field", "field": ref, "value": value})
