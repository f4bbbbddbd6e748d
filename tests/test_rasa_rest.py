"""Rasa's REST channel answer, as real Rasa (rasa-pro 3.21, recorded with the oracle from
tests/data/service/greeter and examples/rasa/transfer) gives it."""

from __future__ import annotations

import datetime as dt

from turnflow.generators import SystemClock
from turnflow.service.families.base import MSG, ContactData, Input
from turnflow.service.families.rasa import RasaFamily
from turnflow.service.rasa_rest import rest_messages

from .conftest import REPO

# what Rasa answered on /webhooks/rest/webhook (its collecting output channel), per turn
RECORDED = {
    "tests/data/service/greeter": [
        ("/greet", [{"recipient_id": "ana", "text": "What is your name?"}]),
        ("/SetSlots(name=Ana)", [
            {"recipient_id": "ana", "text": "Hello Ana!\n\nNice to meet you.",
             "buttons": [{"title": "Again", "payload": "/greet"}]},
            {"recipient_id": "ana", "text": "Is there anything else I can help you with?"}]),
    ],
    "examples/rasa/transfer": [
        ("/send_money", [{"recipient_id": "ana", "text": "Who should receive the money?"}]),
        ("/SetSlots(payee=Mia)", [
            {"recipient_id": "ana", "text": "How much do you want to send?"}]),
        ("/SetSlots(sum=40)", [
            {"recipient_id": "ana", "text": "You have 250 available."},
            {"recipient_id": "ana", "text": "Standard or instant transfer?", "buttons": [
                {"title": "Standard (free)", "payload": "/SetSlots(speed=standard)"},
                {"title": "Instant", "payload": "/SetSlots(speed=instant)"}]}]),
    ],
}


def test_answers_as_rasa_does() -> None:
    family = RasaFamily()
    for project, turns in RECORDED.items():
        bot = family.build(family.read(REPO / project), "p", SystemClock())
        contact = ContactData("c0ffee00-0000-4000-8000-000000000001", "", "", "active",
                              ["ext:ana"], {}, [], "2025-01-01T00:00:00Z")
        state = None
        for text, expected in turns:
            outcome = bot.handle(contact, state, Input(MSG, dt.datetime.now(dt.UTC), text=text))
            state = outcome.state
            got = [item for reply in outcome.replies for item in rest_messages("ana", reply)]
            assert got == expected, (project, text)


def test_rasa_output_channel_rules() -> None:
    # plain text is split at blank lines; with buttons it stays whole
    assert rest_messages("u", {"text": " A\n\nB "}) == [
        {"recipient_id": "u", "text": "A"}, {"recipient_id": "u", "text": "B"}]
    # quick replies go as buttons; custom, image and attachment are items of their own
    assert rest_messages("u", {"text": "Pick", "quick_replies": [{"title": "x"}],
                               "custom": {"k": 1}, "image": "i.png", "attachment": "a.pdf"}) == [
        {"recipient_id": "u", "text": "Pick", "buttons": [{"title": "x"}]},
        {"recipient_id": "u", "custom": {"k": 1}},
        {"recipient_id": "u", "image": "i.png"},
        {"recipient_id": "u", "attachment": "a.pdf"}]
    assert rest_messages("u", {"text": None}) == []
    assert rest_messages("u", {"text": None, "elements": [{"title": "T", "subtitle": "S"}]}) == [
        {"recipient_id": "u", "text": "T : S", "buttons": []}]
