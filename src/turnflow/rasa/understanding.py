"""Understanding a user's words without an LLM: the one interface a command generator
implements (:class:`CommandGenerator`), and turnflow's own, :class:`NluCommandGenerator`.

Payloads (``/intent``, ``/SetSlots(...)``, button payloads) and commands given with a message
never reach a generator: they are read as Rasa reads them. A generator gets the rest, plain
words, with a view of the conversation (:class:`DialogueView`), and returns Rasa commands
(``{"command": "start flow", "flow": ...}``, ``{"command": "set slot", ...}``...) that then
go through Rasa's clean-up like any others. An LLM command generator plugs in here
(``RasaEngine(project, command_generator=...)``).

:class:`NluCommandGenerator` is simple and explainable:

* the intent is the one of the project's NLU example (``data/*.yml`` ``nlu:``) closest to the
  text by TF-IDF cosine similarity of their words, if at least ``threshold`` (and the
  ``confidence_threshold`` of the flow's ``nlu_trigger``); the flow it triggers starts, unless
  the flow's guard (``if:``) does not hold. Two intents of different flows scoring within
  ``margin`` of each other ask which one was meant (a ``clarify`` command);
* otherwise, if a collect step waits for a slot, words the slot's type accepts fill it: one of
  a categorical slot's values, yes/no words for a bool, the first number for a float, the
  text itself for a text or any slot, comma- or "and"-separated items for a list.

Each decision is kept as an :class:`Understanding` (intent, score, the example that matched),
which the turn's ``user_uttered`` event carries as ``understanding``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .commands import PATTERN_COMMANDS
from .domain import Slot
from .flows import RasaFlow
from .project import RasaProject

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
_YES = frozenset("yes y yeah yep yup sure ok okay true correct right affirmative".split())
_NO = frozenset("no n nope nah false not never negative".split())


@dataclass(frozen=True, slots=True)
class DialogueView:
    """What a command generator may look at: the slot values, the slot a collect step is
    asking for (if any), the flows on the stack (bottom first), and whether a flow may be
    started now (its guard)."""

    slots: Mapping[str, Any]
    asking: str | None
    stack: tuple[str, ...]
    startable: Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class Understanding:
    """Why a generator said what it said (shown in the ``user_uttered`` event)."""

    commands: tuple[dict[str, Any], ...] = ()
    intent: str | None = None
    score: float = 0.0
    example: str | None = None
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"intent": self.intent, "score": round(self.score, 3), "example": self.example,
                "reason": self.reason}


class CommandGenerator(Protocol):
    """Turns a user's words into Rasa commands."""

    def understand(self, text: str, view: DialogueView) -> Understanding: ...


@dataclass(slots=True)
class _Example:
    intent: str
    text: str
    vector: dict[str, float] = field(default_factory=dict)


class IntentClassifier:
    """Nearest NLU example by TF-IDF cosine similarity of words (built once per project)."""

    def __init__(self, examples: Mapping[str, list[str]]) -> None:
        documents = [(intent, text) for intent, texts in examples.items() for text in texts]
        frequency: Counter[str] = Counter()
        for _, text in documents:
            frequency.update(set(words(text)))
        count = len(documents)
        # smoothed idf: a word in every example still counts a little
        self.idf = {word: math.log((1 + count) / (1 + seen)) + 1 for word, seen in
                    frequency.items()}
        self.examples = [_Example(intent, text, self._vector(text)) for intent, text in documents]

    def _vector(self, text: str) -> dict[str, float]:
        counts = Counter(word for word in words(text) if word in self.idf)
        vector = {word: n * self.idf[word] for word, n in counts.items()}
        norm = math.sqrt(sum(value * value for value in vector.values()))
        return {word: value / norm for word, value in vector.items()} if norm else {}

    def rank(self, text: str) -> list[tuple[str, float, str]]:
        """Each intent's best score for ``text`` and the example that gave it, best first."""
        query = self._vector(text)
        best: dict[str, tuple[float, str]] = {}
        if query:
            for example in self.examples:
                score = sum(value * example.vector.get(word, 0.0)
                            for word, value in query.items())
                if score > best.get(example.intent, (-1.0, ""))[0]:
                    best[example.intent] = (score, example.text)
        ranked = [(intent, score, text) for intent, (score, text) in best.items()]
        return sorted(ranked, key=lambda item: -item[1])


