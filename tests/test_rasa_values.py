"""Slot values, payloads and responses as Rasa handles them.

Every table here was checked on rasa-pro 3.21 by running Rasa's own functions on the same
inputs (slot ``coerce_value``/``is_valid_value``/``has_same_coerced_value``, the
``/SetSlots`` and ``/intent`` readers, the response interpolator, the response variation
filter and the template generator, numpy-seeded choice included).
"""

from __future__ import annotations

import math
import re

import pytest

from turnflow.generators import SeededRandom
from turnflow.rasa.domain import Domain, Response, ResponseVariant, Slot
from turnflow.rasa.numpy_random import NumpyLegacyRandom
from turnflow.rasa.payloads import (
    IntentPayload,
    PlainText,
    SetSlotsPayload,
    parse_intent,
    parse_set_slots,
    read_user_text,
)
from turnflow.rasa.responses import (
    bot_message,
    candidate_variants,
    channel_message,
    generate,
    pick_variant,
)
from turnflow.rasa.slots import (
    Accepted,
    Rejected,
    allowed_values,
    check_value,
    coerce_value,
    has_same_coerced_value,
    is_valid_value,
    range_error,
    rejection_response,
    reset_value,
    stored_value,
)
from turnflow.rasa.templates import compile_jinja, render

SLOTS = {
    "text": Slot("text", "text"),
    "bool": Slot("bool", "bool"),
    "float": Slot("float", "float"),
    "float_0_100": Slot("float_0_100", "float", min_value=0, max_value=100),
    "float_min": Slot("float_min", "float", min_value=0),
    "pizza": Slot("pizza", "categorical", values=("Margherita", "diavola", 1, True)),
    "list": Slot("list", "list"),
    "any": Slot("any", "any"),
}

# (slot, value, coerced, valid) — checked on rasa-pro 3.21
COERCION = [
    ("text", "abc", "abc", True),
    ("text", "", "", True),
    ("text", 5, 5, True),
    ("text", None, None, True),
    ("text", ["a"], ["a"], True),
    ("bool", "true", True, True),
    ("bool", " YES ", True, True),
    ("bool", "No", False, True),
    ("bool", "false", False, True),
    ("bool", "1", True, True),
    ("bool", "0", False, True),
    ("bool", "2", False, True),
    ("bool", "١", True, True),
    ("bool", "½", "½", False),
    ("bool", "0.5", "0.5", False),
    ("bool", "y", "y", False),
    ("bool", "abc", "abc", False),
    ("bool", "", "", False),
    ("bool", 1, True, True),
    ("bool", 0, False, True),
    ("bool", 2, False, True),
    ("bool", 1.0, True, True),
    ("bool", True, True, True),
    ("bool", False, False, True),
    ("bool", None, None, True),
    ("bool", ["a"], ["a"], False),
    ("float", "5", 5.0, True),
    ("float", " 5 ", 5.0, True),
    ("float", "-3", -3.0, True),
    ("float", "1e3", 1000.0, True),
    ("float", "1_000", 1000.0, True),
    ("float", "5,5", "5,5", False),
    ("float", "abc", "abc", False),
    ("float", "", "", False),
    ("float", "inf", math.inf, True),
    ("float", 5, 5.0, True),
    ("float", 0, 0.0, True),
    ("float", True, 1.0, True),
    ("float", False, 0.0, True),
    ("float", None, None, True),
    ("float", ["a"], ["a"], False),
    ("float_0_100", 0, 0.0, True),
    ("float_0_100", 100, 100.0, True),
    ("float_0_100", 100.5, 100.5, False),
    ("float_0_100", -1, -1.0, False),
    ("float_0_100", 150.0, 150.0, False),
    ("float_0_100", 50.0, 50.0, True),
    ("float_min", -1.0, -1.0, True),
    ("float_min", 1000000000.0, 1000000000.0, True),
    ("pizza", "margherita", "Margherita", True),
    ("pizza", "MARGHERITA", "Margherita", True),
    ("pizza", "Margherita", "Margherita", True),
    ("pizza", "Diavola", "diavola", True),
    ("pizza", "diavola", "diavola", True),
    ("pizza", "true", "True", True),
    ("pizza", "True", "True", True),
    ("pizza", "1", "1", True),
    ("pizza", 1, 1, True),
    ("pizza", 1.0, 1.0, False),
    ("pizza", True, True, True),
    ("pizza", False, False, False),
    ("pizza", "__OTHER__", "__other__", True),
    ("pizza", "hawaii", "hawaii", False),
    ("pizza", "", "", False),
    ("pizza", None, None, True),
    ("pizza", 0, 0, False),
    ("list", "a", ["a"], True),
    ("list", "", "", True),
    ("list", 0, 0, True),
    ("list", False, False, True),
    ("list", None, None, True),
    ("list", [], [], True),
    ("list", ["a"], ["a"], True),
    ("list", 5, [5], True),
    ("list", {"k": 1}, [{"k": 1}], True),
    ("list", "[a, b]", ["[a, b]"], True),
    ("any", "a", "a", True),
    ("any", 5, 5, True),
    ("any", None, None, True),
    ("any", {"k": 1}, {"k": 1}, True),
]


