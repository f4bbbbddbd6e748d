"""The fragment reader on the Kata docs' YAML blocks (read in place) and on small values."""

from __future__ import annotations

import pytest

from turnflow.conformance.kata_doc_fragments import run_doc_fragments
from turnflow.kata.model import Action, Flow, Intent, Nlu, State
from turnflow.kata.reading.files import parse_text
from turnflow.kata.reading.fragments import FragmentRefused, read_fragment

from .conftest import SHARED, require_fixtures

BLOCKS = SHARED / "reference" / "kata" / "extracted-yaml"


@pytest.fixture(scope="module")
def result():
    return run_doc_fragments(require_fixtures(BLOCKS))


def test_no_block_crashes_and_each_refusal_is_one_line(result):
    assert result.passed + result.failed >= 90
    for failure in result.failures:
        assert "CRASH" not in failure, failure
        assert "\n" not in failure


def test_refusals_are_placeholders_unions_or_doc_errors(result):
    reasons = dict(failure.split(": ", 1) for failure in result.failures)
    base = "kata-ai+kata-platform-docs/docs/"
    assert "not 'text | data | command'" in reasons[base + "concepts/intent/01.yml"]
    assert "flow intent '<name>': must be a mapping" in reasons[base + "kata-ml/flow/01.yml"]
    assert "<Transition>" in reasons[base + "kata-ml/flow/18.yml"]
    # the spellings of the spec's own examples are read (a state's `actions`, `method:`)
    assert base + "kata-ml/action-type/16.yml" not in reasons
    assert base + "kata-ml/method/02.yml" not in reasons
    assert "duplicate key 'nlus'" in reasons[base + "kata-ml/nlu/11.yml"]


def fragment(text: str):
    return read_fragment(parse_text(text, "block.yml"), "block.yml")


@pytest.mark.parametrize(("text", "kind", "cls"), [
    ("schema: kata.ai/schema/kataml/1.0\nflows: {}\n", "bot", None),
    ("flows:\n  myFlow:\n    volatile: true\n", "bot", None),
    ("intents:\n  reenter: {type: command, condition: content == 'reenter'}\n", "flow", Flow),
    ("volatile: true\n", "flow", Flow),
    ("fallback: true\nintents:\n  fb: {fallback: true}\n", "flow", Flow),
    ("condition: type == 'text'\n", "intent", Intent),
    ("classifier:\n  - {nlu: a, match: food}\n  - {nlu: b, match: food}\n", "intent", Intent),
    ("transitions:\n  askDob: \"intent == 'yes'\"\n", "state", State),
    ("enter: someMapping\n", "state", State),
    ("type: text\noptions: {text: hi}\n", "action", Action),
    ("myAction: {type: text, options: {text: 'hello $(data.name)!'}}\n", "action 'myAction'",
     Action),
    ("myNLU: {type: keyword, options: {keywords: {a: [b]}}}\n", "nlu 'myNLU'", Nlu),
    ("myRegex: {type: regex, options: {regex: 'x', index: 1}}\n", "nlu 'myRegex'", Nlu),
    ("actions: {a: {type: text}}\nmyState: {action: a}\n", "flow + state 'myState'", None),
    ("greet: {intents: {hi: {initial: true}}, states: {}}\n", "flow 'greet'", Flow),
    ("methods:\n  sq(x): return x*x;\n", "flow", Flow),
    ("config: $include(./config.yml)\n", "bot", None),
    ("- {name: a}\n- {name: b, condition: x}\n", "state actions", None),
])
def test_kinds(text, kind, cls):
    read = fragment(text)
    assert read.kind == kind
    if cls is not None:
        assert isinstance(read.objects[-1], cls)


@pytest.mark.parametrize(("text", "reason"), [
    ("", "not a mapping of KataML keys (an empty mapping)"),
    ("just text\n", "not a mapping of KataML keys (str)"),
    ("- 1\n", "a list that is not a list of state actions"),
    ("type: banana\n", "type 'banana' is neither an action type nor an NLU type"),
    ("foo: {bar: 1}\n", "'foo': cannot tell which kind of object this is (keys: bar)"),
    ("foo: 3\n", "'foo': neither a KataML key nor a named object (a int)"),
    ("schema: kata.ai/schema/kata-ml/1.0/test/flow\n", "a test spec"),
    ("schema: other\n", "unknown schema 'other'"),
    ("intents:\n  x: {type: bad}\n", "line 2: flow intent 'x' type: must be text, data or "
     "command, not 'bad'"),
])
def test_refused(text, reason):
    with pytest.raises(FragmentRefused) as caught:
        fragment(text)
    assert str(caught.value).startswith(reason)
