"""The ``schedule`` action: a message the engine injects later, once or every so often, as if
it had come in (through the engine's clock: :meth:`KataEngine.due` lists what is due,
:meth:`KataEngine.fire_due` converses with it).

Options: ``id``; ``command``: ``add`` (an ``add`` with an id that exists replaces it) or
``remove``; ``message`` (default: a command message named by the id); ``start`` (when it is
first due: a time in ms since 1970, or a date-time text such as ``2017-08-02 00:00:00``,
read in the bot's ``timezone`` (hours from UTC; UTC if none); default: now); ``end`` (no
more after it); ``freqType`` (second, minute, hour, day, week, month (30 days), year
(365 days)) and ``freqInterval`` (how many of them): it repeats.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..expressions import Value
from ..js import JsHost, to_js_string
from ..runtime_errors import KataRuntimeError
from ..session import KataConversation, Schedule

if TYPE_CHECKING:
    from ...core.runtime import Runtime
    from .base import StateActionStep

_SECOND = 1_000_000_000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
FREQUENCIES = {
    "second": _SECOND, "minute": 60 * _SECOND, "hour": 3600 * _SECOND,
    "day": 86400 * _SECOND, "week": 7 * 86400 * _SECOND, "month": 30 * 86400 * _SECOND,
    "year": 365 * 86400 * _SECOND,
}  # fmt: skip


class ScheduleAction:
    def __init__(self, options: dict[str, Any], method: str | None, where: Any, what: str,
                 host: JsHost | None = None) -> None:
        self.where, self.what = where, what
        self.options = Value(options, where, f"{what} options", host)

    def run(self, rt: Runtime, step: StateActionStep, scope: dict[str, Any]) -> None:
        options = self.options.render(scope, rt.family.calls_of(rt.run))
        conversation = rt.session
        assert isinstance(conversation, KataConversation)
        ident = options.get("id")
        if ident is None or ident == "":
            raise KataRuntimeError(f"{self.what}: a schedule needs its id", self.where)
        ident = to_js_string(ident)
        command = options.get("command", "add")
        kept = [s for s in conversation.schedules if s.id != ident]
        if command == "remove":
            conversation.schedules = kept
            return
        if command != "add":
            raise KataRuntimeError(f"{self.what}: a schedule's command is add or remove, not "
                                   f"{command!r}", self.where)
        message = options.get("message")
        if message is None:
            message = {"type": "command", "content": ident}
        if not isinstance(message, dict) or message.get("type") not in ("text", "data",
                                                                        "command"):
            raise KataRuntimeError(f"{self.what}: a schedule's message is a message "
                                   "{type, content, payload}", self.where)
        timezone = rt.family.bot.timezone
        now = rt.now_ns()
        start = self.time(options.get("start"), timezone, "start")
        end = self.time(options.get("end"), timezone, "end")
        every = 0
        frequency = options.get("freqType")
        if frequency is not None:
            unit = FREQUENCIES.get(str(frequency))
            interval = options.get("freqInterval", 1)
            if unit is None or isinstance(interval, bool) or not isinstance(
                    interval, (int, float)) or interval <= 0:
                raise KataRuntimeError(
                    f"{self.what}: freqType is one of {', '.join(FREQUENCIES)} and "
                    "freqInterval a number above 0", self.where)
            every = round(unit * interval)
        kept.append(Schedule(ident, message, start if start is not None else now, every,
                             end or 0))
        conversation.schedules = kept

    def time(self, value: Any, timezone: float | None, what: str) -> int | None:
        """A time option in ns since 1970 (None when not given)."""
        if value is None or value == "":
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return round(value * 1_000_000)
        if isinstance(value, str):
            text = value.strip().replace(" ", "T", 1)
            try:
                moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                moment = None
            if moment is not None:
                if moment.tzinfo is None:
                    offset = dt.timedelta(hours=timezone or 0)
                    moment = moment.replace(tzinfo=dt.timezone(offset))
                delta = moment - _EPOCH
                return (delta.days * 86400 + delta.seconds) * _SECOND + delta.microseconds * 1000
        raise KataRuntimeError(f"{self.what}: {what} {value!r} is not a time (ms since 1970, "
                               "or a date and time such as 2017-08-02 00:00:00)", self.where)
