"""Location case tests: has_state, has_district, has_ward.

Without a location hierarchy in the environment (``env.locations`` is None) they are false.
"""

from __future__ import annotations

from ..environment import Environment
from ..locations import DISTRICT, STATE, WARD, Location, LocationHierarchy
from ..values import XError, XValue, to_text
from .base import case_test, false_result, true_result


def _hierarchy(env: Environment) -> LocationHierarchy | None:
    return LocationHierarchy.coerce(env.locations)


def _texts(env: Environment, args: tuple[XValue, ...]) -> list[str] | XError:
    texts = []
    for arg in args:
        text = to_text(env, arg)
        if type(text) is XError:
            return text
        texts.append(text)
    return texts


def _found(location: Location) -> XValue:
    return true_result(location.path)


@case_test("has_state", 1)
def has_state(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    hierarchy = _hierarchy(env)
    if hierarchy is None:
        return false_result()
    states = hierarchy.find_fuzzy(text, STATE)
    return _found(states[0]) if states else false_result()


@case_test("has_district", 1, 2)
def has_district(env: Environment, *args: XValue) -> XValue:
    texts = _texts(env, args)
    if type(texts) is XError:
        return texts
    hierarchy = _hierarchy(env)
    if hierarchy is None:
        return false_result()
    text = texts[0]
    state_text = texts[1] if len(texts) > 1 else ""

    states = hierarchy.find_fuzzy(state_text, STATE)
    if states:
        districts = hierarchy.find_fuzzy(text, DISTRICT, states[0])
        if districts:
            return _found(districts[0])

    # with no state given, any district will do as long as it is the only match
    if not state_text:
        districts = hierarchy.find_fuzzy(text, DISTRICT)
        if len(districts) == 1:
            return _found(districts[0])
    return false_result()


@case_test("has_ward", 1, 3)
def has_ward(env: Environment, *args: XValue) -> XValue:
    if len(args) == 2:
        return XError("takes one or three arguments, got 2")
    texts = _texts(env, args)
    if type(texts) is XError:
        return texts
    hierarchy = _hierarchy(env)
    if hierarchy is None:
        return false_result()
    text = texts[0]
    district_text, state_text = (texts[1], texts[2]) if len(texts) == 3 else ("", "")

    # documented order is (district, state); goflow's own examples pass (state, district),
    # so the swapped order is tried too
    for district_name, state_name in ((district_text, state_text), (state_text, district_text)):
        ward = _ward_in(hierarchy, text, district_name, state_name)
        if ward is not None:
            return _found(ward)

    # with no district given, any ward will do as long as it is the only match
    if not district_text:
        wards = hierarchy.find_fuzzy(text, WARD)
        if len(wards) == 1:
            return _found(wards[0])
    return false_result()


def _ward_in(
    hierarchy: LocationHierarchy, text: str, district_text: str, state_text: str
) -> Location | None:
    states = hierarchy.find_fuzzy(state_text, STATE)
    if not states:
        return None
    districts = hierarchy.find_fuzzy(district_text, DISTRICT, states[0])
    if not districts:
        return None
    wards = hierarchy.find_fuzzy(text, WARD, districts[0])
    return wards[0] if wards else None
