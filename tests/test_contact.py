"""Contact JSON, URNs, field value parsing, query groups and the @contact context."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from turnflow.conformance.goflow_smart_groups import run_smart_groups
from turnflow.expressions import evaluate_template
from turnflow.expressions.environment import Environment
from turnflow.expressions.values import XObject
from turnflow.generators import SequentialClock
from turnflow.goflow.contact import (
    Contact,
    ContactAssets,
    ContactError,
    normalize_urn,
    parse_field_value,
    reevaluate_query_groups,
    urn_error,
)

GOFLOW = Path("/work/shared/fixtures/goflow")
BOB = {
    "uuid": "5d76d86b-3bb9-4d5a-b822-c9d86f5d8e4f",
    "id": 1234,
    "name": "Bob Smith",
    "language": "eng",
    "status": "active",
    "timezone": "America/Guayaquil",
    "created_on": "2018-06-20T11:40:30.123456789Z",
    "urns": [
        "tel:+12065551212?channel=57f1078f-88aa-46f4-a59a-948a5739c03d",
        "twitterid:54784326227#nyaruka",
    ],
    "groups": [{"uuid": "b7cf0d83-f1c9-411c-96fd-c511a4cfa86d", "name": "Testers"}],
    "fields": {"age": {"text": "23", "number": 23}},
    "tickets": [{"uuid": "01969b47-0583-76f8-ae7f-f8b243c49ff5", "status": "open"}],
}
FIELDS = [
    {"key": "age", "name": "Age", "type": "number"},
    {"key": "gender", "name": "Gender", "type": "text"},
    {"key": "born", "name": "Born", "type": "datetime"},
]


def test_json_round_trip_is_exact() -> None:
    contact = Contact.from_json(BOB)
    assert contact.to_json() == {**BOB, "fields": {"age": {"text": "23", "number": Decimal(23)}}}
    assert contact.urns[0].channel == "57f1078f-88aa-46f4-a59a-948a5739c03d"
    assert contact.urns[1].display == "nyaruka"


def test_json_normalises_like_go() -> None:
    data = {
        "uuid": "u",
        "created_on": "2018-06-20T11:40:30.120-00:00",
        "urns": [],
        "groups": [],
        "fields": {},
    }
    assert Contact.from_json(data).to_json() == {
        "uuid": "u",
        "status": "active",
        "created_on": "2018-06-20T11:40:30.12Z",
    }


def test_assets_drop_unknown_groups_and_fields() -> None:
    assets = ContactAssets(fields=FIELDS[1:], groups=[])
    contact = Contact.from_json(BOB, assets)
    assert contact.groups == [] and contact.fields == {}


@pytest.mark.parametrize(
    "data",
    [[], {"created_on": "x"}, {"uuid": "u"}, {"uuid": "u", "created_on": "x", "status": "zombie"}],
)
def test_bad_json(data: object) -> None:
    with pytest.raises(ContactError):
        Contact.from_json(data)  # type: ignore[arg-type]


def test_urn_normalisation_and_validation() -> None:
    assert normalize_urn("tel:+1 (701) 222-2222") == "tel:+17012222222"
    assert normalize_urn("twitter:@TAKEN123") == "twitter:taken123"
    assert normalize_urn("mailto:Bob@Example.COM") == "mailto:bob@example.com"
    assert urn_error("xyz:12345") == "unknown URN scheme"
    assert urn_error("tel:abc") == "invalid path component"
    assert urn_error("tel:+250788383383") is None


def test_parse_field_value_types() -> None:
    env = Environment(
        timezone=ZoneInfo("UTC"), now=lambda: dt.datetime(2025, 5, 4, 12, 30, tzinfo=dt.UTC)
    )
    assert parse_field_value(env, "number", "37") == {"text": "37", "number": Decimal(37)}
    assert parse_field_value(env, "text", "M") == {"text": "M"}
    assert parse_field_value(env, "text", "") is None
    assert parse_field_value(env, "datetime", "2020-03-04") == {
        "text": "2020-03-04",
        "datetime": "2020-03-04T12:30:00.000000Z",  # goflow's ISO form (microseconds)
    }  # time filled from now
    assert (
        parse_field_value(env, "datetime", "2020-03-04T10:00:00+02:00")["datetime"]
        == "2020-03-04T10:00:00.000000+02:00"
    )


def test_parse_field_value_reads_the_clock_like_goflow() -> None:
    clock = SequentialClock("2025-05-04T12:30:45.123456789Z")
    env = Environment(now=clock.now)
    parse_field_value(env, "number", "37")  # not ISO: one read for the current year
    assert clock.peek().format() == "2025-05-04T12:30:46.123456789Z"
    parse_field_value(env, "number", "2020-01-01T00:00:00Z")  # ISO: no read
    assert clock.peek().format() == "2025-05-04T12:30:46.123456789Z"


def test_locations() -> None:
    locations = {
        "name": "Rwanda",
        "children": [
            {
                "name": "Kigali City",
                "children": [{"name": "Gasabo", "children": [{"name": "Gisozi"}]}],
            }
        ],
    }
    env = Environment(locations=locations)
    assets = ContactAssets(
        fields=[{"key": "state", "type": "state"}, {"key": "district", "type": "district"}]
    )
    state = parse_field_value(env, "state", "kigali city", {}, assets)
    assert state == {"text": "kigali city", "state": "Rwanda > Kigali City"}
    district = parse_field_value(env, "district", "Gasabo", {"state": state}, assets)
    assert district == {
        "text": "Gasabo",
        "state": "Rwanda > Kigali City",
        "district": "Rwanda > Kigali City > Gasabo",
    }
    assert parse_field_value(env, "district", "Gasabo", {}, assets) == {"text": "Gasabo"}


def test_query_groups() -> None:
    assets = ContactAssets(
        fields=FIELDS,
        groups=[
            {"uuid": "g1", "name": "Old", "query": "age > 20"},
            {"uuid": "g2", "name": "Broken", "query": "xyz = 1"},
            {"uuid": "b7cf0d83-f1c9-411c-96fd-c511a4cfa86d", "name": "Testers"},
        ],
    )
    contact = Contact.from_json({**BOB, "groups": [{"uuid": "g2", "name": "Broken"}]}, assets)
    added, removed = reevaluate_query_groups(Environment(), contact, assets)
    assert added == [{"uuid": "g1", "name": "Old"}]
    assert removed == [{"uuid": "g2", "name": "Broken"}]


def test_context() -> None:
    env = Environment()
    ctx = XObject({"contact": Contact.from_json(BOB).context(env, FIELDS)})
    assert evaluate_template("@contact", ctx, env).text == "Bob Smith"
    assert evaluate_template("@contact.first_name @contact.fields.age", ctx, env).text == "Bob 23"
    assert (
        evaluate_template("@contact.status @contact.tickets.0.uuid", ctx, env).text
        == "active 01969b47-0583-76f8-ae7f-f8b243c49ff5"
    )
    redacted = XObject(
        {"contact": Contact.from_json({**BOB, "name": ""}).context(env, FIELDS, redact=True)}
    )
    assert evaluate_template("@contact @contact.urns.0", redacted, env).text == "1234 tel:********"


@pytest.mark.skipif(not GOFLOW.exists(), reason="goflow fixtures not present")
def test_smart_groups_data_set() -> None:
    result = run_smart_groups(GOFLOW)
    assert result.failed == 0, result.failures
    assert result.passed == 7


def test_assigning_an_attribute_drops_the_cached_contact_context() -> None:
    contact = Contact.from_json(BOB)
    first = contact.cached_context(("key",), lambda: XObject({"name": contact.name}))
    assert contact.cached_context(("key",), lambda: XObject({})) is first  # kept
    contact.name = "Robert"  # before any message route was cached
    rebuilt = contact.cached_context(("key",), lambda: XObject({"name": contact.name}))
    assert rebuilt is not first
    made = Contact(uuid=BOB["uuid"], created_on=BOB["created_on"])
    made.cached_context(("key",), lambda: XObject({}))
    made.language = "fra"
    assert made._context is None


def test_a_read_contact_is_the_contact_its_constructor_makes() -> None:
    # from_json builds the contact without Contact.__setattr__, then gives it its class
    contact = Contact.from_json(BOB)
    assert type(contact) is Contact
    made = Contact(
        uuid=contact.uuid, created_on=contact.created_on, id=contact.id, name=contact.name,
        language=contact.language, status=contact.status, timezone=contact.timezone,
        last_seen_on=contact.last_seen_on, urns=contact.urns, groups=contact.groups,
        fields=contact.fields, tickets=contact.tickets,
    )  # fmt: skip
    assert contact == made
    assert contact._context is None and contact._route is None
    assert not hasattr(contact, "__dict__")
    # and it is a Contact in full: an assignment still drops what was derived from it
    object.__setattr__(contact, "_route", ("kept",))
    contact.status = "blocked"
    assert contact._route is None


def test_contact_ref_is_worked_out_when_read() -> None:
    env = Environment()
    contact = Contact.from_json(BOB).context(env, FIELDS)
    obj = XObject({"contact": contact})
    assert evaluate_template("@contact.ref", obj, env).text == "WDWWHL"  # goflow's for id 1234
    assert contact.get("ref") == "WDWWHL"
    nobody = Contact.from_json({**BOB, "id": 0}).context(env, FIELDS)
    assert nobody.get("ref") == ""
