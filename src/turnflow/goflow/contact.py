"""goflow's contact: identity, URNs with channel affinity, typed field values, groups, tickets.

``Contact.from_json`` / ``Contact.to_json`` read and write goflow's contact JSON exactly (the
shape sessions, modifiers and the runner fixtures use). Field values keep goflow's
``{"text", "number", "datetime", "state", "district", "ward"}`` shape; a new value typed in as
text is parsed into those parts by :func:`parse_field_value`, as goflow does. The workspace
assets a contact needs (fields, groups, channels) come as plain JSON lists in
:class:`ContactAssets`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, quote

from ..errors import TurnflowError
from ..expressions.dates import go_parse, parse_date_parts, parse_datetime_text, parse_time_of_day
from ..expressions.environment import Environment
from ..expressions.functions.misc import format_urn_text
from ..expressions.locations import DISTRICT, STATE, WARD, LocationHierarchy
from ..expressions.numbers import parse_decimal
from ..expressions.values import Lazy, XObject, XValue, datetime_text, deprecated
from ..expressions.words import tokenize
from ..generators import NanoTime
from . import contactql
from .context import (
    channel_context,
    contact_ref,
    fields_context,
    group_context,
    parse_iso_datetime,
    ticket_context,
    urn_context_text,
)

STATUSES = ("active", "blocked", "stopped", "archived")
MAX_CONTACT_URNS = 50
MAX_NAME_LENGTH = 128
MAX_VALUE_LENGTH = 256  # goflow's default env.MaxValueLength
PORTABLE_SCHEMES = ("tel", "whatsapp")  # URNs any channel of the scheme can send to
LOCATION_LEVELS = {"state": STATE, "district": DISTRICT, "ward": WARD}


class ContactError(TurnflowError):
    """Contact JSON that can't be read."""


# -- URNs -------------------------------------------------------------------------------------

_ALL_DIGITS = re.compile(r"[0-9]+")
_URN_VALIDATORS: dict[str, re.Pattern[str]] = {
    "discord": _ALL_DIGITS, "instagram": _ALL_DIGITS, "jiochat": _ALL_DIGITS,
    "telegram": _ALL_DIGITS, "twitterid": _ALL_DIGITS, "whatsapp": _ALL_DIGITS,
    "mailto": re.compile(r"[^\s@]+@[^\s@]+"),
    "freshchat": re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}/"
                            r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"),
    "viber": re.compile(r"[a-zA-Z0-9_=/+]{1,24}"),
    "line": re.compile(r"[a-zA-Z0-9_]{1,36}"),
    "tel": re.compile(r"\+?\d{1,64}"),
    "twitter": re.compile(r"[a-zA-Z0-9_]{1,15}"),
    "webchat": re.compile(r"[a-zA-Z0-9]{24}(:[^\s@]+@[^\s@]+)?"),
}  # fmt: skip


_intern = sys.intern


def split_urn(urn: str) -> tuple[str, str, str, str]:
    """``scheme:path?query#display`` -> its four parts (empty where absent)."""
    scheme, _, path = urn.partition(":")
    # most URNs have neither part: a search for each costs less than a partition
    display = query = ""
    if "#" in path:
        path, _, display = path.partition("#")
    if "?" in path:
        path, _, query = path.partition("?")
    return scheme, path, query, display


def join_urn(scheme: str, path: str, query: str = "", display: str = "") -> str:
    text = f"{scheme}:{path}"
    if query:
        text += "?" + query
    if display:
        text += "#" + display
    return text


def normalize_urn(urn: str) -> str:
    """goflow's canonical form: trimmed path, tel numbers reduced to digits (and a leading +),
    handles and emails lower-cased."""
    scheme, path, query, display = split_urn(urn)
    path = path.strip()
    if scheme == "tel":
        plus = path.startswith("+")
        path = re.sub(r"[^0-9A-Za-z]", "", path).upper()
        path = "+" + path if plus else path
    elif scheme == "twitter":
        path = path.lower().removeprefix("@")
    elif scheme == "mailto":
        path = path.lower()
    return join_urn(scheme, path, query, display)


