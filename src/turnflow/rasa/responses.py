"""Uttering a response as Rasa does: which variant, filled with which values, in which shape.

Choosing (:func:`candidate_variants`, :func:`pick_variant`). A variant *fits* when it has no
``condition`` or its condition holds on the slots; a variant with a ``channel`` fits only
that channel. The first non-empty group wins, in this order: conditional variants of the
channel, unconditional variants of the channel, conditional variants for any channel,
unconditional ones for any channel. If none fits, the variants of
``utter_internal_error_rasa`` stand in (unfiltered), so the bot never stays silent. Among the
winners one is drawn at random: index ``random.int_n(len(winners))`` in file order, nothing
drawn for a single winner. :class:`~turnflow.rasa.numpy_random.NumpyLegacyRandom` with a seed
draws what Rasa draws after ``np.random.seed(seed)``; turnflow's ``SeededRandom`` is as good
for tests but draws its own sequence.

A condition is first rendered as a Jinja template with ``slots`` (so it may embed slot
values), then handed to ``condition_holds``; any failure counts as not holding.

Filling (:func:`generate`). The values are ``context`` (the top frame of the dialogue
stack), then every slot by name, then the extra values of the call (a rejection passes
``value``). ``text``, ``image``, ``custom``, ``buttons``, ``attachment`` and
``quick_replies`` are filled — in nested dicts and lists too, each string on its own — by
the engine of ``metadata.template`` (``format`` by default, see :mod:`.templates`).

Shape (:func:`bot_message`, :func:`channel_message`). The bot event keeps ``text``, puts
``elements``, ``quick_replies``, ``buttons``, ``attachment`` (the image when there is no
attachment), ``image`` and ``custom`` under ``data``, and every other key of the variant
(``metadata``, ``id``, ``condition``, ``channel``...) under ``metadata`` with the utterance's
name, source, flow and step.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from ..generators import SystemRandom
from .domain import Response, ResponseVariant
from .templates import FORMAT, compile_jinja, render

INTERNAL_ERROR_RESPONSE = "utter_internal_error_rasa"
UTTER_SOURCE = "TemplatedNaturalLanguageGenerator"  # the source Rasa records for responses

# the keys of a variant whose strings are filled with values
FILLED_KEYS = ("text", "image", "custom", "buttons", "attachment", "quick_replies")
# the keys of a bot event's ``data``
DATA_KEYS = ("elements", "quick_replies", "buttons", "attachment", "image", "custom")

ConditionHolds = Callable[[str, Mapping[str, Any]], bool]


class IndexSource(Protocol):
    """Where a random choice comes from: an index in [0, n)."""

    def int_n(self, n: int) -> int: ...


def candidate_variants(
    name: str,
    responses: Mapping[str, Response],
    slots: Mapping[str, Any],
    condition_holds: ConditionHolds,
    channel: str | None = None,
) -> tuple[ResponseVariant, ...]:
    """The variants of response ``name`` Rasa would choose among (empty: no such response)."""
    response = responses.get(name)
    if response is None:
        return ()
    plain = [v for v in response.variants if v.condition is None]
    # an empty condition is neither plain nor conditional: such a variant never fits
    conditional = [
        v for v in response.variants if v.condition and _holds(v.condition, slots, condition_holds)
    ]
    for group in (conditional, plain):
        here = tuple(v for v in group if v.channel == channel)
        if here:
            return here
    for group in (conditional, plain):
        anywhere = tuple(v for v in group if v.channel is None)
        if anywhere:
            return anywhere
    fallback = responses.get(INTERNAL_ERROR_RESPONSE)
    return fallback.variants if fallback else ()


def pick_variant(
    name: str,
    responses: Mapping[str, Response],
    slots: Mapping[str, Any],
    condition_holds: ConditionHolds,
    channel: str | None = None,
    random: IndexSource | None = None,
) -> ResponseVariant | None:
    """The variant Rasa would utter for ``name`` (None: no such response)."""
    candidates = candidate_variants(name, responses, slots, condition_holds, channel)
    if not candidates:
        return None
    if len(candidates) == 1:
        return candidates[0]
    return candidates[(random or SystemRandom()).int_n(len(candidates))]


def response_values(
    slots: Mapping[str, Any],
    context: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The names a response can use: ``context``, then the slots, then ``extra`` (later
    ones hide earlier ones of the same name)."""
    return {"context": dict(context or {}), **slots, **(extra or {})}


