"""`turnflow chat BOT_DIR` with a Kata bot, driven through a pipe as tests/test_rasa_chat.py
drives the Rasa chat."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from .conftest import REPO

PIZZA = REPO / "examples" / "kata" / "pizza"
SUPPORT = REPO / "examples" / "kata" / "support"


def chat(*lines: str, bot: Path = PIZZA) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "turnflow.cli", "chat", str(bot)],
        input="".join(f"{line}\n" for line in lines), capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def after(run: subprocess.CompletedProcess[str], typed: str, nth: int = 0) -> list[str]:
    """The lines printed after the nth time ``typed`` was typed, up to the next line typed."""
    lines = run.stdout.splitlines()
    starts = [i + 1 for i, line in enumerate(lines) if line == f"you: {typed}"]
    start = starts[nth]
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("you: ")), len(lines))
    return lines[start:end]


def test_text_buttons_and_state() -> None:
    run = chat("hello", "1", "/state")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert run.stdout.splitlines()[0].startswith(f"Chatting with the Kata bot {PIZZA}")
    assert after(run, "hello") == [
        "bot: Welcome to Slice! What can I get you?",
        "bot: [button] Slice - Order now or have a look first",
        "  [1] Order a pizza (button)",
        "  - Our website: https://slice.example.com",
    ]
    assert after(run, "1") == ["bot: Which pizza would you like?"]
    state = after(run, "/state")
    assert state[:2] == ["  flow: order, state: collect", "  stack: (empty)"]
    assert state[2].startswith("  context: {") and '"asked": 1' in state[2]
    assert state[3] == '  data: {"lang": "en"}'
    assert run.stdout.splitlines()[-1] == "(left the conversation)"


def test_data_command_and_wait() -> None:
    run = chat('/data {"op": "order", "pizza": "Veggie"}', "/command reenter", "/data [1]",
               "/command", "/wait soon", "/restart", "promo", "/wait 120", "yes", "/quit",
               "never read")
    assert run.returncode == 0, run.stderr
    assert after(run, '/data {"op": "order", "pizza": "Veggie"}') == [
        "bot: What size, small, medium or large?"]
    assert after(run, "/command reenter") == ["bot: What size, small, medium or large?"]
    assert after(run, "/data [1]") == ['  (/data needs a JSON object, e.g. /data {"op": "order"})']
    assert after(run, "/command") == ['  (usage: /command NAME [{"json": "payload"}])']
    assert after(run, "/wait soon") == ["  (usage: /wait SECONDS)"]
    assert after(run, "promo")[0] == "bot: [button] 10% off today - Want the code? It is valid " \
                                     "for one minute."
    assert after(run, "/wait 120") == []
    assert after(run, "yes") == ["bot: Sorry, I did not get that."]  # the promo expired
    assert "never read" not in run.stdout


def test_quick_replies_and_carousel_cards() -> None:
    run = chat("menu", "promo")
    assert after(run, "menu")[:3] == [
        "bot: [carousel] Margherita - tomato, mozzarella, basil",
        "  [1] Order Margherita (button)",
        "bot: [carousel] Hawaiian - ham and pineapple",
    ]
    assert after(run, "promo")[-2:] == ["  [2] yes (quick reply)", "(left the conversation)"]


def test_a_broken_bot_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "bot.yml").write_text("schema: kata.ai/schema/kata-ml/1.0\nflows:\n  f: 3\n")
    run = chat("hi", bot=tmp_path)
    assert run.returncode == 2
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1 and "bot.yml:3" in run.stderr


def test_api_async_api_and_schedules_in_the_chat() -> None:
    spec = importlib.util.spec_from_file_location(
        "kata_support_service_chat", REPO / "examples" / "kata" / "support" / "service.py")
    assert spec is not None and spec.loader is not None
    service = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(service)
    server, url = service.start(0)
    try:
        run = subprocess.run(
            [sys.executable, "-m", "turnflow.cli", "chat", str(SUPPORT), "--config",
             f"apiBase={url}"],
            input="what is the status\nmy internet is broken\nann@example.com\n"
                  "book monday at 10\nmonday at 10\nyes\n/wait 3600\n",
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "TURNFLOW_HTTP_ALLOW": "127.0.0.1"},
        )  # fmt: skip
    finally:
        server.shutdown()
    assert run.returncode == 0, run.stderr
    assert after(run, "what is the status") == ["bot: All systems are working."]
    # the asyncApi answer is delivered as soon as it is due: right after the message
    assert after(run, "ann@example.com") == [
        "bot: Thanks, your ticket is on its way to Support desk.",
        "bot: Ticket T-1001 is open, we will write to ann@example.com.",
    ]
    assert after(run, "yes") == ["bot: Booked for Monday at 10:00, reference B-MON10."]
    assert after(run, "/wait 3600") == [
        "bot: Reminder: your appointment is on Monday at 10:00.", "(left the conversation)"]
