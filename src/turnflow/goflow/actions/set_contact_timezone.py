"""Changes the contact's timezone to an IANA name such as ``Africa/Kigali`` (an empty one
clears it).

Example:

    {"type": "set_contact_timezone", "uuid": "...", "timezone": "America/Sao_Paulo"}

Events:

    [{"type": "contact_timezone_changed", "timezone": "America/Sao_Paulo"}]
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...core.runtime import Runtime
from .base import BaseAction, evaluate_checked
from .contact import modify


def is_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # (OSError: a name too long)
        return False
    return True


class SetContactTimezone(BaseAction):
    type = "set_contact_timezone"

    def execute(self, rt: Runtime) -> None:
        timezone, ok = evaluate_checked(rt, self.data.get("timezone", ""))
        if not ok:
            return
        timezone = timezone.strip()
        if timezone and not is_timezone(timezone):
            rt.error(
                f"Unrecognized timezone: '{timezone}'", code="timezone:invalid",
                extra={"timezone": timezone},
            )  # fmt: skip
            return
        modify(rt, {"type": "timezone", "timezone": timezone})
