"""Message, contact, result and flow actions: goflow's texts, templates, quick replies,
missing dependencies and the run locals they leave."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from turnflow.goflow.actions.contact import language_error, parse_phone
from turnflow.goflow.actions.flows import can_enter
from turnflow.goflow.actions.messages import (
    _match_locale,
    _preview,
    is_valid_attachment,
    quick_reply,
    truncate_ellipsis,
)

GOFLOW = Path("/work/shared/fixtures/goflow")


def test_attachments_need_a_known_content_type_and_a_url():
    assert is_valid_attachment("image:http://example.com/red.jpg")
    assert is_valid_attachment("image/jpeg:http://example.com/red.jpg")
    assert is_valid_attachment("IMAGE:x")
    assert not is_valid_attachment("image:")
    assert not is_valid_attachment("cat")
    assert not is_valid_attachment("kitten:http://x.com")


def test_quick_replies_split_extra_and_truncate():
    assert quick_reply("Yes") == {"type": "text", "text": "Yes"}
    long = "1234567890" * 101
    assert quick_reply("yes<extra>" + long) == {
        "type": "text", "text": "yes", "extra": long[:997] + "...",
    }  # fmt: skip
    assert quick_reply(long)["text"] == long[:61] + "..."
    assert truncate_ellipsis("abc", 3) == "abc"


def test_template_translation_matching_and_preview():
    eng_us, spa = {"locale": "eng-US"}, {"locale": "spa"}
    assert _match_locale([eng_us, spa], ["spa-US", "eng-RW"]) is spa
    assert _match_locale([eng_us, spa], ["eng-US", None]) is eng_us
    assert _match_locale([{"locale": "eng"}], ["spa-US", "eng-RW"])["locale"] == "eng"
    assert _match_locale([eng_us], ["fra-FR"]) is eng_us  # falls back to the first one
    translation = {"components": [
        {"name": "header", "type": "header/media", "content": "", "variables": {"1": 0}},
        {"name": "body", "type": "body/text", "content": "Hi {{1}}!", "variables": {"1": 1}},
        {"name": "button.0", "type": "button/quick_reply", "content": "No", "variables": {}},
    ]}  # fmt: skip
    variables = [
        {"type": "image", "value": "image/jpeg:http://x.com/a.jpg"},
        {"type": "text", "value": "Bob"},
    ]
    assert _preview(translation, variables) == (
        "Hi Bob!", ["image/jpeg:http://x.com/a.jpg"], [{"type": "text", "text": "No"}],
    )  # fmt: skip
    variables[0]["value"] = "cat"  # not an attachment: left out of the preview
    assert _preview(translation, variables)[1] == []


def test_phone_numbers_parse_like_goflow():
    assert parse_phone(" 12044443333 ", "RW") == "+12044443333"
    assert parse_phone("0781234567", "RW") == "+250781234567"
    assert parse_phone("+1 (206) 555-1212", "") == "+12065551212"


def test_language_and_flow_type_checks():
    assert language_error("xxxxxxxxxx") == "iso-639-3 codes must be 3 characters, got: xxxxxxxxxx"
    assert language_error("eng") is None
    assert language_error("qqq") == "unrecognized language code: qqq"
    assert can_enter("messaging", "messaging_background")
    assert can_enter("voice", "voice")
    assert not can_enter("messaging", "voice")


CASES = [
    ("add_contact_groups", [1, 3, 4]),
    ("remove_contact_groups", [5]),
    ("add_contact_urn", [0]),
    ("enter_flow", [0, 1, 4]),
    ("play_audio", [0, 1]),
    ("say_msg", [0]),
    ("send_msg", [2, 3, 4, 5, 9, 10, 11, 13, 14, 15, 16]),
    ("set_contact_channel", [4]),
    ("set_contact_field", [4, 5]),
    ("set_contact_language", [0, 1]),
    ("set_contact_timezone", [0, 1]),
    ("set_run_local", [1, 2, 4]),
    ("set_run_result", [1]),
]


@pytest.mark.skipif(not GOFLOW.exists(), reason="goflow fixtures not present")
@pytest.mark.parametrize(("name", "indexes"), CASES)
def test_goflow_action_cases(name: str, indexes: list[int]):
    from turnflow.conformance.goflow_actions import TESTDATA, run_case

    folder = GOFLOW / TESTDATA
    assets = json.loads((folder / "_assets.json").read_text())
    cases = json.loads((folder / f"{name}.json").read_text())
    for index in indexes:
        problem, _ = run_case(GOFLOW, assets, cases[index])
        assert problem == "", f"{name}[{index}]: {problem}"


@pytest.mark.skipif(not GOFLOW.exists(), reason="goflow fixtures not present")
def test_add_contact_urn_leaves_has_urn_local(monkeypatch: pytest.MonkeyPatch):
    from turnflow.conformance.goflow_actions import TESTDATA, run_case
    from turnflow.goflow.actions import contact

    monkeypatch.setattr(contact, "SET_HAS_URN_LOCAL", True)
    folder = GOFLOW / TESTDATA
    assets = json.loads((folder / "_assets.json").read_text())
    cases = json.loads((folder / "add_contact_urn.json").read_text())
    for index in range(6):
        problem, _ = run_case(GOFLOW, assets, cases[index])
        assert problem == "", f"add_contact_urn[{index}]: {problem}"