@pytest.mark.parametrize(("slot", "value", "coerced", "valid"), COERCION)
def test_coercion_and_validity(slot, value, coerced, valid):
    result = coerce_value(SLOTS[slot], value)
    assert result == coerced and type(result) is type(coerced)
    assert is_valid_value(SLOTS[slot], value) is valid


def test_nan_is_a_float_but_fails_a_range():
    assert math.isnan(coerce_value(SLOTS["float"], "nan"))
    assert is_valid_value(SLOTS["float"], "nan")
    assert not is_valid_value(SLOTS["float_0_100"], float("nan"))


def test_categorical_values_as_rasa_compares_them():
    assert allowed_values(SLOTS["pizza"]) == ("Margherita", "diavola", "1", "True", "__other__")
    strict = Slot("s", "strict_categorical", values=("a", None))
    assert allowed_values(strict) == ("a",)


def test_exact_spelling_wins_over_case_insensitive_match():
    slot = Slot("s", "categorical", values=("a", "A"))
    assert coerce_value(slot, "A") == "A"
    assert coerce_value(slot, "a") == "a"


# the response a failed type check utters — checked on rasa-pro 3.21
@pytest.mark.parametrize(
    ("slot", "utter"),
    [
        ("text", None), ("bool", "utter_boolean_slot_rejection"),
        ("float", "utter_float_slot_rejection"), ("pizza", "utter_categorical_slot_rejection"),
        ("list", None), ("any", None),
    ],
)  # fmt: skip
def test_rejection_response(slot, utter):
    assert rejection_response(SLOTS[slot]) == utter


def test_check_value_as_a_collect_step_runs_it():
    assert check_value(SLOTS["bool"], "maybe") == Rejected("utter_boolean_slot_rejection", "maybe")
    assert check_value(SLOTS["float_0_100"], 150.0) == Rejected("utter_float_slot_rejection", 150.0)
    assert check_value(SLOTS["float_min"], -5.0) == Accepted(-5.0)  # one bound: no range
    assert check_value(SLOTS["pizza"], "hawaii").utter == "utter_categorical_slot_rejection"
    assert check_value(SLOTS["bool"], "yes") == Accepted(True, changed=True)
    assert check_value(SLOTS["float"], 1) == Accepted(1.0, changed=True)  # int → float
    assert check_value(SLOTS["float"], 1.0) == Accepted(1.0)
    assert check_value(SLOTS["pizza"], "DIAVOLA") == Accepted("diavola", changed=True)
    assert check_value(SLOTS["text"], None) == Accepted(None)


def test_stored_and_reset_values():
    # list and categorical slots coerce whenever they are set, reset included
    assert stored_value(SLOTS["list"], "a") == ["a"]
    assert stored_value(SLOTS["pizza"], "MARGHERITA") == "Margherita"
    assert stored_value(SLOTS["float"], "5") == "5"
    assert stored_value(SLOTS["bool"], "yes") == "yes"
    assert reset_value(Slot("l", "list", initial_value="x")) == ["x"]
    assert reset_value(Slot("c", "categorical", values=("a", "b"), initial_value="B")) == "b"
    assert reset_value(Slot("f", "float", initial_value=500)) == 500
    assert reset_value(SLOTS["text"]) is None


def test_float_range_errors_at_load():
    assert range_error(Slot("f", "float", min_value=5, max_value=5)) is not None
    assert range_error(Slot("f", "float", min_value=0, max_value=10, initial_value=11))
    assert range_error(Slot("f", "float", min_value=0, initial_value=-1)) is None
    assert range_error(SLOTS["float_0_100"]) is None


