"""Reading KataML bots: the model, $include, lines, is_kata_bot, errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from turnflow.kata import Bot, KataBotError, Problem, is_kata_bot, load_bot, read_bot
from turnflow.kata.model import Expression, StateMapping

from .conftest import SHARED, require_fixtures

SAMPLES = SHARED / "reference" / "kata" / "samples"

HELLO = """\
schema: kata.ai/schema/kata-ml/1.0
name: hello
flows:
  hello:
    fallback: true
    intents:
      greeting:
        initial: true
        condition: content == 'hi'
      other:
        fallback: true
    states:
      init:
        initial: true
        transitions:
          greet:
            condition: intent == "greeting"
          done:
            fallback: true
      greet:
        end: true
        action:
          name: text
          options:
            text: hi!
      done:
        end: true
        action: sorry
    actions:
      sorry:
        type: text
        options:
          text: sorry!
"""


def write_bot(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def problems_of(root: Path) -> list[Problem]:
    bot, problems = read_bot(root)
    return problems


# -- the samples of kata-cli's templates, read in place


def test_kata_cli_2017_template_with_includes():
    bot = load_bot(require_fixtures(SAMPLES / "kata-cli-init-2017"))
    assert list(bot.flows) == ["fallback"]
    flow = bot.flows["fallback"]
    assert flow.fallback and flow.priority == 0
    assert flow.intents["hi"].classifiers[0].nlu == "confidenceLevel"
    assert flow.intents["hi"].classifiers[0].match == 1  # a number, as kata-cli wrote it
    assert bot.nlus["confidenceLevel"].type == "method"
    assert bot.config["messages"]["templates"]["sayHi"].startswith("Hi")
    assert bot.config["maxRecursion"] == 10
    method = bot.methods["confidenceLevel"]
    assert method.params == ("message", "context", "data", "options", "config")
    assert method.entry == "confidenceLevel"
    # objects of an included file say that file and their line in it
    assert flow.states["sayHi"].where.file.endswith("flows/fallback.yml")
    assert flow.states["sayHi"].where.line == 21
    assert bot.version == "0.0.1"


def test_kata_cli_2021_template():
    bot = load_bot(require_fixtures(SAMPLES / "kata-cli-init-2021" / "bot.yml"))
    greet = bot.flows["hello"].states["greet"]
    assert greet.end
    assert greet.actions[0].name == "text" and greet.actions[0].options == {"text": "hi!"}
    assert bot.directory == SAMPLES / "kata-cli-init-2021"


# -- the model


def test_model_of_a_whole_bot(tmp_path):
    bot = load_bot(write_bot(tmp_path, {"bot.yml": HELLO}))
    assert isinstance(bot, Bot)
    assert bot.schema == "kata.ai/schema/kata-ml/1.0" and bot.name == "hello"
    flow = bot.flows["hello"]
    assert flow.active and not flow.volatile and flow.expire is None
    assert flow.initial_state is flow.states["init"]
    greeting = flow.intents["greeting"]
    assert greeting.initial and greeting.conditions == (
        Expression("content == 'hi'", greeting.conditions[0].where),)
    assert greeting.conditions[0].where.line == 9
    transitions = flow.states["init"].transitions
    assert [t.target for t in transitions] == ["greet", "done"]
    assert transitions[0].condition.source == 'intent == "greeting"'
    assert transitions[1].fallback and transitions[1].condition is None
    assert flow.states["done"].actions[0].name == "sorry"
    assert flow.actions["sorry"].type == "text"
    assert str(flow.states["greet"].where) == f"{tmp_path / 'bot.yml'}:20"


def test_every_key_of_the_spec(tmp_path):
    bot = load_bot(write_bot(tmp_path, {"bot.yml": """\
        schema: kata.ai/schema/kataml/1.0
        name: all
        desc: every key
        lang: id
        id: 42
        version: 1.0
        flows:
          main:
            active: false
            volatile: true
            expire: 100000
            priority: 9
            intents:
              ask:
                type: text
                condition: [content != '', "!context.done"]
                priority: 2
                classifier:
                  - nlu: topics
                    match: food
                    hint: "food: "
                    options: {threshold: 0.8}
                    process: [lower, trim]
                    dict: {food: [food_a, food_b], test: testing}
                  - nlu: nl
                    expression: "intent == 'yes'"
                attributes:
                  city:
                    nlu: ner
                    path: LOCATION
                    hint: city
                    options: {threshold: 0.6}
                    process: capitalize
                    dict: {jakarta: [jkt], default: invalid}
            states:
              start:
                initial: true
                transit:
                  context.name: attributes.name || null
                  context.count: 0
                transitions:
                  ask: "intent == 'ask'"
                  start:
                    fallback: true
                    priority: 1
                    mapping: remember
              ask:
                enter: countVisits
                exit:
                  context.to: context.$to
                action:
                  - name: reply
                    condition: context.mood == 'good'
                    options: {text: 'hi $(data.name)!'}
                  - plain
                transitions:
                  ask: {fallback: true}
              cancel:
                end: true
                float:
                  condition: intent == "cancel"
            actions:
              reply: {type: text, options: {text: hello}}
              plain: {type: text, options: {text: plain}}
              next: {type: command, command: next}
              run: {type: method, method: doIt, condition: "true"}
            methods:
              doIt(message, options): "return {command: 'x'};"
            nlus:
              local: {type: keyword, options: {keywords: {a: [b]}}}
        nlus:
          topics: {type: keyword, options: {keywords: {food: [rice]}}, process: lower}
          ner: {type: method, method: findCity}
        methods:
          lower(x): return x.toLowerCase();
          remember(ctx): return ctx;
        config:
          maxRecursion: 10
        """}))
    assert (bot.lang, bot.id, bot.version, bot.desc) == ("id", "42", "1", "every key")
    flow = bot.flows["main"]
    assert (flow.active, flow.volatile, flow.expire, flow.priority) == (False, True, 100000, 9)
    ask = flow.intents["ask"]
    assert [c.source for c in ask.conditions] == ["content != ''", "!context.done"]
    first, second = ask.classifiers
    assert (first.nlu, first.match, first.hint, first.options, first.process) == (
        "topics", "food", "food: ", {"threshold": 0.8}, ("lower", "trim"))
    assert first.dictionary == {"food": ["food_a", "food_b"], "test": "testing"}
    assert second.expression.source == "intent == 'yes'" and second.match is None
    city = ask.attributes["city"]
    assert (city.nlu, city.path, city.hint, city.process) == (
        "ner", "LOCATION", "city", ("capitalize",))
    assert city.dictionary["default"] == "invalid"
    start = flow.states["start"]
    assert [(e.target, e.value.source) for e in start.transit.entries] == [
        ("context.name", "attributes.name || null"), ("context.count", "0")]
    short, fallback = start.transitions
    assert short.target == "ask" and short.condition.source == "intent == 'ask'"
    assert fallback.fallback and fallback.priority == 1
    assert fallback.mapping == StateMapping(method="remember", where=fallback.mapping.where)
    state = flow.states["ask"]
    assert state.enter.method == "countVisits" and state.exit.entries[0].target == "context.to"
    assert [a.name for a in state.actions] == ["reply", "plain"]
    assert state.actions[0].condition.source == "context.mood == 'good'"
    assert state.actions[0].options == {"text": "hi $(data.name)!"}
    assert state.actions[1].options is None
    cancel = flow.states["cancel"]
    assert cancel.float.floating and cancel.float.target == "cancel"
    assert cancel.float.condition.source == 'intent == "cancel"'
    assert flow.actions["next"].options == {"command": "next"}  # written beside type
    assert flow.actions["run"].method == "doIt" and flow.actions["run"].condition.source == "true"
    assert flow.methods["doIt"].params == ("message", "options")
    assert flow.nlus["local"].type == "keyword"
    assert bot.nlus["topics"].process == ("lower",)
    assert bot.method("doIt", "main") is flow.methods["doIt"]
    assert bot.method("lower", "main") is bot.methods["lower"]
    assert bot.nlu("local", "main") is flow.nlus["local"] and bot.nlu("local") is None


def test_spellings_of_the_spec_examples(tmp_path):
    root = write_bot(tmp_path, {"bot.yml": """\
        schema: kata.ai/schema/kata-ml/1.0
        flows:
          f:
            states:
              s:
                actions:
                  - name: a
                  - name: b
              t:
                action: a
                actions: b
        method:
          sq(x): return x*x;
        """})
    bot, problems = read_bot(root)
    assert [a.name for a in bot.flows["f"].states["s"].actions] == ["a", "b"]
    assert bot.methods["sq"].code == "return x*x;"
    assert [(p.line, p.message) for p in problems] == [
        (11, "flow 'f' state 't': both 'actions' and 'action'; write only 'action'")]


def test_both_schema_spellings_and_is_kata_bot(tmp_path):
    for index, schema in enumerate(("kata.ai/schema/kata-ml/1.0", "kata.ai/schema/kataml/1.0")):
        root = write_bot(tmp_path / str(index), {"bot.yml": HELLO.replace(
            "kata.ai/schema/kata-ml/1.0", schema)})
        assert is_kata_bot(root) and is_kata_bot(root / "bot.yml")
        assert load_bot(root).schema == schema
    other = write_bot(tmp_path / "other", {"bot.yml": "schema: kata.ai/schema/merapi/1.0\n"})
    assert not is_kata_bot(other)
    assert not is_kata_bot(tmp_path / "missing")
    assert not is_kata_bot(tmp_path)  # no bot.yml
    broken = write_bot(tmp_path / "broken", {"bot.yml": "schema: 'kata.ai/schema/kata-ml/1.0'\n"
                                                        "flows: [\n"})
    assert is_kata_bot(broken)  # still a bot: validate reports its YAML error


# -- $include


def test_include_yaml_json_js_and_text_nested(tmp_path):
    root = write_bot(tmp_path, {
        "bot.yml": """\
            schema: kata.ai/schema/kata-ml/1.0
            flows:
              main: $include(./flows/main.yml)
            methods:
              square(x):
                code: $include(./methods/square.js)
                entry: module.exports
              inline(x): " $include(./methods/body.txt) "
            config: $include(config.json)
            """,
        "flows/main.yml": """\
            intents:
              hi: {initial: true, condition: "content == 'hi'"}
            states: $include(./flows/states.yml)
            """,
        "flows/states.yml": """\
            init:
              initial: true
              transitions:
                done: {fallback: true}
            done:
              end: true
            """,
        "methods/square.js": "function square(x) { return x * x; }\nmodule.exports = square;\n",
        "methods/body.txt": "return x;",
        "config.json": '{\n  "messages": {"hi": "Hello"},\n  "list": ["$include(./more.yml)"]\n}',
        "more.yml": "- one\n- two\n",
    })
    bot = load_bot(root)
    flow = bot.flows["main"]
    assert list(flow.states) == ["init", "done"]
    assert flow.states["done"].where.file.endswith("flows/states.yml")
    assert flow.states["done"].where.line == 5
    square = bot.methods["square"]
    assert square.code.startswith("function square") and square.entry == "module.exports"
    assert square.code_where.file.endswith("methods/square.js") and square.code_where.line == 1
    assert bot.methods["inline"].code == "return x;"
    assert bot.config == {"messages": {"hi": "Hello"}, "list": [["one", "two"]]}


def test_include_problems_name_file_and_line(tmp_path):
    root = write_bot(tmp_path, {
        "bot.yml": """\
            schema: kata.ai/schema/kata-ml/1.0
            flows:
              a: $include(./a.yml)
              b: $include(./missing.yml)
              c: $include(./bad.yml)
            """,
        "a.yml": "intents: $include(./loop.yml)\n",
        "loop.yml": "x: $include(./a.yml)\n",
        "bad.yml": "intents:\n  x: [\n",
    })
    with pytest.raises(KataBotError) as caught:
        load_bot(root)
    lines = str(caught.value).splitlines()
    assert len(lines) == len(caught.value.problems) == 3
    bot_yml, loop_yml = str(root / "bot.yml"), str(root / "loop.yml")
    assert f"{loop_yml}:1: $include(./a.yml): include cycle" in lines
    assert f"{bot_yml}:4: $include(./missing.yml): {root / 'missing.yml'}: no such file" in lines
    assert any(line.startswith(f"{root / 'bad.yml'}:3: invalid YAML") for line in lines)


# -- problems with file and line


def test_unknown_keys_at_every_level(tmp_path):
    root = write_bot(tmp_path, {"bot.yml": """\
        schema: kata.ai/schema/kata-ml/1.0
        flwos: {}
        flows:
          f:
            intnets: {}
            intents:
              i:
                clasifier: {nlu: x}
                classifier: {nlu: x, matches: y}
                attributes:
                  a: {nlu: x, pth: y}
            states:
              s:
                transitions:
                  s: {fallback: true, conditon: x}
                action: [{name: a, option: {}}]
                actoin: a
            actions:
              a: {type: text, opitons: {}}
        nlus:
          n: {type: keyword, option: {}}
        methods:
          m(x): {code: "", entri: x}
        """})
    problems = problems_of(root)
    found = {(p.line, p.message.split(": unknown key ")[1].split(";")[0]) for p in problems}
    known = {p.line: p.message.split("; known: ")[1] for p in problems}
    assert known[5] == ("active, volatile, expire, fallback, priority, invalidate, intents, "
                        "states, actions, methods, nlus")
    assert known[17] == "initial, end, action, transitions, float, enter, transit, exit"
    assert known[2] == ("schema, name, desc, lang, id, version, revision, timezone, flows, "
                        "methods, nlus, config")
    assert found == {
        (2, "'flwos' (did you mean 'flows'?)"), (5, "'intnets' (did you mean 'intents'?)"),
        (8, "'clasifier' (did you mean 'classifier'?)"), (9, "'matches' (did you mean 'match'?)"),
        (11, "'pth' (did you mean 'path'?)"), (15, "'conditon' (did you mean 'condition'?)"),
        (16, "'option' (did you mean 'options'?)"), (17, "'actoin' (did you mean 'action'?)"),
        (19, "'opitons' (did you mean 'options'?)"), (21, "'option' (did you mean 'options'?)"),
        (23, "'entri' (did you mean 'entry'?)"),
    }


def test_wrong_types(tmp_path):
    root = write_bot(tmp_path, {"bot.yml": """\
        schema: kata.ai/schema/kata-ml/1.0
        flows:
          f:
            volatile: "yes"
            expire: soon
            intents:
              i: {type: txt, initial: 1, condition: {a: 1}}
              j: {classifier: {match: x}}
            states:
              s: [1, 2]
              t: {transitions: {s: [x]}}
            actions:
              a: {options: {}}
          g: 3
        methods:
          "not a signature": x
        """})
    messages = [(p.line, p.message) for p in problems_of(root)]
    assert messages == [
        (4, "flow 'f' volatile: must be true or false, not a string"),
        (5, "flow 'f' expire: must be a number, not a string"),
        (7, "flow 'f' intent 'i' type: must be text, data or command, not 'txt'"),
        (7, "flow 'f' intent 'i' condition: must be an expression (a string), not a mapping"),
        (7, "flow 'f' intent 'i' initial: must be true or false, not a number"),
        (8, "flow 'f' intent 'j' classifier: no nlu"),
        (10, "flow 'f' state 's': must be a mapping, not a list"),
        (11, "flow 'f' state 't' transition to 's': must be a mapping, not a list"),
        (13, "flow 'f' action 'a': no type"),
        (14, "flow 'g': must be a mapping, not a number"),
        (16, "bot method 'not a signature': not a method signature like name(a, b)"),
    ]


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty file"),
    ("# nothing\n", "empty file"),
    ("null\n", "a bot must be a mapping of bot keys, not null"),
    ("- a\n- b\n", "a bot must be a mapping of bot keys, not a list"),
    ("flows: {}\n", "bot: no schema (kata.ai/schema/kata-ml/1.0)"),
    ("schema: kata.ai/schema/kata-ml/2.0\n", "bot: unknown schema 'kata.ai/schema/kata-ml/2.0'; "
     "expected kata.ai/schema/kata-ml/1.0"),
    ("a: [\n", "invalid YAML"),
    ("a: 1\na: 2\n", "duplicate key 'a' (first at line 1)"),
    ("a: !custom x\n", "could not determine a constructor for the tag '!custom'"),
    ("[" * 10000 + "]" * 10000, "invalid YAML"),
    ("[" * 600 + "]" * 600, "nested too deeply"),
    ('s: "\\ud800"\n', "invalid YAML"),
])
def test_bad_bot_files(tmp_path, text, message):
    (tmp_path / "bot.yml").write_text(text, encoding="utf-8")
    with pytest.raises(KataBotError) as caught:
        load_bot(tmp_path)
    assert len(caught.value.problems) == 1
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(tmp_path / "bot.yml"))


def test_files_that_are_not_text(tmp_path):
    (tmp_path / "bot.yml").write_bytes(b"schema: x\n\xff\xfe\n")
    bot, problems = read_bot(tmp_path)
    assert bot is None
    assert [str(p) for p in problems] == [f"{tmp_path / 'bot.yml'}:2: not UTF-8 text"]
    bot, problems = read_bot(tmp_path / "nothing")
    assert bot is None and problems[0].message == "no such file"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert read_bot(empty)[1][0].message == "no bot.yml in this directory"


def test_a_json_include_with_lone_surrogates_does_not_break(tmp_path):
    root = write_bot(tmp_path, {
        "bot.yml": "schema: kata.ai/schema/kata-ml/1.0\nconfig: $include(./c.json)\nflows: {}\n",
        "c.json": '{"a": "\\ud800",\n "b": 1}',  # JSON allows it, YAML does not
    })
    assert load_bot(root).config["a"] == "\ud800"


def test_reading_a_bot_loads_neither_the_engine_nor_the_js_engine(tmp_path):
    import subprocess
    import sys

    write_bot(tmp_path, {"bot.yml": HELLO})
    code = (
        "import sys, turnflow.kata as kata\n"
        f"kata.load_bot({str(tmp_path)!r})\n"
        "print(sorted(m for m in sys.modules if m.startswith('turnflow.kata.')\n"
        "             and m.split('.')[2] in ('engine', 'family', 'methods', 'js')))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert run.stdout.strip() == "[]", run.stderr
