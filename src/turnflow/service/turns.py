"""Turns: taking a contact's input into its conversation, each as one transaction.

Incoming messages are first *received*: the contact found or made, the message stored as
``pending`` and committed (so a 2xx is only given for what is stored). Then they are
*handled*, one turn per message, oldest first: each turn locks the contact (a row lock on
PostgreSQL, the single write lock on SQLite), takes the contact's oldest pending message,
runs the family's bot and writes the new session state, the runs and steps, the replies,
the events and the timers together with the message marked ``handled``. A crash in the
middle rolls the turn back and the message is still pending: handled on restart, once.

Timers (timers.py) and flow starts (flow_starts.py) are turns too, under the same contact
lock, so nothing runs concurrently for one contact, in this process or another.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import TurnflowError
from ..store.db import Store
from ..store.models import (
    Channel,
    Contact,
    ContactURN,
    Conversation,
    Definition,
    FlowRun,
    FlowStep,
    Message,
    OutboxItem,
    Revision,
    Timer,
    TurnEvent,
)
from .clock import now_of
from .families.base import (
    MSG,
    START,
    TIMER,
    Bot,
    ContactData,
    Input,
    Outcome,
    StateError,
    family_named,
)
from .loading import CALLBACK_KINDS, GENERIC

log = logging.getLogger("turnflow.service")

OPEN = ("waiting", "active")
PENDING, HANDLED, FAILED = "pending", "handled", "failed"
MAX_STORED_ERROR = 500
URNS_CHANGED = "contact_urns_changed"
REVISION_CHECK = 2.0  # seconds a bot is used before looking for a newer revision

# The statements of every turn, built once with bound parameters: building and keying a
# statement costs more than running it on SQLite
_URN_CONTACT = select(ContactURN.contact_id).where(
    ContactURN.workspace_id == bindparam("workspace"), ContactURN.identity == bindparam("urn"))
_CONTACT = select(Contact).where(Contact.id == bindparam("contact")).execution_options(
    populate_existing=True)
_CONTACT_LOCKED = _CONTACT.with_for_update()
_CONTACT_URNS = select(ContactURN.identity).where(
    ContactURN.contact_id == bindparam("contact")).order_by(ContactURN.priority, ContactURN.id)
_SEEN = select(Message).where(Message.channel_id == bindparam("channel"),
                              Message.external_id == bindparam("external_id"))
_REPLIES = select(Message).where(Message.in_reply_to == bindparam("message")).order_by(
    Message.id)
_PENDING = select(Message).where(
    Message.contact_id == bindparam("contact"), Message.status == PENDING,
    Message.direction == "in", Message.id > bindparam("after")).order_by(Message.id).limit(1)
_PENDING_ID = select(Message.id).where(
    Message.contact_id == bindparam("contact"), Message.status == PENDING,
    Message.direction == "in", Message.id > bindparam("after")).limit(1)
_OPEN_CONVERSATION = select(Conversation).where(
    Conversation.contact_id == bindparam("contact"),
    Conversation.definition_id == bindparam("definition"),
    Conversation.status.in_(OPEN)).order_by(Conversation.id.desc()).limit(1)
_RUNS = select(FlowRun).where(FlowRun.uuid.in_(bindparam("uuids", expanding=True)))
_DROP_STEPS = delete(FlowStep).where(FlowStep.run_id == bindparam("run"),
                                     FlowStep.position >= bindparam("start"))
_DROP_TIMERS = delete(Timer).where(Timer.session_id == bindparam("conversation"),
                                   Timer.fired_on.is_(None))


class RequestError(TurnflowError):
    """Something a client asked for that can't be done (the API answers 4xx)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(slots=True)
class Received:
    message_id: int
    message_uuid: str
    contact_id: int
    contact_uuid: str
    duplicate: bool
    status: str


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