# (slot, current value, new value, same?) — checked on rasa-pro 3.21
SAME = [
    ("float", 1.0, True, True),
    ("float", 5.0, "5", True),
    ("float", 5.0, "5.0", True),
    ("bool", True, "1", True),
    ("bool", True, "yes", True),
    ("bool", False, "no", True),
    ("text", "1", 1, False),
    ("any", 1, True, True),
    ("list", ["a"], "a", True),
    ("text", None, None, True),
    ("float", None, "abc", False),
    ("pizza", "diavola", "DIAVOLA", True),
    ("pizza", "Margherita", "margherita", True),
    ("text", "a", "A", False),
]


@pytest.mark.parametrize(("slot", "current", "value", "same"), SAME)
def test_has_same_coerced_value(slot, current, value, same):
    assert has_same_coerced_value(SLOTS[slot], current, value) is same


SET_SLOT_NAMES = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "name", "items"]

# (text, pairs or None for a void payload) — checked on rasa-pro 3.21
SET_SLOTS = [
    ("/SetSlots(a=1, b=x)", (("a", "1"), ("b", "x"))),
    ("/SetSlots(a=1,b=2)", (("a", "1"), ("b", "2"))),
    ("/SetSlots( a = 1 , b = two words )", (("a", "1"), ("b", "two words"))),
    ('/SetSlots(name="John Smith")', (("name", '"John Smith"'),)),
    ("/SetSlots(name='O Brien')", (("name", "'O Brien'"),)),
    ("/SetSlots(a=1,2)", (("a", "1"),)),
    ("/SetSlots(items=[a, b], c=3)", (("items", "[a, b]"), ("c", "3"))),
    (
        "/SetSlots(a=none, b=NULL, c=Undefined, d=None )",
        (("a", None), ("b", None), ("c", None), ("d", None)),
    ),
    ("/SetSlots(a=none of these)", (("a", "none of these"),)),
    ("/SetSlots(a=)", None),
    ("/SetSlots(a)", None),
    ("/SetSlots(zz=1)", None),
    ("/SetSlots(a=1, zz=2)", None),
    ("/SetSlots()", None),
    (
        "/SetSlots(a=1, b=2, c=3, d=4, e=5, f=6, g=7, h=8, i=9, j=10)",
        (
            ("a", "1"),
            ("b", "2"),
            ("c", "3"),
            ("d", "4"),
            ("e", "5"),
            ("f", "6"),
            ("g", "7"),
            ("h", "8"),
            ("i", "9"),
            ("j", "10"),
        ),
    ),
    ("/SetSlots(a=1, b=2, c=3, d=4, e=5, f=6, g=7, h=8, i=9, j=10, k=11)", None),
    ("/SetSlots(a=x=y)", (("a", "x=y"),)),
    ("/SetSlots(a=1)(b=2)", (("a", "1"), ("b", "2"))),
    ("/SetSlots(a=1) trailing", (("a", "1"),)),
    ("/SetSlots(a=1, a=2)", (("a", "1"), ("a", "2"))),
    ("/SetSlots(a= , b=2)", (("a", ""), ("b", "2"))),
    ("/SetSlots(a=é ü)", (("a", "é ü"),)),
]


@pytest.mark.parametrize(("text", "pairs"), SET_SLOTS)
def test_set_slots_payload(text, pairs):
    payload = parse_set_slots(text, SET_SLOT_NAMES)
    assert (payload.slots if payload else None) == pairs


INTENTS = ("greet", "inform")
ENTITIES = ("x", "name")

# (text, (intent, confidence, ((entity, value, start, end), ...)) or None) — rasa-pro 3.21
INTENT_PAYLOADS = [
    ("/greet", ("greet", 1.0, ())),
    ("  /greet  ", ("greet", 1.0, ())),
    ("/ greet", ("greet", 1.0, ())),
    ("/greet hello", None),
    ("/unknown", None),
    ("/restart", ("restart", 1.0, ())),
    ('/inform{"x": 1}', ("inform", 1.0, (("x", 1, 7, 15),))),
    (
        '/inform{"x": [1, 2], "name": "Jo"}',
        ("inform", 1.0, (("x", 1, 7, 34), ("x", 2, 7, 34), ("name", "Jo", 7, 34))),
    ),
    ('/inform{"zz": 1, "x": "v"}', ("inform", 1.0, (("x", "v", 7, 26),))),
    ('/inform{"x": 1', ("inform", 1.0, ())),
    ("/inform{bad}", ("inform", 1.0, ())),
    ('/inform["x"]', None),
    ("/inform@0.5", ("inform", 0.5, ())),
    ("/inform@1.5", ("inform", 1.0, ())),
    ("/inform@1.2.3", ("inform", 0.0, ())),
    ('/inform@0.3{"x": 2}', ("inform", 0.3, (("x", 2, 11, 19),))),
    ('/inform{"x": 1} tail', ("inform", 1.0, (("x", 1, 7, 15),))),
    ('/inform{"x": 1}}', ("inform", 1.0, ())),
    ("/inform@abc", ("inform", 1.0, ())),
    ("/", None),
    ("//greet", None),
    ("/greet{}", ("greet", 1.0, ())),
    ('/inform {"x": 1}', ("inform", 1.0, (("x", 1, 8, 16),))),
    ('/inform{"x": {"y": 1}}', ("inform", 1.0, (("x", {"y": 1}, 7, 22),))),
]


