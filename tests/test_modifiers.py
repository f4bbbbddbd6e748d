"""Contact modifiers: the goflow data set and a few hand-made cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from turnflow.conformance.goflow_modifiers import START, run_modifiers
from turnflow.core.events import EventFactory
from turnflow.expressions.environment import Environment
from turnflow.generators import SeededUUIDs, SequentialClock
from turnflow.goflow.contact import Contact, ContactAssets
from turnflow.goflow.modifiers import ModifierContext, ModifierError, apply_modifier

GOFLOW = Path("/work/shared/fixtures/goflow")
ASSETS = ContactAssets(
    fields=[{"key": "age", "name": "Age", "type": "number"}],
    groups=[{"uuid": "g1", "name": "Testers"}, {"uuid": "g2", "name": "Old", "query": "age > 30"}],
)


def context() -> ModifierContext:
    clock = SequentialClock(START)
    return ModifierContext(
        Environment(now=clock.now), ASSETS, EventFactory(SeededUUIDs(123456, clock), clock)
    )


def bob() -> Contact:
    return Contact.from_json({"uuid": "u1", "name": "Bob", "created_on": START})


def test_field_change_re_evaluates_groups() -> None:
    ctx, contact = context(), bob()
    assert apply_modifier(
        ctx, contact, {"type": "field", "field": {"key": "age", "name": "Age"}, "value": "37"}
    )
    assert [e["type"] for e in ctx.log] == ["contact_field_changed", "contact_groups_changed"]
    assert ctx.log[1]["groups_added"] == [{"uuid": "g2", "name": "Old"}]
    assert contact.to_json()["groups"] == [{"uuid": "g2", "name": "Old"}]
    # the same value again changes nothing
    assert not apply_modifier(
        ctx, contact, {"type": "field", "field": {"key": "age"}, "value": "37"}
    )


def test_blocking_leaves_all_groups() -> None:
    ctx, contact = context(), bob()
    apply_modifier(
        ctx,
        contact,
        {"type": "groups", "modification": "add", "groups": [{"uuid": "g1", "name": "Testers"}]},
    )
    apply_modifier(ctx, contact, {"type": "status", "status": "blocked"})
    assert contact.groups == []
    assert ctx.log[-1]["groups_removed"] == [{"uuid": "g1", "name": "Testers"}]


def test_urns_modifier_events() -> None:
    ctx, contact = context(), bob()
    apply_modifier(
        ctx,
        contact,
        {"type": "urns", "modification": "append", "urns": ["tel:+1 555 0000 111", "xyz:1"]},
    )
    assert [e["type"] for e in ctx.log] == ["error", "contact_urns_changed"]
    assert ctx.log[0]["code"] == "urn:invalid"
    assert contact.encoded_urns() == ["tel:+15550000111"]


@pytest.mark.parametrize(
    "modifier", [{}, {"type": "nope"}, {"type": "status"}, {"type": "status", "status": "zombie"}]
)
def test_bad_modifiers(modifier: dict) -> None:
    with pytest.raises(ModifierError):
        apply_modifier(context(), bob(), modifier)


@pytest.mark.skipif(not GOFLOW.exists(), reason="goflow fixtures not present")
def test_goflow_modifiers_data_set() -> None:
    result = run_modifiers(GOFLOW)
    assert result.failed == 0, result.failures
    assert result.passed == 79
