"""goflow spec migrations 13.0.0 -> 14.4.2 (turnflow.goflow.migrations)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from turnflow.conformance.goflow_migrations import run_migrations
from turnflow.expressions.ast import ContextRef, DotLookup
from turnflow.generators import SeededUUIDs, SequentialClock
from turnflow.goflow.migrations import (
    LATEST_VERSION_TEXT,
    MIGRATIONS,
    MigrationError,
    migrate,
    needs_migration,
)
from turnflow.goflow.migrations._templates import (
    parse,
    print_expression,
    refactor_template,
)
from turnflow.goflow.reader import read_flow
from turnflow.goflow.validation import FlowReadError

GOFLOW = Path("/work/shared/fixtures/goflow")


def seeded() -> SeededUUIDs:
    return SeededUUIDs(123456, SequentialClock())


def flow(**fields):
    data = {
        "uuid": "76f0a02f-3b75-4b86-9064-e9195e1b3a02",
        "name": "Test Flow",
        "spec_version": "13.0.0",
        "language": "eng",
        "type": "messaging",
        "nodes": [],
    }
    data.update(fields)
    return data


def webhook_node(operand: str = "@results.webhook", case_type: str = "has_text"):
    return {
        "uuid": "365293c7-633c-45bd-96b7-0b059766588d",
        "actions": [{"uuid": "8eebd020-1af5-431c-b943-aa670fc74da9", "type": "call_webhook",
                     "method": "GET", "url": "http://example.com/@webhook",
                     "result_name": "webhook"}],
        "router": {
            "type": "switch",
            "operand": operand,
            "cases": [
                {"uuid": "e27c3bce-1095-4d08-9164-dc4530a0688a", "type": case_type,
                 "arguments": [], "category_uuid": "2ab9b033-77a8-4e56-a558-b568c00c9492"},
                {"uuid": "4a6c3b0b-0658-4a93-ae37-bee68f6a6a87", "type": "has_text",
                 "arguments": [], "category_uuid": "c7bca181-0cb3-4ec6-8555-f7e5644238ad"},
            ],
            "categories": [
                {"uuid": "2ab9b033-77a8-4e56-a558-b568c00c9492", "name": "Success",
                 "exit_uuid": "3bd19c40-1114-4b83-b12e-f0c38054ba3f"},
                {"uuid": "c7bca181-0cb3-4ec6-8555-f7e5644238ad", "name": "Failure",
                 "exit_uuid": "9ad71fc4-c2f8-4aab-a193-7bafad172ca0"},
            ],
            "default_category_uuid": "c7bca181-0cb3-4ec6-8555-f7e5644238ad",
        },
        "exits": [{"uuid": "3bd19c40-1114-4b83-b12e-f0c38054ba3f"},
                  {"uuid": "9ad71fc4-c2f8-4aab-a193-7bafad172ca0"}],
    }


@pytest.mark.skipif(not GOFLOW.exists(), reason="goflow fixtures not present")
def test_goflow_migration_cases():
    result = run_migrations(GOFLOW)
    assert result.failures == []
    assert result.passed == 41


def test_registry_is_ordered_and_complete():
    versions = [m.text for m in MIGRATIONS]
    assert versions == ["13.1.0", "13.2.0", "13.3.0", "13.4.0", "13.5.0", "13.6.0", "13.6.1",
                        "14.0.0", "14.1.0", "14.2.0", "14.3.0", "14.3.1", "14.4.0", "14.4.1",
                        "14.4.2"]
    assert LATEST_VERSION_TEXT == "14.4.2"


def test_migrates_to_latest_without_touching_the_input():
    original = flow(spec_version="13.0", language="base", nodes=[webhook_node()])
    before = copy.deepcopy(original)
    migrated = migrate(original, uuids=seeded())
    assert original == before
    assert migrated["spec_version"] == "14.4.2"
    assert migrated["language"] == "und"
    node = migrated["nodes"][0]
    assert node["actions"][0]["url"] == "http://example.com/@webhook.json"
    router = node["router"]
    assert router["operand"] == "@(default(webhook.status, 0))"
    assert router["cases"] == [
        {"uuid": "e27c3bce-1095-4d08-9164-dc4530a0688a", "type": "has_number_between",
         "arguments": ["200", "299"], "category_uuid": "2ab9b033-77a8-4e56-a558-b568c00c9492"}
    ]


def test_to_caps_the_migrations():
    migrated = migrate(flow(nodes=[webhook_node()]), to="14.1.0")
    assert migrated["spec_version"] == "14.1.0"
    assert migrated["nodes"][0]["router"]["operand"] == "@webhook.status"
    assert migrate(flow(), to="13.0.0")["spec_version"] == "13.0.0"
    current = flow(spec_version="14.4.2")
    assert migrate(current) == current
    assert not needs_migration(current)
    assert needs_migration(flow())


def test_refuses_what_it_cannot_migrate():
    with pytest.raises(MigrationError, match=r"spec version 14\.5\.0 is newer than this library"):
        migrate(flow(spec_version="14.5.0"))
    with pytest.raises(MigrationError, match="legacy"):
        migrate(flow(spec_version="11.12"))
    with pytest.raises(MigrationError, match="'spec_version' is required"):
        migrate({"uuid": "76f0a02f-3b75-4b86-9064-e9195e1b3a02"})
    with pytest.raises(MigrationError, match="not a valid version"):
        migrate(flow(spec_version="thirteen"))
    with pytest.raises(MigrationError, match="invalid version to migrate to"):
        migrate(flow(), to="latest")


def test_new_uuids_come_from_the_injected_source():
    action = {"uuid": "8eebd020-1af5-431c-b943-aa670fc74da9", "type": "send_msg", "text": "Hi",
              "templating": {"template": {"uuid": "ce00c80e-991a-4c03-b373-3273c23ee042",
                                          "name": "welcome"}, "variables": ["@contact.name"]}}
    node = {"uuid": "365293c7-633c-45bd-96b7-0b059766588d", "actions": [action],
            "exits": [{"uuid": "3bd19c40-1114-4b83-b12e-f0c38054ba3f"}]}
    one = migrate(flow(nodes=[node]), to="13.4.0", uuids=seeded())
    two = migrate(flow(nodes=[node]), to="13.4.0", uuids=seeded())
    assert one == two
    components = one["nodes"][0]["actions"][0]["templating"]["components"]
    # 13.1.0 takes the first seeded UUID, 13.4.0 the second
    assert components[0]["uuid"] == seeded_nth(2)
    latest = migrate(flow(nodes=[node]), uuids=seeded())["nodes"][0]["actions"][0]
    assert latest["template_variables"] == ["@contact.name"]
    assert "templating" not in latest


def seeded_nth(n: int) -> str:
    source = seeded()
    for _ in range(n - 1):
        source.new_v4()
    return source.new_v4()


def test_migrations_tolerate_odd_shapes():
    odd = flow(
        localization={"spa": None, "base": {"x": 1}, "fra": {"nope": "text"}},
        expire_after_minutes=1.5,
        nodes=[None, 5, {"actions": "no"}, {"actions": [None, {"type": 7}],
                                             "router": {"type": "switch", "cases": [None],
                                                        "categories": [None, {"name": 3}]}},
               {"actions": [{"type": "call_webhook"}], "router": {"type": "switch",
                                                                   "cases": [None]}}],
    )
    migrated = migrate(odd)
    assert migrated["spec_version"] == "14.4.2"
    assert "base" not in migrated["localization"]
    assert migrated["expire_after_minutes"] == 1.5
    assert migrated["nodes"][3]["router"]["categories"][1]["name"] == "Match"


def test_expires_of_background_flows_drop_to_zero():
    # goflow caps only messaging and voice flows; other types get min(expires, 0)
    migrated = migrate(flow(type="messaging_background", expire_after_minutes=30), to="14.0.0")
    assert migrated["expire_after_minutes"] == 0


def test_result_lookups_prefer_a_trimmed_key_that_exists():
    name = "a" * 62 + " b"  # 64 characters: its key is a..._b, unchanged by 13.6.0
    long_lookup = "a" * 63 + "_xyz"
    text = f"@results.{long_lookup} @(results.{'c' * 70})"
    node = {"uuid": "365293c7-633c-45bd-96b7-0b059766588d",
            "actions": [{"uuid": "8eebd020-1af5-431c-b943-aa670fc74da9", "type": "send_msg",
                         "text": text},
                        {"uuid": "9d9290a7-3713-4c22-8821-4af0a64c0821",
                         "type": "set_run_result", "name": "a" * 63, "value": "x"}],
            "exits": [{"uuid": "3bd19c40-1114-4b83-b12e-f0c38054ba3f"}]}
    assert len(name) == 64
    migrated = migrate(flow(spec_version="13.6.0", nodes=[node]), to="13.6.1")
    # a*63 + "_" cut to 64 keeps a trailing "_": the result key is a*63, so the "_" goes
    migrated_text = migrated["nodes"][0]["actions"][0]["text"]
    assert migrated_text == f"@results.{'a' * 63} @(results.{'c' * 64})"


def rename_webhook(node):
    if isinstance(node, ContextRef) and node.name.lower() == "webhook":
        return DotLookup(ContextRef("webhook"), "json")
    return node


@pytest.mark.parametrize(
    ("template", "refactored"),
    [
        ("", ""),
        ("Hi @webhook", "Hi @webhook.json"),
        ("@WebHook.foo!", "@webhook.json.foo!"),
        ('@(webhook["foo"])', '@(webhook.json["foo"])'),
        ("@( upper(webhook . x) &\"y\" )", '@(upper(webhook.json.x) & "y")'),
        ("@(1 / ) @(webhook)", "@(1 / ) @(webhook.json)"),  # broken expression kept as is
        ("bob@@webhook.com @contact.webhook", "bob@@webhook.com @contact.webhook"),
        ("@(contact.name)", "@(contact.name)"),  # unchanged: not reprinted
        ("mail@webhook.com", "mail@webhook.json.com"),  # goflow renames it too
    ],
)
def test_refactor_template(template, refactored):
    assert refactor_template(template, ("webhook",), rename_webhook) == refactored


@pytest.mark.parametrize(
    ("expression", "printed"),
    [
        (' "Hello"+12345.123 ', '"Hello" + 12345.123'),
        ("foo . bar", "foo.bar"),
        ("OR(TRUE, False, Null)", "or(true, false, null)"),
        ('foo[ 1 ] + foo[ "x" ]', 'foo[1] + foo["x"]'),
        ("-1+( 2/3 )*4^5", "-1 + (2 / 3) * 4 ^ 5"),
        ('"x"&"y"', '"x" & "y"'),
        ('AND("x"="y", "x"!="y")', 'and("x" = "y", "x" != "y")'),
        ("AND(1>2, 3<4, 5>=6, 7<=8)", "and(1 > 2, 3 < 4, 5 >= 6, 7 <= 8)"),
        ("FOO_Func(x, y)", "foo_func(x, y)"),
        ("((1 + 2))", "((1 + 2))"),
        ("(a.b).c", "(a.b).c"),
        ("map(x, (i) => (i + 1))", "map(x, (i) => (i + 1))"),
    ],
)
def test_expressions_print_as_goflow_prints_them(expression, printed):
    assert print_expression(parse(expression)) == printed


def test_reader_migrates_older_definitions():
    data = flow(spec_version="13.0", language="base", nodes=[webhook_node()])
    read = read_flow(data)
    assert read.spec_version == "13.0"  # as written
    assert read.language == "und"
    assert read.definition["spec_version"] == "14.4.2"
    assert read.nodes[0].router.operand == "@(default(webhook.status, 0))"
    with pytest.raises(FlowReadError, match="newer than this library"):
        read_flow(flow(spec_version="14.4.3"))