@pytest.mark.parametrize(("text", "expected"), INTENT_PAYLOADS)
def test_intent_payload(text, expected):
    payload = parse_intent(text, INTENTS, ENTITIES)
    found = None
    if payload:
        entities = tuple((e["entity"], e["value"], e["start"], e["end"]) for e in payload.entities)
        found = (payload.intent, payload.confidence, entities)
    assert found == expected


def test_intent_payload_names_its_extractor_and_accepts_all_without_a_domain():
    payload = parse_intent('/whatever{"q": 1}', extractor="RegexMessageHandler")
    assert payload.intent == "whatever"
    assert payload.entities == (
        {"entity": "q", "value": 1, "start": 9, "end": 17, "extractor": "RegexMessageHandler"},
    )


def test_read_user_text():
    domain = Domain(slots={"a": Slot("a", "text")}, intents=("greet",))
    assert read_user_text(" /SetSlots(a=1) ", domain) == SetSlotsPayload((("a", "1"),))
    assert read_user_text("/greet", domain) == IntentPayload("greet", 1.0, (), "/greet")
    # a void payload goes on as words without its leading slashes
    assert read_user_text("/SetSlots(zz=1)", domain) == PlainText("SetSlots(zz=1)")
    assert read_user_text("// unknown", domain) == PlainText("unknown")
    assert read_user_text("hello /greet", domain) == PlainText("hello /greet")


VALUES = {
    "amount": 50.0, "big": 1e16, "small": 1e-5, "n": 5, "b": True, "none": None,
    "lst": ["a", "b"], "name": "John", "d": {"k": "v"}, "context": {"flow": "x"}, "a.b": "dot",
    "s p": "sp", "e": "", "weird": "x0[y",
}  # fmt: skip

# (template, result) — checked on rasa-pro 3.21
FORMAT_CASES = [
    ("Send {amount} to {name}?", "Send 50.0 to John?"),
    ("{big} {small}", "1e+16 1e-05"),
    ("{n} {b} {none} {lst}", "5 True None ['a', 'b']"),
    ("{d}", "{'k': 'v'}"),
    ("{missing}", "{missing}"),
    ("Hi {name}, {missing}", "Hi {name}, {missing}"),
    ("{{name}}", "{name}"),
    ("{{name}} {name}", "{{name}} {name}"),
    ("{ name }", "{ name }"),
    ("{amount:.2f}", "{amount:.2f}"),
    ("{a.b}", "dot"),
    ("{s p}", "sp"),
    ("{}", "{}"),
    ("{name!r}", "{name!r}"),
    ("{context}", "{'flow': 'x'}"),
    ("{{ name }}", "{ name }"),
    ("{e}", ""),
    ("{name[0]}", "{name[0]}"),
    ("100% {name}", "100% John"),
    ("{{{name}}}", "{John}"),
    ("plain", "plain"),
    ("{weird}", "{weird}"),
    ("a0[b", "a0[b"),
    ("{context[flow]}", "{context[flow]}"),
]


@pytest.mark.parametrize(("template", "expected"), FORMAT_CASES)
def test_format_interpolation(template, expected):
    assert render(template, VALUES) == expected


