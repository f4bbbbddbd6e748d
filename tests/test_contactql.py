"""ContactQL parsing, validation and evaluation."""

from __future__ import annotations

import pytest

from turnflow.expressions.environment import Environment
from turnflow.goflow.contact import Contact, ContactAssets
from turnflow.goflow.contactql import BoolCombination, Condition, ContactQLError, parse_query

FIELDS = [
    {"key": "age", "type": "number"},
    {"key": "gender", "type": "text"},
    {"key": "joined", "type": "datetime"},
]
ASSETS = ContactAssets(fields=FIELDS, groups=[{"uuid": "g1", "name": "Testers"}])
CONTACT = Contact.from_json(
    {
        "uuid": "ba96bf7f-bc2a-4873-a7c7-254d1927c4e3",
        "id": 1234,
        "name": "Joe Bloggs",
        "language": "spa",
        "status": "active",
        "created_on": "2017-12-15T10:00:00Z",
        "urns": ["tel:+12345678999", "twitter:crazy_joe"],
        "groups": [{"uuid": "g1", "name": "Testers"}],
        "fields": {
            "age": {"text": "37", "number": 37},
            "gender": {"text": "M"},
            "joined": {"text": "2020-01-02", "datetime": "2020-01-02T10:00:00Z"},
        },
    }
)


def matches(query: str, env: Environment | None = None) -> bool:
    env = env or Environment()
    return CONTACT.matches(env, parse_query(query, env, FIELDS, ["Testers"]), ASSETS)


def test_precedence_and_implicit_and() -> None:
    q = parse_query("a = 1 OR b = 2 c = 3", fields=None)
    assert isinstance(q.root, BoolCombination) and q.root.op == "or"
    assert isinstance(q.root.children[1], BoolCombination) and q.root.children[1].op == "and"
    assert (
        str(parse_query('name = "Bob" AND (age > 3 OR x = y)'))
        == 'name = "Bob" AND (fields.age > 3 OR fields.x = "y")'
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('gender = "m"', True),
        ("gender != M", False),
        ("age > 30", True),
        ("age >= 37", True),
        ("age < 37", False),
        ("age = 37.0", True),
        ("language = spa", True),
        ("language=eng", False),
        ("created_on <= 2017-12-31", True),
        ("created_on = 2017-12-15", True),
        ("created_on > 2017-12-15", False),
        ("joined < 2020-01-03", True),
        ("tel ~ 5678", True),
        ("twitter ~ crazy", True),
        ("urns.tel = +12345678999", True),
        ("name ~ blog", True),
        ("name ~ oe", False),
        ('name = ""', False),
        ('last_seen_on = ""', True),
        ("group = testers", True),
        ("status = active", True),
        ("tickets = 0", True),
        ("age > 40 OR gender = M", True),
        ("(age > 40 OR gender = F) AND name ~ joe", False),
        ("joe", True),
        ("+12345678999", True),
        ("twitter:crazy_joe", True),
        ("uuid != x", True),
    ],
)
def test_evaluate(query: str, expected: bool) -> None:
    assert matches(query) is expected


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("xyz = X", "can't resolve 'xyz' to attribute, scheme or field"),
        ("gender > 3", "comparisons with > can only be used with date and number fields"),
        ("age ~ 3", "contains conditions can only be used with name or URN values"),
        ("age = abc", "can't convert 'abc' to a number"),
        ("created_on = xx", "can't convert 'xx' to a date"),
        ('uuid = ""', "can't check whether 'uuid' is set or not set"),
        ("status = zombie", "'zombie' is not a valid contact status"),
        ("group = Nope", "'Nope' is not a valid group name"),
        ("tel ~ 12", "contains operator on URN requires value of minimum length 3"),
        ("name ~ a", "contains operator on name requires token of minimum length 2"),
        ("(age = 1", "expected ')'"),
        ("age =", "expected a value"),
        ("", "empty query"),
    ],
)
def test_errors(query: str, error: str) -> None:
    with pytest.raises(ContactQLError, match=error.replace("(", r"\(").replace(")", r"\)")):
        parse_query(query, Environment(), FIELDS, ["Testers"])


def test_redacted_urns_cannot_be_queried() -> None:
    env = Environment(redaction_policy="urns")
    with pytest.raises(ContactQLError, match="redacted"):
        parse_query("tel ~ 1800", env, FIELDS)
    # a bare number is a name search when URNs are redacted
    cond = parse_query("12345", env, FIELDS).root
    assert isinstance(cond, Condition) and cond.key == "name"


def test_quoted_strings_and_case_insensitive_keywords() -> None:
    assert matches('name = "joe bloggs" and GENDER = "M"')
    cond = parse_query(r'gender = "say \"hi\""', fields=FIELDS).root
    assert isinstance(cond, Condition) and cond.value == 'say "hi"'


def test_a_query_is_parsed_once_for_what_it_depends_on() -> None:
    # group queries are parsed again every sprint that re-checks a contact's groups: the
    # (immutable) tree is kept per query text, field types, group names and redaction policy
    env = Environment()
    first = parse_query("group = testers AND age > 3", env, FIELDS, ["Testers"])
    assert parse_query(" group = testers AND age > 3 ", env, FIELDS, ["Testers"]) is first
    assert str(first) == 'group = "Testers" AND fields.age > 3'
    with pytest.raises(AttributeError):
        first.root.op = "or"  # type: ignore[misc]
    # another group list, other field types or another redaction policy: parsed afresh
    with pytest.raises(ContactQLError, match="not a valid group name"):
        parse_query("group = testers AND age > 3", env, FIELDS, ["Others"])
    with pytest.raises(ContactQLError, match="can only be used with date and number"):
        parse_query("group = testers AND age > 3", env, [{"key": "age"}], ["Testers"])
    assert parse_query("+12065551212", env, FIELDS) is not parse_query(
        "+12065551212", Environment(redaction_policy="urns"), FIELDS)
    # a query that reads a date is parsed every time (legacy dates depend on the time)
    assert parse_query("joined > 2020-01-01", env, FIELDS) is not parse_query(
        "joined > 2020-01-01", env, FIELDS)
