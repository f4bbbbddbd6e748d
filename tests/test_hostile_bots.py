"""Hostile input to the Rasa and Kata families (issue 12): YAML bombs, includes out of the bot
directory, FIFOs, unbounded expressions, methods that misbehave, Jinja escapes and loops,
API calls to local servers. Each ends in turnflow's own error (or a refusal); the time each
takes is measured in benchmarks/hostile_inputs.py, not here."""

from __future__ import annotations

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from turnflow.cli import main
from turnflow.kata.actions import http as kata_http
from turnflow.kata.js import JsRuntimeError, JsSyntaxError, compile_expression
from turnflow.kata.methods.runtime import MethodError, MethodRuntime
from turnflow.kata.methods.source import MethodSource
from turnflow.kata.reading import read_bot
from turnflow.located_yaml import YamlError, parse_yaml
from turnflow.rasa.templates import TemplateError, render_jinja, render_template
from turnflow.rasa.yaml_io import load_yaml

BOT = """schema: kata.ai/schema/kata-ml/1.0
name: probe
flows:
  main:
    intents:
      any: {initial: true, type: text}
    states:
      init:
        initial: true
        end: true
"""
SECRET = "s3cret-from-a-local-server"
REPO = Path(__file__).resolve().parent.parent

# nine aliases of nine aliases...: a few hundred bytes, 387 million values expanded
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n"
    for a, b in zip("abcdefgh", "bcdefghi", strict=True))


def _bot(tmp_path: Path, extra: str = "", **files: str) -> Path:
    bot = tmp_path / "bot"
    bot.mkdir()
    (bot / "bot.yml").write_text(BOT + extra, encoding="utf-8")
    for name, text in files.items():
        (bot / name).write_text(text, encoding="utf-8")
    return bot


def _messages(bot: Path) -> list[str]:
    return [p.message for p in read_bot(bot)[1]]


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).strip().splitlines()


# -- YAML -------------------------------------------------------------------------------------


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    with pytest.raises(YamlError, match="aliases expand to more than 1,000,000 values"):
        parse_yaml(BOMB)
    assert parse_yaml("a: &a [1, 2]\nb: *a\nc: *a\n") == {"a": [1, 2], "b": [1, 2], "c": [1, 2]}


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    with pytest.raises(YamlError, match="part of"):
        parse_yaml("a: &a [1, *a]\n")


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['true']",
                                 "!!python/name:os.system", "!!python/tuple [1]"])
def test_python_tags_are_refused_never_constructed(tag: str) -> None:
    with pytest.raises(YamlError, match="could not determine a constructor for the tag"):
        parse_yaml(f"key: {tag}\n")


def test_rasa_reads_regular_files_only(tmp_path: Path) -> None:
    fifo = tmp_path / "domain.yml"
    os.mkfifo(fifo)
    with pytest.raises(YamlError, match="not a regular file"):
        load_yaml(fifo)


def test_a_kata_alias_bomb_is_a_problem_at_its_line(tmp_path: Path) -> None:
    bot = _bot(tmp_path, "config: $include(big.yml)\n", **{"big.yml": BOMB})
    assert any("aliases expand" in m for m in _messages(bot))


# -- $include ---------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/etc/passwd", "../../../../etc/hostname", "/dev/zero"])
def test_an_include_outside_the_bot_directory_is_refused(tmp_path: Path, target: str) -> None:
    bot = _bot(tmp_path, f"config: $include({target})\n")
    assert _messages(bot) == [f"$include({target}): outside the bot directory (includes must "
                              "stay inside it)"]


def test_a_symlink_out_of_the_bot_directory_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yml"
    secret.write_text("key: hidden\n", encoding="utf-8")
    bot = _bot(tmp_path, "config: $include(link.yml)\n")
    (bot / "link.yml").symlink_to(secret)
    assert "outside the bot directory" in _messages(bot)[0]
    (bot / "inside.yml").write_text("key: shown\n", encoding="utf-8")
    (bot / "link2.yml").symlink_to(bot / "inside.yml")  # a link that stays inside is fine
    (bot / "link.yml").unlink()
    (bot / "bot.yml").write_text(BOT + "config: $include(link2.yml)\n", encoding="utf-8")
    assert _messages(bot) == []


