"""Kata runtime: NLUs (keyword, regex, method, remote plug-ins), classifiers, attributes and
intent selection inside a flow (tests/data/kata/nlus)."""

from __future__ import annotations

from pathlib import Path

import pytest

from turnflow.kata.engine import KataEngine
from turnflow.kata.nlu import KeywordNlu, RegexNlu, label_table, register_nlu_type, translate
from turnflow.kata.runtime_errors import KataRuntimeError

BOT = Path(__file__).parent / "data" / "kata" / "nlus"


def smart(message, options, config):
    text = message.get("content") or ""
    return {"intent": "greet", "person": "Di"} if "hello" in text else {"intent": "other"}


@pytest.fixture(scope="module")
def engine() -> KataEngine:
    engine = KataEngine(BOT)
    engine.register_nlu_type("nl", smart)
    return engine


def intent_of(engine: KataEngine, text: str) -> tuple[str | None, dict]:
    result = engine.exec_intent("main", {"type": "text", "content": text})
    return result["intent"], result["attributes"]


@pytest.mark.parametrize("text, intent, attributes", [
    # keyword: whole words, any case, the first label that has one; default otherwise
    ("I want HAWAIIAN", "pizza", {"kind": "Hawaiian", "loud": "HAWAIIAN"}),
    ("american thin crust pls", "thin", {}),
    ("hawaiians?", "anything", {}),
    # keyword exact: the whole text (spaces and case aside)
    ("yes", "agree", {}),
    (" Of  Course ", "agree", {}),
    ("yes please", "anything", {}),
    # keyword case-sensitive
    ("HELP", "shout", {}),
    ("help", "anything", {}),
    # regex: a group; groups by key; several regexes
    ("my name is Ann", "intro", {"name": "Ann"}),
    ("I am Bob", "intro", {"who": "I", "theName": "Bob"}),
    ("you am nobody", "anything", {}),  # the classifier's expression says no
    ("mail a@b.co or +6", "reach", {"email": "a@b.co", "phone": "+6"}),
    # a method NLU (with its options), attributes post-processed by a method
    ("call 7 or 42 or 123", "count", {"first": 42, "all": [42, 123]}),
    # a classifier's dict groups labels
    ("my dog", "animal", {}),
    # conditions (all must hold), an attribute's path and dict (with its default)
    ("to jkt now", "city", {"city": "jakarta"}),
    ("to Bdg", "city", {"city": "bandung"}),
    ("to xyz", "city", {"city": "elsewhere"}),
    ("to x", "anything", {}),
    # an NLU type used directly, with a hint put before the text
    ("pizza", "hinted", {}),
    # a remote NLU through its plug-in, a classifier expression over its output
    ("hello there", "clever", {"person": "Di"}),
])
def test_intents_and_attributes(engine, text, intent, attributes):
    assert intent_of(engine, text) == (intent, attributes)


def test_the_type_filter(engine):
    assert engine.exec_intent("main", {"type": "command", "content": "ping"})["intent"] == \
        "command"
    # a data message: only the fallback intent has no type
    assert engine.exec_intent("main", {"type": "data", "payload": {}})["intent"] == "anything"


def test_the_fallback_intent_only_when_no_other_matches_whatever_its_priority(engine):
    assert intent_of(engine, "yes")[0] == "agree"


def test_higher_priority_wins(engine):
    # "reach" (priority 0) and "count" (priority 2) both match
    assert intent_of(engine, "mail a@b.co or +62")[0] == "count"


def test_a_remote_nlu_without_a_plug_in_fails_in_one_line():
    engine = KataEngine(BOT)
    with pytest.raises(KataRuntimeError) as error:
        engine.exec_intent("main", {"type": "text", "content": "you am nobody"})
    text = str(error.value)
    assert "NLU 'smart' is of type 'nl'" in text and "register_nlu_type" in text
    assert text.startswith(f"{BOT / 'bot.yml'}:") and "\n" not in text


def test_a_plug_in_registered_for_every_engine():
    register_nlu_type("nl", smart)
    try:
        engine = KataEngine(BOT)
        assert intent_of(engine, "hello")[0] == "clever"
    finally:
        register_nlu_type("nl", None)


def test_a_plug_in_that_fails_fails_the_converse():
    engine = KataEngine(BOT)

    def broken(message, options, config):
        raise ConnectionError("no network")

    engine.register_nlu_type("nl", broken)
    with pytest.raises(KataRuntimeError, match="plug-in\\) failed: no network"):
        engine.exec_intent("main", {"type": "text", "content": "hello"})


def test_each_nlu_runs_once_per_message(engine):
    calls = []

    def counting(message, options, config):
        calls.append(message["content"])
        return smart(message, options, config)

    engine.register_nlu_type("nl", counting)
    try:
        assert intent_of(engine, "hello")[0] == "clever"
        # the classifier and the attribute use the same NLU: one call
        assert calls == ["hello"]
    finally:
        engine.register_nlu_type("nl", smart)


def test_keyword_and_regex_nlus_alone():
    keyword = KeywordNlu({"keywords": {"a": "alpha", "b": ["beta", "b b"]}})
    assert (keyword("ALPHA!"), keyword("x b  b"), keyword("alphabet")) == ("a", None, None)
    assert RegexNlu({"regex": "(\\d+)-(\\d+)", "index": {"x": 1, "y": 2}})("1-22") == {
        "x": "1", "y": "22"}
    assert RegexNlu({"regex": "(?<year>\\d{4})", "index": 1})("in 2024") == "2024"
    assert RegexNlu({"regex": "x", "index": 5})("x") is None
    with pytest.raises(KataRuntimeError, match="does not compile"):
        RegexNlu({"regex": "(unclosed"})


def test_dictionaries():
    table = label_table({"pet": ["cat", "dog"], "default": "other"})
    assert translate(["Cat", "fish"], table) == ["pet", "other"]
    assert translate(None, table) is None
