"""validate_bot and ``turnflow validate BOT_DIR``: every problem at once, each with file and
line; no traceback for any bad input."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from turnflow.kata import validate_bot

from .conftest import REPO, SHARED, require_fixtures

SCHEMA = "schema: kata.ai/schema/kata-ml/1.0\n"

# a valid flow, to which each case adds one mistake
FLOW = """\
flows:
  main:
    intents:
      hi: {initial: true, condition: "content == 'hi'"}
    states:
      init:
        initial: true
        transitions:
          done: {condition: "intent == 'hi'"}
          init: {fallback: true}
      done:
        end: true
        action: bye
    actions:
      bye: {type: text, options: {text: bye}}
"""


def bot_dir(tmp_path: Path, text: str, **files: str) -> Path:
    (tmp_path / "bot.yml").write_text(textwrap.dedent(text), encoding="utf-8")
    for name, content in files.items():
        (tmp_path / name).write_text(textwrap.dedent(content), encoding="utf-8")
    return tmp_path


def found(tmp_path: Path) -> list[tuple[int, str]]:
    problems = validate_bot(tmp_path)
    assert all(p.file == str(tmp_path / "bot.yml") for p in problems), problems
    return [(p.line, p.message) for p in problems]


def test_a_valid_bot_has_no_problems(tmp_path):
    assert validate_bot(bot_dir(tmp_path, SCHEMA + FLOW)) == []


def test_valid_samples_of_kata_cli():
    samples = require_fixtures(SHARED / "reference" / "kata" / "samples")
    assert validate_bot(samples / "kata-cli-init-2017") == []
    assert validate_bot(samples / "kata-cli-init-2021") == []


@pytest.mark.parametrize(("change", "expected"), [
    # no initial state
    (("        initial: true\n", ""), [(3, "flow 'main': no initial state")]),
    # two initial states
    (("        end: true\n", "        end: true\n        initial: true\n"),
     [(12, "flow 'main': state 'done' is a second initial state (the first is 'init', line 7)")]),
    # no end state
    (("        end: true\n", ""), [(3, "flow 'main': no end state"),
                                   (12, "flow 'main' state 'done': no fallback transition (every "
                                        "state but an end state needs one: add `fallback: true` "
                                        "to a transition)")]),
    # no fallback transition
    (("          init: {fallback: true}\n", ""),
     [(7, "flow 'main' state 'init': no fallback transition (every state but an end state "
          "needs one: add `fallback: true` to a transition)")]),
    # a transition to an unknown state
    (("          done: {condition", "          dnoe: {condition"),
     [(10, "flow 'main' state 'init' transition to 'dnoe': unknown state 'dnoe'; known: init, "
           "done")]),
    # a condition that compares intent with a name the flow has no intent of
    (("{condition: \"intent == 'hi'\"}", "{condition: \"'hi' == intent || intent == 'hey'\"}"),
     [(10, "flow 'main' state 'init' transition to 'done' condition: compares intent with "
           "'hey', which is not an intent of flow 'main'; known: hi")]),
    # an unknown action
    (("action: bye", "action: bey"),
     [(14, "flow 'main' state 'done' action 'bey': unknown action (neither an action of the "
           "flow: bye nor an action type)")]),
    # an unknown action type
    (("{type: text,", "{type: txet,"),
     [(16, "flow 'main' action 'bye': unknown action type 'txet'; known: api, asyncApi, "
           "command, image, method, reply, schedule, template, text")]),
    # a mapping that writes nowhere
    (("{fallback: true}", "{fallback: true, mapping: {session.x: '1'}}"),
     [(11, "flow 'main' state 'init' transition to 'init' mapping: cannot write to 'session.x' "
           "(a mapping writes to context.x or data.x)")]),
    (("{fallback: true}", "{fallback: true, mapping: {context.$state: '1', context: '2'}}"),
     [(11, "flow 'main' state 'init' transition to 'init' mapping: cannot write to "
           "'context.$state' (meta context is read-only)"),
      (11, "flow 'main' state 'init' transition to 'init' mapping: cannot write to 'context' "
           "(a mapping writes to context.x or data.x)")]),
])
def test_one_problem_each(tmp_path, change, expected):
    old, new = change
    assert old in FLOW
    assert found(bot_dir(tmp_path, SCHEMA + FLOW.replace(old, new, 1))) == expected


def test_unknown_nlus_and_methods(tmp_path):
    text = SCHEMA + FLOW.replace(
        "      hi: {initial: true, condition: \"content == 'hi'\"}\n",
        "      hi:\n"
        "        classifier: [{nlu: greetings, process: tidy}, {nlu: keyword}]\n"
        "        attributes: {who: {nlu: names}}\n",
    ).replace("        action: bye\n", "        action: bye\n        enter: countIt\n"
              "        exit: {context.x: '1'}\n") + textwrap.dedent("""\
        nlus:
          greetings: {type: keyword, process: [tidy, clean]}
          custom: {type: method, method: findIt}
          remote: {type: watson}
        methods:
          clean(x): return x;
        """)
    text = text.replace("      bye: {type: text, options: {text: bye}}\n",
                        "      bye: {type: text, options: {text: bye}}\n"
                        "      run: {type: method, method: doIt}\n"
                        "      run2: {type: method}\n")
    assert found(bot_dir(tmp_path, text)) == [
        (6, "flow 'main' intent 'hi' classifier 1 process: unknown method 'tidy' (methods: "
            "clean)"),
        (7, "flow 'main' intent 'hi' attribute 'who': unknown NLU 'names'"),
        (17, "flow 'main' state 'done' enter: unknown method 'countIt' (methods: clean)"),
        (21, "flow 'main' action 'run': unknown method 'doIt' (methods: clean)"),
        (22, "flow 'main' action 'run2': a method action needs method"),
        (24, "nlu 'greetings' process: unknown method 'tidy' (methods: clean)"),
        (25, "nlu 'custom': unknown method 'findIt' (methods: clean)"),
        (26, "nlu 'remote': unknown NLU type 'watson'; known: keyword, method, nl, regex, "
             "verstandClassifier, verstandTagger, witEntity, witIntent"),
    ]


def test_expressions_and_templates_that_do_not_parse_or_call_unknown_methods(tmp_path):
    text = SCHEMA + FLOW.replace(
        "condition: \"content == 'hi'\"", "condition: [\"content == 'hi'\", \"a &&\"]"
    ).replace(
        "          done: {condition: \"intent == 'hi'\"}\n",
        "          done: {condition: \"isHi(content) && tidy(content)\"}\n",
    ).replace(
        "          init: {fallback: true}\n",
        "          init:\n            fallback: true\n            mapping:\n"
        "              context.n: (context.n || 0) +\n",
    ).replace(
        "      bye: {type: text, options: {text: bye}}\n",
        "      bye:\n        type: text\n        options:\n          text: bye\n"
        "          items:\n            - title: 'hi $(data.name'\n"
        "            - title: 'hi $(greet(data.name))'\n",
    ) + "methods:\n  isHi(text): return text == 'hi';\n"
    # (the JS parser's wording of a syntax error is its own: only "at column N" is checked)
    problems = [(line, re.sub(r": [^:]* (at column \d+ in)", r": ... \1", message))
                for line, message in found(bot_dir(tmp_path, text))]
    problems[3] = (problems[3][0], re.sub(r"column \d+", "column N", problems[3][1]))
    assert problems == [
        (5, "flow 'main' intent 'hi' condition: ... at column 5 in 'a &&'"),
        (10, "flow 'main' state 'init' transition to 'done' condition: calls tidy(), which is "
             "neither a method of the bot nor a built-in (methods: isHi)"),
        (14, "flow 'main' state 'init' transition to 'init' mapping context.n: ... at column 19 "
             "in '(context.n || 0) +'"),
        (24, "flow 'main' action 'bye' options items[0].title: ... at column N in "
             "'hi $(data.name'"),
        (25, "flow 'main' action 'bye' options items[1].title: calls greet(), which is neither "
             "a method of the bot nor a built-in (methods: isHi)"),
    ]


def test_floating_fallback_and_unconditional_transitions_count(tmp_path):
    text = SCHEMA + FLOW.replace("          init: {fallback: true}\n", "").replace(
        "        end: true\n",
        "        end: true\n"
        "      lost:\n"
        "        transitions: {done: ~}\n"
        "      catch:\n"
        "        float: {fallback: true}\n"
        "        transitions: {done: {fallback: true}}\n")
    assert found(bot_dir(tmp_path, text)) == []


def test_fallback_flow_needs_a_fallback_intent_and_a_bot_needs_flows(tmp_path):
    text = SCHEMA + FLOW.replace("  main:\n", "  main:\n    fallback: true\n")
    assert found(bot_dir(tmp_path, text)) == [
        (3, "flow 'main': a fallback flow needs a fallback intent")]
    assert found(bot_dir(tmp_path, SCHEMA + "flows: {}\n")) == [(1, "bot: no flows")]


def test_every_problem_at_once_with_included_files(tmp_path):
    root = bot_dir(
        tmp_path,
        SCHEMA + "flows:\n  main: $include(./main.yml)\n  other: $include(./gone.yml)\n",
        **{"main.yml": "intents: {}\nstates:\n  a: {initial: true, transitions: {b: x}}\n"},
    )
    problems = [str(p) for p in validate_bot(root)]
    assert problems == [
        f"{root / 'bot.yml'}:3: flow 'main': no end state",
        f"{root / 'bot.yml'}:4: $include(./gone.yml): {root / 'gone.yml'}: no such file",
        f"{root / 'main.yml'}:3: flow 'main' state 'a': no fallback transition (every state "
        "but an end state needs one: add `fallback: true` to a transition)",
        f"{root / 'main.yml'}:3: flow 'main' state 'a' transition to 'b': unknown state 'b'; "
        "known: a",
    ]


# -- the command line


def turnflow(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "turnflow.cli", *args], capture_output=True,
                          text=True, cwd=REPO, timeout=60)


def test_cli_prints_one_line_per_problem_and_fails(tmp_path):
    root = bot_dir(tmp_path, SCHEMA + FLOW.replace("action: bye", "action: bey").replace(
        "          init: {fallback: true}\n", ""))
    run = turnflow("validate", str(root))
    assert run.returncode == 1, run.stderr
    assert run.stdout.splitlines() == [
        f"{root / 'bot.yml'}:7: flow 'main' state 'init': no fallback transition (every state "
        "but an end state needs one: add `fallback: true` to a transition)",
        f"{root / 'bot.yml'}:13: flow 'main' state 'done' action 'bey': unknown action (neither "
        "an action of the flow: bye nor an action type)",
        f"{root}: Kata bot, 2 problems",
    ]
    assert "Traceback" not in run.stderr


def test_cli_valid_bot(tmp_path):
    root = bot_dir(tmp_path, SCHEMA + FLOW)
    run = turnflow("validate", str(root / "bot.yml"))
    assert (run.returncode, run.stdout) == (0, f"{root / 'bot.yml'}: Kata bot, valid\n")
    assert turnflow("validate", "-q", str(root)).stdout == ""


@pytest.mark.parametrize("content", [
    b"", b"not: [yaml", b"- a\n- b\n", b"[" * 10000 + b"]" * 10000, b"\xff\xfe\x00",
    b'schema: kata.ai/schema/kata-ml/1.0\nflows: {"\\ud800": 1}\n', b"flows: {}\n",
    (b"schema: kata.ai/schema/kata-ml/1.0\nconfig: $include(./c.json)\nflows:\n"
     b"  \"\\ud83d\": 1\n"),
    b"schema: kata.ai/schema/kata-ml/1.0\nflows: $include(./bot.yml)\n",
    b"schema: kata.ai/schema/kata-ml/1.0\nflows: $include(./c.json)\n",  # a surrogate name
])
def test_cli_never_shows_a_traceback(tmp_path, content):
    (tmp_path / "bot.yml").write_bytes(content)
    (tmp_path / "c.json").write_text('{"\\ud800": "\\udfff"}')  # JSON takes lone surrogates
    run = turnflow("validate", str(tmp_path))
    assert run.returncode == 1, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr and run.stderr == ""
    lines = run.stdout.splitlines()
    assert lines and lines[-1].startswith(f"{tmp_path}: Kata bot, ")
    assert all(line.startswith(str(tmp_path)) for line in lines)


# -- never a crash: seeded random damage to a valid bot


def _damage(value, rng, depth=0):
    """A copy of ``value`` with one random change somewhere inside it."""
    junk = [None, True, 0, -1.5, "", "$(", "x ==", "$include(./nowhere.yml)", [], {}, [1, {}],
            {"a": None}, "\ud800", "<name>", {"name": 3}, "a" * 50]
    if isinstance(value, dict) and value and rng.random() < 0.8:
        key = rng.choice(list(value))
        copy = dict(value)
        roll = rng.random()
        if roll < 0.15:
            del copy[key]
        elif roll < 0.3:
            copy[rng.choice(["initial", "end", "fallback", "type", "nlu", "name", "zzz"])] = (
                rng.choice(junk))
        else:
            copy[key] = _damage(value[key], rng, depth + 1)
        return copy
    if isinstance(value, list) and value and rng.random() < 0.8:
        index = rng.randrange(len(value))
        copy = list(value)
        copy[index] = _damage(value[index], rng, depth + 1)
        return copy
    return rng.choice(junk)


def test_damaged_bots_never_crash_the_reader_or_the_validator(tmp_path):
    import json
    import random

    import yaml

    from turnflow.kata import KataBotError, load_bot

    rng = random.Random(1305)
    good = yaml.safe_load(SCHEMA + FLOW.replace(
        "      hi: {initial: true, condition: \"content == 'hi'\"}\n",
        "      hi:\n        initial: true\n        condition: [\"content == 'hi'\"]\n"
        "        classifier: [{nlu: kw, match: hi, process: [m]}]\n"
        "        attributes: {who: {nlu: kw, path: x, dict: {a: [b]}}}\n",
    ).replace("        action: bye\n", "        action: [{name: bye, condition: 'true', "
              "options: {text: '$(data.x)'}}]\n        enter: {context.x: '1'}\n"
              "        float: {condition: 'false', mapping: m}\n") +
        "nlus:\n  kw: {type: keyword, options: {keywords: {hi: [hi]}}}\n"
        "methods:\n  m(x): return x;\nconfig: {maxRecursion: 3}\n")
    assert validate_bot(bot_dir(tmp_path, json.dumps(good))) == []
    for round_ in range(150):
        damaged = good
        for _ in range(rng.randint(1, 3)):
            damaged = _damage(damaged, rng)
        text = json.dumps(damaged, ensure_ascii=True)
        root = tmp_path / str(round_)
        root.mkdir()
        (root / "bot.yml").write_text(text, encoding="utf-8")
        problems = validate_bot(root)  # never raises
        assert all(p.file.startswith(str(root)) for p in problems), problems
        try:
            load_bot(root)
        except KataBotError as exc:
            assert exc.problems


def test_methods_that_do_not_compile(tmp_path):
    root = bot_dir(tmp_path, SCHEMA + FLOW + textwrap.dedent("""\
        methods:
          square(x): x * x
          broken(x): "return (x;"
          fromFile(x):
            code: $include(./m.js)
            entry: module.exports
        """), **{"m.js": "function f(x) {\n  return x +;\n}\nmodule.exports = f;\n"})
    problems = [(Path(p.file).name, p.line, p.message.split(": SyntaxError")[0])
                for p in validate_bot(root)]
    assert problems == [("bot.yml", 19, "method 'broken' does not compile"),
                        ("m.js", 2, "method 'fromFile' does not compile")]


def test_what_each_action_type_needs_in_its_options(tmp_path):
    actions = (
        "        action:\n"
        "          - bye\n"
        "          - {name: text, options: {txt: hi}}\n"
        "          - {name: template, options: {type: buttons}}\n"
        "          - {name: command}\n"
        "          - {name: api, options: {method: GET}}\n"
        "          - {name: asyncApi, options: {uri: 'http://x'}}\n"
        "          - {name: method}\n"
        "          - {name: bye2, options: {text: fine}}\n"
    )
    text = SCHEMA + FLOW.replace("        action: bye\n", actions).replace(
        "      bye: {type: text, options: {text: bye}}\n",
        "      bye: {type: text, options: {text: bye}}\n      bye2: {type: text}\n")
    messages = [(line, message.split(": ", 1)[1]) for line, message in found(
        bot_dir(tmp_path, text))]
    assert messages == [
        (16, "a text action needs options.text (or data, path and template)"),
        (17, "a template's type is one of audio, button, carousel, confirm, image, imagemap, "
             "location, sticker, text, video, not 'buttons'"),
        (18, "a command action needs options.command"),
        (19, "an api action needs options.uri"),
        (20, "an asyncApi action needs options.command (the command its answer comes back as)"),
        (21, "a method action is an action of the flow with its method"),
    ]


def test_what_only_the_engine_refuses_is_reported_too(tmp_path):
    text = SCHEMA + FLOW + "nlus:\n  bad: {type: regex, options: {regex: '(unclosed'}}\n"
    text = text.replace("      hi: {initial: true, condition: \"content == 'hi'\"}\n",
                        "      hi: {initial: true, classifier: {nlu: bad}}\n")
    problems = found(bot_dir(tmp_path, text))
    assert len(problems) == 1 and "regex" in problems[0][1] and problems[0][0] > 0


def test_slips_the_docs_make_are_warnings(tmp_path):
    text = SCHEMA + FLOW.replace("{text: bye}", "{text: '$(context.mood = 1)'}").replace(
        "        action: bye\n",
        "        action: bye\n        enter: {context.n: (context.n || 0)++}\n")
    root = bot_dir(tmp_path, text)
    assert validate_bot(root) == []
    warnings = validate_bot(root, warnings=True)
    assert [(p.line, p.warning) for p in warnings] == [(15, True), (17, True)]
    assert str(warnings[0]).startswith(f"{root / 'bot.yml'}:15: warning: flow 'main' state "
                                       "'done' enter context.n: '++' at column 17")
    run = turnflow("validate", str(root))
    assert run.returncode == 0
    assert run.stdout.splitlines()[-1] == f"{root}: Kata bot, valid, 2 warnings"
