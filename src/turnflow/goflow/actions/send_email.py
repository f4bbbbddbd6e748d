"""Sends an email (addresses, subject and body are templates) through the email service.

Example:

    {"type": "send_email", "uuid": "...", "addresses": ["support@example.com"],
     "subject": "New member: @contact.name",
     "body": "@contact.name (@(format_urn(contact.urn))) wants to join."}

Events:

    [{"type": "email_sent", "to": ["support@example.com"], "subject": "New member: Ana Souza",
      "body": "Ana Souza ((206) 555-1212) wants to join."}]
"""

from __future__ import annotations

import re

from ...core.runtime import Runtime
from .. import services as svc
from .base import BaseAction
from .service_lookup import service


class SendEmail(BaseAction):
    type = "send_email"
    required = ("addresses", "subject", "body")

    def execute(self, rt: Runtime) -> None:
        addresses = []
        for template in self.data.get("addresses") or []:
            address = rt.evaluate(template).strip().removeprefix("mailto:")
            if not address:
                rt.error("Email address evaluated to empty string, skipping")
                continue
            addresses.append(address)
        subject = rt.evaluate(self.localized(rt, "subject", self.data.get("subject", "")))
        subject = re.sub(r"\s+", " ", subject).strip()
        if not subject:
            rt.error("Email subject evaluated to empty string, skipping")
            return
        body = rt.evaluate(self.localized(rt, "body", self.data.get("body", "")))
        if not body:
            rt.error("Email body evaluated to empty string, skipping")
            return
        if not addresses:
            return
        email = service(rt, "email")
        if email is None:
            rt.error("Unable to send email: no email service is configured")
            return
        try:
            email.send(addresses, subject, body)
        except svc.ServiceError as exc:
            rt.error(f"Unable to send email: {exc}")
            return
        rt.new_event("email_sent", to=addresses, subject=subject, body=body)