# (template, result) — checked on rasa-pro 3.21
JINJA_CASES = [
    ("{{ amount }} {{ name }}", "50.0 John"),
    ("{{ missing }}", ""),
    ("{{ missing.x }}", "{{ missing.x }}"),
    ("{{ context.flow }}", "x"),
    ("{{ context.nope }}", ""),
    ("{{ context.nope.x }}", "{{ context.nope.x }}"),
    ("{{ lst }}", "['a', 'b']"),
    ("{{ none }}", "None"),
    ("{{ b }}", "True"),
    ("{{ big }}", "1e+16"),
    ("{% if b %}yes{% endif %}", "yes"),
    ("{{ name | upper }}", "JOHN"),
    ("{name}", "{name}"),
    ("line\n", "line"),
    ("<b>{{ '<i>' }}</b>", "<b><i></b>"),
]


@pytest.mark.parametrize(("template", "expected"), JINJA_CASES)
def test_jinja_interpolation(template, expected):
    assert render(template, VALUES, "jinja") == expected


def test_where_rasa_fails_the_text_stays():
    for template in ("{{name}", "x {} {name}", "{name}{"):
        assert render(template, VALUES) == template
    assert render("{{ x", VALUES, "jinja") == "{{ x"
    with pytest.raises(ValueError):
        render("x", VALUES, "mustache")


def test_jinja_templates_compile_once():
    assert compile_jinja("{{ name }} once") is compile_jinja("{{ name }} once")


# the responses the variant and message tables below were checked with (rasa-pro 3.21)
RESPONSES_AS_WRITTEN = {
    "utter_done": [
        {"condition": 'slots.mode == "once"', "text": "Done once."},
        {"text": "Done."},
        {"text": "Done on web.", "channel": "web"},
        {"condition": 'slots.mode == "once"', "text": "Once on web.", "channel": "web"},
    ],
    "utter_cond_only": [{"condition": 'slots.mode == "x"', "text": "x"}],
    "utter_chan_only": [{"channel": "web", "text": "web only"}],
    "utter_two_conds": [
        {"condition": "slots.n > 1", "text": "gt1"},
        {"condition": "slots.n > 2", "text": "gt2"},
        {"text": "plain"},
    ],
    "utter_three": [{"text": "one"}, {"text": "two"}, {"text": "three {name}"}],
    "utter_bad_cond": [{"condition": "slots.n >>> 1", "text": "bad"}, {"text": "fallback"}],
    "utter_empty_cond": [{"condition": "", "text": "empty"}, {"text": "fallback"}],
    "utter_jcond": [
        {"condition": 'slots.mode == "{{ slots.other }}"', "text": "jinja cond"},
        {"text": "no"},
    ],
    "utter_jcond_bad": [
        {"condition": 'slots.mode == "{{ slots.nope.x }}"', "text": "jinja cond"},
        {"text": "no"},
    ],
    "utter_internal_error_rasa": [{"text": "internal error"}],
    "utter_rich": [
        {
            "text": "Pay {amount}?",
            "buttons": [{"title": "Yes {name}", "payload": "/SetSlots(amount={amount})"}],
            "image": "http://x/{name}.png",
            "custom": {"k": "{name}", "n": 3, "deep": [{"z": "{amount}"}, ["{n}"]]},
            "attachment": "att {name}",
            "quick_replies": [{"title": "{name}"}],
            "metadata": {"rephrase": True},
            "id": "v1",
            "elements": ["{name}"],
            "button_type": "vertical",
        }
    ],
    "utter_img": [{"image": "http://i/{name}"}],
    "utter_img_att": [{"image": "http://i/1", "attachment": "http://i/1", "text": "same"}],
    "utter_j": [
        {
            "text": "Bye {{ name }} from {{ context.flow_id }} {name}",
            "metadata": {"template": "jinja"},
            "buttons": [{"title": "{{ name }}", "payload": "/x"}],
        }
    ],
    "utter_value": [{"text": "bad `{{value}}`", "metadata": {"template": "jinja"}}],
    "utter_emptybuttons": [{"text": "hi", "buttons": []}],
    "utter_cond_meta": [
        {"text": "c", "condition": "slots.n > 1", "channel": "rest"},
        {"text": "d"},
    ],
    "utter_custom_only": [{"custom": {"payload": "{name}"}}],
}
RESPONSES = {
    name: Response(
        name,
        tuple(
            ResponseVariant(
                text=v.get("text"), buttons=tuple(v.get("buttons", ())),
                condition=v.get("condition"), channel=v.get("channel"),
                metadata=v.get("metadata", {}), data=v,
            )
            for v in variants
        ),
    )
    for name, variants in RESPONSES_AS_WRITTEN.items()
}  # fmt: skip
SLOT_VALUES = {
    "once": {"mode": "once", "n": 3, "amount": 50.0, "name": "John", "other": "once"},
    "twice": {"mode": "twice", "n": 0, "amount": 5000.0, "name": None, "other": "x"},
}
_COMPARISON = re.compile(r'^slots\.(\w+) (==|>) ("?)(\w+)\3$')