def test_an_include_of_a_fifo_or_directory_is_refused(tmp_path: Path) -> None:
    bot = _bot(tmp_path, "config: $include(pipe.yml)\nnlus: $include(sub)\n")
    os.mkfifo(bot / "pipe.yml")
    (bot / "sub").mkdir()
    messages = " | ".join(_messages(bot))
    assert "not a regular file" in messages and "is a directory" in messages


def test_cli_on_a_bot_yml_that_is_a_fifo(tmp_path: Path, capsys: Any) -> None:
    bot = tmp_path / "bot"
    bot.mkdir()
    os.mkfifo(bot / "bot.yml")
    code, lines = _cli(capsys, "validate", str(bot))
    assert code != 0 and len(lines) <= 2 and "Traceback" not in "\n".join(lines)


def test_cli_validate_refuses_an_include_of_passwd_in_one_line(tmp_path: Path,
                                                                capsys: Any) -> None:
    bot = _bot(tmp_path, "config: $include(/etc/passwd)\n")
    code, lines = _cli(capsys, "validate", str(bot))
    assert code == 1 and "outside the bot directory" in lines[0] and "root:" not in str(lines)


# -- Kata expressions ---------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["/a{1000000000}/.test(content)",
                                    "/((a{1000}){1000}){1000}/.test(content)"])
def test_regex_literals_get_re2_bounds(source: str) -> None:
    with pytest.raises(JsSyntaxError, match="Invalid regular expression"):
        compile_expression(source)


def test_regexp_built_from_user_text_is_bounded() -> None:
    with pytest.raises(JsRuntimeError, match="Invalid regular expression"):
        compile_expression("new RegExp(content).test('a')").evaluate({"content": "a{99999999}"})


@pytest.mark.parametrize("source", [
    "'a'.repeat(100000).replace(/a/g, 'a'.repeat(100000))",
    "'a'.repeat(100000).replace(/a/g, m => 'a'.repeat(100000))",
    "'a'.repeat(1 << 20).replaceAll('a', 'bb')",
    "'ab'.repeat(50000).split('').join('x'.repeat(10000))",
    "(s => s + s)('a'.repeat(1 << 20))",
    "'a'.repeat(1 << 20).concat('b')",
    "`${'a'.repeat(1 << 20)}b`",
])
def test_strings_an_expression_builds_are_bounded(source: str) -> None:
    with pytest.raises(JsRuntimeError, match="Invalid string length"):
        compile_expression(source).evaluate({})


def test_nested_loops_run_out_of_work() -> None:
    source = "Array.from({length: 1e6}).map(() => Array.from({length: 1e6})).length"
    with pytest.raises(JsRuntimeError, match="too much work"):
        compile_expression(source).evaluate({})
    assert compile_expression("[1, 2].map(x => x * 2)").evaluate({}) == [2, 4]


# -- Kata methods -------------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "kind", "text"), [
    ("throw {toString: function () { while (true) {} }};", "timeout", "timed out"),
    ("var e = new Error('x'); Object.defineProperty(e, 'stack', {get: function () "
     "{ while (true) {} }}); throw e;", "timeout", "timed out"),
    ("throw null;", "threw", "threw (null)"),
    ("throw 'x'.repeat(100000);", "threw", "…"),
    ("throw new Proxy({}, {get: function () { throw 1; }});", "threw", "cannot be shown"),
    ("return {toJSON: function () { while (true) {} }};", "timeout", "timed out"),
])
def test_a_method_that_throws_or_returns_something_odd_fails_cleanly(
        body: str, kind: str, text: str) -> None:
    runtime = MethodRuntime({"m": MethodSource("m", (), body)}, time_limit_ms=200)
    with pytest.raises(MethodError) as caught:
        runtime.call("m", [])
    assert caught.value.kind == kind and text in str(caught.value)
    assert len(str(caught.value)) < 400 and "\n" not in str(caught.value)
    runtime.sources["ok"] = MethodSource("ok", (), "return 1;")
    runtime._rebuild()
    assert runtime.call("ok", []) == 1  # the process and the runtime survive


