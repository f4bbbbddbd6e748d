"""The example Kata bots (examples/kata/) pass all their own tests, run as a user runs them:
`turnflow test BOT_DIR` through the CLI entry point. The support bot's HTTP services
(examples/kata/support/service.py) run on a free local port for it."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from turnflow.cli import main

from .conftest import REPO, SHARED, require_fixtures

EXAMPLES = REPO / "examples" / "kata"
BOTS = sorted(p.name for p in EXAMPLES.iterdir() if (p / "bot.yml").is_file())


@pytest.fixture(scope="module")
def services() -> Iterator[str]:
    spec = importlib.util.spec_from_file_location("kata_support_service",
                                                  EXAMPLES / "support" / "service.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    server, url = module.start(0)
    # api actions go through turnflow.http, which reaches a loopback address only when
    # the allow-list names it
    before = os.environ.get("TURNFLOW_HTTP_ALLOW")
    os.environ["TURNFLOW_HTTP_ALLOW"] = "127.0.0.1"
    try:
        yield url
    finally:
        server.shutdown()
        if before is None:
            del os.environ["TURNFLOW_HTTP_ALLOW"]
        else:
            os.environ["TURNFLOW_HTTP_ALLOW"] = before


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["test", *args])
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).splitlines()


def test_there_are_two_example_bots_or_more() -> None:
    assert {"pizza", "support"} <= set(BOTS)


@pytest.mark.parametrize("bot", BOTS)
def test_example_bot_passes_its_tests(bot: str, services: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(capsys, str(EXAMPLES / bot), "--config", f"apiBase={services}")
    assert lines and re.fullmatch(r"\d+ passed, 0 failed", lines[-1]), "\n".join(lines)
    assert code == 0
    passed = int(lines[-1].split()[0])
    specs = list((EXAMPLES / bot / "test").glob("*.spec.yml"))
    assert passed >= 10 and len(specs) >= 4


@pytest.mark.parametrize("bot", BOTS)
def test_example_bot_has_every_kind_of_test(bot: str) -> None:
    folder = EXAMPLES / bot / "test"
    kinds = set()
    for spec in folder.glob("*.spec.yml"):
        kinds.update(re.findall(r"schema: kata\.ai/schema/kata-?ml/1\.0/test/(\w+)",
                                spec.read_text()))
    conversations = [p for p in folder.glob("*.yml") if not p.name.endswith(".spec.yml")
                     and p.read_text().lstrip("# \n").find("conversations:") >= 0]
    assert kinds >= {"intents", "states", "actions", "flow"}, kinds
    assert conversations


def test_every_spec_kind_across_the_examples() -> None:
    text = "".join(p.read_text() for p in EXAMPLES.glob("*/test/*.spec.yml"))
    for kind in ("intents", "states", "actions", "flow"):
        assert f"/1.0/test/{kind}" in text


def test_a_failing_spec_says_what_differed(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "order_states.spec.yml"
    spec.write_text("""\
schema: kata.ai/schema/kata-ml/1.0/test/states
flow: order
test:
  'a size alone still needs the quantity':
    state: collect
    intent: details
    attributes:
      size: medium
    context:
      pizzaType: Veggie
    expect:
      state: confirm
  'the size is kept':
    state: collect
    intent: details
    attributes:
      size: medium
    expect:
      context:
        size: large
""")
    code, lines = run(capsys, str(EXAMPLES / "pizza"), str(spec))
    assert code == 1
    assert lines == [
        f"FAIL {spec}:4 a size alone still needs the quantity: "
        'state: expected "confirm", got "collect"',
        f"FAIL {spec}:13 the size is kept: context.size: expected \"large\", got \"medium\"",
        "0 passed, 2 failed",
    ]


def test_a_failing_conversation_says_which_step(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    test = tmp_path / "talk.yml"
    test.write_text(f"""\
bot: {EXAMPLES / 'pizza'}
conversations:
  - name: wrong answer
    steps:
      - user: order
      - bot: What size?
  - name: right answer
    steps:
      - user: order
      - bot: Which pizza would you like?
