"""NLU training examples as turnflow holds them once read (the reader is
:mod:`turnflow.rasa.reading.nlu`): each intent's example sentences, for a classifier."""

from __future__ import annotations

from dataclasses import dataclass, field

from .domain import Location


@dataclass(frozen=True, slots=True)
class NluExample:
    """One example: ``text`` without entity markup (``[Bob](name)`` reads ``Bob``),
    ``raw`` as written."""

    text: str
    raw: str
    location: Location | None = None


@dataclass(slots=True)
class NluData:
    intents: dict[str, list[NluExample]] = field(default_factory=dict)
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    regexes: dict[str, list[str]] = field(default_factory=dict)
    lookups: dict[str, list[str]] = field(default_factory=dict)
    files: tuple[str, ...] = ()
