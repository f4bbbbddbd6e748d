"""The store: migrations on SQLite and PostgreSQL, and a turn written all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

from turnflow.generators import SystemClock
from turnflow.service.loading import load_paths
from turnflow.service.turns import Turns
from turnflow.store import Store, upgrade
from turnflow.store.models import (
    Channel,
    ContactURN,
    Conversation,
    FlowRun,
    FlowStep,
    Message,
    Timer,
    TurnEvent,
)

from .service_support import EXAMPLES, database

TABLES = {"workspaces", "api_tokens", "definitions", "revisions", "channels", "contacts",
          "contact_urns", "sessions", "runs", "steps", "messages", "events", "timers",
          "outbox", "flow_starts"}


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    with database(request.param, tmp_path) as url:
        store = Store(url)
        upgrade(store)
        yield store
        store.close()


def test_migrations_make_every_table_once(store: Store) -> None:
    upgrade(store)  # a second upgrade does nothing
    assert TABLES <= set(inspect(store.engine).get_table_names())
    with store.engine.connect() as connection:
        assert connection.execute(text("select version_num from alembic_version")).scalar() \
            == "0001"


def test_head_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    from turnflow.store.db import Store as _Store
    from turnflow.store.migrate import HEAD, alembic_config

    config = alembic_config(_Store("sqlite://"))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def _coffee(store: Store) -> tuple[Turns, Channel]:
    clock = SystemClock()
    load_paths(store, [EXAMPLES / "coffee.json"], "default", clock, token="t")
    with store.reading() as session:
        channel = session.scalar(select(Channel).where(Channel.kind == "api"))
    return Turns(store, clock), channel


def _count(store: Store, model: type) -> int:
    with store.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_turn_is_written_all_or_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    turns, channel = _coffee(store)
    received = turns.receive(channel, "tel:+250788000001", "hi", external_id="m1")

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    # the turn fails after its session, runs and steps were added: none of it stays
    monkeypatch.setattr(turns, "_write_replies", broken)
    assert turns.handle_pending(received.contact_id) == 1
    for model in (Conversation, FlowRun, FlowStep, TurnEvent, Timer):
        assert _count(store, model) == 0, model
    assert turns.message(received.message_id).status == "failed"
    assert "disk on fire" in turns.message(received.message_id).data["error"]

    monkeypatch.undo()
    again = turns.receive(channel, "tel:+250788000001", "hi", external_id="m2")
    turns.handle_pending(again.contact_id)
    assert [m.text for m in turns.replies_to(again.message_id)] == [
        "Hi ! What can I get you: coffee or tea?"]
    assert _count(store, Conversation) == 1
    assert _count(store, FlowStep) == 1
    assert _count(store, Timer) == 2  # the wait's timeout and the run's expiration


def test_a_conversed_turn_is_written_all_or_nothing(store: Store,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The JSON API and Rasa's channel store and handle a message in one transaction; a turn
    that fails there is undone and the message kept as failed."""
    turns, channel = _coffee(store)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(turns, "_write_replies", broken)
    received, message, replies = turns.converse(channel, "tel:+250788000005", "hi")
    assert (received.status, message.status, replies) == ("failed", "failed", [])
    for model in (Conversation, FlowRun, FlowStep, TurnEvent, Timer):
        assert _count(store, model) == 0, model
    monkeypatch.undo()
    received, message, replies = turns.converse(channel, "tel:+250788000005", "hi",
                                                external_id="e1")
    assert (received.status, [r.text for r in replies]) == (
        "handled", ["Hi ! What can I get you: coffee or tea?"])
    again = turns.converse(channel, "tel:+250788000005", "hi", external_id="e1")
    assert again[0].duplicate and again[0].message_id == received.message_id
    assert [r.text for r in again[2]] == ["Hi ! What can I get you: coffee or tea?"]
    assert _count(store, Conversation) == 1


def test_an_external_id_is_taken_once(store: Store) -> None:
    turns, channel = _coffee(store)
    first = turns.receive(channel, "tel:+250788000002", "hi", external_id="abc")
    second = turns.receive(channel, "tel:+250788000002", "hi", external_id="abc")
    assert (second.message_id, second.duplicate, first.duplicate) == (
        first.message_id, True, False)
    assert _count(store, Message) == 1