""")
    code, lines = run(capsys, str(test))
    assert code == 1
    assert lines == [
        f"FAIL {test}:3 wrong answer: {test}:6: expected the bot to say \"What size?\", "
        'got "Which pizza would you like?"',
        "1 passed, 1 failed",
    ]


def test_a_broken_test_file_is_one_line(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    test = tmp_path / "x.spec.yml"
    test.write_text("schema: kata.ai/schema/kata-ml/1.0/test/flow\nflow: order\ntest:\n"
                    "  a:\n    mesage: hi\n    expect: {}\n")
    code, lines = run(capsys, str(EXAMPLES / "pizza"), str(test))
    assert code == 1
    assert lines == [f"FAIL {test}: {test}:5: test 'a': unknown key 'mesage' (known: "
                     "attributes, desc, expect, intent, message)", "0 passed, 1 failed"]


def test_a_broken_bot_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bot = tmp_path / "bot"
    (bot / "test").mkdir(parents=True)
    (bot / "bot.yml").write_text("schema: kata.ai/schema/kata-ml/1.0\nname: x\nflows:\n"
                                 "  f:\n    states:\n      s:\n        initial: true\n")
    code, lines = run(capsys, str(bot))
    assert code == 2
    assert len(lines) == 1 and lines[0].startswith(f"error: {bot}: the bot has errors: ")
    assert "bot.yml:" in lines[0]


def test_the_test_spec_pages_examples_run(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The four examples of Kata's test-spec page (read in place from ../shared, named as the
    page says to name them) pass against a bot of ours shaped for them: spec files written
    from the docs alone run as written (the flow example carries the actions schema)."""
    pages = require_fixtures(SHARED / "reference" / "kata" / "extracted-yaml"
                             / "kata-ai+kata-platform-docs" / "docs" / "kata-ml" / "test-spec")
    files = []
    for block, kind in (("02", "intents"), ("04", "states"), ("06", "actions"), ("08", "flow")):
        target = tmp_path / f"welcome_{kind}.spec.yml"
        target.write_text((pages / f"{block}.yml").read_text())
        files.append(str(target))
    code, lines = run(capsys, str(REPO / "tests" / "data" / "kata" / "welcome"), *files)
    assert lines == ["4 passed, 0 failed"] and code == 0


def test_the_console_examples_of_docs_kata_md() -> None:
    """Each `$ command` of docs/kata.md's console blocks prints what the page shows."""
    text = (REPO / "docs" / "kata.md").read_text()
    examples = []
    for body in re.findall(r"```console\n(.*?)```", text, re.S):
        for chunk in re.split(r"^\$ ", body, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            examples.append((command, output.rstrip("\n")))
    assert len(examples) >= 3
    bin_dir = str(Path(sys.executable).parent)
    for command, output in examples:
        run = subprocess.run(
            command, shell=True, capture_output=True, text=True, timeout=120, cwd=REPO,
            env={**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")},
        )  # fmt: skip
        assert (run.stdout + run.stderr).rstrip("\n") == output, command


BROKEN_METHODS = """\
schema: kata.ai/schema/kata-ml/1.0
name: broken
flows:
  main:
    fallback: true
    intents:
      any:
        fallback: true
    states:
      init:
        initial: true
        transitions:
          boom: content == 'boom'
          spin: content == 'spin'
          ok:
            fallback: true
      boom:
        end: true
        enter: explode
      spin:
        end: true
        enter: forever
      ok:
        end: true
        action:
          name: text
          options:
            text: fine
methods:
  explode(ctx): "throw new Error('kaput');"
  forever(ctx): "while (true) {}"
"""


def test_a_method_that_throws_or_loops_fails_its_test_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "test").mkdir()
    (tmp_path / "bot.yml").write_text(BROKEN_METHODS)
    (tmp_path / "test" / "talk.yml").write_text(
        "conversations:\n  - name: throws\n    steps: [{user: boom}]\n"
        "  - name: loops\n    steps: [{user: spin}]\n"
        "  - name: fine\n    steps: [{user: hello}, {bot: fine}]\n")
    code, lines = run(capsys, str(tmp_path))
    assert code == 1 and lines[-1] == "1 passed, 2 failed"
    talk, bot = tmp_path / "test" / "talk.yml", tmp_path / "bot.yml"
    assert lines[0].startswith(f"FAIL {talk}:2 throws: {talk}:3: {bot}:19: ")
    assert lines[0].endswith(f"method 'explode' ({bot}:30) threw Error: kaput")
    assert lines[1].startswith(f"FAIL {talk}:4 loops: {talk}:5: {bot}:22: ")
    assert "method 'forever'" in lines[1] and "timed out" in lines[1]
