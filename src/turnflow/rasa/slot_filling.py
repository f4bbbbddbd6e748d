"""Slots filled from a message's intent and entities, as Rasa's ``NLUCommandAdapter`` fills
them: for an ``/intent{"entity": value}`` payload (or an intent from NLU), each slot with a
``from_entity``, ``from_intent`` or ``from_text`` mapping that applies gets a set-slot
command, next to the flow the intent starts.

Rasa looks only at the slots a flow collects without ``ask_before_filling`` (plus the slot
the current collect step asks for), in the domain's order; the first mapping of a slot that
gives a value wins. A mapping applies when its ``intent`` / ``not_intent`` allow the
message's intent, its ``conditions`` name the active flow (if it has any) and, for
``from_entity``, an entity of that type (and ``role`` / ``group``) is in the message (the
last one counts, unless the slot is a list). A value of None fills nothing unless the slot
has a value (then it clears it). The commands then go through the same checks as any
set-slot command (a slot no active or starting flow collects is dropped).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .domain import Slot, SlotMapping
from .flows import CollectStep, RasaFlow, all_steps

NLU_MAPPINGS = ("from_entity", "from_intent", "from_text")


def fillable_slots(flows: Iterable[RasaFlow]) -> frozenset[str]:
    """The slots some flow collects without asking first (Rasa's ``available_slot_names``)."""
    return frozenset(
        step.collect for flow in flows for step in all_steps(flow.steps)
        if isinstance(step, CollectStep) and not step.ask_before_filling
    )


def slot_commands(
    slots: Mapping[str, Slot],
    fillable: frozenset[str],
    *,
    intent: str | None,
    entities: Sequence[Mapping[str, Any]],
    text: str,
    values: Mapping[str, Any],
    asking: str | None = None,
    active_flow: str | None = None,
    entity_types: frozenset[str] | None = None,
) -> list[dict[str, Any]]:
    """The set-slot commands the message's intent and entities give."""
    available = fillable | {asking} if asking else fillable
    commands = []
    for slot in slots.values():
        if slot.name not in available:
            continue
        for mapping in slot.mappings:
            if mapping.type not in NLU_MAPPINGS:
                continue
            if not _applies(mapping, intent, active_flow, entity_types):
                continue
            found = _values(mapping, entities, text)
            if not found:
                continue
            value = found if slot.type == "list" else found[-1]
            if value is not None or values.get(slot.name) is not None:
                commands.append({"command": "set slot", "name": slot.name, "value": value})
                break
    return commands


def _applies(mapping: SlotMapping, intent: str | None, active_flow: str | None,
             entity_types: frozenset[str] | None) -> bool:
    options = mapping.options
    if mapping.type == "from_entity" and entity_types is not None and (
            options.get("entity") not in entity_types):
        return False  # (Rasa warns: an entity the domain does not list fills nothing)
    wanted, unwanted = _listed(options.get("intent")), _listed(options.get("not_intent"))
    if not (intent in wanted or (not wanted and intent not in unwanted)):
        return False
    conditions = options.get("conditions")
    if conditions and active_flow is not None:
        return any(isinstance(c, dict) and c.get("active_flow") == active_flow
                   for c in conditions)
    return True


def _values(mapping: SlotMapping, entities: Sequence[Mapping[str, Any]], text: str
            ) -> list[Any]:
    options = mapping.options
    if mapping.type == "from_entity":
        return [
            entity.get("value") for entity in entities
            if entity.get("entity") == options.get("entity")
            and entity.get("group") == options.get("group")
            and entity.get("role") == options.get("role")
        ]
    if mapping.type == "from_intent":
        return [options.get("value")]
    return [text]


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