class NluCommandGenerator:
    """turnflow's generator without an LLM (see the module's description)."""

    def __init__(self, project: RasaProject, flows: Mapping[str, RasaFlow],
                 slots: Mapping[str, Slot], *, threshold: float = 0.5,
                 margin: float = 0.05) -> None:
        self.threshold = threshold
        self.margin = margin
        self.slots = slots
        # intent -> (the flow its nlu_trigger names, that trigger's own threshold)
        self.triggers: dict[str, tuple[str, float]] = {}
        for flow in flows.values():
            for trigger in flow.nlu_trigger:
                self.triggers.setdefault(
                    trigger.intent, (flow.id, trigger.confidence_threshold or 0.0))
        examples = {intent: [example.text for example in found]
                    for intent, found in project.nlu.intents.items()}
        self.classifier = IntentClassifier(examples)

    def understand(self, text: str, view: DialogueView) -> Understanding:
        ranked = [(intent, score, example) for intent, score, example
                  in self.classifier.rank(text) if intent in self.triggers]
        accepted = [item for item in ranked if item[1] >= max(self.threshold,
                                                               self.triggers[item[0]][1])]
        if accepted:
            intent, score, example = accepted[0]
            flow_id = self.triggers[intent][0]
            rivals = [other for other in accepted[1:]
                      if score - other[1] <= self.margin
                      and self.triggers[other[0]][0] != flow_id]
            if rivals and view.startable(flow_id):
                options = [flow_id, *(self.triggers[other[0]][0] for other in rivals)]
                return Understanding(({"command": "clarify", "options": options},), intent,
                                     score, example, "several intents are as close")
            if flow_id in PATTERN_COMMANDS:  # a pattern's intent stands for its command
                return Understanding(({"command": PATTERN_COMMANDS[flow_id]},), intent, score,
                                     example, f"intent {intent} triggers {flow_id}")
            if view.startable(flow_id):
                return Understanding(({"command": "start flow", "flow": flow_id},), intent,
                                     score, example, f"intent {intent} starts {flow_id}")
            reason = f"intent {intent}: the guard of {flow_id} does not hold"
        else:
            best = ranked[0] if ranked else None
            reason = (f"closest intent {best[0]} scores {best[1]:.2f}, under the threshold"
                      if best else "no example shares a word with the text")
        filled = self._fill(text, view)
        if filled is not None:
            return Understanding((filled,), reason=f"answers the question for {view.asking}")
        return Understanding(reason=reason)

    def _fill(self, text: str, view: DialogueView) -> dict[str, Any] | None:
        """A set-slot command for the slot being asked for, if its type accepts the text."""
        slot = self.slots.get(view.asking or "")
        if slot is None or (slot.mappings and all(m.type == "controlled"
                                                  for m in slot.mappings)):
            return None  # only actions and set_slots steps fill it
        value = slot_value_in(slot, text)
        if value is None:
            return None
        return {"command": "set slot", "name": slot.name, "value": value}


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def slot_value_in(slot: Slot, text: str) -> Any:
    """The value of ``slot`` the words hold, or None."""
    text = text.strip()
    if not text:
        return None
    found = words(text)
    if slot.type == "bool":
        yes, no = any(w in _YES for w in found), any(w in _NO for w in found)
        return True if yes and not no else False if no and not yes else None
    if slot.type == "float":
        number = _NUMBER.search(text)
        return float(number.group().replace(",", ".")) if number else None
    if slot.type == "categorical":
        values = [str(value) for value in slot.values]
        exact = [value for value in values if value.lower() == text.lower()]
        if exact:
            return exact[0]
        named = [value for value in values if value.lower() != "__other__"
                 and re.search(rf"(?<!\w){re.escape(value.lower())}(?!\w)", text.lower())]
        return named[0] if len(named) == 1 else None
    if slot.type == "list":
        items = [item.strip() for item in re.split(r",|\band\b", text) if item.strip()]
        return items or None
    return text  # text, any


__all__ = [
    "CommandGenerator", "DialogueView", "IntentClassifier", "NluCommandGenerator",
    "Understanding", "slot_value_in",
]
