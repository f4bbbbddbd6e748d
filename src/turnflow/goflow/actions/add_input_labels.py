"""Labels the message the session was resumed (or started) with; the action emits an
input_labels_added event for the host application.

Example:

    {"type": "add_input_labels", "uuid": "...",
     "labels": [{"uuid": "48bf4533-e1dc-45a0-995b-303544a55548", "name": "Registration"}]}

Events:

    [{"type": "input_labels_added", "input_uuid": "77fa946a-2f2a-45da-9a6a-0ff66e08fd35",
      "labels": [{"uuid": "48bf4533-e1dc-45a0-995b-303544a55548", "name": "Registration"}]}]
"""

from __future__ import annotations

from ...core.runtime import Runtime
from .asset_refs import resolve_groups
from .base import BaseAction


class AddInputLabels(BaseAction):
    type = "add_input_labels"
    required = ("labels",)

    def execute(self, rt: Runtime) -> None:
        given = rt.session.input
        if not given:
            rt.error("No input to add labels to")
            return
        labels = resolve_groups(
            rt, list(self.data.get("labels") or []), "label:missing", "label", "labels"
        )
        if labels:
            rt.new_event("input_labels_added", input_uuid=given.get("uuid"), labels=labels)
