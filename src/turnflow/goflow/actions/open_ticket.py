"""Opens a support ticket for the contact on a topic, optionally assigned to a user and with
a note (a contact has at most one open ticket).

Example:

    {"type": "open_ticket", "uuid": "...",
     "topic": {"uuid": "f65d210c-0260-4075-9b4b-d8774cbbcfe1", "name": "Billing"},
     "assignee": {"uuid": "a3cebba4-eead-4798-b6e7-f5bde7ffcb4b", "name": "Mia"},
     "note": "@contact.name asked about an invoice"}

Events:

    [{"type": "ticket_opened",
      "ticket": {"status": "open",
                 "topic": {"uuid": "f65d210c-0260-4075-9b4b-d8774cbbcfe1", "name": "Billing"},
                 "assignee": {"uuid": "a3cebba4-eead-4798-b6e7-f5bde7ffcb4b", "name": "Mia"}}},
     {"type": "ticket_note_added", "note": "Ana Souza asked about an invoice"}]
"""

from __future__ import annotations

from typing import Any

from ...core.runtime import Runtime
from ..contact import ContactAssets
from ..modifiers import ModifierContext, apply_modifier
from .asset_refs import asset_items, dependency_error, find_asset, ref_of
from .base import BaseAction
from .run_state import current_run, is_batch


def _contact_assets(rt: Runtime) -> Any:
    return ContactAssets(
        asset_items(rt, "fields"), asset_items(rt, "groups"), asset_items(rt, "channels")
    )


def apply_contact_modifier(rt: Runtime, modifier: dict[str, Any]) -> bool:
    """Apply a contact modifier, its events going to the sprint."""
    ctx = ModifierContext(rt.env, _contact_assets(rt), rt.events, log=rt.emitted)
    return apply_modifier(ctx, rt.session.contact, modifier)


class OpenTicket(BaseAction):
    type = "open_ticket"

    def execute(self, rt: Runtime) -> None:
        run = current_run(rt)
        run.locals["_new_ticket"] = ""
        if is_batch(rt):
            rt.error("Can't open tickets during batch starts")
            return
        topic_ref = self.data.get("topic")
        if topic_ref:
            topic = find_asset(rt, "topics", topic_ref.get("uuid"))
            if topic is None:
                dependency_error(rt, "topic", topic_ref)
                return
        else:
            topics = asset_items(rt, "topics")
            topic = next(
                (t for t in topics if t.get("name") == "General"), topics[0] if topics else None
            )
        contact = rt.session.contact
        if getattr(contact, "open_tickets", lambda: [])():
            return  # one open ticket at a time
        assignee = self._assignee(rt)
        note = rt.evaluate(self.data.get("note") or "") if self.data.get("note") else ""
        modifier = {
            "type": "ticket_open",
            "topic": ref_of(topic) if topic else None,
            "assignee": assignee,
            "note": note,
        }
        before = len(getattr(contact, "tickets", []))
        apply_contact_modifier(rt, modifier)
        tickets = getattr(contact, "tickets", [])
        if len(tickets) > before:
            run.locals["_new_ticket"] = tickets[-1]["uuid"]

    def _assignee(self, rt: Runtime) -> dict[str, Any] | None:
        ref = self.data.get("assignee")
        if not ref:
            return None
        if ref.get("uuid"):
            user = find_asset(rt, "users", ref["uuid"])
            if user is None:
                dependency_error(rt, "user", ref)
                return None
            return ref_of(user)
        email = rt.evaluate(ref.get("email") or "")
        user = next(
            (u for u in asset_items(rt, "users") if u.get("email", "").lower() == email.lower()),
            None,
        )
        if user is None:
            rt.error(
                f"No such user with email '{email}'", code="user:missing", extra={"email": email}
            )
            return None
        return ref_of(user)