class Turns:
    """Receives input and runs turns against the store (thread-safe, blocking calls)."""

    def __init__(self, store: Store, clock: Any) -> None:
        self.store = store
        self.clock = clock
        self._bots: dict[int, tuple[int, Bot, float]] = {}  # definition id -> (revision, bot,
        self._bots_lock = threading.Lock()                   # when the revision was checked)
        self._channels: dict[int, Channel] = {}
        self._families: dict[int, str] = {}

    def now(self) -> dt.datetime:
        return now_of(self.clock)

    # -- bots ---------------------------------------------------------------------------------

    def bot(self, session: Session, definition_id: int) -> Bot:
        """The bot of the definition's newest revision (built once, rebuilt when a new
        revision is loaded; looked for at most every REVISION_CHECK seconds)."""
        cached = self._bots.get(definition_id)
        if cached is not None and time.monotonic() - cached[2] < REVISION_CHECK:
            return cached[1]
        revision = session.scalar(select(Revision).where(Revision.definition_id == definition_id)
                                  .order_by(Revision.number.desc()).limit(1))
        if revision is None:
            raise RequestError("the definition has no revision", 409)
        with self._bots_lock:
            cached = self._bots.get(definition_id)
            if cached is not None and cached[0] == revision.id:
                self._bots[definition_id] = (revision.id, cached[1], time.monotonic())
                return cached[1]
            definition = session.get(Definition, definition_id)
            assert definition is not None
            bot = family_named(definition.family).build(revision.content, definition.name,
                                                        self.clock)
            self._bots[definition_id] = (revision.id, bot, time.monotonic())
            return bot

    def channel(self, session: Session, channel_id: int) -> Channel:
        """A channel (kept: channels change only when definitions are loaded again)."""
        channel = self._channels.get(channel_id)
        if channel is None:
            channel = session.get(Channel, channel_id)
            if channel is None:
                raise RequestError(f"no channel {channel_id}", 404)
            session.expunge(channel)
            self._channels[channel_id] = channel
        return channel

    def family(self, session: Session, definition_id: int) -> str:
        family = self._families.get(definition_id)
        if family is None:
            definition = session.get(Definition, definition_id)
            assert definition is not None
            family = self._families[definition_id] = definition.family
        return family

    # -- contacts -----------------------------------------------------------------------------

    def contact_for_urn(self, session: Session, workspace_id: int, urn: str,
                        name: str | None = None) -> Contact:
        """The contact with this URN (made if new), locked for the rest of the transaction."""
        found = session.scalar(_URN_CONTACT, {"workspace": workspace_id, "urn": urn})
        if found is None:
            now = self.now()
            contact = Contact(workspace_id=workspace_id, uuid=str(uuid.uuid4()),
                              name=name or "", language="", status="active", fields={},
                              groups=[], created_on=now, modified_on=now)
            try:
                with session.begin_nested():  # another process may make it at the same time
                    session.add(contact)
                    session.flush()
                    session.add(ContactURN(workspace_id=workspace_id, contact_id=contact.id,
                                           identity=urn, priority=0))
                    session.flush()
                found = contact.id
            except IntegrityError:
                found = session.scalar(_URN_CONTACT, {"workspace": workspace_id, "urn": urn})
                if found is None:
                    raise
        return self.lock_contact(session, found)

    def lock_contact(self, session: Session, contact_id: int) -> Contact:
        # (SQLite: the transaction already holds the write lock)
        query = _CONTACT if self.store.sqlite else _CONTACT_LOCKED
        contact = session.scalar(query, {"contact": contact_id})
        if contact is None:
            raise RequestError(f"no contact {contact_id}", 404)
        return contact

    def contact_data(self, session: Session, contact: Contact) -> ContactData:
        urns = session.scalars(_CONTACT_URNS, {"contact": contact.id}).all()
        return ContactData(uuid=contact.uuid, name=contact.name, language=contact.language,
                           status=contact.status, urns=list(urns), fields=dict(contact.fields),
                           groups=list(contact.groups),
                           created_on=contact.created_on.isoformat().replace("+00:00", "Z"))

    # -- receiving ----------------------------------------------------------------------------

    def receive(self, channel: Channel, urn: str, text: str, *, external_id: str | None = None,
                data: dict[str, Any] | None = None, name: str | None = None) -> Received:
        """Store an incoming message as pending (a repeat of a channel's external id gives
        back the message stored the first time)."""
        with self.store.transaction() as session:
            contact = self.contact_for_urn(session, channel.workspace_id, urn, name)
            return self._store_message(session, channel, contact, urn, text, external_id, data,
                                       PENDING)[0]

    def receive_many(self, channel: Channel, urn: str,
                     items: list[tuple[str, dict[str, Any] | None]]) -> list[Received]:
        """Store several incoming messages of one contact as pending, all or none (Kata's
        generic channel takes a list of messages in one request)."""
        with self.store.transaction() as session:
            contact = self.contact_for_urn(session, channel.workspace_id, urn)
            return [self._store_message(session, channel, contact, urn, text, None, data,
                                        PENDING)[0] for text, data in items]

    def _store_message(self, session: Session, channel: Channel, contact: Contact, urn: str,
                       text: str, external_id: str | None, data: dict[str, Any] | None,
                       status: str) -> tuple[Received, Message | None, Contact]:
        if external_id is not None:
            seen = session.scalar(_SEEN, {"channel": channel.id, "external_id": external_id})
            if seen is not None:
                return Received(seen.id, seen.uuid, contact.id, contact.uuid, True,
                                seen.status), None, contact
        now = self.now()
        message = Message(
            workspace_id=channel.workspace_id, contact_id=contact.id, channel_id=channel.id,
            uuid=str(uuid.uuid4()), direction="in", status=status, urn=urn, text=text,
            data=data or {}, external_id=external_id, created_on=now, modified_on=now,
        )  # fmt: skip
        session.add(message)
        session.flush()
        received = Received(message.id, message.uuid, contact.id, contact.uuid, False, status)
        return received, message, contact

    def converse(self, channel: Channel, urn: str, text: str, *,
                 external_id: str | None = None, data: dict[str, Any] | None = None,
                 name: str | None = None) -> tuple[Received, Message | None, list[Message]]:
        """Take a message and answer it, for channels that answer in their response: stored
        and handled in one transaction when the contact has nothing pending (nothing is
        answered before it commits, so a crash loses nothing a client was told), else queued
        behind the contact's pending messages."""
        with self.store.transaction() as session:
            contact = self.contact_for_urn(session, channel.workspace_id, urn, name)
            if self.next_pending(session, contact.id) is None:
                received, message, _ = self._store_message(
                    session, channel, contact, urn, text, external_id, data, HANDLED)
                if message is not None:
                    given = Input(MSG, message.created_on, text=text, urn=urn,
                                  data=dict(message.data), msg_uuid=message.uuid)
                    try:
                        with session.begin_nested():
                            self.turn(session, contact, channel.definition_id, given,
                                      message=message, reply_channel=channel)
                    except Exception as exc:  # the turn is undone; the message is kept
                        log.exception("turn failed for contact %s", contact.id)
                        message.status = received.status = FAILED
                        message.data = dict(message.data, error=f"{type(exc).__name__}: "
                                            f"{exc}"[:MAX_STORED_ERROR])
                    replies = list(session.scalars(_REPLIES, {"message": message.id}))
                    return received, message, replies
            else:
                received = self._store_message(session, channel, contact, urn, text,
                                               external_id, data, PENDING)[0]
        self.handle_pending(received.contact_id)
        message, replies = self.message_and_replies(received.message_id)
        return received, message, replies

    # -- handling -----------------------------------------------------------------------------

    def handle_pending(self, contact_id: int) -> int:
        """Handle the contact's pending messages, oldest first; returns how many."""
        count = 0
        more = True
        while more:
            try:
                handled, more = self._handle_next(contact_id)
            except Exception as exc:  # a turn that fails is rolled back; the message is marked
                log.exception("turn failed for contact %s", contact_id)
                more = self._fail_next(contact_id, exc)
                count += 1
                continue
            count += handled
        return count

    def next_pending(self, session: Session, contact_id: int, after: int = 0
                      ) -> Message | None:
        return session.scalar(_PENDING, {"contact": contact_id, "after": after})

    def _handle_next(self, contact_id: int) -> tuple[bool, bool]:
        """Handle the oldest pending message: (one was handled, another is pending)."""
        with self.store.transaction() as session:
            contact = self.lock_contact(session, contact_id)
            message = self.next_pending(session, contact_id)
            if message is None:
                return False, False
            channel = self.channel(session, message.channel_id)
            given = Input(MSG, self.now(), text=message.text or "", urn=message.urn,
                          data=dict(message.data), msg_uuid=message.uuid)
            message.status = HANDLED  # (all of it is rolled back if the turn fails)
            message.modified_on = given.now
            self.turn(session, contact, channel.definition_id, given, message=message,
                      reply_channel=channel)
            more = session.scalar(_PENDING_ID, {"contact": contact_id,
                                                "after": message.id}) is not None
            return True, more

    def _fail_next(self, contact_id: int, exc: Exception) -> bool:
        """Mark the oldest pending message failed; whether another is pending."""
        with self.store.transaction() as session:
            self.lock_contact(session, contact_id)
            message = self.next_pending(session, contact_id)
            if message is None:
                return False
            message.status = FAILED
            message.data = dict(message.data, error=f"{type(exc).__name__}: {exc}"[
                :MAX_STORED_ERROR])
            message.modified_on = self.now()
            return self.next_pending(session, contact_id, after=message.id) is not None

    def open_conversation(self, session: Session, contact_id: int, definition_id: int
                          ) -> Conversation | None:
        return session.scalar(_OPEN_CONVERSATION, {"contact": contact_id,
                                                   "definition": definition_id})

    def turn(self, session: Session, contact: Contact, definition_id: int, given: Input, *,
             message: Message | None = None, conversation: Conversation | None | bool = True,
             reply_channel: Channel | None = None) -> Outcome:
        """One turn inside the caller's transaction (the contact is locked). The contact's
        open conversation with the definition is looked up unless given (None: it has
        none)."""
        with session.no_autoflush:  # one UPDATE per changed row, at the end
            return self._turn(session, contact, definition_id, given, message, conversation,
                              reply_channel)

    def _turn(self, session: Session, contact: Contact, definition_id: int, given: Input,
              message: Message | None, conversation: Conversation | None | bool,
              reply_channel: Channel | None) -> Outcome:
        if conversation is True:
            conversation = self.open_conversation(session, contact.id, definition_id)
        assert conversation is None or isinstance(conversation, Conversation)
        bot = self.bot(session, definition_id)
        data = self.contact_data(session, contact)
        now = self.now()
        try:
            outcome = bot.handle(data, conversation.state if conversation else None, given)
        except StateError as exc:
            if conversation is None:
                raise
            # the stored state no longer fits the definition (a flow was removed or changed
            # in a new revision): the conversation fails and the input starts a new one,
            # rather than every message of the contact failing from now on
            log.warning("session %s can't go on: %s", conversation.uuid, exc)
            conversation.status, conversation.ended_on = FAILED, now
            conversation.state = dict(conversation.state, error=str(exc)[:MAX_STORED_ERROR])
            self._end_runs(session, conversation, now, status=FAILED)
            conversation = None
            outcome = bot.handle(data, None, given)
        if outcome.state is None:  # nothing started (no trigger for the message)
            return outcome
        if outcome.new_session and conversation is not None:
            conversation.status = "expired" if given.kind == TIMER else "interrupted"
            conversation.ended_on = now
            self._end_runs(session, conversation, now)
            conversation = None
        if conversation is None:
            conversation = Conversation(
                workspace_id=contact.workspace_id, contact_id=contact.id,
                definition_id=definition_id, uuid=outcome.session_uuid or str(uuid.uuid4()),
                family=self.family(session, definition_id), status=outcome.status,
                state=outcome.state,
                sprints=0, created_on=now, modified_on=now, ended_on=None,
            )  # fmt: skip
            session.add(conversation)
            session.flush()
        conversation.state = outcome.state
        conversation.status = outcome.status or conversation.status
        conversation.sprints += 1
        conversation.modified_on = now
        if conversation.status not in OPEN:
            conversation.ended_on = now
        if message is not None:
            message.session_id = conversation.id
        self._write_runs(session, conversation, outcome.runs, bool(message is not None))
        if outcome.contact is not None:
            self._write_contact(contact, outcome.contact, now)
        changed_urns = [e["urns"] for e in outcome.events if e.get("type") == URNS_CHANGED]
        if changed_urns:  # the flow added or removed URNs (goflow's contact_urns_changed)
            self._write_urns(session, contact, changed_urns[-1])
        if given.kind == MSG:
            contact.last_seen_on = now
        self._write_replies(session, contact, conversation, outcome, message, reply_channel, now)
        if outcome.events:
            session.connection().execute(insert(TurnEvent.__table__), [
                {"workspace_id": contact.workspace_id, "session_id": conversation.id,
                 "message_id": message.id if message is not None else None,
                 "type": str(event.get("type", "")), "data": event, "created_on": now}
                for event in outcome.events])
        if conversation.sprints > 1:  # the session moved on: its unfired timers are stale
            session.execute(_DROP_TIMERS, {"conversation": conversation.id})
        if outcome.timers:
            session.connection().execute(insert(Timer.__table__), [
                {"workspace_id": contact.workspace_id, "contact_id": contact.id,
                 "session_id": conversation.id, "kind": kind, "fire_at": fire_at,
                 "sprint": conversation.sprints, "created_on": now, "fired_on": None,
                 "outcome": None} for kind, fire_at in outcome.timers])
        return outcome

    def _end_runs(self, session: Session, conversation: Conversation, now: dt.datetime,
                  status: str = "interrupted") -> None:
        session.execute(update(FlowRun).where(
            FlowRun.session_id == conversation.id, FlowRun.status.in_(OPEN)).values(
            status=status, exited_on=now, modified_on=now))

    def _write_runs(self, session: Session, conversation: Conversation,
                    runs: list[dict[str, Any]], responded: bool) -> None:
        if not runs:
            return
        uuids = [run["uuid"] for run in runs]
        stored = {row.uuid: row for row in session.scalars(
            _RUNS, {"uuids": uuids})}
        for record in runs:
            row = stored.get(record["uuid"])
            modified = parse_time(record["modified_on"])
            if row is not None and row.status not in OPEN and row.modified_on >= modified:
                continue  # ended before this turn: nothing new
            if row is None:
                row = FlowRun(
                    workspace_id=conversation.workspace_id, session_id=conversation.id,
                    contact_id=conversation.contact_id, uuid=record["uuid"],
                    flow_uuid=record["flow"]["uuid"], flow_name=record["flow"].get("name") or "",
                    status=record["status"], parent_uuid=record.get("parent_uuid"),
                    results=record["results"], path_length=0, responded=False,
                    created_on=parse_time(record["created_on"]), modified_on=modified,
                    exited_on=None,
                )  # fmt: skip
                session.add(row)
                session.flush()
            known = row.path_length
            row.status = record["status"]
            row.results = record["results"]
            row.modified_on = modified
            row.exited_on = parse_time(record["exited_on"]) if record.get("exited_on") else None
            row.responded = row.responded or responded
            steps = record.get("steps") or []
            # steps only grow, but the last one's exit is set later (and Rasa may rewind a run
            # to an earlier step): rewrite from the last stored step on
            start = max(0, min(known, len(steps)) - 1)
            if known:
                session.execute(_DROP_STEPS, {"run": row.id, "start": start})
            if len(steps) > start:
                session.connection().execute(insert(FlowStep.__table__), [
                    {"run_id": row.id, "position": index, "node_uuid": step["node_uuid"],
                     "arrived_on": parse_time(step["arrived_on"]),
                     "exit_uuid": step["exit_uuid"], "value": step["value"]}
                    for index, step in enumerate(steps[start:], start=start)])
            row.path_length = len(steps)

    def _write_contact(self, contact: Contact, data: ContactData, now: dt.datetime) -> None:
        changed = False
        for key in ("name", "language", "status", "fields", "groups"):
            value = getattr(data, key)
            if getattr(contact, key) != value:
                setattr(contact, key, value)
                changed = True
        if changed:
            contact.modified_on = now

    def _write_urns(self, session: Session, contact: Contact, urns: list[str]) -> None:
        """The contact's URNs as the flow left them (a URN another contact has stays
        theirs, as mailroom does)."""
        wanted = [urn.split("?", 1)[0] for urn in urns]
        rows = {row.identity: row for row in session.scalars(select(ContactURN).where(
            ContactURN.workspace_id == contact.workspace_id, ContactURN.identity.in_(wanted)))}
        for row in session.scalars(select(ContactURN).where(
                ContactURN.contact_id == contact.id)):
            if row.identity not in wanted:
                session.delete(row)
        for priority, identity in enumerate(wanted):
            row = rows.get(identity)
            if row is None:
                session.add(ContactURN(workspace_id=contact.workspace_id,
                                       contact_id=contact.id, identity=identity,
                                       priority=priority))
            elif row.contact_id == contact.id:
                row.priority = priority
        session.flush()

    def _write_replies(self, session: Session, contact: Contact, conversation: Conversation,
                       outcome: Outcome, message: Message | None, channel: Channel | None,
                       now: dt.datetime) -> None:
        if not outcome.replies:
            return
        if channel is None:  # a timer or a flow start: the definition's callback channel
            channel = session.scalar(select(Channel).where(
                Channel.definition_id == conversation.definition_id,
                Channel.kind.in_(CALLBACK_KINDS)).order_by(Channel.id).limit(1))
            if channel is None:
                channel = session.scalar(select(Channel).where(
                    Channel.definition_id == conversation.definition_id))
        assert channel is not None
        urn = message.urn if message is not None else self._first_urn(session, contact)
        send_url = channel.config.get("send_url") if channel.kind in CALLBACK_KINDS else None
        batch: list[tuple[Message, dict[str, Any]]] = []  # (Kata's generic channel: one post)
        for reply in outcome.replies:
            text = reply.get("text")
            out = Message(
                workspace_id=contact.workspace_id, contact_id=contact.id, channel_id=channel.id,
                session_id=conversation.id, uuid=str(uuid.uuid4()), direction="out",
                status="queued" if send_url else "sent", urn=urn, text=text,
                data={k: v for k, v in reply.items() if k != "text"}, external_id=None,
                in_reply_to=message.id if message is not None else None, created_on=now,
                modified_on=now,
            )  # fmt: skip
            session.add(out)
            if send_url and channel.kind == GENERIC:
                batch.append((out, reply))
            elif send_url:
                session.flush()
                session.add(OutboxItem(
                    workspace_id=contact.workspace_id, message_id=out.id, url=send_url,
                    payload=external_payload(channel, out, reply), status="pending",
                    attempts=0, next_attempt_at=now, last_error=None, created_on=now,
                    sent_on=None))
        if batch:
            session.flush()
            session.add(OutboxItem(
                workspace_id=contact.workspace_id, message_id=batch[0][0].id, url=send_url,
                payload=generic_payload(batch), status="pending", attempts=0,
                next_attempt_at=now, last_error=None, created_on=now, sent_on=None))

    def _first_urn(self, session: Session, contact: Contact) -> str:
        urn = session.scalar(select(ContactURN.identity).where(
            ContactURN.contact_id == contact.id).order_by(ContactURN.priority,
                                                          ContactURN.id).limit(1))
        return urn or ""

    # -- flow starts --------------------------------------------------------------------------

    def start_flow(self, contact_id: int, definition_id: int, flow: str,
                   params: dict[str, Any]) -> Outcome:
        """Start a flow for a contact now (its open conversation with the definition is
        interrupted), in one transaction."""
        with self.store.transaction() as session:
            contact = self.lock_contact(session, contact_id)
            return self.start_flow_in(session, contact, definition_id, flow, params)

    def start_flow_in(self, session: Session, contact: Contact, definition_id: int, flow: str,
                      params: dict[str, Any]) -> Outcome:
        conversation = self.open_conversation(session, contact.id, definition_id)
        return self.turn(session, contact, definition_id,
                         Input(START, self.now(), flow=flow, params=params),
                         conversation=conversation)

    # -- replies ------------------------------------------------------------------------------

    def replies_to(self, message_id: int) -> list[Message]:
        return self.message_and_replies(message_id)[1]

    def message(self, message_id: int) -> Message | None:
        return self.message_and_replies(message_id)[0]

    def message_and_replies(self, message_id: int) -> tuple[Message | None, list[Message]]:
        with self.store.reading() as session:
            message = session.get(Message, message_id)
            replies = list(session.scalars(_REPLIES, {"message": message_id}))
            return message, replies


