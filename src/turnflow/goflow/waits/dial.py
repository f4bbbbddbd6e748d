"""The ``dial`` wait (voice flows) forwards the call to a phone number (a template, dialled in
E.164 form) and waits for the dial's outcome as its input; a number that can't be dialled is
an ``error`` event, and the router routes on at once.

Example:

    {"type": "dial", "phone": "1 (206) 555-0188", "dial_limit_seconds": 60,
     "call_limit_seconds": 300}

Events:

    [{"type": "dial_wait", "urn": "tel:+12065550188", "dial_limit_seconds": 60,
      "call_limit_seconds": 300}]

>>> e164("1(206)5551212", "US")
'+12065551212'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import phonenumbers

from ...core.graph import Node
from ...core.runtime import Runtime
from ...core.session import Run
from ...generators import format_rfc3339_nano
from .msg import Timeout

# goflow's defaults
DIAL_LIMIT_SECONDS = 60
CALL_LIMIT_SECONDS = 7200


@dataclass(frozen=True, slots=True)
class DialWait:
    type: ClassVar[str] = "dial"
    phone: str = ""  # a template
    timeout: Timeout | None = None
    dial_limit_seconds: int | None = None
    call_limit_seconds: int | None = None

    def arrive(self, rt: Runtime, run: Run) -> bool:
        """Whether the run waits here: only when the number can be dialled (it is kept for
        :meth:`begin` in the sprint's state)."""
        phone = e164(rt.evaluate(self.phone or ""), rt.env.default_country)
        if phone is None:
            rt.error("not a possible number")  # and route straight on, as goflow does
            return False
        rt.state.dial_phone = phone
        return True

    def begin(self, rt: Runtime, run: Run, node: Node) -> None:
        phone, rt.state.dial_phone = rt.state.dial_phone, None
        dial_limit = self.dial_limit_seconds or DIAL_LIMIT_SECONDS
        call_limit = self.call_limit_seconds or CALL_LIMIT_SECONDS
        # the flow mustn't expire while the contact is on the forwarded call
        expires = rt.now().add((dial_limit + call_limit + 30) * 1_000_000_000)
        run.expires_on = expires
        rt.new_event(
            "dial_wait",
            urn=f"tel:{phone}",
            dial_limit_seconds=dial_limit,
            call_limit_seconds=call_limit,
            expires_on=format_rfc3339_nano(expires),
        )


def e164(text: str, country: str) -> str | None:
    """A phone number in E.164 form, or None if it isn't a possible number."""
    # as goflow's phone parsing: keep only letters and digits (and a leading +), and take a
    # long number not starting with 0 as international ("1(206)5551212" -> +12065551212)
    text = text.strip()
    plus = text.startswith("+")
    text = re.sub(r"[^0-9A-Za-z]", "", text)
    if plus or (len(text) >= 11 and not text.startswith("0")):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, country or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
