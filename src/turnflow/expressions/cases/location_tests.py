"""Location case tests: has_state, has_district, has_ward.

Without a location hierarchy in the environment (``env.locations`` is None) they are false.
"""

from __future__ import annotations

from ..environment import Environment
from ..functions.args import convert_all
from ..locations import DISTRICT, STATE, WARD, Location, LocationHierarchy
from ..values import XError, XValue, to_text
from .base import case_test, false_result, true_result


def _prepared(
    env: Environment, args: tuple[XValue, ...]
) -> tuple[LocationHierarchy, list[str]] | XValue:
    """The hierarchy and the arguments as text, or the test's result without a lookup:
    an argument's error, or false when the environment has no hierarchy."""
    texts = convert_all(env, to_text, args)
    if type(texts) is XError:
        return texts
    hierarchy = LocationHierarchy.coerce(env.locations)
    if hierarchy is None:
        return false_result()
    return hierarchy, texts


def _found(location: Location) -> XValue:
    return true_result(location.path)


def _only_match(
    hierarchy: LocationHierarchy, text: str, level: int, collation: str = "default"
) -> XValue:
    """Found anywhere in the hierarchy, as long as it is the only match."""
    found = hierarchy.find_fuzzy(text, level, collation=collation)
    return _found(found[0]) if len(found) == 1 else false_result()


@case_test("has_state", 1)
def has_state(env: Environment, value: XValue) -> XValue:
    prepared = _prepared(env, (value,))
    if type(prepared) is not tuple:
        return prepared
    hierarchy, (text,) = prepared
    collation = env.input_collation
    states = hierarchy.find_fuzzy(text, STATE, collation=collation)
    return _found(states[0]) if states else false_result()


@case_test("has_district", 1, 2)
def has_district(env: Environment, *args: XValue) -> XValue:
    prepared = _prepared(env, args)
    if type(prepared) is not tuple:
        return prepared
    hierarchy, texts = prepared
    collation = env.input_collation
    text = texts[0]
    state_text = texts[1] if len(texts) > 1 else ""

    states = hierarchy.find_fuzzy(state_text, STATE, collation=collation)
    if states:
        districts = hierarchy.find_fuzzy(text, DISTRICT, states[0], collation=collation)
        if districts:
            return _found(districts[0])

    # with no state given, any district will do as long as it is the only match
    return _only_match(hierarchy, text, DISTRICT, collation) if not state_text else false_result()


@case_test("has_ward", 1, 3)
def has_ward(env: Environment, *args: XValue) -> XValue:
    if len(args) == 2:
        return XError("takes one or three arguments, got 2")
    prepared = _prepared(env, args)
    if type(prepared) is not tuple:
        return prepared
    hierarchy, texts = prepared
    collation = env.input_collation
    text = texts[0]
    district_text, state_text = (texts[1], texts[2]) if len(texts) == 3 else ("", "")

    # documented order is (district, state); goflow's own examples pass (state, district),
    # so the swapped order is tried too
    for district_name, state_name in ((district_text, state_text), (state_text, district_text)):
        ward = _ward_in(hierarchy, text, district_name, state_name, collation)
        if ward is not None:
            return _found(ward)

    # with no district given, any ward will do as long as it is the only match
    return _only_match(hierarchy, text, WARD, collation) if not district_text else false_result()


def _ward_in(
    hierarchy: LocationHierarchy, text: str, district_text: str, state_text: str,
    collation: str = "default",
) -> Location | None:
    states = hierarchy.find_fuzzy(state_text, STATE, collation=collation)
    if not states:
        return None
    districts = hierarchy.find_fuzzy(district_text, DISTRICT, states[0], collation=collation)
    if not districts:
        return None
    wards = hierarchy.find_fuzzy(text, WARD, districts[0], collation=collation)
    return wards[0] if wards else None
