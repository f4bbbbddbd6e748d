"""The Kata family of the service, in process (the store, turns and outbox without a server):
a failing converse answers the bot's error message and keeps the session; a turn's replies
to the generic channel are one outbox post, marked for every message it carries; a bot that
can't be read is refused naming its file; a stored session the bot can't take up any more
starts afresh; a timer comes due at the earliest expiry or schedule."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from turnflow.generators import NanoTime
from turnflow.http import SafeHTTPClient
from turnflow.service import outbox
from turnflow.service.families.base import DefinitionError
from turnflow.service.loading import load_paths, read_definition
from turnflow.service.turns import Turns
from turnflow.store import Store, upgrade
from turnflow.store.models import Channel, Conversation, Message, OutboxItem, Timer

from .service_support import REPO

BOT = REPO / "tests" / "data" / "kata" / "service"
ACTIONS = REPO / "tests" / "data" / "kata" / "actions"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.value = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)

    def now_time(self) -> NanoTime:
        return NanoTime.from_datetime(self.value)

    def now_ns(self) -> int:
        return self.now_time().ns

    def now(self) -> dt.datetime:
        return self.value


def setup(tmp_path: Path, bot: Path = BOT) -> tuple[Turns, Clock, Channel]:
    store = Store(f"sqlite:///{tmp_path / 'kata.db'}")
    upgrade(store)
    clock = Clock()
    load_paths(store, [bot], "default", clock, token="t", send_url="http://hook.test/in")
    with store.reading() as session:
        channel = session.scalar(select(Channel).where(Channel.kind == "generic"))
    return Turns(store, clock), clock, channel


def say(turns: Turns, channel: Channel, user: str, *messages: dict) -> None:
    received = turns.receive_many(channel, f"ext:{user}", [
        (m.get("content") or "", {"kata": m}) for m in messages])
    turns.handle_pending(received[0].contact_id)


def deliver(turns: Turns) -> list[dict]:
    seen: list[dict] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200)

    client = SafeHTTPClient(transport=httpx.MockTransport(answer))
    for item in outbox.claim_due(turns):
        outbox.mark(turns, item.id, outbox.post(client, item))
    return seen


def test_a_turns_replies_are_one_post_and_every_message_is_marked(tmp_path: Path) -> None:
    turns, _, channel = setup(tmp_path)
    say(turns, channel, "ann", {"type": "text", "content": "order"})
    say(turns, channel, "ann", {"type": "text", "content": "faq"})
    assert deliver(turns) == [
        {"messages": [{"type": "text", "content": "What size?"}], "userId": "ann"},
        {"messages": [{"type": "text", "content": "FAQ answer."},
                      {"type": "text", "content": "What size?"}], "userId": "ann"}]
    with turns.store.reading() as session:
        out = list(session.scalars(select(Message).where(Message.direction == "out")))
        assert [m.status for m in out] == ["wired"] * 3
        assert session.scalar(select(OutboxItem).where(OutboxItem.status != "sent")) is None


def test_a_failing_converse_answers_the_error_message_and_keeps_the_session(
        tmp_path: Path) -> None:
    turns, _, channel = setup(tmp_path, ACTIONS)
    say(turns, channel, "bo", {"type": "text", "content": "boom"})
    with turns.store.reading() as session:
        message = session.scalar(select(Message).where(Message.direction == "in"))
        reply = session.scalar(select(Message).where(Message.direction == "out"))
        conversation = session.scalar(select(Conversation))
        assert message.status == "handled"
        assert reply.text == "Maaf terjadi kesalahan pada sistem"  # (Kata's default)
        assert conversation.state["kata"]["flows"] == []
    say(turns, channel, "bo", {"type": "text", "content": "texts"})
    with turns.store.reading() as session:
        texts = [m.text for m in session.scalars(select(Message).where(
            Message.direction == "out").order_by(Message.id))]
    assert texts[1:3] == ["first", "second 2"]


def test_timers_at_the_earliest_expiry_or_schedule(tmp_path: Path) -> None:
    turns, clock, channel = setup(tmp_path)
    say(turns, channel, "cy", {"type": "text", "content": "promo"})
    clock.value += dt.timedelta(seconds=30)
    say(turns, channel, "cy", {"type": "text", "content": "remind me"})
    with turns.store.reading() as session:
        timers = list(session.scalars(select(Timer).where(Timer.fired_on.is_(None))))
    # the promo's expiry (from its opening at 9:00:00) comes before the reminder (9:01:30)
    assert [(t.kind, t.fire_at.replace(tzinfo=dt.UTC)) for t in timers] == [
        ("kata_due", dt.datetime(2026, 1, 5, 9, 1, tzinfo=dt.UTC))]


def test_a_bot_that_cant_be_read_is_refused_naming_its_file(tmp_path: Path) -> None:
    bot = tmp_path / "broken"
    bot.mkdir()
    (bot / "bot.yml").write_text("schema: kata.ai/schema/kata-ml/1.0\nname: x\nflows: [\n")
    with pytest.raises(DefinitionError, match=r"broken/bot\.yml:\d+: invalid YAML"):
        read_definition(bot)


def test_a_session_the_new_revision_cant_take_up_starts_afresh(tmp_path: Path) -> None:
    bot = tmp_path / "service"
    shutil.copytree(BOT, bot)
    turns, _, channel = setup(tmp_path, bot)
    say(turns, channel, "dee", {"type": "text", "content": "order"})
    text = (bot / "bot.yml").read_text()
    (bot / "bot.yml").write_text(text.replace("      ask:\n", "      asking:\n").replace(
        "          ask: {fallback: true}", "          asking: {fallback: true}"))
    load_paths(turns.store, [bot], "default", turns.clock, token="t")
    turns._bots.clear()  # (the server looks for a new revision every 2 s)
    say(turns, channel, "dee", {"type": "text", "content": "order"})
    with turns.store.reading() as session:
        statuses = [c.status for c in session.scalars(select(Conversation).order_by(
            Conversation.id))]
    assert statuses == ["failed", "waiting"]