def urn_error(urn: str) -> str | None:
    """Why ``urn`` isn't a valid URN, or None."""
    scheme, path, _, display = split_urn(urn)
    if not scheme or not path:
        return "scheme or path cannot be empty"
    if scheme not in contactql.URN_SCHEMES:
        return "unknown URN scheme"
    if len(path) > 255:
        return "path component too long"
    pattern = _URN_VALIDATORS.get(scheme)
    if pattern is not None and not pattern.fullmatch(path):
        if not (scheme == "facebook" and path.startswith("ref:")):
            return "invalid path component"
    if scheme == "facebook" and not (path.startswith("ref:") or _ALL_DIGITS.fullmatch(path)):
        return "invalid path component"
    if len(display) > 255:
        return "display component too long"
    return None


def urn_identity(urn: str) -> str:
    scheme, path, _, _ = split_urn(urn)
    return f"{scheme}:{path}"


@dataclass(slots=True)
class ContactURN:
    """One of a contact's URNs, with the channel (UUID) it prefers, if any (slotted: every
    waiting session's contact holds its URNs)."""

    scheme: str
    path: str
    display: str = ""
    channel: str | None = None

    @classmethod
    def parse(cls, urn: str) -> ContactURN:
        scheme, path, query, display = split_urn(urn)
        channel = (parse_qs(query).get("channel") or [None])[0] if query else None
        # a few schemes among all contacts' URNs: one string each, not one per URN
        return cls(_intern(scheme), path, display, channel)

    @property
    def identity(self) -> str:
        return f"{self.scheme}:{self.path}"

    def encode(self) -> str:
        if not self.channel and not self.display:  # the usual URN: what join_urn makes of it
            return f"{self.scheme}:{self.path}"
        query = "channel=" + quote(self.channel, safe="-") if self.channel else ""
        return join_urn(self.scheme, self.path, query, self.display)


def _check_shape(data: Mapping[str, Any]) -> None:
    """Refuse contact JSON whose parts have the wrong type (a ``urns`` string would be read
    letter by letter), naming the part."""
    # (every contact read is checked: the exact types JSON gives are tested first, as they
    # cost less than isinstance, and much less than an ABC's isinstance)
    get = data.get
    for key in _TEXT_KEYS:
        value = get(key)
        if value is not None and type(value) is not str and not isinstance(value, str):
            raise ContactError(f"contact.{key}: expected a string")
    number = get("id")
    if number is not None and (
        isinstance(number, bool) or not isinstance(number, int) or not 0 <= number < 2**63
    ):
        raise ContactError("contact.id: expected a positive integer")
    for key, exact, kind, what in _LIST_PARTS:
        items = get(key)
        if items is None:
            continue
        if type(items) is not list and not isinstance(items, list):
            raise ContactError(f"contact.{key}: expected an array")
        for index, item in enumerate(items):
            if type(item) is not exact and not isinstance(item, kind):
                raise ContactError(f"contact.{key}[{index}]: expected {what}")
    fields = get("fields")
    if fields is None:
        return
    if type(fields) is not dict and not isinstance(fields, Mapping):
        raise ContactError("contact.fields: expected an object")
    for key, value in fields.items():
        if value is None:
            continue
        if type(value) is not dict and not isinstance(value, Mapping):
            raise ContactError(f"contact.fields.{key}: expected an object")
        for part, item in value.items():
            if item is None:
                continue
            if part == "number":
                if isinstance(item, bool) or not isinstance(item, int | float | Decimal | str):
                    raise ContactError(f"contact.fields.{key}.number: expected a number")
                try:
                    if not Decimal(str(item)).is_finite():
                        raise ValueError
                except (ArithmeticError, ValueError):
                    raise ContactError(f"contact.fields.{key}.number: expected a number") from None
            elif part in _FIELD_TEXT_PARTS and not isinstance(item, str):
                raise ContactError(f"contact.fields.{key}.{part}: expected a string")


# the list parts: their key, the type JSON gives their items, the type they must have
_LIST_PARTS = (
    ("urns", str, str, "a URN"),
    ("groups", dict, Mapping, "an object"),
    ("tickets", dict, Mapping, "an object"),
)
_FIELD_TEXT_PARTS = ("text", "datetime", "state", "district", "ward")
_TEXT_KEYS = ("uuid", "created_on", "name", "language", "status", "timezone", "last_seen_on")


# -- assets -----------------------------------------------------------------------------------


