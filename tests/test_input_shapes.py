"""The engine's shape check of triggers and resumes (turnflow.goflow.inputs): its fast path
(a checker compiled once per shape, walking the input's keys) accepts only what the full
check (validation.validate_fields) accepts, so a trigger or resume is refused exactly as the
full check alone would refuse it."""

from __future__ import annotations

import random
from typing import Any

import pytest

from turnflow.goflow.inputs import CALL, RESUME, TRIGGER, InputShapeError, Shape, check_shape
from turnflow.goflow.validation import F, FlowReadError, validate_fields

ODD_VALUES = [None, "", "x", 0, 1, 2**63, -(2**63), 2**63 - 1, 1.0, True, False, [], {}, ["a"],
              [None], [1], [{}], {"a": {}}, {"a": None}]  # fmt: skip


def _input(specs: tuple[F, ...], rng: random.Random, depth: int = 0) -> dict[str, Any]:
    """A random input of roughly this shape: right parts, wrong parts, missing parts."""
    data: dict[str, Any] = {}
    for spec in specs:
        roll = rng.random()
        if roll < 0.3 and not spec.required:
            continue
        if 0.3 <= roll < 0.31 or depth > 3:
            data[spec.name] = rng.choice(ODD_VALUES)
        elif spec.kind == "obj" and spec.fields:
            data[spec.name] = _input(spec.fields, rng, depth + 1)
        elif spec.kind == "list" and spec.fields:
            data[spec.name] = [_input(spec.fields, rng, depth + 1) if rng.random() < 0.95
                               else rng.choice(ODD_VALUES) for _ in range(rng.randint(0, 3))]
        elif spec.kind in ("list", "dict"):
            good = {} if spec.item is not None and spec.item.kind == "obj" else "a"
            items = [rng.choice([good, good, good, None, 1]) for _ in range(rng.randint(0, 2))]
            data[spec.name] = items if spec.kind == "list" else dict(enumerate(items))
        elif spec.kind == "str":
            data[spec.name] = rng.choice(["", "text", "text"])
        elif spec.kind == "int":
            data[spec.name] = rng.choice([0, 5, 5, 2**64, 1.0])
        elif spec.kind == "bool":
            data[spec.name] = rng.choice([True, False, 0])
        else:
            data[spec.name] = rng.choice(ODD_VALUES)
    if rng.random() < 0.2:
        data["unknown"] = rng.choice(ODD_VALUES)
    return data


def _accepted_in_full(shape: Shape, data: dict[str, Any]) -> bool:
    try:
        validate_fields(shape.specs, data, "input")
    except FlowReadError:
        return False
    return True


@pytest.mark.parametrize("shape", [TRIGGER, RESUME, CALL], ids=["trigger", "resume", "call"])
def test_the_fast_check_accepts_only_what_the_full_check_accepts(shape: Shape) -> None:
    rng = random.Random(11)
    fast = 0
    for _ in range(3000):
        data = _input(shape.specs, rng)
        if shape.fits(data):
            fast += 1
            assert _accepted_in_full(shape, data), data
    assert fast > 30  # (many do take the fast path)


def test_the_usual_inputs_take_the_fast_path() -> None:
    resume = {"type": "msg", "event": {"type": "msg_received", "uuid": "u", "created_on": "t",
                                       "msg": {"text": "hi", "urn": "tel:+1"}}}
    trigger = {"type": "manual", "flow": {"uuid": "f", "name": "F"}, "params": [1],
               "triggered_on": "2025-01-01T00:00:00Z", "batch": False}
    assert RESUME.fits(resume) and TRIGGER.fits(trigger)
    assert not RESUME.fits({"type": ""}) and not TRIGGER.fits({"type": "manual"})
    assert not RESUME.fits({"type": "dial", "dial": {"duration": 2**63}})


def test_a_wrong_part_is_named_by_the_full_check() -> None:
    with pytest.raises(InputShapeError, match=r"resume.event.msg.text: .*must be a string"):
        check_shape(RESUME, {"type": "msg", "event": {"msg": {"text": ["hi"]}}}, "resume")
    check_shape(RESUME, {"type": "dial", "dial": {"duration": 5.0}}, "resume")  # (Go reads 5.0)
