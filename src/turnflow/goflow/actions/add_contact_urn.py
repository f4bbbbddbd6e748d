"""Adds a URN to the contact (a phone number is normalized for the contact's country
first); adding one the contact already has changes nothing.

Example:

    {"type": "add_contact_urn", "uuid": "...", "scheme": "tel", "path": "(206) 555-0199"}

Events:

    [{"type": "contact_urns_changed", "urns": ["tel:+12065551212", "tel:+12065550199"]}]
"""

from __future__ import annotations

import re

import phonenumbers

from ...core.runtime import Runtime
from ..contact import Contact, normalize_urn, urn_error, urn_identity
from .base import BaseAction
from .contact import modify
from .message_route import merged_country

HAS_URN_LOCAL = "_has_urn"  # add_contact_urn leaves the URN it made sure of here ('' if none)


# Off until ended runs stop serializing their locals (goflow's runner sessions never show them;
# see /work/notes/requests.md): turning it on passes add_contact_urn[1-5] in the actions data set.
SET_HAS_URN_LOCAL = True


_NON_TEL = re.compile(r"[^0-9A-Za-z]")


def parse_phone(raw: str, country: str) -> str:
    """A phone number path as goflow stores it: E.164 when it parses as a possible number for
    the country, a national short code when it is one, else the cleaned digits."""
    raw = raw.strip()
    plus = raw.startswith("+")
    raw = ("+" if plus else "") + _NON_TEL.sub("", raw)
    if len(raw) >= 11 and not raw.startswith(("0", "+")):
        raw = "+" + raw
    try:
        number = phonenumbers.parse(raw, country.upper() or None)
    except phonenumbers.NumberParseException:
        return raw
    if (
        phonenumbers.is_possible_number_with_reason(number)
        == phonenumbers.ValidationResult.IS_POSSIBLE
    ):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if country and phonenumbers.is_possible_short_number_for_region(number, country.upper()):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return raw


class AddContactUrn(BaseAction):
    type = "add_contact_urn"
    required = ("scheme", "path")

    def execute(self, rt: Runtime) -> None:
        path = rt.evaluate(self.data["path"]).strip()
        if not path:
            rt.error("Can't add URN with empty path")
            return
        scheme = self.data["scheme"]
        if scheme == "tel":
            path = parse_phone(path, merged_country(rt))
        urn = normalize_urn(f"{scheme}:{path}")
        modify(rt, {"type": "urns", "urns": [urn], "modification": "append"})
        contact = rt.session.contact
        has = urn_error(urn) is None and isinstance(contact, Contact) and contact.has_urn(urn)
        if SET_HAS_URN_LOCAL and rt.run is not None:
            rt.run.locals[HAS_URN_LOCAL] = urn_identity(urn) if has else ""