@dataclass
class ContactAssets:
    """The workspace assets contacts refer to, as goflow asset JSON lists."""

    fields: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    channels: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ContactAssets:
        data = data or {}
        return cls(
            list(data.get("fields") or []),
            list(data.get("groups") or []),
            list(data.get("channels") or []),
        )

    def field(self, key: str) -> dict[str, Any] | None:
        return next((f for f in self.fields if f.get("key") == key), None)

    def group(self, uuid: str) -> dict[str, Any] | None:
        return next((g for g in self.groups if g.get("uuid") == uuid), None)

    def channel(self, uuid: str | None) -> dict[str, Any] | None:
        return next((c for c in self.channels if c.get("uuid") == uuid), None) if uuid else None

    def field_types(self) -> dict[str, str]:
        return {f["key"]: f.get("type", "text") for f in self.fields}


def group_ref(group: Mapping[str, Any]) -> dict[str, Any]:
    return {"uuid": group["uuid"], "name": group.get("name", "")}


def channel_can_send(channel: Mapping[str, Any]) -> bool:
    return "send" in (channel.get("roles") or [])


def channel_supports(channel: Mapping[str, Any], scheme: str) -> bool:
    return scheme in (channel.get("schemes") or [])


# -- field values -----------------------------------------------------------------------------


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def read_value(data: Mapping[str, Any]) -> dict[str, Any]:
    """A field value from JSON; numbers become Decimals, datetimes stay as written."""
    value = {k: v for k, v in data.items() if v not in (None, "") or k == "text"}
    if "number" in value:
        value["number"] = _number(value["number"])
    value.setdefault("text", "")
    return value


def values_equal(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    if a is None or b is None:
        return a is b
    if a.get("text") != b.get("text") or _number(a.get("number")) != _number(b.get("number")):
        return False
    da, db = a.get("datetime"), b.get("datetime")
    if (da is None) != (db is None):
        return False
    if da is not None and NanoTime.parse(da) != NanoTime.parse(db):
        return False
    return all(a.get(k) == b.get(k) for k in ("state", "district", "ward"))


def _is_iso(env: Environment, text: str) -> tuple[bool, bool]:
    """Whether ``text`` is an ISO datetime, and whether it starts with an ISO date."""
    text = text.strip(" \n\r\t")
    for layout in ("2006-01-02T15:04:05Z07:00", "2006-01-02T15:04Z07:00"):
        if not isinstance(go_parse(layout, text, env.timezone), str):
            return True, True
    parsed = go_parse("2006-01-02", text[:10])
    return False, not isinstance(parsed, str)


def _has_time(env: Environment, text: str) -> bool:
    found = parse_date_parts(env, text)
    return found is not None and parse_time_of_day(found[1]) is not None


_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})$")


def normalize_timestamp(text: str) -> str:
    """A JSON timestamp as Go re-marshals it: fraction zeros trimmed, a zero offset as Z."""
    try:
        instant = NanoTime.parse(text)
    except ValueError:
        return text
    match = _OFFSET.search(text)
    tz = dt.UTC
    if match:
        seconds = int(match.group(2)) * 3600 + int(match.group(3)) * 60
        tz = dt.timezone(dt.timedelta(seconds=-seconds if match.group(1) == "-" else seconds))
    return instant.format(tz=tz)


def format_datetime_json(value: dt.datetime) -> str:
    """goflow's JSON of a datetime value: ISO 8601 with microseconds, ``Z`` for UTC."""
    return datetime_text(value)


def parse_field_value(
    env: Environment,
    field_type: str,
    raw: str,
    fields: Mapping[str, Mapping[str, Any]] | None = None,
    assets: ContactAssets | None = None,
) -> dict[str, Any] | None:
    """A new field value typed in as text, parsed into goflow's value parts (None for "")."""
    if raw == "":
        return None
    value: dict[str, Any] = {"text": raw}
    number = parse_decimal(env, raw)
    when = _parse_datetime_filled(env, raw)
    if when is not None:
        value["datetime"] = format_datetime_json(when)
    if number is not None:
        value["number"] = number
    location = _parse_location(env, field_type, raw, fields or {}, assets)
    if location is not None:
        chain = []
        while location is not None and location.level >= STATE:
            chain.append(location)
            location = location.parent
        for loc in reversed(chain):
            value[{STATE: "state", DISTRICT: "district", WARD: "ward"}[loc.level]] = loc.path
    return value