def test_urns_a_flow_adds_are_the_contacts(store: Store) -> None:
    clock = SystemClock()
    load_paths(store, [Path(__file__).parent / "data" / "service" / "alias.json"], "default",
               clock, token="t")
    with store.reading() as session:
        channel = session.scalar(select(Channel).where(Channel.kind == "api"))
    turns = Turns(store, clock)
    first = turns.receive(channel, "tel:+250788000003", "x")
    turns.handle_pending(first.contact_id)
    assert [m.text for m in turns.replies_to(first.message_id)] == [
        "Hello Ana, you are alias-X too"]
    with store.reading() as session:
        urns = session.scalars(select(ContactURN.identity).where(
            ContactURN.contact_id == first.contact_id).order_by(ContactURN.priority)).all()
    assert urns == ["tel:+250788000003", "ext:alias-X"]
    again = turns.receive(channel, "ext:alias-X", "y")  # the same contact
    assert again.contact_id == first.contact_id


def test_a_session_its_new_revision_cant_take_up_fails_and_starts_afresh(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from turnflow.service import turns as turns_module

    monkeypatch.setattr(turns_module, "REVISION_CHECK", 0)
    turns, channel = _coffee(store)
    first = turns.receive(channel, "tel:+250788000004", "hi")
    turns.handle_pending(first.contact_id)
    changed = json.loads((EXAMPLES / "coffee.json").read_text())
    changed["flows"][0]["uuid"] = "8f2b2d5e-6a59-4f43-9d7e-0c1b1a4e0a99"  # a new flow
    (tmp_path / "coffee.json").write_text(json.dumps(changed))
    loaded, _ = load_paths(store, [tmp_path / "coffee.json"], "default", SystemClock())
    assert loaded[0].revision == 2
    second = turns.receive(channel, "tel:+250788000004", "tea")
    turns.handle_pending(second.contact_id)
    assert [m.text for m in turns.replies_to(second.message_id)] == [
        "Hi ! What can I get you: coffee or tea?"]
    with store.reading() as session:
        statuses = session.scalars(select(Conversation.status).order_by(Conversation.id)).all()
        runs = session.scalars(select(FlowRun.status).order_by(FlowRun.id)).all()
    assert (statuses, runs) == (["failed", "waiting"], ["failed", "waiting"])


def test_cli_db_upgrade_and_load(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from turnflow.cli import main

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["db", "upgrade", "--db", db]) == 0
    assert capsys.readouterr().out.strip().endswith(": up to date")
    assert main(["load", str(EXAMPLES / "coffee.json"), "--db", db, "--token", "t"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("default/coffee (goflow, revision 1): POST /api/converse")
    assert main(["load", str(EXAMPLES / "coffee.json"), "--db", db]) == 0  # no new revision
    assert "revision 1" in capsys.readouterr().out
    assert main(["load", str(tmp_path / "nope.json"), "--db", db]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "no such file or directory" in err
    assert len(err.strip().splitlines()) == 1
    assert main(["db", "upgrade", "--db", "mysql://x/y"]) == 2
    assert "unsupported database" in capsys.readouterr().err
    assert main(["serve", "--db", db, "--workers", "2"]) == 2
    assert "--workers above 1 needs PostgreSQL" in capsys.readouterr().err


def test_a_flow_start_for_a_group_starts_its_members_once(store: Store) -> None:
    from turnflow.service import flow_starts
    from turnflow.store.models import Contact, FlowStart

    clock = SystemClock()
    load_paths(store, [Path(__file__).parent / "data" / "service" / "alias.json"], "default",
               clock, token="t")
    with store.reading() as session:
        channel = session.scalar(select(Channel).where(Channel.kind == "api"))
    turns = Turns(store, clock)
    members = [turns.converse(channel, f"tel:+25078800010{n}", "x")[0] for n in range(3)]
    outsider = turns.receive(channel, "tel:+250788000109", "not handled: no group")
    with store.reading() as session:
        groups = session.scalar(select(Contact.groups).where(
            Contact.id == members[0].contact_id))
    assert groups == [{"uuid": "00000000-0000-4000-a000-0000000000aa", "name": "Aliased"}]
    start = flow_starts.create_start(turns, channel.workspace_id, {
        "flow": "Alias", "groups": ["Aliased"], "urns": ["tel:+250788000100"]})
    flow_starts.run_start(turns, start.id)
    flow_starts.run_start(turns, start.id)  # again: nothing more
    with store.reading() as session:
        done = session.get(FlowStart, start.id)
        assert (done.status, done.total, done.started) == ("complete", 3, 3)
        counts = {}
        for member in members + [outsider]:
            counts[member.contact_id] = session.scalar(select(func.count()).select_from(
                Conversation).where(Conversation.contact_id == member.contact_id))
    assert [counts[m.contact_id] for m in members] == [2, 2, 2]  # the message's, the start's
    assert counts[outsider.contact_id] == 0
