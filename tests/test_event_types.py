"""goflow's event types: validation, marshalling and the `events` conformance data set."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from turnflow.conformance.goflow_events import json_equal, run_events, snapshot_files
from turnflow.core.events import EventFactory
from turnflow.errors import TurnflowError
from turnflow.generators import SeededUUIDs, SequentialClock
from turnflow.goflow.events import (
    EVENT_TYPES,
    EventError,
    marshal_event,
    msg_in,
    msg_out,
    normalize_event,
    quick_reply,
    ref,
    required_fields,
    validate_event,
)

from .conftest import GOFLOW_FIXTURES, require_fixtures

CHANNEL = ref("57f1078f-88aa-46f4-a59a-948a5739c03d", "My Android Phone")
FLOW = {"uuid": "50c3706e-fedb-42c0-8eab-dda3335714b7", "name": "Registration"}


def snapshots() -> dict[str, dict]:
    require_fixtures(GOFLOW_FIXTURES)
    return {
        p.stem.removeprefix("TestEventMarshaling_"): json.loads(p.read_text())
        for p in snapshot_files(GOFLOW_FIXTURES)
    }


@pytest.fixture
def factory() -> EventFactory:
    clock = SequentialClock()
    return EventFactory(SeededUUIDs(clock=clock), clock)


def test_all_47_types() -> None:
    assert len(EVENT_TYPES) == 47
    assert {"msg_created", "webhook_called", "flow_entered", "wait_expired"} <= set(EVENT_TYPES)
    assert required_fields("msg_created") == ["uuid", "type", "created_on", "msg"]


def test_data_set_passes() -> None:
    result = run_events(require_fixtures(GOFLOW_FIXTURES))
    assert (result.passed, result.failed) == (54, 0), result.failures


def test_removing_a_required_field_is_rejected() -> None:
    checked = 0
    for name, event in snapshots().items():
        for field in required_fields(event["type"]):
            broken = {k: v for k, v in event.items() if k != field}
            with pytest.raises(EventError) as info:
                validate_event(broken)
            assert f"'{field}'" in str(info.value), name
            if field != "type":
                assert event["type"] in str(info.value)
            checked += 1
    assert checked > 150


def test_every_event_in_goflow_test_data_round_trips() -> None:
    root = require_fixtures(GOFLOW_FIXTURES)
    found: list[dict] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if value.get("type") in EVENT_TYPES and "uuid" in value and "created_on" in value:
                found.append(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for name in ("test/testdata/runner", "flows/actions/testdata", "flows/modifiers/testdata"):
        for path in sorted((root / name).glob("*.json")):
            walk(json.loads(path.read_text()))
    assert len(found) > 500
    for event in found:
        validate_event(event, strict=True)
        assert json_equal(json.loads(marshal_event(event)), event), event


def test_error_messages_name_type_and_path() -> None:
    event = copy.deepcopy(snapshots()["msg_created_rich"])
    del event["msg"]["channel"]["uuid"]
    with pytest.raises(TurnflowError, match=r"invalid msg_created event: field 'msg.channel.uuid'"):
        validate_event(event)

    event = copy.deepcopy(snapshots()["airtime_created"])
    event["http_logs"][0]["status"] = "great"
    with pytest.raises(EventError, match=r"'http_logs\[0\].status' must be one of"):
        validate_event(event)

    event = copy.deepcopy(snapshots()["run_started"])
    event["terminal"] = "yes"
    with pytest.raises(EventError, match="'terminal' must be a boolean"):
        validate_event(event)

    event["terminal"] = True
    event["run_uuid"] = "not-a-uuid"
    with pytest.raises(EventError, match="'run_uuid' must be a UUID"):
        validate_event(event)

    with pytest.raises(EventError, match="unknown event type 'do_the_foo'"):
        validate_event({"type": "do_the_foo"})
    with pytest.raises(EventError, match="'type' is required"):
        validate_event({"foo": "bar"})
    with pytest.raises(EventError, match="'to' must not be empty"):
        validate_event({**snapshots()["email_sent"], "to": []})


def test_nullable_fields_accept_null() -> None:
    event = snapshots()["contact_field_changed_clear"]
    assert validate_event(event) is event
    assert json.loads(marshal_event(event))["value"] is None


def test_strict_mode() -> None:
    event = {**snapshots()["contact_name_changed"], "surname": "Smith"}
    validate_event(event)
    with pytest.raises(EventError, match="'surname' is not a field"):
        validate_event(event, strict=True)
    event = {k: v for k, v in snapshots()["run_result_changed"].items() if k != "category"}
    validate_event(event)
    with pytest.raises(EventError, match="'category' is missing"):
        validate_event(event, strict=True)


def test_marshal_omits_empty_optional_fields_and_writes_zero_values(factory) -> None:
    event = factory.new("run_result_changed", name="Age", value="44", extra=None, previous=None)
    assert normalize_event(event) == {
        "uuid": event["uuid"],
        "type": "run_result_changed",
        "created_on": event["created_on"],
        "name": "Age",
        "value": "44",
        "category": "",
    }
    # unknown keys are dropped, like goflow's struct does
    assert "junk" not in normalize_event({**event, "junk": 1})
    text = marshal_event(event)
    assert list(json.loads(text)) == sorted(json.loads(text))

    started = factory.new("run_started", flow=FLOW, run_uuid=event["uuid"], terminal=False)
    assert "terminal" not in normalize_event(started)
    assert "parent_uuid" not in normalize_event(started)

    llm = factory.new("llm_called", llm=ref("14115c03-b4c5-49e2-b9ac-390c43e9d7ce", "GPT-4"))
    out = normalize_event(llm)
    assert out["tokens"] == {"input": 0, "output": 0}
    assert (out["instructions"], out["elapsed_ms"]) == ("", 0)

    urns = factory.new("contact_urns_changed")
    assert normalize_event(urns)["urns"] is None


def test_timeout_seconds_is_a_pointer(factory) -> None:
    wait = factory.new("msg_wait", timeout_seconds=0, expires_on="2022-02-03T13:45:30Z")
    assert normalize_event(wait)["timeout_seconds"] == 0
    assert "timeout_seconds" not in normalize_event(factory.new("msg_wait"))
    assert "expires_on" not in normalize_event(factory.new("msg_wait"))


def test_decimal_amount_and_quick_reply_text_forms(factory) -> None:
    event = snapshots()["airtime_created"]
    event = {**event, "amount": Decimal("1.00")}
    assert json.loads(marshal_event(event))["amount"] == 1
    assert json.loads(marshal_event({**event, "amount": Decimal("2.50")}))["amount"] == 2.5

    assert quick_reply("yes") == {"type": "text", "text": "yes"}
    assert quick_reply("Yes<extra>The answer") == {
        "type": "text", "text": "Yes", "extra": "The answer",
    }
    assert quick_reply("<form>Sign up<extra>1234") == {
        "type": "form", "text": "Sign up", "extra": "1234",
    }
    assert quick_reply("<location>Where?") == {"type": "location", "text": "Where?"}
    msg = {"text": "Hi", "quick_replies": ["yes", {"text": "no"}]}
    created = factory.new("msg_created", msg=msg)
    assert normalize_event(created)["msg"]["quick_replies"] == [
        {"type": "text", "text": "yes"},
        {"type": "text", "text": "no"},
    ]


def test_msg_builders_match_goflow_snapshots(factory) -> None:
    snaps = snapshots()
    rich = msg_out(
        "Hi there",
        urn="tel:+12345678900",
        channel=CHANNEL,
        attachments=["image/jpeg:http://s3.amazon.com/bucket/test.jpg"],
        quick_replies=["yes", "no"],
        locale="eng-US",
        unsendable_reason="contact_blocked",
    )
    assert rich == snaps["msg_created_rich"]["msg"]
    assert msg_out("Hi there", urn="tel:+12345678900", channel=CHANNEL) == (
        snaps["msg_created"]["msg"]
    )
    received = msg_in(
        "hi there",
        urn="tel:+12065551212",
        channel=CHANNEL,
        attachments=["image/jpeg:https://s3.amazon.com/mybucket/attachment.jpg"],
        external_id="ext-id-123",
    )
    assert received == snaps["msg_received_rich"]["msg"]
    event = factory.new("msg_created", msg=rich, ticket_uuid=None)
    validate_event(event, strict=True)
    assert normalize_event(event) == {k: event[k] for k in ("uuid", "type", "created_on", "msg")}