def _parse_datetime_filled(env: Environment, text: str) -> dt.datetime | None:
    iso_datetime, iso_date = _is_iso(env, text)
    if iso_datetime:
        return parse_datetime_text(env, text)
    clock = env.now
    if not iso_date:
        year_now = clock()  # goflow reads the clock for the current year here
        env = dataclasses.replace(env, now=lambda: year_now)
    result = parse_datetime_text(env, text)
    if result is None or _has_time(env, text):
        return result
    now = clock().astimezone(env.timezone)  # no time of day given: goflow fills in now's
    return result.replace(
        hour=now.hour, minute=now.minute, second=now.second, microsecond=now.microsecond
    )


def _parse_location(
    env: Environment,
    field_type: str,
    raw: str,
    fields: Mapping[str, Mapping[str, Any]],
    assets: ContactAssets | None,
) -> Any:
    hierarchy = LocationHierarchy.coerce(env.locations) if env.locations is not None else None
    if hierarchy is None:
        return None
    if ">" in raw:
        return hierarchy.find_by_path(raw)
    level = LOCATION_LEVELS.get(field_type)
    if level is None:
        return None
    parent = None
    if level > STATE:
        parent_type = "state" if level == DISTRICT else "district"
        parent_field = next(
            (f for f in (assets.fields if assets else []) if f.get("type") == parent_type), None
        )
        parent_value = fields.get(parent_field["key"]) if parent_field else None
        parent_path = (parent_value or {}).get(parent_type)
        parent = hierarchy.find_by_path(parent_path) if parent_path else None
        if parent is None:
            return None
    matches = hierarchy.find_fuzzy(raw, level, parent)
    return matches[0] if matches else None


def typed_query_value(field_type: str, value: Mapping[str, Any] | None) -> Any:
    """A field value as contact queries see it (location fields by name, not path)."""
    if not value:
        return None
    if field_type == "number":
        return _number(value.get("number"))
    if field_type == "datetime":
        return parse_iso_datetime(value["datetime"]) if value.get("datetime") else None
    if field_type in LOCATION_LEVELS:
        path = value.get(field_type)
        return path.split(">")[-1].strip() if path else None
    return value.get("text")


# -- the contact ------------------------------------------------------------------------------


