"""Understanding without an LLM: intents by the nearest NLU example, free text answering the
question being asked, flow guards for classified intents, and a generator plugged in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from turnflow.rasa.domain import Slot, SlotMapping
from turnflow.rasa.engine import RasaEngine, Turn
from turnflow.rasa.understanding import (
    DialogueView,
    IntentClassifier,
    Understanding,
    slot_value_in,
)

from .conftest import REPO

LIBRARY = REPO / "examples" / "rasa" / "library"


def no_member(view: dict[str, Any]) -> dict[str, Any]:
    return {"events": [{"event": "slot", "name": "member", "value": False}]}


def understanding(turn: Turn) -> dict[str, Any]:
    event = next(e for e in turn.events if e["type"] == "user_uttered")
    return {"commands": event["commands"], **event.get("understanding", {})}


@pytest.mark.parametrize(("slot", "text", "value"), [
    (Slot("f", "categorical", values=("paperback", "ebook")), "EBOOK", "ebook"),
    (Slot("f", "categorical", values=("paperback", "ebook")), "the ebook please", "ebook"),
    (Slot("f", "categorical", values=("paperback", "ebook")), "ebook or paperback", None),
    (Slot("f", "categorical", values=("paperback", "ebook")), "a scroll", None),
    (Slot("b", "bool"), "Yes please", True),
    (Slot("b", "bool"), "nope", False),
    (Slot("b", "bool"), "yes and no", None),
    (Slot("b", "bool"), "maybe", None),
    (Slot("n", "float"), "about 2.5 kilos", 2.5),
    (Slot("n", "float"), "3,5", 3.5),
    (Slot("n", "float"), "two", None),
    (Slot("l", "list"), "crime, poetry and travel", ["crime", "poetry", "travel"]),
    (Slot("t", "text"), "  12 Oak Road ", "12 Oak Road"),
    (Slot("a", "any"), "whatever", "whatever"),
    (Slot("t", "text"), "   ", None),
])
def test_words_a_slot_type_accepts(slot: Slot, text: str, value: Any) -> None:
    assert slot_value_in(slot, text) == value


def test_the_nearest_example_gives_the_intent() -> None:
    classifier = IntentClassifier({
        "borrow": ["I would like to borrow a book", "can I take out a book"],
        "hours": ["when are you open", "what are your opening hours"],
    })
    intent, score, example = classifier.rank("When do you open?")[0]
    assert (intent, example) == ("hours", "when are you open") and 0.5 < score < 1
    assert classifier.rank("zebra") == []


def test_free_text_starts_flows_and_answers_questions() -> None:
    engine = RasaEngine.load(LIBRARY, custom_actions={"action_check_card": no_member})
    session = engine.new_session()
    turn = engine.handle(session, "I'd like to borrow a book")
    said = understanding(turn)
    assert said["commands"] == [{"command": "start flow", "flow": "borrow_book"}]
    assert said["intent"] == "borrow" and said["example"] == "I would like to borrow a book"
    assert [b["text"] for b in turn.bot] == ["Which book would you like to borrow?"]
    assert engine.handle(session, "Dune").slots == [("title", "Dune")]
    assert engine.handle(session, "the ebook please").slots == [("book_format", "ebook")]
    turn = engine.handle(session, "lots of them")  # no number: nothing set, asked again
    assert turn.slots == [] and [b["text"] for b in turn.bot] == [
        "How many copies, from 1 to 3?"]
    assert understanding(turn)["reason"] == "no example shares a word with the text"
    assert engine.handle(session, "2").slots == [("copies", 2.0)]
    assert engine.handle(session, "no thanks").slots == [("express", False)]
    # words that match an intent start its flow, even while a question waits
    turn = engine.handle(session, "what are your opening hours?")
    assert ("started", "opening_hours") in turn.flows


def test_a_classified_intent_respects_the_flow_guard_a_payload_does_not() -> None:
    engine = RasaEngine.load(LIBRARY, custom_actions={"action_check_card": no_member})
    session = engine.new_session()
    turn = engine.handle(session, "show me the members corner")
    assert turn.flows == [] and "guard of members_corner" in understanding(turn)["reason"]
    turn = engine.handle(session, "/members_corner")  # as Rasa: payloads skip the guards
    assert ("started", "members_corner") in turn.flows


def test_a_pattern_intent_in_words_is_its_command() -> None:
    engine = RasaEngine.load(LIBRARY, custom_actions={"action_check_card": no_member})
    session = engine.new_session()
    engine.handle(session, "/borrow")
    turn = engine.handle(session, "never mind")
    assert understanding(turn)["commands"] == [{"command": "cancel flow"}]
    assert ("cancelled", "borrow_book") in turn.flows


def test_close_intents_of_two_flows_ask_which_one(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "domain.yml").write_text(
        "intents: [table, room]\n"
        "responses:\n  utter_table: [{text: Table.}]\n  utter_room: [{text: Room.}]\n"
    )
    (tmp_path / "data" / "flows.yml").write_text(
        "flows:\n"
        "  book_table: {description: a table, nlu_trigger: [{intent: table}],"
        " steps: [{action: utter_table}]}\n"
        "  book_room: {description: a room, nlu_trigger: [{intent: room}],"
        " steps: [{action: utter_room}]}\n"
    )
    (tmp_path / "data" / "nlu.yml").write_text(
        "nlu:\n  - intent: table\n    examples: |\n      - book something for dinner\n"
        "  - intent: room\n    examples: |\n      - book something for tonight\n"
    )
    engine = RasaEngine.load(tmp_path)
    turn = engine.handle(engine.new_session(), "book something")
    assert understanding(turn)["commands"] == [
        {"command": "clarify", "options": ["book_table", "book_room"]}]
    assert [b["text"] for b in turn.bot] == [
        "I can help, but I need more information. Which of these would you like to do: "
        "book table or book room?"]


def test_a_command_generator_plugs_in() -> None:
    class Always:
        def understand(self, text: str, view: DialogueView) -> Understanding:
            assert view.asking is None and view.stack == ()
            return Understanding(({"command": "start flow", "flow": "opening_hours"},),
                                 reason="always the hours")

    engine = RasaEngine.load(LIBRARY, command_generator=Always())
    turn = engine.handle(engine.new_session(), "anything at all")
    assert [b["text"] for b in turn.bot][0] == "We are open from nine to six."
    assert understanding(turn)["reason"] == "always the hours"


def test_controlled_slots_are_not_filled_by_words() -> None:
    slot = Slot("member", "bool", mappings=(SlotMapping("controlled"),))
    assert slot_value_in(slot, "yes") is True  # the words would fit...
    engine = RasaEngine.load(LIBRARY)
    generator = engine.family.command_generator
    view = DialogueView({}, "member", (), lambda flow: True)
    assert generator.understand("yes", view).commands == ()  # ...but the slot is controlled


def test_a_void_payload_is_not_taken_for_words() -> None:
    engine = RasaEngine.load(LIBRARY, custom_actions={"action_check_card": no_member})
    session = engine.new_session()
    engine.handle(session, "/borrow")
    turn = engine.handle(session, "/SetSlots(nope=1)")  # an unknown slot voids the payload
    assert turn.slots == [] and understanding(turn)["reason"].startswith("a payload")
