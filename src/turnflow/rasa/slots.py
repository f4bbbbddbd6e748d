"""Slot values as Rasa handles them: coercion to the slot's type, the type check that rejects a
value (and the response uttered then), what a slot holds once set or reset, and when a new
value counts as the same one.

Rasa touches a value at three moments, and this module has one function for each:

* a ``SetSlot`` command: skipped when :func:`has_same_coerced_value`, else the slot is set to
  :func:`coerce_value` of the value (coercion never fails: what cannot be coerced is kept);
* the slot takes the value (:func:`stored_value`): list and categorical slots coerce again,
  the others keep what they are given — also for a flow's reset to the initial value;
* a collect step's first action checks the type (:func:`check_value`): a value that is not
  valid for a bool, float or categorical slot is rejected with that type's response
  (:data:`REJECTION_RESPONSES`) and the slot goes back to null.

Float ``min_value``/``max_value`` bound nothing at coercion; the type check rejects a value
outside them, but only when both bounds are given (inclusive). Categorical slots of a domain
also accept ``__other__`` (:data:`OTHER_VALUE`), which Rasa adds to every categorical slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .domain import Slot

# the response a failed type check utters, by slot type (text, list and any never fail)
REJECTION_RESPONSES = {
    "bool": "utter_boolean_slot_rejection",
    "float": "utter_float_slot_rejection",
    "categorical": "utter_categorical_slot_rejection",
    "strict_categorical": "utter_categorical_slot_rejection",
}

# the value Rasa adds to every categorical slot's values (not to strict_categorical ones)
OTHER_VALUE = "__other__"

_CATEGORICAL = ("categorical", "strict_categorical")


@dataclass(frozen=True, slots=True)
class Accepted:
    """The value passed the type check; ``changed`` when coercion altered it (value or type),
    so the slot must be set again to ``value``."""

    value: Any
    changed: bool = False


@dataclass(frozen=True, slots=True)
class Rejected:
    """The value failed the type check: utter ``utter`` (with ``value`` as the template
    variable ``value``) and reset the slot to null."""

    utter: str
    value: Any


def allowed_values(slot: Slot) -> tuple[str, ...]:
    """A categorical slot's values as Rasa compares them: as text, without null, plus
    ``__other__`` for ``categorical`` slots."""
    values = tuple(str(v) for v in slot.values if v is not None)
    if slot.type == "categorical" and OTHER_VALUE not in values:
        values += (OTHER_VALUE,)
    return values


def coerce_value(slot: Slot, value: Any) -> Any:
    """The value converted to the slot's type, or the value unchanged when it does not
    convert (the type check then rejects it)."""
    if slot.type == "float":
        try:
            return float(value)
        except (TypeError, ValueError):
            return value
    if slot.type == "bool":
        try:
            return _to_bool(value)
        except (TypeError, ValueError):
            return value
    if slot.type in _CATEGORICAL:
        return _categorical(allowed_values(slot), value)
    if slot.type == "list":
        # a single item becomes a one-item list; empty values stay as they are
        return [value] if value and not isinstance(value, list) else value
    return value  # text, any


def is_valid_value(slot: Slot, value: Any) -> bool:
    """Whether the type check accepts the value (null always passes)."""
    if value is None:
        return True
    if slot.type == "float":
        number = coerce_value(slot, value)
        if not isinstance(number, float):
            return False
        low, high = slot.min_value, slot.max_value
        # the bounds apply only as a pair, to the value as it is (as in Rasa: text that reads
        # as a number raises TypeError here); NaN fails them
        return low is None or high is None or low <= value <= high
    if slot.type == "bool":
        return isinstance(coerce_value(slot, value), bool)
    if slot.type in _CATEGORICAL:
        values = allowed_values(slot)
        if isinstance(value, str):
            return any(value.casefold() == v.casefold() for v in values)
        return str(value) in values
    return True


def rejection_response(slot: Slot) -> str | None:
    """The response uttered when the slot's type check fails (None: it cannot fail)."""
    return REJECTION_RESPONSES.get(slot.type)


def check_value(slot: Slot, value: Any) -> Accepted | Rejected:
    """The type check a collect step runs on the value the slot holds."""
    if not is_valid_value(slot, value):
        return Rejected(REJECTION_RESPONSES[slot.type], value)
    coerced = coerce_value(slot, value)
    changed = coerced != value or type(coerced) is not type(value)
    return Accepted(coerced, changed)


def stored_value(slot: Slot, value: Any) -> Any:
    """What the slot holds once set to ``value``: list and categorical slots coerce on every
    set, the other types store the value as given."""
    if slot.type == "list" or slot.type in _CATEGORICAL:
        return coerce_value(slot, value)
    return value


def reset_value(slot: Slot) -> Any:
    """What the slot holds after a reset (a flow ending, a restart): its initial value, set
    like any value. A new conversation starts from ``initial_value`` exactly as written."""
    return stored_value(slot, slot.initial_value)


def has_same_coerced_value(slot: Slot, current: Any, value: Any) -> bool:
    """Whether setting ``value`` would leave the slot as it is (then the SetSlot is dropped).
    Python equality, as in Rasa: ``1.0``, ``1`` and ``True`` are the same value."""
    return bool(coerce_value(slot, value) == current)


def range_error(slot: Slot) -> str | None:
    """Why a float slot's bounds are not acceptable when the domain loads (None: they are)."""
    low, high, initial = slot.min_value, slot.max_value, slot.initial_value
    if low is None or high is None:
        return None
    if low >= high:
        return f"float slot '{slot.name}': min_value {low} must be smaller than {high}"
    if initial is not None and not low <= initial <= high:
        return f"float slot '{slot.name}': initial_value {initial} is outside {low}..{high}"
    return None


def _to_bool(value: Any) -> bool:
    """Rasa's reading of a truth value; raises for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == 1.0
    if isinstance(value, str):
        if value.isnumeric():  # digits of any script; "0.5" is not numeric
            return float(value) == 1.0
        word = value.strip().lower()
        if word in ("true", "yes"):
            return True
        if word in ("false", "no"):
            return False
        raise ValueError(value)
    raise TypeError(value)


def _categorical(values: tuple[str, ...], value: Any) -> Any:
    """The configured spelling of a text value (an exact match first, then ignoring case);
    other values are kept."""
    if not value or not isinstance(value, str) or value in values:
        return value
    folded = value.casefold()
    return next((v for v in values if v.casefold() == folded), value)
