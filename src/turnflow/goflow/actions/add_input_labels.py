"""Labels the message the session was resumed (or started) with; the action emits an
input_labels_added event for the host application."""

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
