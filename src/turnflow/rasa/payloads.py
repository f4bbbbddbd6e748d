"""The two payloads a user text (or a button) can carry instead of words, read as Rasa reads
them before any language understanding:

* ``/SetSlots(a=1, b=two words)`` — slot values. Pairs are ``name=value`` found anywhere after
  the prefix; names and values are trimmed, quotes are kept, a value ends at ``,``, ``(`` or
  ``)`` unless it is a bracketed ``[...]`` (kept as text), ``none``/``null``/``undefined``
  (any case) mean null. The whole payload is void when it holds more than 10 ``=`` signs,
  no pair, or any name that is not a slot of the domain.
* ``/intent``, ``/intent@0.7``, ``/intent{"entity": value}`` — an intent with an optional
  confidence (default 1.0, capped at 1.0, 0.0 when unreadable) and entities as a JSON object
  (a list value gives one entity per item; bad JSON or unknown entity types are dropped, the
  intent stays). An intent the domain does not know voids the payload.

A void payload is not an error: the text goes on as ordinary words, its leading slashes and
spaces removed (:func:`read_user_text`). Rasa trims a user text before reading it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from .. import json_input
from .domain import Domain

SET_SLOTS_PREFIX = "/SetSlots"
MAX_SET_SLOTS = 10  # counted as "=" signs, values included: a guard against slow matching

# intents every Rasa domain has, declared or not
DEFAULT_INTENTS = (
    "restart", "back", "out_of_scope", "session_start", "session_end", "silence_timeout",
    "nlu_fallback",
)  # fmt: skip

_NULL_WORDS = frozenset({"none", "null", "undefined"})
_PAIR = re.compile(r"([^(),=]+)=(\[[^\]]*\]|[^(),]+)")
_INTENT = re.compile(r"^/(?P<intent>[^{@]+)(?P<confidence>@[0-9.]+)?(?P<entities>{.+})?.*")
_LEADING_SLASHES = re.compile(r"^[/\s]+")


@dataclass(frozen=True, slots=True)
class SetSlotsPayload:
    """``/SetSlots(...)``: the (slot, value) pairs in order; a value is text or None."""

    slots: tuple[tuple[str, str | None], ...]


@dataclass(frozen=True, slots=True)
class IntentPayload:
    """``/intent...``: the intent, its confidence and entities as Rasa lists them (``entity``,
    ``value``, ``start``/``end`` of the JSON in the text, ``extractor`` when named)."""

    intent: str
    confidence: float = 1.0
    entities: tuple[dict[str, Any], ...] = ()
    text: str = ""  # the trimmed text


@dataclass(frozen=True, slots=True)
class PlainText:
    """Words for language understanding (a void payload loses its leading slashes)."""

    text: str


def parse_set_slots(
    text: str, slot_names: Collection[str] | None = None
) -> SetSlotsPayload | None:
    """The pairs of a ``/SetSlots(...)`` text, or None when the payload is void. Without
    ``slot_names`` every name is accepted."""
    body = text.strip()
    if body.count("=") > MAX_SET_SLOTS:
        return None
    pairs = []
    for raw_name, raw_value in _PAIR.findall(body):
        name, value = raw_name.strip(), raw_value.strip()
        if slot_names is not None and name not in slot_names:
            return None  # one unknown slot voids them all
        pairs.append((name, None if value.lower() in _NULL_WORDS else value))
    return SetSlotsPayload(tuple(pairs)) if pairs else None


def parse_intent(
    text: str,
    intents: Collection[str] | None = None,
    entities: Collection[str] | None = None,
    extractor: str | None = None,
) -> IntentPayload | None:
    """The intent payload of a ``/...`` text, or None when there is none (no leading slash,
    or an intent outside ``intents``). Without ``intents``/``entities`` all are accepted."""
    body = text.strip()
    match = _INTENT.match(body)
    if not match:
        return None
    intent = match["intent"].strip()
    if intents is not None and intent not in intents and intent not in DEFAULT_INTENTS:
        return None
    found = _entities(match, entities, extractor)
    return IntentPayload(intent, _confidence(match["confidence"]), found, body)


def read_user_text(
    text: str, domain: Domain | None = None
) -> SetSlotsPayload | IntentPayload | PlainText:
    """What a user text is: slot values, an intent, or words (checked against the domain's
    slots, intents and entities when given)."""
    text = text.strip()
    payload: SetSlotsPayload | IntentPayload | None = None
    if text.startswith(SET_SLOTS_PREFIX):
        payload = parse_set_slots(text, domain.slots if domain else None)
    elif text.startswith("/"):
        intents = domain.intents if domain else None
        entities = domain.entities if domain else None
        payload = parse_intent(text, intents, entities)
    if payload is not None:
        return payload
    if text.startswith("/"):
        return PlainText(_LEADING_SLASHES.sub("", text))
    return PlainText(text)


def _confidence(written: str | None) -> float:
    if written is None:
        return 1.0
    try:
        return min(1.0, float(written[1:]))
    except ValueError:  # "@1.2.3"
        return 0.0


def _entities(
    match: re.Match[str], known: Collection[str] | None, extractor: str | None
) -> tuple[dict[str, Any], ...]:
    written = match["entities"]
    if written is None:
        return ()
    try:  # (turnflow's JSON limits: what a user types may nest 4,000 deep)
        parsed = json_input.loads(written)
    except json_input.JSONInputError:
        return ()
    if not isinstance(parsed, dict):
        return ()
    start, end = match.span("entities")
    extra = {"extractor": extractor} if extractor else {}
    found = []
    for entity, values in parsed.items():
        if known is not None and entity not in known:
            continue
        for value in values if isinstance(values, list) else [values]:
            found.append({"entity": entity, "value": value, "start": start, "end": end, **extra})
    return tuple(found)
