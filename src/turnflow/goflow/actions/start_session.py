r"""Starts a flow for other contacts, groups, URNs or a contact query (or a new contact). Like
goflow, the action only emits a session_triggered event, with a summary of the current run,
that the host application acts on.

Example:

    {"type": "start_session", "uuid": "...",
     "flow": {"uuid": "49a80bb1-ad31-4b9d-9d22-70ef94f94fec", "name": "Registration"},
     "contact_query": "city = @fields.city", "exclusions": {"in_a_flow": true}}

Events:

    [{"type": "session_triggered",
      "flow": {"uuid": "49a80bb1-ad31-4b9d-9d22-70ef94f94fec", "name": "Registration"},
      "contact_query": "city = \"Recife\"", "exclusions": {"in_a_flow": true},
      "run_summary": {"flow": {"uuid": "35d9b684-67e7-4fe3-90aa-70dd041d78b5", "name": "Example"},
                      "status": "active"},
      "history": {"ancestors": 1, "ancestors_since_input": 0}}]
"""

from __future__ import annotations

from typing import Any

from ...core.runtime import Runtime
from .asset_refs import dependency_error
from .base import BaseAction
from .recipients import resolve_recipients
from .run_state import current_run, is_batch


class StartSession(BaseAction):
    type = "start_session"
    required = ("flow",)

    def execute(self, rt: Runtime) -> None:
        ref = self.data["flow"]
        flow = self._flow(rt, ref.get("uuid"))
        if flow is None:
            dependency_error(rt, "flow", ref)
            return
        if is_batch(rt) and (self.data.get("groups") or self.data.get("contact_query")):
            rt.error("Can't start new sessions for groups or queries during batch starts")
            return
        groups, contacts, query, urns = resolve_recipients(rt, self.data)
        create = bool(self.data.get("create_contact"))
        if not (groups or contacts or query or urns or create):
            return
        run = current_run(rt)
        exclusions = (
            {"in_a_flow": True} if (self.data.get("exclusions") or {}).get("in_a_flow") else {}
        )
        contact = rt.session.contact
        contact_json = contact.to_json() if hasattr(contact, "to_json") else dict(contact or {})
        rt.new_event(
            "session_triggered",
            flow={"uuid": flow.uuid, "name": flow.name},
            groups=groups or None,
            contacts=contacts or None,
            contact_query=query or None,
            exclusions=exclusions,
            create_contact=True if create else None,
            urns=urns or None,
            run_summary={
                "uuid": run.uuid,
                "flow": run.flow.ref,
                "contact": contact_json,
                "status": run.status,
                "results": {k: dict(v) for k, v in run.results.items()},
            },
            history=self._history(rt),
        )

    @staticmethod
    def _flow(rt: Runtime, uuid: str | None) -> Any:
        if not uuid or rt.assets is None:
            return None
        try:
            return rt.assets.flow(uuid)
        except Exception:  # a missing or unreadable flow is a missing dependency here
            return None

    @staticmethod
    def _history(rt: Runtime) -> dict[str, Any]:
        previous = (rt.session.trigger or {}).get("history") or {}
        since_input = 0 if rt.session.input else int(previous.get("ancestors_since_input", 0)) + 1
        return {
            "parent_uuid": rt.session.uuid,
            "ancestors": int(previous.get("ancestors", 0)) + 1,
            "ancestors_since_input": since_input,
        }
