"""``turnflow chat BOT_DIR``: talk to a Kata bot in the terminal, as ``kata console`` did.

A typed line goes to the bot as a text message. The chat's own commands:

- ``/data {"op": "order"}``: a data message with that JSON payload (a button's postback);
- ``/command NAME [{"json": "payload"}]``: a command message;
- a number: picks the button, carousel action or quick reply listed under that number;
- ``/state``: the current flow and state, the flows on hold, the flow's context and the data;
- ``/wait SECONDS``: time passes (schedules come due, flows expire);
- ``/restart``: a new conversation; ``/quit``.

A line starting with ``//`` sends the text with one slash less. Scheduled messages and
asynchronous API results that are due are delivered after each message (and after ``/wait``).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from .. import json_input
from ..errors import TurnflowError
from ..generators.times import NS_PER_SECOND, NanoTime

COMMANDS = ("/data", "/command", "/state", "/wait", "/restart", "/quit")
USER_ID = "console"


class ChatClock:
    """The real time, plus however long ``/wait`` said has passed."""

    def __init__(self) -> None:
        self.offset_ns = 0

    def now_ns(self) -> int:
        return time.time_ns() + self.offset_ns

    def now_time(self) -> NanoTime:
        return NanoTime(self.now_ns())

    def now(self) -> dt.datetime:
        return self.now_time().to_datetime()

    __call__ = now

    def advance(self, seconds: float) -> None:
        self.offset_ns += round(seconds * NS_PER_SECOND)


class KataChat:
    """One terminal conversation with a bot (``/restart`` starts a new session)."""

    def __init__(self, engine: Any, clock: ChatClock, out: TextIO) -> None:
        self.engine = engine
        self.clock = clock
        self.out = out
        self.choices: list[dict[str, Any]] = []  # the messages the listed numbers send
        self.session = engine.new_session(user_id=USER_ID)

    def say(self, text: str) -> None:
        print(text, file=self.out)

    # -- what the bot says --

    def print_responses(self, responses: list[dict[str, Any]]) -> None:
        if responses:
            self.choices = []
        for response in responses:
            kind = response.get("type")
            if kind == "text":
                self.say(f"bot: {response.get('content', '')}")
            elif kind == "data" and isinstance(response.get("payload"), dict):
                self.print_data(response["payload"])
            else:
                self.say(f"bot: [{kind}] {_json(response.get('payload', response))}")

    def print_data(self, payload: dict[str, Any]) -> None:
        kind = payload.get("template_type") or payload.get("type") or "data"
        items = payload.get("items")
        if kind == "carousel" and isinstance(items, list):
            for item in items:
                self.print_card("carousel", item)
            return
        if not isinstance(items, dict):
            self.say(f"bot: [{kind}] {_json(payload)}")
            return
        if kind in ("button", "confirm", "text"):
            self.print_card(kind, items)
        elif kind in ("image", "video", "audio"):
            self.say(f"bot: [{kind}] {items.get('originalContentUrl', '')}")
        elif kind == "sticker":
            self.say(f"bot: [sticker] {items.get('packageId', '')}/{items.get('stickerId', '')}")
        elif kind == "location":
            self.say(f"bot: [location] {items.get('title', '')}, {items.get('address', '')} "
                     f"({items.get('latitude', '')}, {items.get('longitude', '')})")
        elif kind == "imagemap":
            self.say(f"bot: [imagemap] {items.get('altText', '')}")
            self.print_actions(items.get("actions"))
        else:
            self.say(f"bot: [{kind}] {_json(items)}")
        self.print_actions(items.get("quickreply"), quick=True)

    def print_card(self, kind: str, item: Any) -> None:
        if not isinstance(item, dict):
            self.say(f"bot: [{kind}] {_json(item)}")
            return
        title, text = item.get("title"), item.get("text")
        shown = " - ".join(str(part) for part in (title, text) if part)
        self.say(f"bot: [{kind}] {shown}")
        self.print_actions(item.get("actions"))

    def print_actions(self, actions: Any, quick: bool = False) -> None:
        if not isinstance(actions, list):
            return
        for action in actions:
            if not isinstance(action, dict):
                continue
            label = action.get("label") or action.get("text") or action.get("type", "")
            if action.get("type") == "url":
                self.say(f"  - {label}: {action.get('url', '')}")
                continue
            message = _choice_message(action)
            if message is None:
                self.say(f"  - {label}")
                continue
            self.choices.append(message)
            marker = "quick reply" if quick else "button"
            self.say(f"  [{len(self.choices)}] {label} ({marker})")

    def print_state(self) -> None:
        session = self.session
        flow = session.flow
        self.say(f"  flow: {flow or '(none)'}" + (f", state: {session.state}" if flow else ""))
        stack = list(session.stack)
        self.say(f"  stack: {', '.join(stack) if stack else '(empty)'}")
        self.say(f"  context: {_json(session.context or {})}")
        self.say(f"  data: {_json(session.data)}")

    # -- the conversation --

    def deliver(self, message: dict[str, Any]) -> None:
        try:
            result = self.engine.converse(self.session, message)
            self.print_responses(list(result.responses))
            self.deliver_due()
        except TurnflowError as exc:  # the bot failed this turn: say so, keep chatting
            self.failed(exc)

    def failed(self, exc: TurnflowError) -> None:
        """A converse that failed: what Kata told the user then (the error's ``reply``),
        then the error itself for the author."""
        reply = getattr(exc, "reply", None)
        if isinstance(reply, dict):
            self.print_responses([reply])
        self.say(f"  (error: {_one_line(exc)})")

    def deliver_due(self) -> None:
        result = self.engine.fire_due(self.session)
        if result.responses:
            self.print_responses(list(result.responses))

    def handle(self, line: str) -> bool:
        """Act on one typed line; False means quit."""
        text = line.strip()
        word, _, rest = text.partition(" ")
        if word == "/quit":
            return False
        if word == "/state":
            self.print_state()
        elif word == "/restart":
            self.session = self.engine.new_session(user_id=USER_ID)
            self.choices = []
            self.say("(new conversation)")
        elif word == "/wait":
            self.wait(rest)
        elif word == "/data":
            payload = _parse_json(rest)
            if not isinstance(payload, dict):
                self.say('  (/data needs a JSON object, e.g. /data {"op": "order"})')
            else:
                self.deliver({"type": "data", "payload": payload})
        elif word == "/command":
            name, _, payload_text = rest.strip().partition(" ")
            payload = _parse_json(payload_text) if payload_text.strip() else None
            if not name or (payload_text.strip() and not isinstance(payload, dict)):
                self.say('  (usage: /command NAME [{"json": "payload"}])')
            else:
                message: dict[str, Any] = {"type": "command", "content": name}
                if payload is not None:
                    message["payload"] = payload
                self.deliver(message)
        elif text.isdigit() and 1 <= int(text) <= len(self.choices):
            self.deliver(dict(self.choices[int(text) - 1]))
        else:
            content = text[1:] if text.startswith("//") else line
            self.deliver({"type": "text", "content": content})
        return True

    def wait(self, seconds: str) -> None:
        try:
            amount = float(seconds)
        except ValueError:
            amount = -1
        if amount < 0:
            self.say("  (usage: /wait SECONDS)")
            return
        self.clock.advance(amount)
        try:
            self.deliver_due()
        except TurnflowError as exc:
            self.failed(exc)


def _choice_message(action: dict[str, Any]) -> dict[str, Any] | None:
    """What picking a button or quick reply sends: its payload (postback), or its text."""
    if isinstance(action.get("payload"), dict):
        return {"type": "data", "payload": action["payload"]}
    text = action.get("text") or (action.get("label") if action.get("type") == "text" else None)
    if isinstance(text, str) and text:
        return {"type": "text", "content": text}
    return None


def _parse_json(text: str) -> Any:
    try:  # (turnflow's JSON limits: a `/data` typed 100,000 deep is not JSON here)
        return json_input.loads(text)
    except json_input.JSONInputError:
        return None


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def run_kata_chat(
    bot_dir: str | Path,
    read_line: Callable[[], str | None],
    out: TextIO,
    config: dict[str, Any] | None = None,
    echo: bool = True,
) -> int:
    """Chat until ``/quit`` or the end of input; returns the CLI exit code. ``echo`` prints
    each line read (for piped input). A bot with errors raises a one-line TurnflowError."""
    from .testing.runner import load_engine

    clock = ChatClock()
    engine = load_engine(bot_dir, config, clock)
    chat = KataChat(engine, clock, out)
    flows = len(engine.bot.flows) if hasattr(engine, "bot") else 0
    chat.say(f"Chatting with the Kata bot {bot_dir}" + (f" ({flows} flows)." if flows else "."))
    chat.say("Commands: /data JSON, /command NAME [JSON], /state, /wait SECONDS, /restart, "
             "/quit; a number picks a listed button.")
    while True:
        line = read_line()
        if line is None:
            break
        line = line.rstrip("\n")
        if not line.strip():
            continue
        if echo:
            chat.say(f"you: {line}")
        if not chat.handle(line):
            break
    chat.say("(left the conversation)")
    return 0