def condition_holds(text, slots):
    """A stand-in for the predicate module: ``slots.x == "v"`` and ``slots.x > 1`` only."""
    match = _COMPARISON.match(text)
    if not match:
        raise ValueError(f"cannot read {text!r}")
    name, operator, quoted, literal = match.groups()
    value = slots.get(name)
    if operator == "==":
        return value == (literal if quoted else float(literal))
    return value is not None and value > float(literal)


# (response, channel, slot values, texts of the variants Rasa chooses among) — rasa-pro 3.21
CANDIDATES = [
    ("utter_done", "web", "once", ("Once on web.",)),
    ("utter_done", "web", "twice", ("Done on web.",)),
    ("utter_done", "rest", "once", ("Done once.",)),
    ("utter_done", "rest", "twice", ("Done.",)),
    ("utter_cond_only", "web", "once", ("internal error",)),
    ("utter_cond_only", "web", "twice", ("internal error",)),
    ("utter_cond_only", "rest", "once", ("internal error",)),
    ("utter_cond_only", "rest", "twice", ("internal error",)),
    ("utter_chan_only", "web", "once", ("web only",)),
    ("utter_chan_only", "web", "twice", ("web only",)),
    ("utter_chan_only", "rest", "once", ("internal error",)),
    ("utter_chan_only", "rest", "twice", ("internal error",)),
    ("utter_two_conds", "web", "once", ("gt1", "gt2")),
    ("utter_two_conds", "web", "twice", ("plain",)),
    ("utter_two_conds", "rest", "once", ("gt1", "gt2")),
    ("utter_two_conds", "rest", "twice", ("plain",)),
    ("utter_bad_cond", "web", "once", ("fallback",)),
    ("utter_bad_cond", "web", "twice", ("fallback",)),
    ("utter_bad_cond", "rest", "once", ("fallback",)),
    ("utter_bad_cond", "rest", "twice", ("fallback",)),
    ("utter_empty_cond", "web", "once", ("fallback",)),
    ("utter_empty_cond", "web", "twice", ("fallback",)),
    ("utter_empty_cond", "rest", "once", ("fallback",)),
    ("utter_empty_cond", "rest", "twice", ("fallback",)),
    ("utter_jcond", "web", "once", ("jinja cond",)),
    ("utter_jcond", "web", "twice", ("no",)),
    ("utter_jcond", "rest", "once", ("jinja cond",)),
    ("utter_jcond", "rest", "twice", ("no",)),
    ("utter_jcond_bad", "web", "once", ("no",)),
    ("utter_jcond_bad", "web", "twice", ("no",)),
    ("utter_jcond_bad", "rest", "once", ("no",)),
    ("utter_jcond_bad", "rest", "twice", ("no",)),
    ("utter_cond_meta", "web", "once", ("d",)),
    ("utter_cond_meta", "web", "twice", ("d",)),
    ("utter_cond_meta", "rest", "once", ("c",)),
    ("utter_cond_meta", "rest", "twice", ("d",)),
]


@pytest.mark.parametrize(("name", "channel", "slots", "texts"), CANDIDATES)
def test_candidate_variants(name, channel, slots, texts):
    found = candidate_variants(name, RESPONSES, SLOT_VALUES[slots], condition_holds, channel)
    assert tuple(v.text for v in found) == texts


def test_unknown_response_gives_nothing():
    assert candidate_variants("utter_nope", RESPONSES, {}, condition_holds) == ()
    assert generate("utter_nope", RESPONSES, {}, condition_holds) is None


# (seed, six texts of utter_three drawn after np.random.seed(seed)) — rasa-pro 3.21
SEEDED_PICKS = [
    (0, ("one", "two", "one", "two", "two", "three John")),
    (1, ("two", "one", "one", "two", "two", "one")),
    (2, ("one", "two", "one", "three John", "three John", "one")),
    (3, ("three John", "one", "two", "one", "one", "one")),
    (4, ("three John", "three John", "two", "two", "one", "one")),
    (5, ("three John", "two", "three John", "three John", "one", "two")),
]