def fill_variant(variant: ResponseVariant, values: Mapping[str, Any]) -> dict[str, Any]:
    """The variant as a message dict, its strings filled with ``values``; ``text`` is always
    present (None when the variant has none), ``buttons`` only when there are some."""
    message = copy.deepcopy(variant_dict(variant))
    engine = message.get("metadata", {}).get("template", FORMAT)
    for key in FILLED_KEYS:
        if key in message:
            message[key] = _fill(message[key], values, engine)
    # a variant's translations are dropped; the default language's text stays
    message.pop("translation", None)
    text = message.pop("text", None)
    buttons = message.pop("buttons", None)
    message["text"] = text
    if buttons:
        message["buttons"] = [
            {k: v for k, v in button.items() if k != "translation"} for button in buttons
        ]
    return message


def generate(
    name: str,
    responses: Mapping[str, Response],
    slots: Mapping[str, Any],
    condition_holds: ConditionHolds,
    *,
    channel: str | None = None,
    context: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
    random: IndexSource | None = None,
) -> dict[str, Any] | None:
    """Response ``name`` chosen and filled, as a message dict (None: no such response)."""
    variant = pick_variant(name, responses, slots, condition_holds, channel, random)
    if variant is None:
        return None
    return fill_variant(variant, response_values(slots, context, extra))


def bot_message(
    message: Mapping[str, Any],
    utter_action: str,
    active_flow: str | None = None,
    step_id: str | None = None,
) -> dict[str, Any]:
    """The bot event Rasa records for a generated message: ``text``, ``data``, ``metadata``."""
    rest = dict(message)
    text = rest.pop("text", None)
    data = {key: rest.pop(key, None) for key in DATA_KEYS}
    data["attachment"] = data["attachment"] or data["image"]  # kept for older clients
    rest.update(
        utter_action=utter_action, utter_source=UTTER_SOURCE,
        active_flow=active_flow, step_id=step_id,
    )  # fmt: skip
    return {"text": text, "data": data, "metadata": rest}


def channel_message(bot: Mapping[str, Any]) -> dict[str, Any]:
    """What an output channel receives for a bot event: data, text and metadata in one dict
    (the image is not repeated as attachment)."""
    message = {**bot["data"], "text": bot["text"], **bot["metadata"]}
    if message.get("image") == message.get("attachment"):
        message["attachment"] = None
    return message


def variant_dict(variant: ResponseVariant) -> dict[str, Any]:
    """The variant's keys as written in the domain."""
    written = dict(variant.data)
    if variant.text is not None:
        written["text"] = variant.text
    if variant.buttons:
        written["buttons"] = [dict(b) for b in variant.buttons]
    if variant.condition is not None:
        written["condition"] = variant.condition
    if variant.channel is not None:
        written["channel"] = variant.channel
    if variant.metadata:
        written["metadata"] = dict(variant.metadata)
    return written


def _holds(
    condition: str | list[Any], slots: Mapping[str, Any], condition_holds: ConditionHolds
) -> bool:
    if isinstance(condition, list):
        return all(_slot_constraint_holds(item, slots) for item in condition)
    try:
        if "{" in condition:  # Jinja first: a condition may embed slot values
            condition = compile_jinja(condition).render(slots=slots)
        return bool(condition_holds(condition, slots))
    except Exception:  # Rasa logs a failing condition and treats it as false
        return False


def _slot_constraint_holds(constraint: Any, slots: Mapping[str, Any]) -> bool:
    """Rasa's older condition form, a list of ``{type: slot, name, value}``: each slot must
    hold the value (strings compared without case; ``type`` is not looked at)."""
    if not isinstance(constraint, dict) or "name" not in constraint or "value" not in constraint:
        return False
    value, expected = slots.get(constraint["name"]), constraint["value"]
    if isinstance(value, str) and isinstance(expected, str):
        return value.casefold() == expected.casefold()
    return bool(value == expected)


def _fill(item: Any, values: Mapping[str, Any], engine: str) -> Any:
    if isinstance(item, str):
        return render(item, values, engine)
    if isinstance(item, list):
        return [_fill(i, values, engine) for i in item]
    if isinstance(item, dict):
        return {k: _fill(v, values, engine) for k, v in item.items()}
    return item
