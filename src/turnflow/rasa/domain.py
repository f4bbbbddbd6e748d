"""A Rasa domain as turnflow holds it once read: slots, responses, actions, intents and the
session settings (the reader is :mod:`turnflow.rasa.reading`).

Every item keeps where it was read from (:class:`Location`), so that validation and runtime
errors can name the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# the slot types Rasa knows (`strict_categorical` is an older alias Rasa still reads)
SLOT_TYPES = ("text", "bool", "float", "categorical", "list", "any")

# slot mapping types
MAPPING_TYPES = (
    "from_llm", "controlled", "from_entity", "from_intent", "from_trigger_intent", "from_text",
    "custom",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Location:
    """Where something was read from: a file and a 1-based line (0: not known)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True, slots=True)
class Rejection:
    """``{if: <predicate>, utter: <response>}``: when the predicate holds, the value is
    rejected with that response (collect steps and slot validation)."""

    condition: str
    utter: str
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class SlotMapping:
    """One entry of a slot's ``mappings`` (``type`` plus the type's own keys)."""

    type: str
    options: dict[str, Any] = field(default_factory=dict)  # intent, entity, conditions...
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class SlotValidation:
    """A slot's domain-level ``validation`` (run by ``pattern_validate_slot``)."""

    rejections: tuple[Rejection, ...] = ()
    refill_utter: str | None = None


@dataclass(frozen=True, slots=True)
class Slot:
    name: str
    type: str  # one of SLOT_TYPES
    initial_value: Any = None
    values: tuple[Any, ...] = ()  # categorical
    min_value: float | None = None  # float
    max_value: float | None = None
    mappings: tuple[SlotMapping, ...] = ()
    validation: SlotValidation | None = None
    influence_conversation: bool = True
    location: Location | None = None
    # keys Rasa reads that turnflow does not model (allow_llm_set, shared_for_coexistence...)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ResponseVariant:
    """One variant of a response: its text and buttons, and when it applies (``condition``
    on the slots, ``channel``). ``data`` keeps every key as read (image, custom, metadata...)."""

    text: str | None = None
    buttons: tuple[dict[str, Any], ...] = ()
    # a predicate over ``slots.``, or the older list of {type: slot, name, value} mappings
    condition: str | list[Any] | None = None
    channel: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)  # e.g. {"template": "jinja"}
    data: dict[str, Any] = field(default_factory=dict)
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Response:
    name: str  # utter_...
    variants: tuple[ResponseVariant, ...]
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class SessionConfig:
    session_expiration_time: float = 60  # minutes
    carry_over_slots_to_new_session: bool = True
    start_session_after_expiry: bool = True


@dataclass(slots=True)
class Domain:
    """A project's domain, merged from ``domain.yml`` or every file of ``domain/``."""

    slots: dict[str, Slot] = field(default_factory=dict)
    responses: dict[str, Response] = field(default_factory=dict)
    actions: tuple[str, ...] = ()  # custom actions the domain declares
    intents: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    session_config: SessionConfig = field(default_factory=SessionConfig)
    files: tuple[str, ...] = ()  # what it was read from
    # the keys of the long forms: `- intent: {use_entities: [...]}`, `- entity: {roles: [...]}`,
    # `- action_x: {send_domain: true}`
    intent_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    entity_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    action_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    forms: dict[str, Any] = field(default_factory=dict)  # NLU-era forms, kept as read
    config: dict[str, Any] = field(default_factory=dict)  # `config:` (store_entities_as_slots)
    version: str | None = None

    def has_action(self, name: str) -> bool:
        """Whether ``name`` can run: a response (``utter_...``) or a declared action."""
        return name in self.responses or name in self.actions