@pytest.mark.parametrize(("seed", "texts"), SEEDED_PICKS)
def test_random_pick_follows_numpy_seed(seed, texts):
    random = NumpyLegacyRandom(seed)
    picks = [
        generate("utter_three", RESPONSES, SLOT_VALUES["once"], condition_holds, random=random)
        for _ in texts
    ]
    assert tuple(p["text"] for p in picks) == texts


def test_any_index_source_picks():
    picked = pick_variant("utter_three", RESPONSES, {}, condition_holds, random=SeededRandom(3))
    assert picked in RESPONSES["utter_three"].variants


# response → (generated message, bot event, what the channel gets) — rasa-pro 3.21, with
# slots "once", context {"flow_id": "transfer"}, extra value "abc", channel "rest"
MESSAGES = {
    "utter_rich": (
        {
            "image": "http://x/John.png",
            "custom": {"k": "John", "n": 3, "deep": [{"z": "50.0"}, ["3"]]},
            "attachment": "att John",
            "quick_replies": [{"title": "John"}],
            "metadata": {"rephrase": True},
            "id": "v1",
            "elements": ["{name}"],
            "button_type": "vertical",
            "text": "Pay 50.0?",
            "buttons": [{"title": "Yes John", "payload": "/SetSlots(amount=50.0)"}],
        },
        {
            "text": "Pay 50.0?",
            "data": {
                "elements": ["{name}"],
                "quick_replies": [{"title": "John"}],
                "buttons": [{"title": "Yes John", "payload": "/SetSlots(amount=50.0)"}],
                "attachment": "att John",
                "image": "http://x/John.png",
                "custom": {"k": "John", "n": 3, "deep": [{"z": "50.0"}, ["3"]]},
            },
            "metadata": {
                "metadata": {"rephrase": True},
                "id": "v1",
                "button_type": "vertical",
                "utter_action": "utter_rich",
                "utter_source": "TemplatedNaturalLanguageGenerator",
            },
        },
        {
            "elements": ["{name}"],
            "quick_replies": [{"title": "John"}],
            "buttons": [{"title": "Yes John", "payload": "/SetSlots(amount=50.0)"}],
            "attachment": "att John",
            "image": "http://x/John.png",
            "custom": {"k": "John", "n": 3, "deep": [{"z": "50.0"}, ["3"]]},
            "text": "Pay 50.0?",
            "metadata": {"rephrase": True},
            "id": "v1",
            "button_type": "vertical",
            "utter_action": "utter_rich",
            "utter_source": "TemplatedNaturalLanguageGenerator",
        },
    ),
    "utter_img": (
        {"image": "http://i/John", "text": None},
        {
            "text": None,
            "data": {
                "elements": None,
                "quick_replies": None,
                "buttons": None,
                "attachment": "http://i/John",
                "image": "http://i/John",
                "custom": None,
            },
            "metadata": {
                "utter_action": "utter_img",
                "utter_source": "TemplatedNaturalLanguageGenerator",
            },
        },
        {
            "elements": None,
            "quick_replies": None,
            "buttons": None,
            "attachment": None,
            "image": "http://i/John",
            "custom": None,
            "text": None,
            "utter_action": "utter_img",
            "utter_source": "TemplatedNaturalLanguageGenerator",
        },
    ),
    "utter_img_att": (
        {"image": "http://i/1", "attachment": "http://i/1", "text": "same"},
        {
            "text": "same",
            "data": {
                "elements": None,
                "quick_replies": None,
                "buttons": None,
                "attachment": "http://i/1",
                "image": "http://i/1",
                "custom": None,
            },
            "metadata": {
                "utter_action": "utter_img_att",
                "utter_source": "TemplatedNaturalLanguageGenerator",
            },
        },
        {
            "elements": None,
            "quick_replies": None,
            "buttons": None,
            "attachment": None,
            "image": "http://i/1",
            "custom": None,
            "text": "same",
            "utter_action": "utter_img_att",
            "utter_source": "TemplatedNaturalLanguageGenerator",
        },
    ),
    "utter_j": (
        {
            "metadata": {"template": "jinja"},
            "text": "Bye John from transfer {name}",
            "buttons": [{"title": "John", "payload": "/x"}],
        },
        {
            "text": "Bye John from transfer {name}",
            "data": {
                "elements": None,
                "quick_replies": None,
                "buttons": [{"title": "John", "payload": "/x"}],
                "attachment": None,
                "image": None,
                "custom": None,
            },
            "metadata": {
                "metadata": {"template": "jinja"},
                "utter_action": "utter_j",
                "utter_source": "TemplatedNaturalLanguageGenerator",
            },
        },
        {
            "elements": None,
            "quick_replies": None,
            "buttons": [{"title": "John", "payload": "/x"}],
            "attachment": None,
            "image": None,
            "custom": None,
            "text": "Bye John from transfer {name}",
            "metadata": {"template": "jinja"},
            "utter_action": "utter_j",
            "utter_source": "TemplatedNaturalLanguageGenerator",
        },
    ),
    "utter_value": (
        {"metadata": {"template": "jinja"}, "text": "bad `abc`"},
        {
            "text": "bad `abc`",
            "data": {
                "elements": None,
                "quick_replies": None,
                "buttons": None,
                "attachment": None,
                "image": None,
                "custom": None,
            },
            "metadata": {
                "metadata": {"template": "jinja"},
                "utter_action": "utter_value",
                "utter_source": "TemplatedNaturalLanguageGenerator",
            },
        },
        {
            "elements": None,
            "quick_replies": None,
            "buttons": None,
            "attachment": None,
            "image": None,
            "custom": None,
            "text": "bad `abc`",
            "metadata": {"template": "jinja"},
            "utter_action": "utter_value",
            "utter_source": "TemplatedNaturalLanguageGenerator",
        },
    ),
    "utter_emptybuttons": (
        {"text": "hi"},
        {
            "text": "hi",
            "data": {
                "elements": None,
                "quick_replies": None,
                "buttons": None,
                "attachment": None,
                "image": None,
                "custom": None,
            },
            "metadata": {
                "utter_action": "utter_emptybuttons",
                "utter_source": "TemplatedNaturalLanguageGenerator",
            },
        },
        {
            "elements": None,
            "quick_replies": None,
            "buttons": None,
            "attachment": None,
            "image": None,
            "custom": None,
            "text": "hi",
            "utter_action": "utter_emptybuttons",
            "utter_source": "TemplatedNaturalLanguageGenerator",
        },
    ),
    "utter_custom_only": (
        {"custom": {"payload": "John"}, "text": None},
        {
            "text": None,
            "data": {
                "elements": None,
                "quick_replies": None,
                "buttons": None,
                "attachment": None,
                "image": None,
                "custom": {"payload": "John"},
            },
            "metadata": {
                "utter_action": "utter_custom_only",
                "utter_source": "TemplatedNaturalLanguageGenerator",
            },
        },
        {
            "elements": None,
            "quick_replies": None,
            "buttons": None,
            "attachment": None,
            "image": None,
            "custom": {"payload": "John"},
            "text": None,
            "utter_action": "utter_custom_only",
            "utter_source": "TemplatedNaturalLanguageGenerator",
        },
    ),
    "utter_cond_meta": (
        {"condition": "slots.n > 1", "channel": "rest", "text": "c"},
        {
            "text": "c",
            "data": {
                "elements": None,
                "quick_replies": None,
                "buttons": None,
                "attachment": None,
                "image": None,
                "custom": None,
            },
            "metadata": {
                "condition": "slots.n > 1",
                "channel": "rest",
                "utter_action": "utter_cond_meta",
                "utter_source": "TemplatedNaturalLanguageGenerator",
            },
        },
        {
            "elements": None,
            "quick_replies": None,
            "buttons": None,
            "attachment": None,
            "image": None,
            "custom": None,
            "text": "c",
            "condition": "slots.n > 1",
            "channel": "rest",
            "utter_action": "utter_cond_meta",
            "utter_source": "TemplatedNaturalLanguageGenerator",
        },
    ),
}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_generated_message_and_its_shapes(name):
    message, event, received = MESSAGES[name]
    generated = generate(
        name, RESPONSES, SLOT_VALUES["once"], condition_holds, channel="rest",
        context={"flow_id": "transfer"}, extra={"value": "abc"},
    )  # fmt: skip
    assert generated == message
    bot = bot_message(generated, name)
    flow = {"active_flow": None, "step_id": None}  # Rasa adds these within a conversation
    assert bot == {**event, "metadata": {**event["metadata"], **flow}}
    assert channel_message(bot) == {**received, **flow}


def test_float_slots_print_like_rasa():
    text = generate("utter_rich", RESPONSES, {"amount": 5000.0, "name": "John"}, condition_holds)[
        "text"
    ]
    assert text == "Pay 5000.0?"