@dataclass(slots=True)
class Contact:
    uuid: str
    created_on: str
    id: int = 0
    name: str = ""
    language: str = ""
    status: str = "active"
    timezone: str = ""
    last_seen_on: str | None = None
    urns: list[ContactURN] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)  # {"uuid", "name"} in order
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    tickets: list[dict[str, Any]] = field(default_factory=list)
    # the last @contact built, with what it was built for (see cached_context)
    _context: tuple[tuple[Any, ...], XObject] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    # the last message route worked out, after what it was worked out for: (assets,
    # environment, its default country, country, URN, channel) (see message_route)
    _route: tuple[Any, ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    # slotted: a waiting session holds its contact, and a __dict__ of its 14 attributes is
    # the largest part of a session's memory
    def __setattr__(self, name: str, value: Any) -> None:
        _set_attr(self, name, value)
        if name == "last_seen_on":
            cached = _cached_context(self)
            if cached is not None:
                # every incoming message sets it: keep the rest of the cached @contact
                key, obj = cached
                _set_attr(self, "_context", (key, _with_last_seen(obj, self)))
        elif name != "_context" and name != "_route":
            _set_attr(self, "_context", None)
            _set_attr(self, "_route", None)

    def changed(self) -> None:
        """Drop what was derived from the contact after a change made in place (a field
        value, a URN's channel, a ticket): assignments to its attributes do it themselves."""
        object.__setattr__(self, "_context", None)
        object.__setattr__(self, "_route", None)

    def release_context(self) -> None:
        """Forget the cached ``@contact`` (it refers back to the contact; a finished session
        lets it go so that neither waits for the garbage collector)."""
        object.__setattr__(self, "_context", None)

    def cached_context(self, key: tuple[Any, ...], build: Callable[[], XObject]) -> XObject:
        """The ``@contact`` object ``build()`` makes, kept while the contact doesn't change and
        ``key`` (what it depends on: assets, environment...) holds the same objects."""
        cached = self._context
        if cached is not None:
            old_key, obj = cached
            if _same_objects(old_key, key):
                return obj
        obj = build()
        object.__setattr__(self, "_context", (key, obj))
        return obj

    # -- JSON ---------------------------------------------------------------------------------

    @classmethod
    def from_json(cls, data: Mapping[str, Any], assets: ContactAssets | None = None) -> Contact:
        """Read goflow contact JSON. With ``assets``, groups and field values the workspace
        doesn't have are dropped, as goflow does."""
        if type(data) is not dict and not isinstance(data, Mapping):  # (a dict: no ABC check)
            raise ContactError("contact: expected an object")
        get = data.get
        uuid = get("uuid")
        if not uuid:
            raise ContactError("contact.uuid: is required")
        created_on = get("created_on")
        if not created_on:
            raise ContactError("contact.created_on: is required")
        _check_shape(data)
        status = get("status") or "active"
        if status not in STATUSES:
            raise ContactError(f"contact.status: '{status}' is not a valid contact status")
        # (groups and fields are often absent or empty: their loops only when they are not)
        groups = []
        group_refs = get("groups")
        if group_refs:
            for i, ref in enumerate(group_refs):
                if not isinstance(ref, Mapping) or not ref.get("uuid"):
                    raise ContactError(f"contact.groups[{i}]: expected a group reference")
                asset = assets.group(ref["uuid"]) if assets else ref
                if asset is not None:
                    groups.append(group_ref(asset))
        fields = {}
        field_values = get("fields")
        if field_values:
            for key, value in field_values.items():
                if value is None or (assets is not None and assets.field(key) is None):
                    continue
                parsed = read_value(value)
                if parsed.get("text") != "":
                    fields[key] = parsed
        urns = get("urns")
        tickets = get("tickets")
        number = int(get("id") or 0)
        name = get("name") or ""
        language = get("language") or ""
        timezone = get("timezone") or ""
        last_seen_on = get("last_seen_on") or None
        urn_list = []
        for urn in urns or ():  # (a loop: a list comprehension is one more call)
            urn_list.append(ContactURN.parse(urn))
        ticket_list = [dict(t) for t in tickets] if tickets else []
        if cls is not Contact:
            return cls(
                uuid=uuid, created_on=created_on, id=number, name=name, language=language,
                status=status, timezone=timezone, last_seen_on=last_seen_on, urns=urn_list,
                groups=groups, fields=fields, tickets=ticket_list,
            )
        # what the dataclass's __init__ makes, without Contact.__setattr__'s work per field
        # (a contact is read for every session): the attributes are set on a plain object of
        # the same layout, which then becomes the Contact
        contact = _ContactSlots()
        contact.uuid = uuid
        contact.created_on = created_on
        contact.id = number
        contact.name = name
        contact.language = language
        contact.status = status
        contact.timezone = timezone
        contact.last_seen_on = last_seen_on
        contact.urns = urn_list
        contact.groups = groups
        contact.fields = fields
        contact.tickets = ticket_list
        contact._context = None
        contact._route = None
        contact.__class__ = Contact
        return contact  # type: ignore[return-value]

    def to_json(self) -> dict[str, Any]:
        """goflow's contact JSON (empty parts omitted); numbers are Decimals (see
        :func:`json_default`)."""
        out: dict[str, Any] = {"uuid": self.uuid}
        for key, value in (
            ("id", self.id),
            ("name", self.name),
            ("language", self.language),
            ("status", self.status),
            ("timezone", self.timezone),
        ):
            if value:
                out[key] = value
        out["created_on"] = normalize_timestamp(self.created_on)
        if self.last_seen_on:
            out["last_seen_on"] = normalize_timestamp(self.last_seen_on)
        if self.urns:
            out["urns"] = self.encoded_urns()
        if self.groups:
            out["groups"] = [dict(g) for g in self.groups]
        if self.fields:
            out["fields"] = {k: dict(v) for k, v in self.fields.items()}
        if self.tickets:
            out["tickets"] = [dict(t) for t in self.tickets]
        return out

    def encoded_urns(self) -> list[str]:
        return [u.encode() for u in self.urns]

    # -- URNs ---------------------------------------------------------------------------------

    def find_urn(self, urn: str) -> int:
        identity = urn_identity(urn)
        return next((i for i, u in enumerate(self.urns) if u.identity == identity), -1)

    def has_urn(self, urn: str) -> bool:
        return self.find_urn(urn) >= 0

    # -- groups and tickets -------------------------------------------------------------------

    def in_group(self, uuid: str) -> bool:
        return any(g["uuid"] == uuid for g in self.groups)

    def add_group(self, group: Mapping[str, Any]) -> bool:
        if self.in_group(group["uuid"]):
            return False
        self.groups.append(group_ref(group))
        self.changed()
        return True

    def remove_group(self, group: Mapping[str, Any]) -> bool:
        before = len(self.groups)
        self.groups = [g for g in self.groups if g["uuid"] != group["uuid"]]
        return len(self.groups) != before

    def open_tickets(self) -> list[dict[str, Any]]:
        return [t for t in self.tickets if t.get("status", "open") == "open"]

    def ticket(self, uuid: str) -> dict[str, Any] | None:
        return next((t for t in self.tickets if t.get("uuid") == uuid), None)

    # -- queries ------------------------------------------------------------------------------

    def query_property(
        self,
        env: Environment,
        key: str,
        prop_type: str,
        field_types: Mapping[str, str] | None = None,
    ) -> list[Any]:
        """The values a contact query condition compares against (see contactql)."""
        if prop_type == contactql.ATTR:
            if key == "uuid":
                return [self.uuid]
            if key == "id":
                return [str(self.id)] if self.id else []
            if key == "ref":
                ref = contact_ref(self.id, getattr(env, "obfuscation_key", None))
                return [ref] if ref else []
            if key == "name":
                return [self.name] if self.name else []
            if key == "language":
                return [self.language] if self.language else []
            if key == "status":
                return [self.status]
            if key == "urn":
                return [u.path for u in self.urns]
            if key == "group":
                return [g["name"] for g in self.groups]
            if key == "tickets":
                return [Decimal(len(self.open_tickets()))]
            if key == "created_on":
                return [parse_iso_datetime(self.created_on)]
            if key == "last_seen_on":
                return [parse_iso_datetime(self.last_seen_on)] if self.last_seen_on else []
            return []
        if prop_type == contactql.URN:
            return [u.path for u in self.urns if u.scheme == key]
        field_type = (field_types or {}).get(key, "text")
        value = typed_query_value(field_type, self.fields.get(key))
        return [] if value is None else [value]

    def matches(
        self, env: Environment, query: contactql.ContactQuery, assets: ContactAssets | None = None
    ) -> bool:
        types = assets.field_types() if assets else {}
        bound = _BoundContact(self, types)
        return query.evaluate(env, bound)

    # -- context ------------------------------------------------------------------------------

    def context(
        self,
        env: Environment,
        field_assets: Sequence[Mapping[str, Any]],
        redact: bool = False,
        channels: Sequence[Mapping[str, Any]] = (),
        *,
        users: Sequence[Mapping[str, Any]] = (),
        on_deprecated: Callable[[str], None] | None = None,
    ) -> XObject:
        """``@contact``: renders as the name (or the preferred URN, or the id when URNs are
        redacted). ``on_deprecated(text)`` is told when a template reads a deprecated property
        (``id``, ``tickets``)."""
        redact = redact or env.redaction_policy == "urns"
        if self.name:
            default = self.name
        elif redact:
            default = str(self.id)
        else:
            first = self.urns[0] if self.urns else None
            default = format_urn_text(first.scheme, first.path, first.display) if first else ""
        # the URN properties are worked out when a template first reads one (most read only
        # the name): the object is dropped when the contact changes, so they see this state
        preferred = Lazy(lambda: self.preferred_urn(channels))

        def urn() -> XValue:
            found = preferred.value()
            return urn_context_text(found.encode(), redact) if found else None

        def channel() -> XValue:
            found = preferred.value()
            if found is None or not channels:
                return None
            return channel_context(_channel_for_urn(found, channels))

        props: dict[str, XValue] = {
            "uuid": self.uuid,
            # (scrambling the id is work few templates ask for)
            "ref": Lazy(lambda: contact_ref(self.id, getattr(env, "obfuscation_key", None))),
            "id": deprecated(str(self.id), "@contact.id is deprecated, use @contact.ref instead"),
            "name": self.name,
            "first_name": _first_name(self.name),
            "language": self.language,
            "timezone": self.timezone or None,
            "status": self.status,
            "created_on": Lazy(lambda: parse_iso_datetime(self.created_on)),
            "last_seen_on": _last_seen_value(self),
            "urns": Lazy(lambda: [urn_context_text(u.encode(), redact) for u in self.urns]),
            "urn": Lazy(urn),
            "groups": Lazy(lambda: [group_context(g) for g in self.groups]),
            "fields": Lazy(lambda: fields_context(field_assets, self.fields)),
            "channel": Lazy(channel),
            "tickets": Lazy(
                lambda: [ticket_context(t, users) for t in self.open_tickets()],
                "@contact.tickets is deprecated, use @ticket instead",
            ),
        }
        return XObject.of_lowercase(props, default=default, on_deprecated=on_deprecated)

    def preferred_urn(self, channels: Sequence[Mapping[str, Any]] = ()) -> ContactURN | None:
        """The first URN a channel can send to (None when the workspace has no channels)."""
        for urn in self.urns:
            if _channel_for_urn(urn, channels) is not None:
                return urn
        return None


@functools.lru_cache(maxsize=1024)
def _first_name(name: str) -> str | None:
    """The first word of a name (tokenising is slow, and names recur)."""
    names = tokenize(name)
    return names[0] if names else None


def _last_seen_value(contact: Contact) -> XValue:
    seen = contact.last_seen_on
    return Lazy(lambda: parse_iso_datetime(seen)) if seen else None


def _same_objects(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Whether two cache keys hold the very same objects, in order."""
    return len(a) == len(b) and all(map(operator.is_, a, b))


def _with_last_seen(obj: XObject, contact: Contact) -> XObject:
    """A copy of a built ``@contact`` showing the contact's new ``last_seen_on``."""
    return obj.with_property("last_seen_on", _last_seen_value(contact))


def _channel_for_urn(urn: ContactURN, channels: Sequence[Mapping[str, Any]]) -> Any:
    if urn.channel:
        asset = next((c for c in channels if c.get("uuid") == urn.channel), None)
        if asset is not None and channel_can_send(asset) and channel_supports(asset, urn.scheme):
            return asset
    return next(
        (c for c in channels if channel_can_send(c) and channel_supports(c, urn.scheme)), None
    )


class _ContactSlots:
    """A Contact's slots without its ``__setattr__`` (which runs for every attribute set):
    Contact.from_json fills one, then makes it a Contact (the same layout, so it can)."""

    __slots__ = Contact.__slots__


class _BoundContact:
    """A contact with its workspace's field types, for query evaluation."""

    def __init__(self, contact: Contact, field_types: Mapping[str, str]) -> None:
        self.contact = contact
        self.field_types = field_types

    def query_property(self, env: Environment, key: str, prop_type: str) -> list[Any]:
        return self.contact.query_property(env, key, prop_type, self.field_types)


_set_attr = object.__setattr__


def _cached_context(contact: Contact) -> Any:
    """The contact's cached @contact, or None (also while it is still being made)."""
    try:
        return contact._context
    except AttributeError:
        return None


def json_default(value: Any) -> Any:
    """``json.dumps(..., default=json_default)`` for contact JSON: Decimals as JSON numbers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def query_group_membership(
    env: Environment, contact: Contact, group: Mapping[str, Any], assets: ContactAssets
) -> bool:
    """Whether ``contact`` belongs in a query based group: active contacts whose fields
    satisfy the query; a query that doesn't parse or evaluate matches nobody."""
    if contact.status != "active":
        return False
    try:
        query = contactql.parse_query(group["query"], env, assets.fields)
        return contact.matches(env, query, assets)
    except contactql.ContactQLError:
        return False


def reevaluate_query_groups(
    env: Environment, contact: Contact, assets: ContactAssets
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Add/remove the contact to/from every query based group; returns (added, removed)."""
    added: list[dict[str, Any]] = []
    removed: list[dict[str, Any]] = []
    for group in assets.groups:
        if not group.get("query"):
            continue
        if query_group_membership(env, contact, group, assets):
            if contact.add_group(group):
                added.append(group_ref(group))
        elif contact.remove_group(group):
            removed.append(group_ref(group))
    return added, removed