# -- Jinja (Rasa) -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% macro m(n) %}{% if n %}{{ m(n-1) }}{{ m(n-1) }}{% endif %}{% endmacro %}{{ m(40) }}",
    "{{ 'a' * 10**9 }}",
    "{{ 2 ** 99999999 }}",
    "{{ 'a'|center(1000000000) }}",
    "{{ '%01000000000d'|format(1) }}",
    "{{ '{:>1000000000}'.format(1) }}",
    "{% set x = namespace(s='a') %}{% for i in range(60) %}{% set x.s = x.s ~ x.s %}"
    "{% endfor %}{{ x.s }}",
    "{{ lipsum(100000) }}",
])
def test_hostile_jinja_fails_as_a_broken_template(text: str) -> None:
    with pytest.raises(TemplateError):
        render_template(text, {"slots": {}})
    assert render_jinja(text, {"slots": {}}) == text  # a response keeps its text


def test_slot_values_are_never_evaluated_as_templates() -> None:
    typed = "{{ 7*7 }}{% for i in range(10**9) %}x{% endfor %}{{ ''.__class__ }}"
    assert render_jinja("you said: {{ said }}", {"said": typed}) == f"you said: {typed}"
    assert render_template("{{ slots.x }}!", {"slots": {"x": typed}}) == typed + "!"


def test_ordinary_jinja_still_works() -> None:
    text = "{% for t in toppings %}{{ t|upper }}{% if not loop.last %}, {% endif %}{% endfor %}"
    assert render_jinja(text, {"toppings": ["ham", "olives"]}) == "HAM, OLIVES"


# -- Kata api actions to local servers --------------------------------------------------------

class _Secret(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        body = ('{"secret": "' + SECRET + '"}').encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def local_server(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv("TURNFLOW_HTTP_ALLOW", raising=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Secret)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433", "0x7f.1",
                                  "[::ffff:127.0.0.1]"])
def test_api_actions_to_loopback_are_refused(local_server: int, host: str) -> None:
    request = kata_http.ApiRequest("GET", f"http://{host}:{local_server}/", {}, {}, None, None,
                                   2000)
    answer = kata_http.call_api(None, request)
    assert answer.result is None and SECRET not in repr(answer)
    assert answer.problem is not None and "refused: " in answer.problem


@pytest.mark.parametrize("address", ["10.0.0.1", "169.254.169.254", "192.168.1.1", "0.0.0.0"])
def test_api_actions_to_private_addresses_are_refused(address: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TURNFLOW_HTTP_ALLOW", raising=False)
    request = kata_http.ApiRequest("GET", f"http://{address}/latest/meta-data/", {}, {}, None,
                                   None, 2000)
    answer = kata_http.call_api(None, request)
    assert answer.result is None and "refused: " in (answer.problem or "")


# -- the CLI on paths that are not files ------------------------------------------------------


@pytest.mark.parametrize("command", [["validate"], ["test"], ["chat"], ["migrate"],
                                     ["eval", "@(1)", "--context-file"]])
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_cli_refuses_fifos_and_devices_in_one_line(tmp_path: Path, capsys: Any,
                                                   command: list[str], kind: str) -> None:
    path = tmp_path / "flow.json"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")  # (reading it would never end)
    args = [*command, str(path)] if command[0] == "eval" else [command[0], str(path)]
    code, lines = _cli(capsys, *args)
    assert code != 0 and lines == [f"error: {path}: not a regular file or a directory"]


def test_cli_test_on_a_directory_without_tests_fails(tmp_path: Path, capsys: Any) -> None:
    code, lines = _cli(capsys, "test", str(tmp_path))
    assert code != 0 and lines[-1] == f"error: no tests found in {tmp_path}"


def test_cli_eval_context_file_that_is_not_utf8(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "context.json"
    path.write_bytes(b"\xff\xfe{}")
    code, lines = _cli(capsys, "eval", "@(1)", "--context-file", str(path))
    assert code != 0 and lines == [f"error: context file {path} is not UTF-8 text"]


def test_a_rasa_payload_with_entities_nested_3000_deep_is_not_a_crash() -> None:
    # (a user types it: json.loads used to raise RecursionError in the middle of the turn)
    from turnflow.rasa.chat import load_engine

    engine = load_engine(REPO / "examples" / "rasa" / "booking")
    session = engine.new_session("deep")
    engine.handle(session, '/book{"a":' + "[" * 3000 + "]" * 3000 + "}")
    engine.handle(session, "/restart")


def test_kata_config_overrides_nested_deep_are_text(tmp_path: Path, capsys: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    bot = _bot(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("hi\n"))
    code, lines = _cli(capsys, "chat", str(bot), "--config", "x=" + "[" * 100_000)
    assert code == 0 and "Traceback" not in "\n".join(lines)
