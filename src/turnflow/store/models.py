"""The store's tables, as typed SQLAlchemy 2 models.

Everything belongs to a workspace. A *definition* is what a bot is made of in one family
(a goflow assets file or RapidPro export, a Rasa project, later a Kata bot), kept with every
revision loaded. A *conversation* (table ``sessions``) is a contact's session with one
definition: the family's whole state as one JSON document, behind one interface
(:mod:`turnflow.service.families`). Runs and steps are RapidPro's FlowRun and FlowStep, kept
for reading; the session state is what the engine resumes from.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .types import JSONValue, UTCDateTime

# SQLite only makes INTEGER PRIMARY KEY columns autoincrement (rowid); BIGINT elsewhere
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: UTCDateTime(), dict[str, Any]: JSONValue,
                           list[Any]: JSONValue}


class Workspace(Base):
    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    created_on: Mapped[dt.datetime]


class ApiToken(Base):
    """A token lets its holder act on one workspace; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_on: Mapped[dt.datetime]


class Definition(Base):
    """A bot as its family defines it; ``family`` names the adapter that runs it."""

    __tablename__ = "definitions"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    family: Mapped[str] = mapped_column(String(16))
    created_on: Mapped[dt.datetime]
    modified_on: Mapped[dt.datetime]


class Revision(Base):
    """One version of a definition: its files as loaded (``content``), with a digest so
    loading the same files again adds no revision."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("definition_id", "number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definitions.id"), index=True)
    number: Mapped[int]
    digest: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)  # where it was loaded from
    content: Mapped[dict[str, Any]]
    created_on: Mapped[dt.datetime]


class Channel(Base):
    """Where messages come from and go to: ``api`` (turnflow's JSON API), ``rest`` (Rasa's
    REST channel), ``external`` (courier's external channel) or ``generic`` (Kata's generic
    channel); the replies of the last two are posted to ``config["send_url"]`` through the
    outbox."""

    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definitions.id"), index=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    config: Mapped[dict[str, Any]]
    created_on: Mapped[dt.datetime]


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    language: Mapped[str] = mapped_column(String(3), default="")
    status: Mapped[str] = mapped_column(String(16), default="active")
    fields: Mapped[dict[str, Any]]
    groups: Mapped[list[Any]]  # group references {uuid, name}
    created_on: Mapped[dt.datetime]
    modified_on: Mapped[dt.datetime]
    last_seen_on: Mapped[dt.datetime | None]


class ContactURN(Base):
    """A contact's address on a channel scheme, e.g. ``tel:+250788123123``, ``ext:ana``."""

    __tablename__ = "contact_urns"
    __table_args__ = (UniqueConstraint("workspace_id", "identity"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    identity: Mapped[str] = mapped_column(String(255))
    priority: Mapped[int] = mapped_column(default=0)


class Conversation(Base):
    """A contact's session with one definition: the family's state as one JSON document.

    ``sprints`` counts the turns taken; timers remember the count they were set at, so a
    timer the contact has answered since is known to be stale."""

    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_contact_open", "contact_id", "definition_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    definition_id: Mapped[int] = mapped_column(ForeignKey("definitions.id"))
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    family: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # waiting, active, completed, ...
    state: Mapped[dict[str, Any]]
    sprints: Mapped[int] = mapped_column(default=0)
    created_on: Mapped[dt.datetime]
    modified_on: Mapped[dt.datetime]
    ended_on: Mapped[dt.datetime | None]


class FlowRun(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    flow_uuid: Mapped[str] = mapped_column(String(128))
    flow_name: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))
    parent_uuid: Mapped[str | None] = mapped_column(String(36))
    results: Mapped[dict[str, Any]]
    path_length: Mapped[int] = mapped_column(default=0)  # steps stored (FlowStep rows)
    responded: Mapped[bool] = mapped_column(default=False)
    created_on: Mapped[dt.datetime]
    modified_on: Mapped[dt.datetime] = mapped_column(index=True)
    exited_on: Mapped[dt.datetime | None]


class FlowStep(Base):
    """One arrival of a run at a node: when, the exit taken, the input that moved it."""

    __tablename__ = "steps"
    __table_args__ = (UniqueConstraint("run_id", "position"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    position: Mapped[int]
    node_uuid: Mapped[str] = mapped_column(String(128))
    arrived_on: Mapped[dt.datetime]
    exit_uuid: Mapped[str | None] = mapped_column(String(128))
    value: Mapped[str | None] = mapped_column(Text)


class Message(Base):
    """A message in or out. Incoming ones are queued (``pending``) and taken in id order per
    contact; a channel's external id is unique, so a repeat is not taken twice."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel_id", "external_id"),
        Index("ix_messages_contact_pending", "contact_id", "status", "id"),
        Index("ix_messages_workspace", "workspace_id", "id"),
        Index("ix_messages_status", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"))
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    direction: Mapped[str] = mapped_column(String(3))  # in, out
    status: Mapped[str] = mapped_column(String(16))  # in: pending, handled; out: queued...
    urn: Mapped[str] = mapped_column(String(255))
    text: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]]  # attachments, quick replies, buttons, metadata
    external_id: Mapped[str | None] = mapped_column(String(255))
    in_reply_to: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    created_on: Mapped[dt.datetime]
    modified_on: Mapped[dt.datetime]


class TurnEvent(Base):
    """An event of a turn, as the family emitted it."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    type: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]]
    created_on: Mapped[dt.datetime]


class Timer(Base):
    """Something to do to a session at a time: a wait's timeout or expiration, a Rasa
    session's expiry. ``sprint`` is the session's turn count when it was set (a timer the
    session has moved past is stale); ``fired_on`` is set once, in the turn that fires it."""

    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_due", "fired_on", "fire_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    fire_at: Mapped[dt.datetime]
    sprint: Mapped[int]
    created_on: Mapped[dt.datetime]
    fired_on: Mapped[dt.datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16))  # fired, stale


class OutboxItem(Base):
    """A message to post to a callback channel, retried with backoff until it goes."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), unique=True)
    url: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16))  # pending, sent, failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_on: Mapped[dt.datetime]
    sent_on: Mapped[dt.datetime | None]


class FlowStart(Base):
    """Starting a flow for contacts and groups, done in the background with progress."""

    __tablename__ = "flow_starts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id"), index=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definitions.id"))
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    flow_uuid: Mapped[str] = mapped_column(String(128))
    flow_name: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))  # pending, starting, complete, failed
    contacts: Mapped[list[Any]]  # contact UUIDs or URNs as given
    groups: Mapped[list[Any]]  # group UUIDs or names as given
    params: Mapped[dict[str, Any]]
    targets: Mapped[list[Any]]  # the contact ids it starts, fixed when it begins
    total: Mapped[int] = mapped_column(default=0)
    started: Mapped[int] = mapped_column(default=0)
    created_on: Mapped[dt.datetime]
    modified_on: Mapped[dt.datetime]
