"""The library's custom action, run in process by turnflow (Rasa would call its action
server; the e2e tests stub it, so they run the same on both)."""

from turnflow.rasa.custom_actions import action, response, slot_set

MEMBERS = {"ada", "kim"}  # sender ids of the library's members


@action("action_check_card")
def check_card(tracker):
    member = (tracker["sender_id"] or "").lower() in MEMBERS
    return [slot_set("member", member), response("utter_card_ok")]