def external_payload(channel: Channel, message: Message, reply: dict[str, Any]) -> dict[str, Any]:
    """What courier's external channel posts to its send URL for a message."""
    path = message.urn.split(":", 1)[-1]
    payload = {
        "id": message.uuid, "text": reply.get("text") or "", "to": path,
        "to_no_plus": path.lstrip("+"), "from": channel.config.get("address", ""),
        "channel": channel.uuid,
    }
    quick_replies = reply.get("quick_replies") or []
    if quick_replies:
        payload["quick_replies"] = [q["text"] if isinstance(q, dict) else q
                                    for q in quick_replies]
    if reply.get("attachments"):
        payload["attachments"] = reply["attachments"]
    if channel.config.get("content_type") == "form":  # courier's default body
        payload["_content_type"] = "form"
    return payload


def generic_payload(batch: list[tuple[Message, dict[str, Any]]]) -> dict[str, Any]:
    """What Kata's generic channel posts to its webhook for a turn's replies: ``{messages,
    userId}`` (``_message_ids``: the stored messages the post carries, for the outbox)."""
    from .families.kata import channel_message

    return {"messages": [channel_message(reply) for _, reply in batch],
            "userId": batch[0][0].urn.split(":", 1)[-1],
            "_message_ids": [message.id for message, _ in batch]}
