"""Bots written from the Kata documentation alone (tests/data/kata_docs/, each with the four
spec schemas and conversation tests), run as an outside author runs them: `turnflow test
BOT_DIR` through the CLI entry point. They pinned down where turnflow disagreed with the
docs; now they keep it from drifting back. The weather bot's API is a local server started
here (its address allowed through turnflow.http's allow-list)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from turnflow.cli import main

from .conftest import REPO

BOTS_DIR = REPO / "tests" / "data" / "kata_docs"
BOTS = sorted(p.name for p in BOTS_DIR.iterdir() if (p / "bot.yml").is_file())


class WeatherAPI(BaseHTTPRequestHandler):
    def answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if self.headers.get("X-Token") != "abc" or query.get("units") != ["metric"]:
            self.answer(400, {"error": "token and units required"})
        elif url.path == "/weather/Jakarta":
            self.answer(200, {"temp": 31, "sky": "cloudy"})
        else:
            self.answer(404, {"error": "unknown city"})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length))
        if self.path != "/subscribe" or self.headers.get("Content-Type") != "application/json":
            self.answer(400, {})
            return
        self.answer(200, {"subscription": {"id": f"s-{body['city']}-{body['hour']}"}})

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def api_base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), WeatherAPI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).splitlines()


def test_there_are_four_docs_bots_or_more() -> None:
    assert len(BOTS) >= 4


@pytest.mark.parametrize("bot", BOTS)
def test_docs_bot_is_valid(bot: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(capsys, "validate", str(BOTS_DIR / bot))
    assert code == 0 and lines[-1].endswith("Kata bot, valid"), "\n".join(lines)


@pytest.mark.parametrize("bot", BOTS)
def test_docs_bot_passes_its_tests(bot: str, api_base: str, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TURNFLOW_HTTP_ALLOW", "127.0.0.1")
    code, lines = run(capsys, "test", str(BOTS_DIR / bot), "--config", f"apiBase={api_base}")
    assert lines and re.fullmatch(r"\d+ passed, 0 failed", lines[-1]), "\n".join(lines)
    assert code == 0
    folder = BOTS_DIR / bot / "test"
    schemas = {line.split("/test/")[-1].strip() for f in folder.glob("*.spec.yml")
               for line in f.read_text().splitlines() if line.startswith("schema:")}
    assert schemas == {"intents", "states", "actions", "flow"}
    assert (folder / "conversations.yml").is_file()


def test_the_api_bot_is_refused_without_the_allow_list(
        api_base: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    # api actions go through turnflow.http: a loopback server is not reached unless allowed,
    # and the bot goes on with a null result (the FAQ's "the result will be null")
    monkeypatch.delenv("TURNFLOW_HTTP_ALLOW", raising=False)
    code, lines = run(capsys, "test", str(BOTS_DIR / "weather" / "test" / "conversations.yml"),
                      "--config", f"apiBase={api_base}")
    assert code != 0
    assert any("Weather service is down for Jakarta." in line for line in lines), lines


def test_date_local_time_is_the_bot_time_zone(tmp_path: Path) -> None:
    from turnflow.kata import KataEngine, load_bot
    from turnflow.kata.testing import TestClock  # 09:00 UTC

    def greeting(bot_dir: Path) -> str:
        engine = KataEngine(load_bot(bot_dir), clock=TestClock())
        result = engine.converse(engine.new_session("u"), {"type": "text", "content": "hello"})
        return result.responses[0]["content"]

    assert greeting(BOTS_DIR / "weather").startswith("Good afternoon")  # 16:00 at UTC+7
    utc = tmp_path / "utc"
    utc.mkdir()
    text = (BOTS_DIR / "weather" / "bot.yml").read_text()
    (utc / "bot.yml").write_text(text.replace("timezone: 7\n", ""))
    assert greeting(utc).startswith("Good morning")


def test_chat_shows_the_reply_of_a_failed_converse() -> None:
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-m", "turnflow.cli", "chat", str(BOTS_DIR / "fruitshop")],
        input="menu\nloop\n", capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    lines = run.stdout.splitlines()
    at = lines.index("you: loop")
    assert lines[at + 1] == "bot: Maaf terjadi kesalahan pada sistem"
    assert "Max Recursion of 4 is reached" in lines[at + 2]
    assert run.returncode == 0 and "Traceback" not in run.stderr


def test_method_and_methods_together_are_merged(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    # the spec's method-from-file example writes `method:`, its other pages `methods:`
    (tmp_path / "bot.yml").write_text(
        "schema: kata.ai/schema/kata-ml/1.0\nname: m\nflows:\n  f:\n    intents:\n"
        "      go: {initial: true}\n    states:\n      s:\n        initial: true\n"
        "        end: true\n        action: {name: text, options: {text: '$(sq(3)) $(cube(2))'}}\n"
        "methods:\n  sq(x): x*x\nmethod:\n  cube(x): x*x*x\n  sq(x): x\n")
    code, lines = run(capsys, "validate", str(tmp_path))
    assert code != 0 and len(lines) == 2
    assert "'sq(x)' is written both under 'methods' and under 'method'" in lines[0]
    assert "bot.yml:16" in lines[0]
    text = (tmp_path / "bot.yml").read_text().replace("  sq(x): x\n", "")
    (tmp_path / "bot.yml").write_text(text)
    from turnflow.kata import KataEngine, load_bot

    engine = KataEngine(load_bot(tmp_path))
    result = engine.converse(engine.new_session("u"), {"type": "text", "content": "hi"})
    assert [r["content"] for r in result.responses] == ["9 8"]


def test_an_engine_refuses_a_client_that_bypasses_the_safe_http_client() -> None:
    import httpx

    from turnflow.kata import KataEngine

    with pytest.raises(TypeError, match="SafeHTTPClient or an httpx transport"):
        KataEngine(BOTS_DIR / "weather", http=httpx.Client())


def test_test_files_are_known_by_content_not_name(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # a conversation file named like a spec, a spec named like anything: both run
    import shutil

    bot = tmp_path / "quiz"
    shutil.copytree(BOTS_DIR / "quiz", bot)
    (bot / "test" / "conversations.yml").rename(bot / "test" / "quiz_chat.spec.yml")
    (bot / "test" / "quiz_flow.spec.yml").rename(bot / "test" / "quiz-flow.yml")
    code, lines = run(capsys, "test", str(bot))
    assert (code, lines[-1]) == (0, "15 passed, 0 failed"), lines
